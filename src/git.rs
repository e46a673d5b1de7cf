//! Reading a project's past from git (libgit2, read-only).
//!
//! [`walk`] returns the commits that changed the project's
//! `openspec/changes/` folder, oldest first, each with what it changed: the
//! change folders (active or archived) that appeared, changed or went away,
//! with their `tasks.md` counts. It is built for long histories:
//!
//! - a commit is skipped when the tree id of `openspec/changes/` equals its
//!   first parent's (no diff of whole trees, two object lookups);
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

use crate::model::Day;
use crate::source::{CommitInfo, FolderChange, FolderKey, FolderState, Step, Tree, Walk};
use git2::{ObjectType, Oid, Repository, Sort};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Counts `(done, total)` tasks in a task file's text. Git reads blobs, the
/// caller decides how they count (`parse::tasks::count`), so this module
/// needs no parser.
pub type TaskCounter = fn(&str) -> (usize, usize);

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

struct Reader<'r> {
    repo: &'r Repository,
    /// The last tree looked up, kept to diff against the next commit's.
    last: Option<git2::Tree<'r>>,
    /// Change folder tree id → state.
    folders: HashMap<Oid, FolderState>,
    /// `tasks.md` blob id → (done, total).
    counts: HashMap<Oid, (u32, u32)>,
    /// How tasks count; `None` when the caller needs no counts (0/0).
    counter: Option<TaskCounter>,
    /// (tree id, depth) → the id below it on the path [`Reader::subtree`]
    /// reads (one path per reader): a folder on the way that did not change
    /// is not read again.
    below: HashMap<(Oid, usize), Option<Oid>>,
}

impl<'r> Reader<'r> {
    fn new(repo: &'r Repository, counter: Option<TaskCounter>) -> Self {
        Reader { repo, last: None, folders: HashMap::new(), counts: HashMap::new(), counter, below: HashMap::new() }
    }

    /// The id of the folder at `path` below the tree `root`, if it is one.
    fn subtree(&mut self, root: Oid, path: &[String]) -> Result<Option<Oid>, git2::Error> {
        let mut id = root;
        for (depth, part) in path.iter().enumerate() {
            let next = match self.below.get(&(id, depth)) {
                Some(next) => *next,
                None => {
                    let tree = self.repo.find_tree(id)?;
                    let next = tree.get_name(part).filter(|e| e.kind() == Some(ObjectType::Tree)).map(|e| e.id());
                    self.below.insert((id, depth), next);
                    next
                }
            };
            match next {
                Some(next) => id = next,
                None => return Ok(None),
            }
        }
        Ok(Some(id))
    }

