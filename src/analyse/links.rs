//! Which code each change touches: the mentions in its documents
//! ([`crate::parse::links`]) resolved against the repository's files, plus
//! evidence from git (files changed by the commits that worked on the
//! change) and inference (a bare file name placed by a host the change
//! names, a flake input, a word of the change id that names a module). Pure.
//!
//! Every link has a source (declared, git, inferred, in that order of
//! trust), a state (the file exists now, was renamed, was deleted, does not
//! exist yet: planned; or a bare name matches several files: ambiguous) and
//! a confidence between 0 and 1 that combines all its evidence
//! ([`evidence`] says how). Links below [`FLOOR`] are candidates that every
//! view leaves out ([`above_floor`]).

pub mod evidence;

pub use evidence::{CoChange, CoChanges, CommitWork, DocKind, FLOOR, above_floor, co_changes, split_at_floor};

use crate::parse::links::{Mention, MentionKind, Place};
use evidence::{FAR, NOT_CODE_CAP, UNTOUCHED_FOLDER, combine, glob_factor, near, planned, strength, tool_path};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Where a link comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Named in the change's documents or `.openspec.yaml`.
    Declared,
    /// Changed by commits that changed the change's folder, or that name it.
    Git,
    /// Placed by a host or a word of the change id.
    Inferred,
}

/// What became of a linked path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "to")]
pub enum State {
    /// The file (or folder) exists now.
    Exists,
    /// It existed and was renamed: the path it has now.
    Renamed(String),
    /// It existed and was deleted.
    Deleted,
    /// It does not exist and never did: work still to do.
    Planned,
    /// A bare file name that matches several files: the candidates.
    Ambiguous(Vec<String>),
}

/// Where the evidence for a link is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    /// A file of the change (`openspec/changes/x/tasks.md`) or `git`.
    pub file: String,
    pub line: Option<usize>,
    /// What was written there, or the commits.
    pub text: String,
}

/// One file or folder a change touches.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Repository-relative; a folder ends with `/`.
    pub path: String,
    pub source: Source,
    #[serde(flatten)]
    pub state: State,
    /// 0 to 1, two decimals.
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
}

/// The repository's files, with the indexes resolution needs, and what
/// its `.gitignore` files say is not code.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: BTreeSet<String>,
    by_name: BTreeMap<String, Vec<String>>,
    /// Folder name → every folder of that name (`a/b/name/`).
    dirs_by_name: BTreeMap<String, Vec<String>>,
    top: BTreeSet<String>,
    /// Each `.gitignore`: its path, and its rules for the paths below its folder.
    ignores: Vec<(String, Gitignore)>,
}

impl Files {
    pub fn new(files: impl IntoIterator<Item = String>) -> Self {
        let files: BTreeSet<String> = files.into_iter().collect();
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut dirs: BTreeSet<&str> = BTreeSet::new();
        let mut top = BTreeSet::new();
        for f in &files {
            by_name.entry(f.rsplit('/').next().unwrap_or(f).to_owned()).or_default().push(f.clone());
            top.insert(f.split('/').next().unwrap_or(f).to_owned());
            for (i, _) in f.match_indices('/') {
                dirs.insert(&f[..=i]);
            }
        }
        let mut dirs_by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in dirs {
            let name = d.trim_end_matches('/').rsplit('/').next().unwrap_or(d);
            dirs_by_name.entry(name.to_owned()).or_default().push(d.to_owned());
        }
        Files { files, by_name, dirs_by_name, top, ignores: Vec::new() }
    }

    /// The rules of the repository's `.gitignore` files: `(path, text)` of
    /// each (`.gitignore`, `sub/.gitignore`). Lines that are not valid
    /// patterns are skipped.
    pub fn with_gitignores(mut self, gitignores: &[(String, String)]) -> Self {
        for (path, text) in gitignores {
            // Rooted at "": `not_code` gives each its paths relative to its folder.
            let mut builder = GitignoreBuilder::new("");
            for line in text.lines() {
                let _ = builder.add_line(Some(path.into()), line);
            }
            if let Ok(rules) = builder.build() {
                self.ignores.push((path.clone(), rules));
            }
        }
        self
    }

