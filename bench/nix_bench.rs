//! Time the Nix analysis in-process, on a folder from `gen_nix`: the files
//! are read once with `spec`'s own reader (timed apart), then
//! `spec::nix::read` (parse every `.nix` file in parallel and build the
//! graph: exactly what `spec hosts`, `spec impact`, the site and ROADMAP.md
//! run) is timed over RUNS runs. The parse alone is timed beside it, so the
//! graph's share shows.
//!
//!     cargo run --release --example gen_nix -- /tmp/nix-bench
//!     cargo run --release --example nix_bench -- /tmp/nix-bench [RUNS]
//!
//! Prints the best and median of RUNS (10 by default) and what the graph found.

use rayon::prelude::*;
use spec::nix::parse::parse;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

// As the `spec` binary does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 || args.len() > 3 {
        eprintln!("usage: nix_bench <DIR> [RUNS]");
        std::process::exit(2);
    }
    let root = Path::new(&args[1]);
    let runs: usize = args.get(2).map_or(10, |a| a.parse().expect("RUNS is a number"));

    let start = Instant::now();
    let mut all = BTreeSet::new();
    let mut nix = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("readable folder");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).expect("below the root").to_string_lossy().replace('\\', "/");
        if rel.ends_with(".nix") {
            nix.push(rel.clone());
        }
        all.insert(rel);
    }
    let (texts, problems) = spec::discover::read_files(root, &nix);
    assert!(problems.is_empty(), "unreadable files: {problems:?}");
    let read = start.elapsed();
    let bytes: usize = texts.iter().map(|f| f.text.len()).sum();

    let (mut times, mut parses) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let graph = spec::nix::read(&texts, &all);
        times.push(start.elapsed());
        last = Some(graph);
        let start = Instant::now();
        let facts: Vec<_> = texts.par_iter().map(|f| parse(&f.path, &f.text)).collect();
        parses.push(start.elapsed());
        drop(facts);
    }
    for t in [&mut times, &mut parses] {
        t.sort();
    }
    let graph = last.expect("one run at least");
    let closure: usize = graph.hosts().iter().map(|h| graph.closure(&h.name).len()).sum();
    println!(
        "{} .nix files ({:.1} MiB) of {} files: read {} (walk and read, once)",
        texts.len(),
        bytes as f64 / (1 << 20) as f64,
        all.len(),
        ms(read)
    );
    let median = |t: &[Duration]| ms(t[t.len() / 2]);
    println!(
        "nix::read (parse + graph): best {}, median {} over {} runs ({} threads); parse alone: median {}",
        ms(times[0]),
        median(&times),
        times.len(),
        rayon::current_num_threads(),
        median(&parses),
    );
    println!(
        "{} hosts (mean closure {} files), {} orphans, {} dangling imports, {} syntax errors",
        graph.hosts().len(),
        closure / graph.hosts().len().max(1),
        graph.orphans().len(),
        graph.dangling().len(),
        graph.errors().len()
    );
}
