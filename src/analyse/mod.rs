//! Stage 3, analysis: what the parsed projects add up to. Progress totals,
//! the status dashboard's grouping, and validation (the official rules in
//! [`validate`], archive's merge checks in [`merge`]) plus `spec`'s own
//! findings about the files it read.

pub mod diff;
pub mod graph;
pub mod history;
pub mod keys;
pub mod links;
pub mod merge;
pub mod nix;
pub mod roadmap;
pub mod validate;

use crate::discover::Tree;
use crate::model::{Change, ChangeStatus, Day, Progress, Project};
use crate::model::{Diagnostic, Level};
use serde::Serialize;

/// A project with the files it was read from and what reading found.
pub struct Loaded {
    pub tree: Tree,
    pub project: Project,
    /// Problems met while reading and parsing (not validation issues).
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn new(tree: Tree) -> Self {
        let (project, mut diagnostics) = crate::parse::project(&tree);
        diagnostics.extend(tree.problems.iter().cloned());
        sort_diagnostics(&mut diagnostics);
        Loaded { tree, project, diagnostics }
    }
}

/// A parsed roadmap file and where it came from.
pub struct RoadmapSource {
    pub file: crate::model::roadmap::RoadmapFile,
    /// Path relative to the root.
    pub path: String,
    pub text: String,
}

/// What the planning commands need beyond the model: the roadmap file (if
/// any), the dependency graph, and problems met reading them.
pub struct Plan {
    pub source: Option<RoadmapSource>,
    pub graph: graph::Graph,
    pub diagnostics: Vec<Diagnostic>,
}

impl Plan {
    /// Read the roadmap file (`explicit`, else `roadmap/roadmap.yaml` in the
    /// project's folder) and build the graph. `explicit` is the file's path
    /// and the name outputs give it.
    pub fn new(
        loaded: &Loaded,
        root: &std::path::Path,
        explicit: Option<(&std::path::Path, &str)>,
        infer: bool,
    ) -> Self {
        let path = explicit.map_or_else(|| loaded.tree.dir.join("roadmap/roadmap.yaml"), |(p, _)| p.to_path_buf());
        let (mut file, mut diagnostics) = crate::discover::read_file(root, &path);
        if let (Some(f), Some((_, shown))) = (file.as_mut(), explicit) {
            f.path = shown.to_owned();
        }
        let source = file.and_then(|f| match crate::parse::roadmap::parse(&f.text) {
            Ok(file) => Some(RoadmapSource { file, path: f.path, text: f.text }),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error(f.path.clone(), e.line, format!("invalid roadmap file: {}", e.message))
                        .with_help("see docs/roadmap.md for the fields a roadmap file may have"),
                );
                None
            }
        });
        let graph = graph::Graph::build(
            &loaded.project,
            &loaded.tree,
            source.as_ref().map(|s| (&s.file, s.path.as_str(), s.text.as_str())),
            graph::Options { infer },
        );
        Plan { source, graph, diagnostics }
    }

    /// The roadmap file as the analysis functions take it.
    pub fn file(&self) -> Option<(&crate::model::roadmap::RoadmapFile, &str, &str)> {
        self.source.as_ref().map(|s| (&s.file, s.path.as_str(), s.text.as_str()))
    }

    /// Every planning finding: reading the file, the graph, the roadmap file's content.
    pub fn findings(&self, loaded: &Loaded) -> Vec<Diagnostic> {
        let mut out = self.diagnostics.clone();
        out.extend(self.graph.findings(&loaded.project));
        if let Some(s) = &self.source {
            out.extend(roadmap::findings(loaded, &s.file, &s.path, &s.text));
        }
        out
    }
}

/// Sort by file, line, level and message, and drop exact duplicates.
pub fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.level, &a.message).cmp(&(&b.file, b.line, b.level, &b.message)));
    diagnostics.dedup();
}

/// The dashboard of one project: totals and changes grouped by status.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The project's path relative to the root (`.` for the root).
    pub project: String,
    /// A display name: the project folder's name.
    pub name: String,
    pub openspec_dir: String,
    pub totals: Totals,
    /// Active changes with some tasks open, least advanced first.
    pub in_progress: Vec<ChangeSummary>,
    /// Active changes without tasks.
    pub draft: Vec<ChangeSummary>,
    /// Active changes with every task done (ready to archive).
    pub complete: Vec<ChangeSummary>,
    /// Archived changes, most recent first.
    pub archived: Vec<ChangeSummary>,
    pub specs: Vec<SpecSummary>,
    /// Problems found while reading, by level.
    pub problems: ProblemCounts,
    /// For a flake: per host, the open and done changes whose code it runs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostSummary>,
}