    /// Why `path` (a folder ends with `/`) is not code, if it is not: it
    /// lies in a tool's folder, or a `.gitignore` matches it (committed or not).
    pub fn not_code(&self, path: &str) -> Option<String> {
        if let Some(tool) = tool_path(path) {
            return Some(format!("`{tool}` is a tool's folder, not code"));
        }
        let is_dir = path.ends_with('/');
        // Relative, as the matcher wants (it refuses a path with a root).
        let path = path.trim_end_matches('/').trim_start_matches('/');
        for (file, rules) in &self.ignores {
            let dir = file.strip_suffix(".gitignore").unwrap_or_default();
            let Some(rel) = path.strip_prefix(dir).filter(|r| !r.is_empty()) else { continue };
            if let ignore::Match::Ignore(glob) = rules.matched_path_or_any_parents(rel, is_dir) {
                return Some(format!("matched by `{}` in {file}, not code", glob.original()));
            }
        }
        None
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.files.iter()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// A folder: some file lies below it.
    pub fn is_dir(&self, dir: &str) -> bool {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.files.range(prefix.clone()..).next().is_some_and(|f| f.starts_with(&prefix))
    }

    /// The file a module path means: itself, `x.nix` for `x/default.nix`
    /// and the other way round.
    pub fn module(&self, path: &str) -> Option<String> {
        if self.contains(path) {
            return Some(path.to_owned());
        }
        let alt = if let Some(stem) = path.strip_suffix("/default.nix") {
            format!("{stem}.nix")
        } else if let Some(stem) = path.strip_suffix(".nix") {
            format!("{stem}/default.nix")
        } else {
            return None;
        };
        self.contains(&alt).then_some(alt)
    }

    fn named(&self, name: &str) -> &[String] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The files (or, for `dir`, folders ending with `/`) whose path ends
    /// with `/path`: where a path written relative to a folder the text
    /// leaves out (`extensions/api-key-auth.nix`) may be.
    fn ending_with(&self, path: &str, dir: bool) -> Vec<String> {
        let path = path.trim_end_matches('/');
        let name = path.rsplit('/').next().unwrap_or(path);
        let (pool, tail) = if dir {
            (self.dirs_by_name.get(name).map_or(&[][..], Vec::as_slice), format!("/{path}/"))
        } else {
            (self.named(name), format!("/{path}"))
        };
        pool.iter().filter(|p| p.ends_with(&tail)).cloned().collect()
    }

    fn glob(&self, pattern: &str) -> Vec<String> {
        self.files.iter().filter(|f| crate::glob::matches(pattern, f)).cloned().collect()
    }
}

/// What git says about paths that do not exist now (from
/// [`crate::git::path_fates`]): renamed to, or deleted.
pub type Fates = BTreeMap<String, Option<String>>;

/// One document of a change, and which kind it is.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub kind: DocKind,
}

/// Everything known about one change, for [`resolve`].
pub struct ChangeInput<'a> {
    pub id: &'a str,
    /// Its documents: proposal, design, task files, deltas.
    pub documents: Vec<Document<'a>>,
    /// `.openspec.yaml` `touches` and `affected_areas`, with the file.
    pub declared: Vec<(&'a str, &'a str)>,
    /// Files changed by the commits that worked on the change.
    pub co_changed: Option<&'a BTreeMap<String, CoChange>>,
    /// The flake's inputs: a change that names one touches `flake.nix`.
    pub inputs: &'a [String],
    /// Complete or archived: no work is left, so nothing is still planned.
    pub done: bool,
}

/// The hosts whose names a change's text uses as words.
pub fn hosts_named(documents: &[(&str, &str)], hosts: &[String]) -> Vec<String> {
    let mut out: Vec<String> =
        hosts.iter().filter(|h| documents.iter().any(|(_, text)| contains_word(text, h))).cloned().collect();
    out.sort();
    out.dedup();
    out
}

/// `word` in `text` with no letter, digit, `-` or `_` right before or after.
fn contains_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let part = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(part) && !text[i + word.len()..].chars().next().is_some_and(part)
    })
}

