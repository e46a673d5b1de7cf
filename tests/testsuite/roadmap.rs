//! `spec roadmap`, `graph`, `next` and `blocked`: the generated ROADMAP.md on
//! the real corpus with the seed's phases, `--check`, cycles and missing
//! dependencies, managed regions.

use crate::harness::{SpecTest, corpus, fixtures, run_in};

fn pantheros_roadmap() -> String {
    let config = fixtures().join("pantheros/roadmap.yaml");
    let run = run_in(&corpus("pantheros-20cbe1f"), &["--config", config.to_str().unwrap(), "roadmap", "--stdout"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn pantheros_roadmap_has_every_section_of_the_seed_with_true_counts() {
    let md = pantheros_roadmap();
    for section in [
        "# PantherOS Project Roadmap",
        "## Goals",
        "### Non-goals",
        "## Progress",
        "## Phases",
        "### Phase 1: Foundation ✅ Complete",
        "### Phase 6: Advanced Features 🔬 Research",
        "**Milestones**:",
        "## Dependency graph",
        "```mermaid\ngraph TD",
        "classDef complete",
        "-.->",
        "## Timeline",
        "```mermaid\ngantt",
        "## Legend",
        "## Next actions",
        "### Blocked",
        "## Archived",
        "<details>",
    ] {
        assert!(md.contains(section), "missing {section:?}");
    }
    // The seed said 0/39; tasks.md had 39/39 checked.
    assert!(md.contains("- ✅ `add-dank-material-shell`: Add DankMaterialShell (39/39 tasks)"), "{md}");
    assert!(md.contains("- 🔄 `add-gitlab-ci-infrastructure`"));
    assert!(md.contains("(4/138 tasks)"));
    assert!(md.contains("  - 1. Flake Configuration: 3/3"), "per-section counts");
    assert!(md.contains("⛔ Zephyrus laptop configuration (blocked by hardware access; due 2024-12-10)"));
    assert!(md.contains("| **All active changes** |  | 11/32 | 187/649 |"), "{md}");
    assert!(!md.contains("**Updated:**"), "no date without --date");
    insta::assert_snapshot!(md);
}

#[test]
fn roadmap_is_byte_identical_across_runs() {
    assert_eq!(pantheros_roadmap(), pantheros_roadmap());
}

#[test]
fn check_fails_on_a_stale_roadmap_after_one_checkbox() {
    let t = SpecTest::fixture("basic");
    let write = t.run(&["roadmap"]);
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert!(write.stderr.contains("wrote ROADMAP.md"), "{}", write.stderr);
    let fresh = t.run(&["roadmap", "--check"]);
    assert_eq!(fresh.code, 0, "{}{}", fresh.stdout, fresh.stderr);
    assert!(fresh.stdout.contains("ROADMAP.md is up to date"));

    let tasks = t.path().join("openspec/changes/add-login/tasks.md");
    let text = std::fs::read_to_string(&tasks)
        .unwrap()
        .replace("- [ ] 2.1 Document the limits", "- [x] 2.1 Document the limits");
    std::fs::write(&tasks, text).unwrap();
    let before = std::fs::read_to_string(t.path().join("ROADMAP.md")).unwrap();
    let stale = t.run(&["roadmap", "--check"]);
    assert_eq!(stale.code, 1);
    assert!(stale.stdout.starts_with("--- a/ROADMAP.md\n+++ b/ROADMAP.md\n"), "{}", stale.stdout);
    assert!(stale.stdout.contains("-- 🔄 `add-login`: Add login rate limiting (2/4 tasks)"), "{}", stale.stdout);
    assert!(stale.stdout.contains("+- 🔄 `add-login`: Add login rate limiting (3/4 tasks)"), "{}", stale.stdout);
    assert!(stale.stderr.contains("ROADMAP.md is stale"), "{}", stale.stderr);
    assert_eq!(std::fs::read_to_string(t.path().join("ROADMAP.md")).unwrap(), before, "--check writes nothing");
    assert_eq!(t.run(&["roadmap"]).code, 0);
    assert_eq!(t.run(&["roadmap", "--check"]).code, 0);
}

#[test]
fn check_without_a_roadmap_file_fails() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["roadmap", "--check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("ROADMAP.md does not exist"), "{}", run.stderr);
}

#[test]
fn managed_region_keeps_hand_written_text() {
    let t = SpecTest::fixture("basic").file(
        "ROADMAP.md",
        "# Our plan\n\nWritten by hand.\n\n<!-- spec:begin -->\nold\n<!-- spec:end -->\n\nFooter by hand.\n",
    );
    assert_eq!(t.run(&["roadmap"]).code, 0);
    let md = std::fs::read_to_string(t.path().join("ROADMAP.md")).unwrap();
    assert!(md.starts_with("# Our plan\n\nWritten by hand.\n\n<!-- spec:begin -->\n"), "{md}");
    assert!(md.ends_with("<!-- spec:end -->\n\nFooter by hand.\n"), "{md}");
    assert!(!md.contains("\nold\n"));
    assert_eq!(t.run(&["roadmap", "--check"]).code, 0);
}

#[test]
fn without_a_roadmap_file_phases_are_statuses() {
    let t = SpecTest::fixture("basic");
    let md = t.run(&["roadmap", "--stdout"]).stdout;
    for heading in ["### In progress", "### Planned", "### Complete, ready to archive"] {
        assert!(md.contains(heading), "{heading}: {md}");
    }
    assert!(md.contains("No planned dates yet"));
    let dir = t.path().file_name().unwrap().to_string_lossy().into_owned();
    insta::assert_snapshot!(md.replace(&dir, "[DIR]"));
}

#[test]
fn date_only_when_asked() {
    let t = SpecTest::fixture("basic");
    let md = t.run(&["roadmap", "--stdout", "--date", "2026-01-02"]).stdout;
    assert!(md.contains("> **Updated:** 2026-01-02"));
    assert_eq!(t.run(&["roadmap", "--stdout", "--date", "soon"]).code, 2);
}

#[test]
fn out_writes_elsewhere_atomically() {
    let t = SpecTest::fixture("basic");
    assert_eq!(t.run(&["roadmap", "--out", "docs/PLAN.md"]).code, 0);
    let names: Vec<_> = std::fs::read_dir(t.path().join("docs")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["PLAN.md"]);
    assert!(!t.path().join("ROADMAP.md").exists());
}

const ROADMAP: &str = "phases:\n  - id: one\n    title: One\n    changes: [a, b]\n";

fn tree_with(deps: &[(&str, &str)]) -> SpecTest {
    let mut t = SpecTest::new().file("roadmap/roadmap.yaml", ROADMAP);
    for id in ["a", "b", "c"] {
        let yaml = deps
            .iter()
            .find(|(from, _)| *from == id)
            .map(|(_, to)| format!("schema: spec-driven\ndependsOn: [{to}]\n"));
        t = t.file(&format!("openspec/changes/{id}/tasks.md"), "- [ ] x\n");
        if let Some(yaml) = yaml {
            t = t.file(&format!("openspec/changes/{id}/.openspec.yaml"), yaml);
        }
    }
    t
}

fn findings(t: &SpecTest) -> Vec<(String, String, Option<u64>, String)> {
    let check = t.run(&["check", "--json"]).json();
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["level"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn cycles_are_errors_naming_the_whole_cycle() {
    let t = tree_with(&[("a", "b"), ("b", "c"), ("c", "a")]);
    let found = findings(&t);
    let cycle = found.iter().find(|f| f.3.starts_with("dependency cycle")).unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(cycle.0, "ERROR");
    assert_eq!(cycle.3, "dependency cycle: a → b → c → a");
    assert_eq!((cycle.1.as_str(), cycle.2), ("openspec/changes/a/.openspec.yaml", Some(2)));
    assert_eq!(t.run(&["check"]).code, 1);
    // The roadmap still renders, with the cycle's changes in the graph.
    assert_eq!(t.run(&["roadmap", "--stdout"]).code, 0);
    assert_eq!(
        t.run(&["blocked"]).stdout,
        "a waits for b (in-progress)\nb waits for c (in-progress)\nc waits for a (in-progress)\n"
    );
}

#[test]
fn missing_dependencies_and_phase_changes_are_errors() {
    let t = tree_with(&[("a", "nope")]).file("roadmap/roadmap.yaml", "phases:\n  - id: one\n    changes: [a, ghost]\n");
    let found = findings(&t);
    let missing = found.iter().find(|f| f.3.contains("`nope`")).unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!((missing.0.as_str(), missing.2), ("ERROR", Some(2)));
    assert!(missing.3.contains("`a` depends on `nope` (dependsOn), but `nope` is not a change"), "{missing:?}");
    let ghost = found.iter().find(|f| f.3.contains("`ghost`")).unwrap();
    assert_eq!((ghost.1.as_str(), ghost.2), ("roadmap/roadmap.yaml", Some(3)));
    let md = t.run(&["roadmap", "--stdout"]).stdout;
    assert!(md.contains("- ❓ `ghost` (not found in openspec/changes)"), "{md}");
}

#[test]
fn roadmap_file_errors_name_the_line() {
    let t = tree_with(&[]).file("roadmap/roadmap.yaml", "phases:\n  - id: one\n    chnages: [a]\n");
    let run = t.run(&["roadmap", "--stdout"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("roadmap/roadmap.yaml:3: error: invalid roadmap file: phases[0]: unknown field `chnages`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_day_the_calendar_lacks_is_an_error_at_its_line() {
    // 2024-02-31 passed once, and the gantt then dropped the phase silently.
    let file = "phases:\n  - id: one\n    start: 2024-02-01\n    end: 2024-02-31\n    changes: [a]\n";
    let t = tree_with(&[]).file("roadmap/roadmap.yaml", file);
    for args in [&["roadmap", "--stdout"][..], &["site", "--out", "site"][..]] {
        let run = t.run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains("roadmap/roadmap.yaml:4: error: invalid roadmap file: phases[0]: `2024-02-31` is not a date (YYYY-MM-DD)"),
            "{}",
            run.stderr
        );
    }
    let check = t.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("roadmap/roadmap.yaml:4: error: invalid roadmap file"), "{}", check.stdout);
}

#[test]
fn done_work_depending_on_open_work_is_a_warning() {
    let t = tree_with(&[("a", "b")]).file("openspec/changes/a/tasks.md", "- [x] x\n");
    let found = findings(&t);
    assert!(
        found.iter().any(|f| f.0 == "WARNING" && f.3 == "`a` is complete but depends on `b`, which is in-progress"),
        "{found:?}"
    );
}

#[test]
fn next_orders_by_phase_then_dependencies() {
    let t = SpecTest::new()
        .file(
            "roadmap/roadmap.yaml",
            "phases:\n  - id: p1\n    changes: [z-first]\n  - id: p2\n    changes: [a-second, b-third]\n",
        )
        .file("openspec/changes/z-first/tasks.md", "- [ ] x\n")
        .file("openspec/changes/a-second/tasks.md", "- [ ] x\n")
        .file("openspec/changes/b-third/tasks.md", "- [x] x\n- [ ] y\n")
        .file("openspec/changes/c-blocked/tasks.md", "- [ ] x\n")
        .file("openspec/changes/c-blocked/.openspec.yaml", "schema: spec-driven\ndependsOn: [a-second]\n")
        .file("openspec/changes/archive/2025-01-01-old/tasks.md", "- [x] x\n")
        .file("openspec/changes/d-after-old/tasks.md", "- [ ] x\n")
        .file("openspec/changes/d-after-old/.openspec.yaml", "schema: spec-driven\ndependsOn: [old]\n");
    let next = t.run(&["next", "--json"]).json();
    let ids: Vec<&str> =
        next["projects"][0]["next"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["z-first", "a-second", "b-third", "d-after-old"], "archived dependencies count as met");
    let blocked = t.run(&["blocked", "--json"]).json();
    assert_eq!(blocked["projects"][0]["blocked"][0]["id"], "c-blocked");
    assert_eq!(blocked["projects"][0]["blocked"][0]["waits_for"][0]["to"], "a-second");
}

#[test]
fn inference_can_be_switched_off() {
    let t = SpecTest::new()
        .file("openspec/changes/base-work/tasks.md", "- [ ] x\n")
        .file("openspec/changes/next-work/tasks.md", "- [ ] x\n")
        .file(
            "openspec/changes/next-work/proposal.md",
            "# Change: Next\n\n## Why\n- Depends on: `base-work` (must be completed first)\n",
        );
    let edges = t.run(&["graph", "--json"]).json()["projects"][0]["edges"].clone();
    assert_eq!(edges[0]["kind"], "inferred");
    assert_eq!(edges[0]["line"], 4);
    assert_eq!(edges[0]["file"], "openspec/changes/next-work/proposal.md");
    let none = t.run(&["--no-infer", "graph", "--json"]).json()["projects"][0]["edges"].clone();
    assert_eq!(none, serde_json::json!([]));
    let mermaid = t.run(&["graph"]).stdout;
    assert!(mermaid.contains("c0 -.-> c1"), "{mermaid}");
    let dot = t.run(&["graph", "--format", "dot"]).stdout;
    assert!(dot.contains("\"base-work\" -> \"next-work\" [style=dashed];"), "{dot}");
}

#[test]
fn graph_of_one_phase() {
    let config = fixtures().join("pantheros/roadmap.yaml");
    let run =
        run_in(&corpus("pantheros-20cbe1f"), &["--config", config.to_str().unwrap(), "graph", "--phase", "servers"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
    let bad = run_in(&corpus("pantheros-20cbe1f"), &["--config", config.to_str().unwrap(), "graph", "--phase", "nope"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("phases: foundation, personal-devices"), "{}", bad.stderr);
}

#[test]
fn one_vocabulary_for_where_a_change_stands() {
    // Tasks written, none checked: in progress, as `openspec list` says,
    // in the graph, ROADMAP.md and the site alike. Archived with tasks
    // still open: "archived unfinished" wherever archived work is shown.
    let t = SpecTest::new()
        .file("openspec/changes/fresh/tasks.md", "- [ ] a\n- [ ] b\n")
        .file("openspec/changes/idea/proposal.md", "# Idea\n")
        .file("openspec/changes/archive/2024-01-02-dropped/tasks.md", "- [x] a\n- [ ] b\n")
        .file("openspec/changes/archive/2024-01-01-done/tasks.md", "- [x] a\n");
    let list = t.run(&["list", "--all", "--json"]).json();
    let fresh = list["changes"].as_array().unwrap().iter().find(|c| c["id"] == "fresh").unwrap().clone();
    assert_eq!(fresh["status"], "in-progress");
    let roadmap = t.run(&["roadmap", "--stdout"]).stdout;
    assert!(roadmap.contains("- 🔄 `fresh` (0/2 tasks)"), "{roadmap}");
    assert!(roadmap.contains("- 📋 `idea`: Idea (no tasks yet)"), "{roadmap}");
    assert!(roadmap.contains("| `dropped` | 2024-01-02 | 1/2 (archived unfinished) |"), "{roadmap}");
    assert!(roadmap.contains("| `done` | 2024-01-01 | 1/1 |"), "{roadmap}");
    let graph = t.run(&["graph"]).stdout;
    let fresh_node =
        graph.lines().find(|l| l.contains("fresh<br/>")).unwrap().trim().split('[').next().unwrap().to_owned();
    assert!(graph.lines().any(|l| l.contains("inprogress") && l.contains(&fresh_node)), "{graph}");
    let text = t.run(&["list", "--archived"]).stdout;
    assert!(text.contains("archived unfinished 2024-01-02"), "{text}");
    assert!(t.run(&["site", "--out", "site"]).code == 0);
    let page = std::fs::read_to_string(t.path().join("site/changes/fresh.html")).unwrap();
    assert!(page.contains("status-inprogress\">in progress<"), "{page}");
    let archive = std::fs::read_to_string(t.path().join("site/archive.html")).unwrap();
    assert!(archive.contains("1/2 (archived unfinished)"), "{archive}");
}

/// A project whose every change is archived.
fn finished(roadmap: Option<&str>) -> SpecTest {
    let proposal = "# Change: A\n\n## Why\nBecause a thing is needed here now.\n\n## What Changes\n- a\n";
    let mut t = SpecTest::new()
        .file("openspec/changes/archive/2025-03-01-add-a/proposal.md", proposal)
        .file("openspec/changes/archive/2025-03-01-add-a/tasks.md", "- [x] 1.1 do\n- [x] 1.2 do\n")
        .file("openspec/changes/archive/2025-03-20-add-c/proposal.md", proposal)
        .file("openspec/changes/archive/2025-03-20-add-c/tasks.md", "- [x] 1.1 do\n- [ ] 1.2 do\n")
        .file("openspec/changes/archive/2025-04-02-add-b/proposal.md", proposal)
        .file("openspec/changes/archive/2025-04-02-add-b/tasks.md", "- [x] 1.1 do\n");
    if let Some(r) = roadmap {
        t = t.file("roadmap/roadmap.yaml", r);
    }
    t
}

#[test]
fn a_finished_project_leads_with_what_was_done() {
    let t = finished(None);
    let md = t.run(&["roadmap", "--stdout"]).stdout;
    assert!(
        md.contains(
            "## Done\n\nNo change is open: all 3 changes were archived from 2025-03-01 to 2025-04-02, with 4 of 5 tasks checked (1 archived with tasks still open).\n\n| Month | Changes | Tasks | Archived |\n|---|---|---|---|\n| 2025-04 | 1 | 1/1 | 2025-04-02 |\n| 2025-03 | 2 | 3/4 | 2025-03-01 – 2025-03-20 |\n"
        ),
        "{md}"
    );
    // No empty sections: no progress of nothing, no Phases heading, no empty graph.
    for gone in ["## Progress", "0/0", "## Phases", "```mermaid\ngraph TD"] {
        assert!(!md.contains(gone), "{gone}: {md}");
    }
    assert!(md.contains("No change is open or planned in a phase, so nothing waits for anything."), "{md}");
    let status = t.run(&["status"]).stdout;
    assert!(
        status.contains("Done  no change is open: 3 changes archived from 2025-03-01 to 2025-04-02, 4/5 tasks checked"),
        "{status}"
    );
    assert!(status.contains("archived by month: 2025-04 1 · 2025-03 2"), "{status}");
    assert!(!status.contains("0/0"), "{status}");
    // The site's dashboard says the same.
    assert_eq!(t.run(&["site"]).code, 0);
    let index = std::fs::read_to_string(t.path().join("site/index.html")).unwrap();
    assert!(index.contains("<h2 id=\"done\">Done</h2>"), "{index}");
    assert!(
        index.contains("<tr><td>2025-03</td><td>2</td><td>3/4</td><td>2025-03-01 – 2025-03-20</td></tr>"),
        "{index}"
    );
    assert!(!index.contains("id=\"phases\"") && !index.contains("Where it stands"), "{index}");
}

#[test]
fn a_finished_project_with_phases_groups_the_archive_by_phase() {
    let roadmap = "title: Done\nphases:\n  - id: one\n    title: One\n    changes: [add-a, add-b]\n";
    let md = finished(Some(roadmap)).run(&["roadmap", "--stdout"]).stdout;
    assert!(
        md.contains(
            "| Phase | Changes | Tasks | Archived |\n|---|---|---|---|\n| One | 2 | 3/3 | 2025-03-01 – 2025-04-02 |\n| *Not in a phase* | 1 | 1/2 | 2025-03-20 |\n"
        ),
        "{md}"
    );
    assert!(md.contains("## Phases\n\n### Phase 1: One"), "{md}");
}
