//! `spec check`'s findings from git, pinned on repositories built here:
//! references to files renamed or deleted since, and complete changes none
//! of whose files changed after the change was created, whatever moved on
//! the way (folder renames, archive and back, uncommitted work, shallow clones).

use crate::harness::GitRepo;
use serde_json::Value;

fn proposal(files: &[&str]) -> String {
    let mut s = String::from("# Change: Work\n\n## Why\nBecause it is needed.\n\n## What Changes\n");
    for f in files {
        s.push_str(&format!("- Edit `{f}`\n"));
    }
    s
}

fn tasks(done: bool) -> String {
    format!("## 1. Work\n- [{}] 1.1 Do it\n", if done { "x" } else { " " })
}

/// Write a change in `folder` (below `openspec/changes/`) naming `files`.
fn change(r: &GitRepo, folder: &str, files: &[&str], done: bool) {
    r.write(&[
        (&format!("openspec/changes/{folder}/proposal.md"), Some(&proposal(files))),
        (&format!("openspec/changes/{folder}/tasks.md"), Some(&tasks(done))),
    ]);
}

fn code(r: &GitRepo, files: &[(&str, &str)]) {
    for (path, text) in files {
        r.write(&[(path, Some(&format!("// {path}: {text}, with enough text for rename detection to pair it\n")))]);
    }
}

/// `(file, line, message)` of check's findings about code in git.
fn git_findings(r: &GitRepo, args: &[&str]) -> Vec<(String, Option<u64>, String)> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = r.run(&all);
    // 1: the changes have no delta specs, so validation fails them.
    assert!(run.code <= 1, "{}\n{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            let m = d["message"].as_str().unwrap();
            m.contains("was renamed") || m.contains("was deleted") || m.contains("ticked without evidence")
        })
        .map(|d| {
            (d["file"].as_str().unwrap().replace('\\', "/"), d["line"].as_u64(), d["message"].as_str().unwrap().into())
        })
        .collect()
}

fn short(id: git2::Oid) -> String {
    id.to_string()[..10].to_owned()
}

#[test]
fn renamed_deleted_and_complete_but_untouched() {
    let r = GitRepo::new();
    code(
        &r,
        &[
            ("src/keep.rs", "1"),
            ("src/old.rs", "1"),
            ("src/chain_a.rs", "1"),
            ("src/moved_then_gone.rs", "1"),
            ("src/gone.rs", "1"),
            ("src/quiet.rs", "1"),
            ("src/before.rs", "1"),
            ("src/touched.rs", "1"),
            ("src/moved.rs", "1"),
            ("src/back.rs", "1"),
            ("src/dirty.rs", "1"),
        ],
    );
    r.commit("01-01", "Start");
    code(&r, &[("src/before.rs", "2")]);
    r.commit("01-02", "Edit before.rs before any change names it");
    // refs names files that move or go later; planned.rs never exists.
    let refs =
        ["src/keep.rs", "src/old.rs", "src/chain_a.rs", "src/moved_then_gone.rs", "src/gone.rs", "src/planned.rs"];
    change(&r, "refs", &refs, false);
    change(&r, "idle", &["src/quiet.rs", "src/before.rs"], true);
    change(&r, "busy", &["src/touched.rs"], true);
    change(&r, "early-name", &["src/moved.rs"], true);
    change(&r, "back", &["src/back.rs"], true);
    change(&r, "dirty", &["src/dirty.rs"], true);
    let proposed = r.commit("01-03", "Propose the changes");
    code(&r, &[("src/same.rs", "1")]);
    change(&r, "same", &["src/same.rs"], true);
    let same = r.commit("01-04", "Propose same with its file");
    code(&r, &[("src/touched.rs", "2"), ("src/moved.rs", "2")]);
    r.rename("openspec/changes/back", "openspec/changes/archive/2024-01-05-back");
    r.commit("01-05", "Work on busy and early-name; archive back");
    r.rename("openspec/changes/early-name", "openspec/changes/moved");
    r.rename("src/old.rs", "src/new.rs");
    r.rename("src/chain_a.rs", "src/chain_b.rs");
    r.rename("src/moved_then_gone.rs", "src/moved_away.rs");
    r.write(&[("src/gone.rs", None)]);
    code(&r, &[("src/back.rs", "2")]);
    r.commit("01-06", "Rename early-name to moved, move and drop files, edit back.rs");
    r.rename("openspec/changes/archive/2024-01-05-back", "openspec/changes/back");
    r.rename("src/chain_b.rs", "src/chain_c.rs");
    r.write(&[("src/moved_away.rs", None)]);
    r.commit("01-07", "Bring back back, move chain_b.rs on, drop moved_away.rs");
    // Uncommitted: dirty.rs edited; fresh is a complete change git has not seen.
    code(&r, &[("src/dirty.rs", "2")]);
    change(&r, "fresh", &["src/keep.rs"], true);

    let refs_file = "openspec/changes/refs/proposal.md".to_owned();
    let ticked = |id: &str, files: usize, at: git2::Oid| {
        (
            format!("openspec/changes/{id}/tasks.md"),
            None,
            format!(
                "change {id} is complete, but none of the {files} file{} it names changed since it was created ({}): ticked without evidence?",
                if files == 1 { "" } else { "s" },
                short(at)
            ),
        )
    };
    let mut want = vec![
        (refs_file.clone(), Some(8), "`src/old.rs` was renamed to `src/new.rs` (named by change refs)".to_owned()),
        (refs_file.clone(), Some(9), "`src/chain_a.rs` was renamed to `src/chain_c.rs` (named by change refs)".into()),
        (refs_file.clone(), Some(10), "`src/moved_then_gone.rs` was deleted (named by change refs)".into()),
        (refs_file.clone(), Some(11), "`src/gone.rs` was deleted (named by change refs)".into()),
        // Changed on 01-02, before idle was created: it does not count.
        ticked("idle", 2, proposed),
        ticked("same", 1, same),
    ];
    want.sort();
    // Not busy (touched.rs changed after), moved (created as early-name,
    // moved.rs changed before the rename), back (created before it was
    // archived, back.rs changed while it was), dirty (changed in the work
    // tree), fresh (not committed), nor refs (not complete).
    assert_eq!(git_findings(&r, &[]), want);
    assert_eq!(git_findings(&r, &["--no-git"]), []);

    // Committing the work tree: dirty is still changed since it was
    // created, and fresh is created now, with nothing changed since.
    let fresh = r.commit("01-08", "Commit the work tree");
    want.push(ticked("fresh", 1, fresh));
    want.sort();
    assert_eq!(git_findings(&r, &[]), want);
}

