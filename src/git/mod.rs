//! Reading a project's past from git (libgit2, read-only).
//!
//! [`walk`] returns the commits that changed the project's
//! `openspec/changes/` folder, oldest first, each with what it changed: the
//! change folders (active or archived) that appeared, changed or went away,
//! with their task counts under the schema files of that commit. It is built
//! for long histories:
//!
//! - a commit is skipped when the tree id of `openspec/` equals its first
//!   parent's (no diff of whole trees, two object lookups);
//! - otherwise the two folders' entry lists are merged in git's own order,
//!   so only the folders whose tree id differs are looked at;
//! - each distinct `tasks.md` blob is counted once (cached by blob id), and
//!   each distinct change folder tree is read once (cached by tree id).
//!
//! [`worktree`] adds the working tree as the last point when it differs from
//! `HEAD`; [`materialise`] writes a revision's files to a folder so the usual
//! discovery can read it (`spec diff`).
//!
//! `spec check` asks narrower questions and reads no more than they need:
//! [`path_fates`] (what became of given paths: per commit, only the trees on
//! the way to them), [`arrivals`] (when given change folders were created:
//! a walk back from `HEAD` that stops at the oldest) and [`changed_since`]
//! (whether given files differ from given commits: one status, then ids).
//!
//! Files: this one (the shared types, opening, commits), `reader.rs` (the
//! tree reader and its caches), `walk.rs` (history walks and the working
//! tree), `revision.rs` (a revision as files), `paths.rs` (what became of
//! given paths).

use crate::model::Day;
use crate::source::{CommitInfo, FolderChange, FolderKey, FolderState, Step, Tree, Walk};
use git2::{ObjectType, Oid, Repository, Sort};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// How tasks count: git reads the blobs, the caller (with `parse`) decides
/// which files of a change folder hold tasks and how a file counts, so this
/// module needs no parser. The rules may differ at every commit: they come
/// from the project's schema files as that commit has them.
pub trait TaskCounter {
    /// The rules the schema files of one commit give.
    fn rules<'a>(&'a self, files: &SchemaFiles) -> Box<dyn TaskRules + 'a>;
    /// `(done, total)` tasks in a task file's text.
    fn count(&self, text: &str) -> (usize, usize);
}

/// What decides how tasks count at one commit: the project's config file
/// (`openspec/config.yaml`, else `.yml`) and its local schemas
/// (`openspec/schemas/<name>/schema.yaml`), as text.
#[derive(Debug, Clone, Default)]
pub struct SchemaFiles {
    /// The config file's name (`config.yaml`) and text.
    pub config: Option<(String, String)>,
    /// Each schema folder's name and its `schema.yaml`, when it has one.
    pub schemas: Vec<(String, Option<String>)>,
}

/// The schema a change folder resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChoice {
    pub schema: String,
    /// Whether it resolves (a broken `.openspec.yaml` or an unknown schema does not).
    pub resolves: bool,
}

/// The rules of one commit.
pub trait TaskRules {
    /// The schema of a change folder whose `.openspec.yaml` has this text.
    fn schema(&self, metadata: Option<&str>) -> SchemaChoice;
    /// Its task files, relative to the folder, in counting order: `exists`
    /// says whether a path is there, `files` lists every file (for a glob).
    fn task_files(
        &self,
        choice: &SchemaChoice,
        exists: &dyn Fn(&str) -> bool,
        files: &dyn Fn() -> Vec<String>,
    ) -> Vec<String>;
}

/// Which schema files a commit has: the config blob and the schemas
/// folder's tree. Equal keys give equal rules.
type RulesKey = (Option<Oid>, Option<Oid>);

/// How to walk.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// Every commit reachable from `HEAD`, not only the first-parent line.
    pub all_parents: bool,
}

/// Why there is no history to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoHistory {
    /// The folder is not inside a git work tree.
    NotARepo,
    /// The repository has no commit yet.
    NoCommits,
    /// libgit2 failed; the message says where.
    Failed(String),
}

impl std::fmt::Display for NoHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoHistory::NotARepo => write!(f, "not inside a git repository, so there is no history to read"),
            NoHistory::NoCommits => write!(f, "the git repository has no commit yet"),
            NoHistory::Failed(m) => write!(f, "reading git history failed: {m}"),
        }
    }
}

impl From<git2::Error> for NoHistory {
    fn from(e: git2::Error) -> Self {
        NoHistory::Failed(e.message().to_owned())
    }
}

/// Open the repository whose work tree holds `dir`.
pub fn open(dir: &Path) -> Result<Repository, NoHistory> {
    // Read-only analysis: do not re-hash every object read (git itself does
    // not); this was a third of the time of a 10,000-commit walk.
    git2::opts::strict_hash_verification(false);
    let repo = Repository::discover(dir).map_err(|_| NoHistory::NotARepo)?;
    if repo.workdir().is_none() {
        return Err(NoHistory::NotARepo);
    }
    Ok(repo)
}

/// `path` relative to the repository's work tree, as tree path components.
pub fn repo_path(repo: &Repository, path: &Path) -> Result<Vec<String>, NoHistory> {
    let workdir = repo.workdir().ok_or(NoHistory::NotARepo)?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (workdir, path) = (canon(workdir), canon(path));
    let rel = path.strip_prefix(&workdir).map_err(|_| NoHistory::NotARepo)?;
    Ok(rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect())
}

fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let time = commit.time().seconds();
    CommitInfo {
        id: commit.id().to_string(),
        time,
        day: Day::from_unix(time),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
    }
}

/// The first parent, unless the commit has none (root, or a shallow boundary).
pub(super) fn first_parent(commit: &git2::Commit<'_>) -> Option<Oid> {
    if commit.parent_count() == 0 { None } else { commit.parent_id(0).ok() }
}

/// The commit `HEAD` points at.
pub(super) fn head_commit(repo: &Repository) -> Result<git2::Commit<'_>, NoHistory> {
    match repo.head() {
        Ok(h) => Ok(h.peel_to_commit()?),
        Err(_) => Err(NoHistory::NoCommits),
    }
}

/// Commits from the root to `head`, oldest first: the first-parent line, or
/// every reachable commit in topological order.
pub(super) fn commit_ids(repo: &Repository, head: Oid, options: WalkOptions) -> Result<Vec<Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    if !options.all_parents {
        walk.simplify_first_parent()?;
    }
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
    walk.collect()
}

mod paths;
mod reader;
mod revision;
mod walk;

pub use paths::*;
use reader::*;
pub use revision::*;
pub use walk::*;

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of folders, each holding one `tasks.md` with `content`.
    fn tree(repo: &Repository, folders: &[(&str, &str)]) -> Oid {
        let mut top = repo.treebuilder(None).unwrap();
        for (name, content) in folders {
            let blob = repo.blob(content.as_bytes()).unwrap();
            let mut sub = repo.treebuilder(None).unwrap();
            sub.insert("tasks.md", blob, 0o100644).unwrap();
            top.insert(name, sub.write().unwrap(), 0o040000).unwrap();
        }
        // A file whose name sorts between the folders: never a change.
        let blob = repo.blob(b"x").unwrap();
        top.insert("a.txt", blob, 0o100644).unwrap();
        top.write().unwrap()
    }

    #[test]
    fn entries_merge_in_git_order() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        // Git order: "a-b" < "a.b" < "a.txt" < "a/" (folder a) < "a0" < "b".
        let names = ["a", "a-b", "a.b", "a0", "b"];
        let old = tree(&repo, &names.map(|n| (n, "- [ ] one\n")));
        let new = tree(
            &repo,
            &[
                ("a", "- [x] one\n"),
                ("a-b", "- [ ] one\n"),
                ("a.b", "- [ ] one\n"),
                ("a0", "- [ ] one\n"),
                ("c", "- [ ] two\n- [x] three\n"),
            ],
        );
        // A counter of its own: git's reading does not depend on the parser's rules.
        struct Boxes;
        struct TasksMd;
        impl TaskRules for TasksMd {
            fn schema(&self, _: Option<&str>) -> SchemaChoice {
                SchemaChoice { schema: "x".into(), resolves: true }
            }
            fn task_files(
                &self,
                _: &SchemaChoice,
                _: &dyn Fn(&str) -> bool,
                _: &dyn Fn() -> Vec<String>,
            ) -> Vec<String> {
                vec!["tasks.md".into()]
            }
        }
        impl TaskCounter for Boxes {
            fn rules<'a>(&'a self, _: &SchemaFiles) -> Box<dyn TaskRules + 'a> {
                Box::new(TasksMd)
            }
            fn count(&self, t: &str) -> (usize, usize) {
                (t.matches("- [x]").count(), t.matches("- [").count())
            }
        }
        let mut reader = Reader::new(&repo, Some(&Boxes));
        reader.enter(None).unwrap();
        let mut out = Vec::new();
        reader.diff(Some(old), Some(new), false, &mut out).unwrap();
        let got: Vec<(String, Option<(u32, u32)>)> =
            out.iter().map(|d| (d.key.folder.clone(), d.state.map(|s| (s.done, s.total)))).collect();
        assert_eq!(got, [("a".to_string(), Some((1, 1))), ("b".to_string(), None), ("c".to_string(), Some((1, 2)))]);
        let all = reader.all(Some(new)).unwrap();
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn work_tree_files_of_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let write = |path: &str| {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, path).unwrap();
        };
        for f in ["top.txt", "p/a.rs", "p/gone.rs", "p/unstaged.rs", "p/openspec/x.md", "p/sub/b.rs"] {
            write(f);
        }
        let mut index = repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("T", "t@example.org").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "start", &tree, &[]).unwrap();
        index.remove_path(Path::new("p/unstaged.rs")).unwrap();
        index.write().unwrap();
        std::fs::remove_file(dir.path().join("p/gone.rs")).unwrap();
        write("p/.gitignore");
        std::fs::write(dir.path().join("p/.gitignore"), "*.log\n").unwrap();
        for f in ["p/new.rs", "p/debug.log", "p/fresh/c.rs", "p/openspec/y.md"] {
            write(f);
        }
        let files = work_tree_files(&repo, &dir.path().join("p"), &["openspec"]).unwrap();
        assert_eq!(files, [".gitignore", "a.rs", "fresh/c.rs", "new.rs", "sub/b.rs"]);
    }

    #[test]
    fn days_are_utc() {
        let day = |secs| Day::from_unix(secs).to_string();
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(-1), "1969-12-31");
        assert_eq!(day(1_717_200_000), "2024-06-01");
    }
}
