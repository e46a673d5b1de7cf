//! The code a project's changes touch: the repository's files, the code
//! links of each change (mentions resolved against the files, git
//! co-change, renames and deletions from history), the Nix graph of a
//! flake, and what `spec check` says about them.

use super::{Loaded, history};
use crate::analyse::history::History;
use crate::analyse::links::{
    self, ChangeInput, CoChanges, CommitWork, DocKind, Document, Fates, Files, Link, Source, State,
};
use crate::analyse::overlaps::{self, Overlap};
use crate::discover::{self, code::FilesFrom};
use crate::error::Result;
use crate::git::{self, Arrival, NoHistory};
use crate::model::{Change, ChangeStatus, Diagnostic, Stage};
use crate::nix::{self, ChangeCode, Impact, NixGraph};
use crate::source::{FolderKey, FolderState, Walk};
use rayon::prelude::*;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where the file list comes from.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodeSource<'a> {
    /// A list of paths (`--files`), instead of the work tree.
    pub files: Option<&'a Path>,
    /// Leave git out: no history, no co-change, no renames.
    pub no_git: bool,
}

impl<'a> From<&'a crate::cli::CodeArgs> for CodeSource<'a> {
    fn from(args: &'a crate::cli::CodeArgs) -> Self {
        CodeSource { files: args.files.as_deref(), no_git: args.no_git }
    }
}

/// How much git evidence a command's code links need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The file list only: outputs that must be a function of the checkout.
    Files,
    /// Git asked only what `spec check`'s findings need, when they need it:
    /// renames and deletions of missing paths, when some changes were
    /// created (see [`CodeContext::findings`]). No history walk.
    History,
    /// The whole history, and files changed together with each change (a
    /// diff per commit).
    CoChange,
}

/// What linking changes to code needs about the repository.
pub struct CodeContext {
    pub files: Files,
    pub from: FilesFrom,
    /// Files changed by the commits that worked on each change (by current change id).
    pub co: CoChanges,
    /// Hosts, for bare file names and for hosts a change names.
    pub hosts: Vec<String>,
    repo: Option<git2::Repository>,
    evidence: Evidence,
    /// The project folder relative to the repository root (`""` at the root).
    prefix: String,
    /// When each change was created and completed, from git.
    pub history: Option<(Walk, History)>,
    /// The Nix graph, when the project has a readable `flake.nix`.
    pub nix: Option<NixGraph>,
    /// The links of every change (not nested), once computed.
    all_links: OnceCell<Vec<Vec<Link>>>,
}

impl CodeContext {
    /// Read what linking needs: the file list, the Nix graph, and from git
    /// (for [`Evidence::CoChange`]) the history and the files changed with
    /// each change's folder or in commits whose message names it. `known`
    /// is the project's history when the caller read it already.
    pub fn read(
        l: &Loaded,
        source: CodeSource<'_>,
        evidence: Evidence,
        known: Option<(Walk, History)>,
    ) -> Result<Self> {
        let repo = if source.no_git { None } else { git::open(&l.tree.dir).ok() };
        let (files, from) = file_list(&l.tree.dir, source.files, repo.as_ref())?;
        // The plans themselves are not code a change touches.
        let files = Files::new(files.into_iter().filter(|f| !f.starts_with("openspec/")));
        let files = with_gitignores(&l.tree.dir, files);
        let prefix =
            repo.as_ref().and_then(|r| git::repo_path(r, &l.tree.dir).ok()).map(|p| p.join("/")).unwrap_or_default();
        let mut co = CoChanges::default();
        let mut history = None;
        if let Some(repo) = &repo
            && evidence == Evidence::CoChange
            && let Some(h) = known.or_else(|| history::read(l, None, history::HistoryOptions::default()).ok())
        {
            co = co_changes(repo, l, &h, &prefix, &files).unwrap_or_default();
            history = Some(h);
        }
        let nix = nix_graph(&l.tree.dir, &files);
        let hosts = hosts(nix.as_ref(), &files);
        Ok(CodeContext { files, from, co, hosts, repo, evidence, prefix, history, nix, all_links: OnceCell::new() })
    }