    fn tree(&mut self, id: Option<Oid>) -> Result<Option<git2::Tree<'r>>, git2::Error> {
        let Some(id) = id else { return Ok(None) };
        if let Some(t) = self.last.as_ref().filter(|t| t.id() == id) {
            return Ok(Some(t.clone()));
        }
        let t = self.repo.find_tree(id)?;
        self.last = Some(t.clone());
        Ok(Some(t))
    }

    fn folder(&mut self, id: Oid) -> Result<FolderState, git2::Error> {
        if let Some(s) = self.folders.get(&id) {
            return Ok(*s);
        }
        let tree = self.repo.find_tree(id)?;
        let blob = |name: &str| tree.get_name(name).filter(|e| e.kind() == Some(ObjectType::Blob)).map(|e| e.id());
        let (tasks, proposal) = (blob("tasks.md"), blob("proposal.md"));
        let (done, total) = match tasks {
            Some(t) => self.count(t)?,
            None => (0, 0),
        };
        let state = FolderState { dir: id, tasks, proposal, done, total };
        self.folders.insert(id, state);
        Ok(state)
    }

    fn count(&mut self, blob: Oid) -> Result<(u32, u32), git2::Error> {
        let Some(counter) = self.counter else { return Ok((0, 0)) };
        if let Some(c) = self.counts.get(&blob) {
            return Ok(*c);
        }
        let b = self.repo.find_blob(blob)?;
        let (done, total) = counter(&String::from_utf8_lossy(b.content()));
        let c = (u32::try_from(done).unwrap_or(u32::MAX), u32::try_from(total).unwrap_or(u32::MAX));
        self.counts.insert(blob, c);
        Ok(c)
    }

    /// The change folders that differ between two `changes/` trees. The two
    /// entry lists are merged in git's order, borrowing names from the tree
    /// objects: only entries whose id differs cost anything.
    fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        archived: bool,
        out: &mut Vec<FolderChange>,
    ) -> Result<(), git2::Error> {
        let mut moved = Vec::new();
        self.folders_between(old, new, archived, &mut moved)?;
        for (key, _, after) in moved {
            let state = match after {
                Some(id) => Some(self.folder(id)?),
                None => None,
            };
            out.push(FolderChange { key, state });
        }
        Ok(())
    }

    /// The change folders that came and went between two `changes/` trees,
    /// each sorted by key, with their states (before, for those that went).
    fn comings_and_goings(&mut self, old: Option<Oid>, new: Option<Oid>) -> Result<(Folders, Folders), git2::Error> {
        let mut moved = Vec::new();
        self.folders_between(old, new, false, &mut moved)?;
        moved.sort_by(|a, b| a.0.cmp(&b.0));
        let (mut came, mut gone) = (Vec::new(), Vec::new());
        for (key, before, after) in moved {
            match (before, after) {
                (None, Some(id)) => came.push((key, self.folder(id)?)),
                (Some(id), None) => gone.push((key, self.folder(id)?)),
                _ => {}
            }
        }
        Ok((came, gone))
    }

    /// The change folders whose tree ids differ between two `changes/`
    /// trees (below `archive/` too): key, id before and id after.
    fn folders_between(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        archived: bool,
        out: &mut Vec<(FolderKey, Option<Oid>, Option<Oid>)>,
    ) -> Result<(), git2::Error> {
        if old == new {
            return Ok(());
        }
        let (a, b) = (self.tree(old)?, self.tree(new)?);
        let changed = differing(a.as_ref(), b.as_ref());
        for (name, before, after) in changed {
            if !archived && name == "archive" {
                self.folders_between(folder(before), folder(after), true, out)?;
                continue;
            }
            if folder(before).is_none() && folder(after).is_none() {
                continue; // a file directly under changes/
            }
            out.push((FolderKey { archived, folder: name }, folder(before), folder(after)));
        }
        Ok(())
    }

    /// Whether the `changes/` tree `changes` holds the folder `key`.
    fn holds(&self, changes: Option<&git2::Tree<'r>>, key: &FolderKey) -> Result<bool, git2::Error> {
        let Some(changes) = changes else { return Ok(false) };
        let folder = |t: &git2::Tree<'_>, name: &str| {
            t.get_name(name).filter(|e| e.kind() == Some(ObjectType::Tree)).map(|e| e.id())
        };
        if !key.archived {
            return Ok(key.folder != "archive" && folder(changes, &key.folder).is_some());
        }
        match folder(changes, "archive") {
            Some(archive) => Ok(folder(&self.repo.find_tree(archive)?, &key.folder).is_some()),
            None => Ok(false),
        }
    }

    /// Whether no commit from `commit` back along the first parents has a
    /// change folder: then a folder that comes next is at [`walk`]'s first step.
    fn none_from(
        &mut self,
        mut commit: Option<git2::Commit<'r>>,
        changes_path: &[String],
    ) -> Result<bool, git2::Error> {
        while let Some(c) = commit {
            let (mut any, changes) = (Vec::new(), self.subtree(c.tree_id(), changes_path)?);
            self.folders_between(None, changes, false, &mut any)?;
            if !any.is_empty() {
                return Ok(false);
            }
            commit = first_parent(&c).and_then(|p| self.repo.find_commit(p).ok());
        }
        Ok(true)
    }

    /// Every change folder of a `changes/` tree.
    fn all(&mut self, changes: Option<Oid>) -> Result<BTreeMap<FolderKey, FolderState>, git2::Error> {
        let mut out = Vec::new();
        self.diff(None, changes, false, &mut out)?;
        Ok(out.into_iter().filter_map(|d| d.state.map(|s| (d.key, s))).collect())
    }
}

/// A tree entry's id and mode.
type Side = (Oid, i32);

/// The mode of a folder entry.
const FOLDER: i32 = 0o040000;

/// The id of an entry that is a folder.
fn folder(e: Option<Side>) -> Option<Oid> {
    e.filter(|e| e.1 == FOLDER).map(|e| e.0)
}

/// The entries that differ (in id or mode) between two trees, a missing
/// one being empty: name, before and after, in git's order. The two entry
/// lists are merged, borrowing names from the tree objects: only entries
/// that differ cost more than a comparison.
fn differing(a: Option<&git2::Tree<'_>>, b: Option<&git2::Tree<'_>>) -> Vec<(String, Option<Side>, Option<Side>)> {
    let mut out = Vec::new();
    let mut xs = a.into_iter().flat_map(git2::Tree::iter).peekable();
    let mut ys = b.into_iter().flat_map(git2::Tree::iter).peekable();
    let side = |e: &git2::TreeEntry<'_>| (e.id(), e.filemode());
    loop {
        let order = match (xs.peek(), ys.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => git_cmp(x, y),
        };
        match order {
            std::cmp::Ordering::Less => {
                let x = xs.next().expect("peeked");
                out.push((name(&x), Some(side(&x)), None));
            }
            std::cmp::Ordering::Greater => {
                let y = ys.next().expect("peeked");
                out.push((name(&y), None, Some(side(&y))));
            }
            std::cmp::Ordering::Equal => {
                let (x, y) = (xs.next().expect("peeked"), ys.next().expect("peeked"));
                if side(&x) != side(&y) {
                    out.push((name(&y), Some(side(&x)), Some(side(&y))));
                }
            }
        }
    }
    out
}

