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

pub use facts::{HostDef, HostKind, NixFacts, PathRef};
pub use graph::{Host, InputModule, NixGraph, build};
pub use impact::{ChangeCode, HostFolders, HostImpact, ImpactChange};

use crate::source::SourceFile;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Parse every `.nix` file given (in parallel) and build the graph over
/// the repository's files (`all_files`: every path, `/`-separated and
/// relative to the repository, for folders and non-Nix targets).
pub fn read(nix_files: &[SourceFile], all_files: &BTreeSet<String>) -> NixGraph {
    let facts: Vec<(String, NixFacts)> =
        nix_files.par_iter().map(|f| (f.path.clone(), parse::parse(&f.path, &f.text))).collect();
    build(&facts, all_files)
}
