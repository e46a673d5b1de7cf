//! The JSON output schema, pinned: mirror structs with `deny_unknown_fields`
//! fail this test when a field is added, renamed or removed without updating
//! `docs/json.md`.

#![allow(dead_code)]

use crate::harness::SpecTest;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Progress {
    done: u64,
    total: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListedChange {
    project: String,
    id: String,
    title: String,
    archived: bool,
    archived_on: Option<String>,
    tasks: Progress,
    status: String,
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeList {
    changes: Vec<ListedChange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListedSpec {
    project: String,
    id: String,
    title: String,
    requirements: u64,
    scenarios: u64,
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecList {
    specs: Vec<ListedSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Issue {
    level: String,
    path: String,
    file: String,
    line: Option<u64>,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    project: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    valid: bool,
    issues: Vec<Issue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    level: String,
    file: Option<String>,
    line: Option<u64>,
    message: String,
    help: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckSummary {
    items: u64,
    passed: u64,
    failed: u64,
    findings: u64,
    strict: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    items: Vec<Item>,
    findings: Vec<Finding>,
    summary: CheckSummary,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeSummary {
    id: String,
    title: String,
    status: String,
    tasks: Progress,
    percent: u64,
    archived_on: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecSummary {
    id: String,
    title: String,
    requirements: u64,
    scenarios: u64,
    parse_error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Totals {
    specs: u64,
    requirements: u64,
    scenarios: u64,
    active_changes: u64,
    archived_changes: u64,
    tasks: Progress,
    in_progress_tasks: Progress,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Problems {
    errors: u64,
    warnings: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectStatus {
    project: String,
    name: String,
    openspec_dir: String,
    totals: Totals,
    in_progress: Vec<ChangeSummary>,
    draft: Vec<ChangeSummary>,
    complete: Vec<ChangeSummary>,
    archived: Vec<ChangeSummary>,
    specs: Vec<SpecSummary>,
    problems: Problems,
    overlaps: Vec<OverlapJson>,
}

/// `spec overlaps --json`, status's `overlaps`, diff's `overlaps_added`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlapJson {
    a: String,
    b: String,
    kind: String,
    key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Status {
    projects: Vec<ProjectStatus>,
}

#[test]
fn list_schema() {
    let t = SpecTest::fixture("basic");
    let list: ChangeList = serde_json::from_str(&t.run(&["list", "--all", "--json"]).stdout).unwrap();
    let login = list.changes.iter().find(|c| c.id == "add-login").unwrap();
    assert_eq!((login.tasks.done, login.tasks.total, login.status.as_str()), (2, 4, "in-progress"));
    assert_eq!(login.title, "Add login rate limiting");
    let init = list.changes.iter().find(|c| c.id == "init-repo").unwrap();
    assert_eq!(
        (init.archived, init.archived_on.as_deref(), init.status.as_str()),
        (true, Some("2025-01-10"), "archived")
    );
    let draft = list.changes.iter().find(|c| c.id == "draft-idea").unwrap();
    assert_eq!((draft.status.as_str(), draft.title.as_str()), ("draft", "draft-idea"));
    let specs: SpecList = serde_json::from_str(&t.run(&["list", "--specs", "--json"]).stdout).unwrap();
    assert_eq!((specs.specs[0].requirements, specs.specs[0].scenarios), (2, 3));
}

#[test]
fn check_schema() {
    let t = SpecTest::fixture("basic");
    let check: Check = serde_json::from_str(&t.run(&["check", "--json"]).stdout).unwrap();
    assert_eq!((check.summary.items, check.summary.passed, check.summary.failed), (4, 3, 1));
    let draft = check.items.iter().find(|i| i.id == "draft-idea").unwrap();
    assert_eq!((draft.kind.as_str(), draft.valid), ("change", false));
    assert_eq!(draft.issues[0].level, "ERROR");
    assert_eq!(draft.issues[0].file, "openspec/changes/draft-idea");
}

#[test]
fn status_schema() {
    let t = SpecTest::fixture("basic");
    let status: Status = serde_json::from_str(&t.run(&["status", "--json"]).stdout).unwrap();
    let p = &status.projects[0];
    assert_eq!((p.totals.tasks.done, p.totals.tasks.total), (4, 6));
    assert_eq!(p.in_progress[0].percent, 50);
    assert_eq!(p.complete[0].id, "add-2fa");
    assert!(p.overlaps.is_empty());
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepJson {
    change: String,
    op: String,
    archived_on: Option<String>,
}

#[derive(Deserialize)]
struct ShownRequirement {
    name: String,
    provenance: Vec<StepJson>,
}

#[derive(Deserialize)]
struct ShownSpec {
    requirements: Vec<ShownRequirement>,
}

#[test]
fn provenance_schema() {
    let t = SpecTest::fixture("provenance");
    let spec: ShownSpec = serde_json::from_str(&t.run(&["show", "auth", "--type", "spec", "--json"]).stdout).unwrap();
    let login = &spec.requirements[0];
    assert_eq!(login.name, "User Login");
    assert_eq!(
        (
            login.provenance[1].change.as_str(),
            login.provenance[1].op.as_str(),
            login.provenance[1].archived_on.as_deref()
        ),
        ("tune-login", "MODIFIED", Some("2026-02-01"))
    );
}

#[test]
fn overlaps_schema() {
    let t = SpecTest::fixture("overlaps");
    let all: Vec<OverlapJson> = serde_json::from_str(&t.run(&["overlaps", "--json"]).stdout).unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|o| o.a < o.b && ["requirement", "file"].contains(&o.kind.as_str())));
    let status: Status = serde_json::from_str(&t.run(&["status", "--json"]).stdout).unwrap();
    assert_eq!(status.projects[0].overlaps.len(), 3);
}

#[test]
fn show_schema_is_the_model() {
    let t = SpecTest::fixture("basic");
    let change = t.run(&["show", "add-login", "--json"]).json();
    let mut keys: Vec<&str> = change.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "archived",
            "archived_on",
            "deltas",
            "design",
            "id",
            "metadata",
            "path",
            "project",
            "proposal",
            "schema",
            "status",
            "task_files",
            "tasks",
            "title",
            "type"
        ]
    );
    let file = &change["task_files"][0];
    assert_eq!(file["sections"][1]["title"], "1. Limiter");
    assert_eq!(file["tasks"][2]["depth"], 1);
    assert_eq!(file["tasks"][2]["number"], "1.2.1");
    assert_eq!(change["metadata"]["depends_on"], serde_json::json!(["init-repo"]));
    assert_eq!(change["proposal"]["impact"]["specs"], serde_json::json!(["auth"]));
    assert_eq!(change["deltas"][0]["modified"][0]["scenarios"].as_array().unwrap().len(), 2);
    let spec = t.run(&["show", "auth", "--json"]).json();
    assert_eq!(spec["type"], "spec");
    assert_eq!(spec["requirements"][0]["name"], "Password Login");
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Node {
    id: String,
    title: String,
    status: String,
    tasks: Progress,
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GraphEdge {
    from: String,
    to: String,
    kind: String,
    via: String,
    file: String,
    line: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectGraph {
    project: String,
    nodes: Vec<Node>,
    edges: Vec<GraphEdge>,
    missing: Vec<GraphEdge>,
    cycles: Vec<Vec<String>>,
    critical_path: Vec<String>,
    critical_weight: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Graphs {
    projects: Vec<ProjectGraph>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NextItem {
    id: String,
    title: String,
    status: String,
    tasks: Progress,
    phase: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectNext {
    project: String,
    next: Vec<NextItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Nexts {
    projects: Vec<ProjectNext>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockedItem {
    id: String,
    title: String,
    status: String,
    tasks: Progress,
    path: String,
    waits_for: Vec<GraphEdge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectBlocked {
    project: String,
    blocked: Vec<BlockedItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Blockeds {
    projects: Vec<ProjectBlocked>,
}

#[test]
fn graph_next_blocked_schemas() {
    let t = SpecTest::fixture("basic")
        .file(
            "openspec/changes/add-2fa/.openspec.yaml",
            "schema: spec-driven\nskip_specs: true\ndependsOn: [draft-idea]\n",
        )
        .file("openspec/changes/add-2fa/tasks.md", "- [ ] 1.1 open\n");
    let graph: Graphs = serde_json::from_str(&t.run(&["graph", "--json"]).stdout).unwrap();
    let g = &graph.projects[0];
    let edge = g.edges.iter().find(|e| e.from == "add-login").unwrap();
    assert_eq!(
        (edge.to.as_str(), edge.kind.as_str(), edge.via.as_str(), edge.line),
        ("init-repo", "declared", "dependsOn", Some(3))
    );
    assert!(g.nodes.iter().any(|n| n.id == "init-repo" && n.status == "archived"));
    let next: Nexts = serde_json::from_str(&t.run(&["next", "--json"]).stdout).unwrap();
    let ids: Vec<&str> = next.projects[0].next.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["add-login", "draft-idea"]);
    let blocked: Blockeds = serde_json::from_str(&t.run(&["blocked", "--json"]).stdout).unwrap();
    assert_eq!(blocked.projects[0].blocked[0].id, "add-2fa");
    assert_eq!(blocked.projects[0].blocked[0].waits_for[0].to, "draft-idea");
}
