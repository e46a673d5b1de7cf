//! Generate a synthetic git repository for the `spec check` benchmark, deterministically.
//!
//!     cargo run --release --example gen_check -- <DIR> [CHANGES [SPECS [COMMITS]]]
//!
//! DIR must be missing or empty. It becomes a git repository whose branch
//! `main` has exactly COMMITS commits (1,500 by default), written by one
//! `git fast-import` stream and checked out at the end, holding CHANGES
//! changes (450) and SPECS main specs (380) at `HEAD`:
//!
//! - a first commit with a README, about 240 source files (`src/<area>/*.rs`),
//!   `openspec/project.md` and most of the main specs;
//! - each change proposed in one commit (proposal naming one to three source
//!   files, sometimes a new file still to write; tasks; a delta spec;
//!   sometimes a design), its creation spread over the first 85% of the
//!   history;
//! - commits that check a few of its tasks, most of them also editing a file
//!   the change names (or writing the new one);
//! - about 55% of the changes archived (folder moved to
//!   `openspec/changes/archive/YYYY-MM-DD-<id>/`, the main spec updated or,
//!   for the first ones, created), 15% complete and not archived (a third of
//!   them ticked without touching their files), the rest in progress or
//!   untouched;
//! - the other commits editing source files, now and then renaming one
//!   (`git mv`) or deleting one, so that active changes name renamed and
//!   deleted files.
//!
//! Documents have the size of the real corpus's (`../shared/corpus`): specs
//! of about 110 lines (three to five requirements of two to four
//! scenarios), proposals of about 25, tasks of about 20 in three to five
//! sections, delta specs of about 60, a design of about 90 for 40% of the
//! changes; 5.7 MB of Markdown in all by default.
//!
//! Events that fall on the same commit share it. Identities and timestamps
//! are fixed (from 2024-01-01T00:00:00Z, an hour apart), so the same
//! arguments always give the same commit ids. The id of HEAD is printed on
//! stdout, a summary on stderr.

use std::fmt::Write as _;
use std::path::Path;

#[path = "common.rs"]
mod common;
use common::{Op, Rng, Task, WORDS, sentence, write_commit, ymd};

/// 2024-01-01T00:00:00Z.
const START: i64 = 1_704_067_200;
const AUTHOR: &str = "Alex Doe <alex@example.com>";
/// Source files of the first commit, per area (a word of the vocabulary).
const FILES_PER_AREA: usize = 10;

#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Archive,
    /// Every task checked, with commits that edit the files it names.
    Complete,
    /// Every task checked, none of its files edited by its commits.
    Ticked,
    Progress,
    Fresh,
}

struct Change {
    id: String,
    archived: bool,
    cap: String,
    /// The main spec does not exist until this change is archived.
    new_cap: bool,
    /// What its delta spec adds (and its archiving adds to the main spec).
    requirements: String,
    proposal: String,
    design: Option<String>,
    /// Source files it names (indexes into `Gen::files`).
    named: Vec<usize>,
    /// A file it says it adds, written by its first check commit that edits code.
    adds: Option<String>,
    sections: Vec<String>,
    tasks: Vec<Task>,
}

impl Change {
    fn dir(&self) -> String {
        format!("openspec/changes/{}", self.id)
    }
}

struct File {
    path: String,
    version: u64,
    alive: bool,
}

impl File {
    fn text(&self) -> String {
        format!("//! {}\n\npub const VERSION: u64 = {};\n", self.path, self.version)
    }
}

enum Kind {
    Create(usize),
    /// Check tasks up to this count; edit a named file when true.
    Check(usize, usize, bool),
    Archive(usize),
}

struct Gen<W: std::io::Write> {
    rng: Rng,
    out: W,
    changes: Vec<Change>,
    files: Vec<File>,
    /// Main specs: capability name and text.
    specs: Vec<(String, String)>,
    /// Main specs at `HEAD`.
    n_specs: usize,
    mark: usize,
    ts: i64,
    renamed: usize,
    deleted: usize,
}

