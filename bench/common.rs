//! What the benchmark generators share: a deterministic random source (a
//! linear congruential generator, no dependency) and a vocabulary. The same
//! arguments always give the same output.

#![allow(dead_code)] // each generator uses a different part

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// A small linear congruential generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `p` times in a hundred.
    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len() as u64) as usize]
    }
}

/// Words of a NixOS configuration repository, for ids and prose.
pub const WORDS: &[&str] = &[
    "flake",
    "host",
    "module",
    "secrets",
    "disko",
    "btrfs",
    "niri",
    "shell",
    "monitoring",
    "backup",
    "network",
    "firewall",
    "cache",
    "deploy",
    "editor",
    "terminal",
    "theme",
    "kernel",
    "podman",
    "tailscale",
    "audio",
    "printer",
    "wayland",
    "greeter",
];

/// `words` words of the vocabulary, separated by spaces.
pub fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s
}

/// Year, month and day of a Unix time, in UTC.
pub fn ymd(ts: i64) -> (i64, i64, i64) {
    let z = ts.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A task of a change's `tasks.md`.
pub struct Task {
    /// `1.2`.
    pub label: String,
    pub text: String,
    /// Index of its section.
    pub section: usize,
    pub done: bool,
}

/// A `tasks.md`: each section (`## 1. Title`) with its tasks, a blank line
/// between sections.
pub fn tasks_md(sections: &[String], tasks: &[Task]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for (n, title) in sections.iter().enumerate() {
        if n > 0 {
            s.push('\n');
        }
        let _ = writeln!(s, "## {}. {title}", n + 1);
        for t in tasks.iter().filter(|t| t.section == n) {
            let _ = writeln!(s, "- [{}] {} {}", if t.done { 'x' } else { ' ' }, t.label, t.text);
        }
    }
    s
}

/// A file operation of a commit.
pub enum Op {
    Modify(String, String),
    Delete(String),
    Rename(String, String),
}

/// One commit of a `git fast-import` stream on `refs/heads/main`: `from`
/// when its first parent is not the branch's last commit, `merges` for the
/// other parents.
#[allow(clippy::too_many_arguments)]
pub fn write_commit(
    out: &mut impl Write,
    mark: usize,
    who: &str,
    ts: i64,
    message: &str,
    from: Option<usize>,
    merges: &[usize],
    ops: &[Op],
) -> std::io::Result<()> {
    writeln!(out, "commit refs/heads/main\nmark :{mark}")?;
    writeln!(out, "author {who} {ts} +0000\ncommitter {who} {ts} +0000")?;
    writeln!(out, "data {}\n{message}", message.len() + 1)?;
    if let Some(first) = from {
        writeln!(out, "from :{first}")?;
    }
    for p in merges {
        writeln!(out, "merge :{p}")?;
    }
    for op in ops {
        match op {
            Op::Modify(path, text) => write!(out, "M 100644 inline {path}\ndata {}\n{text}\n", text.len())?,
            Op::Delete(path) => writeln!(out, "D {path}")?,
            Op::Rename(from, to) => writeln!(out, "R {from} {to}")?,
        }
    }
    writeln!(out)
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).env_remove("GIT_DIR").env_remove("GIT_WORK_TREE").env_remove("GIT_INDEX_FILE");
    cmd
}

fn run(cmd: &mut Command) {
    let status = cmd.status().expect("git runs");
    if !status.success() {
        eprintln!("{cmd:?} failed: {status}");
        std::process::exit(1);
    }
}

/// Exit with a message unless `dir` is missing or an empty folder.
pub fn require_empty(dir: &Path) {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(_) => !dir.exists(),
    };
    if !empty {
        eprintln!("{} exists and is not empty; choose an empty folder", dir.display());
        std::process::exit(2);
    }
}

/// `git init` in `dir` (branch `main`), feed `git fast-import` the stream
/// that `stream` writes (ending with `done`), check the branch out, then
/// print the summary `stream` returns on stderr and the id of `HEAD` on
/// stdout. Exits on a git failure.
pub fn generate(
    dir: &Path,
    stream: impl FnOnce(&mut std::io::BufWriter<std::process::ChildStdin>) -> std::io::Result<String>,
) {
    std::fs::create_dir_all(dir).expect("create DIR");
    run(git(dir).args(["init", "-q", "-b", "main"]));
    let mut child = git(dir)
        .args(["fast-import", "--quiet", "--done"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    let mut out = std::io::BufWriter::with_capacity(1 << 20, child.stdin.take().expect("piped stdin"));
    let summary = stream(&mut out).unwrap_or_else(|e| format!("writing to git fast-import: {e}"));
    drop(out);
    let status = child.wait().expect("git fast-import runs");
    if !status.success() {
        eprintln!("git fast-import failed: {status}");
        std::process::exit(1);
    }
    run(git(dir).args(["reset", "-q", "--hard"]));
    let head = git(dir).args(["rev-parse", "HEAD"]).output().expect("git rev-parse runs");
    eprintln!("{summary}");
    print!("{}", String::from_utf8_lossy(&head.stdout));
}