fn round(x: f64) -> f64 {
    (x.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

/// Words of a change id that may name a module (`add-niri-window-manager` → `niri`).
fn id_words(id: &str) -> Vec<&str> {
    const COMMON: &[&str] = &[
        "add",
        "update",
        "fix",
        "remove",
        "create",
        "implement",
        "refactor",
        "enable",
        "improve",
        "integrate",
        "optimize",
        "support",
        "setup",
        "set",
        "use",
        "new",
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "configuration",
        "config",
        "module",
        "modules",
        "system",
        "default",
        "initial",
        "basic",
        "enhance",
        "migrate",
        "move",
        "rename",
        "make",
        "more",
        "better",
        "change",
        "changes",
        "proposal",
        "personal",
        "infrastructure",
        "hosts",
        "host",
    ];
    id.split(['-', '_']).filter(|w| w.len() >= 4 && !COMMON.contains(w)).collect()
}

/// A link being built: the strongest evidence of each kind, and all of it.
struct Acc {
    /// The source and state of the strongest evidence so far.
    source: Source,
    state: State,
    /// Per kind of evidence ([`Kind`]): the strongest.
    strength: [f64; 3],
    evidence: Vec<Evidence>,
}

/// The kinds of evidence that add up: what the text says (named, or a bare
/// name placed), what git says, what is inferred from inputs and the id.
#[derive(Clone, Copy)]
enum Kind {
    Text = 0,
    Git = 1,
    Inferred = 2,
}

struct Builder {
    links: BTreeMap<String, Acc>,
}

impl Builder {
    fn add(&mut self, path: String, source: Source, state: State, confidence: f64, evidence: Evidence) {
        let kind = match source {
            Source::Declared => Kind::Text,
            Source::Git => Kind::Git,
            Source::Inferred => Kind::Inferred,
        };
        self.add_as(kind, path, source, state, confidence, evidence);
    }

    fn add_as(&mut self, kind: Kind, path: String, source: Source, state: State, confidence: f64, evidence: Evidence) {
        let confidence = confidence.clamp(0.0, 1.0);
        let slot = kind as usize;
        match self.links.get_mut(&path) {
            Some(l) => {
                let best = l.strength.iter().copied().fold(0.0, f64::max);
                if (source, -confidence) < (l.source, -best) {
                    l.source = source;
                    l.state = state;
                }
                l.strength[slot] = l.strength[slot].max(confidence);
                if !l.evidence.contains(&evidence) {
                    l.evidence.push(evidence);
                }
            }
            None => {
                let mut strength = [0.0; 3];
                strength[slot] = confidence;
                self.links.insert(path, Acc { source, state, strength, evidence: vec![evidence] });
            }
        }
    }

    /// The paths the text names, for [`near`].
    fn named(&self) -> Vec<&str> {
        self.links.iter().filter(|(_, l)| l.strength[Kind::Text as usize] > 0.0).map(|(p, _)| p.as_str()).collect()
    }
}

/// File names of OpenSpec's own documents.
const OPENSPEC_FILES: &[&str] = &["spec.md", "proposal.md", "tasks.md", "design.md", ".openspec.yaml"];

fn first_segment(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

/// Without history, the one drift NixOS repositories all make: a host's
/// `configuration.nix` that became the `default.nix` beside it.
fn drifted(path: &str, files: &Files) -> Option<String> {
    let dir = path.strip_suffix("/configuration.nix")?;
    let now = format!("{dir}/default.nix");
    files.contains(&now).then_some(now)
}

/// A missing path's state: what git says, else planned.
fn missing(path: &str, fates: &Fates) -> State {
    match fates.get(path) {
        Some(Some(to)) => State::Renamed(to.clone()),
        Some(None) => State::Deleted,
        None => State::Planned,
    }
}

/// What one change's mentions are resolved with.
struct Scope<'a> {
    files: &'a Files,
    fates: &'a Fates,
    /// The hosts the change names.
    hosts: &'a [String],
    id: &'a str,
    done: bool,
}

/// One of several candidates for a name: the one the change already links,
/// else the one near a path it names (in a folder it names, beside a file it
/// names, see [`near`]), else the one of the host in the change id, else of
/// the one host the change names.
fn pick(b: &Builder, candidates: &[String], s: &Scope<'_>) -> Option<String> {
    let only = |pick: &dyn Fn(&String) -> bool| -> Option<String> {
        let mut hits = candidates.iter().filter(|c| pick(c));
        match (hits.next(), hits.next()) {
            (Some(one), None) => Some(one.clone()),
            _ => None,
        }
    };
    let in_host = |c: &String, hs: &[&String]| hs.iter().any(|h| c.split('/').any(|seg| seg == h.as_str()));
    let of_id: Vec<&String> = s.hosts.iter().filter(|h| contains_word(s.id, h)).collect();
    let hosts: Vec<&String> = s.hosts.iter().collect();
    let linked = b.named();
    (candidates.len() == 1).then(|| candidates[0].clone()).or_else(|| {
        only(&|c| linked.contains(&c.as_str()))
            .or_else(|| only(&|c| near(c, &linked)))
            .or_else(|| only(&|c| in_host(c, &of_id)))
            .or_else(|| only(&|c| in_host(c, &hosts)))
    })
}

/// Resolve one mention in `doc`.
fn mention(b: &mut Builder, m: &Mention, doc: &Document<'_>, s: &Scope<'_>) {
    let files = s.files;
    // Specs and changes are plans, not code: `openspec/...`, and the
    // `changes/...` or `specs/...` that OpenSpec documents write for it.
    let first = first_segment(&m.path);
    if first == "openspec" || (matches!(first, "changes" | "specs") && !files.top.contains(first)) {
        return;
    }
    // `specs/x/spec.md`, `tasks.md` of some change: the plans' own documents.
    let name = m.path.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    if OPENSPEC_FILES.contains(&name) && files.module(&m.path).is_none() {
        return;
    }
    let evidence = Evidence { file: doc.file.to_owned(), line: Some(m.line), text: m.path.clone() };
    // What naming it here says, and the factor for a path still to write;
    // a new top-level folder is rarer than a path outside the repository.
    let said = strength(doc.kind, m.place);
    let plan = planned(doc.kind, m.place, s.done);
    let declared = |b: &mut Builder, path: String, state: State, c: f64| {
        let c = match state {
            State::Planned if files.top.contains(first_segment(&path)) => c * plan,
            // Under a top-level folder the repository does not have: more
            // often a path on a machine (`srv/apps/x`) than a new folder.
            State::Planned => c * plan * 0.45,
            _ => c,
        };
        b.add(path, Source::Declared, state, said * c, evidence.clone());
    };
    // A path written relative to a folder the text leaves out
    // (`extensions/x.nix` for `modules/proxy/extensions/x.nix`).
    let relative = |b: &mut Builder, dir: bool| -> bool {
        if files.top.contains(first) || !m.path.contains('/') {
            return false;
        }
        let found = files.ending_with(&m.path, dir);
        match pick(b, &found, s) {
            Some(p) => b.add(p, Source::Declared, State::Exists, said * 0.85, evidence.clone()),
            None if found.is_empty() => return false,
            None => b.add(m.path.clone(), Source::Declared, State::Ambiguous(found), said * 0.2, evidence.clone()),
        }
        true
    };
    match m.kind {
        MentionKind::Path => match files.module(&m.path) {
            Some(p) => declared(b, p, State::Exists, 1.0),
            // `/etc/nixos/configuration.nix`: a path on the machine.
            None if m.absolute && m.path.contains('/') && !files.top.contains(first) => {}
            None => match (missing(&m.path, s.fates), drifted(&m.path, files)) {
                (State::Planned, Some(now)) => declared(b, m.path.clone(), State::Renamed(now), 0.7),
                (State::Planned, None) if relative(b, false) => {}
                (state, _) => declared(b, m.path.clone(), state, 1.0),
            },
        },
        MentionKind::Folder => {
            if files.is_dir(&m.path) {
                declared(b, format!("{}/", m.path), State::Exists, 0.95);
            } else if !relative(b, true) {
                declared(b, format!("{}/", m.path), missing(&m.path, s.fates), 0.95);
            }
        }
        MentionKind::Glob => {
            let found = files.glob(&m.path);
            if found.is_empty() {
                declared(b, m.path.clone(), State::Planned, 0.7);
            }
            let each = 0.9 * glob_factor(found.len());
            for f in found {
                declared(b, f, State::Exists, each);
            }
        }
        MentionKind::Rooted => {
            // A system path (`/var/lib`, `/nix`) unless its first folder is the repository's.
            if !files.top.contains(first) {
                return;
            }
            if files.contains(&m.path) {
                declared(b, m.path.clone(), State::Exists, 1.0);
            } else if files.is_dir(&m.path) {
                declared(b, format!("{}/", m.path), State::Exists, 0.95);
            } else if m.absolute {
                // `/home/me/dev` in a repository with a `home/` folder: a
                // path on the machine, not a file still to write.
            } else {
                declared(b, m.path.clone(), missing(&m.path, s.fates), 0.8);
            }
        }
        MentionKind::BareName => {
            let name = m.path.as_str();
            // The change's own documents, not code.
            if OPENSPEC_FILES.contains(&name) {
                return;
            }
            let in_context = m.context.as_ref().map(|c| format!("{c}/{name}"));
            if let Some(p) = in_context.as_deref().and_then(|p| files.module(p)) {
                return declared(b, p, State::Exists, 0.95);
            }
            if files.contains(name) {
                return declared(b, name.to_owned(), State::Exists, 0.95);
            }
            // The folder is a guess that no file confirms: half as sure.
            if let Some(p) = in_context {
                return declared(b, p.clone(), missing(&p, s.fates), 0.45);
            }
            let candidates = files.named(name);
            match pick(b, candidates, s) {
                Some(p) => b.add_as(Kind::Text, p, Source::Inferred, State::Exists, said * 0.8, evidence),
                None if candidates.is_empty() => {}
                None => b.add(
                    name.to_owned(),
                    Source::Declared,
                    State::Ambiguous(candidates.to_vec()),
                    said * 0.2,
                    evidence,
                ),
            }
        }
    }
}

/// A planned file written with a folder left out (`docs/hosts/x.md` for
/// `docs/src/hosts/x.md`) is the file the repository has, or another link
/// names, under the same first folder and ending with the rest of its path,
/// when there is one such: its evidence goes there.
fn left_out_folders(b: &mut Builder, files: &Files) {
    let planned: Vec<String> = b
        .links
        .iter()
        .filter(|(p, l)| l.state == State::Planned && !p.ends_with('/') && l.strength[Kind::Text as usize] > 0.0)
        .map(|(p, _)| p.clone())
        .collect();
    for path in planned {
        let Some((first, rest)) = path.split_once('/') else { continue };
        let tail = format!("/{rest}");
        let name = rest.rsplit('/').next().unwrap_or(rest);
        let fits = |q: &String| q != &path && q.starts_with(&format!("{first}/")) && q.ends_with(&tail);
        let mut hits: BTreeSet<String> = files.named(name).iter().filter(|q| fits(q)).cloned().collect();
        hits.extend(b.links.keys().filter(|q| fits(q)).cloned());
        let mut hits = hits.into_iter();
        let (Some(to), None) = (hits.next(), hits.next()) else { continue };
        let Some(from) = b.links.remove(&path) else { continue };
        let state = if files.contains(&to) { State::Exists } else { State::Planned };
        let text = from.strength[Kind::Text as usize];
        for e in from.evidence {
            b.add_as(Kind::Text, to.clone(), from.source, state.clone(), text, e);
        }
    }
}

/// The evidence text for a file the change's commits changed.
fn commits_text(co: &CoChange) -> String {
    let shown: Vec<String> =
        co.commits.iter().take(3).map(|(id, n)| format!("{id} ({n} file{})", if *n == 1 { "" } else { "s" })).collect();
    let more = match co.commits.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!("changed by {}{more}, which worked on the change", shown.join(", "))
}

/// Every link of one change with every candidate below the floor, declared
/// first, then git, then inferred; by path within each. Split them with
/// [`split_at_floor`].
pub fn resolve(change: &ChangeInput<'_>, files: &Files, fates: &Fates, hosts: &[String]) -> Vec<Link> {
    let mut b = Builder { links: BTreeMap::new() };
    let texts: Vec<(&str, &str)> = change.documents.iter().map(|d| (d.file, d.text)).collect();
    let named = hosts_named(&texts, hosts);
    let scope = Scope { files, fates, hosts: &named, id: change.id, done: change.done };
    // Paths and folders first, so bare names can be placed in them.
    let all: Vec<(&Document<'_>, Mention)> = change
        .documents
        .iter()
        .flat_map(|d| crate::parse::links::mentions(d.text).into_iter().map(move |m| (d, m)))
        .collect();
    let (bare, placed): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, m)| m.kind == MentionKind::BareName);
    for (doc, m) in placed.iter().chain(&bare) {
        mention(&mut b, m, doc, &scope);
    }
    // What `.openspec.yaml` names is the impact, planned only while work is left.
    let kept = planned(DocKind::Tasks, Place::Impact, change.done);
    for (file, value) in &change.declared {
        let path = value.trim_start_matches("./").trim_start_matches('/').trim_end_matches('/');
        let evidence = Evidence { file: (*file).to_owned(), line: None, text: (*value).to_owned() };
        let (path, state) = match files.module(path) {
            Some(p) => (p, State::Exists),
            None if files.is_dir(path) => (format!("{path}/"), State::Exists),
            None if path.contains(['*', '?', '{']) => {
                for f in files.glob(path) {
                    b.add(f, Source::Declared, State::Exists, 1.0, evidence.clone());
                }
                continue;
            }
            None => (path.to_owned(), missing(path, fates)),
        };
        let c = if state == State::Planned { kept } else { 1.0 };
        b.add(path, Source::Declared, state, c, evidence);
    }
    // A flake input the change names (`niri-flake`, `disko`) is wired in flake.nix.
    if files.contains("flake.nix") {
        for input in change.inputs.iter().filter(|i| i.len() >= 4) {
            if let Some(d) = change.documents.iter().find(|d| contains_word(d.text, input)) {
                let evidence =
                    Evidence { file: d.file.to_owned(), line: None, text: format!("`{input}` is a flake input") };
                b.add("flake.nix".into(), Source::Inferred, State::Exists, 0.4, evidence);
            }
        }
    }
    // A word of the id that is the name of a file or folder (few of them).
    for word in id_words(change.id) {
        let hits: Vec<&String> = files
            .iter()
            .filter(|f| {
                f.ends_with(".nix") && f.split('/').any(|seg| seg == word || seg.strip_suffix(".nix") == Some(word))
            })
            .take(6)
            .collect();
        if hits.is_empty() || hits.len() > 5 {
            continue;
        }
        for f in hits {
            let evidence = Evidence { file: "id".into(), line: None, text: format!("`{word}` in the change id") };
            b.add(f.clone(), Source::Inferred, State::Exists, 0.3, evidence);
        }
    }
    left_out_folders(&mut b, files);
    // Git last: whether a file only git names is near the named ones.
    let named = b.named().into_iter().map(str::to_owned).collect::<Vec<_>>();
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    for (path, co) in change.co_changed.into_iter().flatten() {
        let state = if files.contains(path) {
            State::Exists
        } else {
            match missing(path, fates) {
                State::Renamed(to) => State::Renamed(to),
                // It was in a commit: it existed.
                _ => State::Deleted,
            }
        };
        let far = b.links.get(path).is_none_or(|l| l.strength[Kind::Text as usize] == 0.0) && !near(path, &named);
        let weight = if far { co.weight * FAR } else { co.weight };
        let evidence = Evidence { file: "git".into(), line: None, text: commits_text(co) };
        // A path the text plans that a commit changed existed: git knows what became of it.
        if let Some(l) = b.links.get_mut(path).filter(|l| l.state == State::Planned) {
            l.state = state.clone();
        }
        b.add(path.clone(), Source::Git, state, weight, evidence);
    }
    // Done work leaves traces: a folder only a design or a delta spec
    // names, under which none of the change's commits changed anything,
    // was named as context.
    let worked = change.co_changed.filter(|co| change.done && !co.is_empty());
    let context_only = |evidence: &[Evidence]| {
        evidence.iter().all(|e| matches!(e.file.rsplit('/').next(), Some("design.md" | "spec.md")))
    };
    let mut links: Vec<Link> = b
        .links
        .into_iter()
        .map(|(path, acc)| {
            let mut confidence = combine(&acc.strength);
            let mut evidence = acc.evidence;
            if let Some(co) = worked
                && path.ends_with('/')
                && acc.strength[Kind::Git as usize] == 0.0
                && context_only(&evidence)
                && !co.keys().any(|f| f.starts_with(path.as_str()))
            {
                confidence *= UNTOUCHED_FOLDER;
                evidence.push(Evidence {
                    file: "git".into(),
                    line: None,
                    text: "named only in the design or a spec, and none of the change's commits changed a file in it"
                        .into(),
                });
            }
            if let Some(why) = files.not_code(&path) {
                confidence = confidence.min(NOT_CODE_CAP);
                evidence.push(Evidence { file: "rules".into(), line: None, text: why });
            }
            Link { path, source: acc.source, state: acc.state, confidence: round(confidence), evidence }
        })
        .collect();
    links.sort_by(|a, b| a.source.cmp(&b.source).then_with(|| a.path.cmp(&b.path)));
    links
}

/// The `.nix` files a link stands for: the file, or every `.nix` file below
/// a linked folder; for a renamed file, its new path. Only links at or
/// above the floor ([`above_floor`]) that exist.
pub fn nix_files<'a>(links: &'a [Link], files: &'a Files) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for l in links.iter().filter(|l| above_floor(l)) {
        let path = match &l.state {
            State::Exists => l.path.as_str(),
            State::Renamed(to) => to.as_str(),
            _ => continue,
        };
        if let Some(dir) = path.strip_suffix('/') {
            let prefix = format!("{dir}/");
            out.extend(files.iter().filter(|f| f.starts_with(&prefix) && f.ends_with(".nix")).map(String::as_str));
        } else if path.ends_with(".nix") {
            out.insert(path);
        }
    }
    out
}