/// A requirement with two to four scenarios, about 25 lines: the size of
/// the real corpus's (`../shared/corpus`: 4 requirements and 13 scenarios a
/// spec of about 110 lines).
fn requirement(rng: &mut Rng, title: &str) -> String {
    let mut s = format!("### Requirement: {title}\nThe system SHALL {}. {}.\n\n", sentence(rng, 12), sentence(rng, 10));
    for n in 0..2 + rng.below(3) {
        let _ = writeln!(s, "#### Scenario: {} {n}", sentence(rng, 3));
        let _ = writeln!(s, "- **WHEN** {}\n- **AND** {}", sentence(rng, 7), sentence(rng, 6));
        let _ = writeln!(s, "- **THEN** {}\n- **AND** {}\n", sentence(rng, 7), sentence(rng, 6));
    }
    s
}

fn requirements(rng: &mut Rng, prefix: &str, n: u64) -> String {
    let mut s = String::new();
    for r in 0..n {
        let title = format!("{} {prefix}.{r}", sentence(rng, 3));
        s.push_str(&requirement(rng, &title));
    }
    s
}

fn spec(rng: &mut Rng, cap: &str, requirements: &str) -> String {
    let purpose = format!("{}. {}", sentence(rng, 14), sentence(rng, 12));
    format!("# {cap} Specification\n\n## Purpose\n{purpose}.\n\n## Requirements\n\n{requirements}")
}

/// A design document of about 150 lines, as 40% of the real changes have.
fn design(rng: &mut Rng) -> String {
    let mut s = format!("# Design\n\n## Context\n{}. {}.\n", sentence(rng, 20), sentence(rng, 18));
    for head in ["Goals", "Non-Goals"] {
        let _ = writeln!(s, "\n## {head}");
        for _ in 0..4 {
            let _ = writeln!(s, "- {}", sentence(rng, 8));
        }
    }
    s.push_str("\n## Decisions\n");
    for d in 0..6 {
        let _ = writeln!(
            s,
            "\n### Decision {}: {}\n{}. {}.",
            d + 1,
            sentence(rng, 4),
            sentence(rng, 16),
            sentence(rng, 14)
        );
        let _ = writeln!(s, "\n**Alternatives considered:**\n- {}\n- {}", sentence(rng, 9), sentence(rng, 9));
        let _ = writeln!(s, "\n**Rationale:** {}.", sentence(rng, 15));
    }
    s.push_str("\n## Risks / Trade-offs\n");
    for _ in 0..5 {
        let _ = writeln!(s, "- {} → {}", sentence(rng, 8), sentence(rng, 8));
    }
    let _ =
        writeln!(s, "\n## Migration Plan\n1. {}\n2. {}\n3. {}", sentence(rng, 9), sentence(rng, 9), sentence(rng, 9));
    let _ = writeln!(s, "\n## Open Questions\n- {}?", sentence(rng, 10));
    s
}

fn cap_name(i: usize) -> String {
    format!("{}-{}", WORDS[i % WORDS.len()], i)
}

