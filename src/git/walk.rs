//! The history of the change folders: the whole walk ([`walk`]), the
//! window `spec status` reads ([`recent_activity`]), the creation of given
//! folders ([`arrivals`]) and the working tree as a last point.

use super::*;

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
pub(super) fn uncommitted(repo: &Repository, dir: &Path) -> Result<Vec<String>, NoHistory> {
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
