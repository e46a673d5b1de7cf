//! What moved between two states of a project (`spec diff BASE [HEAD]`):
//! changes added, completed, re-opened, archived and removed; tasks checked,
//! unchecked, added and dropped per change (with their text); phase and
//! project progress before → after; dependencies added and removed.
//!
//! Pure: it compares two already analysed states. Tasks are matched by
//! their file and text (the n-th task with a given text in one state pairs
//! with the n-th in the other), so renumbering or moving a task is not a
//! change, while editing its text shows as one dropped and one added.

use super::graph::Graph;
use super::roadmap::Roadmap;
use crate::model::{Change, ChangeStatus, Progress, Project};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One side of the comparison.
pub struct Side<'a> {
    /// The revision as given (`main`, `HEAD`, `working tree`).
    pub label: String,
    /// The commit, if any.
    pub commit: Option<String>,
    pub project: &'a Project,
    pub graph: &'a Graph,
    pub roadmap: &'a Roadmap,
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

/// How one change moved.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeMove {
    pub id: String,
    pub title: String,
    /// Status before (`null` when the change is new) and after (`null` when removed).
    pub before: Option<ChangeStatus>,
    pub after: Option<ChangeStatus>,
    pub tasks_before: Progress,
    pub tasks_after: Progress,
    pub checked: Vec<TaskMove>,
    pub unchecked: Vec<TaskMove>,
    pub added: Vec<TaskMove>,
    pub dropped: Vec<TaskMove>,
}

impl ChangeMove {
    fn is_empty(&self) -> bool {
        self.before == self.after
            && self.tasks_before == self.tasks_after
            && self.checked.is_empty()
            && self.unchecked.is_empty()
            && self.added.is_empty()
            && self.dropped.is_empty()
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
    /// New changes (active or archived at head, absent at base).
    pub added: Vec<String>,
    /// Became complete (all tasks checked) and are still active.
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
}

impl Diff {
    /// Nothing moved at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.dependencies_added.is_empty() && self.dependencies_removed.is_empty()
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
        completed: Vec::new(),
        reopened: Vec::new(),
        archived: Vec::new(),
        removed: Vec::new(),
        changes: Vec::new(),
        dependencies_added: Vec::new(),
        dependencies_removed: Vec::new(),
    };
    for id in ids {
        let (b, a) = (old.get(id), new.get(id));
        match (b, a) {
            (None, Some(_)) => d.added.push(id.to_owned()),
            (Some(_), None) => d.removed.push(id.to_owned()),
            (Some(b), Some(a)) if !b.archived && a.archived => d.archived.push(id.to_owned()),
            _ => {}
        }
        if a.is_some_and(|a| !a.archived) && complete(a) && !complete(b) {
            d.completed.push(id.to_owned());
        }
        if complete(b) && a.is_some_and(|a| !a.archived) && !complete(a) {
            d.reopened.push(id.to_owned());
        }
        let either = a.or(b).expect("one side has it");
        let mut m = ChangeMove {
            id: id.to_owned(),
            title: either.title.clone(),
            before: b.map(|c| c.status),
            after: a.map(|c| c.status),
            tasks_before: b.map(|c| c.tasks).unwrap_or_default(),
            tasks_after: a.map(|c| c.tasks).unwrap_or_default(),
            checked: Vec::new(),
            unchecked: Vec::new(),
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
    d
}