/// The changes and, per commit (index 1 to COMMITS - 1), the events that fall on it.
fn plan(rng: &mut Rng, n: usize, specs: usize, commits: usize, files: &[File]) -> (Vec<Change>, Vec<Vec<Kind>>) {
    let mut changes = Vec::with_capacity(n);
    let mut events: Vec<Vec<Kind>> = (0..commits).map(|_| Vec::new()).collect();
    let fates: Vec<Fate> = (0..n)
        .map(|_| match rng.below(100) {
            0..55 => Fate::Archive,
            55..65 => Fate::Complete,
            65..70 => Fate::Ticked,
            70..95 => Fate::Progress,
            _ => Fate::Fresh,
        })
        .collect();
    let archives = fates.iter().filter(|f| **f == Fate::Archive).count();
    let created_specs = archives.min(specs / 4);
    let initial = specs - created_specs;
    let mut next_cap = initial;
    let last = commits.saturating_sub(1).max(1);
    for (c, &fate) in fates.iter().enumerate() {
        let (w1, w2) = (rng.pick(WORDS), rng.pick(WORDS));
        let id = format!("{}-{w1}-{w2}-{}", ["add", "update", "rework", "drop"][c % 4], c + 1);
        let new_cap = fate == Fate::Archive && next_cap < specs;
        let cap = if new_cap {
            next_cap += 1;
            cap_name(next_cap - 1)
        } else {
            cap_name(rng.below(initial.max(1) as u64) as usize)
        };
        let named: Vec<usize> = (0..1 + rng.below(3)).map(|_| rng.below(files.len() as u64) as usize).collect();
        let adds = rng.percent(30).then(|| format!("src/{w1}/{w2}_{}.rs", c + 1));
        // About 35 lines, as the real corpus's.
        let mut proposal = format!(
            "# Change: {}\n\n## Why\n{}. {}.\n\n{}.\n\n## What Changes\n- Update `{}` to {}\n",
            sentence(rng, 4),
            sentence(rng, 22),
            sentence(rng, 18),
            sentence(rng, 20),
            files[named[0]].path,
            sentence(rng, 6)
        );
        if let Some(path) = &adds {
            let _ = writeln!(proposal, "- Add `{path}`");
        }
        for _ in 0..4 + rng.below(4) {
            let _ = writeln!(proposal, "- {}", sentence(rng, 10));
        }
        let code: Vec<String> = named.iter().skip(1).map(|&f| format!("`{}`", files[f].path)).collect();
        let _ = write!(proposal, "\n## Impact\n- Affected specs: `{cap}`\n");
        if !code.is_empty() {
            let _ = writeln!(proposal, "- Affected code: {}", code.join(", "));
        }
        let _ =
            writeln!(proposal, "- {}\n\n## Risks\n- {}\n- {}", sentence(rng, 9), sentence(rng, 9), sentence(rng, 9));
        let design = rng.percent(40).then(|| design(rng));
        // About 20 tasks in 3 to 5 sections, as the real corpus's.
        let sections: Vec<String> = (0..3 + rng.below(3)).map(|_| sentence(rng, 2)).collect();
        let counts: Vec<u64> = sections.iter().map(|_| 4 + rng.below(3)).collect();
        let mut tasks = Vec::new();
        for (section, &count) in counts.iter().enumerate() {
            for m in 0..count {
                let label = format!("{}.{}", section + 1, m + 1);
                tasks.push(Task { label, text: sentence(rng, 9), section, done: false });
            }
        }
        let count = 2 + rng.below(3);
        let requirements = requirements(rng, &(c + 1).to_string(), count);
        // When: created in the first 85%, then its checks and archive in order.
        let created = 1 + (c * (last * 85 / 100) / n.max(1)).min(last - 1);
        let total = tasks.len();
        let done = match fate {
            Fate::Archive | Fate::Complete | Fate::Ticked => total,
            Fate::Progress => 1 + rng.below(total as u64 - 1) as usize,
            Fate::Fresh => 0,
        };
        let checks = if done == 0 { 0 } else { (1 + rng.below(3) as usize).min(done) };
        let steps = checks + usize::from(fate == Fate::Archive);
        let room = last - created;
        let life = (1 + rng.below((commits as u64 / 5).max(1))) as usize;
        let mut at: Vec<usize> = (0..steps).map(|_| created + 1 + rng.below(life.min(room) as u64) as usize).collect();
        at.sort_unstable();
        events[created].push(Kind::Create(c));
        for (k, &when) in at.iter().enumerate().take(checks) {
            let upto = if k + 1 == checks { done } else { done * (k + 1) / checks };
            events[when].push(Kind::Check(c, upto, fate != Fate::Ticked && rng.percent(75)));
        }
        if fate == Fate::Archive {
            events[at[steps - 1]].push(Kind::Archive(c));
        }
        changes.push(Change {
            id,
            cap,
            new_cap,
            requirements,
            proposal,
            design,
            named,
            adds,
            sections,
            tasks,
            archived: false,
        });
    }
    (changes, events)
}

