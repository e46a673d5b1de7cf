//! What moved between two states of a project (`spec diff BASE [HEAD]`):
//! changes added (open, or already completed or archived at head),
//! completed, re-opened, archived and removed, one [`Moved`] word each;
//! tasks checked, unchecked, edited, added and dropped per change (with
//! their text); phase and project progress before → after; dependencies
//! added and removed.
//!
//! Pure: it compares two already analysed states. Tasks are matched in two
//! rounds, within one change:
//!
//! 1. by file and text: the n-th task with a given text in one state pairs
//!    with the n-th in the other, so moving a task is not a change;
//! 2. what is left, a task dropped and one added in the same task file, pairs
//!    as *edited* when both carry the same task number (a leading `1.3` or
//!    `1.3.`: digits with at least one dot) or their texts are alike: a
//!    normalised Levenshtein similarity (1 − distance ÷ longer length, on
//!    the text without its number, lower-cased, spaces collapsed) of at least
//!    [`EDIT_SIMILARITY`]. Pairs are taken greedily, most alike first (then
//!    same number first, then in file order), each task in one pair at most,
//!    so the result does not depend on anything but the two states. A file
//!    with more than [`MAX_COMPARED`] dropped × added tasks pairs by number
//!    only.
//!
//! A task neither round pairs is added or dropped.

use super::graph::Graph;
use super::overlaps::Overlap;
use super::roadmap::Roadmap;
use crate::model::{Change, ChangeStatus, Progress, Project};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How alike (0 to 1) a dropped and an added task's texts must be to pair as
/// an edit when their numbers do not say so.
pub const EDIT_SIMILARITY: f64 = 0.6;

/// Dropped × added tasks of one file beyond which texts are not compared
/// (pairs by number only), so a rewritten file stays cheap.
pub const MAX_COMPARED: usize = 10_000;

/// One side of the comparison.
pub struct Side<'a> {
    /// The revision as given (`main`, `HEAD`, `working tree`).
    pub label: String,
    /// The commit, if any.
    pub commit: Option<String>,
    pub project: &'a Project,
    pub graph: &'a Graph,
    pub roadmap: &'a Roadmap,
    /// Pairs of its active changes naming the same requirement or file.
    pub overlaps: &'a [Overlap],
}

/// A task whose state moved, or that came or went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskMove {
    /// The task file, relative to the change folder.
    pub file: String,
    pub text: String,
    /// Line in the head state (base state for dropped tasks).
    pub line: usize,
    /// Checked (in the head state; in the base state for dropped tasks).
    pub done: bool,
}

/// A task whose text was edited: a dropped and an added task paired (see
/// the module's rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskEdit {
    /// The task file, relative to the change folder.
    pub file: String,
    /// The text in the base state.
    pub text_before: String,
    /// The text in the head state.
    pub text: String,
    /// Line in the base state.
    pub line_before: usize,
    /// Line in the head state.
    pub line: usize,
    /// Checked in the base state.
    pub done_before: bool,
    /// Checked in the head state.
    pub done: bool,
}

/// What became of a change, in one word: whether it came, finished or went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Moved {
    /// New, and open at head (draft or in progress).
    Added,
    /// New, and complete (every task checked) at head.
    AddedAndCompleted,
    /// New, and archived at head: created and archived within the range.
    AddedAndArchived,
    /// Became complete and is still active.
    Completed,
    /// Was complete and is not any more.
    Reopened,
    /// Moved into the archive.
    Archived,
    /// Gone without being archived.
    Removed,
}

/// How one change moved.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeMove {
    pub id: String,
    pub title: String,
    /// Status before (`null` when the change is new) and after (`null` when removed).
    pub before: Option<ChangeStatus>,
    pub after: Option<ChangeStatus>,
    /// What became of it (`null` when only its tasks, or draft ↔ in progress, moved).
    pub moved: Option<Moved>,
    pub tasks_before: Progress,
    pub tasks_after: Progress,
    pub checked: Vec<TaskMove>,
    pub unchecked: Vec<TaskMove>,
    /// Tasks whose text changed, by file and head line.
    pub edited: Vec<TaskEdit>,
    pub added: Vec<TaskMove>,
    pub dropped: Vec<TaskMove>,
}

impl ChangeMove {
    fn is_empty(&self) -> bool {
        self.before == self.after && self.tasks_before == self.tasks_after && !self.tasks_moved()
    }

