//! Which code each change touches: the mentions in its documents
//! ([`crate::parse::links`]) resolved against the repository's files, plus
//! evidence from git (files changed together with the change's folder) and
//! inference (a bare file name placed by a host the change names, a word of
//! the change id that names a module). Pure.
//!
//! Every link has a source (declared, git, inferred, in that order of
//! trust), a state (the file exists now, was renamed, was deleted, does not
//! exist yet: planned; or a bare name matches several files: ambiguous) and
//! a confidence between 0 and 1.

use crate::parse::links::{Mention, MentionKind};
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

/// The repository's files, with the indexes resolution needs.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: BTreeSet<String>,
    by_name: BTreeMap<String, Vec<String>>,
    top: BTreeSet<String>,
}

impl Files {
    pub fn new(files: impl IntoIterator<Item = String>) -> Self {
        let files: BTreeSet<String> = files.into_iter().collect();
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut top = BTreeSet::new();
        for f in &files {
            by_name.entry(f.rsplit('/').next().unwrap_or(f).to_owned()).or_default().push(f.clone());
            top.insert(f.split('/').next().unwrap_or(f).to_owned());
        }
        Files { files, by_name, top }
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

    fn glob(&self, pattern: &str) -> Vec<String> {
        self.files.iter().filter(|f| crate::glob::matches(pattern, f)).cloned().collect()
    }
}

/// Per change id: file → (weight, commits), from [`co_changes`].
pub type CoChanges = BTreeMap<String, BTreeMap<String, (f64, usize)>>;

/// What git says about paths that do not exist now (from
/// [`crate::git::path_fates`]): renamed to, or deleted.
pub type Fates = BTreeMap<String, Option<String>>;

/// Everything known about one change, for [`resolve`].
pub struct ChangeInput<'a> {
    pub id: &'a str,
    /// `(file, text)` of each document: proposal, design, task files, deltas.
    pub documents: Vec<(&'a str, &'a str)>,
    /// `.openspec.yaml` `touches` and `affected_areas`, with the file.
    pub declared: Vec<(&'a str, &'a str)>,
    /// Files changed with the change's folder: path → (weight, commits).
    pub co_changed: Option<&'a BTreeMap<String, (f64, usize)>>,
    /// The flake's inputs: a change that names one touches `flake.nix`.
    pub inputs: &'a [String],
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

struct Builder {
    links: BTreeMap<String, Link>,
}

impl Builder {
    fn add(&mut self, path: String, source: Source, state: State, confidence: f64, evidence: Evidence) {
        let confidence = round(confidence);
        match self.links.get_mut(&path) {
            Some(l) => {
                if (source, -confidence) < (l.source, -l.confidence) {
                    l.source = source;
                    l.state = state;
                }
                l.confidence = l.confidence.max(confidence);
                if !l.evidence.contains(&evidence) {
                    l.evidence.push(evidence);
                }
            }
            None => {
                self.links.insert(path.clone(), Link { path, source, state, confidence, evidence: vec![evidence] });
            }
        }
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

/// Resolve one mention. `hosts` are the hosts the change names.
fn mention(b: &mut Builder, m: &Mention, file: &str, files: &Files, fates: &Fates, hosts: &[String], id: &str) {
    // Specs and changes are plans, not code: `openspec/...`, and the
    // `changes/...` or `specs/...` that OpenSpec documents write for it.
    let first = first_segment(&m.path);
    if first == "openspec" || (matches!(first, "changes" | "specs") && !files.top.contains(first)) {
        return;
    }
    let evidence = Evidence { file: file.to_owned(), line: Some(m.line), text: m.path.clone() };
    let declared = |b: &mut Builder, path: String, state: State, c: f64| {
        b.add(path, Source::Declared, state, c, evidence.clone());
    };
    match m.kind {
        MentionKind::Path => match files.module(&m.path) {
            Some(p) => declared(b, p, State::Exists, 1.0),
            // `/etc/nixos/configuration.nix`: a path on the machine.
            None if m.absolute && m.path.contains('/') && !files.top.contains(first_segment(&m.path)) => {}
            None => match (missing(&m.path, fates), drifted(&m.path, files)) {
                (State::Planned, Some(now)) => declared(b, m.path.clone(), State::Renamed(now), 0.6),
                (state, _) => {
                    // A new top-level folder is rarer than a path outside the repository.
                    let c = if files.top.contains(first_segment(&m.path)) { 0.9 } else { 0.5 };
                    declared(b, m.path.clone(), state, c)
                }
            },
        },
        MentionKind::Folder => {
            let state = if files.is_dir(&m.path) { State::Exists } else { missing(&m.path, fates) };
            declared(b, format!("{}/", m.path), state, 0.9);
        }
        MentionKind::Glob => {
            let found = files.glob(&m.path);
            if found.is_empty() {
                declared(b, m.path.clone(), State::Planned, 0.6);
            }
            for f in found {
                declared(b, f, State::Exists, 0.8);
            }
        }
        MentionKind::Rooted => {
            // A system path (`/var/lib`, `/nix`) unless its first folder is the repository's.
            let first = m.path.split('/').next().unwrap_or_default();
            if !files.top.contains(first) {
                return;
            }
            if files.contains(&m.path) {
                declared(b, m.path.clone(), State::Exists, 1.0);
            } else if files.is_dir(&m.path) {
                declared(b, format!("{}/", m.path), State::Exists, 0.9);
            } else if m.absolute {
                // `/home/me/dev` in a repository with a `home/` folder: a
                // path on the machine, not a file still to write.
            } else {
                declared(b, m.path.clone(), missing(&m.path, fates), 0.7);
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
                return declared(b, p, State::Exists, 0.9);
            }
            if files.contains(name) {
                return declared(b, name.to_owned(), State::Exists, 0.9);
            }
            if let Some(p) = in_context {
                return declared(b, p.clone(), missing(&p, fates), 0.7);
            }
            let candidates = files.named(name);
            let only = |pick: &dyn Fn(&String) -> bool| -> Option<String> {
                let mut hits = candidates.iter().filter(|c| pick(c));
                match (hits.next(), hits.next()) {
                    (Some(one), None) => Some(one.clone()),
                    _ => None,
                }
            };
            let in_host = |c: &String, hs: &[String]| hs.iter().any(|h| c.split('/').any(|seg| seg == h));
            // One of several: the one in a folder the change already names
            // (`hosts/x/` then "reference `default.nix`"), else the one of
            // the host in the change id, else of the one host it names.
            let placed = (candidates.len() == 1).then(|| candidates[0].clone()).or_else(|| {
                only(&|c| b.links.keys().any(|k| k.ends_with('/') && c.starts_with(k.as_str()) || k == c))
                    .or_else(|| {
                        only(&|c| {
                            in_host(c, &hosts.iter().filter(|h| contains_word(id, h)).cloned().collect::<Vec<_>>())
                        })
                    })
                    .or_else(|| only(&|c| in_host(c, hosts)))
            });
            match placed {
                Some(p) => b.add(p, Source::Inferred, State::Exists, 0.7, evidence),
                None if candidates.is_empty() => {}
                None => b.add(name.to_owned(), Source::Declared, State::Ambiguous(candidates.to_vec()), 0.2, evidence),
            }
        }
    }
}

/// Every link of one change, declared first, then git, then inferred; by
/// path within each.
pub fn resolve(change: &ChangeInput<'_>, files: &Files, fates: &Fates, hosts: &[String]) -> Vec<Link> {
    let mut b = Builder { links: BTreeMap::new() };
    let named = hosts_named(&change.documents, hosts);
    // Paths and folders first, so bare names can be placed in them.
    let all: Vec<(&str, Mention)> = change
        .documents
        .iter()
        .flat_map(|(file, text)| crate::parse::links::mentions(text).into_iter().map(move |m| (*file, m)))
        .collect();
    let (bare, placed): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, m)| m.kind == MentionKind::BareName);
    for (file, m) in placed.iter().chain(&bare) {
        mention(&mut b, m, file, files, fates, &named, change.id);
    }
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
        b.add(path, Source::Declared, state, 1.0, evidence);
    }
    if let Some(co) = change.co_changed {
        for (path, (weight, commits)) in co {
            if !files.contains(path) {
                continue;
            }
            let text = format!("changed in {commits} commit{} with the change", if *commits == 1 { "" } else { "s" });
            b.add(path.clone(), Source::Git, State::Exists, *weight, Evidence { file: "git".into(), line: None, text });
        }
    }
    // A flake input the change names (`niri-flake`, `disko`) is wired in flake.nix.
    if files.contains("flake.nix") {
        for input in change.inputs.iter().filter(|i| i.len() >= 4) {
            if let Some((file, _)) = change.documents.iter().find(|(_, t)| contains_word(t, input)) {
                let evidence =
                    Evidence { file: (*file).to_owned(), line: None, text: format!("`{input}` is a flake input") };
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
    let mut links: Vec<Link> = b.links.into_values().collect();
    links.sort_by(|a, b| a.source.cmp(&b.source).then_with(|| a.path.cmp(&b.path)));
    links
}

/// The `.nix` files a link stands for: the file, or every `.nix` file below
/// a linked folder; for a renamed file, its new path. Only links that exist
/// and that the change is fairly sure of (confidence at least 0.5).
pub fn nix_files<'a>(links: &'a [Link], files: &'a Files) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for l in links.iter().filter(|l| l.confidence >= 0.5) {
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

/// Files changed together with each change. `commits` are, per commit, the
/// changes whose folders it changed (or whose id its message names) and
/// the files it changed outside `openspec/`. A commit that touches n change
/// folders gives each of its files 1/n for each of them, so a sweeping
/// commit that ticks boxes in ten changes says little about any one; the
/// weights of a change's commits add up (at most 1).
pub fn co_changes(commits: &[(Vec<String>, Vec<String>)]) -> CoChanges {
    let mut out = CoChanges::new();
    for (changes, files) in commits {
        if changes.is_empty() {
            continue;
        }
        let weight = 1.0 / changes.len() as f64;
        for change in changes {
            let entry = out.entry(change.clone()).or_default();
            for f in files {
                let e = entry.entry(f.clone()).or_insert((0.0, 0));
                e.0 = (e.0 + weight).min(1.0);
                e.1 += 1;
            }
        }
    }
    out
}

/// The change ids a commit message names, as words.
pub fn ids_in_message<'a>(message: &str, ids: &'a BTreeSet<String>) -> Vec<&'a str> {
    let mut out: Vec<&str> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
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
                "scripts/verify-hetzner-deployment.sh",
                "scripts/verify-hetzner-deployment.fish",
            ]
            .map(String::from),
        )
    }

    fn input<'a>(docs: Vec<(&'a str, &'a str)>) -> ChangeInput<'a> {
        ChangeInput { id: "add-thing", documents: docs, declared: Vec::new(), co_changed: None, inputs: &[] }
    }

    fn brief(links: &[Link]) -> Vec<(String, Source, State)> {
        links.iter().map(|l| (l.path.clone(), l.source, l.state.clone())).collect()
    }

    #[test]
    fn declared_paths_resolve_or_are_planned() {
        let text = "- `flake.nix`\n- `modules/niri.nix`\n- `hosts/new-box/` with `disko.nix`\n- `modules/gone.nix`\n- `/var/lib/x` and `hosts/yoga`\n";
        let mut fates = Fates::new();
        fates.insert("modules/gone.nix".into(), None);
        let links = resolve(&input(vec![("p.md", text)]), &files(), &fates, &[]);
        assert_eq!(
            brief(&links),
            [
                ("flake.nix".into(), Source::Declared, State::Exists),
                ("hosts/new-box/".into(), Source::Declared, State::Planned),
                ("hosts/new-box/disko.nix".into(), Source::Declared, State::Planned),
                ("hosts/yoga/".into(), Source::Declared, State::Exists),
                ("modules/gone.nix".into(), Source::Declared, State::Deleted),
                ("modules/niri/default.nix".into(), Source::Declared, State::Exists),
            ]
        );
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
        assert_eq!(hosts_named(&[("a", "on yoga-2 and zephyrus.")], &hosts), ["zephyrus"]);
    }

    #[test]
    fn globs_metadata_git_and_id_words() {
        let co: BTreeMap<String, (f64, usize)> =
            [("modules/ci/attic.nix".to_string(), (0.5, 2)), ("deleted.nix".to_string(), (1.0, 1))].into();
        let change = ChangeInput {
            id: "add-niri-window-manager",
            documents: vec![("d.md", "Scripts: `scripts/verify-hetzner-deployment.*`\n")],
            declared: vec![(".openspec.yaml", "hosts/yoga/")],
            co_changed: Some(&co),
            inputs: &[],
        };
        let links = resolve(&change, &files(), &Fates::new(), &[]);
        assert_eq!(
            brief(&links),
            [
                ("hosts/yoga/".into(), Source::Declared, State::Exists),
                ("scripts/verify-hetzner-deployment.fish".into(), Source::Declared, State::Exists),
                ("scripts/verify-hetzner-deployment.sh".into(), Source::Declared, State::Exists),
                ("modules/ci/attic.nix".into(), Source::Git, State::Exists),
                ("modules/niri/default.nix".into(), Source::Inferred, State::Exists),
            ]
        );
        assert_eq!(links[3].confidence, 0.5);
        assert_eq!(links[4].confidence, 0.3);
    }

    #[test]
    fn co_change_weights_split_over_the_changes_a_commit_touches() {
        let commits = vec![
            (vec!["a".to_string()], vec!["x.nix".to_string()]),
            (vec!["a".to_string(), "b".to_string()], vec!["x.nix".to_string(), "y.nix".to_string()]),
            (vec![], vec!["z.nix".to_string()]),
        ];
        let co = co_changes(&commits);
        assert_eq!(co["a"]["x.nix"], (1.0, 2));
        assert_eq!(co["a"]["y.nix"], (0.5, 1));
        assert_eq!(co["b"]["x.nix"], (0.5, 1));
        assert!(!co.contains_key(""));
        let ids: BTreeSet<String> = ["add-a".to_string(), "b".to_string()].into();
        assert_eq!(ids_in_message("Implement add-a (part 2); not add-ab. Closes b.", &ids), ["add-a", "b"]);
    }

    #[test]
    fn the_strongest_source_wins_and_evidence_adds_up() {
        let docs = vec![("a.md", "`modules/ci/attic.nix`\n"), ("b.md", "see `modules/ci/attic.nix`\n")];
        let co: BTreeMap<String, (f64, usize)> = [("modules/ci/attic.nix".to_string(), (0.25, 1))].into();
        let change = ChangeInput { id: "x", documents: docs, declared: Vec::new(), co_changed: Some(&co), inputs: &[] };
        let links = resolve(&change, &files(), &Fates::new(), &[]);
        assert_eq!(links.len(), 1);
        assert_eq!((links[0].source, links[0].confidence, links[0].evidence.len()), (Source::Declared, 1.0, 3));
    }
}
