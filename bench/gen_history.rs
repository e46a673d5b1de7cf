//! Generate a synthetic git repository for the `spec history` benchmark, deterministically.
//!
//!     cargo run --release --example gen_history -- <DIR> <COMMITS> <CHANGES>
//!
//! DIR must be missing or empty. It becomes a git repository whose branch
//! `main` has exactly COMMITS commits (merges included), written by one
//! `git fast-import` stream and checked out at the end:
//!
//! - a first commit with a README, `flake.nix`, `modules/*.nix`,
//!   `openspec/project.md` and a couple of main specs;
//! - CHANGES changes, each proposed in one commit (proposal, tasks in 2-3
//!   sections, sometimes a design), their creation spread over the first 80%
//!   of the history so that many are open at once;
//! - commits that check one or a few tasks, sometimes reopen one, sometimes
//!   also touch a `modules/*.nix` file;
//! - about 60% of the changes finished and archived (the folder moved to
//!   `openspec/changes/archive/YYYY-MM-DD-<id>/`, a main spec updated), about
//!   2% deleted, about 1% renamed;
//! - a few side branches of 2-3 commits merged back with two-parent commits;
//! - about 10% of the commits touching only code outside `openspec/`.
//!
//! Identities and timestamps are fixed (from 2024-01-01T00:00:00Z, about an
//! hour apart), so the same arguments always give the same commit ids. The id
//! of HEAD is printed on stdout, a summary on stderr.

use std::fmt::Write as _;
use std::path::Path;

#[path = "common.rs"]
mod common;
use common::{Op, Rng, Task, WORDS, sentence, write_commit, ymd};

const MODULES: &[&str] = &["base", "desktop", "network", "services", "users", "hardware"];
const AUTHORS: &[&str] = &["Alex Doe <alex@example.com>", "Sam Roe <sam@example.com>", "Kim Poe <kim@example.com>"];
/// 2024-01-01T00:00:00Z.
const START: i64 = 1_704_067_200;
/// Planning time units per commit.
const TICK: u64 = 1024;
const SETTINGS: usize = 12;

#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Archive,
    Delete,
    Open,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Planned,
    Open,
    Archived,
    Deleted,
}

struct Change {
    id: String,
    renamed_to: String,
    /// The main spec its archiving updates (or creates).
    cap: String,
    proposal: String,
    design: Option<String>,
    sections: Vec<String>,
    tasks: Vec<Task>,
    state: State,
}

impl Change {
    fn dir(&self) -> String {
        format!("openspec/changes/{}", self.id)
    }
    fn tasks_md(&self) -> String {
        common::tasks_md(&self.sections, &self.tasks)
    }
}

struct Module {
    name: String,
    values: Vec<u64>,
}

impl Module {
    fn path(&self) -> String {
        format!("modules/{}.nix", self.name)
    }
    fn text(&self) -> String {
        let n = &self.name;
        let mut s = format!(
            "{{ config, lib, pkgs, ... }}:\n\n{{\n  options.bench.{n}.enable = lib.mkEnableOption \"{n}\";\n\n  config = lib.mkIf config.bench.{n}.enable {{\n"
        );
        for (i, v) in self.values.iter().enumerate() {
            let _ = writeln!(s, "    bench.{n}.setting{i} = {v};");
        }
        s.push_str("  };\n}\n");
        s
    }
}

enum Kind {
    Create(usize),
    Check {
        change: usize,
        toggles: Vec<(usize, bool)>,
        code: bool,
    },
    Rename(usize),
    /// A bullet added to the proposal: only when COMMITS leave more room than the tasks need.
    Revise(usize),
    Archive(usize),
    Delete(usize),
    Code,
    Merge,
}

impl Kind {
    fn change(&self) -> Option<usize> {
        match *self {
            Kind::Create(c) | Kind::Rename(c) | Kind::Revise(c) | Kind::Archive(c) | Kind::Delete(c) => Some(c),
            Kind::Check { change, .. } => Some(change),
            Kind::Code | Kind::Merge => None,
        }
    }
}

struct Event {
    time: u64,
    kind: Kind,
}

#[derive(Default)]
struct Stats {
    commits: usize,
    code_only: usize,
    merges: usize,
    archived: usize,
    deleted: usize,
    renamed: usize,
}