    /// Some task was checked, unchecked, edited, added or dropped.
    pub fn tasks_moved(&self) -> bool {
        !(self.checked.is_empty()
            && self.unchecked.is_empty()
            && self.edited.is_empty()
            && self.added.is_empty()
            && self.dropped.is_empty())
    }

    /// Tasks checked minus tasks unchecked, edited ones included.
    pub fn net_checked(&self) -> isize {
        let edits = |done: bool| self.edited.iter().filter(|e| e.done == done && e.done_before != done).count();
        (self.checked.len() + edits(true)) as isize - (self.unchecked.len() + edits(false)) as isize
    }
}

/// Progress of a phase or the project on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressMove {
    pub id: String,
    pub title: String,
    pub before: Option<Progress>,
    pub after: Option<Progress>,
    pub percent_before: Option<usize>,
    pub percent_after: Option<usize>,
}

/// A dependency edge, as the diff lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EdgeMove {
    pub from: String,
    pub to: String,
    /// `declared` or `inferred`.
    pub kind: String,
}

/// Everything that moved.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub base: String,
    pub head: String,
    pub base_commit: Option<String>,
    pub head_commit: Option<String>,
    pub project: ProgressMove,
    pub phases: Vec<ProgressMove>,
    /// New changes (active or archived at head, absent at base), also
    /// those in `added_and_completed` and `added_and_archived`.
    pub added: Vec<String>,
    /// New changes complete at head (also in `added` and `completed`).
    pub added_and_completed: Vec<String>,
    /// New changes archived at head: created and archived in the range
    /// (also in `added`; not in `archived`).
    pub added_and_archived: Vec<String>,
    /// Became complete (all tasks checked) and are still active, new ones included.
    pub completed: Vec<String>,
    /// Were complete and are not any more.
    pub reopened: Vec<String>,
    /// Moved into the archive.
    pub archived: Vec<String>,
    /// Gone without being archived.
    pub removed: Vec<String>,
    /// Every change whose status or tasks moved, by id.
    pub changes: Vec<ChangeMove>,
    pub dependencies_added: Vec<EdgeMove>,
    pub dependencies_removed: Vec<EdgeMove>,
    /// Overlaps between active changes at head that were not there at base
    /// (`{a, b, kind, key}`, as `spec overlaps --json`).
    pub overlaps_added: Vec<Overlap>,
}

impl Diff {
    /// Nothing moved at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.dependencies_added.is_empty()
            && self.dependencies_removed.is_empty()
            && self.overlaps_added.is_empty()
    }
}

/// The change each id names: the active one when an id is active and archived.
fn by_id(p: &Project) -> BTreeMap<&str, &Change> {
    let mut out = BTreeMap::new();
    for c in p.changes.iter().filter(|c| c.nested.is_empty()) {
        let slot = out.entry(c.id.as_str()).or_insert(c);
        if slot.archived && !c.archived {
            *slot = c;
        }
    }
    out
}

fn relative<'a>(change: &Change, file: &'a str) -> &'a str {
    file.strip_prefix(change.path.as_str()).map_or(file, |r| r.trim_start_matches('/'))
}

/// Every task of a change as `((file, text), done, line)`, in file order.
fn tasks(c: &Change) -> Vec<((String, String), bool, usize)> {
    c.task_files
        .iter()
        .flat_map(|f| {
            let file = relative(c, &f.path).to_owned();
            f.tasks.iter().map(move |t| ((file.clone(), t.text.trim().to_owned()), t.done, t.line))
        })
        .collect()
}

fn compare_tasks(before: Option<&Change>, after: Option<&Change>, m: &mut ChangeMove) {
    let old = before.map(tasks).unwrap_or_default();
    let new = after.map(tasks).unwrap_or_default();
    // Pair the n-th occurrence of each (file, text) on both sides.
    let mut pool: HashMap<&(String, String), Vec<(bool, usize)>> = HashMap::new();
    for (key, done, line) in old.iter().rev() {
        pool.entry(key).or_default().push((*done, *line));
    }
    let task = |key: &(String, String), line: usize, done: bool| TaskMove {
        file: key.0.clone(),
        text: key.1.clone(),
        line,
        done,
    };
    for (key, done, line) in &new {
        match pool.get_mut(key).and_then(Vec::pop) {
            Some((was, _)) if was != *done => {
                if *done {
                    m.checked.push(task(key, *line, true))
                } else {
                    m.unchecked.push(task(key, *line, false))
                }
            }
            Some(_) => {}
            None => m.added.push(task(key, *line, *done)),
        }
    }
    // Whatever is left in the pool was dropped; list it in file order.
    let mut left: Vec<TaskMove> = pool
        .into_iter()
        .flat_map(|(key, rest)| rest.into_iter().map(move |(done, line)| task(key, line, done)))
        .collect();
    left.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    m.dropped = left;
    m.edited = pair_edits(&mut m.dropped, &mut m.added);
}

