//! The reader of git trees the walks share: change folders of a `changes/`
//! tree and their states (counted under the rules of the commit), with caches
//! by object id.

use super::*;

pub(super) struct Reader<'r, 'c> {
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
    pub(super) current: RulesKey,
    /// (`.openspec.yaml` blob id, rules) → the schema it chooses.
    choices: HashMap<(Option<Oid>, RulesKey), SchemaChoice>,
    /// (tree id, depth) → the id below it on the path [`Reader::subtree`]
    /// reads (one path per reader): a folder on the way that did not change
    /// is not read again.
    below: HashMap<(Oid, usize), Option<Oid>>,
}

impl<'r, 'c> Reader<'r, 'c> {
    pub(super) fn new(repo: &'r Repository, counter: Option<&'c dyn TaskCounter>) -> Self {
        Reader {
            repo,
            last: None,
            folders: HashMap::new(),
            counts: HashMap::new(),
            counter,
            rules: HashMap::new(),
            current: (None, None),
            choices: HashMap::new(),
            below: HashMap::new(),
        }
    }

    /// The `changes/` folder and the rules key of an `openspec/` tree, the
    /// rules made current (read from the tree the first time they are seen).
    pub(super) fn enter(&mut self, openspec: Option<Oid>) -> Result<Option<Oid>, git2::Error> {
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

    pub(super) fn text(&self, blob: Oid) -> Result<String, git2::Error> {
        Ok(String::from_utf8_lossy(self.repo.find_blob(blob)?.content()).into_owned())
    }

    /// The id of the folder at `path` below the tree `root`, if it is one.
    pub(super) fn subtree(&mut self, root: Oid, path: &[String]) -> Result<Option<Oid>, git2::Error> {
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

    pub(super) fn tree(&mut self, id: Option<Oid>) -> Result<Option<git2::Tree<'r>>, git2::Error> {
        let Some(id) = id else { return Ok(None) };
        if let Some(t) = self.last.as_ref().filter(|t| t.id() == id) {
            return Ok(Some(t.clone()));
        }
        let t = self.repo.find_tree(id)?;
        self.last = Some(t.clone());
        Ok(Some(t))
    }

    pub(super) fn folder(&mut self, id: Oid) -> Result<FolderState, git2::Error> {
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

    pub(super) fn count(&mut self, blob: Oid) -> Result<(u32, u32), git2::Error> {
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
    pub(super) fn diff(
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
    pub(super) fn comings_and_goings(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
    ) -> Result<(Folders, Folders), git2::Error> {
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
    pub(super) fn folders_between(
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
    pub(super) fn holds(&self, changes: Option<&git2::Tree<'r>>, key: &FolderKey) -> Result<bool, git2::Error> {
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
    pub(super) fn none_from(
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
    pub(super) fn all(&mut self, changes: Option<Oid>) -> Result<BTreeMap<FolderKey, FolderState>, git2::Error> {
        let mut out = Vec::new();
        self.diff(None, changes, false, &mut out)?;
        Ok(out.into_iter().filter_map(|d| d.state.map(|s| (d.key, s))).collect())
    }
}

/// A tree entry's id and mode.
pub(super) type Side = (Oid, i32);

/// The mode of a folder entry.
pub(super) const FOLDER: i32 = 0o040000;

/// The id of an entry that is a folder.
pub(super) fn folder(e: Option<Side>) -> Option<Oid> {
    e.filter(|e| e.1 == FOLDER).map(|e| e.0)
}

/// The entries that differ (in id or mode) between two trees, a missing
/// one being empty: name, before and after, in git's order. The two entry
/// lists are merged, borrowing names from the tree objects: only entries
/// that differ cost more than a comparison.
pub(super) fn differing(
    a: Option<&git2::Tree<'_>>,
    b: Option<&git2::Tree<'_>>,
) -> Vec<(String, Option<Side>, Option<Side>)> {
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
pub(super) type Folders = Vec<(FolderKey, FolderState)>;

/// Every file (blob) below a tree, as `/`-separated paths relative to it.
pub(super) fn blob_paths(tree: &git2::Tree<'_>) -> Vec<String> {
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
pub(super) fn name(e: &git2::TreeEntry<'_>) -> String {
    crate::model::name_text(e.name_bytes())
}

/// Git sorts tree entries by name, folders as if their name ended in `/`.
pub(super) fn git_cmp(x: &git2::TreeEntry<'_>, y: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
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
