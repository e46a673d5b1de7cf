//! JSON output: the model and analysis serialised with serde. The shapes are
//! documented in `docs/json.md` and pinned by `tests/testsuite/json.rs`.

use crate::analyse::Status;
use crate::analyse::graph::{Blocked, Edge, Graph, Node};
use crate::analyse::links::Link;
use crate::analyse::provenance::Step;
use crate::analyse::roadmap::NextAction;
use crate::analyse::validate::ItemReport;
use crate::model::Diagnostic;
use crate::model::{Change, ChangeStatus, Day, Progress, Requirement, Spec};
use crate::nix::{Host, Impact, NixGraph};
use serde::Serialize;

/// One change in `spec list --json`.
#[derive(Debug, Serialize)]
pub struct ListedChange<'a> {
    pub project: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub archived: bool,
    pub archived_on: Option<Day>,
    pub tasks: Progress,
    pub status: ChangeStatus,
    pub path: &'a str,
}

impl<'a> ListedChange<'a> {
    pub fn of(project: &'a str, c: &'a Change) -> Self {
        ListedChange {
            project,
            id: &c.id,
            title: &c.title,
            archived: c.archived,
            archived_on: c.archived_on,
            tasks: c.tasks,
            status: c.status,
            path: &c.path,
        }
    }
}

/// One spec in `spec list --specs --json`.
#[derive(Debug, Serialize)]
pub struct ListedSpec<'a> {
    pub project: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub requirements: usize,
    pub scenarios: usize,
    pub path: &'a str,
}

impl<'a> ListedSpec<'a> {
    pub fn of(project: &'a str, s: &'a Spec) -> Self {
        ListedSpec {
            project,
            id: &s.id,
            title: &s.title,
            requirements: s.requirements.len(),
            scenarios: s.scenario_count(),
            path: &s.path,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ChangeList<'a> {
    pub changes: Vec<ListedChange<'a>>,
}

#[derive(Debug, Serialize)]
pub struct SpecList<'a> {
    pub specs: Vec<ListedSpec<'a>>,
}

/// `spec show --json`: the whole parsed item.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Shown<'a> {
    Change {
        project: &'a str,
        #[serde(flatten)]
        change: &'a Change,
    },
    Spec {
        project: &'a str,
        #[serde(flatten)]
        spec: ShownSpec<'a>,
    },
}

/// A main spec in `spec show --json`: the parsed spec, each requirement
/// with its provenance.
#[derive(Debug, Serialize)]
pub struct ShownSpec<'a> {
    pub id: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub purpose: &'a Option<String>,
    pub requirements: Vec<ShownRequirement<'a>>,
    pub parse_error: &'a Option<String>,
}

impl<'a> ShownSpec<'a> {
    pub fn new(spec: &'a Spec, provenance: &'a [Vec<Step>]) -> Self {
        ShownSpec {
            id: &spec.id,
            path: &spec.path,
            title: &spec.title,
            purpose: &spec.purpose,
            requirements: spec
                .requirements
                .iter()
                .zip(provenance)
                .map(|(requirement, provenance)| ShownRequirement { requirement, provenance })
                .collect(),
            parse_error: &spec.parse_error,
        }
    }
}

/// A requirement and the archived changes that named it, oldest first
/// (empty: written by hand into the main spec).
#[derive(Debug, Serialize)]
pub struct ShownRequirement<'a> {
    #[serde(flatten)]
    pub requirement: &'a Requirement,
    pub provenance: &'a [Step],
}

/// `spec status --json`.
#[derive(Debug, Serialize)]
pub struct StatusReport<'a> {
    pub projects: &'a [Status],
}

/// One item of `spec check --format json`.
#[derive(Debug, Serialize)]
pub struct CheckedItem<'a> {
    pub project: &'a str,
    #[serde(flatten)]
    pub report: &'a ItemReport,
}

/// `spec check --format json`.
#[derive(Debug, Serialize)]
pub struct CheckReport<'a> {
    pub items: Vec<CheckedItem<'a>>,
    /// Problems `spec` found beyond the official rules (unreadable files,
    /// invalid YAML, archived changes with open tasks, ...).
    pub findings: &'a [Diagnostic],
    pub summary: CheckSummary,
}

#[derive(Debug, Serialize)]
pub struct CheckSummary {
    pub items: usize,
    pub passed: usize,
    pub failed: usize,
    pub findings: usize,
    pub strict: bool,
}