/// Change folders with their states, by key.
type Folders = Vec<(FolderKey, FolderState)>;

fn name(e: &git2::TreeEntry<'_>) -> String {
    String::from_utf8_lossy(e.name_bytes()).into_owned()
}

/// Git sorts tree entries by name, folders as if their name ended in `/`.
fn git_cmp(x: &git2::TreeEntry<'_>, y: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let (a, b) = (x.name_bytes(), y.name_bytes());
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        std::cmp::Ordering::Equal => {}
        other => return other,
    }
    // One name is a prefix of the other: compare the next byte, a folder's
    // name going on with `/`. Names hold no `/`, so one byte decides.
    let next =
        |s: &[u8], e: &git2::TreeEntry<'_>| s.get(n).copied().or((e.kind() == Some(ObjectType::Tree)).then_some(b'/'));
    next(a, x).cmp(&next(b, y))
}

/// Read the history of the change folders under `openspec_dir`, counting
/// each `tasks.md` with `counter`.
pub fn walk(
    repo: &Repository,
    openspec_dir: &Path,
    options: WalkOptions,
    counter: TaskCounter,
) -> Result<Walk, NoHistory> {
    let mut changes_path = repo_path(repo, openspec_dir)?;
    changes_path.push("changes".into());
    let head = match repo.head() {
        Ok(h) => h.peel_to_commit()?,
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => {
            return Err(NoHistory::NoCommits);
        }
        Err(e) => return Err(e.into()),
    };
    let ids = commit_ids(repo, head.id(), options)?;
    let mut reader = Reader::new(repo, Some(counter));
    // Tree id of changes/ for each commit seen (the first parent's is needed).
    let mut changes_at: HashMap<Oid, Option<Oid>> = HashMap::with_capacity(ids.len());
    let mut walk = Walk { workdir: repo.workdir().map(Path::to_path_buf).unwrap_or_default(), ..Walk::default() };
    for id in &ids {
        let commit = repo.find_commit(*id)?;
        let here = reader.subtree(commit.tree_id(), &changes_path)?;
        changes_at.insert(*id, here);
        walk.commits += 1;
        let before = match first_parent(&commit) {
            Some(p) => match changes_at.get(&p) {
                Some(t) => *t,
                None => match repo.find_commit(p) {
                    Ok(pc) => reader.subtree(pc.tree_id(), &changes_path)?,
                    Err(_) => None,
                },
            },
            None => None,
        };
        if before == here {
            continue;
        }
        let mut changes = Vec::new();
        reader.diff(before, here, false, &mut changes)?;
        if changes.is_empty() {
            continue;
        }
        changes.sort_by(|a, b| a.key.cmp(&b.key));
        walk.steps.push(Step { commit: Some(commit_info(&commit)), changes });
    }
    if repo.is_shallow()
        && let Some(first) = ids.first()
    {
        walk.shallow = Some(commit_info(&repo.find_commit(*first)?));
    }
    walk.at_head = reader.all(changes_at.get(&head.id()).copied().flatten())?;
    walk.head = Some(commit_info(&head));
    Ok(walk)
}

/// The first parent, unless the commit has none (root, or a shallow boundary).
fn first_parent(commit: &git2::Commit<'_>) -> Option<Oid> {
    if commit.parent_count() == 0 { None } else { commit.parent_id(0).ok() }
}

/// The commit `HEAD` points at.
fn head_commit(repo: &Repository) -> Result<git2::Commit<'_>, NoHistory> {
    match repo.head() {
        Ok(h) => Ok(h.peel_to_commit()?),
        Err(_) => Err(NoHistory::NoCommits),
    }
}

/// Commits from the root to `head`, oldest first: the first-parent line, or
/// every reachable commit in topological order.
fn commit_ids(repo: &Repository, head: Oid, options: WalkOptions) -> Result<Vec<Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    if !options.all_parents {
        walk.simplify_first_parent()?;
    }
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
    walk.collect()
}

