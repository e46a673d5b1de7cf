//! The roadmap: phases and milestones (from `roadmap/roadmap.yaml`, or one
//! implicit phase per status without it) with progress derived from the
//! changes' tasks, the unplanned and archived changes, and what to do next.
//! `ROADMAP.md` and the site both render this one structure.

use super::graph::{Edge, Graph};
use crate::model::Day;
use crate::model::Diagnostic;
use crate::model::roadmap::{PhaseStatus, RoadmapSource};
use crate::model::{Change, ChangeStatus, Progress, Project, Stage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One change as the roadmap shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub id: String,
    pub title: String,
    /// `None` when a phase names a change that does not exist.
    pub status: Option<ChangeStatus>,
    pub tasks: Progress,
    pub percent: usize,
    pub archived_on: Option<Day>,
    /// Per task-file section, when the change has tasks in several.
    pub sections: Vec<SectionView>,
    /// Unmet dependencies.
    pub waits_for: Vec<String>,
    /// Open work with no commit for `stale_after_days` (set from history,
    /// when it was read).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub title: String,
    pub tasks: Progress,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneView {
    pub title: String,
    pub status: PhaseStatus,
    pub changes: Vec<String>,
    pub blocked_by: Option<String>,
    pub due: Option<Day>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    pub id: String,
    pub title: String,
    pub goal: Option<String>,
    pub status: PhaseStatus,
    /// The status was set in the roadmap file, not derived.
    pub status_set: bool,
    pub start: Option<Day>,
    pub end: Option<Day>,
    pub changes: Vec<ChangeView>,
    pub milestones: Vec<MilestoneView>,
    pub tasks: Progress,
    pub changes_done: usize,
    pub percent: usize,
}

/// A change that can start or go on now.
#[derive(Debug, Clone, Serialize)]
pub struct NextAction {
    pub id: String,
    pub title: String,
    pub status: ChangeStatus,
    pub tasks: Progress,
    pub phase: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockedView {
    pub id: String,
    pub waits_for: Vec<String>,
}

/// Everything ROADMAP.md shows.
#[derive(Debug, Clone, Serialize)]
pub struct Roadmap {
    pub title: String,
    pub summary: Option<String>,
    pub goals: Vec<String>,
    pub non_goals: Vec<String>,
    /// Phases come from a roadmap file (false: one implicit phase per status).
    pub planned: bool,
    pub phases: Vec<PhaseView>,
    pub unplanned: Vec<ChangeView>,
    pub archived: Vec<ChangeView>,
    /// Totals over active changes.
    pub tasks: Progress,
    pub changes_done: usize,
    pub changes_total: usize,
    pub percent: usize,
    pub next: Vec<NextAction>,
    pub blocked: Vec<BlockedView>,
    /// Complete changes not archived yet.
    pub to_archive: Vec<String>,
    pub critical_path: Vec<String>,
    pub critical_weight: usize,
    pub edges: Vec<Edge>,
    /// The date shown when `--date` is given.
    pub date: Option<Day>,
}

/// What a finished project did: one group of archived changes per phase
/// (then those in no phase), or per month of archiving without a roadmap
/// file, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneSummary {
    pub changes: usize,
    pub tasks: Progress,
    /// Archived with tasks still open.
    pub unfinished: usize,
    pub first: Option<Day>,
    pub last: Option<Day>,
    /// `true`: the groups are phases (and "not in a phase"); else months.
    pub by_phase: bool,
    pub groups: Vec<DoneGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneGroup {
    /// A phase's title, `None` for changes in no phase; or the month, `YYYY-MM`
    /// (`undated` for archive folders without a date).
    pub title: Option<String>,
    pub changes: usize,
    pub tasks: Progress,
    pub first: Option<Day>,
    pub last: Option<Day>,
}

/// `first – last`, one day alone, or `undated`.
fn span(first: Option<Day>, last: Option<Day>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if f == l => f.to_string(),
        (Some(f), Some(l)) => format!("{f} – {l}"),
        _ => "undated".to_owned(),
    }
}

/// ` on DAY` or ` from FIRST to LAST` for archive days; empty when undated.
pub fn archived_when(first: Option<Day>, last: Option<Day>) -> String {
    match (first, last) {
        (Some(f), Some(l)) if f == l => format!(" on {f}"),
        (Some(f), Some(l)) => format!(" from {f} to {l}"),
        _ => String::new(),
    }
}

impl DoneSummary {
    /// One sentence: nothing is open, how many changes were archived, when,
    /// and the tasks checked (and how many were archived unfinished).
    pub fn sentence(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let unfinished = match self.unfinished {
            0 => String::new(),
            n => format!(" ({n} archived with tasks still open)"),
        };
        let when = archived_when(self.first, self.last);
        let (all, were) = if self.changes == 1 { ("the", "was") } else { ("all", "were") };
        format!(
            "No change is open: {all} {} change{} {were} archived{when}, with {} of {} task{} checked{unfinished}.",
            self.changes,
            plural(self.changes),
            self.tasks.done,
            self.tasks.total,
            plural(self.tasks.total)
        )
    }
}

impl DoneGroup {
    /// When its changes were archived: `first – last`, one day, or `undated`.
    pub fn span(&self) -> String {
        span(self.first, self.last)
    }

    fn of<'a>(title: Option<String>, changes: impl Iterator<Item = &'a ChangeView>) -> Self {
        let mut g = DoneGroup { title, changes: 0, tasks: Progress::default(), first: None, last: None };
        for c in changes {
            g.changes += 1;
            g.tasks.add(c.tasks);
            if let Some(d) = c.archived_on {
                g.first = Some(g.first.map_or(d, |f| f.min(d)));
                g.last = Some(g.last.map_or(d, |l| l.max(d)));
            }
        }
        g
    }
}

