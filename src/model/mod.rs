//! The domain model: what `spec` knows about an OpenSpec project after
//! parsing. Every renderer reads these types, and `--json` is their serde
//! serialisation (see `docs/json.md`). No I/O happens here.

pub mod day;
pub mod diagnostic;
mod hash;
pub mod roadmap;

pub use day::Day;
pub use diagnostic::{Diagnostic, Level};
pub use hash::{name_text, short_hash};

use serde::Serialize;
use std::collections::BTreeMap;

/// One `openspec/` folder and everything read from it.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// The project's name: its directory relative to the root (`.` for the root).
    pub name: String,
    /// Path of the `openspec/` folder relative to the root.
    pub openspec_dir: String,
    /// Whether `openspec/project.md` (legacy project context) exists.
    pub has_project_md: bool,
    /// `openspec/config.yaml` or `config.yml`, when present.
    pub config: Option<ProjectConfig>,
    /// Main specs, sorted by id.
    pub specs: Vec<Spec>,
    /// Active changes sorted by id, then archived changes sorted by folder name.
    pub changes: Vec<Change>,
    /// The project folder's own name (the root's for `.`), for titles.
    #[serde(skip)]
    pub display_name: String,
}

/// The parts of `openspec/config.yaml` that `spec` reads.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectConfig {
    pub path: String,
    /// Default workflow schema for changes without `.openspec.yaml`.
    pub schema: Option<String>,
    /// Free-text project context.
    pub context: Option<String>,
}

/// Where a change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeStatus {
    /// No tasks yet (`no-tasks` in `openspec list --json`, "Draft" in `openspec view`).
    Draft,
    /// Some tasks open.
    InProgress,
    /// Every task done.
    Complete,
    /// Moved to `changes/archive/`.
    Archived,
}

/// Where a change stands, in the one vocabulary every view speaks: the
/// official statuses of open work (a change with tasks is in progress from
/// the moment it has them, checked or not), and archived work split by
/// whether every task was checked when it was archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// No tasks yet.
    Draft,
    /// Tasks, not all checked (`in-progress` in `openspec list`, also at 0 checked).
    InProgress,
    /// Every task checked, not archived yet.
    Complete,
    /// Archived with every task checked (or with no tasks).
    Archived,
    /// Archived with tasks still open: not done work, but no longer planned.
    ArchivedUnfinished,
}

impl Stage {
    pub fn of(status: ChangeStatus, tasks: Progress) -> Self {
        match status {
            ChangeStatus::Draft => Stage::Draft,
            ChangeStatus::InProgress => Stage::InProgress,
            ChangeStatus::Complete => Stage::Complete,
            ChangeStatus::Archived if tasks.done < tasks.total => Stage::ArchivedUnfinished,
            ChangeStatus::Archived => Stage::Archived,
        }
    }

    /// The words for it, as every view prints them.
    pub fn word(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::InProgress => "in progress",
            Stage::Complete => "complete",
            Stage::Archived => "archived",
            Stage::ArchivedUnfinished => "archived unfinished",
        }
    }

    /// Finished work: complete, or archived with every task checked.
    pub fn finished(self) -> bool {
        matches!(self, Stage::Complete | Stage::Archived)
    }

    /// No work is planned any more: finished, or archived unfinished. What
    /// it did is what its commits show.
    pub fn closed(self) -> bool {
        self.finished() || self == Stage::ArchivedUnfinished
    }
}

impl ChangeStatus {
    /// The status of an active change with these task counts, by the
    /// official rule (only the counts matter).
    pub fn from_tasks(done: usize, total: usize) -> Self {
        if total == 0 {
            ChangeStatus::Draft
        } else if done == total {
            ChangeStatus::Complete
        } else {
            ChangeStatus::InProgress
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Draft => "draft",
            ChangeStatus::InProgress => "in-progress",
            ChangeStatus::Complete => "complete",
            ChangeStatus::Archived => "archived",
        }
    }
}

