//! Stage 1, discovery: find the root and the `openspec/` folders under it
//! and read every file `spec` needs from them into a [`Tree`] (git's side of
//! reading is `crate::git`; writing is `crate::output`). Everything after it
//! works on what it returns.
//!
//! - this file: the root, the projects, loading one project;
//! - `read.rs`: the careful reader every file goes through;
//! - `specs.rs`: main and delta spec files;
//! - `changes.rs`: what is a change folder and reading one;
//! - [`code`]: the repository's files when git does not list them.
//!
//! It follows the official CLI's rules for what is a change and what is a
//! spec (`list.ts`, `item-discovery.ts`, `spec-discovery.ts`) and is calm on
//! real-world mess: unreadable files, non-UTF-8 bytes, huge files, symlink
//! loops and links out of the root all become diagnostics, never panics.

mod changes;
pub mod code;
mod read;
mod specs;

pub use read::{MAX_FILE_BYTES, decode, read_file, read_files};

use crate::error::{Error, Result};
use crate::model::Diagnostic;
use crate::parse;
use crate::source::{ChangeDir, Tree};
use changes::load_change;
use rayon::prelude::*;
use read::{Reader, subdirs};
use specs::spec_files;
use std::path::{Path, PathBuf};

/// Directory names not searched for nested `openspec/` folders: build
/// output, dependencies, and folders that hold test data or vendored code
/// (whose `openspec/` folders are fixtures, not projects). Hidden folders are
/// skipped too. `--project PATH` still reaches any of them.
pub const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "result",
    "dist",
    "build",
    "vendor",
    "third_party",
    "tests",
    "test",
    "testdata",
    "fixtures",
    "__fixtures__",
    "examples",
];

/// How deep below the root nested `openspec/` folders are looked for.
const MAX_PROJECT_DEPTH: usize = 6;

/// Whether `dir` is an OpenSpec project: it holds an `openspec/` folder
/// with a `specs/` or `changes/` folder or a config file. This is the
/// official CLI's rule for a root (`findQualifyingRootSync` in
/// `root-selection.js`): an empty `openspec/` (an uninitialised submodule)
/// or one that holds only schemas (a skill's install assets) is not a
/// project, and the search goes on past it. One rule for both directions:
/// [`find_root`] walks up with it, [`find_projects`] walks down with it.
pub fn is_project(dir: &Path) -> bool {
    let openspec = dir.join("openspec");
    openspec.is_dir()
        && (openspec.join("specs").is_dir()
            || openspec.join("changes").is_dir()
            || openspec.join("config.yaml").exists()
            || openspec.join("config.yml").exists())
}

/// The top of the git work tree that holds `dir`: the nearest ancestor with
/// a `.git` folder or file (a linked worktree or a submodule has a file).
pub fn work_tree_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

/// Find the root: `explicit` when given (the folder that holds `openspec/`,
/// whatever its own name), else the nearest ancestor of `cwd` that is a
/// project ([`is_project`]), else the top of the git work tree around `cwd`
/// when projects lie below it (a monorepo). Outside a work tree nothing
/// below `cwd` is searched: `cd / && spec list` must not read every
/// checkout on the machine.
pub fn find_root(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        let dir = if dir.is_absolute() { dir.to_path_buf() } else { cwd.join(dir) };
        if !dir.is_dir() {
            return Err(Error::NoRoot(format!("--root {} is not a directory", dir.display())));
        }
        return Ok(dir);
    }
    if let Some(dir) = cwd.ancestors().find(|d| is_project(d)) {
        return Ok(dir.to_path_buf());
    }
    let rule = "an openspec/ folder with specs/, changes/ or config.yaml";
    match work_tree_top(cwd) {
        Some(top) if !find_projects(&top).is_empty() => Ok(top),
        Some(top) => Err(Error::NoRoot(format!(
            "no OpenSpec project in {} or its parents, nor below the git work tree {} (a project is {rule}); \
             run `openspec init`, or pass --root DIR",
            cwd.display(),
            top.display()
        ))),
        None => Err(Error::NoRoot(format!(
            "no OpenSpec project in {} or its parents (a project is {rule}), and it is not inside a git \
             work tree, so nothing below it is searched; run spec inside an OpenSpec repository or pass --root DIR",
            cwd.display()
        ))),
    }
}

/// Every project ([`is_project`]) under `root`, the root first, as
/// `/`-separated paths relative to the root (`.` for the root). Inside a
/// git work tree, what `.gitignore` ignores is not searched (nor hidden
/// folders, nor [`SKIP_DIRS`], nor the inside of an `openspec/` folder).
pub fn find_projects(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if is_project(root) {
        found.push(".".to_owned());
    }
    let walker = ignore::WalkBuilder::new(root)
        .max_depth(Some(MAX_PROJECT_DEPTH))
        .follow_links(false)
        .hidden(true)
        .parents(true)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            let depth = e.depth();
            let name = e.file_name().to_string_lossy();
            let in_openspec =
                depth >= 2 && e.path().parent().and_then(Path::file_name).is_some_and(|n| n == "openspec");
            depth == 0
                || (e.file_type().is_some_and(|t| t.is_dir()) && !SKIP_DIRS.contains(&name.as_ref()) && !in_openspec)
        })
        .build();
    for entry in walker.flatten() {
        // The root's own name does not count: `--root /x/openspec` reads `/x/openspec/openspec/`.
        if entry.depth() >= 1
            && entry.file_name() == "openspec"
            && let Some(parent) = entry.path().parent()
            && parent != root
            && is_project(parent)
        {
            found.push(relative(root, parent));
        }
    }
    found.sort_by(|a, b| (a != ".").cmp(&(b != ".")).then(a.cmp(b)));
    found.dedup();
    found
}

