//! The input types: what the loaders produce from the disk and from git,
//! before any of it is parsed. [`Tree`] is one project's `openspec/` folder
//! as discovery read it (every file's text, plus the facts about folders the
//! official CLI's rules need); the history types are what `git::walk` read
//! from the commits. `parse` turns a `Tree` into the model; `analyse`
//! reads the history types. Nothing here does I/O.

use crate::model::{Day, Diagnostic, Metadata};
use git2::Oid;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A text file read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Contents, decoded as UTF-8 (invalid bytes replaced, as Node.js does).
    pub text: String,
}

/// A spec file: main spec or delta spec.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// Capability id: the folder path below `specs/`, `/`-joined.
    pub id: String,
    pub file: SourceFile,
}

/// What lies under a change's `specs/` besides the `spec.md` files.
#[derive(Debug, Clone, Default)]
pub struct SpecsDir {
    /// `specs/spec.md` is a regular file (a delta with no capability).
    pub root_spec: bool,
    /// Other `.md` files under `specs/` (candidates for "unread delta" errors).
    pub other_markdown: Vec<SourceFile>,
    /// Any non-dot file exists under `specs/` (symlinks count).
    pub has_any_file: bool,
    /// Why the official spec discovery throws on this folder, aborting the
    /// change's validation: a symlinked `spec.md` that resolves outside both
    /// `specs/` and its capability folder, or one that loops.
    pub discovery_error: Option<String>,
}

/// One change folder, active or archived.
#[derive(Debug, Clone, Default)]
pub struct ChangeDir {
    /// The folder name.
    pub name: String,
    /// Folder path relative to the root.
    pub path: String,
    pub archived: bool,
    /// The name starts with `.` (listed by `openspec list`, skipped by `validate`).
    pub hidden: bool,
    pub proposal: Option<SourceFile>,
    pub design: Option<SourceFile>,
    pub metadata: Option<SourceFile>,
    /// `metadata` parsed (discovery needs its schema to pick the task
    /// files; kept so the YAML is parsed once).
    pub parsed_metadata: Option<Result<Metadata, YamlError>>,
    /// Existing task files the change's schema tracks, sorted by path.
    pub task_files: Vec<SourceFile>,
    /// The workflow schema the change resolves to.
    pub schema: String,
    /// Whether the official `resolveSchemaForChange` succeeds: false when
    /// `.openspec.yaml` exists but is not valid YAML, breaks the metadata
    /// schema or names an unknown schema (the official CLI then tracks no task
    /// file and skips the task-file lint).
    pub schema_resolves: bool,
    /// Whether `task_files` are the schema's tracked outputs (the official
    /// `resolveTaskFilesForChange` found files) rather than the bare
    /// `tasks.md` fallback that only the counters read.
    pub tracked: bool,
    /// Whether the official `resolveArtifactOutputs` throws on the tracked
    /// task files: one is a symlink leaving the change folder, or dangling.
    /// `validate` then lints no task file (and `list` aborts).
    pub tracked_escapes: bool,
    pub deltas: Vec<SpecFile>,
    pub specs_dir: SpecsDir,
    /// Nested change folders, when this folder only wraps others.
    pub nested: Vec<String>,
}

/// One project: an `openspec/` folder and what was read from it.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// Directory holding `openspec/`, relative to the root (`.` for the root).
    pub name: String,
    /// The root: the folder every path read is shown relative to.
    pub root: PathBuf,
    /// Absolute path of that directory.
    pub dir: PathBuf,
    pub openspec_dir: String,
    pub project_md: bool,
    pub config: Option<SourceFile>,
    /// Project-local workflow schemas: name and `schema.yaml`, when readable.
    pub schemas: Vec<(String, Option<SourceFile>)>,
    pub specs: Vec<SpecFile>,
    /// Active changes sorted by name, then archived ones sorted by name.
    pub changes: Vec<ChangeDir>,
    /// Problems met while reading.
    pub problems: Vec<Diagnostic>,
}

impl Tree {
    /// A project-local schema's `schema.yaml` (`openspec/schemas/<name>/`),
    /// which shadows a built-in schema of the same name.
    pub fn project_schema(&self, name: &str) -> Option<&SourceFile> {
        self.schemas.iter().find(|(n, f)| n == name && f.is_some()).and_then(|(_, f)| f.as_ref())
    }
}

/// A YAML syntax error with its 1-based line, if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

// ---------------------------------------------------------------------------
// History: what `git::walk` read from the commits.

/// One commit, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Committer time, seconds since the epoch (UTC).
    pub time: i64,
    /// The UTC day of `time`.
    pub day: Day,
    /// First line of the message.
    pub summary: String,
}

/// A change folder's content at one point, as far as history needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderState {
    /// Tree id of the folder (for the working tree: a hash of the ids below).
    pub dir: Oid,
    pub tasks: Option<Oid>,
    pub proposal: Option<Oid>,
    pub done: u32,
    pub total: u32,
}

/// Where a change folder lives: `changes/<folder>` or `changes/archive/<folder>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FolderKey {
    pub archived: bool,
    pub folder: String,
}

/// One change folder that differs from the point before: `state: None` = removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderChange {
    pub key: FolderKey,
    pub state: Option<FolderState>,
}

/// A point of history: a commit (or the working tree, `commit: None`) and
/// the change folders it changed, sorted by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub commit: Option<CommitInfo>,
    pub changes: Vec<FolderChange>,
}

/// What `git::walk` found.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Points that changed `openspec/changes/`, oldest first.
    pub steps: Vec<Step>,
    /// Commits looked at.
    pub commits: usize,
    /// The newest commit (`HEAD`).
    pub head: Option<CommitInfo>,
    /// The oldest commit reached, when the clone is shallow (history before
    /// it is missing).
    pub shallow: Option<CommitInfo>,
    /// Every change folder at `HEAD`.
    pub at_head: BTreeMap<FolderKey, FolderState>,
    /// The repository's work tree folder.
    pub workdir: PathBuf,
}
