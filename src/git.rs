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

struct Reader<'r, 'c> {
    repo: &'r Repository,
    /// The last tree looked up, kept to diff against the next commit's.
    last: Option<git2::Tree<'r>>,
    /// (Change folder tree id, rules) → state.
    folders: HashMap<(Oid, RulesKey), FolderState>,
    /// Task file blob id → (done, total).
    counts: HashMap<Oid, (u32, u32)>,
    /// How tasks count; `None` when the caller needs no counts (0/0).
    counter: Option<&'c dyn TaskCounter>,
    /// The rules of every set of schema files seen, and the current one.
    rules: HashMap<RulesKey, Box<dyn TaskRules + 'c>>,
    current: RulesKey,
    /// (`.openspec.yaml` blob id, rules) → the schema it chooses.
    choices: HashMap<(Option<Oid>, RulesKey), SchemaChoice>,
}

impl<'r, 'c> Reader<'r, 'c> {
    fn new(repo: &'r Repository, counter: Option<&'c dyn TaskCounter>) -> Self {
        Reader {
            repo,
            last: None,
            folders: HashMap::new(),
            counts: HashMap::new(),
            counter,
            rules: HashMap::new(),
            current: (None, None),
            choices: HashMap::new(),
        }
    }

    /// The `changes/` folder and the rules key of an `openspec/` tree, the
    /// rules made current (read from the tree the first time they are seen).
    fn enter(&mut self, openspec: Option<Oid>) -> Result<Option<Oid>, git2::Error> {
        let Some(id) = openspec else {
            self.current = (None, None);
            return Ok(None);
        };
        let tree = self.repo.find_tree(id)?;
        let entry =
            |name: &str, kind: ObjectType| tree.get_name(name).filter(|e| e.kind() == Some(kind)).map(|e| e.id());
        let changes = entry("changes", ObjectType::Tree);
        let config = entry("config.yaml", ObjectType::Blob).map(|b| ("config.yaml", b));
        let config = config.or_else(|| entry("config.yml", ObjectType::Blob).map(|b| ("config.yml", b)));
        let schemas = entry("schemas", ObjectType::Tree);
        let key = (config.map(|c| c.1), schemas);
        self.current = key;
        if let Some(counter) = self.counter
            && !self.rules.contains_key(&key)
        {
            let mut files = SchemaFiles::default();
            if let Some((name, blob)) = config {
                files.config = Some((name.to_owned(), self.text(blob)?));
            }
            if let Some(schemas) = schemas {
                let schemas = self.repo.find_tree(schemas)?;
                for e in schemas.iter().filter(|e| e.kind() == Some(ObjectType::Tree)) {
                    let folder = self.repo.find_tree(e.id())?;
                    let file = folder.get_name("schema.yaml").filter(|f| f.kind() == Some(ObjectType::Blob));
                    let text = match file {
                        Some(f) => Some(self.text(f.id())?),
                        None => None,
                    };
                    files.schemas.push((name(&e), text));
                }
            }
            self.rules.insert(key, counter.rules(&files));
        }
        Ok(changes)
    }

    fn text(&self, blob: Oid) -> Result<String, git2::Error> {
        Ok(String::from_utf8_lossy(self.repo.find_blob(blob)?.content()).into_owned())
    }

