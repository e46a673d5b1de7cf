//! The Nix feature in one place: what a flake repository's `.nix` files say
//! ([`parse`], into [`facts`]), the graph they make (imports, hosts, what
//! each host's build reads and switches on, orphans, dangling imports:
//! [`graph`]), which hosts run the code a change touches ([`impact`]), and
//! what `spec check` says about it ([`findings`]).
//!
//! It sits beside `analyse`: pure functions over text and file lists. The
//! caller reads the files; [`read`] is the one entry point from file texts
//! to the graph, used by every command and by the benchmark
//! (`bench/nix_bench.rs`), so the figure it reports is what `spec hosts`
//! runs.

pub mod facts;
pub mod findings;
pub mod graph;
pub mod impact;
pub mod parse;
pub mod targets;
mod wiring;

pub use facts::{HostDef, HostKind, NixFacts, PathRef};
pub use graph::{Host, InputModule, NixGraph, build};
pub use impact::{
    ALL_HOSTS, Affected, ChangeCode, FolderGroup, HostFolders, HostImpact, Impact, ImpactChange, folder_groups,
    folder_level,
};

use crate::source::SourceFile;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Parse every `.nix` file given (in parallel) and build the graph over
/// the repository's files (`all_files`: every path, `/`-separated and
/// relative to the repository, for folders and non-Nix targets).
pub fn read(nix_files: &[SourceFile], all_files: &BTreeSet<String>) -> NixGraph {
    read_with(nix_files, all_files, &[], &|_| None)
}

/// The `.nix` files of the flake at the root: those under a folder with a
/// `flake.nix` of its own (a template, a test fixture, a sub-project) belong
/// to that other flake, not to the root's hosts, orphans or errors.
pub fn own_nix_files<'a>(files: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let files: Vec<&String> = files.into_iter().collect();
    let nested: Vec<String> =
        files.iter().filter_map(|f| f.strip_suffix("/flake.nix").map(|dir| format!("{dir}/"))).collect();
    files
        .into_iter()
        .filter(|f| f.ends_with(".nix") && !nested.iter().any(|dir| f.starts_with(dir.as_str())))
        .cloned()
        .collect()
}

/// [`read`], with the files found encrypted (git-crypt) and a way to read
/// the repository's other files (`import ./settings.nix.example` for a
/// host's name). Only files of `all_files` are fetched.
pub fn read_with(
    nix_files: &[SourceFile],
    all_files: &BTreeSet<String>,
    encrypted: &[String],
    fetch: &parse::Fetch<'_>,
) -> NixGraph {
    let texts: std::collections::HashMap<&str, &str> =
        nix_files.iter().map(|f| (f.path.as_str(), f.text.as_str())).collect();
    let repo = Files { texts, all: all_files, fetch };
    let mut facts: Vec<(String, NixFacts)> =
        nix_files.par_iter().map(|f| (f.path.clone(), parse::parse_in(&f.path, &f.text, &repo))).collect();
    let own = own_files(&facts);
    facts.retain(|(path, _)| own.contains(path.as_str()));
    facts.extend(encrypted.iter().map(|p| (p.clone(), NixFacts { encrypted: true, ..NixFacts::default() })));
    build(&facts, all_files)
}

/// The files of the root's flake among those parsed: all but those of the
/// flakes nested in it ([`own_nix_files`]), except the files of a nested
/// flake that the root's files name by path, directly or through each other
/// (a flake-parts partition's `module = ./nixos/flake-module.nix`, whose
/// folder has a `flake.nix` only for its inputs).
fn own_files(facts: &[(String, NixFacts)]) -> BTreeSet<String> {
    let mut own: BTreeSet<String> = own_nix_files(facts.iter().map(|(p, _)| p)).into_iter().collect();
    let by_path: std::collections::HashMap<&str, &NixFacts> = facts.iter().map(|(p, f)| (p.as_str(), f)).collect();
    let mut todo: Vec<String> = own.iter().cloned().collect();
    while let Some(file) = todo.pop() {
        for target in &by_path[file.as_str()].paths {
            let default = format!("{}/default.nix", target.path);
            let found = [target.path.as_str(), default.as_str()].into_iter().find(|t| by_path.contains_key(t));
            if let Some(path) = found
                && own.insert(path.to_owned())
            {
                todo.push(path.to_owned());
            }
        }
    }
    own
}