impl Roadmap {
    /// What was done, when nothing is open: no active change and at least
    /// one archived. `None` while work is open (or nothing was ever done).
    pub fn done(&self) -> Option<DoneSummary> {
        if self.changes_total > 0 || self.archived.is_empty() {
            return None;
        }
        let all = DoneGroup::of(None, self.archived.iter());
        let mut groups = Vec::new();
        if self.planned {
            let mut placed = BTreeSet::new();
            for p in &self.phases {
                let ids: BTreeSet<&str> = p.changes.iter().map(|c| c.id.as_str()).collect();
                let mine: Vec<&ChangeView> = self.archived.iter().filter(|c| ids.contains(c.id.as_str())).collect();
                placed.extend(mine.iter().map(|c| c.id.as_str()));
                if !mine.is_empty() {
                    groups.push(DoneGroup::of(Some(p.title.clone()), mine.into_iter()));
                }
            }
            let rest: Vec<&ChangeView> = self.archived.iter().filter(|c| !placed.contains(c.id.as_str())).collect();
            if !rest.is_empty() {
                groups.push(DoneGroup::of(None, rest.into_iter()));
            }
        } else {
            // `archived` is newest first: months come out newest first.
            let mut months: Vec<(String, Vec<&ChangeView>)> = Vec::new();
            for c in &self.archived {
                let month = c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()[..7].to_owned());
                match months.last_mut() {
                    Some((m, list)) if *m == month => list.push(c),
                    _ => months.push((month, vec![c])),
                }
            }
            groups = months.into_iter().map(|(m, list)| DoneGroup::of(Some(m), list.into_iter())).collect();
        }
        let unfinished = self.archived.iter().filter(|c| c.tasks.done < c.tasks.total).count();
        Some(DoneSummary {
            changes: all.changes,
            tasks: all.tasks,
            unfinished,
            first: all.first,
            last: all.last,
            by_phase: self.planned,
            groups,
        })
    }

    /// Flag the changes that history says are stale.
    pub fn mark_stale(&mut self, history: &super::history::History) {
        let stale: std::collections::BTreeSet<&str> =
            history.changes.iter().filter(|c| c.stale).map(|c| c.id.as_str()).collect();
        for v in self.phases.iter_mut().flat_map(|p| p.changes.iter_mut()).chain(self.unplanned.iter_mut()) {
            v.stale = stale.contains(v.id.as_str());
        }
    }
}

/// The status a set of changes adds up to: complete when every change is
/// complete or archived, in progress when any task of them is checked,
/// planned otherwise.
fn derive(changes: &[(Option<ChangeStatus>, Progress)]) -> PhaseStatus {
    let done = |s: &Option<ChangeStatus>| matches!(s, Some(ChangeStatus::Complete | ChangeStatus::Archived));
    if !changes.is_empty() && changes.iter().all(|(s, _)| done(s)) {
        PhaseStatus::Complete
    } else if changes.iter().any(|(s, p)| done(s) || p.done > 0) {
        PhaseStatus::InProgress
    } else {
        PhaseStatus::Planned
    }
}

