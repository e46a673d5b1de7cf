//! The house rules: the folders of `src/` are the pipeline, and a module may
//! only use the layers below it. This test reads every `src/**/*.rs` (code
//! only: comments, strings and `#[cfg(test)]` items are left out, since
//! tests may use anything), finds every `crate::…`, `super::…` and
//! `use crate::{…}` reference, and fails on
//!
//! - a reference from one top-level module to another that [`LAYERS`] does
//!   not allow (render using context, parse using discover, ...);
//! - a top-level module that [`LAYERS`] does not know (a new one must be
//!   placed in the table, and in ARCHITECTURE.md);
//! - a cycle between sibling modules anywhere in the tree (`a` uses `b` and
//!   `b` uses `a`, directly or through others), since a cycle is two modules
//!   that are really one.
//!
//! A module's use of its own ancestors (`super::Thing` in a child) is the
//! tree itself, not a dependency, and is not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the top-level modules it may use directly.
/// Read as a stack: `model` at the bottom uses nothing, `commands` at the
/// top uses anything; a layer uses only layers listed before it.
const LAYERS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("error", &[]),
    ("glob", &[]),
    ("source", &["model"]),
    ("parse", &["model", "source", "glob"]),
    ("discover", &["model", "source", "parse", "glob", "error"]),
    ("git", &["model", "source"]),
    ("analyse", &["model", "source", "parse", "glob"]),
    ("nix", &["model", "source", "parse"]),
    ("render", &["model", "analyse", "nix"]),
    ("output", &["error"]),
    ("cli", &[]),
    ("config", &["cli", "discover", "error"]),
    (
        "context",
        &["model", "error", "glob", "source", "parse", "discover", "git", "analyse", "nix", "output", "cli", "config"],
    ),
    (
        "commands",
        &[
            "model", "error", "glob", "source", "parse", "discover", "git", "analyse", "nix", "render", "output",
            "cli", "config", "context",
        ],
    ),
];

/// A source file and the module path it defines (`src/analyse/links.rs` is
/// `analyse::links`, `src/analyse/mod.rs` is `analyse`, `src/lib.rs` is the
/// crate root, the empty path).
struct File {
    path: PathBuf,
    module: Vec<String>,
    code: String,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files() -> Vec<File> {
    let mut out = Vec::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src()).unwrap().with_extension("");
                let mut module: Vec<String> =
                    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    module.pop();
                }
                let code = without_tests(&code_only(&std::fs::read_to_string(&path).unwrap()));
                out.push(File { path, module, code });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The text with comments, string and character literals blanked out