/// The newest commit that changed each of `folders` (active change folders
/// under `openspec_dir/changes/`), walking the first-parent line back from
/// `HEAD` and stopping at the first commit older than `window_days` before
/// `HEAD`'s day: a folder not found by then has had no commit in the window.
/// Cheap enough for `spec status`: it reads only the window.
pub fn recent_activity(
    repo: &Repository,
    openspec_dir: &Path,
    folders: &[&str],
    window_days: u32,
) -> Result<(CommitInfo, HashMap<String, CommitInfo>), NoHistory> {
    let mut changes_path = repo_path(repo, openspec_dir)?;
    changes_path.push("changes".into());
    let head = head_commit(repo)?;
    let head_info = commit_info(&head);
    let since = (head.time().seconds().div_euclid(86_400) - i64::from(window_days)) * 86_400;
    let mut wanted: std::collections::HashSet<&str> = folders.iter().copied().collect();
    let mut found = HashMap::new();
    // Which folders changed is all that is asked: nothing is counted.
    let mut reader = Reader::new(repo, None);
    let mut commit = head;
    let mut here = reader.subtree(commit.tree_id(), &changes_path)?;
    while !wanted.is_empty() && commit.time().seconds() >= since {
        let parent = first_parent(&commit).and_then(|p| repo.find_commit(p).ok());
        let before = match &parent {
            Some(p) => reader.subtree(p.tree_id(), &changes_path)?,
            None => None,
        };
        if before != here {
            let mut changes = Vec::new();
            reader.diff(before, here, false, &mut changes)?;
            for d in changes.iter().filter(|d| !d.key.archived) {
                if wanted.remove(d.key.folder.as_str()) {
                    found.insert(d.key.folder.clone(), commit_info(&commit));
                }
            }
        }
        match parent {
            Some(p) => {
                commit = p;
                here = before;
            }
            None => break,
        }
    }
    Ok((head_info, found))
}

/// Where a change folder's history began (see [`arrivals`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// The commit that created it.
    Commit(CommitInfo),
    /// It was there at the first point of a shallow clone: created then or earlier.
    BeforeHistory,
    /// It is not committed yet.
    Uncommitted,
}

/// Pairs the change folders that came at a point with those that went
/// (both sorted by key): for each that came, the index of the one it
/// continues (an archive move, a rename), or `None` for a new change. Git
/// finds the folders, the caller says what continues what
/// (`analyse::history::continues`), so this module needs no history rules.
pub type Pairing = fn(&[(FolderKey, FolderState)], &[(FolderKey, FolderState)]) -> Vec<Option<usize>>;

/// Where each of `wanted` (change folders of the working tree) began:
/// walking back from the working tree along the first-parent line,
/// following a folder into the one it continues where it came (`pairing`),
/// and stopping as soon as every one is found, so that the commits before
/// the oldest are never read. Per commit whose `changes/` tree differs from
/// its parent's, only the parent's `changes/` tree is looked at; the
/// folders that came and went are read only at the commits where a wanted
/// folder came. The working tree's folders (`worktree`) are asked for only
/// when a wanted folder is not at `HEAD`.
///
/// The creation [`walk`] and `analyse::history::build` give, except for a
/// folder deleted and created again under the same name later: the whole
/// history dates it from the first time, this from the last.
pub fn arrivals(
    repo: &Repository,
    openspec_dir: &Path,
    wanted: &[FolderKey],
    worktree: impl FnOnce() -> BTreeMap<FolderKey, FolderState>,
    pairing: Pairing,
) -> Result<BTreeMap<FolderKey, Arrival>, NoHistory> {
    let mut changes_path = repo_path(repo, openspec_dir)?;
    changes_path.push("changes".into());
    let head = head_commit(repo)?;
    let mut reader = Reader::new(repo, None);
    let mut here = reader.subtree(head.tree_id(), &changes_path)?;
    let mut found = BTreeMap::new();
    // Each wanted folder, and the folder its history has at the point reached.
    let mut follow: Vec<(FolderKey, FolderKey)> = Vec::new();
    let mut uncommitted = Vec::new();
    let at_head = reader.tree(here)?;
    for key in wanted {
        if reader.holds(at_head.as_ref(), key)? {
            follow.push((key.clone(), key.clone()));
        } else {
            uncommitted.push(key);
        }
    }
    if !uncommitted.is_empty() {
        let now = worktree();
        let committed = reader.all(here)?;
        let pick = |from: &BTreeMap<FolderKey, FolderState>, not: &BTreeMap<FolderKey, FolderState>| -> Folders {
            from.iter().filter(|(k, _)| !not.contains_key(*k)).map(|(k, s)| (k.clone(), *s)).collect()
        };
        let (came, gone) = (pick(&now, &committed), pick(&committed, &now));
        let pairs = pairing(&came, &gone);
        for key in uncommitted {
            match came.iter().position(|(k, _)| k == key).and_then(|c| pairs[c]) {
                Some(g) => follow.push((key.clone(), gone[g].0.clone())),
                None => {
                    found.insert(key.clone(), Arrival::Uncommitted);
                }
            }
        }
    }
    let shallow = repo.is_shallow();
    let mut commit = head;
    while !follow.is_empty() {
        let parent = first_parent(&commit).and_then(|p| repo.find_commit(p).ok());
        let before = match &parent {
            Some(p) => reader.subtree(p.tree_id(), &changes_path)?,
            None => None,
        };
        if before != here {
            let tree = reader.tree(before)?;
            let mut arrived = Vec::new();
            for (i, (_, key)) in follow.iter().enumerate() {
                if !reader.holds(tree.as_ref(), key)? {
                    arrived.push(i);
                }
            }
            if !arrived.is_empty() {
                let (came, gone) = reader.comings_and_goings(before, here)?;
                let pairs = pairing(&came, &gone);
                let first = shallow && reader.none_from(parent.clone(), &changes_path)?;
                for i in arrived.into_iter().rev() {
                    match came.iter().position(|(k, _)| *k == follow[i].1).and_then(|c| pairs[c]) {
                        Some(g) => follow[i].1 = gone[g].0.clone(),
                        None => {
                            let arrival =
                                if first { Arrival::BeforeHistory } else { Arrival::Commit(commit_info(&commit)) };
                            found.insert(follow.remove(i).0, arrival);
                        }
                    }
                }
            }
        }
        match parent {
            Some(p) => {
                commit = p;
                here = before;
            }
            None => break,
        }
    }
    Ok(found)
}

