//! Where each requirement of a main spec came from: the archived changes
//! whose delta specs added, modified, renamed or removed it, oldest first.
//! Pure.
//!
//! The archive is replayed in order (archive day, then folder name; folders
//! without a day last), each change's deltas in the order the official
//! `archive` applies them: RENAMED, REMOVED, MODIFIED, ADDED. A requirement
//! is followed by its folded name ([`super::overlaps::fold`]); a RENAMED moves its
//! history from the FROM name to the TO name, so the requirement as it is
//! named now carries the changes that named it before. A requirement no
//! archived change names has an empty provenance: it was written by hand
//! into the main spec.

use super::overlaps::fold;
use crate::model::{Change, Day, DeltaSpec, Project, Spec};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a change did to a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Op {
    Added,
    Modified,
    Removed,
    Renamed,
}

impl Op {
    pub fn word(self) -> &'static str {
        match self {
            Op::Added => "ADDED",
            Op::Modified => "MODIFIED",
            Op::Removed => "REMOVED",
            Op::Renamed => "RENAMED",
        }
    }
}

/// One archived change that named a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The change id (without the archive folder's day).
    pub change: String,
    pub op: Op,
    /// The archive folder's day, when it has one.
    pub archived_on: Option<Day>,
    /// The change's folder (for links), not part of the JSON.
    #[serde(skip)]
    pub path: String,
    /// For a RENAMED step, the name it had before.
    #[serde(skip)]
    pub from: Option<String>,
}

/// The archived changes in the order they were archived.
fn archive_order(project: &Project) -> Vec<&Change> {
    let mut archived: Vec<&Change> = project.archived().filter(|c| c.nested.is_empty()).collect();
    archived.sort_by(|x, y| {
        (x.archived_on.is_none(), x.archived_on, &x.path).cmp(&(y.archived_on.is_none(), y.archived_on, &y.path))
    });
    archived
}

/// The provenance of every requirement `spec` has now, in its order.
pub fn of_spec(project: &Project, spec: &Spec) -> Vec<Vec<Step>> {
    Archive::new(project).of(spec)
}

/// The archive in order, its deltas by capability: the provenance of many
/// specs without sorting the archive for each.
pub struct Archive<'a> {
    deltas: BTreeMap<&'a str, Vec<(Archived<'a>, &'a DeltaSpec)>>,
}

impl<'a> Archive<'a> {
    pub fn new(project: &'a Project) -> Self {
        let mut deltas: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for c in archive_order(project) {
            for d in &c.deltas {
                deltas.entry(d.capability.as_str()).or_default().push((Archived::of(c), d));
            }
        }
        Archive { deltas }
    }

    /// The provenance of every requirement `spec` has now, in its order.
    pub fn of(&self, spec: &Spec) -> Vec<Vec<Step>> {
        let deltas = self.deltas.get(spec.id.as_str()).map_or(&[][..], Vec::as_slice);
        let history = replay(deltas.iter().copied());
        spec.requirements.iter().map(|r| history.get(&fold(&r.name)).cloned().unwrap_or_default()).collect()
    }
}

/// An archived change, as a step names it.
#[derive(Clone, Copy)]
struct Archived<'a> {
    id: &'a str,
    day: Option<Day>,
    path: &'a str,
}

impl<'a> Archived<'a> {
    fn of(c: &'a Change) -> Self {
        Archived { id: &c.id, day: c.archived_on, path: &c.path }
    }
}

/// Replay deltas of one capability in archive order: the steps of each
/// requirement, by its folded name at the end.
fn replay<'a>(deltas: impl Iterator<Item = (Archived<'a>, &'a DeltaSpec)>) -> BTreeMap<String, Vec<Step>> {
    let mut history: BTreeMap<String, Vec<Step>> = BTreeMap::new();
    for (change, delta) in deltas {
        let step = |op: Op, from: Option<&str>| Step {
            change: change.id.to_owned(),
            op,
            archived_on: change.day,
            path: change.path.to_owned(),
            from: from.map(str::to_owned),
        };
        for r in &delta.renamed {
            let mut steps = history.remove(&fold(&r.from)).unwrap_or_default();
            steps.push(step(Op::Renamed, Some(&r.from)));
            history.entry(fold(&r.to)).or_default().extend(steps);
        }
        let named = delta
            .removed
            .iter()
            .map(|r| (&r.name, Op::Removed))
            .chain(delta.modified.iter().map(|r| (&r.name, Op::Modified)))
            .chain(delta.added.iter().map(|r| (&r.name, Op::Added)));
        for (name, op) in named {
            history.entry(fold(name)).or_default().push(step(op, None));
        }
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Removed, Rename, Requirement};

    fn requirement(name: &str) -> Requirement {
        Requirement { name: name.into(), line: 1, text: String::new(), normative: true, scenarios: Vec::new() }
    }

    fn delta() -> DeltaSpec {
        DeltaSpec {
            capability: "auth".into(),
            path: String::new(),
            added: Vec::new(),
            modified: Vec::new(),
            removed: Vec::new(),
            renamed: Vec::new(),
        }
    }

    #[test]
    fn follows_renames_and_removals() {
        let mut add = delta();
        add.added = vec![requirement("Logout"), requirement("Remember Me")];
        let mut rename = delta();
        // The official archive renames before it modifies: the MODIFIED names the new name.
        rename.renamed = vec![Rename { from: "logout".into(), to: "Sign Out".into(), line: 1 }];
        rename.modified = vec![requirement("Sign  out")];
        let mut remove = delta();
        remove.removed = vec![Removed { name: "Remember Me".into(), line: 1 }];
        let at = |id| Archived { id, day: None, path: "" };
        let history = replay([(at("first"), &add), (at("rename-logout"), &rename), (at("drop"), &remove)].into_iter());
        let steps = |name: &str| -> Vec<(String, Op)> {
            history.get(&fold(name)).map(|s| s.iter().map(|x| (x.change.clone(), x.op)).collect()).unwrap_or_default()
        };
        let s = |c: &str, op| (c.to_owned(), op);
        assert_eq!(
            steps("Sign Out"),
            [s("first", Op::Added), s("rename-logout", Op::Renamed), s("rename-logout", Op::Modified)]
        );
        assert_eq!(steps("Logout"), [], "the old name's history moved to the new one");
        assert_eq!(steps("remember me"), [s("first", Op::Added), s("drop", Op::Removed)]);
        assert_eq!(steps("Audit"), [], "no archived change names it: written by hand");
    }
}
