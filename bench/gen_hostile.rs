//! Generate the hostile trees of the bounded-work benchmark, deterministically.
//!
//!     cargo run --release --example gen_hostile -- <DIR>
//!
//! Under DIR, one tree per case (each a folder holding `openspec/`):
//!
//! - `infer`: 2,000 changes, ten of them with a 15 MB proposal whose
//!   Dependencies section names 60,000 id-like tokens a line;
//! - `chain`: 40,000 changes, each depending on the one before;
//! - `yaml`: a 400 KB `.openspec.yaml` of nested flow sequences, and a
//!   roadmap file of the same;
//! - `markdown`: proposals of `> ` × 100,000 and `&#x` × 600,000 (the site).

use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: gen_hostile <DIR>");
    let dir = Path::new(&dir);
    let changes = dir.join("infer/openspec/changes");
    let line: String =
        format!("Depends on {}\n", (0..60_000).map(|j| format!("x-{j}-y")).collect::<Vec<_>>().join(" "));
    let big = format!("# Change\n\n## Dependencies\n{}", line.repeat(15 * 1024 * 1024 / line.len()));
    for i in 0..2000 {
        let c = changes.join(format!("change-number-{i}"));
        write(&c.join("tasks.md"), "- [ ] a\n");
        write(&c.join("proposal.md"), if i < 10 { &big } else { "# C\n\n## Why\nx\n" });
    }
    let chain = dir.join("chain/openspec/changes");
    for i in 0..40_000 {
        let c = chain.join(format!("c-{i:05}"));
        write(&c.join("tasks.md"), "- [ ] a\n");
        if i > 0 {
            write(&c.join(".openspec.yaml"), &format!("schema: spec-driven\ndependsOn: [c-{:05}]\n", i - 1));
        }
    }
    let nested = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    write(&dir.join("yaml/openspec/changes/a/.openspec.yaml"), &format!("schema: spec-driven\nx: {nested}\n"));
    write(&dir.join("yaml/openspec/changes/a/tasks.md"), "- [ ] a\n");
    write(&dir.join("yaml/roadmap/roadmap.yaml"), &format!("title: {nested}\n"));
    let md = dir.join("markdown/openspec/changes");
    write(&md.join("quotes/proposal.md"), &format!("# Quotes\n\n## Why\n{}x\n", "> ".repeat(100_000)));
    write(&md.join("entities/proposal.md"), &format!("# Entities\n\n## Why\n{}\n", "&#x".repeat(600_000)));
    println!("generated the infer, chain, yaml and markdown trees in {}", dir.display());
}