/// The paths below `dir` (relative to it) with uncommitted work: modified,
/// staged, deleted or untracked; ignored files do not count.
fn uncommitted(repo: &Repository, dir: &Path) -> Result<Vec<String>, NoHistory> {
    let prefix = repo_path(repo, dir)?.join("/");
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false);
    if !prefix.is_empty() {
        opts.pathspec(&prefix);
    }
    let statuses = repo.statuses(Some(&mut opts))?;
    Ok(statuses
        .iter()
        .filter_map(|e| {
            let path = String::from_utf8_lossy(e.path_bytes()).into_owned();
            if prefix.is_empty() { Some(path) } else { path.strip_prefix(&format!("{prefix}/")).map(str::to_owned) }
        })
        .collect())
}

/// The names of the folders directly under `dir` that hold uncommitted work.
pub fn dirty_folders(repo: &Repository, dir: &Path) -> Result<BTreeSet<String>, NoHistory> {
    Ok(uncommitted(repo, dir)?.iter().filter_map(|p| p.split_once('/').map(|(first, _)| first.to_owned())).collect())
}

/// Whether anything under `dir` has uncommitted work.
pub fn dirty(repo: &Repository, dir: &Path) -> Result<bool, NoHistory> {
    Ok(!uncommitted(repo, dir)?.is_empty())
}

/// The state of every change folder in the working tree, from the files
/// discovery read: ids are git blob ids of `tasks.md` and `proposal.md`, so
/// they compare with the committed ones; a folder's `dir` is a hash of those.
pub fn worktree(tree: &Tree, counter: TaskCounter) -> BTreeMap<FolderKey, FolderState> {
    let blob = |text: &str| Oid::hash_object(ObjectType::Blob, text.as_bytes()).ok();
    tree.changes
        .iter()
        .map(|c| {
            let tasks_file = c.task_files.iter().find(|f| f.path == format!("{}/tasks.md", c.path));
            let tasks = tasks_file.and_then(|f| blob(&f.text));
            let proposal = c.proposal.as_ref().and_then(|f| blob(&f.text));
            let (done, total) = tasks_file.map_or((0, 0), |f| counter(&f.text));
            let mut fingerprint = String::new();
            for (name, id) in [("tasks", tasks), ("proposal", proposal)] {
                fingerprint.push_str(&format!("{name} {}\n", id.map(|i| i.to_string()).unwrap_or_default()));
            }
            let dir = Oid::hash_object(ObjectType::Tree, fingerprint.as_bytes()).unwrap_or(Oid::ZERO_SHA1);
            let state = FolderState {
                dir,
                tasks,
                proposal,
                done: u32::try_from(done).unwrap_or(u32::MAX),
                total: u32::try_from(total).unwrap_or(u32::MAX),
            };
            (FolderKey { archived: c.archived, folder: c.name.clone() }, state)
        })
        .collect()
}

/// The working tree as a last step, when its change folders differ from
/// `at_head` in presence, `tasks.md` or `proposal.md`.
pub fn worktree_step(
    at_head: &BTreeMap<FolderKey, FolderState>,
    now: &BTreeMap<FolderKey, FolderState>,
) -> Option<Step> {
    let mut changes = Vec::new();
    for (key, state) in now {
        match at_head.get(key) {
            Some(h) if (h.tasks, h.proposal) == (state.tasks, state.proposal) => {}
            _ => changes.push(FolderChange { key: key.clone(), state: Some(*state) }),
        }
    }
    for key in at_head.keys().filter(|k| !now.contains_key(*k)) {
        changes.push(FolderChange { key: key.clone(), state: None });
    }
    changes.sort_by(|a, b| a.key.cmp(&b.key));
    (!changes.is_empty()).then_some(Step { commit: None, changes })
}

