//! One file per sub-command, each a small function: ask the context for
//! what the command needs, hand it to the analysis and the renderers, and
//! say what to print and which exit code to return ([`Outcome`]). [`run`]
//! picks the command for the command line; `main.rs` prints the outcome.
//! With `--watch`, `watch.rs` runs the command again on every change and
//! prints each outcome itself.

mod blocked;
mod check;
mod diff;
mod forecast;
mod graph;
mod history;
mod hosts;
mod impact;
mod links;
mod list;
mod next;
mod overlaps;
mod roadmap;
mod shell;
mod show;
mod site;
mod status;
mod watch;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::context::{self, Loaded};
use crate::discover::Depth;
use crate::error::{Error, Result, exit};
use crate::model::{Day, Diagnostic, Level};
use crate::render::style::Style;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a command produced: text for stdout and stderr, and the exit code.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Outcome {
    fn new() -> Self {
        Outcome { stdout: String::new(), stderr: String::new(), code: exit::OK }
    }

    /// Problems met reading files, on stderr (info-level ones are left for
    /// `spec check`). Those of archived changes, which no command but
    /// `check` acts on, are one line per project: a repository with years of
    /// archive would otherwise flood every command's stderr.
    fn reading_problems(mut self, loaded: &[Loaded]) -> Self {
        for l in loaded {
            let archive = format!("{}/changes/archive/", l.project.openspec_dir);
            let (old, current): (Vec<&Diagnostic>, Vec<&Diagnostic>) = l
                .diagnostics
                .iter()
                .filter(|d| d.level != Level::Info)
                .partition(|d| d.file.as_deref().is_some_and(|f| f.starts_with(&archive)));
            self = self.problems(current);
            if !old.is_empty() {
                let folders: std::collections::BTreeSet<&str> =
                    old.iter().filter_map(|d| d.file.as_deref()?[archive.len()..].split('/').next()).collect();
                let metadata =
                    old.iter().filter(|d| d.file.as_deref().is_some_and(|f| f.ends_with("/.openspec.yaml"))).count();
                let what = match (metadata, old.len() - metadata) {
                    (0, n) => format!("{n} problem{}", plural(n)),
                    (m, 0) => format!("invalid metadata ({m} file{})", plural(m)),
                    (m, n) => format!("invalid metadata ({m} file{}) and {n} other problem{}", plural(m), plural(n)),
                };
                let n = folders.len();
                let _ = writeln!(
                    self.stderr,
                    "warning: {n} archived change{} in {archive} {} {what}; `spec check` lists them",
                    plural(n),
                    if n == 1 { "has" } else { "have" }
                );
            }
        }
        self
    }

    /// Diagnostics on stderr, one a line (info-level ones are left for `spec check`).
    fn problems<'d>(mut self, diagnostics: impl IntoIterator<Item = &'d Diagnostic>) -> Self {
        for d in diagnostics.into_iter().filter(|d| d.level != Level::Info) {
            self.stderr.push_str(&crate::render::diagnostic::text(d, &Style::plain()));
            self.stderr.push('\n');
        }
        self
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Run a parsed command line from `cwd`, once: what it read is left
/// unfreed, for the process that ends next. With `--watch` it returns only
/// once stopped, having printed every run's outcome itself.
pub fn run(cli: &Cli, cwd: &Path) -> Result<Outcome> {
    // These read no repository: they work anywhere, even outside one.
    match &cli.command {
        Some(Command::Completions(args)) => return shell::completions(args),
        Some(Command::Man(args)) => return shell::man(args),
        _ => {}
    }
    if watch::wanted(cli) {
        return watch::run(cli, cwd);
    }
    let (outcome, loaded) = load_and_run(cli, &Config::from_cli(cli, cwd)?)?;
    // Freeing the projects one string at a time is work for nothing when
    // the process ends next (60 ms of `spec site` on 10,000 changes).
    std::mem::forget(loaded);
    Ok(outcome)
}

/// Run a command line whose configuration is resolved: load, then the command.
fn run_with(cli: &Cli, config: &Config) -> Result<Outcome> {
    load_and_run(cli, config).map(|(outcome, _)| outcome)
}

/// [`run_with`], handing back what it loaded with the outcome.
fn load_and_run(cli: &Cli, config: &Config) -> Result<(Outcome, Vec<context::Loaded>)> {
    let style = Style::new(config.color);
    // `list` and `status` show progress only: read no design or delta spec
    // (unless status links a flake's hosts, which reads all a change says).
    let flake = config.projects.iter().any(|p| config.root.join(p).join("flake.nix").is_file());
    let depth = match &cli.command {
        Some(Command::List(_)) => Depth::Progress,
        None | Some(Command::Status(_)) if !flake => Depth::Progress,
        Some(_) | None => Depth::Full,
    };
    // What is written into a project is read from the project's own folder.
    let loaded = match &cli.command {
        _ if config.bare_flake => vec![context::Loaded::bare(&config.root)],
        Some(Command::Roadmap(_) | Command::Site(_)) => context::load_in_place(config, depth)?,
        _ => context::load(config, depth)?,
    };
    let outcome = match &cli.command {
        None => status::run(&loaded, config, false, false, &style),
        Some(Command::Status(args)) => status::run(&loaded, config, args.json.json, args.forecast, &style),
        Some(Command::List(args)) => list::run(&loaded, args, &style),
        Some(Command::Show(args)) => show::run(&loaded, args, &style)?,
        Some(Command::Check(args)) => check::run(&loaded, config, args, &style),
        Some(Command::Roadmap(args)) => roadmap::run(&loaded, config, args)?,
        Some(Command::Graph(args)) => graph::run(&loaded, config, args)?,
        Some(Command::Next(args)) => next::run(&loaded, config, args.json),
        Some(Command::Blocked(args)) => blocked::run(&loaded, config, args.json),
        Some(Command::Site(args)) => site::run(&loaded, config, args)?,
        Some(Command::History(args)) => history::run(&loaded, config, args, &style)?,
        Some(Command::Diff(args)) => diff::run(&loaded, config, args)?,
        Some(Command::Links(args)) => links::run(&loaded, args, &style)?,
        Some(Command::Impact(args)) => impact::run(&loaded, args, &style)?,
        Some(Command::Hosts(args)) => hosts::run(&loaded, args, &style)?,
        Some(Command::Overlaps(args)) => overlaps::run(&loaded, args)?,
        Some(Command::Blame(args)) => show::blame(&loaded, args, &style)?,
        Some(Command::Forecast(args)) => forecast::run(&loaded, config, args, &style)?,
        Some(Command::Completions(args)) => shell::completions(args)?,
        Some(Command::Man(args)) => shell::man(args)?,
    };
    Ok((outcome, loaded))
}

/// Write an outcome to the real stdout and stderr. A closed pipe is not an error.
pub fn emit(outcome: &Outcome) -> std::io::Result<()> {
    let write = |mut w: Box<dyn Write>, text: &str| -> std::io::Result<()> {
        match w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    };
    write(Box::new(std::io::stderr().lock()), &outcome.stderr)?;
    write(Box::new(std::io::stdout().lock()), &outcome.stdout)
}

/// What an error prints on stderr. Errors name what the repository holds
/// (ids, paths): escaped, a line at a time, like every other text for the
/// terminal; rendered diagnostics are printed as they are.
pub fn error_text(e: &Error) -> String {
    use crate::render::escape::terminal;
    match e {
        Error::Diagnostics(text) => text.lines().map(|l| format!("{}\n", terminal(l))).collect(),
        e => format!("error: {}\n", terminal(&e.to_string())),
    }
}

/// The one project a command works on, or a usage error naming them all.
fn one<'a>(loaded: &'a [Loaded], what: &str) -> Result<&'a Loaded> {
    match loaded {
        [one] => Ok(one),
        _ => Err(Error::Usage(format!(
            "{what} works on one project at a time; choose one with --project ({})",
            loaded.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Where `--out` points (relative to the working directory), else `default`.
fn out_path(out: Option<&PathBuf>, default: PathBuf) -> Result<PathBuf> {
    match out {
        Some(p) if p.is_absolute() => Ok(p.clone()),
        Some(p) => Ok(std::env::current_dir().map_err(Error::Io)?.join(p)),
        None => Ok(default),
    }
}

/// `--date`, checked: a calendar day or nothing.
/// A project's history for a command that cannot go on without it
/// (`what`: the command's name in the message).
fn read_history(
    l: &Loaded,
    roadmap: &crate::analyse::roadmap::Roadmap,
    options: context::history::HistoryOptions,
    what: &str,
) -> Result<crate::analyse::history::History> {
    let (_, history) = context::history::read(l, Some(roadmap), options).map_err(|e| match e {
        crate::git::NoHistory::Failed(m) => Error::Diagnostics(format!("error: reading git history failed: {m}")),
        other => Error::Usage(format!("{other}: `spec {what}` needs the project in a git repository with commits")),
    })?;
    Ok(history)
}

fn parse_day(day: Option<&str>) -> Result<Option<Day>> {
    match day {
        None => Ok(None),
        Some(d) => Day::parse(d)
            .map(Some)
            .ok_or_else(|| Error::Usage(format!("--date {d}: not a calendar day; write it as YYYY-MM-DD"))),
    }
}

/// `; did you mean a, b?` for ids close to `wanted`, or nothing.
fn did_you_mean(known: &[&str], wanted: &str) -> String {
    let close = suggestions(known, wanted);
    if close.is_empty() { String::new() } else { format!("; did you mean {}?", close.join(", ")) }
}

/// Up to three known ids close to `wanted` (edit distance), closest first.
fn suggestions<'a>(known: &[&'a str], wanted: &str) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    let mut close: Vec<(usize, &str)> =
        known.iter().map(|k| (strsim::levenshtein(k, wanted), *k)).filter(|(d, _)| *d <= limit).collect();
    close.sort();
    close.into_iter().take(3).map(|(_, k)| k).collect()
}

/// A change of the project by id (see [`crate::model::Project::find_change`]),
/// or a usage error with close ids.
fn find_change<'a>(l: &'a Loaded, id: &str) -> Result<&'a crate::model::Change> {
    l.project.find_change(id).ok_or_else(|| {
        let known: Vec<&str> = l.project.changes.iter().map(|c| c.id.as_str()).collect();
        Error::Usage(format!("no change `{id}`{}", did_you_mean(&known, id)))
    })
}
