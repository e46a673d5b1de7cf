//! Host impact: which hosts a change is work on. A change's linked `.nix`
//! files (found by the code links) run on a host when the host's build
//! reads them and switches them on ([`NixGraph::active_on`]); a file not in
//! the repository (planned, or deleted since) stands for the nearest
//! `default.nix` above it. The change is work on a host when
//!
//! - a file of it that is the host's code runs there: not `flake.nix`,
//!   `flake.lock`, the files that define hosts or flake-parts modules
//!   ([`NixGraph::is_host_code`]); and, when it is common code (every host
//!   of its kinds runs it, two hosts or more), one that sets configuration
//!   ([`NixGraph::configures`]): an overlay, a package, option declarations
//!   or a list of imports there change a host only through what uses them,
//!   which the change's other files say; or
//! - its text names the host or the host's group ([`super::targets`]) and
//!   the change has no code yet, or, while it is open, the host's build
//!   reads one of its files, switched on or not, or, once it is finished,
//!   the host's build switches on one of its files other than common code
//!   that sets nothing (the work done shows where it runs),
//!
//! and its text does not rule the host out. A change archived with tasks
//! open whose files git shows unchanged from its creation to its archiving
//! was never done: it is work on no host ([`ChangeCode::abandoned`]). A
//! change that is work on every host (two or more), or whose only files are
//! ones every host runs that say nothing of which (`flake.nix`, an overlay)
//! and whose text names no host, is work on all hosts alike, listed once
//! ([`Impact::shared`]) and not on each; with hosts ruled out, it is work
//! on the others. Open work is a change not complete; done work is
//! complete, or archived with every task checked; a change archived with
//! tasks still open is neither, and is kept apart ([`HostImpact::unfinished`]).

use super::NixGraph;
use super::facts::HostKind;
use super::targets::Targets;
use crate::model::{ChangeStatus, Progress, Stage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A change and the `.nix` files its code links stand for.
#[derive(Debug, Clone)]
pub struct ChangeCode {
    pub id: String,
    pub status: ChangeStatus,
    pub tasks: Progress,
    /// Repository-relative `.nix` paths, sorted.
    pub nix_files: Vec<String>,
    /// What its text says about hosts.
    pub targets: Targets,
    /// Archived with tasks open, and none of its `.nix` files changed from
    /// its creation to its archiving (from git): planned, never done. Work
    /// on no host.
    pub abandoned: bool,
}

/// Which hosts a change is work on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    /// These hosts, sorted.
    Hosts(Vec<String>),
    /// Every host alike: its only files are ones every host runs.
    Shared,
}

/// Per host, and once for all hosts, the changes that are work on them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Impact {
    pub hosts: Vec<HostImpact>,
    /// Changes whose only code is shared by every host (host: `all hosts`).
    pub shared: HostImpact,
}

impl Impact {
    /// The rows a table of hosts shows: all hosts (shared) first when any
    /// change is there, then each host.
    pub fn rows(&self) -> impl Iterator<Item = &HostImpact> {
        let shared = self.shared.all().next().is_some().then_some(&self.shared);
        shared.into_iter().chain(&self.hosts)
    }
}

/// What [`Impact::shared`] is called wherever a host name would stand.
pub const ALL_HOSTS: &str = "all hosts (shared)";

