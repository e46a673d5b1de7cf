//! How much each kind of evidence says that a change touches a file, and
//! how the kinds combine into one confidence. Pure.
//!
//! Three kinds, each a probability that the path is one the change really
//! touches, combined as independent evidence (`1 - Π(1 - pᵢ)`):
//!
//! - **text**: the change's documents name the path. How much that says
//!   depends on where ([`strength`]): a task or the proposal's Impact
//!   section names work; a design or a requirement may name a file as
//!   context; a scenario or an example shows behaviour. A path that does not
//!   exist is planned work only where work is named (tasks, Impact), and a
//!   change that is complete or archived has no work left: its missing paths
//!   are plans it did not follow, or examples ([`planned`]).
//! - **git**: the commits that did work on the change changed the file
//!   ([`co_changes`]). Only commits that *work* on it count ([`is_work`]):
//!   one that only creates the folder with no task done (a proposal) or only
//!   moves it (the archive, a rename) says nothing about code. Each such
//!   commit gives its files `1/k` when it works on `k` changes, times a
//!   factor that falls with the number of code files it changes
//!   ([`size_factor`]): a 120-file import says almost nothing about any one
//!   of them. A file only git names counts less when it is far from every
//!   path the text names ([`near`]).
//! - **inferred**: a flake input or a word of the change id names it.
//!
//! Files that are not code get no link above the floor, whatever names
//! them: tool and generated folders (`.direnv/`, `result`, vendored agent
//! prompts such as `.opencode/` or `.claude/`) and files the repository's
//! `.gitignore` matches, committed or not ([`Files::not_code`](super::Files::not_code)).
//!
//! Links below [`FLOOR`] are candidates: every view leaves them out
//! ([`above_floor`]); `spec links --all` shows them. docs/links.md says how
//! the numbers were measured.

use super::Link;
use crate::parse::links::Place;
use crate::source::FolderState;
use std::collections::BTreeMap;

/// The confidence a link needs to be shown by `spec links` and used by
/// every view built on links (status, ROADMAP.md, the site, impact).
/// Chosen on the labelled corpus (bench/links.sh; docs/links.md).
pub const FLOOR: f64 = 0.5;

/// Whether a link is sure enough to be a link, not a candidate: the one
/// test every view applies.
pub fn above_floor(link: &Link) -> bool {
    link.confidence >= FLOOR
}

/// The links at or above [`FLOOR`], and the candidates below it, each in
/// the order given.
pub fn split_at_floor(links: Vec<Link>) -> (Vec<Link>, Vec<Link>) {
    links.into_iter().partition(above_floor)
}

/// The highest confidence a path that is not code can have.
pub const NOT_CODE_CAP: f64 = 0.1;

/// Top-level folders (and `.github/` subfolders) of tools, not code: build
/// output and environments, editors, and the prompts and settings agents
/// keep in a repository.
const TOOL_FOLDERS: &[&str] = &[
    ".direnv",
    ".devenv",
    ".git",
    ".jj",
    "node_modules",
    ".venv",
    "__pycache__",
    ".vscode",
    ".idea",
    ".zed",
    ".agent",
    ".agents",
    ".aider",
    ".amazonq",
    ".augment",
    ".claude",
    ".clinerules",
    ".codex",
    ".continue",
    ".crush",
    ".cursor",
    ".factory",
    ".gemini",
    ".kilocode",
    ".kiro",
    ".opencode",
    ".qwen",
    ".roo",
    ".windsurf",
    ".github/agents",
    ".github/chatmodes",
    ".github/instructions",
    ".github/prompts",
];

/// Why a path is a tool's, not code: the tool folder it lies in, or
/// `result` (a `nix build` output link).
pub fn tool_path(path: &str) -> Option<&'static str> {
    let first = path.split('/').next().unwrap_or(path);
    if first == "result" || first.starts_with("result-") {
        return Some("result");
    }
    TOOL_FOLDERS
        .iter()
        .copied()
        .find(|t| path.strip_prefix(t).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Which document of a change a mention is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Proposal,
    Design,
    Tasks,
    /// A delta spec (`specs/<capability>/spec.md`).
    Delta,
}

/// What naming an existing path at `place` of a document of `kind` says.
pub fn strength(kind: DocKind, place: Place) -> f64 {
    match (place, kind) {
        (Place::Example, _) => 0.6,
        (Place::Impact, _) | (Place::Prose, DocKind::Tasks) => 0.95,
        (Place::Prose, DocKind::Proposal) => 0.9,
        (Place::Prose, DocKind::Design | DocKind::Delta) => 0.85,
    }
}

/// The factor for a path that does not exist and never did: planned work
/// where work is named (a task, the Impact section), less elsewhere, hardly
/// any in an example; and less again once the change is done (`done`:
/// complete or archived), when nothing is left to write.
pub fn planned(kind: DocKind, place: Place, done: bool) -> f64 {
    let named_as_work = place == Place::Impact || kind == DocKind::Tasks;
    let f = match place {
        Place::Example => 0.2,
        _ if named_as_work => 1.0,
        _ => 0.4,
    };
    if done { f * 0.5 } else { f }
}