    /// The id of the folder at `path` below the tree `root`, if it is one.
    fn subtree(&self, root: Oid, path: &[String]) -> Result<Option<Oid>, git2::Error> {
        let mut id = root;
        for part in path {
            let tree = self.repo.find_tree(id)?;
            match tree.get_name(part) {
                Some(e) if e.kind() == Some(ObjectType::Tree) => id = e.id(),
                _ => return Ok(None),
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
        let key = (id, self.current);
        if let Some(s) = self.folders.get(&key) {
            return Ok(*s);
        }
        let tree = self.repo.find_tree(id)?;
        let blob = |path: &str| {
            tree.get_path(Path::new(path)).ok().filter(|e| e.kind() == Some(ObjectType::Blob)).map(|e| e.id())
        };
        let proposal = blob("proposal.md");
        let task_files = match self.rules.get(&self.current) {
            None => blob("tasks.md").into_iter().collect(),
            Some(rules) => {
                let metadata = blob(".openspec.yaml");
                let choice = match self.choices.get(&(metadata, self.current)) {
                    Some(c) => c.clone(),
                    None => {
                        let text = match metadata {
                            Some(b) => Some(self.text(b)?),
                            None => None,
                        };
                        let c = rules.schema(text.as_deref());
                        self.choices.insert((metadata, self.current), c.clone());
                        c
                    }
                };
                let files = || blob_paths(&tree);
                let paths = rules.task_files(&choice, &|p| blob(p).is_some(), &files);
                paths.iter().filter_map(|p| blob(p)).collect::<Vec<Oid>>()
            }
        };
        let (mut done, mut total) = (0u32, 0u32);
        for file in &task_files {
            let (d, t) = self.count(*file)?;
            (done, total) = (done.saturating_add(d), total.saturating_add(t));
        }
        let state = FolderState { dir: id, tasks: task_files.first().copied(), proposal, done, total };
        self.folders.insert(key, state);
        Ok(state)
    }

    fn count(&mut self, blob: Oid) -> Result<(u32, u32), git2::Error> {
        let Some(counter) = self.counter else { return Ok((0, 0)) };
        if let Some(c) = self.counts.get(&blob) {
            return Ok(*c);
        }
        let b = self.repo.find_blob(blob)?;
        let (done, total) = counter.count(&String::from_utf8_lossy(b.content()));
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
        if old == new {
            return Ok(());
        }
        let (a, b) = (self.tree(old)?, self.tree(new)?);
        let mut changed: Vec<(String, Option<Side>, Option<Side>)> = Vec::new();
        {
            let mut xs = a.iter().flat_map(git2::Tree::iter).peekable();
            let mut ys = b.iter().flat_map(git2::Tree::iter).peekable();
            let side = |e: &git2::TreeEntry<'_>| (e.id(), e.kind() == Some(ObjectType::Tree));
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
                        changed.push((name(&x), Some(side(&x)), None));
                    }
                    std::cmp::Ordering::Greater => {
                        let y = ys.next().expect("peeked");
                        changed.push((name(&y), None, Some(side(&y))));
                    }
                    std::cmp::Ordering::Equal => {
                        let (x, y) = (xs.next().expect("peeked"), ys.next().expect("peeked"));
                        if x.id() != y.id() {
                            changed.push((name(&y), Some(side(&x)), Some(side(&y))));
                        }
                    }
                }
            }
        }
        for (name, before, after) in changed {
            let dir = |e: Option<Side>| e.filter(|e| e.1).map(|e| e.0);
            if !archived && name == "archive" {
                self.diff(dir(before), dir(after), true, out)?;
                continue;
            }
            if dir(before).is_none() && dir(after).is_none() {
                continue; // a file directly under changes/
            }
            let state = match dir(after) {
                Some(id) => Some(self.folder(id)?),
                None => None,
            };
            out.push(FolderChange { key: FolderKey { archived, folder: name }, state });
        }
        Ok(())
    }

    /// Every change folder of a `changes/` tree.
    fn all(&mut self, changes: Option<Oid>) -> Result<BTreeMap<FolderKey, FolderState>, git2::Error> {
        let mut out = Vec::new();
        self.diff(None, changes, false, &mut out)?;
        Ok(out.into_iter().filter_map(|d| d.state.map(|s| (d.key, s))).collect())
    }
}

/// A tree entry's id and whether it is a folder.
type Side = (Oid, bool);

/// Every file (blob) below a tree, as `/`-separated paths relative to it.
fn blob_paths(tree: &git2::Tree<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
        if e.kind() == Some(ObjectType::Blob) {
            out.push(format!("{dir}{}", String::from_utf8_lossy(e.name_bytes())));
        }
        git2::TreeWalkResult::Ok
    });
    out
}