struct Gen<W: std::io::Write> {
    rng: Rng,
    out: W,
    changes: Vec<Change>,
    modules: Vec<Module>,
    /// Main specs: capability name and text.
    specs: Vec<(String, String)>,
    /// The module a side branch adds, while the branch is not merged.
    side_module: Option<Module>,
    ts: i64,
    last_mark: usize,
    /// The commit fast-import's `refs/heads/main` points at.
    emitted: usize,
    main_tip: usize,
    counter: u64,
    stats: Stats,
}

fn plan(rng: &mut Rng, commits: usize, n_changes: usize) -> Result<(Vec<Change>, Vec<Event>), String> {
    let horizon = commits as u64 * TICK;
    let span = horizon * 8 / 10;
    let merges = if commits >= 100 { (commits / 2000).clamp(1, 50) } else { 0 };
    let mut changes = Vec::with_capacity(n_changes);
    struct Plan {
        created: u64,
        life: u64,
        fate: Fate,
        rename: bool,
        order: Vec<usize>,
        groups: usize,
    }
    let mut plans = Vec::with_capacity(n_changes);
    for c in 0..n_changes {
        let (w1, w2) = (rng.pick(WORDS), rng.pick(WORDS));
        let id = format!("add-{w1}-{w2}-{}", c + 1);
        let renamed_to = format!("update-{w1}-{w2}-{}", c + 1);
        let cap = rng.pick(WORDS).to_string();
        let proposal = format!(
            "# Change: {}\n\n## Why\n{}.\n\n## What Changes\n- {}\n- {}\n\n## Impact\n- Affected specs: `{cap}`\n- Affected code: `modules/{}.nix`\n",
            sentence(rng, 4),
            sentence(rng, 25),
            sentence(rng, 9),
            sentence(rng, 9),
            rng.pick(MODULES),
        );
        let design = rng.percent(30).then(|| {
            format!("# Design\n\n## Context\n{}.\n\n## Decisions\n- {}\n", sentence(rng, 30), sentence(rng, 12))
        });
        let n = 5 + rng.below(11) as usize;
        let n_sections = 2 + rng.below(2) as usize;
        let sections = (0..n_sections).map(|_| sentence(rng, 2)).collect();
        let mut tasks = Vec::with_capacity(n);
        for i in 0..n {
            let section = i * n_sections / n;
            let number = 1 + tasks.iter().filter(|t: &&Task| t.section == section).count();
            let words = 4 + rng.below(6) as usize;
            tasks.push(Task {
                label: format!("{}.{number}", section + 1),
                text: sentence(rng, words),
                section,
                done: false,
            });
        }
        let fate = match rng.below(100) {
            0..60 => Fate::Archive,
            60..62 => Fate::Delete,
            _ => Fate::Open,
        };
        let rename = rng.percent(1);
        // Tasks are checked mostly in order, sometimes two swapped.
        let mut order: Vec<usize> = (0..n).collect();
        for i in 1..n {
            if rng.percent(10) {
                order.swap(i - 1, i);
            }
        }
        order.truncate(if fate == Fate::Archive { n } else { rng.below(n as u64) as usize });
        // Groups of 1 (mostly) to 4 tasks per commit.
        let (mut left, mut groups) = (order.len(), 0);
        while left > 0 {
            let size = match rng.below(100) {
                0..60 => 1,
                60..85 => 2,
                85..95 => 3,
                _ => 4,
            };
            left = left.saturating_sub(size);
            groups += 1;
        }
        let created = 1 + c as u64 * span / n_changes as u64 + rng.below(span / n_changes as u64);
        let life = match fate {
            Fate::Archive => horizon / 100 + rng.below(horizon * 14 / 100),
            _ => horizon / 100 + rng.below(horizon * 29 / 100),
        }
        .min(horizon - 1 - created);
        plans.push(Plan { created, life, fate, rename, order, groups });
        changes.push(Change { id, renamed_to, cap, proposal, design, sections, tasks, state: State::Planned });
    }

    // Fit the number of task commits to the budget left once ~10% code-only commits are set aside.
    let fixed: usize = plans.iter().map(|p| usize::from(p.fate != Fate::Open) + usize::from(p.rename)).sum();
    let spare = commits as i64 - 1 - n_changes as i64 - merges as i64 - fixed as i64;
    let least: usize = plans.iter().filter(|p| !p.order.is_empty()).count();
    let most: usize = plans.iter().map(|p| p.order.len()).sum();
    let wanted = (spare - commits as i64 / 10).max(least as i64) as usize;
    let target = wanted.min(most);
    if spare < least as i64 {
        return Err(format!(
            "{commits} commits are too few for {n_changes} changes; try at least {}",
            commits as i64 - spare + least as i64
        ));
    }
    let mut total: usize = plans.iter().map(|p| p.groups).sum();
    let start = rng.below(n_changes as u64) as usize;
    while total != target {
        let before = total;
        for i in 0..n_changes {
            let p = &mut plans[(start + i) % n_changes];
            if total > target && p.groups > 1 {
                p.groups -= 1;
                total -= 1;
            } else if total < target && p.groups < p.order.len() {
                p.groups += 1;
                total += 1;
            }
        }
        if total == before {
            break;
        }
    }
    // More room than tasks to check: proposals get revised, so code-only commits stay ~10%.
    let mut revises = vec![0usize; n_changes];
    for i in 0..if n_changes == 0 { 0 } else { wanted - total } {
        revises[(start + i) % n_changes] += 1;
    }
    let code = (spare - total as i64 - revises.iter().sum::<usize>() as i64) as usize;

    let mut events = Vec::new();
    for (c, p) in plans.iter().enumerate() {
        // Cut the checking order into groups, then reopen a task now and then.
        let m = p.order.len();
        let mut cuts: Vec<usize> = (1..m).collect();
        for i in 0..cuts.len() {
            let j = i + rng.below((cuts.len() - i) as u64) as usize;
            cuts.swap(i, j);
        }
        cuts.truncate(p.groups.saturating_sub(1));
        cuts.sort_unstable();
        cuts.push(m);
        let mut groups: Vec<Vec<(usize, bool)>> = Vec::new();
        let mut from = 0;
        for &cut in cuts.iter().take(p.groups) {
            groups.push(p.order[from..cut].iter().map(|&t| (t, true)).collect());
            from = cut;
        }
        let mut done = vec![false; changes[c].tasks.len()];
        for j in 0..groups.len() {
            if j >= 1 && j + 1 < groups.len() && rng.percent(7) {
                let checked: Vec<usize> = (0..done.len()).filter(|&t| done[t]).collect();
                if !checked.is_empty() {
                    let u = checked[rng.below(checked.len() as u64) as usize];
                    groups[j].push((u, false));
                    let later = j + 1 + rng.below((groups.len() - j - 1) as u64) as usize;
                    groups[later].push((u, true));
                }
            }
            for &(t, v) in &groups[j] {
                done[t] = v;
            }
        }
        let mut kinds: Vec<Kind> = Vec::new();
        let rename_at = rng.below(groups.len() as u64 + 1) as usize;
        for (j, toggles) in groups.into_iter().enumerate() {
            if p.rename && j == rename_at {
                kinds.push(Kind::Rename(c));
            }
            kinds.push(Kind::Check { change: c, toggles, code: rng.percent(25) });
        }
        if p.rename && rename_at == kinds.len() {
            kinds.push(Kind::Rename(c));
        }
        for _ in 0..revises[c] {
            let at = rng.below(kinds.len() as u64 + 1) as usize;
            kinds.insert(at, Kind::Revise(c));
        }
        match p.fate {
            Fate::Archive => kinds.push(Kind::Archive(c)),
            Fate::Delete => kinds.push(Kind::Delete(c)),
            Fate::Open => {}
        }
        let mut times: Vec<u64> = kinds.iter().map(|_| p.created + 1 + rng.below(p.life)).collect();
        times.sort_unstable();
        events.push(Event { time: p.created, kind: Kind::Create(c) });
        events.extend(times.into_iter().zip(kinds).map(|(time, kind)| Event { time, kind }));
    }
    for i in 0..merges {
        events.push(Event { time: (i as u64 + 1) * horizon / (merges as u64 + 1), kind: Kind::Merge });
    }
    // Code-only commits follow the density of the others, so that they stay ~10% all along.
    let others = events.len() as u64;
    for _ in 0..code {
        let time = if others == 0 { 1 + rng.below(horizon) } else { events[rng.below(others) as usize].time + 1 };
        events.push(Event { time, kind: Kind::Code });
    }
    // Stable: events of one change with the same time keep their order.
    events.sort_by_key(|e| e.time);
    Ok((changes, events))
}