/// Done and total task counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

impl Progress {
    pub fn add(&mut self, other: Progress) {
        self.done += other.done;
        self.total += other.total;
    }

    /// Whole percent, rounded half up as `openspec view` rounds it, except
    /// that unfinished work never shows 100; 0 when there are no tasks.
    pub fn percent(self) -> usize {
        if self.total == 0 {
            return 0;
        }
        let rounded = (self.done * 200 + self.total) / (self.total * 2);
        if self.done < self.total { rounded.min(99) } else { rounded }
    }
}

/// One change folder.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The change id (archive folders lose their `YYYY-MM-DD-` prefix).
    pub id: String,
    /// Folder relative to the root.
    pub path: String,
    /// Display title: the proposal's first `# ` heading without `Change:`,
    /// else the id (the official `extractTitle`).
    pub title: String,
    pub archived: bool,
    /// The date of an archive folder's `YYYY-MM-DD-` prefix (none when the
    /// prefix is not a calendar day).
    pub archived_on: Option<Day>,
    pub status: ChangeStatus,
    pub tasks: Progress,
    pub proposal: Option<Proposal>,
    pub design: Option<Document>,
    /// The tracked task files (normally just `tasks.md`).
    pub task_files: Vec<TaskFile>,
    pub metadata: Option<Metadata>,
    /// Delta specs under `specs/`, sorted by capability id.
    pub deltas: Vec<DeltaSpec>,
    /// The workflow schema the change resolves to.
    pub schema: String,
    /// Set when the folder only wraps nested change folders (not a change).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nested: Vec<String>,
}

/// A task file with its tasks and sections.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskFile {
    pub path: String,
    pub done: usize,
    pub total: usize,
    pub sections: Vec<TaskSection>,
    pub tasks: Vec<Task>,
}

/// A heading in a task file and the tasks directly under it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskSection {
    pub title: String,
    pub level: u8,
    pub line: usize,
    pub done: usize,
    pub total: usize,
}

/// One checkbox line.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub line: usize,
    /// Nesting level among list items (0 = top level).
    pub depth: usize,
    pub done: bool,
    /// What is inside the box (`x`, `~`, empty for `[ ]`).
    pub mark: String,
    /// The leading task number (`1.2`), when there is one.
    pub number: Option<String>,
    pub text: String,
    /// Index into the file's `sections`, or none before the first heading.
    pub section: Option<usize>,
}

/// A Markdown document split into its top-level prose sections.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    pub path: String,
    /// The first heading's text, if any.
    pub title: Option<String>,
    /// Every heading with the text under it (sub-sections included).
    pub sections: Vec<DocSection>,
    /// The whole file as read (the site renders it; prose dependencies are
    /// read from it). Not part of the JSON.
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocSection {
    pub level: usize,
    pub title: String,
    pub line: usize,
    pub content: String,
}

/// `proposal.md`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Proposal {
    pub path: String,
    /// The first `# ` heading without a `Change:` prefix.
    pub title: Option<String>,
    pub why: Option<String>,
    pub what_changes: Option<String>,
    pub impact: Option<Impact>,
    pub sections: Vec<DocSection>,
    /// The whole file as read. Not part of the JSON.
    #[serde(skip)]
    pub text: String,
}

/// The `## Impact` section of a proposal.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Impact {
    /// Capability names from the "Affected specs" line(s).
    pub specs: Vec<String>,
    /// "Affected code" lines, verbatim, with their line numbers.
    pub code: Vec<SourceLine>,
    /// Every other line of the section, verbatim.
    pub other: Vec<SourceLine>,
}

/// A line of text and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLine {
    pub line: usize,
    pub text: String,
}