/// A folder's name as discovery reads it ([`crate::model::name_text`]).
fn name(e: &git2::TreeEntry<'_>) -> String {
    crate::model::name_text(e.name_bytes())
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
/// their tasks with `counter` under the schema files of each commit (a
/// commit that changes only those recounts the folders whose count moves).
pub fn walk(
    repo: &Repository,
    openspec_dir: &Path,
    options: WalkOptions,
    counter: &dyn TaskCounter,
) -> Result<Walk, NoHistory> {
    let openspec_path = repo_path(repo, openspec_dir)?;
    let head = match repo.head() {
        Ok(h) => h.peel_to_commit()?,
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => {
            return Err(NoHistory::NoCommits);
        }
        Err(e) => return Err(e.into()),
    };
    let ids = commit_ids(repo, head.id(), options)?;
    let mut reader = Reader::new(repo, Some(counter));
    // Tree id of openspec/ for each commit seen (the first parent's is needed).
    let mut openspec_at: HashMap<Oid, Option<Oid>> = HashMap::with_capacity(ids.len());
    let mut walk = Walk { workdir: repo.workdir().map(Path::to_path_buf).unwrap_or_default(), ..Walk::default() };
    for id in &ids {
        let commit = repo.find_commit(*id)?;
        let here = reader.subtree(commit.tree_id(), &openspec_path)?;
        openspec_at.insert(*id, here);
        walk.commits += 1;
        let before = match first_parent(&commit) {
            Some(p) => match openspec_at.get(&p) {
                Some(t) => *t,
                None => match repo.find_commit(p) {
                    Ok(pc) => reader.subtree(pc.tree_id(), &openspec_path)?,
                    Err(_) => None,
                },
            },
            None => None,
        };
        if before == here {
            continue;
        }
        let (old_changes, old_rules) = (reader.enter(before)?, reader.current);
        let new_changes = reader.enter(here)?;
        let mut changes = Vec::new();
        if old_rules == reader.current {
            reader.diff(old_changes, new_changes, false, &mut changes)?;
        } else {
            // Other schema files: every folder may count differently.
            let now = reader.all(new_changes)?;
            reader.enter(before)?;
            let then = reader.all(old_changes)?;
            for key in then.keys().filter(|k| !now.contains_key(*k)) {
                changes.push(FolderChange { key: key.clone(), state: None });
            }
            for (key, state) in now {
                if then.get(&key) != Some(&state) {
                    changes.push(FolderChange { key, state: Some(state) });
                }
            }
        }
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
    let at_head = reader.enter(openspec_at.get(&head.id()).copied().flatten())?;
    walk.at_head = reader.all(at_head)?;
    walk.head = Some(commit_info(&head));
    Ok(walk)
}

/// The first parent, unless the commit has none (root, or a shallow boundary).
fn first_parent(commit: &git2::Commit<'_>) -> Option<Oid> {
    if commit.parent_count() == 0 { None } else { commit.parent_id(0).ok() }
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
    let head = match repo.head() {
        Ok(h) => h.peel_to_commit()?,
        Err(_) => return Err(NoHistory::NoCommits),
    };
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
/// discovery read (the task files its schema tracks): ids are git blob ids
/// of the first task file and `proposal.md`, so they compare with the
/// committed ones; a folder's `dir` is a hash of those.
pub fn worktree(tree: &Tree, counter: &dyn TaskCounter) -> BTreeMap<FolderKey, FolderState> {
    let blob = |text: &str| Oid::hash_object(ObjectType::Blob, text.as_bytes()).ok();
    tree.changes
        .iter()
        .map(|c| {
            let tasks = c.task_files.first().and_then(|f| blob(&f.text));
            let proposal = c.proposal.as_ref().and_then(|f| blob(&f.text));
            let (done, total) = c.task_files.iter().fold((0usize, 0usize), |(d, t), f| {
                let (fd, ft) = counter.count(&f.text);
                (d.saturating_add(fd), t.saturating_add(ft))
            });
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
            Some(h)
                if (h.tasks, h.proposal, h.done, h.total) == (state.tasks, state.proposal, state.done, state.total) => {
            }
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

/// A file or folder [`materialise`] could not write: read as missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwritten {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// Why: git's or the operating system's message, naming no path.
    pub reason: String,
}

/// Write the files below each of `paths` (work-tree relative, `/`-separated)
/// at commit `id` into `dest`, keeping their relative paths. A path missing
/// at that commit is skipped. Symlinks and submodules are not written.
///
/// It degrades per file: an object that cannot be read (missing from the
/// object store) or a file or folder that cannot be created (a name the file
/// system refuses) is left out and listed, sorted by path, and the rest is
/// written. Only a commit or root tree that cannot be read is an error. No
/// message names `dest`.
pub fn materialise(repo: &Repository, id: &str, paths: &[String], dest: &Path) -> Result<Vec<Unwritten>, String> {
    let fail = |e: git2::Error| format!("reading commit {id}: {}", e.message());
    let commit = repo.find_commit(Oid::from_str(id).map_err(fail)?).map_err(fail)?;
    let root = commit.tree().map_err(fail)?;
    let mut unwritten = Vec::new();
    for path in paths {
        let Ok(entry) = root.get_path(Path::new(path)) else { continue };
        write_entry(repo, &entry, path, &dest.join(path), &mut unwritten);
    }
    unwritten.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(unwritten)
}

/// Write one tree entry (`path` in the repository) to `target`, listing
/// in `unwritten` what could not be.
fn write_entry(
    repo: &Repository,
    entry: &git2::TreeEntry<'_>,
    path: &str,
    target: &Path,
    unwritten: &mut Vec<Unwritten>,
) {
    let mut skip = |reason: String| unwritten.push(Unwritten { path: path.to_owned(), reason });
    // Regular files and folders only: no symlink can lead the reader out of
    // the scratch folder, nor a later write through it.
    if entry.filemode() == 0o120000 || entry.kind() == Some(ObjectType::Commit) {
        return;
    }
    let object = match entry.to_object(repo) {
        Ok(o) => o,
        Err(e) => return skip(e.message().to_owned()),
    };
    match object.kind() {
        Some(ObjectType::Blob) => {
            let content = object.as_blob().map(git2::Blob::content).unwrap_or_default();
            let written = match target.parent() {
                Some(parent) => std::fs::create_dir_all(parent),
                None => Ok(()),
            }
            .and_then(|()| create_new(target))
            .and_then(|mut file| std::io::Write::write_all(&mut file, content));
            if let Err(e) = written {
                skip(io_reason(&e));
            }
        }
        Some(ObjectType::Tree) => {
            // A tree listing a name twice merges into one real folder, never
            // into whatever else is there.
            let made = match std::fs::create_dir(target) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match std::fs::symlink_metadata(target) {
                    Ok(m) if m.is_dir() => Ok(()),
                    _ => Err(e),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(target),
                other => other,
            };
            if let Err(e) = made {
                return skip(io_reason(&e));
            }
            for child in object.as_tree().expect("a tree").iter() {
                let bytes = child.name_bytes();
                if bytes.is_empty() || bytes.contains(&b'/') || bytes.contains(&0) || bytes == b".." || bytes == b"." {
                    continue;
                }
                // Written under its own bytes, so names that are not UTF-8
                // stay apart (discovery names them distinctly).
                let name = crate::model::name_text(bytes);
                write_entry(repo, &child, &format!("{path}/{name}"), &target.join(file_name(bytes)), unwritten);
            }
        }
        _ => {}
    }
}

/// A tree entry's name as a file name: its bytes where the system takes
/// any, else the UTF-8 reading of them.
fn file_name(bytes: &[u8]) -> std::ffi::OsString {
    #[cfg(unix)]
    {
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes).to_owned()
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(bytes).into_owned().into()
    }
}

/// Create a file that must not exist yet, never through a symbolic link.
fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    options.open(path)
}

/// An I/O error's reason without the path it was about (`std::io::Error`
/// names none, but an error built elsewhere may).
fn io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(_) => e.to_string(),
        None => e.kind().to_string(),
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
    let head = match repo.head() {
        Ok(h) => h.peel_to_commit()?,
        Err(_) => return Err(NoHistory::NoCommits),
    };
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
/// first-parent line; rename detection runs only on commits that delete one
/// of the paths.
pub fn path_fates(
    repo: &Repository,
    missing: &BTreeSet<String>,
) -> Result<BTreeMap<String, Option<String>>, NoHistory> {
    let mut fates = BTreeMap::new();
    if missing.is_empty() {
        return Ok(fates);
    }
    let head = match repo.head() {
        Ok(h) => h.peel_to_commit()?,
        Err(_) => return Err(NoHistory::NoCommits),
    };
    // Current name → the original missing path it stands for.
    let mut following: BTreeMap<String, String> = missing.iter().map(|p| (p.clone(), p.clone())).collect();
    for id in commit_ids(repo, head.id(), WalkOptions::default())? {
        let commit = repo.find_commit(id)?;
        let Some(parent) = first_parent(&commit) else { continue };
        let old = repo.find_commit(parent)?.tree()?;
        let new = commit.tree()?;
        let mut diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
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
        for d in diff.deltas() {
            let Some(old_path) = d.old_file().path().and_then(Path::to_str) else { continue };
            let Some(original) = following.get(old_path).cloned() else { continue };
            match d.status() {
                git2::Delta::Renamed => {
                    let to = d.new_file().path().and_then(Path::to_str).unwrap_or_default().to_owned();
                    following.remove(old_path);
                    following.insert(to.clone(), original.clone());
                    fates.insert(original, Some(to));
                }
                git2::Delta::Deleted => {
                    fates.insert(original, None);
                }
                _ => {}
            }
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

/// Which of `paths` (repository-relative) differ between commit `from` and
/// `HEAD`, or in the working tree.
pub fn changed_since(repo: &Repository, from: &str, paths: &[String]) -> Result<BTreeSet<String>, NoHistory> {
    if paths.is_empty() {
        return Ok(BTreeSet::new());
    }
    let old = repo.find_commit(Oid::from_str(from)?)?.tree()?;
    let mut opts = git2::DiffOptions::new();
    for p in paths {
        opts.pathspec(p);
    }
    opts.disable_pathspec_match(true).include_untracked(true);
    let diff = repo.diff_tree_to_workdir_with_index(Some(&old), Some(&mut opts))?;
    Ok(diff
        .deltas()
        .flat_map(|d| [d.old_file().path(), d.new_file().path()])
        .flatten()
        .filter_map(|p| p.to_str().map(str::to_owned))
        .collect())
}

/// The files tracked at `HEAD` or in the index, plus untracked files that
/// are not ignored, minus files deleted in the work tree: what the
/// repository holds now. Repository-relative.
pub fn work_tree_files(repo: &Repository) -> Result<Vec<String>, NoHistory> {
    let mut files: BTreeSet<String> = BTreeSet::new();
    let index = repo.index()?;
    for e in index.iter() {
        files.insert(String::from_utf8_lossy(&e.path).into_owned());
    }
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false);
    for s in repo.statuses(Some(&mut opts))?.iter() {
        let Ok(path) = s.path() else { continue };
        let st = s.status();
        if st.contains(git2::Status::WT_NEW) {
            files.insert(path.to_owned());
        }
        if st.contains(git2::Status::WT_DELETED) || st.contains(git2::Status::INDEX_DELETED) {
            files.remove(path);
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
    fn days_are_utc() {
        let day = |secs| Day::from_unix(secs).to_string();
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(-1), "1969-12-31");
        assert_eq!(day(1_717_200_000), "2024-06-01");
    }
}
