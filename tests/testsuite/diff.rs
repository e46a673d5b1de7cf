//! `spec diff BASE [HEAD]`: what a pull request moves, on repositories
//! built here.

use crate::harness::GitRepo;
use serde_json::Value;

const ROADMAP: &str = "title: Demo\nphases:\n  - id: one\n    title: Phase One\n    changes: [a, b, c]\n  - id: two\n    title: Phase Two\n    changes: [e]\n";

fn base() -> GitRepo {
    let r = GitRepo::new();
    r.write(&[
        ("roadmap/roadmap.yaml", Some(ROADMAP)),
        ("openspec/changes/a/proposal.md", Some("# Change: Add A\n")),
        ("openspec/changes/a/tasks.md", Some("## 1. Work\n- [ ] 1.1 First | piped\n- [ ] 1.2 Second\n")),
        ("openspec/changes/b/proposal.md", Some("# Change: Add B\n")),
        ("openspec/changes/b/tasks.md", Some("- [x] 1.1 Done\n- [x] 1.2 Also done\n")),
        ("openspec/changes/c/proposal.md", Some("# Change: Add C\n")),
        ("openspec/changes/c/tasks.md", Some("- [x] 1.1 Only\n")),
        ("openspec/changes/d/proposal.md", Some("# Change: Doomed D\n")),
        ("openspec/changes/d/tasks.md", Some("- [ ] 1.1 Never\n")),
    ]);
    r.commit("03-01", "Base");
    r
}

/// Change `f`, created and archived in one go.
const FIXED_AND_ARCHIVED: [(&str, Option<&str>); 2] = [
    ("openspec/changes/archive/2024-03-05-f/proposal.md", Some("# Change: Fix F\n")),
    ("openspec/changes/archive/2024-03-05-f/tasks.md", Some("- [x] 1.1 Fixed\n")),
];

fn pull_request(r: &GitRepo) {
    r.write(&[
        (
            "openspec/changes/a/tasks.md",
            Some("## 1. Work\n- [x] 1.1 First | piped\n- [ ] 1.2 Second, with tests\n- [ ] 1.3 Third\n"),
        ),
        ("openspec/changes/b/tasks.md", Some("- [x] 1.1 Done\n- [ ] 1.2 Also done\n")),
        ("openspec/changes/d", None),
        ("openspec/changes/e/proposal.md", Some("# Change: Add <E>\n")),
        ("openspec/changes/e/tasks.md", Some("- [ ] 1.1 Start\n")),
        ("openspec/changes/e/.openspec.yaml", Some("schema: spec-driven\ndependsOn: [a]\n")),
    ])
    .write(&FIXED_AND_ARCHIVED);
    r.rename("openspec/changes/c", "openspec/changes/archive/2024-03-05-c");
}

#[test]
fn a_pull_request_as_markdown_and_json() {
    let r = base();
    pull_request(&r);
    r.commit("03-05", "The pull request");

    let md = r.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    let text = md.stdout.replace(&r.repo.head().unwrap().target().unwrap().to_string()[..7], "[HEAD]");
    let base_id = r.repo.revparse_single("HEAD~1").unwrap().id().to_string();
    insta::assert_snapshot!("diff_pull_request", text.replace(&base_id[..7], "[BASE]"));

    let run = r.run(&["diff", "HEAD~1", "HEAD", "--json"]);
    let d: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["added"], serde_json::json!(["e", "f"]));
    assert_eq!(d["added_and_archived"], serde_json::json!(["f"]));
    assert_eq!(d["archived"], serde_json::json!(["c"]));
    assert_eq!(d["removed"], serde_json::json!(["d"]));
    assert_eq!(d["reopened"], serde_json::json!(["b"]));
    assert_eq!(d["completed"], serde_json::json!([]));
    assert_eq!(d["dependencies_added"], serde_json::json!([{"from": "e", "to": "a", "kind": "declared"}]));
    let a = d["changes"].as_array().unwrap().iter().find(|c| c["id"] == "a").unwrap();
    assert_eq!(a["checked"][0]["text"], "1.1 First | piped");
    assert_eq!(a["added"][0]["text"], "1.3 Third");
    assert_eq!(a["edited"][0]["text_before"], "1.2 Second");
    assert_eq!(a["edited"][0]["text"], "1.2 Second, with tests");
    assert_eq!(a["dropped"], serde_json::json!([]));
    let b = d["changes"].as_array().unwrap().iter().find(|c| c["id"] == "b").unwrap();
    assert_eq!(b["unchecked"][0]["text"], "1.2 Also done");
    let one = d["phases"].as_array().unwrap().iter().find(|p| p["id"] == "one").unwrap();
    assert_eq!((one["percent_before"].as_u64(), one["percent_after"].as_u64()), (Some(60), Some(50)));
}

