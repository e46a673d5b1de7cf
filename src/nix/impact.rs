//! Host impact: which hosts run the code a change touches. A change's
//! linked `.nix` files (found by the code links) count on a host when the
//! host's build reads them and switches them on ([`NixGraph::active_on`]).
//! Open work is a change not complete; done work is complete, or archived
//! with every task checked; a change archived with tasks still open is
//! neither, and is kept apart ([`HostImpact::unfinished`]).

use super::NixGraph;
use crate::model::{ChangeStatus, Progress, Stage};
use serde::Serialize;
use std::collections::BTreeSet;

/// A change and the `.nix` files its code links stand for.
#[derive(Debug, Clone)]
pub struct ChangeCode {
    pub id: String,
    pub status: ChangeStatus,
    pub tasks: Progress,
    /// Repository-relative `.nix` paths, sorted.
    pub nix_files: Vec<String>,
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
#[derive(Debug, Clone, Serialize)]
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

/// Per host of the graph (by name, in the graph's order), the changes whose
/// `.nix` files its build runs, in the order given.
pub fn host_impact(graph: &NixGraph, changes: &[ChangeCode]) -> Vec<HostImpact> {
    let mut names: Vec<&str> = graph.hosts().iter().map(|h| h.name.as_str()).collect();
    names.dedup();
    names
        .into_iter()
        .map(|host| {
            let mut impact =
                HostImpact { host: host.to_owned(), open: Vec::new(), done: Vec::new(), unfinished: Vec::new() };
            for c in changes {
                let files: Vec<String> = c.nix_files.iter().filter(|f| graph.active_on(f, host)).cloned().collect();
                if files.is_empty() {
                    continue;
                }
                let entry = ImpactChange { id: c.id.clone(), status: c.status, tasks: c.tasks, files };
                match Stage::of(c.status, c.tasks) {
                    Stage::ArchivedUnfinished => impact.unfinished.push(entry),
                    s if s.finished() => impact.done.push(entry),
                    _ => impact.open.push(entry),
                }
            }
            impact
        })
        .collect()
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
pub fn host_folders(graph: &NixGraph, impact: &[HostImpact]) -> Vec<HostFolders> {
    impact
        .iter()
        .map(|h| {
            let work = |changes: &[ImpactChange]| -> BTreeSet<String> {
                changes.iter().flat_map(|c| c.files.iter().map(|f| folder(f))).collect()
            };
            let (open, done) = (work(&h.open), work(&h.done));
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
        let facts: Vec<_> = files.iter().map(|(p, t)| (p.to_string(), parse(p, t))).collect();
        build(&facts, &files.iter().map(|(p, _)| p.to_string()).collect())
    }

    fn change(id: &str, status: ChangeStatus, files: &[&str]) -> ChangeCode {
        ChangeCode {
            id: id.into(),
            status,
            tasks: Progress::default(),
            nix_files: files.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn a_change_counts_on_the_hosts_that_run_its_files() {
        let g = graph();
        let mut dropped = change("dropped", ChangeStatus::Archived, &["modules/base.nix"]);
        dropped.tasks = Progress { done: 1, total: 3 };
        let changes = [
            change("niri", ChangeStatus::InProgress, &["modules/desktop/niri.nix"]),
            change("base", ChangeStatus::Archived, &["modules/base.nix", "nowhere.nix"]),
            dropped,
        ];
        let impact = host_impact(&g, &changes);
        let rows: Vec<_> = impact.iter().map(|h| (h.host.as_str(), h.ids())).collect();
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Archived with open tasks is not done work: it is kept apart.
        assert_eq!(
            rows,
            [
                ("a", (ids(&["niri"]), ids(&["base"]), ids(&["dropped"]))),
                ("b", (ids(&[]), ids(&["base"]), ids(&["dropped"])))
            ]
        );
        assert_eq!(impact[1].done[0].files, ["modules/base.nix"]);
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
}