impl<W: std::io::Write> Gen<W> {
    fn new(out: W, rng: Rng, changes: Vec<Change>, files: Vec<File>, n_specs: usize) -> Self {
        Gen { out, rng, changes, files, n_specs, specs: Vec::new(), mark: 0, ts: START, renamed: 0, deleted: 0 }
    }

    fn summary(&self, dir: &Path) -> String {
        let archived = self.changes.iter().filter(|c| c.archived).count();
        let alive = self.files.iter().filter(|f| f.alive).count();
        format!(
            "generated {} commits and {} changes ({archived} archived), {} specs, {alive} files ({} renamed, {} deleted) in {}",
            self.mark,
            self.changes.len(),
            self.specs.len(),
            self.renamed,
            self.deleted,
            dir.display()
        )
    }

    fn commit(&mut self, message: &str, ops: &[Op]) -> std::io::Result<()> {
        self.mark += 1;
        write_commit(&mut self.out, self.mark, AUTHOR, self.ts, message, None, &[], ops)?;
        self.ts += 3600;
        Ok(())
    }

    fn edit(&mut self, f: usize) -> Op {
        let file = &mut self.files[f];
        file.version += 1;
        Op::Modify(file.path.clone(), file.text())
    }

    fn event(&mut self, kind: &Kind, ops: &mut Vec<Op>) -> String {
        match *kind {
            Kind::Create(c) => {
                let ch = &self.changes[c];
                let dir = ch.dir();
                ops.push(Op::Modify(format!("{dir}/proposal.md"), ch.proposal.clone()));
                ops.push(Op::Modify(format!("{dir}/tasks.md"), common::tasks_md(&ch.sections, &ch.tasks)));
                if let Some(design) = &ch.design {
                    ops.push(Op::Modify(format!("{dir}/design.md"), design.clone()));
                }
                let delta = format!("## ADDED Requirements\n\n{}", ch.requirements);
                ops.push(Op::Modify(format!("{dir}/specs/{}/spec.md", ch.cap), delta));
                format!("Propose {}", ch.id)
            }
            Kind::Check(c, upto, code) => {
                let ch = &mut self.changes[c];
                for t in &mut ch.tasks[..upto] {
                    t.done = true;
                }
                ops.push(Op::Modify(format!("{}/tasks.md", ch.dir()), common::tasks_md(&ch.sections, &ch.tasks)));
                let message = format!("{}: {upto} tasks done", ch.id);
                if code {
                    match ch.adds.take() {
                        Some(path) => {
                            self.files.push(File { path, version: 1, alive: true });
                            let f = self.files.last().expect("pushed");
                            ops.push(Op::Modify(f.path.clone(), f.text()));
                        }
                        None => {
                            let alive: Vec<usize> = ch.named.iter().copied().filter(|&f| self.files[f].alive).collect();
                            if !alive.is_empty() {
                                let f = alive[self.rng.below(alive.len() as u64) as usize];
                                let op = self.edit(f);
                                ops.push(op);
                            }
                        }
                    }
                }
                message
            }
            Kind::Archive(c) => {
                let (y, m, d) = ymd(self.ts);
                let ch = &mut self.changes[c];
                ch.archived = true;
                let to = format!("openspec/changes/archive/{y:04}-{m:02}-{d:02}-{}", ch.id);
                ops.push(Op::Rename(ch.dir(), to));
                let (cap, requirement, new_cap) = (ch.cap.clone(), ch.requirements.clone(), ch.new_cap);
                let text = match self.specs.iter_mut().find(|(name, _)| *name == cap) {
                    Some((_, text)) => {
                        text.push_str(&requirement);
                        text.clone()
                    }
                    None => {
                        assert!(new_cap, "spec {cap} exists");
                        let text = spec(&mut self.rng, &cap, &requirement);
                        self.specs.push((cap.clone(), text.clone()));
                        text
                    }
                };
                ops.push(Op::Modify(format!("openspec/specs/{cap}/spec.md"), text));
                format!("Archive {}", self.changes[c].id)
            }
        }
    }