impl<W: std::io::Write> Gen<W> {
    fn commit(&mut self, parents: &[usize], message: &str, ops: &[Op]) -> std::io::Result<usize> {
        self.last_mark += 1;
        let mark = self.last_mark;
        let who = AUTHORS[self.rng.below(AUTHORS.len() as u64) as usize];
        let ts = self.ts;
        let from = parents.first().copied().filter(|&first| first != self.emitted);
        let merges = parents.get(1..).unwrap_or_default();
        write_commit(&mut self.out, mark, who, ts, message, from, merges, ops)?;
        self.emitted = mark;
        self.stats.commits += 1;
        // The next commit, about an hour later.
        self.ts += 3000 + self.rng.below(1201) as i64;
        Ok(mark)
    }

    /// Changes one setting of a module: the side branch's own one, module `index`, or a random one.
    fn touch_module(&mut self, on_side: bool, index: Option<usize>) -> Op {
        self.counter += 1;
        let module = match (on_side, self.side_module.as_mut()) {
            (true, Some(m)) => m,
            _ => {
                let i = index.unwrap_or_else(|| self.rng.below(self.modules.len() as u64) as usize);
                &mut self.modules[i]
            }
        };
        let i = self.rng.below(SETTINGS as u64) as usize;
        module.values[i] = self.counter;
        Op::Modify(module.path(), module.text())
    }