/// The hosts a change is work on (see the module comment), with the files
/// that run on each.
pub fn affected(graph: &NixGraph, change: &ChangeCode) -> (Affected, Vec<(String, Vec<String>)>) {
    let mut names: Vec<&str> = graph.hosts().iter().map(|h| h.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    // A file not in the repository (planned, or deleted since) stands for
    // the module of the folder it is in: the nearest `default.nix` above it.
    let files: Vec<String> = change.nix_files.iter().filter_map(|f| graph.stand_in(f)).collect();
    let runs: Vec<(&str, Vec<String>)> = names
        .iter()
        .map(|h| (*h, files.iter().filter(|f| graph.active_on(f, h)).cloned().collect::<Vec<_>>()))
        .collect();
    let shared = |f: &String| names.len() >= 2 && runs.iter().all(|(_, on)| on.contains(f));
    // `flake.nix`, `flake.lock`, the files that define hosts and
    // flake-parts modules are read by every build but are mostly about
    // other things (inputs, dev shells, the host list): alone they say
    // "all hosts" only when nothing else says which. What a host's build
    // reads from its entry modules is its code.
    let entry = |f: &String| matches!(f.as_str(), "flake.nix" | "flake.lock") || !graph.is_host_code(f);
    let excluded = |h: &str| change.targets.excluded.iter().any(|x| x == h);
    if change.abandoned {
        let files = runs.into_iter().map(|(h, f)| (h.to_owned(), f)).collect();
        return (Affected::Hosts(Vec::new()), files);
    }
    // Code every host of its kinds runs (two hosts or more) changes them
    // all only when it sets configuration: an overlay, a package, an
    // option declaration or a list of imports there changes a host only
    // through what uses it, which the change's other files say.
    let mut kinds: BTreeMap<&str, BTreeSet<HostKind>> = BTreeMap::new();
    for h in graph.hosts() {
        kinds.entry(h.name.as_str()).or_default().insert(h.kind);
    }
    let common = |f: &String| {
        let on: Vec<&str> = runs.iter().filter(|(_, on)| on.contains(f)).map(|(h, _)| *h).collect();
        let of: BTreeSet<HostKind> = on.iter().flat_map(|h| kinds[h].iter().copied()).collect();
        on.len() >= 2 && names.iter().all(|h| on.contains(h) || kinds[h].is_disjoint(&of))
    };
    // A host the text names counts when the change has no code; while it
    // is open, when the host's build reads a file of it (switched on or
    // not: the plan may switch it on); once finished, when the host's build
    // switches on a file of it other than common code that sets nothing
    // (the work done shows where it runs: a host named in a check, "passes
    // on nixmi", is not work).
    let says = |f: &String| !common(f) || graph.configures(f);
    let finished = Stage::of(change.status, change.tasks).closed();
    let named = |h: &str| {
        change.targets.named.iter().any(|n| n == h)
            && (files.is_empty()
                || files.iter().any(|f| {
                    if finished { graph.active_on(f, h) && (entry(f) || says(f)) } else { graph.in_closure(f, h) }
                }))
    };
    let counts = |f: &String| !entry(f) && says(f);
    let mut hosts: Vec<String> = runs
        .iter()
        .filter(|(h, on)| on.iter().any(counts) || named(h))
        .map(|(h, _)| (*h).to_owned())
        .filter(|h| !excluded(h))
        .collect();
    let any_shared = runs.iter().any(|(_, on)| on.iter().any(shared));
    let everywhere = hosts.len() == names.len() && names.len() >= 2;
    let affected = if change.targets.excluded.is_empty() && (everywhere || (hosts.is_empty() && any_shared)) {
        Affected::Shared
    } else if hosts.is_empty() && any_shared {
        hosts = names.iter().filter(|h| !excluded(h)).map(|h| (*h).to_owned()).collect();
        Affected::Hosts(hosts)
    } else {
        Affected::Hosts(hosts)
    };
    let files = runs.into_iter().map(|(h, f)| (h.to_owned(), f)).collect();
    (affected, files)
}

/// One change as `spec impact` lists it under a host.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactChange {
    pub id: String,
    pub status: ChangeStatus,
    pub tasks: Progress,
    /// The change's `.nix` files that the host's build runs.
    pub files: Vec<String>,
}

/// A host and the changes whose code it runs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostImpact {
    pub host: String,
    pub open: Vec<ImpactChange>,
    pub done: Vec<ImpactChange>,
    /// Archived with tasks still open: not done, no longer planned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unfinished: Vec<ImpactChange>,
}

impl HostImpact {
    /// The ids of its open changes, of its done ones, and of those archived unfinished.
    pub fn ids(&self) -> (Vec<String>, Vec<String>, Vec<String>) {
        let ids = |v: &[ImpactChange]| v.iter().map(|c| c.id.clone()).collect();
        (ids(&self.open), ids(&self.done), ids(&self.unfinished))
    }