/// `.openspec.yaml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    pub path: String,
    pub schema: Option<String>,
    pub created: Option<String>,
    pub goal: Option<String>,
    pub affected_areas: Vec<String>,
    pub initiative: Option<Initiative>,
    pub skip_specs: Option<bool>,
    pub retire_capabilities: Option<bool>,
    /// Stacking fields proposed upstream (`add-change-stacking-awareness`),
    /// read from `x-depends-on`, `x-provides`, ... or the bare names.
    pub depends_on: Vec<String>,
    pub provides: Vec<String>,
    pub requires: Vec<String>,
    pub touches: Vec<String>,
    pub parent: Option<String>,
    /// Keys neither OpenSpec nor `spec` know, kept as JSON values.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Why the file is not valid change metadata for the official CLI, if it is not.
    pub invalid: Option<String>,
    /// The line of each value of `dependsOn`, `requires` and `parent`, for
    /// diagnostics about the edges they declare. Not part of the JSON.
    #[serde(skip)]
    pub lines: BTreeMap<String, usize>,
    /// Stacking fields declared under their bare names, which OpenSpec
    /// 1.14+ `validate --strict` rejects. Not part of the JSON.
    #[serde(skip)]
    pub bare_keys: Vec<BareKey>,
}

/// A stacking field declared under its bare name (`dependsOn`) rather than
/// the `x-` name OpenSpec 1.14.2+ reserves for tools (`x-depends-on`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BareKey {
    pub key: String,
    pub replacement: String,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Initiative {
    pub store: String,
    pub id: String,
}

/// A main spec, `openspec/specs/<id>/spec.md`.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    pub id: String,
    pub path: String,
    /// The first `# ` heading, else the id.
    pub title: String,
    pub purpose: Option<String>,
    pub requirements: Vec<Requirement>,
    /// Why the official parser rejects the file (no Purpose or Requirements);
    /// the counts are then 0, as `openspec list --specs` shows them.
    pub parse_error: Option<String>,
}

impl Spec {
    pub fn scenario_count(&self) -> usize {
        self.requirements.iter().map(|r| r.scenarios.len()).sum()
    }
}

/// A requirement: a child section of `## Requirements`, or a delta block.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// The header title without `Requirement:`.
    pub name: String,
    pub line: usize,
    /// The body text (or the title when the body is empty).
    pub text: String,
    /// Whether the text contains SHALL or MUST.
    pub normative: bool,
    pub scenarios: Vec<Scenario>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub line: usize,
    pub text: String,
}

/// A delta spec, `changes/<id>/specs/<capability>/spec.md`.
#[derive(Debug, Clone, Serialize)]
pub struct DeltaSpec {
    pub capability: String,
    pub path: String,
    pub added: Vec<Requirement>,
    pub modified: Vec<Requirement>,
    pub removed: Vec<Removed>,
    pub renamed: Vec<Rename>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    pub name: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rename {
    pub from: String,
    pub to: String,
    pub line: usize,
}

impl Project {
    /// Active (not archived) changes.
    pub fn active(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !c.archived)
    }

    /// Archived changes.
    pub fn archived(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.archived)
    }

    /// A change by id: the active one first, then the latest archived one
    /// (named with or without its date prefix).
    pub fn find_change(&self, id: &str) -> Option<&Change> {
        self.active()
            .find(|c| c.id == id)
            .or_else(|| self.archived().filter(|c| c.id == id || c.path.ends_with(&format!("/{id}"))).last())
    }

    /// Changes that are changes, not folders that only hold nested ones.
    pub fn real_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.nested.is_empty())
    }
}

impl Change {
    /// Where it stands, in the words every view uses ([`Stage`]).
    pub fn stage(&self) -> Stage {
        Stage::of(self.status, self.tasks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_but_never_claims_done() {
        let p = |done, total| Progress { done, total }.percent();
        assert_eq!(p(4, 6), 67);
        assert_eq!(p(1, 3), 33);
        assert_eq!(p(199, 200), 99);
        assert_eq!(p(2, 2), 100);
        assert_eq!(p(0, 0), 0);
    }
}