/// A task's number: its first word when that is digits with at least one
/// dot (`1.3`, `2.10.1`, `1.3.`), without a trailing dot.
fn number(text: &str) -> Option<&str> {
    let first = text.split_whitespace().next()?;
    let n = first.strip_suffix('.').unwrap_or(first);
    let numeric = n.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (numeric && n.contains('.')).then_some(n)
}

/// What a task says, for comparing: without its number, lower-cased, its
/// spaces collapsed.
fn words(text: &str) -> String {
    let rest = match number(text) {
        Some(_) => text.split_whitespace().skip(1).collect::<Vec<_>>(),
        None => text.split_whitespace().collect(),
    };
    rest.join(" ").to_lowercase()
}

/// Pair dropped and added tasks of the same file as edits (the module's
/// second round), taking the pairs out of both lists.
fn pair_edits(dropped: &mut Vec<TaskMove>, added: &mut Vec<TaskMove>) -> Vec<TaskEdit> {
    let mut per_file: HashMap<&str, (usize, usize)> = HashMap::new();
    for t in dropped.iter() {
        per_file.entry(&t.file).or_default().0 += 1;
    }
    for t in added.iter() {
        per_file.entry(&t.file).or_default().1 += 1;
    }
    let (old, new): (Vec<String>, Vec<String>) =
        (dropped.iter().map(|t| words(&t.text)).collect(), added.iter().map(|t| words(&t.text)).collect());
    // (similarity, same number, dropped index, added index) of every candidate.
    let mut candidates: Vec<(f64, bool, usize, usize)> = Vec::new();
    for (i, d) in dropped.iter().enumerate() {
        let (n_dropped, n_added) = per_file[d.file.as_str()];
        let compare = n_dropped * n_added <= MAX_COMPARED;
        for (j, a) in added.iter().enumerate().filter(|(_, a)| a.file == d.file) {
            let same = number(&d.text).is_some_and(|n| number(&a.text) == Some(n));
            if !(same || compare) {
                continue;
            }
            let alike = strsim::normalized_levenshtein(&old[i], &new[j]);
            if same || alike >= EDIT_SIMILARITY {
                candidates.push((alike, same, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)).then((x.2, x.3).cmp(&(y.2, y.3))));
    let (mut used_old, mut used_new) = (vec![false; dropped.len()], vec![false; added.len()]);
    let mut edits = Vec::new();
    for (_, _, i, j) in candidates {
        if used_old[i] || used_new[j] {
            continue;
        }
        (used_old[i], used_new[j]) = (true, true);
        let (d, a) = (&dropped[i], &added[j]);
        edits.push(TaskEdit {
            file: a.file.clone(),
            text_before: d.text.clone(),
            text: a.text.clone(),
            line_before: d.line,
            line: a.line,
            done_before: d.done,
            done: a.done,
        });
    }
    edits.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    let keep = |list: &mut Vec<TaskMove>, used: &[bool]| {
        let mut used = used.iter();
        list.retain(|_| !used.next().copied().unwrap_or(false));
    };
    keep(dropped, &used_old);
    keep(added, &used_new);
    edits
}

fn progress(
    id: &str,
    title: &str,
    before: Option<(Progress, usize)>,
    after: Option<(Progress, usize)>,
) -> ProgressMove {
    ProgressMove {
        id: id.to_owned(),
        title: title.to_owned(),
        before: before.map(|b| b.0),
        after: after.map(|a| a.0),
        percent_before: before.map(|b| b.1),
        percent_after: after.map(|a| a.1),
    }
}

fn edges(g: &Graph) -> BTreeSet<EdgeMove> {
    g.edges
        .iter()
        .map(|e| EdgeMove {
            from: e.from.clone(),
            to: e.to.clone(),
            kind: serde_json::to_value(e.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        })
        .collect()
}

/// Compare two states.
pub fn diff(base: &Side<'_>, head: &Side<'_>) -> Diff {
    let (old, new) = (by_id(base.project), by_id(head.project));
    let ids: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    let complete = |c: Option<&&Change>| c.is_some_and(|c| c.status == ChangeStatus::Complete);
    let mut d = Diff {
        base: base.label.clone(),
        head: head.label.clone(),
        base_commit: base.commit.clone(),
        head_commit: head.commit.clone(),
        project: progress(
            "project",
            &head.roadmap.title,
            Some((base.roadmap.tasks, base.roadmap.percent)),
            Some((head.roadmap.tasks, head.roadmap.percent)),
        ),
        phases: Vec::new(),
        added: Vec::new(),
        added_and_completed: Vec::new(),
        added_and_archived: Vec::new(),
        completed: Vec::new(),
        reopened: Vec::new(),
        archived: Vec::new(),
        removed: Vec::new(),
        changes: Vec::new(),
        dependencies_added: Vec::new(),
        overlaps_added: Vec::new(),
        dependencies_removed: Vec::new(),
    };
    for id in ids {
        let (b, a) = (old.get(id), new.get(id));
        let active = a.is_some_and(|a| !a.archived);
        let moved = match (b, a) {
            (None, Some(a)) if a.archived => Some(Moved::AddedAndArchived),
            (None, Some(_)) if complete(a) => Some(Moved::AddedAndCompleted),
            (None, Some(_)) => Some(Moved::Added),
            (Some(_), None) => Some(Moved::Removed),
            (Some(b), Some(a)) if !b.archived && a.archived => Some(Moved::Archived),
            _ if active && complete(a) && !complete(b) => Some(Moved::Completed),
            _ if active && complete(b) && !complete(a) => Some(Moved::Reopened),
            _ => None,
        };
        let lists: &mut [&mut Vec<String>] = match moved {
            Some(Moved::Added) => &mut [&mut d.added],
            Some(Moved::AddedAndCompleted) => &mut [&mut d.added, &mut d.added_and_completed, &mut d.completed],
            Some(Moved::AddedAndArchived) => &mut [&mut d.added, &mut d.added_and_archived],
            Some(Moved::Completed) => &mut [&mut d.completed],
            Some(Moved::Reopened) => &mut [&mut d.reopened],
            Some(Moved::Archived) => &mut [&mut d.archived],
            Some(Moved::Removed) => &mut [&mut d.removed],
            None => &mut [],
        };
        for list in lists {
            list.push(id.to_owned());
        }
        let either = a.or(b).expect("one side has it");
        let mut m = ChangeMove {
            id: id.to_owned(),
            title: either.title.clone(),
            before: b.map(|c| c.status),
            after: a.map(|c| c.status),
            moved,
            tasks_before: b.map(|c| c.tasks).unwrap_or_default(),
            tasks_after: a.map(|c| c.tasks).unwrap_or_default(),
            checked: Vec::new(),
            unchecked: Vec::new(),
            edited: Vec::new(),
            added: Vec::new(),
            dropped: Vec::new(),
        };
        compare_tasks(b.copied(), a.copied(), &mut m);
        // A change that is new or gone lists its counts, not every task.
        if b.is_none() || a.is_none() {
            m.added.clear();
            m.dropped.clear();
            m.checked.clear();
        }
        if !m.is_empty() {
            d.changes.push(m);
        }
    }
    let phase = |r: &Roadmap| -> BTreeMap<String, (String, Progress, usize)> {
        r.phases.iter().map(|p| (p.id.clone(), (p.title.clone(), p.tasks, p.percent))).collect()
    };
    let (pb, pa) = (phase(base.roadmap), phase(head.roadmap));
    // Phases in head order, then those only the base had.
    let order: Vec<&String> =
        head.roadmap.phases.iter().map(|p| &p.id).chain(base.roadmap.phases.iter().map(|p| &p.id)).collect();
    let mut seen = BTreeSet::new();
    for id in order {
        if !seen.insert(id) {
            continue;
        }
        let (b, a) = (pb.get(id), pa.get(id));
        let title = a.or(b).map(|x| x.0.as_str()).unwrap_or(id);
        d.phases.push(progress(id, title, b.map(|x| (x.1, x.2)), a.map(|x| (x.1, x.2))));
    }
    let (eb, ea) = (edges(base.graph), edges(head.graph));
    d.dependencies_added = ea.difference(&eb).cloned().collect();
    d.dependencies_removed = eb.difference(&ea).cloned().collect();
    // An overlap is the same at both sides when the same pair shares the same
    // kind of key, whatever its spelling.
    let key = |o: &Overlap| (o.a.clone(), o.b.clone(), o.kind, o.key.to_lowercase());
    let before: BTreeSet<_> = base.overlaps.iter().map(key).collect();
    d.overlaps_added = head.overlaps.iter().filter(|o| !before.contains(&key(o))).cloned().collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(file: &str, line: usize, text: &str, done: bool) -> TaskMove {
        TaskMove { file: file.to_owned(), text: text.to_owned(), line, done }
    }

    /// `(before, after)` texts of what [`pair_edits`] paired, and what it left.
    fn pair(dropped: &[TaskMove], added: &[TaskMove]) -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
        let (mut d, mut a) = (dropped.to_vec(), added.to_vec());
        let edits = pair_edits(&mut d, &mut a);
        let texts = |ts: Vec<TaskMove>| ts.into_iter().map(|t| t.text).collect();
        (edits.into_iter().map(|e| (e.text_before, e.text)).collect(), texts(d), texts(a))
    }

    #[test]
    fn task_numbers_are_digits_with_a_dot() {
        assert_eq!(number("1.3 Write it"), Some("1.3"));
        assert_eq!(number("2.10.1. Deep"), Some("2.10.1"));
        assert_eq!(number("3 retries"), None);
        assert_eq!(number("1..2 odd"), None);
        assert_eq!(number("v1.2 release"), None);
        assert_eq!(words("1.3  Write   The Docs"), "write the docs");
    }

    #[test]
    fn edits_pair_by_task_number_or_alike_text_in_the_same_file() {
        let dropped = [
            task("tasks.md", 3, "1.3 Add login", false),
            task("tasks.md", 5, "Write the release notes", false),
            task("tasks.md", 6, "Unrelated chore", false),
            task("other.md", 1, "Write the release notes", false),
        ];
        let added = [
            task("tasks.md", 3, "1.3 Remove telemetry", true),
            task("tasks.md", 5, "Write the release notes for 2.0", false),
            task("tasks.md", 7, "Something else entirely", false),
        ];
        let (edits, left_dropped, left_added) = pair(&dropped, &added);
        assert_eq!(
            edits,
            [
                ("1.3 Add login".to_owned(), "1.3 Remove telemetry".to_owned()),
                ("Write the release notes".to_owned(), "Write the release notes for 2.0".to_owned()),
            ]
        );
        // Another file's task does not pair, nor do texts that are not alike.
        assert_eq!(left_dropped, ["Unrelated chore", "Write the release notes"]);
        assert_eq!(left_added, ["Something else entirely"]);
    }

    #[test]
    fn the_most_alike_pair_wins_over_a_shared_number() {
        // A task inserted at 1.3 renumbered the old 1.3 to 1.4.
        let dropped = [task("tasks.md", 3, "1.3 Deploy to staging", false)];
        let added =
            [task("tasks.md", 3, "1.3 Run the tests", false), task("tasks.md", 4, "1.4 Deploy to staging", false)];
        let (edits, left_dropped, left_added) = pair(&dropped, &added);
        assert_eq!(edits, [("1.3 Deploy to staging".to_owned(), "1.4 Deploy to staging".to_owned())]);
        assert!(left_dropped.is_empty());
        assert_eq!(left_added, ["1.3 Run the tests"]);
    }

    #[test]
    fn equally_alike_pairs_go_in_file_order() {
        let dropped = [task("tasks.md", 1, "Fix bug", false), task("tasks.md", 2, "Fix bug", false)];
        let added = [task("tasks.md", 1, "Fix bugs", false), task("tasks.md", 2, "Fix bugs", true)];
        let mut d = dropped.to_vec();
        let mut a = added.to_vec();
        let edits = pair_edits(&mut d, &mut a);
        let lines: Vec<(usize, usize)> = edits.iter().map(|e| (e.line_before, e.line)).collect();
        assert_eq!(lines, [(1, 1), (2, 2)]);
        assert!(d.is_empty() && a.is_empty());
    }
}