/// Resolve a revision (`main`, `HEAD~3`, a commit id, `origin/main`).
pub fn resolve(repo: &Repository, rev: &str) -> Result<CommitInfo, String> {
    let object =
        repo.revparse_single(rev).map_err(|e| format!("no revision `{rev}` in this repository ({})", e.message()))?;
    let commit = object.peel_to_commit().map_err(|_| format!("`{rev}` does not name a commit"))?;
    Ok(commit_info(&commit))
}

/// Write the files below each of `paths` (work-tree relative, `/`-separated)
/// at commit `id` into `dest`, keeping their relative paths. A path missing
/// at that commit is skipped. Symlinks and submodules are not written.
pub fn materialise(repo: &Repository, id: &str, paths: &[String], dest: &Path) -> Result<(), String> {
    let fail = |e: git2::Error| format!("reading commit {id}: {}", e.message());
    let commit = repo.find_commit(Oid::from_str(id).map_err(fail)?).map_err(fail)?;
    let root = commit.tree().map_err(fail)?;
    for path in paths {
        let entry = match root.get_path(Path::new(path)) {
            Ok(e) => e,
            Err(_) => continue,
        };
        let target = dest.join(path);
        let object = entry.to_object(repo).map_err(fail)?;
        write_object(repo, &object, &target).map_err(|e| format!("writing {}: {e}", target.display()))?;
    }
    Ok(())
}