#[test]
fn changes_from_before_a_shallow_clone_are_not_judged() {
    let r = GitRepo::new();
    code(&r, &[("src/a.rs", "1"), ("src/b.rs", "1")]);
    change(&r, "early", &["src/a.rs"], true);
    r.commit("02-01", "Propose early");
    code(&r, &[("README.md", "1")]);
    let boundary = r.commit("02-02", "Code only");
    change(&r, "late", &["src/b.rs"], true);
    let late = r.commit("02-03", "Propose late");
    std::fs::write(r.path().join(".git/shallow"), format!("{boundary}\n")).unwrap();
    let message = format!(
        "change late is complete, but none of the 1 file it names changed since it was created ({}): ticked without evidence?",
        short(late)
    );
    assert_eq!(git_findings(&r, &[]), [("openspec/changes/late/tasks.md".to_owned(), None, message)]);
}

#[test]
fn a_project_in_a_folder_of_the_repository() {
    let r = GitRepo::new();
    code(&r, &[("packages/api/src/old.rs", "1"), ("packages/api/src/gone.rs", "1"), ("src/old.rs", "1")]);
    r.write(&[("packages/api/openspec/project.md", Some("# API\n"))]);
    r.commit("03-01", "Start");
    r.write(&[
        ("packages/api/openspec/changes/refs/proposal.md", Some(&proposal(&["src/old.rs", "src/gone.rs"]))),
        ("packages/api/openspec/changes/refs/tasks.md", Some(&tasks(false))),
    ]);
    r.commit("03-02", "Propose");
    r.rename("packages/api/src/old.rs", "packages/api/src/new.rs");
    r.write(&[("packages/api/src/gone.rs", None), ("src/old.rs", None)]);
    r.commit("03-03", "Move and drop");
    let file = "packages/api/openspec/changes/refs/proposal.md".to_owned();
    assert_eq!(
        git_findings(&r, &["--project", "packages/api"]),
        [
            (file.clone(), Some(7), "`src/old.rs` was renamed to `src/new.rs` (named by change refs)".to_owned()),
            (file, Some(8), "`src/gone.rs` was deleted (named by change refs)".to_owned()),
        ]
    );
}