    /// The context for outputs that must be a function of the checkout
    /// (ROADMAP.md, `spec status`): the work tree's files, no history, no
    /// renames.
    pub fn checkout(l: &Loaded) -> Result<Self> {
        let mut ctx = CodeContext::read(l, CodeSource::default(), Evidence::Files, None)?;
        ctx.repo = None;
        Ok(ctx)
    }

    /// The project's history, when it was read.
    pub fn history(&self) -> Option<&History> {
        self.history.as_ref().map(|(_, h)| h)
    }

    /// A path of the project folder, relative to the repository.
    fn in_repo(&self, path: &str) -> String {
        if self.prefix.is_empty() { path.to_owned() } else { format!("{}/{path}", self.prefix) }
    }

    /// What git says about the paths that do not exist now.
    fn fates(&self, missing: &BTreeSet<String>) -> Fates {
        let Some(repo) = &self.repo else { return Fates::default() };
        let wanted: BTreeSet<String> = missing.iter().map(|p| self.in_repo(p)).collect();
        let fates = git::path_fates(repo, &wanted).unwrap_or_default();
        let local = |p: &str| p.strip_prefix(&format!("{}/", self.prefix)).unwrap_or(p).to_owned();
        fates
            .into_iter()
            .map(|(from, to)| (if self.prefix.is_empty() { from } else { local(&from) }, to.map(|t| local(&t))))
            .collect()
    }