    /// Every change whose code it runs: open, done, archived unfinished.
    pub fn all(&self) -> impl Iterator<Item = &ImpactChange> {
        self.open.iter().chain(&self.done).chain(&self.unfinished)
    }
}

impl HostImpact {
    fn new(host: &str) -> Self {
        HostImpact { host: host.to_owned(), open: Vec::new(), done: Vec::new(), unfinished: Vec::new() }
    }

    /// File a change under open, done or archived unfinished.
    fn add(&mut self, c: &ChangeCode, files: Vec<String>) {
        let entry = ImpactChange { id: c.id.clone(), status: c.status, tasks: c.tasks, files };
        match Stage::of(c.status, c.tasks) {
            Stage::ArchivedUnfinished => self.unfinished.push(entry),
            s if s.finished() => self.done.push(entry),
            _ => self.open.push(entry),
        }
    }
}

/// Per host of the graph (by name, in the graph's order), the changes that
/// are work on it, in the order given; and the changes that are work on
/// all hosts alike.
pub fn host_impact(graph: &NixGraph, changes: &[ChangeCode]) -> Impact {
    let mut names: Vec<&str> = graph.hosts().iter().map(|h| h.name.as_str()).collect();
    names.dedup();
    let mut hosts: Vec<HostImpact> = names.iter().map(|h| HostImpact::new(h)).collect();
    let mut shared = HostImpact::new(ALL_HOSTS);
    for c in changes {
        let (affected, runs) = affected(graph, c);
        match affected {
            Affected::Shared => {
                let mut files: Vec<String> = runs.into_iter().flat_map(|(_, f)| f).collect();
                files.sort();
                files.dedup();
                shared.add(c, files);
            }
            Affected::Hosts(list) => {
                for h in hosts.iter_mut().filter(|h| list.contains(&h.host)) {
                    let files = runs.iter().find(|(n, _)| *n == h.host).map(|(_, f)| f.clone()).unwrap_or_default();
                    h.add(c, files);
                }
            }
        }
    }
    Impact { hosts, shared }
}

/// One host for the architecture diagram: its name and the module folders
/// its build runs, each with the work in it (`Some(true)`: a change not
/// complete touches it; `Some(false)`: only finished changes do; `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFolders {
    pub host: String,
    pub folders: Vec<(String, Option<bool>)>,
}

/// The module folder a file belongs to for the architecture diagram: its
/// first two path segments (`modules/desktop`), one for a file one level
/// down, `.` at the root.
fn folder(file: &str) -> String {
    let parts: Vec<&str> = file.split('/').collect();
    match parts.len() {
        0 | 1 => ".".to_owned(),
        2 => parts[0].to_owned(),
        _ => format!("{}/{}", parts[0], parts[1]),
    }
}