    /// A commit of code only: edit a file or two, sometimes rename or delete one.
    fn code(&mut self) -> std::io::Result<()> {
        let alive: Vec<usize> = (0..self.files.len()).filter(|&f| self.files[f].alive).collect();
        let f = alive[self.rng.below(alive.len() as u64) as usize];
        let (message, ops) = match self.rng.below(100) {
            0..5 => {
                self.renamed += 1;
                let file = &mut self.files[f];
                let from = file.path.clone();
                file.path = format!("{}_moved.rs", from.trim_end_matches(".rs"));
                (format!("Move {from}"), vec![Op::Rename(from, file.path.clone())])
            }
            5..8 if alive.len() > 10 => {
                self.deleted += 1;
                self.files[f].alive = false;
                let path = self.files[f].path.clone();
                (format!("Drop {path}"), vec![Op::Delete(path)])
            }
            _ => {
                let mut ops = vec![self.edit(f)];
                if self.rng.percent(30) {
                    let g = alive[self.rng.below(alive.len() as u64) as usize];
                    if g != f {
                        ops.push(self.edit(g));
                    }
                }
                (format!("Tune {}", self.files[f].path), ops)
            }
        };
        self.commit(&message, &ops)
    }

    fn history(&mut self, events: &[Vec<Kind>]) -> std::io::Result<()> {
        let mut ops = vec![Op::Modify(
            "README.md".into(),
            "# bench-check\n\nA repository generated for the `spec check` benchmark.\n".into(),
        )];
        ops.push(Op::Modify("openspec/project.md".into(), "# Project Context\n\n## Purpose\nA service.\n".into()));
        for f in &self.files {
            ops.push(Op::Modify(f.path.clone(), f.text()));
        }
        let initial = self.changes.iter().filter(|c| c.new_cap).count();
        for i in 0..self.n_specs - initial {
            let cap = cap_name(i);
            let n = 3 + self.rng.below(3);
            let body = requirements(&mut self.rng, &cap, n);
            let text = spec(&mut self.rng, &cap, &body);
            ops.push(Op::Modify(format!("openspec/specs/{cap}/spec.md"), text.clone()));
            self.specs.push((cap, text));
        }
        self.commit("Initial service and OpenSpec project", &ops)?;
        for kinds in &events[1..] {
            if kinds.is_empty() {
                self.code()?;
                continue;
            }
            let mut ops = Vec::new();
            let messages: Vec<String> = kinds.iter().map(|k| self.event(k, &mut ops)).collect();
            self.commit(&messages.join("; "), &ops)?;
        }
        writeln!(self.out, "done")?;
        self.out.flush()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !(2..=5).contains(&args.len()) {
        eprintln!("usage: gen_check <DIR> [CHANGES [SPECS [COMMITS]]]");
        std::process::exit(2);
    }
    let dir = Path::new(&args[1]);
    let number = |i: usize, default: usize| args.get(i).map_or(default, |a| a.parse().expect("a number"));
    let (n, specs, commits) = (number(2, 450), number(3, 380), number(4, 1500));
    if commits < 2 || n == 0 {
        eprintln!("COMMITS must be at least 2 and CHANGES at least 1");
        std::process::exit(2);
    }
    common::require_empty(dir);
    let mut rng = Rng(0x5eed_c4ec);
    let files: Vec<File> = WORDS
        .iter()
        .flat_map(|area| (0..FILES_PER_AREA).map(move |i| format!("src/{area}/{}_{i}.rs", WORDS[i % WORDS.len()])))
        .map(|path| File { path, version: 1, alive: true })
        .collect();
    let (changes, events) = plan(&mut rng, n, specs, commits, &files);
    common::generate(dir, |out| {
        let mut g = Gen::new(out, rng, changes, files, specs);
        g.history(&events)?;
        Ok(g.summary(dir))
    });
}