/// Independent evidence combined: the chance that at least one is right.
pub fn combine(parts: &[f64]) -> f64 {
    1.0 - parts.iter().map(|p| 1.0 - p.clamp(0.0, 1.0)).product::<f64>()
}

/// How much a file only git names counts when it is [`near`] no path the
/// text names.
pub const FAR: f64 = 0.5;

/// What a folder keeps of its confidence when only the design or a delta
/// spec names it and the change is done without a commit changing a file
/// in it: context, not work.
pub const UNTOUCHED_FOLDER: f64 = 0.5;

/// The folder of a path (`""` at the root); a folder path is its own.
fn parent(path: &str) -> &str {
    if let Some(dir) = path.strip_suffix('/') {
        return dir;
    }
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A path as a module: its segments without the extension, and without a
/// last `default` (`modules/x/default.nix` and `modules/x.nix` are `modules/x`).
fn module(path: &str) -> Vec<&str> {
    let path = path.trim_end_matches('/');
    let stem = path.rsplit_once('.').filter(|(_, ext)| !ext.contains('/')).map_or(path, |(s, _)| s);
    let mut segs: Vec<&str> = stem.split('/').collect();
    if segs.len() > 1 && segs.last() == Some(&"default") {
        segs.pop();
    }
    segs
}

/// Whether a path lies beside one the text names: in the same folder (not
/// the root), below a named folder, or the same module under another root
/// (`docs/src/modules/x/proxy.md` beside `modules/x/proxy/default.nix`: the
/// last two segments of the module, or of the folder, agree).
pub fn near(path: &str, named: &[&str]) -> bool {
    let dir = parent(path);
    let tail = |segs: Vec<&str>| -> Option<Vec<String>> {
        (segs.len() >= 2).then(|| segs[segs.len() - 2..].iter().map(|s| s.to_string()).collect())
    };
    let keys = |p: &str| -> Vec<Vec<String>> {
        let d: Vec<&str> = if parent(p).is_empty() { Vec::new() } else { parent(p).split('/').collect() };
        [tail(module(p)), tail(d)].into_iter().flatten().collect()
    };
    let mine = keys(path);
    named.iter().any(|n| {
        (n.ends_with('/') && path.starts_with(n))
            || (!dir.is_empty() && parent(n) == dir)
            || keys(n).iter().any(|k| mine.contains(k))
    })
}

/// One commit's work: the changes it worked on and every file it changed
/// outside `openspec/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitWork {
    pub id: String,
    pub changes: Vec<String>,
    pub files: Vec<String>,
}

/// One file changed by a change's commits: what that says, and where.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoChange {
    /// The commits' weights added up, at most 1.
    pub weight: f64,
    /// Each commit (abbreviated id) and the number of code files it changed.
    pub commits: Vec<(String, usize)>,
}

/// Per change id: file → what its commits say about it, from [`co_changes`].
pub type CoChanges = BTreeMap<String, BTreeMap<String, CoChange>>;

/// Commits of at most this many code files count in full.
pub const FOCUSED: f64 = 40.0;

/// What a commit of `n` code files says about any one of them: 1 up to
/// [`FOCUSED`] files, then `FOCUSED / n` (0.33 at 120 files): a commit says
/// as much as a focused one, spread over its files.
pub fn size_factor(n: usize) -> f64 {
    if n == 0 { 0.0 } else { (FOCUSED / n as f64).min(1.0) }
}

/// What a glob that matches `n` files says about each: in full up to four,
/// then falling as `√(4 / n)` (0.5 at 16).
pub fn glob_factor(n: usize) -> f64 {
    (4.0 / n.max(1) as f64).min(1.0).sqrt()
}

/// Whether a commit that turned a change's folders `before` into `after`
/// (the change's states there, empty when it had none) worked on it. Not
/// when it only created the folder with no task done (a proposal), only
/// moved it unchanged (archived, renamed) or removed it.
pub fn is_work(before: &[&FolderState], after: &[&FolderState]) -> bool {
    match (before.is_empty(), after.is_empty()) {
        (_, true) => false,
        (true, false) => after.iter().any(|s| s.done > 0),
        (false, false) => {
            let ids = |s: &[&FolderState]| {
                let mut v: Vec<_> = s.iter().map(|s| s.dir).collect();
                v.sort();
                v
            };
            ids(before) != ids(after)
        }
    }
}