impl ChangeView {
    /// Where it stands; `None` when a phase names a change that does not exist.
    pub fn stage(&self) -> Option<Stage> {
        self.status.map(|s| Stage::of(s, self.tasks))
    }

    /// The one word the diagrams and the site colour it by, from its
    /// [`Stage`]: `complete`, `archived` (finished or not), `missing`
    /// (named, but no such change), `inprogress` (has open tasks, checked or
    /// not) or `planned` (a draft: no tasks yet).
    pub fn state(&self) -> &'static str {
        match self.stage() {
            Some(Stage::Complete) => "complete",
            Some(Stage::Archived | Stage::ArchivedUnfinished) => "archived",
            Some(Stage::InProgress) => "inprogress",
            Some(Stage::Draft) => "planned",
            None => "missing",
        }
    }

    /// Its stage in words, `missing` when there is no such change.
    pub fn word(&self) -> &'static str {
        self.stage().map_or("missing", Stage::word)
    }
}

impl NextAction {
    /// What to do about it, in words: write its tasks, start or continue.
    pub fn what(&self) -> String {
        match self.status {
            ChangeStatus::Draft => "write its tasks".to_owned(),
            _ if self.tasks.done == 0 => {
                format!("start: {} task{}", self.tasks.total, if self.tasks.total == 1 { "" } else { "s" })
            }
            _ => format!("continue: {} of {} tasks done", self.tasks.done, self.tasks.total),
        }
    }
}

fn view(change: Option<&Change>, id: &str, graph: &Graph) -> ChangeView {
    let waits_for = graph
        .dependencies(id)
        .iter()
        .filter(|e| !graph.node(&e.to).is_some_and(|n| n.done()))
        .map(|e| e.to.clone())
        .chain(graph.dangling_from(id).iter().map(|e| e.to.clone()))
        .collect();
    let Some(c) = change else {
        return ChangeView {
            id: id.to_owned(),
            title: id.to_owned(),
            status: None,
            tasks: Progress::default(),
            percent: 0,
            archived_on: None,
            sections: Vec::new(),
            waits_for,
            stale: false,
        };
    };
    let sections = rollup(c);
    ChangeView {
        id: c.id.clone(),
        title: c.title.clone(),
        status: Some(c.status),
        tasks: c.tasks,
        percent: c.tasks.percent(),
        archived_on: c.archived_on,
        sections: if sections.len() > 1 { sections } else { Vec::new() },
        waits_for,
        stale: false,
    }
}

/// Task progress per top-level section of the change's task files: each
/// task counts toward its nearest heading at the file's outline level (the
/// shallowest level below the title, `##` in most files), so `### 1.1`
/// sub-sections roll up into their `## Phase 1`.
fn rollup(c: &Change) -> Vec<SectionView> {
    let mut out: Vec<SectionView> = Vec::new();
    for file in &c.task_files {
        let level = file.sections.iter().map(|s| s.level).filter(|&l| l >= 2).min().unwrap_or(1);
        let mut group_of: Vec<Option<usize>> = Vec::with_capacity(file.sections.len());
        let mut current: Option<usize> = None;
        for s in &file.sections {
            if s.level <= level {
                out.push(SectionView { title: s.title.clone(), tasks: Progress::default() });
                current = Some(out.len() - 1);
            }
            group_of.push(current);
        }
        let mut other: Option<usize> = None;
        for task in &file.tasks {
            let group = match task.section.and_then(|i| group_of[i]) {
                Some(g) => g,
                None => *other.get_or_insert_with(|| {
                    out.push(SectionView { title: "(before the first section)".into(), tasks: Progress::default() });
                    out.len() - 1
                }),
            };
            out[group].tasks.add(Progress { done: usize::from(task.done), total: 1 });
        }
    }
    out.retain(|s| s.tasks.total > 0);
    out
}

