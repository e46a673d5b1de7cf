//! `spec site`: the files it writes, determinism, safety with hostile
//! Markdown, the manifest rules, and snapshots of the main pages. The
//! browser test (`tools/site-check`) opens every page in Chromium in CI.

use crate::harness::{SpecTest, fixtures, run_in};
use std::collections::BTreeMap;
use std::path::Path;

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

#[test]
fn site_of_the_basic_fixture() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("site: "), "{}", run.stderr);
    let files = read_tree(&t.path().join("site"));
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".spec-site-manifest",
            "archive.html",
            "archive/2025-01-10-init-repo.html",
            "assets/search-index.js",
            "assets/search.js",
            "assets/style.css",
            "changes/add-2fa.html",
            "changes/add-login.html",
            "changes/draft-idea.html",
            "graph.html",
            "index.html",
            "search.html",
            "specs/auth.html",
            "timeline.html",
        ]
    );
    let page = |p: &str| String::from_utf8(files[p].clone()).unwrap();
    let dir = t.path().file_name().unwrap().to_string_lossy().into_owned();
    insta::assert_snapshot!("site_index", page("index.html").replace(&dir, "[DIR]"));
    insta::assert_snapshot!("site_change", page("changes/add-login.html").replace(&dir, "[DIR]"));
    insta::assert_snapshot!("site_spec", page("specs/auth.html").replace(&dir, "[DIR]"));
    let login = page("changes/add-login.html");
    assert!(login.contains("<a href=\"../archive/2025-01-10-init-repo.html\"><code>init-repo</code></a>"), "{login}");
    assert!(login.contains("1.2.1 Make the rate configurable"));
    let index = page("assets/search-index.js");
    assert!(index.starts_with("window.SPEC_SEARCH = [") && index.contains("Password Login"), "{index}");
}

#[test]
fn every_internal_link_resolves() {
    let t = SpecTest::fixture("basic");
    assert_eq!(t.run(&["site"]).code, 0);
    let site = t.path().join("site");
    let files = read_tree(&site);
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let target = &piece[..piece.find('"').unwrap()];
                if target.starts_with("https://") || target.starts_with("mailto:") || target.starts_with('#') {
                    continue;
                }
                let file = target.split('#').next().unwrap();
                let file = file.split('?').next().unwrap();
                let resolved = Path::new(path).parent().unwrap().join(file);
                let normal = resolved.components().fold(std::path::PathBuf::new(), |mut p, c| {
                    match c {
                        std::path::Component::ParentDir => {
                            p.pop();
                        }
                        other => p.push(other),
                    }
                    p
                });
                assert!(site.join(&normal).is_file(), "{path}: broken link {target}");
            }
        }
    }
}

#[test]
fn site_is_byte_identical_across_builds() {
    let t = SpecTest::fixture("basic");
    assert_eq!(t.run(&["site", "--out", "one"]).code, 0);
    assert_eq!(t.run(&["site", "--out", "two"]).code, 0);
    assert_eq!(read_tree(&t.path().join("one")), read_tree(&t.path().join("two")));
    let again = t.run(&["site", "--out", "one"]);
    assert!(again.stderr.contains("(0 written,"), "{}", again.stderr);
}

/// The site of the corpus with the seed's roadmap file, built from this
/// checkout: its folder (kept while the guard lives), the root it read.
fn corpus_site() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let corpus = crate::harness::corpus("pantheros-fa3d6fa");
    let (root, site) = (corpus.to_str().unwrap().to_owned(), out.path().join("site"));
    let run = run_in(
        crate_dir,
        &[
            "--root",
            &root,
            "site",
            "--config",
            "tests/fixtures/pantheros/roadmap.yaml",
            "--out",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    (out, site, root)
}

#[test]
fn no_machine_path_reaches_the_site() {
    // A roadmap file outside the root is named as given, not by the absolute
    // path of this checkout: the same command gives the same site anywhere.
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_out, site, root) = corpus_site();
    let index = String::from_utf8(std::fs::read(site.join("index.html")).unwrap()).unwrap();
    assert!(index.contains("<code>tests/fixtures/pantheros/roadmap.yaml</code>"), "{index}");
    let here = [crate_dir.to_string_lossy().into_owned(), root];
    for (name, bytes) in read_tree(&site) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!here.iter().any(|p| text.contains(p.as_str())), "{name} names a path of this machine");
    }
}

/// Defence in depth: even a sanitiser slip could not run a script inline.
const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'\">";

