//! Nix files: the error-tolerant parser must never panic, hang or recurse
//! without bound, every line it reports must be in the file, and the graph
//! built from its facts must be consistent.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

fuzz_target!(|text: &str| {
    let facts = spec::nix::parse::parse("hosts/a/default.nix", text);
    let lines = text.split('\n').count();
    for (line, _) in &facts.errors {
        assert!(*line >= 1 && *line <= lines, "error line {line} of {lines}");
    }
    for p in &facts.paths {
        assert!(p.line >= 1 && p.line <= lines);
        assert!(!p.path.starts_with('/') && !p.path.split('/').any(|s| s == ".."), "{}", p.path);
    }
    // Imports leaving the repository are reported, never followed.
    for (line, path) in &facts.outside {
        assert!(*line >= 1 && *line <= lines, "outside import line {line} of {lines}");
        assert!(!facts.paths.iter().any(|p| p.path == *path), "{path}");
    }
    let all: BTreeSet<String> = ["flake.nix", "hosts/a/default.nix"].map(String::from).into();
    let graph = spec::nix::build(&[("hosts/a/default.nix".into(), facts)], &all);
    for h in graph.hosts() {
        assert!(graph.closure(&h.name).contains("hosts/a/default.nix"));
    }
});
