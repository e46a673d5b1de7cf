//! What happened to each change, from the points of history that
//! [`crate::git::walk`] found: when it was created, first had a
//! task checked, was completed and archived, its series of task counts, and
//! the burn-up (done and total over time) of each phase and of the project.
//! Deleting a change lowers the scope by its open tasks; its checked tasks
//! stay done (work that was done is not undone by dropping the rest).
//!
//! Pure: it takes [`Step`]s (commits with the change folders they changed)
//! in order and follows each change through them. A change is known by its
//! folder name; it keeps its history when its folder
//!
//! - moves into `changes/archive/YYYY-MM-DD-<id>/` (archived that day),
//! - is renamed (a folder goes and another comes in the same commit with the
//!   same tree, `tasks.md` or `proposal.md`): the history follows the new
//!   name and lists the old one in `renamed_from`,
//! - is deleted and later comes back under the same name.
//!
//! "Completed" is the first point from which `done == total > 0` held until
//! the end: a change completed, re-opened by unchecking a task and completed
//! again is completed at the second time.

use crate::model::Day;
use crate::source::{CommitInfo, FolderKey, FolderState, Step};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A point in history: a commit, or the working tree (`commit: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Full commit id; `null` for uncommitted work.
    pub commit: Option<String>,
    /// UTC day of the commit; `null` for uncommitted work.
    pub day: Option<Day>,
}

impl Event {
    fn of(commit: Option<&CommitInfo>) -> Self {
        Event { commit: commit.map(|c| c.id.clone()), day: commit.map(|c| c.day) }
    }

    /// The day, or `working tree`.
    pub fn label(&self) -> String {
        self.day.map_or_else(|| "working tree".to_owned(), |d| d.to_string())
    }
}

/// Task counts of a change at one point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesPoint {
    #[serde(flatten)]
    pub at: Event,
    pub done: u32,
    pub total: u32,
}

/// Where a change is at the end of its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    Active,
    Archived,
    /// Deleted without being archived.
    Removed,
}

/// The history of one change.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeHistory {
    /// The change id (its folder name, without an archive date).
    pub id: String,
    /// Folder path below `changes/` at the end (`archive/2025-01-10-x` when archived).
    pub folder: String,
    pub presence: Presence,
    /// Earlier names, oldest first.
    pub renamed_from: Vec<String>,
    pub created: Event,
    /// The change already existed at the first commit of a shallow clone:
    /// it was created then or earlier.
    pub created_before_history: bool,
    pub first_checked: Option<Event>,
    pub completed: Option<Event>,
    pub archived: Option<Event>,
    pub removed: Option<Event>,
    pub last_activity: Event,
    /// No activity for `stale_after_days` before the reference day, and not
    /// complete, archived or removed.
    pub stale: bool,
    /// `(done, total)` at every point where it changed, oldest first.
    pub series: Vec<SeriesPoint>,
}

impl ChangeHistory {
    /// Whether this history is of the folder a parsed change was read from.
    pub fn folder_is(&self, c: &crate::model::Change) -> bool {
        self.presence != Presence::Removed && c.path.ends_with(&format!("changes/{}", self.folder))
    }

    pub fn done(&self) -> u32 {
        self.series.last().map_or(0, |p| p.done)
    }
    pub fn total(&self) -> u32 {
        self.series.last().map_or(0, |p| p.total)
    }
}

/// Done and total tasks at one point, summed over a set of changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BurnPoint {
    #[serde(flatten)]
    pub at: Event,
    pub done: u64,
    pub total: u64,
}

/// A phase's burn-up.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseBurnup {
    pub id: String,
    pub title: String,
    pub series: Vec<BurnPoint>,
}

/// Everything [`build`] works out.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// Commits looked at.
    pub commits: usize,
    /// Points that changed a change folder (commits, plus the working tree).
    pub points: usize,
    pub head: Option<Event>,
    /// The first commit of a shallow clone, when history is cut there.
    pub shallow_from: Option<Event>,
    /// The working tree differs from `HEAD` and is the last point.
    pub uncommitted: bool,
    /// The day "stale" is measured from: `--date`, else the newest commit's day.
    pub reference_day: Option<Day>,
    pub stale_after_days: u32,
    /// Every change that ever had a folder, by id.
    pub changes: Vec<ChangeHistory>,
    /// Burn-up of the whole project (every change present at each point,
    /// archived ones included; a removed change keeps its checked tasks,
    /// done and in the scope, and its open tasks leave the scope).
    pub project: Vec<BurnPoint>,
    pub phases: Vec<PhaseBurnup>,
}

/// What [`build`] needs besides the steps.
pub struct Inputs<'a> {
    pub steps: &'a [Step],
    pub commits: usize,
    pub head: Option<&'a CommitInfo>,
    pub shallow: Option<&'a CommitInfo>,
    /// Phases as `(id, title, change ids)`, for their burn-up.
    pub phases: &'a [(String, String, Vec<String>)],
    /// `--date`, when given.
    pub today: Option<Day>,
    pub stale_after_days: u32,
}

/// The change id of a folder: archived folders drop their `YYYY-MM-DD-` prefix.
pub fn change_id(key: &FolderKey) -> &str {
    if key.archived { crate::parse::archive_name(&key.folder).1 } else { &key.folder }
}

struct Tracker {
    changes: Vec<ChangeHistory>,
    /// Live folder → index into `changes`.
    live: BTreeMap<FolderKey, (usize, FolderState)>,
    /// Id → index of the newest history with that id.
    by_id: HashMap<String, usize>,
}

impl Tracker {
    fn start(&mut self, key: &FolderKey, at: &Event, first: bool) -> usize {
        let id = change_id(key).to_owned();
        if let Some(&i) = self.by_id.get(&id)
            && self.changes[i].presence == Presence::Removed
        {
            let c = &mut self.changes[i];
            c.removed = None;
            c.presence = Presence::Active;
            return i;
        }
        let i = self.changes.len();
        self.changes.push(ChangeHistory {
            id: id.clone(),
            folder: String::new(),
            presence: Presence::Active,
            renamed_from: Vec::new(),
            created: at.clone(),
            created_before_history: first,
            first_checked: None,
            completed: None,
            archived: None,
            removed: None,
            last_activity: at.clone(),
            stale: false,
            series: Vec::new(),
        });
        self.by_id.insert(id, i);
        i
    }

    /// Record the state of change `i` at `key` after this point.
    fn update(&mut self, i: usize, key: &FolderKey, state: FolderState, at: &Event) {
        self.live.insert(key.clone(), (i, state));
        let c = &mut self.changes[i];
        c.folder = if key.archived { format!("archive/{}", key.folder) } else { key.folder.clone() };
        c.last_activity = at.clone();
        if key.archived {
            if c.archived.is_none() {
                c.archived = Some(at.clone());
            }
            c.presence = Presence::Archived;
        } else {
            c.archived = None;
            c.presence = Presence::Active;
        }
        let (done, total) = (state.done, state.total);
        if c.series.last().is_none_or(|p| (p.done, p.total) != (done, total)) {
            let was_complete = c.series.last().is_some_and(|p| p.total > 0 && p.done >= p.total);
            c.series.push(SeriesPoint { at: at.clone(), done, total });
            if done > 0 && c.first_checked.is_none() {
                c.first_checked = Some(at.clone());
            }
            let complete = total > 0 && done >= total;
            if complete && !was_complete {
                c.completed = Some(at.clone());
            } else if !complete {
                c.completed = None;
            }
        }
    }
}

/// Whether two folder states are the same change's content (for renames).
fn same_content(a: &FolderState, b: &FolderState) -> bool {
    a.dir == b.dir || (a.tasks.is_some() && a.tasks == b.tasks) || (a.proposal.is_some() && a.proposal == b.proposal)
}

/// For each folder that came at a point (by key), the index of the folder
/// that went away at the same point that it continues, or `None` for a new
/// change: the same id on the other side first (archived, or brought back
/// from the archive), else the same content under another name on the same
/// side (renamed). Each folder that went away is continued once at most,
/// by the first folder that came that matches it.
pub fn continues(came: &[(FolderKey, FolderState)], gone: &[(FolderKey, FolderState)]) -> Vec<Option<usize>> {
    let mut taken = vec![false; gone.len()];
    let mut out = Vec::with_capacity(came.len());
    for (key, state) in came {
        let id = change_id(key);
        let free = |g: &usize| !taken[*g];
        let moved =
            (0..gone.len()).filter(free).find(|&g| gone[g].0.archived != key.archived && change_id(&gone[g].0) == id);
        let renamed = || {
            (0..gone.len())
                .filter(free)
                .find(|&g| gone[g].0.archived == key.archived && same_content(&gone[g].1, state))
        };
        let g = moved.or_else(renamed);
        if let Some(g) = g {
            taken[g] = true;
        }
        out.push(g);
    }
    out
}

/// Follow every change through the steps.
pub fn build(inputs: &Inputs<'_>) -> History {
    let mut t = Tracker { changes: Vec::new(), live: BTreeMap::new(), by_id: HashMap::new() };
    let phase_of: HashMap<&str, usize> = inputs
        .phases
        .iter()
        .enumerate()
        .flat_map(|(p, (_, _, ids))| ids.iter().map(move |id| (id.as_str(), p)))
        .collect();
    let mut project = Vec::new();
    let mut phases: Vec<Vec<BurnPoint>> = vec![Vec::new(); inputs.phases.len()];
    // Running sums: project, then per phase.
    let mut sums = (0u64, 0u64);
    let mut phase_sums = vec![(0u64, 0u64); inputs.phases.len()];
    // What each change adds to the sums, by index into `t.changes`.
    let mut counted: Vec<(u32, u32)> = Vec::new();

    for (n, step) in inputs.steps.iter().enumerate() {
        let at = Event::of(step.commit.as_ref());
        let first = n == 0 && inputs.shallow.is_some();
        // Changes live before this point that it touches.
        let mut touched: Vec<usize> = step.changes.iter().filter_map(|d| t.live.get(&d.key)).map(|(i, _)| *i).collect();
        // Folders that went away and came, to pair moves and renames.
        let mut gone: Vec<(FolderKey, usize, FolderState)> = Vec::new();
        let mut came: Vec<(FolderKey, FolderState)> = Vec::new();
        for d in &step.changes {
            match (t.live.get(&d.key).copied(), d.state) {
                (Some((i, _)), Some(s)) => t.update(i, &d.key, s, &at),
                (Some((i, s)), None) => {
                    t.live.remove(&d.key);
                    gone.push((d.key.clone(), i, s));
                }
                (None, Some(s)) => came.push((d.key.clone(), s)),
                (None, None) => {}
            }
        }
        let left: Vec<(FolderKey, FolderState)> = gone.iter().map(|(k, _, s)| (k.clone(), *s)).collect();
        let continued = continues(&came, &left);
        for ((key, state), g) in came.into_iter().zip(&continued) {
            let id = change_id(&key).to_owned();
            let i = match *g {
                Some(g) => {
                    let (old_key, i, _) = &gone[g];
                    let old_id = change_id(old_key).to_owned();
                    if old_id != id {
                        t.changes[*i].renamed_from.push(old_id);
                        t.changes[*i].id = id.clone();
                        t.by_id.insert(id, *i);
                    }
                    *i
                }
                None => t.start(&key, &at, first),
            };
            t.update(i, &key, state, &at);
            touched.push(i);
        }
        for (g, (_, i, _)) in gone.iter().enumerate() {
            if continued.contains(&Some(g)) {
                continue;
            }
            let c = &mut t.changes[*i];
            c.presence = Presence::Removed;
            c.removed = Some(at.clone());
            c.last_activity = at.clone();
            c.completed = None;
        }
        // Burn-up: adjust the running sums by what changed for each change.
        // A removed change keeps its checked tasks (done, and in the scope)
        // and takes its open ones out of the scope: deleting planned work
        // lowers the scope, it does not undo work that was done.
        touched.sort_unstable();
        touched.dedup();
        counted.resize(t.changes.len(), (0, 0));
        let mut phase_hit = vec![false; inputs.phases.len()];
        for i in touched {
            let old = counted[i];
            let c = &t.changes[i];
            let new = if c.presence == Presence::Removed { (c.done(), c.done()) } else { (c.done(), c.total()) };
            counted[i] = new;
            let delta = |s: &mut (u64, u64)| {
                s.0 = s.0 + u64::from(new.0) - u64::from(old.0);
                s.1 = s.1 + u64::from(new.1) - u64::from(old.1);
            };
            delta(&mut sums);
            if let Some(&p) = phase_of.get(c.id.as_str()) {
                delta(&mut phase_sums[p]);
                phase_hit[p] = true;
            }
        }
        project.push(BurnPoint { at: at.clone(), done: sums.0, total: sums.1 });
        for (p, hit) in phase_hit.into_iter().enumerate() {
            let last = phases[p].last().map(|b| (b.done, b.total));
            if hit && last != Some(phase_sums[p]) {
                phases[p].push(BurnPoint { at: at.clone(), done: phase_sums[p].0, total: phase_sums[p].1 });
            }
        }
    }

    let reference_day = inputs.today.or_else(|| inputs.head.map(|h| h.day));
    for c in &mut t.changes {
        let open = c.presence == Presence::Active && c.completed.is_none();
        let last = c.last_activity.day;
        c.stale = open
            && matches!((reference_day, last), (Some(r), Some(l)) if r.since(l) > i64::from(inputs.stale_after_days));
    }
    let mut changes = t.changes;
    changes.sort_by(|a, b| a.id.cmp(&b.id).then(a.created.day.cmp(&b.created.day)));
    History {
        commits: inputs.commits,
        points: inputs.steps.len(),
        head: inputs.head.map(|h| Event::of(Some(h))),
        shallow_from: inputs.shallow.map(|s| Event::of(Some(s))),
        uncommitted: inputs.steps.last().is_some_and(|s| s.commit.is_none()),
        reference_day,
        stale_after_days: inputs.stale_after_days,
        changes,
        project,
        phases: inputs
            .phases
            .iter()
            .zip(phases)
            .map(|((id, title, _), series)| PhaseBurnup { id: id.clone(), title: title.clone(), series })
            .collect(),
    }
}

impl History {
    pub fn change(&self, id: &str) -> Option<&ChangeHistory> {
        // The live one first when an id was used twice.
        self.changes.iter().filter(|c| c.id == id).max_by_key(|c| c.presence != Presence::Removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FolderChange;
    use git2::Oid;

    fn oid(n: u32) -> Oid {
        Oid::hash_object(git2::ObjectType::Blob, n.to_string().as_bytes()).unwrap()
    }

    fn state(dir: u32, tasks: u32, done: u32, total: u32) -> FolderState {
        FolderState { dir: oid(dir), tasks: Some(oid(tasks)), proposal: Some(oid(dir + 1000)), done, total }
    }

    fn key(archived: bool, folder: &str) -> FolderKey {
        FolderKey { archived, folder: folder.into() }
    }

    fn step(day: u32, changes: Vec<(FolderKey, Option<FolderState>)>) -> Step {
        Step {
            commit: Some(CommitInfo {
                id: format!("{day:040}"),
                time: 0,
                day: Day::parse(&format!("2024-01-{day:02}")).unwrap(),
                summary: String::new(),
            }),
            changes: changes.into_iter().map(|(key, state)| FolderChange { key, state }).collect(),
        }
    }

    fn run(steps: &[Step]) -> History {
        let phases = vec![("p".to_string(), "P".to_string(), vec!["a".to_string()])];
        build(&Inputs {
            steps,
            commits: steps.len(),
            head: steps.iter().rev().find_map(|s| s.commit.as_ref()),
            shallow: None,
            phases: &phases,
            today: None,
            stale_after_days: 30,
        })
    }

    fn day(e: &Option<Event>) -> Option<String> {
        e.as_ref().and_then(|e| e.day).map(|d| d.to_string())
    }

    #[test]
    fn created_checked_completed_archived() {
        let h = run(&[
            step(1, vec![(key(false, "a"), Some(state(1, 1, 0, 2)))]),
            step(2, vec![(key(false, "a"), Some(state(2, 2, 1, 2)))]),
            step(3, vec![(key(false, "a"), Some(state(3, 3, 2, 2)))]),
            step(5, vec![(key(false, "a"), None), (key(true, "2024-01-05-a"), Some(state(3, 3, 2, 2)))]),
        ]);
        let a = h.change("a").unwrap();
        assert_eq!(a.created.day, Day::parse("2024-01-01"));
        assert_eq!(day(&a.first_checked).as_deref(), Some("2024-01-02"));
        assert_eq!(day(&a.completed).as_deref(), Some("2024-01-03"));
        assert_eq!(day(&a.archived).as_deref(), Some("2024-01-05"));
        assert_eq!(a.presence, Presence::Archived);
        assert_eq!(a.folder, "archive/2024-01-05-a");
        assert_eq!(a.series.len(), 3);
        assert_eq!(h.changes.len(), 1);
        let burn: Vec<(u64, u64)> = h.project.iter().map(|b| (b.done, b.total)).collect();
        assert_eq!(burn, [(0, 2), (1, 2), (2, 2), (2, 2)]);
        assert_eq!(h.phases[0].series.len(), 3);
    }

    #[test]
    fn unchecking_reopens_and_completion_moves() {
        let h = run(&[
            step(1, vec![(key(false, "a"), Some(state(1, 1, 1, 1)))]),
            step(2, vec![(key(false, "a"), Some(state(2, 2, 0, 1)))]),
            step(4, vec![(key(false, "a"), Some(state(3, 3, 1, 1)))]),
        ]);
        let a = h.change("a").unwrap();
        assert_eq!(day(&a.completed).as_deref(), Some("2024-01-04"));
        assert_eq!(day(&a.first_checked).as_deref(), Some("2024-01-01"));
        let h = run(&[
            step(1, vec![(key(false, "a"), Some(state(1, 1, 1, 1)))]),
            step(2, vec![(key(false, "a"), Some(state(2, 2, 0, 1)))]),
        ]);
        assert_eq!(h.change("a").unwrap().completed, None);
    }

    #[test]
    fn renames_keep_history_and_deletions_are_removals() {
        let h = run(&[
            step(1, vec![(key(false, "old"), Some(state(1, 1, 0, 3))), (key(false, "b"), Some(state(5, 5, 0, 1)))]),
            // Renamed with a task checked in the same commit: the proposal matches.
            step(
                2,
                vec![
                    (key(false, "new"), Some(FolderState { proposal: Some(oid(1001)), ..state(2, 2, 1, 3) })),
                    (key(false, "old"), None),
                ],
            ),
            step(3, vec![(key(false, "b"), None)]),
        ]);
        let new = h.change("new").unwrap();
        assert_eq!(new.renamed_from, ["old"]);
        assert_eq!(new.created.day, Day::parse("2024-01-01"));
        assert!(h.change("old").is_none());
        let b = h.change("b").unwrap();
        assert_eq!(b.presence, Presence::Removed);
        assert_eq!(day(&b.removed).as_deref(), Some("2024-01-03"));
        assert_eq!(h.project.last().map(|p| (p.done, p.total)), Some((1, 3)));
    }

    #[test]
    fn a_deleted_change_lowers_the_scope_and_keeps_what_was_done() {
        let h = run(&[
            step(1, vec![(key(false, "a"), Some(state(1, 1, 2, 4))), (key(false, "b"), Some(state(5, 5, 1, 1)))]),
            step(2, vec![(key(false, "a"), None)]),
            // Back under the same name with one more task checked.
            step(3, vec![(key(false, "a"), Some(state(2, 2, 3, 4)))]),
            step(4, vec![(key(false, "a"), None), (key(false, "b"), None)]),
        ]);
        let burn: Vec<(u64, u64)> = h.project.iter().map(|b| (b.done, b.total)).collect();
        assert_eq!(burn, [(3, 5), (3, 3), (4, 5), (4, 4)]);
        assert_eq!(h.change("a").unwrap().presence, Presence::Removed);
    }

    #[test]
    fn stale_is_measured_from_the_newest_commit_or_the_given_day() {
        let steps = [
            step(1, vec![(key(false, "a"), Some(state(1, 1, 0, 2))), (key(false, "b"), Some(state(2, 2, 0, 2)))]),
            step(9, vec![(key(false, "b"), Some(state(3, 3, 1, 2)))]),
        ];
        let h = build(&Inputs {
            steps: &steps,
            commits: 2,
            head: steps[1].commit.as_ref(),
            shallow: None,
            phases: &[],
            today: None,
            stale_after_days: 5,
        });
        assert!(h.change("a").unwrap().stale);
        assert!(!h.change("b").unwrap().stale);
        assert_eq!(h.reference_day, Day::parse("2024-01-09"));
        let h = build(&Inputs { today: Day::parse("2024-03-01"), ..Inputs { ..inputs_of(&steps) } });
        assert!(h.change("b").unwrap().stale);
    }

    fn inputs_of(steps: &[Step]) -> Inputs<'_> {
        Inputs { steps, commits: steps.len(), head: None, shallow: None, phases: &[], today: None, stale_after_days: 5 }
    }

    #[test]
    fn archive_ids_drop_the_date() {
        assert_eq!(change_id(&key(true, "2024-01-05-a-b")), "a-b");
        assert_eq!(change_id(&key(true, "not-dated")), "not-dated");
        assert_eq!(change_id(&key(false, "2024-01-05-a")), "2024-01-05-a");
    }
}
