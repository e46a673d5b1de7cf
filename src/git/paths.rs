//! What became of given paths: files a commit changed, renames and
//! deletions followed, changes since a commit, the work tree's files.

use super::*;

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
    Ok(paths_between(repo, parent.as_ref(), &tree)?.into_iter().collect())
}

/// The paths that differ between two trees (everything in `new` when there
/// is no `old`), both sides of a rename.
fn paths_between(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: &git2::Tree<'_>,
) -> Result<BTreeSet<String>, NoHistory> {
    let diff = repo.diff_tree_to_tree(old, Some(new), None)?;
    let mut out = BTreeSet::new();
    for d in diff.deltas() {
        for f in [d.old_file(), d.new_file()] {
            if let Some(p) = f.path().and_then(Path::to_str) {
                out.insert(p.to_owned());
            }
        }
    }
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
pub(super) fn changed_paths(
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
pub(super) struct PathTree {
    /// A path ends here.
    file: bool,
    below: BTreeMap<String, PathTree>,
}

impl PathTree {
    pub(super) fn of<'a>(paths: impl IntoIterator<Item = &'a String>) -> Self {
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
    pub(super) fn changed(&self, repo: &Repository, old: Oid, new: Option<Oid>) -> Result<bool, git2::Error> {
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

/// For a merge commit, the files it changed against its first parent
/// split by where they came from: those that differ from every parent
/// (what the merge itself wrote: conflict resolutions, edits) and those it
/// took unchanged from another parent (that branch's work). `None` for a
/// commit with one parent or none.
pub fn merge_sides(repo: &Repository, commit: &str) -> Result<Option<MergeSides>, NoHistory> {
    let commit = repo.find_commit(Oid::from_str(commit)?)?;
    if commit.parent_count() < 2 {
        return Ok(None);
    }
    let tree = commit.tree()?;
    let parents: Vec<git2::Tree<'_>> = commit.parents().map(|p| p.tree()).collect::<Result<_, _>>()?;
    let first = paths_between(repo, Some(&parents[0]), &tree)?;
    let mut own = first.clone();
    for p in &parents[1..] {
        let other = paths_between(repo, Some(p), &tree)?;
        own.retain(|f| other.contains(f));
    }
    let taken = first.difference(&own).cloned().collect();
    Ok(Some(MergeSides { all: first.into_iter().collect(), own: own.into_iter().collect(), taken }))
}

/// A merge's changes by origin ([`merge_sides`]), each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSides {
    /// Every file it changed against its first parent ([`changed_files`]).
    pub all: Vec<String>,
    pub own: Vec<String>,
    pub taken: Vec<String>,
}

/// What a commit (abbreviated ids do) did to one file against its first
/// parent: the text before and after (empty where the file was not, or is
/// not UTF-8) and the 1-based numbers of the lines it removed (in the text
/// before) and added (in the text after). `None` when it did not change it.
pub fn file_edit(repo: &Repository, commit: &str, path: &str) -> Result<Option<FileEdit>, NoHistory> {
    let commit = repo.revparse_single(commit)?.peel_to_commit()?;
    let tree = commit.tree()?;
    let parent = match first_parent(&commit) {
        Some(p) => Some(repo.find_commit(p)?.tree()?),
        None => None,
    };
    let text = |tree: Option<&git2::Tree<'_>>| -> Result<String, NoHistory> {
        let Some(entry) = tree.and_then(|t| t.get_path(Path::new(path)).ok()) else { return Ok(String::new()) };
        let blob = repo.find_blob(entry.id())?;
        Ok(std::str::from_utf8(blob.content()).unwrap_or_default().to_owned())
    };
    let (before, after) = (text(parent.as_ref())?, text(Some(&tree))?);
    if before == after {
        return Ok(None);
    }
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let patch = git2::Patch::from_buffers(before.as_bytes(), None, after.as_bytes(), None, None)?;
    for h in 0..patch.num_hunks() {
        for l in 0..patch.num_lines_in_hunk(h)? {
            let line = patch.line_in_hunk(h, l)?;
            match line.origin() {
                '-' => removed.extend(line.old_lineno().map(|n| n as usize)),
                '+' => added.extend(line.new_lineno().map(|n| n as usize)),
                _ => {}
            }
        }
    }
    drop(patch);
    Ok(Some(FileEdit { before, after, removed, added }))
}

/// One file's edit by one commit ([`file_edit`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileEdit {
    pub before: String,
    pub after: String,
    pub removed: Vec<usize>,
    pub added: Vec<usize>,
}

/// Whether one of the files `paths` (repository-relative) differs between
/// the state before commit `from` (its first parent; nothing before a root
/// commit) and commit `to`: did anything happen to them from `from` on,
/// up to `to`? Compares tree entries by id, so no file is read.
pub fn changed_between(repo: &Repository, from: &str, to: &str, paths: &[String]) -> Result<bool, NoHistory> {
    let start = repo.find_commit(Oid::from_str(from)?)?;
    let before = match first_parent(&start) {
        Some(p) => Some(repo.find_commit(p)?.tree()?),
        None => None,
    };
    let after = repo.find_commit(Oid::from_str(to)?)?.tree()?;
    let entry = |tree: Option<&git2::Tree<'_>>, p: &str| {
        tree.and_then(|t| t.get_path(Path::new(p)).ok()).map(|e| (e.id(), e.filemode()))
    };
    Ok(paths.iter().any(|p| entry(before.as_ref(), p) != entry(Some(&after), p)))
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
pub(super) fn dirty_paths<'a>(
    repo: &Repository,
    paths: impl Iterator<Item = &'a String>,
) -> Result<BTreeSet<String>, NoHistory> {
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
pub(super) fn diff_to_work_tree(
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
