//! The status dashboard of one project (`spec status`): totals, and the
//! changes grouped by where they stand, least advanced first.

use crate::model::{Change, ChangeStatus, Day, Diagnostic, Level, Progress, Project};
use serde::Serialize;

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
    /// Pairs of active changes that name the same requirement or file
    /// ([`crate::analyse::overlaps`]).
    pub overlaps: Vec<crate::analyse::overlaps::Overlap>,
    /// When the open work will finish (terminal only; `spec forecast --json`
    /// has the JSON).
    #[serde(skip)]
    pub forecast: Option<crate::analyse::forecast::Forecast>,
}

/// A host in `spec status`.
#[derive(Debug, Clone, Serialize)]
pub struct HostSummary {
    pub host: String,
    pub open: Vec<String>,
    pub done: Vec<String>,
    /// Archived with tasks still open.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unfinished: Vec<String>,
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

/// Compute the dashboard of a project; `diagnostics` are the problems met
/// reading it.
pub fn status(project: &Project, diagnostics: &[Diagnostic]) -> Status {
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
        errors: diagnostics.iter().filter(|d| d.level == Level::Error).count(),
        warnings: diagnostics.iter().filter(|d| d.level == Level::Warning).count(),
    };
    Status {
        project: project.name.clone(),
        name: project.display_name.clone(),
        openspec_dir: project.openspec_dir.clone(),
        totals,
        in_progress,
        draft,
        complete,
        archived,
        specs,
        problems,
        hosts: Vec::new(),
        overlaps: Vec::new(),
        forecast: None,
    }
}