/// One change's code links in `spec links --json`.
#[derive(Serialize)]
pub struct LinksReport<'a> {
    pub change: &'a str,
    pub path: &'a str,
    pub links: Vec<Link>,
    /// Hosts whose build includes the linked code (from the Nix graph).
    pub hosts: Vec<String>,
    /// Hosts whose names the change's documents use.
    pub hosts_named: Vec<String>,
    /// With `--all`: the candidates below the confidence floor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below_floor: Option<Vec<Link>>,
}

// The documents below are built as JSON values, whose objects keep their
// keys sorted (docs/json.md shows them so).

/// `spec links CHANGE --json`: the report, with the floor it was cut at.
pub fn links(report: &LinksReport<'_>) -> String {
    let mut v = serde_json::to_value(report).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("floor".into(), crate::analyse::links::FLOOR.into());
    }
    to_string(&v)
}

/// `spec links --json` for every change.
pub fn all_links(files: usize, changes: &[LinksReport<'_>]) -> String {
    to_string(&serde_json::json!({ "files": files, "floor": crate::analyse::links::FLOOR, "changes": changes }))
}

/// `spec impact --json`: `{hosts: [...], shared: {...}}`.
pub fn impact(impact: &Impact) -> String {
    to_string(&serde_json::json!({ "hosts": impact.hosts, "shared": impact.shared }))
}

/// A host in `spec hosts --json`: the host and every `.nix` file its build reads.
#[derive(Serialize)]
struct HostReport<'a> {
    #[serde(flatten)]
    host: &'a Host,
    closure: Vec<String>,
}

/// `spec hosts --json`: hosts, orphans, dangling imports, imports outside
/// the repository, syntax errors,
/// the root flake's inputs and the modules taken from them.
pub fn hosts(graph: &NixGraph) -> String {
    let hosts: Vec<HostReport<'_>> =
        graph.hosts().iter().map(|h| HostReport { host: h, closure: graph.nix_closure(&h.name) }).collect();
    let dangling: Vec<serde_json::Value> = graph
        .dangling()
        .into_iter()
        .map(|(file, line, missing)| serde_json::json!({ "file": file, "line": line, "missing": missing }))
        .collect();
    let errors: Vec<serde_json::Value> = graph
        .errors()
        .into_iter()
        .map(|(file, line, message)| serde_json::json!({ "file": file, "line": line, "message": message }))
        .collect();
    let outside: Vec<serde_json::Value> = graph
        .outside()
        .iter()
        .map(|(file, line, path)| serde_json::json!({ "file": file, "line": line, "path": path }))
        .collect();
    to_string(&serde_json::json!({
        "hosts": hosts,
        "orphans": graph.orphans(),
        "dangling": dangling,
        "outside": outside,
        "errors": errors,
        "encrypted": graph.encrypted(),
        "inputs": graph.inputs(),
        "input_modules": graph.input_modules(),
    }))
}

/// The graph of one project in `spec graph --json`.
#[derive(Serialize)]
pub struct GraphJson<'a> {
    pub project: &'a str,
    pub nodes: &'a [Node],
    pub edges: &'a [Edge],
    pub missing: &'a [Edge],
    pub cycles: Vec<Vec<String>>,
    pub critical_path: Vec<&'a str>,
    pub critical_weight: usize,
}

impl<'a> GraphJson<'a> {
    pub fn of(project: &'a str, graph: &'a Graph) -> Self {
        let (path, weight) = graph.critical_path();
        GraphJson {
            project,
            nodes: &graph.nodes,
            edges: &graph.edges,
            missing: &graph.dangling,
            cycles: graph.cycles(),
            critical_path: path.iter().map(|n| n.id.as_str()).collect(),
            critical_weight: weight,
        }
    }
}

/// `spec next --json` of one project.
#[derive(Serialize)]
pub struct NextJson<'a> {
    pub project: &'a str,
    pub next: &'a [NextAction],
}

/// `spec blocked --json` of one project.
#[derive(Serialize)]
pub struct BlockedJson<'a> {
    pub project: &'a str,
    pub blocked: Vec<Blocked<'a>>,
}

/// `{"projects": [...]}` of one document per project (`graph`, `next`,
/// `blocked`).
pub fn projects<T: Serialize>(docs: &[T]) -> String {
    let docs: Vec<serde_json::Value> = docs.iter().map(|d| serde_json::to_value(d).expect("serialises")).collect();
    to_string(&serde_json::json!({ "projects": docs }))
}

/// Pretty JSON with a trailing newline.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("model serialises");
    s.push('\n');
    s
}
