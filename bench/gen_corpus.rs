//! Generate a synthetic OpenSpec tree for benchmarks, deterministically.
//!
//!     cargo run --release --example gen_corpus -- <DIR> <CHANGES>
//!
//! The tree has CHANGES active changes (proposal, tasks with sections and
//! nested tasks, a delta spec, most with design.md and .openspec.yaml),
//! CHANGES/5 archived changes and CHANGES/10 main specs. The same arguments
//! always give byte-identical files.

use std::fmt::Write as _;
use std::path::Path;

#[path = "common.rs"]
mod common;
use common::{Rng, WORDS, sentence};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn spec_body(rng: &mut Rng, requirements: usize) -> String {
    let mut s = String::new();
    for r in 0..requirements {
        let _ = writeln!(s, "### Requirement: {} {r}", sentence(rng, 3));
        let _ = writeln!(s, "The system SHALL {}.\n", sentence(rng, 12));
        for sc in 0..(1 + rng.below(3)) {
            let _ = writeln!(s, "#### Scenario: {} {sc}", sentence(rng, 2));
            let _ = writeln!(s, "- **WHEN** {}\n- **THEN** {}\n", sentence(rng, 6), sentence(rng, 6));
        }
    }
    s
}

fn tasks(rng: &mut Rng, done_ratio: u64) -> String {
    let mut s = String::from("# Tasks\n\n");
    for section in 1..=(2 + rng.below(4)) {
        let _ = writeln!(s, "## {section}. {}", sentence(rng, 2));
        for task in 1..=(3 + rng.below(6)) {
            let mark = if rng.below(100) < done_ratio { 'x' } else { ' ' };
            let _ = writeln!(s, "- [{mark}] {section}.{task} {}", sentence(rng, 8));
            if rng.below(4) == 0 {
                let _ = writeln!(s, "  - [{mark}] {section}.{task}.1 {}", sentence(rng, 5));
            }
        }
        s.push('\n');
    }
    s
}

fn change(dir: &Path, rng: &mut Rng, done_ratio: u64, specs: usize) {
    let cap = format!("cap-{:04}", rng.below(specs.max(1) as u64));
    write(
        &dir.join("proposal.md"),
        &format!(
            "# Change: {}\n\n## Why\n{}.\n\n## What Changes\n- {}\n- {}\n\n## Impact\n- Affected specs: `{cap}`\n- Affected code:\n  - `modules/{}/default.nix`\n  - `hosts/{}/configuration.nix`\n",
            sentence(rng, 4),
            sentence(rng, 30),
            sentence(rng, 10),
            sentence(rng, 10),
            WORDS[rng.below(20) as usize],
            WORDS[rng.below(20) as usize],
        ),
    );
    write(&dir.join("tasks.md"), &tasks(rng, done_ratio));
    if rng.below(3) > 0 {
        write(
            &dir.join("design.md"),
            &format!("# Design\n\n## Context\n{}.\n\n## Decisions\n- {}\n", sentence(rng, 40), sentence(rng, 15)),
        );
    }
    if rng.below(4) > 0 {
        let dep =
            if rng.below(2) == 0 { format!("dependsOn: [change-{:05}]\n", rng.below(1000)) } else { String::new() };
        write(
            &dir.join(".openspec.yaml"),
            &format!("schema: spec-driven\ncreated: 2025-0{}-1{}\n{dep}", 1 + rng.below(9), rng.below(9)),
        );
    }
    let requirements = 1 + rng.below(3) as usize;
    let body = spec_body(rng, requirements);
    write(&dir.join("specs").join(&cap).join("spec.md"), &format!("## ADDED Requirements\n\n{body}"));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: gen_corpus <DIR> <CHANGES>");
        std::process::exit(2);
    }
    let root = Path::new(&args[1]);
    let n: usize = args[2].parse().expect("CHANGES is a number");
    let openspec = root.join("openspec");
    if openspec.exists() {
        eprintln!("{} exists; choose an empty folder", openspec.display());
        std::process::exit(2);
    }
    let mut rng = Rng(0x5eed);
    let specs = (n / 10).max(1);
    write(&openspec.join("config.yaml"), "schema: spec-driven\n");
    for s in 0..specs {
        let requirements = 2 + rng.below(6) as usize;
        let body = spec_body(&mut rng, requirements);
        write(
            &openspec.join(format!("specs/cap-{s:04}/spec.md")),
            &format!("# cap-{s:04}\n\n## Purpose\n{}.\n\n## Requirements\n\n{body}", sentence(&mut rng, 15)),
        );
    }
    for c in 0..n {
        let ratio = rng.below(101);
        change(&openspec.join("changes").join(format!("change-{c:05}")), &mut rng, ratio, specs);
    }
    for a in 0..(n / 5) {
        let id = format!("2025-{:02}-{:02}-archived-{a:05}", 1 + a % 12, 1 + a % 28);
        change(&openspec.join("changes/archive").join(&id), &mut rng, 100, specs);
    }
    eprintln!("generated {n} changes, {} archived, {specs} specs in {}", n / 5, openspec.display());
}
