//! `--watch` for `status`, `site` and `roadmap`: run the command, then run
//! it again each time a file it reads changes ([`crate::context::watch`]),
//! each time from scratch as a plain run does (configuration, loading, the
//! command), until Ctrl-C, SIGTERM or SIGHUP, which end it with exit code 0
//! after the run in progress. An error (a file saved half-way that does not
//! parse, the project folder gone) is printed and the watch goes on.
//!
//! What each run prints: `status` draws the dashboard again when it
//! changed, in place on a terminal and otherwise followed by a line
//! [`SEPARATOR`]; `site` and `roadmap` print their line of what they wrote.

use super::{Outcome, error_text, out_path};
use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::context::watch::{Targets, Wake, Watcher};
use crate::error::{Error, Result};
use crate::output;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The line after each dashboard when stdout is not a terminal.
pub const SEPARATOR: &str = "---";

/// Home, clear the screen and its scrollback.
const CLEAR: &str = "\x1b[H\x1b[2J\x1b[3J";

/// Whether the command line asks to watch.
pub fn wanted(cli: &Cli) -> bool {
    match &cli.command {
        Some(Command::Status(args)) => args.watch,
        Some(Command::Site(args)) => args.watch,
        Some(Command::Roadmap(args)) => args.watch,
        _ => false,
    }
}

/// Run the command on every change until stopped; what it returns has
/// nothing left to print.
pub fn run(cli: &Cli, cwd: &Path) -> Result<Outcome> {
    if let Some(Command::Roadmap(args)) = &cli.command
        && args.out.as_deref().is_some_and(output::is_stdout)
    {
        return Err(Error::Usage(
            "--watch rewrites a file on every change; --out names stdout: give --out a file".into(),
        ));
    }
    // A command line that cannot run stops here, before any watching.
    let config = Config::from_cli(cli, cwd)?;
    let mut watcher = Watcher::new(targets(cli, &config)?)?;
    let mut screen = Screen::new(cli, watcher.targets().describe(&config.root));
    let mut first = Some(config);
    loop {
        let is_first = first.is_some();
        let result = first.take().map_or_else(|| Config::from_cli(cli, cwd), Ok).and_then(|config| {
            // Folders made since the last run are watched before this one reads them.
            let warning = targets(cli, &config).and_then(|t| watcher.retarget(t)).err();
            let mut outcome = super::run_with(cli, &config)?;
            outcome.stderr.insert_str(0, &warning.map(|e| error_text(&e)).unwrap_or_default());
            Ok(outcome)
        });
        // A command line that cannot work (an --out spec refuses, say) is
        // no edit to wait out: it stops the watch before it starts.
        if is_first && matches!(result, Err(Error::Usage(_))) {
            return result;
        }
        if !screen.show(result) {
            return Ok(Outcome::new());
        }
        if is_first {
            screen.started();
        }
        loop {
            match watcher.wait() {
                Wake::Changed(_) => break,
                Wake::Stop => return Ok(Outcome::new()),
                Wake::Trouble(message) => put(false, &format!("warning: watching files: {message}\n")),
            };
        }
    }
}

/// What the command reads, and what it writes (never watched): the site
/// folder or ROADMAP.md of each project, as `--out` or the default names it.
fn targets(cli: &Cli, config: &Config) -> Result<Targets> {
    let dir = |name: &String| if name == "." { config.root.clone() } else { config.root.join(name) };
    let outputs = |out: Option<&PathBuf>, default: &str| -> Result<Vec<PathBuf>> {
        config.projects.iter().map(|name| out_path(out, dir(name).join(default))).collect()
    };
    let outputs = match &cli.command {
        Some(Command::Site(args)) => outputs(args.out.as_ref(), "site")?,
        Some(Command::Roadmap(args)) => outputs(args.out.as_ref(), "ROADMAP.md")?,
        _ => Vec::new(),
    };
    Ok(Targets::new(config, &outputs))
}

/// Where each run's outcome goes.
struct Screen {
    /// The dashboard (`status`), drawn again only when it changed; else a
    /// command's report of what it wrote, printed after every run.
    dashboard: bool,
    terminal: bool,
    /// What is watched, for the line that says so.
    watching: String,
    /// The last dashboard shown: stderr and stdout.
    last: Option<(String, String)>,
}

impl Screen {
    fn new(cli: &Cli, watching: String) -> Self {
        let dashboard = matches!(cli.command, Some(Command::Status(_)));
        let terminal = std::io::stdout().is_terminal();
        Screen { dashboard, terminal, watching, last: None }
    }

    /// Say what is watched (on a terminal, the dashboard's last line does).
    fn started(&self) {
        if !(self.dashboard && self.terminal) {
            put(false, &format!("watching {} for changes; Ctrl-C stops\n", self.watching));
        }
    }

    /// Show a run's outcome, or its error; `false` once stdout is closed.
    fn show(&mut self, result: Result<Outcome>) -> bool {
        let (stderr, mut stdout) = match result {
            Ok(outcome) => (outcome.stderr, outcome.stdout),
            Err(e) => (error_text(&e), String::new()),
        };
        if !self.dashboard {
            put(false, &stderr);
            return put(true, &stdout);
        }
        if self.last.as_ref().is_some_and(|(e, o)| *e == stderr && *o == stdout) {
            return true;
        }
        self.last = Some((stderr.clone(), stdout.clone()));
        if !stdout.is_empty() && !stdout.ends_with('\n') {
            stdout.push('\n');
        }
        if self.terminal {
            let shown = put(true, CLEAR);
            put(false, &stderr);
            shown && put(true, &format!("{stdout}\nwatching {} · Ctrl-C stops\n", self.watching))
        } else {
            put(false, &stderr);
            stdout.is_empty() || put(true, &format!("{stdout}{SEPARATOR}\n"))
        }
    }
}

/// Write to stdout (`true`) or stderr and flush; `false` when stdout could
/// not be written (closed), which ends the watch. Stderr's failures are
/// not acted on.
fn put(to_stdout: bool, text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    if to_stdout {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_ok()
    } else {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
        true
    }
}