/// Build the roadmap of a project from its graph and its roadmap file, when
/// it has one.
pub fn build(project: &Project, graph: &Graph, source: Option<&RoadmapSource>, date: Option<Day>) -> Roadmap {
    let file = source.map(|s| &s.file);
    // Active changes by id, then archived ones (latest folder wins).
    let mut by_id: BTreeMap<&str, &Change> = BTreeMap::new();
    for c in project.archived().chain(project.active()) {
        if c.nested.is_empty() {
            by_id.insert(&c.id, c);
        }
    }
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut phases = Vec::new();
    if let Some(file) = file {
        for phase in &file.phases {
            let changes: Vec<ChangeView> = phase
                .changes
                .iter()
                .map(|id| {
                    placed.insert(id);
                    view(by_id.get(id.as_str()).copied(), id, graph)
                })
                .collect();
            let milestones = phase
                .milestones
                .iter()
                .map(|m| {
                    for id in &m.changes {
                        placed.insert(id);
                    }
                    let states: Vec<_> = m
                        .changes
                        .iter()
                        .map(|id| {
                            by_id.get(id.as_str()).map_or((None, Progress::default()), |c| (Some(c.status), c.tasks))
                        })
                        .collect();
                    let derived = derive(&states);
                    let status = m.status.unwrap_or(if m.blocked_by.is_some() && derived != PhaseStatus::Complete {
                        PhaseStatus::Blocked
                    } else {
                        derived
                    });
                    MilestoneView {
                        title: m.title.clone(),
                        status,
                        changes: m.changes.clone(),
                        blocked_by: m.blocked_by.clone(),
                        due: m.due,
                    }
                })
                .collect();
            phases.push(phase_view(
                phase.id.clone(),
                phase.title.clone().unwrap_or_else(|| phase.id.clone()),
                phase.goal.clone(),
                phase.status,
                (phase.start, phase.end),
                changes,
                milestones,
            ));
        }
    } else {
        for (id, title, status) in [
            ("in-progress", "In progress", ChangeStatus::InProgress),
            ("draft", "Planned", ChangeStatus::Draft),
            ("complete", "Complete, ready to archive", ChangeStatus::Complete),
        ] {
            let changes: Vec<ChangeView> = project
                .active()
                .filter(|c| c.status == status && c.nested.is_empty())
                .map(|c| view(Some(c), &c.id, graph))
                .collect();
            if changes.is_empty() {
                continue;
            }
            for c in &changes {
                placed.insert(by_id.get_key_value(c.id.as_str()).map_or("", |(k, _)| k));
            }
            phases.push(phase_view(id.into(), title.into(), None, None, (None, None), changes, Vec::new()));
        }
    }
    let unplanned: Vec<ChangeView> = project
        .active()
        .filter(|c| c.nested.is_empty() && !placed.contains(c.id.as_str()))
        .map(|c| view(Some(c), &c.id, graph))
        .collect();
    let mut archived: Vec<ChangeView> = project.archived().map(|c| view(Some(c), &c.id, graph)).collect();
    archived.sort_by(|a, b| b.archived_on.cmp(&a.archived_on).then_with(|| a.id.cmp(&b.id)));

    let mut tasks = Progress::default();
    let (mut changes_done, mut changes_total) = (0, 0);
    for c in project.active().filter(|c| c.nested.is_empty()) {
        tasks.add(c.tasks);
        changes_total += 1;
        changes_done += usize::from(c.status == ChangeStatus::Complete);
    }
    let phase_of: BTreeMap<String, (usize, String)> = phases
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.changes.iter().map(move |c| (c.id.clone(), (i, p.title.clone()))))
        .collect();
    let rank = |id: &str| phase_of.get(id).map_or(usize::MAX, |(i, _)| *i);
    let next = graph
        .next(rank)
        .into_iter()
        .map(|n| NextAction {
            id: n.id.clone(),
            title: n.title.clone(),
            status: n.status,
            tasks: n.tasks,
            phase: phase_of.get(&n.id).map(|(_, t)| t.clone()),
        })
        .collect();
    let blocked = graph
        .blocked()
        .into_iter()
        .map(|b| BlockedView { id: b.node.id.clone(), waits_for: b.waits_for.iter().map(|e| e.to.clone()).collect() })
        .collect();
    let to_archive = project.active().filter(|c| c.status == ChangeStatus::Complete).map(|c| c.id.clone()).collect();
    let (path, weight) = graph.critical_path();
    let (title, summary, goals, non_goals) = match file {
        Some(f) => (
            f.title.clone().unwrap_or_else(|| format!("{} Roadmap", project.display_name)),
            f.summary.clone(),
            f.goals.clone(),
            f.non_goals.clone(),
        ),
        None => (format!("{} Roadmap", project.display_name), None, Vec::new(), Vec::new()),
    };
    Roadmap {
        title,
        summary,
        goals,
        non_goals,
        planned: file.is_some(),
        phases,
        unplanned,
        archived,
        tasks,
        changes_done,
        changes_total,
        percent: tasks.percent(),
        next,
        blocked,
        to_archive,
        critical_path: path.iter().map(|n| n.id.clone()).collect(),
        critical_weight: weight,
        edges: graph.edges.clone(),
        date,
    }
}

