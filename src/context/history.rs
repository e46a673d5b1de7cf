//! A project's history from git: the walk over the commits that changed its
//! change folders (plus the working tree when it differs from `HEAD`), built
//! into each change's dates and series ([`crate::analyse::history`]), and the cheap
//! stale check `spec status` runs.

use super::Loaded;
use crate::analyse::history::{self, History};
use crate::analyse::roadmap::Roadmap;
use crate::git::{self, NoHistory, WalkOptions};
use crate::model::{ChangeStatus, Day};
use crate::parse::tasks;
use crate::source::Walk;
use std::collections::BTreeSet;

/// How `stale` is measured when the roadmap file does not say.
pub const STALE_AFTER_DAYS: u32 = 30;

/// How to read history.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryOptions {
    /// Every commit reachable from `HEAD`, not only the first-parent line.
    pub all_parents: bool,
    /// The day stale is measured from (default: the newest commit's day).
    pub today: Option<Day>,
    /// The roadmap file's `stale_after_days`.
    pub stale_after_days: Option<u32>,
}

/// A project's history from git, with the roadmap's phases for the
/// burn-up. The working tree is the last point when it differs from `HEAD`.
/// The walk it was built from comes along, for the code links' git evidence.
pub fn read(l: &Loaded, roadmap: Option<&Roadmap>, options: HistoryOptions) -> Result<(Walk, History), NoHistory> {
    let repo = git::open(&l.tree.dir)?;
    let openspec = l.tree.dir.join(&l.project.openspec_dir);
    let mut found = git::walk(&repo, &openspec, WalkOptions { all_parents: options.all_parents }, tasks::count)?;
    if git::dirty(&repo, &openspec)?
        && let Some(step) = git::worktree_step(&found.at_head, &git::worktree(&l.tree, tasks::count))
    {
        found.steps.push(step);
    }
    let phases: Vec<(String, String, Vec<String>)> = match roadmap.filter(|r| r.planned) {
        Some(roadmap) => roadmap
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.title.clone(), p.changes.iter().map(|c| c.id.clone()).collect()))
            .collect(),
        None => Vec::new(),
    };
    let history = history::build(&history::Inputs {
        steps: &found.steps,
        commits: found.commits,
        head: found.head.as_ref(),
        shallow: found.shallow.as_ref(),
        phases: &phases,
        today: options.today,
        stale_after_days: options.stale_after_days.unwrap_or(STALE_AFTER_DAYS),
    });
    Ok((found, history))
}

/// Active, unfinished changes with no commit in the last `days` before the
/// newest commit, and no uncommitted work. Empty outside git. Reads only
/// that window of history.
pub fn stale_changes(l: &Loaded, days: u32) -> BTreeSet<String> {
    let open: Vec<(&str, &str)> = l
        .project
        .active()
        .filter(|c| matches!(c.status, ChangeStatus::InProgress | ChangeStatus::Draft))
        .map(|c| (c.id.as_str(), c.path.rsplit('/').next().unwrap_or(&c.path)))
        .collect();
    let openspec = l.tree.dir.join(&l.project.openspec_dir);
    let Ok(repo) = git::open(&l.tree.dir) else { return BTreeSet::new() };
    let folders: Vec<&str> = open.iter().map(|(_, f)| *f).collect();
    let Ok((_, recent)) = git::recent_activity(&repo, &openspec, &folders, days) else { return BTreeSet::new() };
    let dirty = git::dirty_folders(&repo, &openspec.join("changes")).unwrap_or_default();
    open.iter()
        .filter(|(_, f)| !recent.contains_key(*f) && !dirty.contains(*f))
        .map(|(id, _)| (*id).to_owned())
        .collect()
}