/// A host in `spec status`.
#[derive(Debug, Clone, Serialize)]
pub struct HostSummary {
    pub host: String,
    pub open: Vec<String>,
    pub done: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub specs: usize,
    pub requirements: usize,
    pub scenarios: usize,
    pub active_changes: usize,
    pub archived_changes: usize,
    /// Tasks of active changes.
    pub tasks: Progress,
    /// Tasks of changes still in progress (what `openspec view` shows as "Task Progress").
    pub in_progress_tasks: Progress,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeSummary {
    pub id: String,
    pub title: String,
    pub status: ChangeStatus,
    pub tasks: Progress,
    pub percent: usize,
    pub archived_on: Option<Day>,
    /// Open work with no commit for the roadmap file's `stale_after_days`
    /// (read from git; false outside a repository).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

impl ChangeSummary {
    pub fn of(change: &Change) -> Self {
        ChangeSummary {
            id: change.id.clone(),
            title: change.title.clone(),
            status: change.status,
            tasks: change.tasks,
            percent: change.tasks.percent(),
            archived_on: change.archived_on,
            stale: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SpecSummary {
    pub id: String,
    pub title: String,
    pub requirements: usize,
    pub scenarios: usize,
    /// Why the official parser rejects the spec, if it does.
    pub parse_error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ProblemCounts {
    pub errors: usize,
    pub warnings: usize,
}

/// Compute the dashboard of a loaded project.
pub fn status(loaded: &Loaded) -> Status {
    let project = &loaded.project;
    let mut totals = Totals { specs: project.specs.len(), ..Totals::default() };
    for spec in &project.specs {
        totals.requirements += spec.requirements.len();
        totals.scenarios += spec.scenario_count();
    }
    let (mut in_progress, mut draft, mut complete, mut archived) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for change in &project.changes {
        let summary = ChangeSummary::of(change);
        match change.status {
            ChangeStatus::Archived => {
                totals.archived_changes += 1;
                archived.push(summary);
                continue;
            }
            ChangeStatus::InProgress => {
                totals.in_progress_tasks.add(change.tasks);
                in_progress.push(summary);
            }
            ChangeStatus::Draft => draft.push(summary),
            ChangeStatus::Complete => complete.push(summary),
        }
        totals.active_changes += 1;
        totals.tasks.add(change.tasks);
    }
    in_progress.sort_by(|a, b| {
        // Least advanced first, compared exactly (done/total), then by id.
        (a.tasks.done * b.tasks.total).cmp(&(b.tasks.done * a.tasks.total)).then_with(|| a.id.cmp(&b.id))
    });
    archived.sort_by(|a, b| b.archived_on.cmp(&a.archived_on).then_with(|| a.id.cmp(&b.id)));
    let mut specs: Vec<SpecSummary> = project
        .specs
        .iter()
        .map(|s| SpecSummary {
            id: s.id.clone(),
            title: s.title.clone(),
            requirements: s.requirements.len(),
            scenarios: s.scenario_count(),
            parse_error: s.parse_error.clone(),
        })
        .collect();
    specs.sort_by(|a, b| b.requirements.cmp(&a.requirements).then_with(|| a.id.cmp(&b.id)));
    let problems = ProblemCounts {
        errors: loaded.diagnostics.iter().filter(|d| d.level == Level::Error).count(),
        warnings: loaded.diagnostics.iter().filter(|d| d.level == Level::Warning).count(),
    };
    let name =
        loaded.tree.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| project.name.clone());
    Status {
        project: project.name.clone(),
        name,
        openspec_dir: project.openspec_dir.clone(),
        totals,
        in_progress,
        draft,
        complete,
        archived,
        specs,
        problems,
        hosts: Vec::new(),
    }
}

/// `spec`'s own findings about a project, beyond the official rules.
pub fn findings(project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for change in &project.changes {
        if change.archived {
            if change.tasks.done < change.tasks.total {
                let open = change.tasks.total - change.tasks.done;
                let file = change.task_files.first().map(|f| f.path.clone());
                let line = change.task_files.first().and_then(|f| f.tasks.iter().find(|t| !t.done)).map(|t| t.line);
                out.push(
                    Diagnostic::warning(
                        file,
                        line,
                        format!(
                            "archived change `{}` has {open} open task{} ({}/{} done)",
                            change.id,
                            if open == 1 { "" } else { "s" },
                            change.tasks.done,
                            change.tasks.total
                        ),
                    )
                    .with_help("tick the tasks that were done, or note why they were dropped (`openspec validate --archived` fails on this)"),
                );
            }
            continue;
        }
        if change.proposal.is_none() && change.nested.is_empty() {
            out.push(
                Diagnostic::warning(change.path.clone(), None, format!("change `{}` has no proposal.md", change.id))
                    .with_help("write proposal.md with ## Why and ## What Changes"),
            );
        }
        for file in &change.task_files {
            if file.total == 0 && !file.sections.is_empty() {
                out.push(Diagnostic::new(
                    Level::Info,
                    file.path.clone(),
                    Some(file.sections[0].line),
                    "task file has headings but no `- [ ]` tasks, so the change counts as a draft",
                ));
            }
        }
    }
    out
}