#[test]
fn hostile_markdown_cannot_script_the_site() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = run_in(&fixtures().join("hostile"), &["site", "--out", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The pages that carry Markdown from the repository.
    for (path, bytes) in read_tree(&site) {
        let content = ["changes/", "specs/", "archive/"].iter().any(|p| path.starts_with(p)) || path == "index.html";
        if !content {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(html.contains(CSP), "{path}: no Content-Security-Policy");
        for tag in tags(&html) {
            let lower = tag.to_lowercase();
            let name: String = lower[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            assert!(
                !["iframe", "form", "style", "object", "embed", "img", "input", "button", "base", "meta"]
                    .contains(&name.as_str())
                    || (name == "meta"
                        && path.ends_with(".html")
                        && (lower.contains("charset")
                            || lower.contains("viewport")
                            || lower.contains("generator")
                            || tag == CSP)),
                "{path}: content tag {tag}"
            );
            let attrs = &lower[1 + name.len()..];
            assert!(!attrs.split_whitespace().any(|a| a.starts_with("on")), "{path}: event handler in {tag}");
            for value in attrs.split('"').skip(1).step_by(2) {
                let v = value.trim_start();
                assert!(!v.starts_with("javascript:") && !v.starts_with("data:"), "{path}: script URL in {tag}");
            }
            if name == "script" {
                assert!(lower.starts_with("<script data-spec src=\"assets/"), "{path}: foreign script {tag}");
            }
        }
    }
    let quote = site.join("changes/quote~22id.html");
    assert!(quote.is_file(), "odd ids get safe file names");
}

/// Every start tag (`<name ...>`) in an HTML document, as written.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = after.find('>').map_or(rest.len(), |e| start + 1 + e + 1);
            out.push(&rest[start..end]);
            rest = &rest[end..];
        } else {
            rest = after;
        }
    }
    out
}

#[test]
fn foreign_folders_are_refused_and_user_files_kept() {
    let t = SpecTest::fixture("basic").file("docs/notes.md", "mine\n");
    let refused = t.run(&["site", "--out", "docs"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("was not made by `spec site`"), "{}", refused.stderr);
    assert_eq!(t.run(&["site", "--out", "docs", "--force"]).code, 0);
    assert!(t.path().join("docs/notes.md").is_file());

    assert_eq!(t.run(&["site"]).code, 0);
    std::fs::write(t.path().join("site/CNAME"), "example.org\n").unwrap();
    std::fs::remove_dir_all(t.path().join("openspec/changes/draft-idea")).unwrap();
    let rebuilt = t.run(&["site"]);
    assert!(rebuilt.stderr.contains("1 removed"), "{}", rebuilt.stderr);
    assert!(!t.path().join("site/changes/draft-idea.html").exists());
    assert!(t.path().join("site/CNAME").is_file(), "a file spec did not write is never deleted");
}

#[test]
fn the_graph_page_draws_what_it_can_fit() {
    // The corpus roadmap chains eight changes deep: one drawing would shrink
    // to half, so each phase gets its own; changes with no dependency are
    // tiles under their phase, not boxes in a drawing.
    let (_out, site, _) = corpus_site();
    let graph = std::fs::read_to_string(site.join("graph.html")).unwrap();
    assert!(graph.contains("<h2 id=\"deps-0\">Foundation</h2>"), "{graph}");
    assert!(graph.matches("class=\"spec-graph\"").count() >= 4, "a drawing per phase: {graph}");
    assert!(graph.contains("Outside this phase"), "{graph}");
    assert!(graph.contains("<h2 id=\"independent\">Without dependencies</h2>"), "{graph}");
    assert!(
        graph.contains("<li class=\"tile tile-complete\"><a href=\"changes/add-opencode-ai.html\"><code>add-opencode-ai</code></a> <span class=\"progress-text\">5/5</span></li>"),
        "{graph}"
    );
    for svg in graph.split("<svg ").skip(1) {
        let root = svg.split('>').next().unwrap();
        assert!(root.contains(" width=\"100%\"") && !root.contains(" height="), "scales to its column: {root}");
    }
    // A small graph is one drawing.
    let t = SpecTest::fixture("basic");
    assert_eq!(t.run(&["site"]).code, 0);
    let graph = std::fs::read_to_string(t.path().join("site/graph.html")).unwrap();
    assert_eq!(graph.matches("class=\"spec-graph\"").count(), 1, "{graph}");
    assert!(!graph.contains("id=\"deps-0\""), "{graph}");
}