/// Files changed by the commits that worked on each change. A commit that
/// works on `k` changes and changes `n` code files gives each of its files
/// `1/k × size_factor(n)`; a change's commits add up (at most 1). Files that
/// are not code (`not_code`) are kept, so that `--all` can show them, but do
/// not count in `n`.
pub fn co_changes(commits: &[CommitWork], not_code: impl Fn(&str) -> bool) -> CoChanges {
    let mut out = CoChanges::new();
    for c in commits.iter().filter(|c| !c.changes.is_empty()) {
        let code = c.files.iter().filter(|f| !not_code(f)).count();
        let weight = size_factor(code.max(1)) / c.changes.len() as f64;
        let short = c.id[..c.id.len().min(8)].to_owned();
        for change in &c.changes {
            let entry = out.entry(change.clone()).or_default();
            for f in &c.files {
                let e = entry.entry(f.clone()).or_default();
                e.weight = (e.weight + weight).min(1.0);
                e.commits.push((short.clone(), code));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use git2::Oid;

    fn state(dir: &str, done: u32) -> FolderState {
        let id = |s: &str| Oid::hash_object(git2::ObjectType::Blob, s.as_bytes()).unwrap();
        FolderState { dir: id(dir), tasks: None, proposal: None, done, total: 3 }
    }

    #[test]
    fn proposals_and_archive_moves_are_no_work() {
        let (a, a_ticked) = (state("a", 0), state("a2", 1));
        assert!(!is_work(&[], &[&a]), "a proposal: created with no task done");
        assert!(is_work(&[], &[&a_ticked]), "created with work done");
        assert!(!is_work(&[&a], &[&a]), "moved unchanged: archived or renamed");
        assert!(is_work(&[&a], &[&a_ticked]), "ticked (and maybe moved)");
        assert!(!is_work(&[&a], &[]), "removed");
    }

    #[test]
    fn a_commit_says_less_the_more_files_and_changes_it_has() {
        let commit = |id: &str, changes: &[&str], n: usize| CommitWork {
            id: id.into(),
            changes: changes.iter().map(|c| c.to_string()).collect(),
            files: (0..n).map(|i| format!("f{i}.nix")).collect(),
        };
        let co = co_changes(
            &[commit("c1", &["a"], 3), commit("c2", &["a", "b"], 2), commit("c3", &["b"], 120), commit("c4", &[], 1)],
            |_| false,
        );
        assert_eq!(co["a"]["f0.nix"].weight, 1.0);
        assert_eq!(co["a"]["f2.nix"].commits, [("c1".to_string(), 3)]);
        assert_eq!(co["b"]["f1.nix"].weight, 0.5 + size_factor(120));
        assert_eq!((size_factor(40), size_factor(80), size_factor(0)), (1.0, 0.5, 0.0));
        assert!((co["b"]["f100.nix"].weight - 0.33).abs() < 0.01, "a bulk commit says little");
        assert!(!co.contains_key(""));
        // Files that are not code do not make a commit bigger.
        let mut bulk = commit("c5", &["c"], 2);
        bulk.files.extend((0..100).map(|i| format!(".opencode/skills/{i}.md")));
        let co = co_changes(&[bulk], |f| tool_path(f).is_some());
        assert_eq!(co["c"]["f1.nix"].weight, 1.0);
        assert_eq!(size_factor(120), 40.0 / 120.0);
        assert_eq!(co["c"][".opencode/skills/7.md"].commits, [("c5".to_string(), 2)]);
    }

    #[test]
    fn tools_and_build_output_are_not_code() {
        for p in
            [".direnv/flake-profile", "result", "result-man/share", ".opencode/command/x.md", ".github/prompts/a.md"]
        {
            assert!(tool_path(p).is_some(), "{p}");
        }
        for p in ["results/x.nix", ".github/workflows/ci.yml", "modules/.direnv.nix", "hosts/result/default.nix"] {
            assert!(tool_path(p).is_none(), "{p}");
        }
    }

    #[test]
    fn near_is_the_same_folder_a_named_folder_or_the_same_module() {
        let named = ["modules/nixos/server/proxy/default.nix", "hosts/yoga/", "flake.nix"];
        assert!(near("modules/nixos/server/proxy/config.nix", &named));
        assert!(near("hosts/yoga/disko.nix", &named));
        assert!(near("docs/src/modules/nixos/server/proxy.md", &named));
        assert!(!near("hosts/server/nixcloud/identity.nix", &named));
        assert!(!near("README.md", &named), "the root is no folder of its own");
        assert!(!near("modules/nixos/core/gaming.nix", &named));
    }

    #[test]
    fn where_a_path_is_named_says_how_much() {
        assert!(strength(DocKind::Proposal, Place::Impact) >= strength(DocKind::Tasks, Place::Prose));
        assert!(strength(DocKind::Tasks, Place::Prose) > strength(DocKind::Design, Place::Prose));
        let design = strength(DocKind::Design, Place::Prose) * planned(DocKind::Design, Place::Prose, false);
        assert!(design < FLOOR, "a design plans nothing the tasks or the Impact do not name");
        assert!(strength(DocKind::Delta, Place::Prose) > strength(DocKind::Tasks, Place::Example));
        let example = strength(DocKind::Delta, Place::Example) * planned(DocKind::Delta, Place::Example, false);
        assert!(example < FLOOR, "an example path is not a planned file");
        let task = strength(DocKind::Tasks, Place::Prose) * planned(DocKind::Tasks, Place::Prose, false);
        assert!(task >= FLOOR);
        assert!(combine(&[0.5, 0.5]) == 0.75 && combine(&[]) == 0.0);
    }
}
