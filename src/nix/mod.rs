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
    let other = |path: &str| -> Option<String> {
        if !all_files.contains(path) {
            return None;
        }
        texts.get(path).map(|t| (*t).to_owned()).or_else(|| fetch(path))
    };
    let mut facts: Vec<(String, NixFacts)> =
        nix_files.par_iter().map(|f| (f.path.clone(), parse::parse_in(&f.path, &f.text, &other))).collect();
    facts.extend(encrypted.iter().map(|p| (p.clone(), NixFacts { encrypted: true, ..NixFacts::default() })));
    build(&facts, all_files)
}

#[cfg(test)]
mod tests {
    use super::own_nix_files;

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
}