/// Per host, the module folders its build runs (switched on, `flake.nix`
/// left out) with the work in each, from the host impact.
pub fn host_folders(graph: &NixGraph, impact: &Impact) -> Vec<HostFolders> {
    impact
        .hosts
        .iter()
        .map(|h| {
            let work = |changes: &[ImpactChange]| -> BTreeSet<String> {
                changes.iter().flat_map(|c| c.files.iter().map(|f| folder(f))).collect()
            };
            let open = work(&h.open).into_iter().chain(work(&impact.shared.open)).collect::<BTreeSet<_>>();
            let done = work(&h.done).into_iter().chain(work(&impact.shared.done)).collect::<BTreeSet<_>>();
            let folders: BTreeSet<String> = graph
                .closure(&h.host)
                .into_iter()
                .filter(|f| f.ends_with(".nix") && f != "flake.nix" && graph.active_on(f, &h.host))
                .map(|f| folder(&f))
                .collect();
            HostFolders {
                host: h.host.clone(),
                folders: folders
                    .into_iter()
                    .map(|f| {
                        let w = if open.contains(&f) { Some(true) } else { done.contains(&f).then_some(false) };
                        (f, w)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Module folders that the same hosts run, for the architecture diagrams:
/// hosts are grouped by the folders they share, and each group of folders
/// is drawn once, with one edge per host that runs it (one for all hosts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderGroup {
    /// Indices of the hosts that run these folders, ascending.
    pub hosts: Vec<usize>,
    /// Every host runs them (and there are two hosts or more).
    pub all: bool,
    /// The folders by their first path segment (`modules`, `.` for the
    /// root), sorted, each with the work in it across the hosts (see
    /// [`HostFolders`]): open work wins over finished work.
    pub levels: Vec<(String, Vec<FolderWork>)>,
}

/// A module folder and the work in it (see [`HostFolders`]).
pub type FolderWork = (String, Option<bool>);

/// The top-level folder a module folder is in: `modules` for
/// `modules/desktop`, itself for a top-level folder, `.` for the root.
pub fn folder_level(folder: &str) -> &str {
    folder.split('/').next().unwrap_or(folder)
}

/// The folders of the hosts grouped by the set of hosts that run each: the
/// group every host runs first, then the others by their hosts (in the
/// order given). Deterministic: folders are sorted within a group.
pub fn folder_groups(hosts: &[HostFolders]) -> Vec<FolderGroup> {
    let mut runs: BTreeMap<&str, (Vec<usize>, Option<bool>)> = BTreeMap::new();
    for (i, h) in hosts.iter().enumerate() {
        for (f, work) in &h.folders {
            let e = runs.entry(f.as_str()).or_insert((Vec::new(), None));
            if e.0.last() != Some(&i) {
                e.0.push(i);
            }
            e.1 = match (e.1, *work) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), _) | (_, Some(false)) => Some(false),
                _ => None,
            };
        }
    }
    let every = hosts.len() >= 2;
    // Keyed by (not every host, hosts), so every host's group comes first;
    // each a map of levels.
    type Levels<'a> = BTreeMap<&'a str, Vec<FolderWork>>;
    let mut groups: BTreeMap<(bool, Vec<usize>), Levels> = BTreeMap::new();
    for (f, (on, work)) in runs {
        let all = every && on.len() == hosts.len();
        groups.entry((!all, on)).or_default().entry(folder_level(f)).or_default().push((f.to_owned(), work));
    }
    groups
        .into_iter()
        .map(|((not_all, hosts), levels)| FolderGroup {
            hosts,
            all: !not_all,
            levels: levels.into_iter().map(|(l, fs)| (l.to_owned(), fs)).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nix::{build, parse::parse};

    fn graph() -> NixGraph {
        let flake = "{ outputs = { nixpkgs, ... }: {\n  nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./hosts/a ]; };\n  nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = [ ./hosts/b ]; };\n}; }";
        let files = [
            ("flake.nix", flake),
            ("hosts/a/default.nix", "{ imports = [ ../../modules/desktop/niri.nix ../../modules/base.nix ]; }"),
            ("hosts/b/default.nix", "{ imports = [ ../../modules/base.nix ]; }"),
            ("modules/desktop/niri.nix", "{ }"),
            ("modules/base.nix", "{ }"),
        ];
        graph_of(&files)
    }

    /// The graph of these `.nix` files (path, text).
    fn graph_of(files: &[(&str, &str)]) -> NixGraph {
        let facts: Vec<_> = files.iter().map(|(p, t)| (p.to_string(), parse(p, t))).collect();
        build(&facts, &files.iter().map(|(p, _)| p.to_string()).collect())
    }

    fn change(id: &str, status: ChangeStatus, files: &[&str]) -> ChangeCode {
        ChangeCode {
            id: id.into(),
            status,
            tasks: Progress::default(),
            nix_files: files.iter().map(|f| f.to_string()).collect(),
            targets: Targets::default(),
            abandoned: false,
        }
    }

    #[test]
    fn a_change_counts_on_the_hosts_that_run_its_files() {
        let g = graph();
        let mut dropped = change("dropped", ChangeStatus::Archived, &["modules/base.nix"]);
        dropped.tasks = Progress { done: 1, total: 3 };
        let mut never = change("never", ChangeStatus::Archived, &["modules/desktop/niri.nix"]);
        never.tasks = Progress { done: 0, total: 2 };
        never.abandoned = true;
        let changes = [
            change("niri", ChangeStatus::InProgress, &["modules/desktop/niri.nix"]),
            change("base", ChangeStatus::Archived, &["modules/base.nix", "nowhere.nix"]),
            dropped,
            never,
        ];
        let impact = host_impact(&g, &changes);
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // `base.nix` runs on both hosts: shared work, listed once; archived
        // with open tasks is not done work: it is kept apart.
        assert_eq!(impact.shared.ids(), (ids(&[]), ids(&["base"]), ids(&["dropped"])));
        assert_eq!(impact.shared.done[0].files, ["modules/base.nix"]);
        // Archived with its files never changed: on no host.
        let rows: Vec<_> = impact.hosts.iter().map(|h| (h.host.as_str(), h.ids())).collect();
        assert_eq!(rows, [("a", (ids(&["niri"]), ids(&[]), ids(&[]))), ("b", (ids(&[]), ids(&[]), ids(&[])))]);
        let folders = host_folders(&g, &impact);
        assert_eq!(
            folders[0].folders,
            [
                ("hosts/a".to_owned(), None),
                ("modules".to_owned(), Some(false)),
                ("modules/desktop".to_owned(), Some(true))
            ]
        );
    }

    #[test]
    fn text_that_names_or_rules_out_hosts_decides_shared_work() {
        let g = graph();
        let named = |id: &str, named: &[&str], excluded: &[&str]| {
            let mut c = change(id, ChangeStatus::InProgress, &["modules/base.nix"]);
            c.targets = Targets {
                named: named.iter().map(|s| s.to_string()).collect(),
                excluded: excluded.iter().map(|s| s.to_string()).collect(),
            };
            c
        };
        let hosts = |c: &ChangeCode| affected(&g, c).0;
        let v = |l: &[&str]| Affected::Hosts(l.iter().map(|s| s.to_string()).collect());
        assert_eq!(hosts(&named("plain", &[], &[])), Affected::Shared);
        // A common module that sets nothing says nothing of which hosts:
        // the text does.
        assert_eq!(hosts(&named("for-b", &["b"], &[])), v(&["b"]));
        // `flake.nix` alone says little: the hosts the text names decide.
        let mut inputs = named("inputs", &["b"], &[]);
        inputs.nix_files = vec!["flake.nix".into()];
        assert_eq!(hosts(&inputs), v(&["b"]));
        inputs.targets.named.clear();
        assert_eq!(hosts(&inputs), Affected::Shared);
        assert_eq!(hosts(&named("not-b", &[], &["b"])), v(&["a"]));
        // A file that runs on one host only: that host, unless ruled out.
        let mut niri = named("niri", &[], &[]);
        niri.nix_files = vec!["modules/desktop/niri.nix".into()];
        assert_eq!(hosts(&niri), v(&["a"]));
        niri.targets.excluded = vec!["a".into()];
        assert_eq!(hosts(&niri), v(&[]));
    }

    #[test]
    fn common_code_counts_on_every_host_only_where_it_sets_configuration() {
        let flake = "{ outputs = { nixpkgs, ... }: {\n  nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./hosts/a ]; };\n  nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = [ ./hosts/b ]; };\n}; }";
        let files = [
            ("flake.nix", flake),
            ("hosts/a/default.nix", "{ imports = [ ../../modules ../../modules/develop.nix ]; }"),
            ("hosts/b/default.nix", "{ imports = [ ../../modules ]; }"),
            ("modules/default.nix", "{ imports = [ ./common.nix ./options.nix ]; }"),
            (
                "modules/common.nix",
                "{ ... }: let catalog = import ../data/catalog.nix { }; in {\n  services.x.enable = true;\n  nixpkgs.overlays = [ (import ../overlays/tools.nix) ];\n  environment.etc.units.text = builtins.toJSON catalog;\n}",
            ),
            ("modules/options.nix", "{ lib, ... }: { options.x.enable = lib.mkEnableOption \"x\"; }"),
            ("modules/develop.nix", "{ pkgs, ... }: { environment.systemPackages = [ pkgs.tool ]; }"),
            ("overlays/tools.nix", "final: prev: { tool = prev.hello; }"),
            ("data/catalog.nix", "{ }: { units = { a = 1; }; }"),
        ];
        let g = graph_of(&files);
        let hosts = |files: &[&str], named: &[&str]| {
            let mut c = change("c", ChangeStatus::InProgress, files);
            c.targets.named = named.iter().map(|s| s.to_string()).collect();
            affected(&g, &c).0
        };
        let a = Affected::Hosts(vec!["a".into()]);
        // An overlay entry, an option declared, a list of imports: work on
        // the hosts that use them, which the other files say.
        assert_eq!(hosts(&["overlays/tools.nix", "modules/develop.nix"], &[]), a);
        assert_eq!(hosts(&["modules/options.nix", "modules/default.nix", "modules/develop.nix"], &[]), a);
        assert_eq!(hosts(&["overlays/tools.nix"], &[]), Affected::Shared);
        // A common module that sets configuration, and the data it reads,
        // change every host, whatever hosts the text names.
        assert_eq!(hosts(&["modules/common.nix", "modules/develop.nix"], &["a"]), Affected::Shared);
        assert_eq!(hosts(&["data/catalog.nix", "modules/develop.nix"], &[]), Affected::Shared);
        assert!(g.configures("modules/common.nix") && g.configures("data/catalog.nix"));
        assert!(!g.configures("overlays/tools.nix") && !g.configures("modules/options.nix"));
        assert!(!g.configures("modules/default.nix"), "imports only");
        // A host the text names: while the change is open, any file of it
        // its build reads; once done, only code of it that says something.
        let mut named = change("c", ChangeStatus::InProgress, &["modules/options.nix", "modules/develop.nix"]);
        named.targets.named = vec!["b".into()];
        assert_eq!(affected(&g, &named).0, Affected::Shared);
        named.status = ChangeStatus::Archived;
        assert_eq!(affected(&g, &named).0, a);
        // What defines the hosts is not host code.
        assert!(!g.is_host_code("flake.nix") && g.is_host_code("modules/develop.nix"));
    }

    #[test]
    fn folders_are_grouped_by_the_hosts_that_run_them() {
        let h = |name: &str, folders: &[(&str, Option<bool>)]| HostFolders {
            host: name.into(),
            folders: folders.iter().map(|(f, w)| (f.to_string(), *w)).collect(),
        };
        let hosts = [
            h(
                "a",
                &[("hosts/a", None), ("modules/base", Some(false)), ("modules/desktop", Some(true)), ("home", None)],
            ),
            h("b", &[("hosts/b", None), ("modules/base", Some(true)), ("home", None)]),
            h("c", &[("hosts/c", None), ("modules/base", None), ("home", None), ("modules/desktop", None)]),
        ];
        let groups = folder_groups(&hosts);
        type Shape<'a> = (bool, Vec<usize>, Vec<(&'a str, Vec<&'a str>)>);
        let shape: Vec<Shape> = groups
            .iter()
            .map(|g| {
                let levels =
                    g.levels.iter().map(|(l, fs)| (l.as_str(), fs.iter().map(|(f, _)| f.as_str()).collect())).collect();
                (g.all, g.hosts.clone(), levels)
            })
            .collect();
        assert_eq!(
            shape,
            [
                (true, vec![0, 1, 2], vec![("home", vec!["home"]), ("modules", vec!["modules/base"])]),
                (false, vec![0], vec![("hosts", vec!["hosts/a"])]),
                (false, vec![0, 2], vec![("modules", vec!["modules/desktop"])]),
                (false, vec![1], vec![("hosts", vec!["hosts/b"])]),
                (false, vec![2], vec![("hosts", vec!["hosts/c"])]),
            ]
        );
        // Open work on any host wins.
        assert_eq!(groups[0].levels[1].1, [("modules/base".to_owned(), Some(true))]);
        assert_eq!(groups[2].levels[0].1, [("modules/desktop".to_owned(), Some(true))]);
        // One host: its folders, not "every host".
        let one = folder_groups(&hosts[..1]);
        assert_eq!(one.len(), 1);
        assert!(!one[0].all);
        assert_eq!(folder_level("."), ".");
    }
}
