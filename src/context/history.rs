//! A project's history from git: the walk over the commits that changed its
//! change folders (plus the working tree when it differs from `HEAD`), built
//! into each change's dates and series ([`crate::analyse::history`]), and the cheap
//! stale check `spec status` runs.

use super::Loaded;
use crate::analyse::forecast::{self, Forecast};
use crate::analyse::graph::Graph;
use crate::analyse::history::{self, History};
use crate::analyse::roadmap::Roadmap;
use crate::git::{self, NoHistory, SchemaChoice, SchemaFiles, TaskRules, WalkOptions};
use crate::model::{ChangeStatus, Day};
use crate::parse::{schema, tasks};
use crate::source::{SourceFile, Tree, Walk};
use std::collections::{BTreeSet, HashMap};

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
    let openspec = l.tree.dir.join("openspec");
    let mut found = git::walk(&repo, &openspec, WalkOptions { all_parents: options.all_parents }, &Counting)?;
    if git::dirty(&repo, &openspec)?
        && let Some(step) = git::worktree_step(&found.at_head, &git::worktree(&l.tree, &Counting))
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

/// Tasks count in history as they do in the working tree: each commit's
/// schema files (`openspec/config.yaml`, `openspec/schemas/`) decide a
/// change's schema and its tracked task files with the resolver discovery
/// uses ([`schema::for_change`], [`schema::task_files`]), and
/// [`tasks::count`] counts them.
pub(super) struct Counting;

impl git::TaskCounter for Counting {
    fn rules<'a>(&'a self, files: &SchemaFiles) -> Box<dyn TaskRules + 'a> {
        let file = |name: &str, text: &str| SourceFile { path: format!("openspec/{name}"), text: text.to_owned() };
        let tree = Tree {
            config: files.config.as_ref().map(|(name, text)| file(name, text)),
            schemas: files
                .schemas
                .iter()
                .map(|(name, text)| {
                    (name.clone(), text.as_ref().map(|t| file(&format!("schemas/{name}/schema.yaml"), t)))
                })
                .collect(),
            ..Tree::default()
        };
        let default = schema::default_schema(&tree);
        // Each project schema's glob, read once (the built-in one costs nothing).
        let globs = tree
            .schemas
            .iter()
            .filter(|(_, file)| file.is_some())
            .map(|(name, _)| (name.clone(), schema::tracked_glob(&tree, name)))
            .collect();
        Box::new(CommitRules { tree, default, globs })
    }

    fn count(&self, text: &str) -> (usize, usize) {
        tasks::count(text)
    }
}

/// The rules of one commit, each project schema's tracked glob read once.
struct CommitRules {
    tree: Tree,
    default: String,
    globs: HashMap<String, Option<String>>,
}

impl TaskRules for CommitRules {
    fn schema(&self, metadata: Option<&str>) -> SchemaChoice {
        let parsed = metadata.map(|text| crate::parse::yaml::metadata(".openspec.yaml", text));
        let (schema, resolves) = schema::for_change(&self.tree, &self.default, parsed.as_ref());
        SchemaChoice { schema, resolves }
    }

    fn task_files(
        &self,
        choice: &SchemaChoice,
        exists: &dyn Fn(&str) -> bool,
        files: &dyn Fn() -> Vec<String>,
    ) -> Vec<String> {
        let glob = match self.globs.get(schema::strip_yaml_suffix(&choice.schema)) {
            _ if !choice.resolves => None,
            Some(project) => project.clone(),
            None => schema::tracked_glob(&self.tree, &choice.schema),
        };
        schema::task_files(glob.as_deref(), exists, files).0
    }
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
    let openspec = l.tree.dir.join("openspec");
    let Ok(repo) = git::open(&l.tree.dir) else { return BTreeSet::new() };
    let folders: Vec<&str> = open.iter().map(|(_, f)| *f).collect();
    let Ok((_, recent)) = git::recent_activity(&repo, &openspec, &folders, days) else { return BTreeSet::new() };
    let dirty = git::dirty_folders(&repo, &openspec.join("changes")).unwrap_or_default();
    open.iter()
        .filter(|(_, f)| !recent.contains_key(*f) && !dirty.contains(*f))
        .map(|(id, _)| (*id).to_owned())
        .collect()
}

/// The forecast of a project's open work ([`mod@forecast`]): as of `as_of`
/// from what git shows on that day, or, without a day, as of today from the
/// project as it is now.
pub fn forecast(l: &Loaded, roadmap: &Roadmap, graph: &Graph, history: &History, as_of: Option<Day>) -> Forecast {
    let (day, from_history) = match as_of {
        Some(day) => (day, true),
        None => (Day::today(), false),
    };
    forecast::forecast(&forecast::inputs(&l.project, roadmap, graph, history, day, from_history))
}
