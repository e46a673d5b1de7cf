//! `spec history`: dates and series read from git repositories built here
//! with fixed times (never the project's own history).

use crate::harness::{GitRepo, SpecTest};
use serde_json::Value;

const PROPOSAL: &str = "# Change: Add a\n\n## Why\nBecause.\n\n## What Changes\n- a\n";

fn tasks(done: usize, total: usize) -> String {
    let mut s = String::from("## 1. Work\n");
    for i in 0..total {
        s.push_str(&format!("- [{}] 1.{} task {i}\n", if i < done { "x" } else { " " }, i + 1));
    }
    s
}

fn history(repo: &GitRepo, args: &[&str]) -> Value {
    let mut all = vec!["history", "--json"];
    all.extend_from_slice(args);
    let run = repo.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn change<'a>(h: &'a Value, id: &str) -> &'a Value {
    h["changes"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id} in {h:#}"))
}

fn day(v: &Value) -> Option<&str> {
    v["day"].as_str()
}

#[test]
fn archive_move_keeps_the_history() {
    let r = GitRepo::new();
    r.write(&[("openspec/changes/a/proposal.md", Some(PROPOSAL)), ("openspec/changes/a/tasks.md", Some(&tasks(0, 3)))]);
    r.commit("01-02", "Propose a");
    r.write(&[("README.md", Some("code only\n"))]);
    r.commit("01-03", "Code only");
    r.write(&[("openspec/changes/a/tasks.md", Some(&tasks(1, 3)))]);
    r.commit("01-05", "Start a");
    r.write(&[("openspec/changes/a/tasks.md", Some(&tasks(3, 3)))]);
    r.commit("01-09", "Finish a");
    r.rename("openspec/changes/a", "openspec/changes/archive/2024-01-12-a");
    r.commit("01-12", "Archive a");

    let h = history(&r, &[]);
    assert_eq!(h["commits"], 5);
    assert_eq!(h["points"], 4, "the code-only commit is not a point");
    let a = change(&h, "a");
    assert_eq!(day(&a["created"]), Some("2024-01-02"));
    assert_eq!(day(&a["first_checked"]), Some("2024-01-05"));
    assert_eq!(day(&a["completed"]), Some("2024-01-09"));
    assert_eq!(day(&a["archived"]), Some("2024-01-12"));
    assert_eq!(a["presence"], "archived");
    assert_eq!(a["folder"], "archive/2024-01-12-a");
    let series: Vec<(&str, u64, u64)> = a["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["day"].as_str().unwrap(), p["done"].as_u64().unwrap(), p["total"].as_u64().unwrap()))
        .collect();
    assert_eq!(series, [("2024-01-02", 0, 3), ("2024-01-05", 1, 3), ("2024-01-09", 3, 3)]);
    assert_eq!(h["changes"].as_array().unwrap().len(), 1);

    let text = r.run(&["history"]);
    assert!(text.stdout.contains("5 commits read, 4 commits changed a change folder"), "{}", text.stdout);
    let one = r.run(&["history", "--change", "a"]);
    assert!(one.stdout.contains("archived     2024-01-12"), "{}", one.stdout);
}

#[test]
fn renamed_folders_unchecked_tasks_and_deleted_changes() {
    let r = GitRepo::new();
    r.write(&[
        ("openspec/changes/old-name/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/old-name/tasks.md", Some(&tasks(0, 2))),
        ("openspec/changes/doomed/proposal.md", Some("# Change: Doomed\n")),
        ("openspec/changes/doomed/tasks.md", Some(&tasks(1, 4))),
    ]);
    r.commit("02-01", "Propose");
    r.rename("openspec/changes/old-name", "openspec/changes/new-name");
    r.commit("02-02", "Rename");
    r.write(&[("openspec/changes/new-name/tasks.md", Some(&tasks(2, 2)))]);
    r.commit("02-03", "Done");
    r.write(&[("openspec/changes/new-name/tasks.md", Some(&tasks(1, 2)))]);
    r.commit("02-04", "Not done after all");
    r.write(&[("openspec/changes/doomed", None)]);
    r.commit("02-05", "Drop doomed");

    let h = history(&r, &[]);
    let n = change(&h, "new-name");
    assert_eq!(n["renamed_from"], serde_json::json!(["old-name"]));
    assert_eq!(day(&n["created"]), Some("2024-02-01"));
    assert!(n["completed"].is_null(), "unchecking a task re-opens the change: {n:#}");
    assert_eq!(day(&n["first_checked"]), Some("2024-02-03"));
    assert_eq!(n["series"].as_array().unwrap().len(), 3);
    let d = change(&h, "doomed");
    assert_eq!(d["presence"], "removed");
    assert_eq!(day(&d["removed"]), Some("2024-02-05"));
    assert!(h["changes"].as_array().unwrap().iter().all(|c| c["id"] != "old-name"));
    // The deleted change's open tasks leave the scope; its checked one stays done.
    let last = h["project"].as_array().unwrap().last().unwrap();
    assert_eq!((last["done"].as_u64(), last["total"].as_u64()), (Some(2), Some(3)));

    // Completed again later: the date is the second completion.
    r.write(&[("openspec/changes/new-name/tasks.md", Some(&tasks(2, 2)))]);
    r.commit("02-08", "Done again");
    let h = history(&r, &[]);
    assert_eq!(day(&change(&h, "new-name")["completed"]), Some("2024-02-08"));
}

#[test]
fn uncommitted_work_is_the_last_point() {
    let r = GitRepo::new();
    r.write(&[("openspec/changes/a/proposal.md", Some(PROPOSAL)), ("openspec/changes/a/tasks.md", Some(&tasks(0, 2)))]);
    r.commit("03-01", "Propose a");
    let h = history(&r, &[]);
    assert_eq!(h["uncommitted"], false);
    r.write(&[("openspec/changes/a/tasks.md", Some(&tasks(1, 2))), ("openspec/changes/b/proposal.md", Some(PROPOSAL))]);
    let h = history(&r, &[]);
    assert_eq!(h["uncommitted"], true);
    let a = change(&h, "a");
    assert!(a["first_checked"]["commit"].is_null() && a["first_checked"]["day"].is_null(), "{a:#}");
    assert!(change(&h, "b")["created"]["day"].is_null());
    let text = r.run(&["history"]);
    assert!(text.stdout.contains("working tree"), "{}", text.stdout);
}

#[test]
fn merges_follow_the_first_parent_unless_asked() {
    let r = GitRepo::new();
    r.write(&[("README.md", Some("x\n"))]);
    r.commit("04-01", "Start");
    r.branch("feature");
    r.write(&[("openspec/changes/f/proposal.md", Some(PROPOSAL)), ("openspec/changes/f/tasks.md", Some(&tasks(0, 1)))]);
    r.commit("04-02", "Propose f on a branch");
    r.checkout("main");
    r.write(&[("other.txt", Some("y\n"))]);
    r.commit("04-03", "Meanwhile on main");
    r.merge("feature", "04-10");

    let first = history(&r, &[]);
    assert_eq!(day(&change(&first, "f")["created"]), Some("2024-04-10"), "first parent: the merge brings it");
    assert_eq!(first["commits"], 3);
    let all = history(&r, &["--all-parents"]);
    assert_eq!(day(&change(&all, "f")["created"]), Some("2024-04-02"), "all parents: the branch commit");
    assert_eq!(all["commits"], 4);
}

#[test]
fn shallow_clones_say_where_history_starts() {
    let r = GitRepo::new();
    r.write(&[("openspec/changes/a/proposal.md", Some(PROPOSAL)), ("openspec/changes/a/tasks.md", Some(&tasks(0, 2)))]);
    r.commit("05-01", "Propose a");
    r.write(&[("openspec/changes/a/tasks.md", Some(&tasks(1, 2)))]);
    let boundary = r.commit("05-02", "Start a");
    r.write(&[("openspec/changes/a/tasks.md", Some(&tasks(2, 2)))]);
    r.commit("05-03", "Finish a");
    // What `git clone --depth 2` leaves: the boundary commit listed in
    // .git/shallow, its parents cut off.
    std::fs::write(r.path().join(".git/shallow"), format!("{boundary}\n")).unwrap();

    let run = r.run(&["history", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("shallow clone; history starts at 2024-05-02"), "{}", run.stderr);
    assert!(run.stderr.contains("git fetch --unshallow"), "{}", run.stderr);
    let h: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(h["commits"], 2);
    assert_eq!(day(&h["shallow_from"]), Some("2024-05-02"));
    let a = change(&h, "a");
    assert_eq!(a["created_before_history"], true);
    assert_eq!(day(&a["created"]), Some("2024-05-02"));
    assert_eq!(day(&a["completed"]), Some("2024-05-03"));
    let text = r.run(&["history"]);
    assert!(text.stdout.contains("≤2024-05-02"), "{}", text.stdout);
}

/// `slow` untouched since 06-01, `fast` worked on 07-15.
fn slow_and_fast(r: &GitRepo) {
    r.write(&[
        ("openspec/changes/slow/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/slow/tasks.md", Some(&tasks(0, 2))),
        ("openspec/changes/fast/proposal.md", Some("# Change: Fast\n")),
        ("openspec/changes/fast/tasks.md", Some(&tasks(0, 2))),
    ]);
    r.commit("06-01", "Propose");
    r.write(&[("openspec/changes/fast/tasks.md", Some(&tasks(1, 2)))]);
    r.commit("07-15", "Work on fast");
}

#[test]
fn stale_work_is_flagged_from_the_newest_commit_or_date() {
    let r = GitRepo::new();
    slow_and_fast(&r);
    let h = history(&r, &[]);
    assert_eq!(h["reference_day"], "2024-07-15");
    assert_eq!(change(&h, "slow")["stale"], true);
    assert_eq!(change(&h, "fast")["stale"], false);
    let h = history(&r, &["--date", "2024-09-01"]);
    assert_eq!(change(&h, "fast")["stale"], true);
    // `spec status` reads only the last 30 days before the newest commit.
    let status = r.run(&["status"]).stdout;
    assert!(status.contains("slow") && status.contains("⏸ stale"), "{status}");
    assert!(!status.lines().any(|l| l.contains("fast") && l.contains("stale")), "{status}");
    let json: Value = serde_json::from_str(&r.run(&["status", "--json"]).stdout).unwrap();
    let in_progress = &json["projects"][0]["in_progress"];
    let draft = &json["projects"][0]["draft"];
    let all: Vec<&Value> = in_progress.as_array().unwrap().iter().chain(draft.as_array().unwrap()).collect();
    let slow = all.iter().find(|c| c["id"] == "slow").unwrap();
    assert_eq!(slow["stale"], true);
    // Uncommitted work on it counts as activity.
    r.write(&[("openspec/changes/slow/tasks.md", Some(&tasks(1, 2)))]);
    assert!(!r.run(&["status"]).stdout.contains("stale"));
    let bad = r.run(&["history", "--date", "2024-02-30"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--date 2024-02-30: not a calendar day"), "{}", bad.stderr);
    let missing = r.run(&["history", "--change", "slo"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("did you mean slow?"), "{}", missing.stderr);
}

#[test]
fn outside_git_and_before_the_first_commit() {
    let t = SpecTest::new().file("openspec/changes/a/tasks.md", "- [ ] a\n");
    let run = t.run(&["history"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not inside a git repository"), "{}", run.stderr);
    let r = GitRepo::new();
    let run = r.run(&["history"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no commit yet"), "{}", run.stderr);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let r = GitRepo::new();
    r.write(&[("openspec/changes/a/proposal.md", Some(PROPOSAL)), ("openspec/changes/a/tasks.md", Some(&tasks(1, 2)))]);
    r.commit("08-01", "Propose a");
    let one = r.run(&["history", "--json"]);
    let two = r.run(&["history", "--json"]);
    assert_eq!(one.stdout, two.stdout);
    insta::assert_snapshot!("history_text", r.run(&["history"]).stdout);
}

#[test]
fn the_site_shows_history() {
    let r = GitRepo::new();
    r.write(&[
        ("roadmap/roadmap.yaml", Some("title: Demo\nphases:\n  - id: one\n    title: One\n    changes: [a]\n")),
        ("openspec/changes/a/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/a/tasks.md", Some(&tasks(0, 2))),
    ]);
    r.commit("09-01", "Propose a");
    r.write(&[("openspec/changes/a/tasks.md", Some(&tasks(1, 2)))]);
    r.commit("09-04", "Start a");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = r.run(&["site", "--out", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let timeline = std::fs::read_to_string(site.join("timeline.html")).unwrap();
    assert!(timeline.contains("From 2 commits, 2024-09-01 to 2024-09-04."), "{timeline}");
    assert!(timeline.contains("class=\"spec-burnup\""), "{timeline}");
    assert!(timeline.contains("2024-09-04: 1 of 2 tasks done"), "{timeline}");
    assert!(timeline.contains("Burn-up of the phase One"), "{timeline}");
    assert!(timeline.contains("<title>a (in progress): 2024-09-01 to 2024-09-04</title>"), "open work: {timeline}");
    assert!(!timeline.contains("(active)"), "the state is the bar's colour, not a label: {timeline}");
    let page = std::fs::read_to_string(site.join("changes/a.html")).unwrap();
    assert!(page.contains("<dt>First commit</dt><dd>2024-09-01</dd>"), "{page}");
    assert!(page.contains("<dt>First task checked</dt><dd>2024-09-04</dd>"), "{page}");
    assert!(page.contains("Tasks of a over time"), "{page}");
}

#[test]
fn roadmap_with_history_draws_actual_dates_and_flags_stale_work() {
    let r = GitRepo::new();
    r.write(&[
        (
            "roadmap/roadmap.yaml",
            Some(
                "title: Demo\nstale_after_days: 10\nphases:\n  - id: one\n    title: One\n    start: 2024-01-01\n    end: 2024-03-01\n    changes: [done-one, slow]\n",
            ),
        ),
        ("openspec/changes/done-one/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/done-one/tasks.md", Some(&tasks(0, 1))),
        ("openspec/changes/slow/proposal.md", Some("# Change: Slow\n")),
        ("openspec/changes/slow/tasks.md", Some(&tasks(1, 3))),
    ]);
    r.commit("01-10", "Propose");
    r.write(&[("openspec/changes/done-one/tasks.md", Some(&tasks(1, 1)))]);
    r.commit("02-20", "Finish done-one");
    let run = r.run(&["roadmap", "--history", "--stdout"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    // The planned span, open work row by row, finished work folded.
    assert!(
        md.contains(
            "  section One\n  One (planned) :r0, 2024-01-01, 2024-03-01\n  slow :crit, r1, 2024-01-10, 1d\n  1 finished change :done, r2, 2024-01-10, 2024-02-20\n"
        ),
        "{md}"
    );
    assert!(md.contains("`slow`: Slow (1/3 tasks) · ⏸ stale"), "{md}");
    assert!(md.contains("| ⏸ | stale"), "{md}");
    // Without --history nothing comes from git.
    let plain = r.run(&["roadmap", "--stdout"]).stdout;
    assert!(!plain.contains("stale") && !plain.contains("r1,"), "{plain}");
    // --check compares with the same settings.
    assert_eq!(r.run(&["roadmap", "--history"]).code, 0);
    assert_eq!(r.run(&["roadmap", "--history", "--check"]).code, 0);
    assert_eq!(r.run(&["roadmap", "--check"]).code, 1);
}

#[test]
fn stale_marks_and_history_do_not_depend_on_the_working_directory() {
    // The same project, run inside it and from its parent with `--project`.
    let r = GitRepo::inside("repo");
    slow_and_fast(&r);
    let stale = |run: crate::harness::Run| -> Vec<(String, bool)> {
        assert_eq!(run.code, 0, "{}", run.stderr);
        let json = run.json();
        let p = &json["projects"][0];
        let mut out: Vec<(String, bool)> = p["in_progress"]
            .as_array()
            .unwrap()
            .iter()
            .chain(p["draft"].as_array().unwrap())
            .map(|c| (c["id"].as_str().unwrap().to_owned(), c["stale"] == true))
            .collect();
        out.sort();
        out
    };
    let inside = stale(r.run(&["status", "--json"]));
    let parent = stale(r.test.run(&["--project", "repo", "status", "--json"]));
    assert_eq!(inside, [("fast".to_owned(), false), ("slow".to_owned(), true)]);
    assert_eq!(parent, inside);
    let from_parent = r.test.run(&["--project", "repo", "history", "--json"]);
    assert_eq!(from_parent.code, 0, "{}", from_parent.stderr);
    assert_eq!(change(&from_parent.json(), "fast")["stale"], false);
    assert_eq!(change(&from_parent.json(), "slow")["stale"], true);
    let roadmap = |run: crate::harness::Run| run.stdout;
    assert_eq!(
        roadmap(r.run(&["roadmap", "--stdout", "--history"])),
        roadmap(r.test.run(&["--project", "repo", "roadmap", "--stdout", "--history"]))
    );
}

/// A project schema whose apply step tracks `plan/*.md` instead of `tasks.md`.
const PLAN_SCHEMA: &str = "name: planned\nversion: 1\nartifacts:\n  - id: proposal\n    generates: proposal.md\n    description: d\n    template: t.md\n  - id: plan\n    generates: plan/*.md\n    description: d\n    template: t.md\n    requires: [proposal]\napply:\n  requires: [plan]\n  tracks: plan/*.md\n";

#[test]
fn history_counts_tasks_with_the_project_schema_of_each_commit() {
    let r = GitRepo::new();
    r.write(&[
        ("openspec/schemas/planned/schema.yaml", Some(PLAN_SCHEMA)),
        ("openspec/changes/a/.openspec.yaml", Some("schema: planned\n")),
        ("openspec/changes/a/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/a/plan/one.md", Some(&tasks(0, 2))),
        ("openspec/changes/a/plan/two.md", Some(&tasks(0, 1))),
        ("openspec/changes/b/proposal.md", Some("# Change: B\n")),
        ("openspec/changes/b/tasks.md", Some(&tasks(1, 4))),
    ]);
    r.commit("03-01", "Propose a and b");
    r.write(&[("openspec/changes/a/plan/one.md", Some(&tasks(2, 2)))]);
    r.commit("03-02", "Work on a");
    // The config makes `planned` the default: b now counts its plan/ too.
    r.write(&[
        ("openspec/config.yaml", Some("schema: planned\n")),
        ("openspec/changes/b/plan/x.md", Some(&tasks(0, 3))),
    ]);
    r.commit("03-03", "Everything is planned");
    let list = r.run(&["list", "--json"]).json();
    let listed =
        |id: &str| list["changes"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["tasks"].clone();
    assert_eq!(listed("a"), serde_json::json!({"done": 2, "total": 3}));
    assert_eq!(listed("b"), serde_json::json!({"done": 0, "total": 3}));
    let h = history(&r, &[]);
    let series = |id: &str| -> Vec<(String, u64, u64)> {
        change(&h, id)["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["day"].as_str().unwrap().to_owned(), p["done"].as_u64().unwrap(), p["total"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(series("a"), [("2024-03-01".into(), 0, 3), ("2024-03-02".into(), 2, 3)]);
    // b's counts move at the commit that changed only the schema files and
    // added its plan: history follows the rules of each commit.
    assert_eq!(series("b"), [("2024-03-01".into(), 1, 4), ("2024-03-03".into(), 0, 3)]);
    // The newest point of history agrees with `spec list`.
    let last = |id: &str| series(id).last().map(|p| (p.1, p.2)).unwrap();
    assert_eq!(last("a"), (2, 3));
    assert_eq!(last("b"), (0, 3));
}