/// The repository as a file's reader sees it: the `.nix` files read, every
/// file's name, and a way to read the others.
struct Files<'a> {
    texts: std::collections::HashMap<&'a str, &'a str>,
    all: &'a BTreeSet<String>,
    fetch: &'a parse::Fetch<'a>,
}

impl parse::Repo for Files<'_> {
    fn read(&self, path: &str) -> Option<String> {
        if !self.all.contains(path) {
            return None;
        }
        self.texts.get(path).map(|t| (*t).to_owned()).or_else(|| (self.fetch)(path))
    }

    fn list(&self, dir: &str) -> Vec<(String, bool)> {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        let mut out: Vec<(String, bool)> = Vec::new();
        for name in self.all.range(prefix.clone()..) {
            let Some(rest) = name.strip_prefix(&prefix) else { break };
            let (entry, folder) = match rest.split_once('/') {
                Some((first, _)) => (first, true),
                None => (rest, false),
            };
            if out.last().is_none_or(|(last, _)| last != entry) {
                out.push((entry.to_owned(), folder));
            }
        }
        out
    }

    fn defining(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> =
            self.texts.iter().filter(|(_, text)| binds(text, name)).map(|(path, _)| (*path).to_owned()).collect();
        out.sort();
        out
    }
}

/// Does a file's text bind `name` (`name = ...`, not `name == ...`)?
fn binds(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '\'');
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].trim_start_matches([' ', '\t', '\n', '\r']);
        !before.is_some_and(ident)
            && !text[at + name.len()..].starts_with(ident)
            && after.starts_with('=')
            && !after.starts_with("==")
    })
}

#[cfg(test)]
mod tests {
    use super::own_nix_files;
    use crate::source::SourceFile;

    #[test]
    fn nested_flakes_are_other_flakes() {
        let files: Vec<String> = [
            "flake.nix",
            "hosts/a.nix",
            "templates/basic/flake.nix",
            "templates/basic/host.nix",
            "templates/basics.nix",
            "README.md",
        ]
        .map(String::from)
        .into();
        assert_eq!(own_nix_files(&files), ["flake.nix", "hosts/a.nix", "templates/basics.nix"]);
    }

    #[test]
    fn a_partition_module_in_a_nested_flake_folder_is_the_roots() {
        let files = [
            (
                "flake.nix",
                "{ outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ./parts ]; }; }",
            ),
            (
                "parts/default.nix",
                "{ partitions.nixos = { extraInputsFlake = ./nixos; module = ./nixos/module.nix; }; }",
            ),
            ("parts/nixos/flake.nix", "{ inputs = { }; outputs = _: { }; }"),
            (
                "parts/nixos/module.nix",
                "{ inputs, ... }: { flake.nixosConfigurations.rog = inputs.nixpkgs.lib.nixosSystem { modules = [ ../../hosts/rog.nix ]; }; }",
            ),
            ("hosts/rog.nix", "{ }"),
            (
                "templates/basic/flake.nix",
                "{ outputs = { nixpkgs, ... }: { nixosConfigurations.demo = nixpkgs.lib.nixosSystem { modules = [ ./host.nix ]; }; }; }",
            ),
            ("templates/basic/host.nix", "{ }"),
        ];
        let sources: Vec<SourceFile> =
            files.iter().map(|(p, t)| SourceFile { path: (*p).to_owned(), text: (*t).to_owned() }).collect();
        let all = files.iter().map(|(p, _)| (*p).to_owned()).collect();
        let graph = super::read(&sources, &all);
        let hosts: Vec<&str> = graph.hosts().iter().map(|h| h.name.as_str()).collect();
        assert_eq!(hosts, ["rog"], "the template's flake is another flake");
        assert_eq!(graph.hosts()[0].modules, ["hosts/rog.nix"]);
    }
}