    /// What resolving one change's links needs.
    fn input<'a>(&'a self, l: &'a Loaded, c: &'a Change) -> ChangeInput<'a> {
        let dir = l.dir_of(c);
        let meta_path = dir.and_then(|d| d.metadata.as_ref()).map_or("", |m| m.path.as_str());
        let documents: Vec<Document<'a>> = dir
            .map(|d| {
                let doc =
                    |kind| move |f: &'a crate::source::SourceFile| Document { file: &f.path, text: &f.text, kind };
                d.proposal
                    .iter()
                    .map(doc(DocKind::Proposal))
                    .chain(d.design.iter().map(doc(DocKind::Design)))
                    .chain(d.task_files.iter().map(doc(DocKind::Tasks)))
                    .chain(d.deltas.iter().map(|s| doc(DocKind::Delta)(&s.file)))
                    .collect()
            })
            .unwrap_or_default();
        let declared: Vec<(&str, &str)> = c
            .metadata
            .iter()
            .flat_map(|m| m.touches.iter().chain(&m.affected_areas))
            .map(|v| (meta_path, v.as_str()))
            .collect();
        ChangeInput {
            id: &c.id,
            documents,
            declared,
            co_changed: self.co.get(&c.id),
            inputs: self.nix.as_ref().map_or(&[], |g| g.inputs()),
            done: matches!(c.status, ChangeStatus::Complete | ChangeStatus::Archived),
        }
    }

    /// The links of every change of the project that is not a namespace
    /// folder, in project order, at or above the floor (see
    /// [`CodeContext::links`]); computed once.
    pub fn all_links(&self, l: &Loaded) -> &[Vec<Link>] {
        self.all_links.get_or_init(|| {
            let changes: Vec<&Change> = l.project.real_changes().collect();
            self.links(l, &changes)
        })
    }

    /// Pairs of active changes that name the same requirement or declare
    /// links to the same file ([`overlaps::overlaps`]).
    /// Unless every change's links are known already, only the links the
    /// overlaps read are resolved: for each id of an active change, those
    /// of the last change of that id.
    pub fn overlaps(&self, l: &Loaded) -> Vec<Overlap> {
        let changes: Vec<&Change> = l.project.real_changes().collect();
        if let Some(links) = self.all_links.get() {
            let by_id: BTreeMap<&str, &[Link]> =
                changes.iter().zip(links).map(|(c, links)| (c.id.as_str(), links.as_slice())).collect();
            return overlaps::overlaps(&l.project, &by_id);
        }
        let mut last: BTreeMap<&str, &Change> = BTreeMap::new();
        for c in &changes {
            last.insert(c.id.as_str(), c);
        }
        let active: BTreeSet<&str> = changes.iter().filter(|c| !c.archived).map(|c| c.id.as_str()).collect();
        let read: Vec<&Change> = l
            .project
            .real_changes()
            .filter(|c| active.contains(c.id.as_str()) && std::ptr::eq(last[c.id.as_str()], *c))
            .collect();
        let links = self.links(l, &read);
        let by_id: BTreeMap<&str, &[Link]> =
            read.iter().zip(&links).map(|(c, links)| (c.id.as_str(), links.as_slice())).collect();
        overlaps::overlaps(&l.project, &by_id)
    }

    /// The links of each change at or above the confidence floor
    /// ([`links::FLOOR`], [`links::above_floor`]): what every view built on
    /// links shows and counts (`spec links`, status, ROADMAP.md, the site,
    /// impact, the hosts a change affects).
    pub fn links(&self, l: &Loaded, changes: &[&Change]) -> Vec<Vec<Link>> {
        self.candidates(l, changes).into_iter().map(|links| links::split_at_floor(links).0).collect()
    }

    /// Every candidate link of each change, below the floor too (`spec
    /// links --all`), in two passes: the second knows what git says about
    /// the paths the first found missing (one history walk for all).
    pub fn candidates(&self, l: &Loaded, changes: &[&Change]) -> Vec<Vec<Link>> {
        let inputs: Vec<ChangeInput<'_>> = changes.iter().map(|c| self.input(l, c)).collect();
        let first = self.resolve(&inputs);
        let fates = self.fates(&missing(&first));
        self.resolve_again(&inputs, first, &fates)
    }

    /// The links of each change, knowing nothing from git.
    fn resolve(&self, inputs: &[ChangeInput<'_>]) -> Vec<Vec<Link>> {
        let (files, hosts) = (&self.files, &self.hosts);
        inputs.par_iter().map(|i| links::resolve(i, files, &Fates::default(), hosts)).collect()
    }

    /// `first` again with what git says about missing paths: only the
    /// changes with a link to one of them resolve again (nothing else changes).
    fn resolve_again(&self, inputs: &[ChangeInput<'_>], first: Vec<Vec<Link>>, fates: &Fates) -> Vec<Vec<Link>> {
        if fates.is_empty() {
            return first;
        }
        let (files, hosts) = (&self.files, &self.hosts);
        inputs
            .par_iter()
            .zip(first)
            .map(|(i, links)| {
                if links.iter().any(|l| fates.contains_key(missing_key(l))) {
                    links::resolve(i, files, fates, hosts)
                } else {
                    links
                }
            })
            .collect()
    }

    /// The hosts whose build runs code the links name.
    pub fn hosts_affected(&self, links: &[Link]) -> Vec<String> {
        match &self.nix {
            Some(g) => g.hosts_running(links::nix_files(links, &self.files)),
            None => Vec::new(),
        }
    }

    /// Per host of the Nix graph, the changes whose linked `.nix` files its
    /// build runs; `None` without a Nix graph.
    pub fn host_impact(&self, l: &Loaded) -> Option<Impact> {
        let graph = self.nix.as_ref()?;
        let words = nix::targets::host_words(graph);
        let changes: Vec<ChangeCode> = l
            .project
            .real_changes()
            .zip(self.all_links(l))
            .map(|(c, links)| {
                let mut nix_files: Vec<String> =
                    links::nix_files(links, &self.files).into_iter().map(str::to_owned).collect();
                if self.flake_edits_for_tools(c) {
                    nix_files.retain(|f| f != "flake.nix");
                }
                ChangeCode {
                    id: c.id.clone(),
                    status: c.status,
                    tasks: c.tasks,
                    abandoned: self.abandoned(c, &nix_files),
                    nix_files,
                    targets: nix::targets::targets(&l.documents(c), &words),
                }
            })
            .collect();
        Some(nix::impact::host_impact(graph, &changes))
    }

    /// Is this change's work done (complete, or archived) and did every
    /// commit of it that edited `flake.nix` edit only what no host
    /// evaluates there (dev shells, the formatter, checks, comments:
    /// [`nix::parse::reaches_hosts`])? Then `flake.nix` is not host code
    /// for it. False without history, or when git does not say.
    fn flake_edits_for_tools(&self, c: &Change) -> bool {
        if !Stage::of(c.status, c.tasks).closed() {
            return false;
        }
        let (Some(repo), Some(co)) = (&self.repo, self.co.get(&c.id).and_then(|m| m.get("flake.nix"))) else {
            return false;
        };
        let path = self.in_repo("flake.nix");
        !co.commits.is_empty()
            && co.commits.iter().all(|(commit, _)| match git::file_edit(repo, commit, &path) {
                Ok(Some(e)) => {
                    !nix::parse::reaches_hosts(&e.after, &e.added) && !nix::parse::reaches_hosts(&e.before, &e.removed)
                }
                Ok(None) => true,
                Err(_) => false,
            })
    }

    /// Was this change archived with tasks open and none of its `.nix`
    /// files changed from the commit that created it to the one that
    /// archived it? False when the history was not read or does not say.
    fn abandoned(&self, c: &Change, nix_files: &[String]) -> bool {
        if nix_files.is_empty() || Stage::of(c.status, c.tasks) != Stage::ArchivedUnfinished {
            return false;
        }
        let (Some(repo), Some(history)) = (&self.repo, self.history()) else { return false };
        let Some(h) = history.changes.iter().find(|h| h.id == c.id && !h.created_before_history) else { return false };
        let (Some(from), Some(to)) = (&h.created.commit, h.archived.as_ref().and_then(|a| a.commit.as_ref())) else {
            return false;
        };
        let paths: Vec<String> = nix_files.iter().map(|f| self.in_repo(f)).collect();
        git::changed_between(repo, from, to, &paths).is_ok_and(|changed| !changed)
    }

    /// `spec check`'s findings about code: the Nix graph's, and from git
    /// references to files that were renamed or deleted, and complete
    /// changes none of whose files changed after the change was created
    /// ("ticked without evidence").
    ///
    /// What `check` reads from git for them, and nothing more, so that a
    /// repository costs little beside reading the tree (the findings are
    /// the ones the whole history gives, see [`git::arrivals`]):
    ///
    /// - what became of the paths that the active changes name and that are
    ///   not in the work tree ([`git::path_fates`]): one walk of the
    ///   first-parent line reading only the trees on the way to those paths,
    ///   with a diff and rename detection only at the commits that delete one;
    /// - when each complete change that names existing files was created
    ///   ([`git::arrivals`]): a walk back from `HEAD` that stops at the
    ///   oldest of them and reads a commit's `changes/` folder only where it
    ///   differs from the parent's; no task counts, no burn-up, no co-change;
    /// - whether those files differ between that commit and the work tree
    ///   ([`git::changed_since`]).
    ///
    /// None of it without git (`--no-git`), outside a repository or before
    /// its first commit.
    pub fn findings(&self, l: &Loaded) -> Vec<Diagnostic> {
        let mut out = self.nix.as_ref().map(nix::findings::findings).unwrap_or_default();
        out.extend(self.git_findings(l));
        out
    }

    fn git_findings(&self, l: &Loaded) -> Vec<Diagnostic> {
        let Some(repo) = self.repo.as_ref().filter(|r| self.evidence >= Evidence::History && r.head().is_ok()) else {
            return Vec::new();
        };
        let active: Vec<&Change> = l.project.active().filter(|c| c.nested.is_empty()).collect();
        let inputs: Vec<ChangeInput<'_>> = active.iter().map(|c| self.input(l, c)).collect();
        let first = self.resolve(&inputs);
        // The files each complete change names (what git says about missing
        // paths leaves the existing ones as they are).
        let named: Vec<Vec<String>> = active
            .iter()
            .zip(&first)
            .map(|(c, links)| {
                if c.status != ChangeStatus::Complete {
                    return Vec::new();
                }
                let file =
                    |k: &&Link| k.source == Source::Declared && k.state == State::Exists && !k.path.ends_with('/');
                links.iter().filter(file).map(|k| self.in_repo(&k.path)).collect()
            })
            .collect();
        let folder = |c: &Change| FolderKey { archived: false, folder: c.id.clone() };
        let wanted: Vec<FolderKey> =
            active.iter().zip(&named).filter(|(_, n)| !n.is_empty()).map(|(c, _)| folder(c)).collect();
        let fates = self.fates(&missing(&first));
        let arrivals = if wanted.is_empty() {
            BTreeMap::new()
        } else {
            let openspec = l.tree.dir.join("openspec");
            let worktree = || git::worktree(&l.tree, &super::history::Counting);
            let continues = crate::analyse::history::continues;
            git::arrivals(repo, &openspec, &wanted, worktree, continues).unwrap_or_default()
        };
        let mut out = Vec::new();
        for (c, links) in active.iter().zip(self.resolve_again(&inputs, first, &fates)) {
            for link in links.iter().filter(|k| k.source == Source::Declared) {
                let Some(at) = link.evidence.iter().find(|e| e.line.is_some()) else { continue };
                let message = match &link.state {
                    State::Renamed(to) => format!("`{}` was renamed to `{to}`", link.path),
                    State::Deleted => format!("`{}` was deleted", link.path),
                    _ => continue,
                };
                out.push(
                    Diagnostic::warning(at.file.clone(), at.line, format!("{message} (named by change {})", c.id))
                        .with_help("update the reference, or say why the old path still matters"),
                );
            }
        }
        // Complete changes none of whose files changed since they were created.
        let created: Vec<(&Change, &Vec<String>, &str)> = active
            .iter()
            .zip(&named)
            .filter_map(|(c, n)| match arrivals.get(&folder(c)) {
                Some(Arrival::Commit(at)) => Some((*c, n, at.id.as_str())),
                _ => None,
            })
            .collect();
        let asks: Vec<(&str, &[String])> = created.iter().map(|(_, n, at)| (*at, n.as_slice())).collect();
        for ((c, named, at), changed) in created.iter().zip(git::changed_since(repo, &asks)) {
            if changed.unwrap_or(true) {
                continue;
            }
            let tasks = l.dir_of(c).and_then(|d| d.task_files.first());
            let file = tasks.map_or_else(|| c.path.clone(), |f| f.path.clone());
            out.push(
                Diagnostic::warning(
                    file,
                    None,
                    format!(
                        "change {} is complete, but none of the {} file{} it names changed since it was created ({}): ticked without evidence?",
                        c.id,
                        named.len(),
                        if named.len() == 1 { "" } else { "s" },
                        &at[..at.len().min(10)]
                    ),
                )
                .with_help("check that the work landed, or name the files it changed"),
            );
        }
        out
    }
}

/// The key of a missing path for [`git::path_fates`]: a folder without its `/`.
fn missing_key(link: &Link) -> &str {
    link.path.trim_end_matches('/')
}

/// The paths the links found missing, by [`missing_key`]: planned ones,
/// and the files git says the change's commits changed that are gone now
/// (deleted, or renamed: git says which), when they are sure enough to show.
fn missing(links: &[Vec<Link>]) -> BTreeSet<String> {
    let gone = |l: &Link| l.source == Source::Git && l.state == State::Deleted && links::above_floor(l);
    links.iter().flatten().filter(|l| l.state == State::Planned || gone(l)).map(|l| missing_key(l).to_owned()).collect()
}

/// `files` with the rules of the project's `.gitignore` files (those the
/// file list has, read from the work tree; a list of a tree not checked out
/// has none to read).
fn with_gitignores(dir: &Path, files: Files) -> Files {
    let paths: Vec<String> = files.iter().filter(|f| f.rsplit('/').next() == Some(".gitignore")).cloned().collect();
    if paths.is_empty() {
        return files;
    }
    let (read, _) = crate::discover::read_files(dir, &paths);
    let rules: Vec<(String, String)> = read.into_iter().map(|f| (f.path, f.text)).collect();
    files.with_gitignores(&rules)
}

/// Every file of the project folder `dir`, `/`-separated and relative to
/// it: the `--files` list, else git's (tracked and untracked, not ignored),
/// else a walk; without the sites `spec site` wrote (folders with its
/// manifest).
fn file_list(dir: &Path, list: Option<&Path>, repo: Option<&git2::Repository>) -> Result<(Vec<String>, FilesFrom)> {
    let (files, from) = match (list, repo) {
        (Some(list), _) => (discover::code::list(list)?, FilesFrom::List(list.display().to_string())),
        // The plans are not code (`read` leaves them out of any list): git
        // does not read them.
        (None, Some(repo)) => match git::work_tree_files(repo, dir, &["openspec"]) {
            Ok(files) => (files, FilesFrom::Git),
            Err(_) => (discover::code::walk(dir), FilesFrom::Walk),
        },
        (None, None) => (discover::code::walk(dir), FilesFrom::Walk),
    };
    let files = discover::code::without_sites(files, crate::output::MANIFEST);
    Ok((without_roadmaps(dir, files), from))
}

/// Without the roadmaps `spec roadmap` wrote: Markdown files named like a
/// roadmap that hold its `<!-- spec:begin -->` marker are its output, not
/// code a change touches (every change would otherwise "touch" ROADMAP.md).
fn without_roadmaps(dir: &Path, files: Vec<String>) -> Vec<String> {
    let named = |f: &String| {
        let name = f.rsplit('/').next().unwrap_or(f).to_ascii_lowercase();
        name.ends_with(".md") && name.contains("roadmap")
    };
    let candidates: Vec<String> = files.iter().filter(|f| named(f)).cloned().collect();
    if candidates.is_empty() {
        return files;
    }
    let (read, _) = crate::discover::read_files(dir, &candidates);
    let generated: BTreeSet<String> =
        read.into_iter().filter(|f| f.text.contains(crate::model::roadmap::GENERATED_BEGIN)).map(|f| f.path).collect();
    files.into_iter().filter(|f| !generated.contains(f)).collect()
}

/// Hosts from the flake; without Nix hosts, by folder:
/// `hosts/<name>/default.nix`, or `hosts/<group>/<name>/default.nix` when
/// the group is not itself a host. Sorted, without duplicates.
fn hosts(nix: Option<&NixGraph>, files: &Files) -> Vec<String> {
    let mut hosts: Vec<String> = nix.map(|g| g.hosts().iter().map(|h| h.name.clone()).collect()).unwrap_or_default();
    if hosts.is_empty() {
        hosts = files
            .iter()
            .filter_map(|f| {
                let parts: Vec<&str> = f.split('/').collect();
                match parts.as_slice() {
                    ["hosts", name, "default.nix"] => Some((*name).to_owned()),
                    ["hosts", group, name, "default.nix"] if !files.contains(&format!("hosts/{group}/default.nix")) => {
                        Some((*name).to_owned())
                    }
                    _ => None,
                }
            })
            .collect();
    }
    hosts.sort();
    hosts.dedup();
    hosts
}

/// Read every `.nix` file of the project's flake (not those of flakes
/// nested in it) and build the graph; `None`
/// unless the project folder has a `flake.nix` that can be read (a
/// `--files` list of a tree not checked out has no graph). Files that
/// cannot be read are left out.
fn nix_graph(dir: &Path, files: &Files) -> Option<NixGraph> {
    if !files.contains("flake.nix") {
        return None;
    }
    // Every `.nix` file: the graph keeps those of the root's flake.
    let paths: Vec<String> = files.iter().filter(|f| f.ends_with(".nix")).cloned().collect();
    let (read, _) = crate::discover::read_files(dir, &paths);
    if !read.iter().any(|f| f.path == "flake.nix") {
        return None;
    }
    // What could not be read may be encrypted with git-crypt: say so.
    let got: BTreeSet<&str> = read.iter().map(|f| f.path.as_str()).collect();
    let encrypted: Vec<String> =
        paths.iter().filter(|p| !got.contains(p.as_str()) && git_crypted(&dir.join(p))).cloned().collect();
    let all: BTreeSet<String> = files.iter().cloned().collect();
    let fetch = |path: &str| crate::discover::read_files(dir, &[path.to_owned()]).0.pop().map(|f| f.text);
    Some(nix::read_with(&read, &all, &encrypted, &fetch))
}

/// Does the file start with git-crypt's header (`\0GITCRYPT\0`)? Reads ten bytes of a regular file.
fn git_crypted(path: &Path) -> bool {
    use std::io::Read;
    let Ok(meta) = std::fs::symlink_metadata(path) else { return false };
    let mut head = [0u8; 10];
    meta.is_file()
        && std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && head.starts_with(b"\0GITCRYPT")
}

/// Files changed by the commits that worked on each change, from git (see
/// [`links::co_changes`]): the commits that changed its folder other than
/// by creating it with no task done or moving it unchanged
/// ([`links::evidence::is_work`]), and those whose message names it.
fn co_changes(
    repo: &git2::Repository,
    l: &Loaded,
    (walk, history): &(Walk, History),
    prefix: &str,
    files: &Files,
) -> std::result::Result<CoChanges, NoHistory> {
    // Old folder names map to the change's id now (archive moves, renames).
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    for c in &l.project.changes {
        current.insert(c.id.clone(), c.id.clone());
    }
    for h in &history.changes {
        for old in &h.renamed_from {
            current.insert(old.clone(), h.id.clone());
        }
    }
    let openspec_rel = if prefix.is_empty() { "openspec/".to_owned() } else { format!("{prefix}/openspec/") };
    let outside = |files: Vec<String>| -> Vec<String> {
        files
            .into_iter()
            .filter(|f| !f.starts_with(&openspec_rel))
            .filter_map(|f| {
                if prefix.is_empty() { Some(f) } else { f.strip_prefix(&format!("{prefix}/")).map(str::to_owned) }
            })
            .collect()
    };
    let ids: BTreeSet<String> = current.keys().cloned().collect();
    // Per commit, each change whose folder it changed: whether that was work.
    let mut by_commit: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    let mut live: BTreeMap<FolderKey, FolderState> = BTreeMap::new();
    for step in &walk.steps {
        // Per change: its folders' states before the step, and after.
        let mut moved: BTreeMap<String, (Vec<FolderState>, Vec<FolderState>)> = BTreeMap::new();
        for d in &step.changes {
            let id = crate::analyse::history::change_id(&d.key);
            let entry = moved.entry(current.get(id).cloned().unwrap_or_else(|| id.to_owned())).or_default();
            entry.0.extend(live.get(&d.key).copied());
            entry.1.extend(d.state);
        }
        for d in &step.changes {
            match &d.state {
                Some(state) => live.insert(d.key.clone(), *state),
                None => live.remove(&d.key),
            };
        }
        let Some(commit) = &step.commit else { continue };
        let entry = by_commit.entry(commit.id.clone()).or_default();
        for (id, (before, after)) in moved {
            let (before, after): (Vec<&FolderState>, Vec<&FolderState>) =
                (before.iter().collect(), after.iter().collect());
            entry.insert(id, links::evidence::is_work(&before, &after));
        }
    }
    for (commit, message) in git::messages(repo, git::WalkOptions::default())? {
        for id in links::ids_in_message(&message, &ids) {
            by_commit.entry(commit.clone()).or_default().entry(current[id].clone()).or_insert(true);
        }
    }
    let mut commits = Vec::new();
    for (id, changes) in by_commit {
        let worked: Vec<String> = changes.into_iter().filter(|(_, work)| *work).map(|(c, _)| c).collect();
        if worked.is_empty() {
            continue;
        }
        // A merge takes another branch's work: it is a change's only when
        // the change's folder came with it (a pull request merged);
        // otherwise (the main line merged into the change's branch) only
        // what the merge itself wrote is.
        let groups = match git::merge_sides(repo, &id)? {
            Some(sides) => {
                let came = |c: &String| sides.taken.iter().any(|f| in_change_folder(f, &openspec_rel, c));
                let (with, without): (Vec<String>, Vec<String>) = worked.into_iter().partition(came);
                vec![(with, sides.all), (without, sides.own)]
            }
            None => vec![(worked, git::changed_files(repo, &id)?)],
        };
        for (worked, files) in groups {
            let changed = outside(files);
            if !worked.is_empty() && !changed.is_empty() {
                commits.push(CommitWork { id: id.clone(), changes: worked, files: changed });
            }
        }
    }
    Ok(links::co_changes(&commits, |f| files.not_code(f).is_some()))
}

/// Is `path` (repository-relative) inside the folder of change `id`
/// under `openspec` (`openspec/changes/<id>/`, or archived as
/// `openspec/changes/archive/<date>-<id>/`)?
fn in_change_folder(path: &str, openspec: &str, id: &str) -> bool {
    let Some(rest) = path.strip_prefix(openspec).and_then(|r| r.strip_prefix("changes/")) else { return false };
    let rest = rest.strip_prefix("archive/").unwrap_or(rest);
    rest.split_once('/').is_some_and(|(dir, _)| dir == id || dir.strip_suffix(id).is_some_and(|d| d.ends_with('-')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::history::continues;

    /// A git repository in a scratch folder, committed to with fixed times.
    struct Scratch {
        dir: tempfile::TempDir,
        repo: git2::Repository,
        day: i64,
    }

    impl Scratch {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let repo = git2::Repository::init(dir.path()).unwrap();
            let s = Scratch { dir, repo, day: 0 };
            s.write("openspec/project.md", "# Project\n");
            s
        }

        fn change(&self, folder: &str, task: &str) {
            self.write(&format!("openspec/changes/{folder}/proposal.md"), &format!("# Change: {folder}\n"));
            self.write(&format!("openspec/changes/{folder}/tasks.md"), &format!("- [ ] {task}\n"));
        }

        fn write(&self, path: &str, text: &str) {
            let path = self.dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        fn mv(&self, from: &str, to: &str) {
            let to = self.dir.path().join("openspec/changes").join(to);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::rename(self.dir.path().join("openspec/changes").join(from), to).unwrap();
        }

        fn rm(&self, folder: &str) {
            std::fs::remove_dir_all(self.dir.path().join("openspec/changes").join(folder)).unwrap();
        }

        fn commit(&mut self) -> String {
            self.day += 1;
            let mut index = self.repo.index().unwrap();
            index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
            index.update_all(["*"], None).unwrap();
            index.write().unwrap();
            let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
            let sig =
                git2::Signature::new("T", "t@example.org", &git2::Time::new(1_704_110_400 + self.day * 86_400, 0))
                    .unwrap();
            let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
            let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
            self.repo.commit(Some("HEAD"), &sig, &sig, "step", &tree, &parents).unwrap().to_string()
        }
    }

    #[test]
    fn paths_in_a_change_folder() {
        let inside = |p: &str| in_change_folder(p, "openspec/", "add-x");
        assert!(inside("openspec/changes/add-x/tasks.md"));
        assert!(inside("openspec/changes/archive/2024-01-02-add-x/specs/a/spec.md"));
        assert!(!inside("openspec/changes/add-xy/tasks.md"));
        assert!(!inside("openspec/changes/archive/2024-01-02-readd-x/tasks.md"));
        assert!(!inside("openspec/specs/add-x/spec.md"));
        assert!(!inside("src/add-x/main.rs"));
    }

    /// The bounded walk back finds the creation the whole history gives,
    /// through renames, archive moves both ways and the working tree; a
    /// folder deleted and created again is dated from its last creation.
    #[test]
    fn arrivals_agree_with_the_whole_history() {
        let mut s = Scratch::new();
        for f in ["a", "b", "x", "y"] {
            s.change(f, f);
        }
        let first = s.commit();
        s.write("openspec/changes/a/tasks.md", "- [x] a\n");
        s.mv("b", "b2");
        s.commit();
        s.mv("x", "archive/2024-01-03-x");
        s.rm("y");
        s.change("z", "z");
        let z = s.commit();
        s.mv("archive/2024-01-03-x", "x");
        s.change("y", "y again");
        let again = s.commit();
        // Uncommitted: z renamed, w new.
        s.mv("z", "z2");
        s.change("w", "w");

        let l = Loaded::new(discover::load(s.dir.path(), ".").unwrap());
        let (_, whole) = history::read(&l, None, history::HistoryOptions::default()).unwrap();
        let ids = ["a", "b2", "x", "y", "z2", "w"];
        let wanted: Vec<FolderKey> = ids.iter().map(|id| FolderKey { archived: false, folder: (*id).into() }).collect();
        let openspec = l.tree.dir.join("openspec");
        let found = git::arrivals(
            &s.repo,
            &openspec,
            &wanted,
            || git::worktree(&l.tree, &crate::context::history::Counting),
            continues,
        )
        .unwrap();
        let bounded = |id: &str| match &found[&FolderKey { archived: false, folder: id.into() }] {
            Arrival::Commit(c) => Some(c.id.clone()),
            Arrival::BeforeHistory => panic!("{id} is not before history"),
            Arrival::Uncommitted => None,
        };
        for id in ["a", "b2", "x", "z2", "w"] {
            assert_eq!(bounded(id), whole.change(id).unwrap().created.commit, "{id}");
        }
        assert_eq!([bounded("a"), bounded("z2"), bounded("w")], [Some(first.clone()), Some(z), None]);
        assert_eq!(whole.change("y").unwrap().created.commit, Some(first));
        assert_eq!(bounded("y"), Some(again));
    }
}