#[test]
fn the_working_tree_is_the_default_head() {
    let r = base();
    pull_request(&r);
    let run = r.run(&["diff", "HEAD", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["head"], "working tree");
    assert!(d["head_commit"].is_null());
    assert_eq!(d["added"], serde_json::json!(["e", "f"]));
    let same = r.run(&["diff", "HEAD", "HEAD"]);
    assert!(same.stdout.contains("Nothing on the roadmap moved."), "{}", same.stdout);
}

#[test]
fn bad_revisions_and_no_repository() {
    let r = base();
    let run = r.run(&["diff", "no-such-branch"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no revision `no-such-branch`"), "{}", run.stderr);
    let t = crate::harness::SpecTest::new().file("openspec/changes/a/tasks.md", "- [ ] a\n");
    let run = t.run(&["diff", "main"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not inside a git repository"), "{}", run.stderr);
}

#[test]
fn a_base_before_openspec_existed() {
    let r = GitRepo::new();
    std::fs::remove_dir_all(r.path().join("openspec")).unwrap();
    r.write(&[("README.md", Some("x\n"))]);
    r.commit("01-01", "Before OpenSpec");
    r.write(&[("openspec/changes/a/tasks.md", Some("- [ ] 1.1 a\n"))]);
    r.commit("01-02", "Adopt OpenSpec");
    let run = r.run(&["diff", "HEAD~1", "HEAD", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let d: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(d["added"], serde_json::json!(["a"]));
}

#[test]
fn a_change_added_and_archived_or_completed_in_the_range_is_not_listed_as_added_work() {
    let r = base();
    r.write(&FIXED_AND_ARCHIVED).write(&[
        ("openspec/changes/g/proposal.md", Some("# Change: Quick G\n")),
        ("openspec/changes/g/tasks.md", Some("- [x] 1.1 Done at once\n")),
        ("openspec/changes/h/proposal.md", Some("# Change: Open H\n")),
        ("openspec/changes/h/tasks.md", Some("- [ ] 1.1 To do\n")),
    ]);
    r.commit("03-05", "Three new changes");

    let md = r.run(&["diff", "HEAD~1", "HEAD"]).stdout;
    let changes: Vec<&str> = md.lines().filter(|l| l.starts_with("- ") && l.contains("**")).collect();
    assert_eq!(
        changes,
        [
            "- ✨ **Added** `h` Open H",
            "- ✅ **Added and completed** `g` Quick G",
            "- 📦 **Added and archived** `f` Fix F"
        ],
        "{md}"
    );

    let d = r.run(&["diff", "HEAD~1", "HEAD", "--json"]).json();
    assert_eq!(d["added"], serde_json::json!(["f", "g", "h"]));
    assert_eq!(d["added_and_archived"], serde_json::json!(["f"]));
    assert_eq!(d["added_and_completed"], serde_json::json!(["g"]));
    assert_eq!(d["completed"], serde_json::json!(["g"]));
    assert_eq!(d["archived"], serde_json::json!([]));
    let moved: Vec<(&str, &str)> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["moved"].as_str().unwrap()))
        .collect();
    assert_eq!(moved, [("f", "added-and-archived"), ("g", "added-and-completed"), ("h", "added")]);
}

#[test]
fn an_edited_task_shows_as_edited_not_as_one_new_and_one_removed() {
    let r = GitRepo::new();
    r.write(&[(
        "openspec/changes/a/tasks.md",
        Some("- [ ] 1.1 First\n- [ ] 1.2 Secnod step\n- [ ] Write docs for the parser\n- [ ] Old chore\n"),
    )]);
    r.commit("03-01", "Base");
    // 1.2 keeps its number (and is checked); the docs task is alike; the
    // chore is replaced by something else.
    r.write(&[(
        "openspec/changes/a/tasks.md",
        Some("- [ ] 1.1 First\n- [x] 1.2 Second step, tested\n- [ ] Write the docs for the parser\n- [ ] Ship it\n"),
    )]);
    r.commit("03-02", "Edit");

    let d = r.run(&["diff", "HEAD~1", "HEAD", "--json"]).json();
    let a = &d["changes"][0];
    let edit = |before: &str, after: &str, line: u64, done_before: bool, done: bool| {
        serde_json::json!({"file": "tasks.md", "text_before": before, "text": after, "line_before": line,
            "line": line, "done_before": done_before, "done": done})
    };
    assert_eq!(
        a["edited"],
        serde_json::json!([
            edit("1.2 Secnod step", "1.2 Second step, tested", 2, false, true),
            edit("Write docs for the parser", "Write the docs for the parser", 3, false, false),
        ])
    );
    assert_eq!(a["added"][0]["text"], "Ship it");
    assert_eq!(a["dropped"][0]["text"], "Old chore");
    assert_eq!((a["added"].as_array().unwrap().len(), a["dropped"].as_array().unwrap().len()), (1, 1));

    let md = r.run(&["diff", "HEAD~1", "HEAD"]).stdout;
    for line in [
        "(+1 checked in changes that stayed)",
        "- [x] ~~1.2 Secnod step~~ → 1.2 Second step, tested *(edited, checked)*\n",
        "- [ ] ~~Write docs for the parser~~ → Write the docs for the parser *(edited)*\n",
        "- [ ] Ship it *(new task)*\n",
        "- ~~Old chore~~ *(task removed)*\n",
    ] {
        assert!(md.contains(line), "no {line:?} in\n{md}");
    }
}

/// What a user sees must not name the scratch folder a revision is read into.
fn assert_no_scratch_path(run: &crate::harness::Run) {
    let temp = std::env::temp_dir().to_string_lossy().into_owned();
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains("spec-diff-") && !text.contains(&temp), "names the scratch folder:\n{text}");
    }
}

/// Base and head commits of change `a`: one task checked in between.
fn two_commits() -> GitRepo {
    let r = GitRepo::new();
    r.write(&[
        ("openspec/changes/a/proposal.md", Some("# Change: Add A\n")),
        ("openspec/changes/a/tasks.md", Some("- [ ] 1.1 One\n- [ ] 1.2 Two\n")),
    ]);
    r.commit("03-01", "Base");
    r.write(&[("openspec/changes/a/tasks.md", Some("- [x] 1.1 One\n- [ ] 1.2 Two\n"))]);
    r.commit("03-02", "Head");
    r
}

#[test]
fn a_missing_blob_is_a_warning_naming_its_repository_path_and_revision() {
    let r = two_commits();
    let blob = r.repo.revparse_single("HEAD~1:openspec/changes/a/tasks.md").unwrap().id().to_string();
    std::fs::remove_file(r.path().join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let base = r.repo.revparse_single("HEAD~1").unwrap().id().to_string();

    let run = r.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warning = format!("warning: openspec/changes/a/tasks.md at {}: ", &base[..7]);
    assert!(run.stderr.contains(&warning) && run.stderr.contains("; read as missing"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_no_scratch_path(&run);
    // The rest of the revision was read: the change is there, without tasks.
    let json = r.run(&["diff", "HEAD~1", "HEAD", "--json"]).json();
    let a = &json["changes"][0];
    assert_eq!(
        (a["id"].as_str(), a["before"].as_str(), a["after"].as_str()),
        (Some("a"), Some("draft"), Some("in-progress"))
    );
}

#[test]
fn a_file_name_the_file_system_refuses_is_read_as_missing() {
    let r = two_commits();
    // A commit whose change folder holds a name too long for any file system
    // beside its tasks.md (git allows it; the work tree never held it).
    let head = r.repo.head().unwrap().peel_to_commit().unwrap();
    let long = format!("openspec/changes/a/{}.md", "n".repeat(300));
    let blob = r.repo.blob(b"notes\n").unwrap();
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert(long.as_str(), blob, git2::FileMode::Blob);
    let tree = r.repo.find_tree(update.create_updated(&r.repo, &head.tree().unwrap()).unwrap()).unwrap();
    let sig = head.author();
    r.repo.commit(Some("HEAD"), &sig, &sig, "A long name", &tree, &[&head]).unwrap();
    let id = r.repo.head().unwrap().target().unwrap().to_string();

    let run = r.run(&["diff", "HEAD~2", "HEAD", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warning = format!("warning: {long} at {}: ", &id[..7]);
    assert!(run.stderr.contains(&warning) && run.stderr.contains("; read as missing"), "{}", run.stderr);
    assert_no_scratch_path(&run);
    // Its sibling tasks.md was written and read: one task checked.
    let a = &run.json()["changes"][0];
    assert_eq!(a["checked"][0]["text"], "1.1 One", "{a}");
}
