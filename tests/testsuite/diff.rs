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

fn pull_request(r: &GitRepo) {
    r.write(&[
        (
            "openspec/changes/a/tasks.md",
            Some("## 1. Work\n- [x] 1.1 First | piped\n- [ ] 1.2 Second\n- [ ] 1.3 Third\n"),
        ),
        ("openspec/changes/b/tasks.md", Some("- [x] 1.1 Done\n- [ ] 1.2 Also done\n")),
        ("openspec/changes/d", None),
        ("openspec/changes/e/proposal.md", Some("# Change: Add <E>\n")),
        ("openspec/changes/e/tasks.md", Some("- [ ] 1.1 Start\n")),
        ("openspec/changes/e/.openspec.yaml", Some("schema: spec-driven\ndependsOn: [a]\n")),
    ]);
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
    assert_eq!(d["added"], serde_json::json!(["e"]));
    assert_eq!(d["archived"], serde_json::json!(["c"]));
    assert_eq!(d["removed"], serde_json::json!(["d"]));
    assert_eq!(d["reopened"], serde_json::json!(["b"]));
    assert_eq!(d["completed"], serde_json::json!([]));
    assert_eq!(d["dependencies_added"], serde_json::json!([{"from": "e", "to": "a", "kind": "declared"}]));
    let a = d["changes"].as_array().unwrap().iter().find(|c| c["id"] == "a").unwrap();
    assert_eq!(a["checked"][0]["text"], "1.1 First | piped");
    assert_eq!(a["added"][0]["text"], "1.3 Third");
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
    assert_eq!(d["added"], serde_json::json!(["e"]));
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
