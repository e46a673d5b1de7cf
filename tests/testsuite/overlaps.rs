//! `spec overlaps` and the same overlaps in check, status, the site and diff,
//! on a fixture with case and whitespace variants of one requirement header
//! (`User  Login` / `requirement: user login`), a RENAMED FROM name against a
//! REMOVED one in another case, a shared declared file, an archived change
//! naming the same requirement (not active, so no overlap) and a change that
//! overlaps nothing.

use crate::harness::{GitRepo, SpecTest, fixtures, run_in};
use serde_json::json;

#[test]
fn overlaps_json_folds_names_and_follows_renames() {
    let run = run_in(&fixtures().join("overlaps"), &["overlaps", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json(),
        json!([
            {"a": "drop-logout", "b": "rename-logout", "kind": "requirement", "key": "auth/Logout"},
            {"a": "rework-login", "b": "tune-login", "kind": "requirement", "key": "auth/User Login"},
            {"a": "rework-login", "b": "tune-login", "kind": "file", "key": "src/auth/login.rs"},
        ])
    );
    let text = run_in(&fixtures().join("overlaps"), &["overlaps"]);
    assert!(text.stdout.starts_with("Same requirement (2)\n"), "{}", text.stdout);
    assert!(text.stdout.contains("Same file (1)\n  rework-login ↔ tune-login    src/auth/login.rs"), "{}", text.stdout);
}

#[test]
fn overlaps_warn_on_both_changes_in_check() {
    let run = run_in(&fixtures().join("overlaps"), &["check", "--json"]);
    let findings = run.json()["findings"].clone();
    let mut warned: Vec<(String, u64, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains(" overlaps "))
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    warned.sort();
    let at = |c: &str, f: &str, line: u64, m: &str| (format!("openspec/changes/{c}/{f}"), line, m.to_owned());
    assert_eq!(
        warned,
        [
            at(
                "drop-logout",
                "specs/auth/spec.md",
                2,
                "change `drop-logout` overlaps `rename-logout` on requirement `auth/Logout` (REMOVED here, RENAMED there)"
            ),
            at(
                "rename-logout",
                "specs/auth/spec.md",
                2,
                "change `rename-logout` overlaps `drop-logout` on requirement `auth/Logout` (RENAMED here, REMOVED there)"
            ),
            at(
                "rework-login",
                "specs/auth/spec.md",
                2,
                "change `rework-login` overlaps `tune-login` on requirement `auth/User Login` (MODIFIED here, MODIFIED there)"
            ),
            at(
                "rework-login",
                "tasks.md",
                1,
                "change `rework-login` overlaps `tune-login` on file `src/auth/login.rs` (declared here, declared there)"
            ),
            at(
                "tune-login",
                "specs/auth/spec.md",
                2,
                "change `tune-login` overlaps `rework-login` on requirement `auth/User Login` (MODIFIED here, MODIFIED there)"
            ),
            at(
                "tune-login",
                "tasks.md",
                1,
                "change `tune-login` overlaps `rework-login` on file `src/auth/login.rs` (declared here, declared there)"
            ),
        ]
    );
    assert_eq!(run.code, 0, "overlaps are warnings");
}

#[test]
fn overlaps_in_status_and_on_change_pages() {
    let t = SpecTest::fixture("overlaps");
    let status = t.run(&["status"]);
    assert!(status.stdout.contains("Overlaps (3)"), "{}", status.stdout);
    assert!(status.stdout.contains("⚠ drop-logout  ↔ rename-logout  auth/Logout"), "{}", status.stdout);
    let json = t.run(&["status", "--json"]).json();
    assert_eq!(json["projects"][0]["overlaps"].as_array().unwrap().len(), 3);
    assert_eq!(t.run(&["site"]).code, 0);
    let page = std::fs::read_to_string(t.path().join("site/changes/tune-login.html")).unwrap();
    assert!(page.contains("<h2 id=\"overlaps\">Overlaps</h2>"), "{page}");
    assert!(
        page.contains("<a href=\"../changes/rework-login.html\"><code>rework-login</code></a>: requirement <code>auth/User Login</code>"),
        "{page}"
    );
    let quiet = std::fs::read_to_string(t.path().join("site/changes/add-audit.html")).unwrap();
    assert!(!quiet.contains("id=\"overlaps\""));
}

#[test]
fn diff_names_the_overlaps_a_pull_request_creates() {
    let fixture = fixtures().join("overlaps");
    let read = |rel: &str| std::fs::read_to_string(fixture.join(rel)).unwrap();
    let rel = |c: &str, f: &str| format!("openspec/changes/{c}/{f}");
    let mut base: Vec<(String, String)> = vec![
        ("openspec/specs/auth/spec.md".into(), read("openspec/specs/auth/spec.md")),
        ("src/auth/login.rs".into(), "// login\n".into()),
    ];
    for f in ["proposal.md", "tasks.md", "specs/auth/spec.md"] {
        base.push((rel("rework-login", f), read(&rel("rework-login", f))));
    }
    let files: Vec<(&str, Option<&str>)> = base.iter().map(|(p, t)| (p.as_str(), Some(t.as_str()))).collect();
    let repo = GitRepo::new();
    repo.write(&files);
    repo.commit("01-05", "base");
    let added: Vec<(String, String)> = ["proposal.md", "tasks.md", "specs/auth/spec.md"]
        .iter()
        .map(|f| (rel("tune-login", f), read(&rel("tune-login", f))))
        .collect();
    let files: Vec<(&str, Option<&str>)> = added.iter().map(|(p, t)| (p.as_str(), Some(t.as_str()))).collect();
    repo.write(&files);
    repo.commit("01-06", "tune login");
    let run = repo.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "### New overlaps\n\n- ⚠️ `rework-login` and `tune-login` both name requirement `auth/User Login`\n- ⚠️ `rework-login` and `tune-login` both name file `src/auth/login.rs`\n"
        ),
        "{}",
        run.stdout
    );
    let json = repo.run(&["diff", "HEAD~1", "HEAD", "--json"]).json();
    assert_eq!(json["overlaps_added"].as_array().unwrap().len(), 2);
    // Nothing new between a revision and itself.
    let same = repo.run(&["diff", "HEAD", "HEAD", "--json"]).json();
    assert_eq!(same["overlaps_added"], json!([]));
}