fn phase_view(
    id: String,
    title: String,
    goal: Option<String>,
    status: Option<PhaseStatus>,
    (start, end): (Option<Day>, Option<Day>),
    changes: Vec<ChangeView>,
    milestones: Vec<MilestoneView>,
) -> PhaseView {
    let mut tasks = Progress::default();
    for c in &changes {
        tasks.add(c.tasks);
    }
    let states: Vec<_> = changes.iter().map(|c| (c.status, c.tasks)).collect();
    let changes_done =
        states.iter().filter(|(s, _)| matches!(s, Some(ChangeStatus::Complete | ChangeStatus::Archived))).count();
    let all_done = !changes.is_empty() && changes_done == changes.len();
    let percent =
        if tasks.total > 0 { tasks.percent() } else { (changes_done * 100).checked_div(changes.len()).unwrap_or(0) };
    // A phase with a change still to do is never shown as 100%.
    let percent = if all_done { percent } else { percent.min(99) };
    PhaseView {
        id,
        title,
        goal,
        status: status.unwrap_or_else(|| derive(&states)),
        status_set: status.is_some(),
        start,
        end,
        changes,
        milestones,
        tasks,
        changes_done,
        percent,
    }
}

/// `spec check` findings about the roadmap file: unknown changes, changes in
/// two phases, repeated phase ids, a phase that ends before it starts.
pub fn findings(project: &Project, source: &RoadmapSource) -> Vec<Diagnostic> {
    let (file, path) = (&source.file, &source.path);
    let ids: BTreeSet<&str> = project.changes.iter().map(|c| c.id.as_str()).collect();
    let line_of = |needle: &str| source.line_of(needle);
    let mut out = Vec::new();
    let mut seen_phase: BTreeSet<&str> = BTreeSet::new();
    let mut phase_of: BTreeMap<&str, &str> = BTreeMap::new();
    for phase in &file.phases {
        if !seen_phase.insert(&phase.id) {
            out.push(Diagnostic::error(
                path.to_owned(),
                line_of(&format!("id: {}", phase.id)),
                format!("phase id `{}` is used twice", phase.id),
            ));
        }
        if let (Some(start), Some(end)) = (&phase.start, &phase.end)
            && end < start
        {
            out.push(Diagnostic::error(
                path.to_owned(),
                line_of(&end.to_string()),
                format!("phase `{}` ends ({}) before it starts ({})", phase.id, end, start),
            ));
        }
        let named = phase.changes.iter().chain(phase.milestones.iter().flat_map(|m| m.changes.iter()));
        for id in named {
            if !ids.contains(id.as_str()) {
                out.push(
                    Diagnostic::error(
                        path.to_owned(),
                        line_of(id),
                        format!("phase `{}` names `{id}`, which is not a change (active or archived)", phase.id),
                    )
                    .with_help("fix the id, or remove it from the phase"),
                );
            }
        }
        for id in &phase.changes {
            if let Some(other) = phase_of.insert(id, &phase.id)
                && other != phase.id
            {
                out.push(Diagnostic::warning(
                    path.to_owned(),
                    line_of(id),
                    format!("`{id}` is in two phases: `{other}` and `{}`", phase.id),
                ));
            }
        }
    }
    for from in file.depends_on.keys() {
        if !ids.contains(from.as_str()) {
            out.push(Diagnostic::error(
                path.to_owned(),
                line_of(&format!("{from}:")),
                format!("depends_on names `{from}`, which is not a change"),
            ));
        }
    }
    out
}