/// The change ids a commit message names, as words. In a merge's subject
/// (`Merge branch 'main' into fix-x`) the branch merged into receives
/// another's work: only what it merges from counts.
pub fn ids_in_message<'a>(message: &str, ids: &'a BTreeSet<String>) -> Vec<&'a str> {
    let (subject, body) = message.split_once('\n').unwrap_or((message, ""));
    let subject = match subject.strip_prefix("Merge ").and_then(|s| s.split_once(" into ")) {
        Some((from, _)) => from,
        None => subject,
    };
    let mut out: Vec<&str> = [subject, body]
        .into_iter()
        .flat_map(|part| part.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.')))
        .map(|w| w.trim_end_matches('.'))
        .filter_map(|w| ids.get(w).map(String::as_str))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        Files::new(
            [
                "flake.nix",
                "hosts/yoga/default.nix",
                "hosts/yoga/disko.nix",
                "hosts/zephyrus/default.nix",
                "hosts/zephyrus/disko.nix",
                "modules/niri/default.nix",
                "modules/ci/attic.nix",
                "modules/proxy/extensions/auth.nix",
                "scripts/verify-hetzner-deployment.sh",
                "scripts/verify-hetzner-deployment.fish",
            ]
            .map(String::from),
        )
    }

    /// A document: the kind from the file name, as context/code.rs knows it.
    fn doc<'a>(file: &'a str, text: &'a str) -> Document<'a> {
        let kind = match file {
            f if f.contains("tasks") || f.starts_with('t') => DocKind::Tasks,
            f if f.contains("design") || f.starts_with('d') => DocKind::Design,
            f if f.contains("spec") || f.starts_with('s') => DocKind::Delta,
            _ => DocKind::Proposal,
        };
        Document { file, text, kind }
    }

    fn input<'a>(docs: Vec<(&'a str, &'a str)>) -> ChangeInput<'a> {
        ChangeInput {
            id: "add-thing",
            documents: docs.into_iter().map(|(f, t)| doc(f, t)).collect(),
            declared: Vec::new(),
            co_changed: None,
            inputs: &[],
            done: false,
        }
    }

    fn brief(links: &[Link]) -> Vec<(String, Source, State)> {
        links.iter().map(|l| (l.path.clone(), l.source, l.state.clone())).collect()
    }

    fn floored(links: Vec<Link>) -> Vec<(String, Source, State)> {
        brief(&split_at_floor(links).0)
    }

    fn co(entries: &[(&str, f64)]) -> BTreeMap<String, CoChange> {
        entries
            .iter()
            .map(|(p, w)| (p.to_string(), CoChange { weight: *w, commits: vec![("c0ffee12".into(), 3)] }))
            .collect()
    }

    #[test]
    fn declared_paths_resolve_or_are_planned() {
        let text = "- `flake.nix`\n- `modules/niri.nix`\n- `hosts/new-box/` with `disko.nix`\n- `modules/gone.nix`\n- `/var/lib/x` and `hosts/yoga`\n- `extensions/auth.nix`\n";
        let mut fates = Fates::new();
        fates.insert("modules/gone.nix".into(), None);
        let (links, below) = split_at_floor(resolve(&input(vec![("tasks.md", text)]), &files(), &fates, &[]));
        assert_eq!(
            brief(&links),
            [
                ("flake.nix".into(), Source::Declared, State::Exists),
                ("hosts/new-box/".into(), Source::Declared, State::Planned),
                ("hosts/yoga/".into(), Source::Declared, State::Exists),
                ("modules/gone.nix".into(), Source::Declared, State::Deleted),
                ("modules/niri/default.nix".into(), Source::Declared, State::Exists),
                // Written relative to a folder the text leaves out.
                ("modules/proxy/extensions/auth.nix".into(), Source::Declared, State::Exists),
            ]
        );
        // A bare name put in the folder named before it, where no file
        // confirms the guess: a candidate.
        assert_eq!(brief(&below), [("hosts/new-box/disko.nix".into(), Source::Declared, State::Planned)]);
        // The same plan in a design names no work.
        let design = resolve(&input(vec![("design.md", "- `hosts/new-box/default.nix`\n")]), &files(), &fates, &[]);
        assert_eq!(floored(design), []);
    }

    #[test]
    fn a_path_with_a_folder_left_out_is_the_one_the_tasks_name() {
        let proposal = "## Impact\n- `docs/hosts/box.md`\n- `docs/other.md`\n";
        let tasks = "- [ ] 1.1 Write `docs/src/hosts/box.md`\n";
        let change = input(vec![("proposal.md", proposal), ("tasks.md", tasks)]);
        let mut files = files();
        files.top.insert("docs".into());
        let links = resolve(&change, &files, &Fates::new(), &[]);
        assert_eq!(
            brief(&links),
            [
                ("docs/other.md".into(), Source::Declared, State::Planned),
                ("docs/src/hosts/box.md".into(), Source::Declared, State::Planned),
            ]
        );
        assert_eq!(links[1].evidence.len(), 2, "both mentions: {:?}", links[1].evidence);
    }

    #[test]
    fn bare_names_are_placed_by_the_host_the_change_names() {
        let hosts = ["yoga".to_string(), "zephyrus".to_string()];
        let links = resolve(
            &input(vec![("t.md", "- [ ] Repartition yoga with `disko.nix`\n")]),
            &files(),
            &Fates::new(),
            &hosts,
        );
        assert_eq!(brief(&links), [("hosts/yoga/disko.nix".into(), Source::Inferred, State::Exists)]);
        let links = resolve(&input(vec![("t.md", "- [ ] Tune `disko.nix`\n")]), &files(), &Fates::new(), &hosts);
        assert_eq!(
            brief(&links),
            [(
                "disko.nix".into(),
                Source::Declared,
                State::Ambiguous(vec!["hosts/yoga/disko.nix".into(), "hosts/zephyrus/disko.nix".into()])
            )]
        );
        assert!(!above_floor(&links[0]), "an ambiguous name is a candidate only");
        // Beside a file the change names.
        let links = resolve(
            &input(vec![("t.md", "- [ ] Edit `hosts/zephyrus/default.nix` and its `disko.nix`\n")]),
            &files(),
            &Fates::new(),
            &hosts,
        );
        assert_eq!(brief(&links)[1], ("hosts/zephyrus/disko.nix".into(), Source::Inferred, State::Exists));
        assert_eq!(hosts_named(&[("a", "on yoga-2 and zephyrus.")], &hosts), ["zephyrus"]);
    }

    #[test]
    fn globs_metadata_git_and_id_words() {
        let co = co(&[("modules/ci/attic.nix", 0.6), ("deleted.nix", 1.0)]);
        let change = ChangeInput {
            id: "add-niri-window-manager",
            documents: vec![doc("d.md", "Scripts: `scripts/verify-hetzner-deployment.*`\n")],
            declared: vec![(".openspec.yaml", "hosts/yoga/")],
            co_changed: Some(&co),
            inputs: &[],
            done: false,
        };
        let links = resolve(&change, &files(), &Fates::new(), &[]);
        assert_eq!(
            brief(&links),
            [
                ("hosts/yoga/".into(), Source::Declared, State::Exists),
                ("scripts/verify-hetzner-deployment.fish".into(), Source::Declared, State::Exists),
                ("scripts/verify-hetzner-deployment.sh".into(), Source::Declared, State::Exists),
                ("deleted.nix".into(), Source::Git, State::Deleted),
                ("modules/ci/attic.nix".into(), Source::Git, State::Exists),
                ("modules/niri/default.nix".into(), Source::Inferred, State::Exists),
            ]
        );
        // Far from every named path, git alone counts half.
        assert_eq!(links[4].confidence, 0.3);
        assert_eq!(links[4].evidence[0].text, "changed by c0ffee12 (3 files), which worked on the change");
        assert_eq!(links[5].confidence, 0.3);
    }

    #[test]
    fn evidence_adds_up_into_one_confidence() {
        let docs = vec![doc("s.md", "`modules/ci/attic.nix`\n"), doc("d.md", "see `modules/ci/attic.nix`\n")];
        let co = co(&[("modules/ci/attic.nix", 0.5), ("modules/ci/cache.nix", 0.8), ("hosts/yoga/disko.nix", 0.8)]);
        let change = ChangeInput {
            id: "x",
            documents: docs,
            declared: Vec::new(),
            co_changed: Some(&co),
            inputs: &[],
            done: false,
        };
        let mut files = files();
        files.files.insert("modules/ci/cache.nix".into());
        let links = resolve(&change, &files, &Fates::new(), &[]);
        let get = |p: &str| links.iter().find(|l| l.path == p).unwrap();
        let attic = get("modules/ci/attic.nix");
        // Named in a design (0.85) and changed by its commits (0.5).
        assert_eq!((attic.source, attic.confidence, attic.evidence.len()), (Source::Declared, 0.93, 3));
        // Git alone, beside a named file, counts in full; far from them, half.
        assert_eq!(get("modules/ci/cache.nix").confidence, 0.8);
        assert_eq!(get("hosts/yoga/disko.nix").confidence, 0.4);
    }

    #[test]
    fn examples_and_finished_plans_are_not_planned_files() {
        let spec = "### Requirement: X\n#### Scenario: a host\n- **WHEN** `hosts/demo/default.nix` sets it\n- **THEN** `hosts/yoga/default.nix` builds\n";
        let tasks = "- [ ] 1.1 Write `hosts/box/default.nix`\n";
        let change = input(vec![("specs/x/spec.md", spec), ("tasks.md", tasks)]);
        let links = resolve(&change, &files(), &Fates::new(), &[]);
        // The example's file that exists is named, less surely; the one
        // that does not is no plan.
        assert_eq!(
            floored(links.clone()),
            [
                ("hosts/box/default.nix".into(), Source::Declared, State::Planned),
                ("hosts/yoga/default.nix".into(), Source::Declared, State::Exists),
            ]
        );
        let get = |p: &str| links.iter().find(|l| l.path == p).unwrap().confidence;
        assert_eq!((get("hosts/yoga/default.nix"), get("hosts/demo/default.nix")), (0.6, 0.12));
        // Once the change is done, a path it never wrote is no work left.
        let done = ChangeInput { done: true, ..input(vec![("tasks.md", tasks)]) };
        assert_eq!(floored(resolve(&done, &files(), &Fates::new(), &[])), []);
    }

    #[test]
    fn a_folder_only_the_design_names_is_context_once_done_without_it() {
        let design = "The niri module stays apart from `modules/proxy/`.\n";
        let tasks = "- [x] 1.1 Tune `modules/niri/default.nix`\n";
        let worked = co(&[("modules/niri/default.nix", 1.0)]);
        let change = |done: bool, docs: Vec<(&'static str, &'static str)>| ChangeInput {
            done,
            co_changed: Some(&worked),
            ..input(docs)
        };
        let paths = |c: &ChangeInput<'_>| -> Vec<String> {
            floored(resolve(c, &files(), &Fates::new(), &[])).into_iter().map(|(p, _, _)| p).collect()
        };
        assert_eq!(
            paths(&change(true, vec![("design.md", design), ("tasks.md", tasks)])),
            ["modules/niri/default.nix"]
        );
        // Still open, or named in the tasks: work.
        assert!(
            paths(&change(false, vec![("design.md", design), ("tasks.md", tasks)])).contains(&"modules/proxy/".into())
        );
        let both = "- [x] 1.1 Tune `modules/niri/default.nix` and `modules/proxy/`\n";
        assert!(
            paths(&change(true, vec![("design.md", design), ("tasks.md", both)])).contains(&"modules/proxy/".into())
        );
    }

    #[test]
    fn what_is_not_code_stays_below_the_floor() {
        let files = Files::new(
            [
                ".direnv/flake-profile",
                ".gitignore",
                "hosts/yoga/secrets.nix",
                "hosts/yoga/default.nix",
                "sub/.gitignore",
                "sub/out.log",
            ]
            .map(String::from),
        )
        .with_gitignores(&[
            (".gitignore".into(), "# local\nsecrets.nix\n[\n".into()),
            ("sub/.gitignore".into(), "*.log\n".into()),
        ]);
        assert_eq!(
            files.not_code("hosts/yoga/secrets.nix").unwrap(),
            "matched by `secrets.nix` in .gitignore, not code"
        );
        assert_eq!(files.not_code("sub/out.log").unwrap(), "matched by `*.log` in sub/.gitignore, not code");
        assert_eq!(files.not_code("out.log"), None, "a folder's rules stay in it");
        assert!(files.not_code("sub/sub/a.log").is_some() && files.not_code("/sub/b.log").is_some());
        assert!(files.not_code(".direnv/").is_some());
        let co = co(&[(".direnv/flake-profile", 1.0), ("hosts/yoga/default.nix", 1.0)]);
        let text = "- `hosts/yoga/secrets.nix` and `hosts/yoga/local.nix`\n";
        let change = ChangeInput { co_changed: Some(&co), ..input(vec![("tasks.md", text)]) };
        let files = files.with_gitignores(&[("hosts/.gitignore".into(), "local.nix\n".into())]);
        let (links, below) = split_at_floor(resolve(&change, &files, &Fates::new(), &[]));
        assert_eq!(brief(&links), [("hosts/yoga/default.nix".into(), Source::Git, State::Exists)]);
        let below: Vec<(&str, f64, &str)> =
            below.iter().map(|l| (l.path.as_str(), l.confidence, l.evidence.last().unwrap().file.as_str())).collect();
        assert_eq!(
            below,
            [
                ("hosts/yoga/local.nix", 0.1, "rules"),
                ("hosts/yoga/secrets.nix", 0.1, "rules"),
                (".direnv/flake-profile", 0.1, "rules")
            ]
        );
    }

    #[test]
    fn co_change_weights_split_over_the_changes_a_commit_works_on() {
        let ids: BTreeSet<String> = ["add-a".to_string(), "b".to_string()].into();
        assert_eq!(ids_in_message("Implement add-a (part 2); not add-ab. Closes b.", &ids), ["add-a", "b"]);
        // Merging main into a change's branch is not work on the change.
        assert!(ids_in_message("Merge branch 'main' into codex/add-a", &ids).is_empty());
        assert_eq!(ids_in_message("Merge pull request #4 from me/add-a\n\nb", &ids), ["add-a", "b"]);
        assert_eq!(ids_in_message("Merge branch 'add-a' into main", &ids), ["add-a"]);
    }
}