fn write_object(repo: &Repository, object: &git2::Object<'_>, target: &Path) -> std::io::Result<()> {
    let io = |e: git2::Error| std::io::Error::other(e.message().to_owned());
    match object.kind() {
        Some(ObjectType::Blob) => {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, object.as_blob().map(git2::Blob::content).unwrap_or_default())
        }
        Some(ObjectType::Tree) => {
            std::fs::create_dir_all(target)?;
            let tree = object.as_tree().expect("a tree");
            for entry in tree.iter() {
                // Regular files and folders only: no symlink can lead the
                // reader out of the scratch folder.
                if entry.filemode() == 0o120000 || entry.kind() == Some(ObjectType::Commit) {
                    continue;
                }
                let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
                if name.contains('/') || name == ".." || name == "." {
                    continue;
                }
                let child = entry.to_object(repo).map_err(io)?;
                write_object(repo, &child, &target.join(name))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The files a commit changed against its first parent (all of them, for
/// a root commit), repository-relative. Renames show as a deletion and an
/// addition.
pub fn changed_files(repo: &Repository, commit: &str) -> Result<Vec<String>, NoHistory> {
    let commit = repo.find_commit(Oid::from_str(commit)?)?;
    let tree = commit.tree()?;
    let parent = match first_parent(&commit) {
        Some(p) => Some(repo.find_commit(p)?.tree()?),
        None => None,
    };
    let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), None)?;
    let mut out = Vec::new();
    for d in diff.deltas() {
        for f in [d.old_file(), d.new_file()] {
            if let Some(p) = f.path().and_then(Path::to_str)
                && out.last().is_none_or(|l: &String| l != p)
            {
                out.push(p.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Every commit of the first-parent line (or all, with `all_parents`),
/// oldest first: id and full message.
pub fn messages(repo: &Repository, options: WalkOptions) -> Result<Vec<(String, String)>, NoHistory> {
    let head = head_commit(repo)?;
    let mut out = Vec::new();
    for id in commit_ids(repo, head.id(), options)? {
        let c = repo.find_commit(id)?;
        out.push((id.to_string(), String::from_utf8_lossy(c.message_bytes()).into_owned()));
    }
    Ok(out)
}

/// What became of paths that do not exist at `HEAD` (repository-relative):
/// the path they were renamed to (following renames of renames), or `None`
/// when they were deleted. Paths that never existed are absent. Walks the
/// first-parent line, oldest first; per commit only the trees on the way to
/// the paths followed are read (where their ids differ from the parent's),
/// and the commit is diffed, with rename detection, only when it removes
/// one of those paths.
pub fn path_fates(
    repo: &Repository,
    missing: &BTreeSet<String>,
) -> Result<BTreeMap<String, Option<String>>, NoHistory> {
    let mut fates = BTreeMap::new();
    if missing.is_empty() {
        return Ok(fates);
    }
    let head = head_commit(repo)?;
    // Current name → the original missing path it stands for.
    let mut following: BTreeMap<String, String> = missing.iter().map(|p| (p.clone(), p.clone())).collect();
    let mut names = PathTree::of(following.keys());
    // Tree ids of the first-parent line, oldest first.
    let mut line = vec![head.tree_id()];
    let mut commit = head.clone();
    while let Some(parent) = first_parent(&commit) {
        commit = repo.find_commit(parent)?;
        line.push(commit.tree_id());
    }
    line.reverse();
    for pair in line.windows(2) {
        if !names.changed(repo, pair[0], Some(pair[1]))? {
            continue;
        }
        // Diffed over the files that differ only: the same deltas as a
        // diff of the whole trees, without reading the rest.
        let mut paths = Vec::new();
        changed_paths(repo, Some(pair[0]), Some(pair[1]), "", &mut paths)?;
        let mut opts = git2::DiffOptions::new();
        for p in &paths {
            opts.pathspec(p);
        }
        opts.disable_pathspec_match(true);
        let (old, new) = (repo.find_tree(pair[0])?, repo.find_tree(pair[1])?);
        let mut diff = repo.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))?;
        let deletes = diff.deltas().any(|d| {
            d.status() == git2::Delta::Deleted
                && d.old_file().path().and_then(Path::to_str).is_some_and(|p| following.contains_key(p))
        });
        if !deletes {
            continue;
        }
        let mut find = git2::DiffFindOptions::new();
        find.renames(true);
        diff.find_similar(Some(&mut find))?;
        let mut moved = false;
        for d in diff.deltas() {
            let Some(old_path) = d.old_file().path().and_then(Path::to_str) else { continue };
            let Some(original) = following.get(old_path).cloned() else { continue };
            match d.status() {
                git2::Delta::Renamed => {
                    let to = d.new_file().path().and_then(Path::to_str).unwrap_or_default().to_owned();
                    following.remove(old_path);
                    following.insert(to.clone(), original.clone());
                    fates.insert(original, Some(to));
                    moved = true;
                }
                git2::Delta::Deleted => {
                    fates.insert(original, None);
                }
                _ => {}
            }
        }
        if moved {
            names = PathTree::of(following.keys());
        }
    }
    // A rename target that is gone again counts as deleted.
    let head_tree = head.tree()?;
    for fate in fates.values_mut() {
        if let Some(to) = fate
            && head_tree.get_path(Path::new(to.as_str())).is_err()
        {
            *fate = None;
        }
    }
    Ok(fates)
}

/// The paths of the files (all but folders) that differ between two trees
/// (`None`: empty), below `prefix`; folders with the same id are not read.
fn changed_paths(
    repo: &Repository,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    out: &mut Vec<String>,
) -> Result<(), git2::Error> {
    if old == new {
        return Ok(());
    }
    let (a, b) = (old.map(|id| repo.find_tree(id)).transpose()?, new.map(|id| repo.find_tree(id)).transpose()?);
    for (name, x, y) in differing(a.as_ref(), b.as_ref()) {
        let path = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        if x.is_some_and(|e| e.1 != FOLDER) || y.is_some_and(|e| e.1 != FOLDER) {
            out.push(path.clone());
        }
        changed_paths(repo, folder(x), folder(y), &path, out)?;
    }
    Ok(())
}

/// Paths as a tree of their names, to read only the trees they lie in.
#[derive(Default)]
struct PathTree {
    /// A path ends here.
    file: bool,
    below: BTreeMap<String, PathTree>,
}

impl PathTree {
    fn of<'a>(paths: impl IntoIterator<Item = &'a String>) -> Self {
        let mut root = PathTree::default();
        for path in paths {
            let mut node = &mut root;
            for part in path.split('/') {
                node = node.below.entry(part.to_owned()).or_default();
            }
            node.file = true;
        }
        root
    }

    /// Whether one of the paths is a file (not a folder) in the tree `old`
    /// that is gone from `new` or of another kind there: only then can a
    /// diff of the two trees delete it.
    fn changed(&self, repo: &Repository, old: Oid, new: Option<Oid>) -> Result<bool, git2::Error> {
        if new == Some(old) {
            return Ok(false);
        }
        let old = repo.find_tree(old)?;
        let new = new.map(|id| repo.find_tree(id)).transpose()?;
        for (name, was, now) in differing(Some(&old), new.as_ref()) {
            let (Some(was), Some(node)) = (was, self.below.get(&name)) else { continue };
            let changed = if was.1 == FOLDER {
                !node.below.is_empty() && node.changed(repo, was.0, folder(now))?
            } else {
                // A file gone, or now of another kind (a folder, a link, a
                // submodule): git diffs a change of kind as a deletion.
                let kind = |mode: i32| mode & 0o170000;
                node.file && now.is_none_or(|e| kind(e.1) != kind(was.1))
            };
            if changed {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// For each `(commit, paths)`: whether one of the files `paths`
/// (repository-relative) differs between the commit and the work tree
/// (untracked files count). One status of all the paths tells those that
/// the work tree leaves as the index has them: theirs compare by id with
/// the commit's, and only a commit with another path is diffed against the
/// work tree.
pub fn changed_since(repo: &Repository, asks: &[(&str, &[String])]) -> Vec<Result<bool, NoHistory>> {
    let dirty = match dirty_paths(repo, asks.iter().flat_map(|(_, paths)| paths.iter())) {
        Ok(d) => d,
        Err(e) => return asks.iter().map(|_| Err(e.clone())).collect(),
    };
    let index = repo.index().map_err(NoHistory::from);
    asks.iter()
        .map(|(from, paths)| {
            let tree = repo.find_commit(Oid::from_str(from)?)?.tree()?;
            let index = index.as_ref().map_err(Clone::clone)?;
            if paths.iter().any(|p| dirty.contains(p)) {
                return Ok(!diff_to_work_tree(repo, &tree, paths)?.is_empty());
            }
            Ok(paths.iter().any(|p| {
                let was = tree.get_path(Path::new(p)).ok().map(|e| (e.id(), e.filemode()));
                let now = index.get_path(Path::new(p), 0).map(|e| (e.id, i32::try_from(e.mode).unwrap_or(-1)));
                was.is_some_and(|(_, mode)| mode == 0o040000) || was != now
            }))
        })
        .collect()
}

/// Which of `paths` differ between the work tree and the index, are not in
/// the index or are in conflict there.
fn dirty_paths<'a>(repo: &Repository, paths: impl Iterator<Item = &'a String>) -> Result<BTreeSet<String>, NoHistory> {
    let mut opts = git2::StatusOptions::new();
    let mut any = false;
    for p in paths {
        opts.pathspec(p);
        any = true;
    }
    if !any {
        return Ok(BTreeSet::new());
    }
    opts.show(git2::StatusShow::Workdir)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .disable_pathspec_match(true);
    Ok(repo.statuses(Some(&mut opts))?.iter().filter_map(|s| s.path().ok().map(str::to_owned)).collect())
}

/// The paths of a diff from `tree` to the work tree (through the index) over `paths`.
fn diff_to_work_tree(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    paths: &[String],
) -> Result<BTreeSet<String>, NoHistory> {
    let mut opts = git2::DiffOptions::new();
    for p in paths {
        opts.pathspec(p);
    }
    opts.disable_pathspec_match(true).include_untracked(true);
    let diff = repo.diff_tree_to_workdir_with_index(Some(tree), Some(&mut opts))?;
    Ok(diff
        .deltas()
        .flat_map(|d| [d.old_file().path(), d.new_file().path()])
        .flatten()
        .filter_map(|p| p.to_str().map(str::to_owned))
        .collect())
}

/// The files of the folder `dir` of the work tree, relative to it: those
/// in the index, plus untracked files that are not ignored, minus files
/// deleted in the work tree or from the index; what the repository holds
/// there now. The folder's entries named in `skip` are left out unread (git
/// looks at nothing else: a status of the rest only).
pub fn work_tree_files(repo: &Repository, dir: &Path, skip: &[&str]) -> Result<Vec<String>, NoHistory> {
    let prefix = repo_path(repo, dir)?.join("/");
    let inside = |path: &str| -> Option<String> {
        let rel = if prefix.is_empty() { path } else { path.strip_prefix(prefix.as_str())?.strip_prefix('/')? };
        let top = rel.split('/').next().unwrap_or(rel);
        (!skip.contains(&top)).then(|| rel.to_owned())
    };
    let mut files: BTreeSet<String> = BTreeSet::new();
    for e in repo.index()?.iter() {
        files.extend(inside(&String::from_utf8_lossy(&e.path)));
    }
    // What the status looks at: the folder's entries in the index and on disk.
    let mut top: BTreeSet<String> = files.iter().map(|f| f.split('/').next().unwrap_or(f).to_owned()).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name != ".git" && !skip.contains(&name.as_str()) {
                top.insert(name);
            }
        }
    }
    if top.is_empty() {
        return Ok(Vec::new());
    }
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false).disable_pathspec_match(true);
    for name in &top {
        opts.pathspec(if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") });
    }
    for s in repo.statuses(Some(&mut opts))?.iter() {
        let Some(path) = s.path().ok().and_then(inside) else { continue };
        let st = s.status();
        if st.contains(git2::Status::WT_DELETED) || st.contains(git2::Status::INDEX_DELETED) {
            files.remove(&path);
        } else if st.contains(git2::Status::WT_NEW) {
            files.insert(path);
        }
    }
    Ok(files.into_iter().collect())
}

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
        let mut reader = Reader::new(&repo, Some(|t: &str| (t.matches("- [x]").count(), t.matches("- [").count())));
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