/// (newlines kept), so that only code is searched.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !b[..i].last().is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match b.get(j) {
                    None => break,
                    Some('"') if (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            out.extend(b[i..j.min(b.len())].iter().map(|&c| blank(c)));
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != '"' {
                j += if b[j] == '\\' { 2 } else { 1 };
            }
            out.extend(b[i..(j + 1).min(b.len())].iter().map(|&c| blank(c)));
            i = j + 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            let close = if next == Some('\\') {
                (i + 2..b.len().min(i + 12)).find(|&j| b[j] == '\'')
            } else {
                (b.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(j) => {
                    out.extend(std::iter::repeat_n(' ', j + 1 - i));
                    i = j + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code without `#[cfg(test)]` items (test modules may use anything).
fn without_tests(code: &str) -> String {
    let mut out = code.to_owned();
    while let Some(at) = out.find("#[cfg(test)]") {
        let rest = &out[at..];
        // The item ends at its first `;` before any `{`, or at the brace
        // that closes its first `{`.
        let end = match (rest.find('{'), rest.find(';')) {
            (Some(open), semi) if semi.is_none_or(|s| s > open) => {
                let mut depth = 0;
                let mut end = rest.len();
                for (i, c) in rest.char_indices().skip(open) {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (_, Some(semi)) => semi + 1,
            _ => rest.len(),
        };
        out.replace_range(at..at + end, "");
    }
    out
}

/// Every path the code names through `crate::` or `super::`, made absolute
/// (segments from the crate root; item names included, since which segment
/// is the last module is decided against the module list).
fn references(file: &File) -> Vec<Vec<String>> {
    let code = &file.code;
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut out = Vec::new();
    for start in ["crate", "super"] {
        for (at, _) in code.match_indices(start) {
            if code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let Some(rest) = code[at + start.len()..].trim_start().strip_prefix("::") else { continue };
            let mut rest = rest.trim_start();
            let mut base: Vec<String> = Vec::new();
            if start == "super" {
                base = file.module.clone();
                base.pop();
                while let Some(r) = rest.strip_prefix("super").and_then(|r| r.trim_start().strip_prefix("::")) {
                    base.pop();
                    rest = r.trim_start();
                }
            }
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c, d as e}`: the first segment of each item.
                let (mut depth, mut item, mut items) = (1, String::new(), Vec::new());
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 1 => break,
                        '}' => depth -= 1,
                        ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                        _ if depth == 1 => item.push(c),
                        _ => {}
                    }
                }
                items.push(item);
                for first in items.iter().map(|i| ident(i.trim())).filter(|f| !f.is_empty() && f != "self") {
                    out.push([base.clone(), vec![first]].concat());
                }
                continue;
            }
            let mut path = base.clone();
            loop {
                let name = ident(rest);
                if name.is_empty() {
                    break;
                }
                rest = &rest[name.len()..];
                path.push(name);
                match rest.trim_start().strip_prefix("::") {
                    Some(r) => rest = r.trim_start(),
                    None => break,
                }
            }
            if path.len() > base.len() {
                out.push(path);
            }
        }
    }
    out
}

/// The deepest module of `modules` that `path` names (`analyse::links::Link`
/// is in `analyse::links`).
fn module_of(path: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p)).unwrap_or_default()
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let files = files();
    let table: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let mut wrong = Vec::new();
    for f in &files {
        let Some(top) = f.module.first() else { continue }; // lib.rs, main.rs: the crate itself
        let Some(allowed) = table.get(top.as_str()) else {
            wrong.push(format!("{}: `{top}` is not in the layer table (tests/testsuite/layers.rs)", f.path.display()));
            continue;
        };
        for r in references(f) {
            let target = module_of(&r, &modules);
            let Some(other) = target.first() else { continue };
            if other != top && !allowed.contains(&other.as_str()) {
                wrong.push(format!(
                    "{}: `{}` uses `{}`, which the layer `{top}` may not use (it may use: {})",
                    f.path.strip_prefix(src()).unwrap().display(),
                    f.module.join("::"),
                    r.join("::"),
                    if allowed.is_empty() { "nothing".to_owned() } else { allowed.join(", ") }
                ));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "layer violations:\n{}", wrong.join("\n"));
}

#[test]
fn the_layer_table_is_a_stack() {
    let table: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    // Every layer a layer uses is in the table and comes before it, so the
    // table can never hold a cycle.
    for (i, (layer, uses)) in LAYERS.iter().enumerate() {
        for u in *uses {
            assert!(table.contains_key(u), "`{layer}` uses `{u}`, which is not in the table");
            let j = LAYERS.iter().position(|(l, _)| l == u).unwrap();
            assert!(j < i, "`{layer}` uses `{u}`, which stands above it in the table");
        }
    }
}

#[test]
fn no_two_modules_use_each_other() {
    let files = files();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    // Edges between siblings: from the child of their common parent on the
    // using side to the one on the used side.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &files {
        for r in references(f) {
            let target = module_of(&r, &modules);
            if f.module.starts_with(&target) {
                continue; // itself, or an ancestor: the tree, not a dependency
            }
            let common = f.module.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common >= target.len() || common >= f.module.len() {
                continue; // a descendant of the user (its own child modules)
            }
            edges.entry(f.module[..=common].to_vec()).or_default().insert(target[..=common].to_vec());
        }
    }
    // Any cycle among siblings, found by a depth-first search.
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut names: Vec<String> = stack[at..].iter().map(|s| s.join("::")).collect();
            names.push(n.join("::"));
            cycles.push(names.join(" → "));
            return;
        }
        if !done.insert(n.clone()) {
            return;
        }
        stack.push(n.clone());
        for t in edges.get(n).into_iter().flatten() {
            visit(t, edges, stack, done, cycles);
        }
        stack.pop();
    }
    let mut cycles = Vec::new();
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        visit(n, &edges, &mut Vec::new(), &mut done, &mut cycles);
    }
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_reader_sees_code_not_comments_strings_or_tests() {
    let f = File {
        path: PathBuf::from("src/render/x.rs"),
        module: vec!["render".into(), "x".into()],
        code: without_tests(&code_only(
            "//! [`crate::context`] in a doc\nuse crate::{model::Day, analyse};\nuse super::super::nix::Host;\nlet s = \"crate::commands\"; let c = '\"'; let r = r#\"crate::git\"#;\nfn f<'a>() { crate::analyse::x(); }\n#[cfg(test)]\nmod tests { use crate::context::Loaded; }\n",
        )),
    };
    let found: Vec<String> = references(&f).iter().map(|r| r.join("::")).collect();
    assert_eq!(found, ["model", "analyse", "analyse::x", "nix::Host"]);
}

#[test]
fn no_source_file_is_over_a_thousand_lines() {
    // Lines before a file's `#[cfg(test)]` module: tests beside the code don't count.
    let mut long: Vec<String> = files()
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f.path).unwrap();
            let lines = text.lines().take_while(|l| !l.starts_with("#[cfg(test)]")).count();
            (lines > 1000).then(|| format!("{}: {lines} lines", f.path.strip_prefix(src()).unwrap().display()))
        })
        .collect();
    long.sort();
    assert!(long.is_empty(), "split these files along their seams:\n{}", long.join("\n"));
}
