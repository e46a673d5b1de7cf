//! What a command loads, once: the projects ([`Loaded`]: the files as read
//! and the model parsed from them), the roadmap file and the dependency
//! graph ([`plan`]), the history from git ([`history`]), the code files with
//! their links and the Nix graph ([`code`]), a project as it was at a
//! revision ([`revision`]), and the files to watch for `--watch`
//! ([`watch`]).
//!
//! This is where reading (discover, git) meets the pure stages (parse,
//! analyse, nix). Commands ask the context, then hand what it gives to the
//! renderers; renderers never see it.

pub mod code;
pub mod history;
pub mod plan;
pub mod revision;
pub mod watch;

pub use code::{CodeContext, CodeSource, Evidence};
pub use plan::Plan;

use crate::config::Config;
use crate::discover::{self, Depth};
use crate::error::Result;
use crate::model::{Change, Diagnostic, Project, diagnostic};
use crate::source::{ChangeDir, Tree};

/// A project with the files it was read from and what reading found.
pub struct Loaded {
    /// The project as the command line names it: its folder relative to
    /// the root (`.` for the root), whatever folder it was read from.
    pub name: String,
    pub tree: Tree,
    pub project: Project,
    /// Problems met while reading and parsing (not validation issues).
    pub diagnostics: Vec<Diagnostic>,
    /// Where each change folder is in `tree.changes`, by path: made on the
    /// first [`Loaded::dir_of`], so that finding the folders of every
    /// change is not a scan of all of them for each.
    dirs: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl Loaded {
    /// Parse a tree that discovery read.
    pub fn new(tree: Tree) -> Self {
        let (project, mut diagnostics) = crate::parse::project(&tree);
        diagnostics.extend(tree.problems.iter().cloned());
        diagnostic::sort(&mut diagnostics);
        Loaded { name: tree.name.clone(), tree, project, diagnostics, dirs: std::sync::OnceLock::new() }
    }

    /// A folder with no `openspec/`: no specs, no changes (a flake read
    /// only for its hosts).
    pub fn bare(dir: &std::path::Path) -> Self {
        let tree = Tree { name: ".".to_owned(), root: dir.to_path_buf(), dir: dir.to_path_buf(), ..Tree::default() };
        Loaded::new(tree)
    }

    /// The folder a parsed change was read from.
    pub fn dir_of(&self, c: &Change) -> Option<&ChangeDir> {
        let dirs = self.dirs.get_or_init(|| {
            let mut dirs = std::collections::HashMap::with_capacity(self.tree.changes.len());
            for (i, d) in self.tree.changes.iter().enumerate() {
                dirs.entry(d.path.clone()).or_insert(i);
            }
            dirs
        });
        match dirs.get(&c.path).and_then(|&i| self.tree.changes.get(i)) {
            Some(d) if d.path == c.path => Some(d),
            // The tree changed since the index was made: look it up.
            _ => self.tree.changes.iter().find(|d| d.path == c.path),
        }
    }

    /// `(file, text)` of a change's documents: proposal, design, task files,
    /// delta specs.
    pub fn documents(&self, c: &Change) -> Vec<(&str, &str)> {
        self.dir_of(c)
            .map(|d| {
                d.proposal
                    .iter()
                    .chain(&d.design)
                    .chain(&d.task_files)
                    .chain(d.deltas.iter().map(|s| &s.file))
                    .map(|f| (f.path.as_str(), f.text.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Load every selected project, reading changes to `depth`.
pub fn load(config: &Config, depth: Depth) -> Result<Vec<Loaded>> {
    config.projects.iter().map(|name| discover::load_to(&config.root, name, depth).map(Loaded::new)).collect()
}

/// [`load`], each project read from its own folder: its paths are relative
/// to the project, not to the root, so what is written into the project
/// (ROADMAP.md, the site) is the same whether `spec` runs inside it or from
/// a parent folder with `--project`.
pub fn load_in_place(config: &Config, depth: Depth) -> Result<Vec<Loaded>> {
    config
        .projects
        .iter()
        .map(|name| {
            let dir = if name == "." { config.root.clone() } else { config.root.join(name) };
            discover::load_to(&dir, ".", depth).map(|tree| Loaded { name: name.clone(), ..Loaded::new(tree) })
        })
        .collect()
}