    fn first_commit(&mut self) -> std::io::Result<()> {
        let mut ops = vec![
            Op::Modify(
                "README.md".into(),
                "# bench-config\n\nA NixOS configuration, generated for the `spec history` benchmark.\n".into(),
            ),
            Op::Modify(
                "flake.nix".into(),
                "{\n  description = \"bench-config\";\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";\n  outputs = { self, nixpkgs }: {\n    nixosModules.default = ./modules;\n  };\n}\n".into(),
            ),
            Op::Modify(
                "openspec/project.md".into(),
                "# Project Context\n\n## Purpose\nA NixOS configuration for a few hosts.\n\n## Conventions\n- One module per concern under `modules/`.\n".into(),
            ),
        ];
        for m in &self.modules {
            ops.push(Op::Modify(m.path(), m.text()));
        }
        for cap in ["flake", "host", "secrets"] {
            let body = self.requirement();
            let text = format!(
                "# {cap} Specification\n\n## Purpose\n{}.\n\n## Requirements\n\n{body}",
                sentence(&mut self.rng, 12)
            );
            ops.push(Op::Modify(format!("openspec/specs/{cap}/spec.md"), text.clone()));
            self.specs.push((cap.to_string(), text));
        }
        self.main_tip = self.commit(&[], "Initial configuration and OpenSpec project", &ops)?;
        Ok(())
    }

    fn requirement(&mut self) -> String {
        let rng = &mut self.rng;
        format!(
            "### Requirement: {}\nThe system SHALL {}.\n\n#### Scenario: {}\n- **WHEN** {}\n- **THEN** {}\n\n",
            sentence(rng, 3),
            sentence(rng, 10),
            sentence(rng, 2),
            sentence(rng, 5),
            sentence(rng, 5)
        )
    }

    /// Applies one event to the state and returns its commit message and file operations.
    fn apply(&mut self, kind: &Kind, on_side: bool) -> (String, Vec<Op>) {
        match *kind {
            Kind::Create(c) => {
                let ch = &mut self.changes[c];
                ch.state = State::Open;
                let dir = ch.dir();
                let mut ops = vec![
                    Op::Modify(format!("{dir}/proposal.md"), ch.proposal.clone()),
                    Op::Modify(format!("{dir}/tasks.md"), ch.tasks_md()),
                ];
                if let Some(design) = &ch.design {
                    ops.push(Op::Modify(format!("{dir}/design.md"), design.clone()));
                }
                (format!("Propose {}", ch.id), ops)
            }
            Kind::Check { change, ref toggles, code } => {
                let ch = &mut self.changes[change];
                let (mut done, mut reopened) = (Vec::new(), Vec::new());
                for &(t, v) in toggles {
                    ch.tasks[t].done = v;
                    let list = if v { &mut done } else { &mut reopened };
                    list.push(ch.tasks[t].label.clone());
                }
                let mut message = format!("{}: {} done", ch.id, done.join(", "));
                if !reopened.is_empty() {
                    let _ = write!(message, ", {} reopened", reopened.join(", "));
                }
                let mut ops = vec![Op::Modify(format!("{}/tasks.md", ch.dir()), ch.tasks_md())];
                if code {
                    ops.push(self.touch_module(on_side, None));
                }
                (message, ops)
            }
            Kind::Rename(c) => {
                let ch = &mut self.changes[c];
                let from = ch.dir();
                let old = std::mem::replace(&mut ch.id, ch.renamed_to.clone());
                self.stats.renamed += 1;
                (format!("Rename {old} to {}", ch.id), vec![Op::Rename(from, ch.dir())])
            }
            Kind::Revise(c) => {
                let ch = &mut self.changes[c];
                let at = ch.proposal.find("\n## Impact").unwrap_or(ch.proposal.len());
                let bullet = format!("- {}\n", sentence(&mut self.rng, 9));
                ch.proposal.insert_str(at, &bullet);
                (
                    format!("{}: revise proposal", ch.id),
                    vec![Op::Modify(format!("{}/proposal.md", ch.dir()), ch.proposal.clone())],
                )
            }
            Kind::Delete(c) => {
                let ch = &mut self.changes[c];
                ch.state = State::Deleted;
                self.stats.deleted += 1;
                (format!("Drop {}", ch.id), vec![Op::Delete(ch.dir())])
            }
            Kind::Archive(c) => {
                let (y, m, d) = ymd(self.ts);
                let body = self.requirement();
                let cap = &self.changes[c].cap;
                let spec = match self.specs.iter().position(|(name, _)| name == cap) {
                    Some(i) => i,
                    None => {
                        let text = format!(
                            "# {cap} Specification\n\n## Purpose\n{}.\n\n## Requirements\n\n",
                            sentence(&mut self.rng, 12)
                        );
                        self.specs.push((cap.clone(), text));
                        self.specs.len() - 1
                    }
                };
                self.specs[spec].1.push_str(&body);
                let ch = &mut self.changes[c];
                ch.state = State::Archived;
                self.stats.archived += 1;
                let (name, text) = &self.specs[spec];
                let ops = vec![
                    Op::Rename(ch.dir(), format!("openspec/changes/archive/{y:04}-{m:02}-{d:02}-{}", ch.id)),
                    Op::Modify(format!("openspec/specs/{name}/spec.md"), text.clone()),
                ];
                (format!("Archive {}", ch.id), ops)
            }
            Kind::Code => {
                self.stats.code_only += 1;
                let n = self.modules.len();
                let first = self.rng.below(n as u64) as usize;
                let mut ops = vec![self.touch_module(false, Some(first))];
                if n > 1 && self.rng.percent(30) {
                    let second = (first + 1 + self.rng.below(n as u64 - 1) as usize) % n;
                    ops.push(self.touch_module(false, Some(second)));
                }
                let names: Vec<&str> = ops
                    .iter()
                    .map(|op| match op {
                        Op::Modify(path, _) => path.as_str(),
                        _ => "",
                    })
                    .collect();
                (format!("Tune {}", names.join(" and ")), ops)
            }
            Kind::Merge => unreachable!("merges are handled by `episode`"),
        }
    }

    fn step(&mut self, kind: &Kind) -> std::io::Result<()> {
        let (message, ops) = self.apply(kind, false);
        self.main_tip = self.commit(&[self.main_tip], &message, &ops)?;
        Ok(())
    }

    /// A side branch: the next 2-3 task commits of one open change, made on a
    /// branch forked from main while 1-3 other events land on main, then merged.
    /// Returns false (and does nothing) when no change fits.
    fn episode(&mut self, events: &[Event], done: &mut [bool], at: usize) -> std::io::Result<bool> {
        let side_len = 2 + self.rng.below(2) as usize;
        let main_len = 1 + self.rng.below(3) as usize;
        // The first change, in event order, whose next side_len events are all task commits.
        let mut seen: Vec<(usize, usize, bool)> = Vec::new();
        let mut chosen = None;
        for (i, e) in events.iter().enumerate().skip(at + 1).take(5000) {
            let Some(c) = e.kind.change() else { continue };
            if done[i] {
                continue;
            }
            let is_check = matches!(e.kind, Kind::Check { .. });
            match seen.iter_mut().find(|s| s.0 == c) {
                Some(s) if s.2 => {
                    s.1 += 1;
                    s.2 = is_check;
                }
                Some(_) => continue,
                None => seen.push((c, 1, is_check && self.changes[c].state == State::Open)),
            }
            if let Some(s) = seen.iter().find(|s| s.0 == c)
                && s.2
                && s.1 == side_len
            {
                chosen = Some(c);
                break;
            }
        }
        let Some(c) = chosen else { return Ok(false) };
        let mut side = Vec::new();
        let mut main = Vec::new();
        for (i, e) in events.iter().enumerate().skip(at + 1) {
            if done[i] || matches!(e.kind, Kind::Merge) {
                continue;
            }
            if e.kind.change() == Some(c) {
                if side.len() < side_len {
                    side.push(i);
                }
            } else if main.len() < main_len {
                main.push(i);
            }
            if side.len() == side_len && main.len() == main_len {
                break;
            }
        }
        if main.is_empty() {
            return Ok(false);
        }
        let fork = self.main_tip;
        let mut side_tip = fork;
        let id = self.changes[c].id.clone();
        self.counter += 1;
        let module = Module { name: format!("{}-{}", self.rng.pick(WORDS), self.counter), values: vec![0; SETTINGS] };
        self.side_module = Some(module);
        let mut order: Vec<usize> = side.iter().chain(&main).copied().collect();
        order.sort_unstable();
        for i in order {
            done[i] = true;
            if side.contains(&i) {
                let (message, mut ops) = self.apply(&events[i].kind, true);
                let m = self.side_module.as_ref().expect("side module");
                let path = m.path();
                if side_tip == fork && !ops.iter().any(|op| matches!(op, Op::Modify(p, _) if *p == path)) {
                    ops.push(Op::Modify(path, m.text()));
                }
                side_tip = self.commit(&[side_tip], &message, &ops)?;
            } else {
                self.step(&events[i].kind)?;
            }
        }
        let module = self.side_module.take().expect("side module");
        let ch = &self.changes[c];
        let ops =
            vec![Op::Modify(format!("{}/tasks.md", ch.dir()), ch.tasks_md()), Op::Modify(module.path(), module.text())];
        self.main_tip = self.commit(&[self.main_tip, side_tip], &format!("Merge branch 'topic/{id}'"), &ops)?;
        self.modules.push(module);
        self.stats.merges += 1;
        Ok(true)
    }

    /// The whole stream: the first commit, then every event in time order.
    fn history(&mut self, events: &[Event]) -> std::io::Result<()> {
        self.first_commit()?;
        let mut done = vec![false; events.len()];
        for i in 0..events.len() {
            if done[i] {
                continue;
            }
            done[i] = true;
            if matches!(events[i].kind, Kind::Merge) {
                if !self.episode(events, &mut done, i)? {
                    self.step(&Kind::Code)?;
                }
            } else {
                self.step(&events[i].kind)?;
            }
        }
        writeln!(self.out, "done")?;
        self.out.flush()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: gen_history <DIR> <COMMITS> <CHANGES>");
        std::process::exit(2);
    }
    let dir = Path::new(&args[1]);
    let commits: usize = args[2].parse().expect("COMMITS is a number");
    let n_changes: usize = args[3].parse().expect("CHANGES is a number");
    if commits == 0 {
        eprintln!("COMMITS must be at least 1");
        std::process::exit(2);
    }
    common::require_empty(dir);
    let mut rng = Rng(0x5eed_4157);
    let (changes, events) = plan(&mut rng, commits, n_changes).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let modules = MODULES
        .iter()
        .map(|&name| Module { name: name.to_string(), values: (0..SETTINGS).map(|_| rng.below(1000)).collect() })
        .collect();
    common::generate(dir, |out| {
        let mut g = Gen {
            rng,
            out,
            changes,
            modules,
            specs: Vec::new(),
            side_module: None,
            ts: START,
            last_mark: 0,
            emitted: 0,
            main_tip: 0,
            counter: 1000,
            stats: Stats::default(),
        };
        g.history(&events)?;
        let s = &g.stats;
        assert_eq!(s.commits, commits, "commit count");
        let open = g.changes.iter().filter(|c| c.state == State::Open).count();
        Ok(format!(
            "generated {} commits ({} merges, {} code-only) and {n_changes} changes ({open} open, {} archived, {} deleted, {} renamed) in {}",
            s.commits,
            s.merges,
            s.code_only,
            s.archived,
            s.deleted,
            s.renamed,
            dir.display()
        ))
    });
}
