//! JSON output: the model and analysis serialised with serde. The shapes are
//! documented in `docs/json.md` and pinned by `tests/testsuite/json.rs`.

use crate::analyse::Status;
use crate::analyse::validate::ItemReport;
use crate::model::Diagnostic;
use crate::model::{Change, ChangeStatus, Day, Progress, Spec};
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
        spec: &'a Spec,
    },
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

/// Pretty JSON with a trailing newline.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("model serialises");
    s.push('\n');
    s
}