/// `path` relative to `root`, `/`-separated, `.` for the root itself.
pub fn relative(root: &Path, path: &Path) -> String {
    let Ok(rel) = path.strip_prefix(root) else { return path.display().to_string() };
    let parts: Vec<String> = rel.components().map(|c| read::name_of(c.as_os_str())).collect();
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

/// How much of each change to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything: what validation, the roadmap and the site need.
    Full,
    /// What progress needs (proposal, metadata, task files, main specs,
    /// the delta specs of active changes for their overlaps), not
    /// `design.md` nor archived delta specs: for `spec list` and `spec
    /// status` on trees of thousands of changes.
    Progress,
}

/// Load one project: the folder `dir` (which holds `openspec/`).
pub fn load(root: &Path, name: &str) -> Result<Tree> {
    load_to(root, name, Depth::Full)
}

/// [`load`], reading changes to `depth`.
pub fn load_to(root: &Path, name: &str, depth: Depth) -> Result<Tree> {
    let dir = if name == "." { root.to_path_buf() } else { root.join(name) };
    let openspec = dir.join("openspec");
    if !openspec.is_dir() {
        return Err(Error::NoRoot(format!("no openspec/ folder in {}", dir.display())));
    }
    let reader = Reader::new(root);
    let mut problems = Vec::new();
    if !reader.folder(&openspec, &mut problems) {
        let why = problems.first().map_or_else(String::new, |d| format!(": {}", d.message));
        return Err(Error::NoRoot(format!("{} is not read{why}", reader.rel(&openspec))));
    }
    let mut tree = Tree {
        name: name.to_owned(),
        root: root.to_path_buf(),
        dir: dir.clone(),
        openspec_dir: reader.rel(&openspec),
        project_md: openspec.join("project.md").is_file(),
        ..Tree::default()
    };
    tree.config = reader
        .read(&openspec.join("config.yaml"), &mut problems)
        .or_else(|| reader.read(&openspec.join("config.yml"), &mut problems));
    let schemas = openspec.join("schemas");
    let schemas = if reader.folder(&schemas, &mut problems) {
        subdirs(&reader, &schemas, &[], &mut problems)
    } else {
        Vec::new()
    };
    for (schema, path) in schemas {
        let file = reader.read(&path.join("schema.yaml"), &mut problems);
        tree.schemas.push((schema, file));
    }
    let specs = openspec.join("specs");
    if reader.folder(&specs, &mut problems) {
        tree.specs = spec_files(&reader, &specs, &mut problems);
    }
    let default_schema = parse::schema::default_schema(&tree);

    let changes_dir = openspec.join("changes");
    let mut folders: Vec<(String, PathBuf, bool)> = Vec::new();
    if reader.folder(&changes_dir, &mut problems) {
        // The archive is read below, when it may be (a link inside the root).
        let archive = changes_dir.join("archive");
        folders.extend(
            subdirs(&reader, &changes_dir, &["archive"], &mut problems).into_iter().map(|(n, p)| (n, p, false)),
        );
        if reader.folder(&archive, &mut problems) {
            folders.extend(
                subdirs(&reader, &archive, &[], &mut problems)
                    .into_iter()
                    .filter(|(n, _)| !n.starts_with('.'))
                    .map(|(n, p)| (n, p, true)),
            );
        }
    }
    let loaded: Vec<(ChangeDir, Vec<Diagnostic>)> = folders
        .par_iter()
        .map(|(n, p, archived)| load_change(&reader, &tree, &default_schema, n, p, *archived, depth))
        .collect();
    for (change, mut found) in loaded {
        problems.append(&mut found);
        tree.changes.push(change);
    }
    tree.problems = problems;
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::schema;
    use std::fs;

    #[test]
    fn invalid_metadata_leaves_tasks_md_untracked() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("openspec/changes/bad/.openspec.yaml", "schema: spec-driven\nskip_specs: 0x1\n");
        write("openspec/changes/bad/tasks.md", "- [ ] a\n");
        write("openspec/changes/good/.openspec.yaml", "schema: spec-driven\n");
        write("openspec/changes/good/tasks.md", "- [ ] a\n");
        write("openspec/changes/other/.openspec.yaml", "schema: nope\n");
        write("openspec/changes/yml/tasks.md", "- [ ] a\n");
        write("openspec/config.yaml", "schema: spec-driven.yml\n");
        let tree = load(dir.path(), ".").unwrap();
        let facts: Vec<_> =
            tree.changes.iter().map(|c| (c.name.as_str(), c.schema_resolves, c.tracked, c.task_files.len())).collect();
        // Official 1.13.2: `list` still counts the fallback tasks.md of `bad`,
        // but `validate` tracks no task file for it (schema resolution throws).
        assert_eq!(
            facts,
            [("bad", false, false, 1), ("good", true, true, 1), ("other", false, false, 0), ("yml", true, true, 1)]
        );
        assert!(schema::builtin_spec_driven(&tree, &tree.changes[3].schema));
    }
    #[test]
    fn broken_project_schema_is_named_by_its_path() {
        // Official 1.13.2 `readSkipSpecsMarker` on an empty project schema
        // that shadows `spec-driven`.
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("openspec/schemas/spec-driven")).unwrap();
        fs::write(dir.path().join("openspec/schemas/spec-driven/schema.yaml"), "").unwrap();
        let tree = load(dir.path(), ".").unwrap();
        let path = dir.path().join("openspec/schemas/spec-driven/schema.yaml");
        assert_eq!(
            schema::resolve(&tree, "spec-driven"),
            Err(format!(
                "Invalid schema at '{}': Invalid schema: : Invalid input: expected object, received null",
                path.display()
            ))
        );
        assert_eq!(schema::resolve(&tree, "x"), Err("schema: unknown schema 'x'".into()));
    }
}
