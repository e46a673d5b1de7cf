//! `spec` reads a repository's OpenSpec folders and tells the truth about its
//! roadmap.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`discover`]: find `openspec/` folders and read their files (the only
//!    file-system reader);
//! 2. [`parse`]: pure functions from text to the [`model`], counting exactly
//!    as the official OpenSpec CLI does;
//! 3. [`analyse`]: progress, the status dashboard, validation, the
//!    dependency graph and the roadmap;
//! 4. [`render`]: terminal text, JSON, Markdown and mermaid;
//! 5. [`output`]: atomic writes and `--check` diffs.
//!
//! [`run`] picks the sub-command ([`commands`]) for the command line.

pub mod analyse;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod error;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;

use analyse::Loaded;
use cli::{Cli, Command};
use config::Config;
use error::Result;
use render::terminal::Style;
use std::io::Write;

/// What a command produced: text for stdout and stderr, and the exit code.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Load every selected project.
pub fn load(config: &Config) -> Result<Vec<Loaded>> {
    load_to(config, discover::Depth::Full)
}

fn load_to(config: &Config, depth: discover::Depth) -> Result<Vec<Loaded>> {
    config.projects.iter().map(|name| discover::load_to(&config.root, name, depth).map(Loaded::new)).collect()
}

/// Run a parsed command line from `cwd`.
pub fn run(cli: &Cli, cwd: &std::path::Path) -> Result<Outcome> {
    let config = Config::from_cli(cli, cwd)?;
    let style = Style::new(config.color);
    // `list` and `status` show progress only: read no design or delta spec
    // (unless status links a flake's hosts, which reads all a change says).
    let flake = config.projects.iter().any(|p| config.root.join(p).join("flake.nix").is_file());
    let depth = match &cli.command {
        Some(Command::List(_)) => discover::Depth::Progress,
        None | Some(Command::Status(_)) if !flake => discover::Depth::Progress,
        Some(_) | None => discover::Depth::Full,
    };
    let loaded = load_to(&config, depth)?;
    Ok(match &cli.command {
        None => commands::status(&loaded, &config, false, &style),
        Some(Command::Status(args)) => commands::status(&loaded, &config, args.json, &style),
        Some(Command::List(args)) => commands::list(&loaded, args, &style),
        Some(Command::Show(args)) => commands::show(&loaded, args, &style)?,
        Some(Command::Check(args)) => commands::check(&loaded, &config, args, &style),
        Some(Command::Roadmap(args)) => commands::roadmap(&loaded, &config, args)?,
        Some(Command::Graph(args)) => commands::graph(&loaded, &config, args)?,
        Some(Command::Next(args)) => commands::next(&loaded, &config, args.json),
        Some(Command::Blocked(args)) => commands::blocked(&loaded, &config, args.json),
        Some(Command::Site(args)) => commands::site(&loaded, &config, args)?,
        Some(Command::History(args)) => commands::history(&loaded, &config, args, &style)?,
        Some(Command::Diff(args)) => commands::diff(&loaded, &config, args)?,
        Some(Command::Links(args)) => commands::links(&loaded, &config, args, &style)?,
        Some(Command::Impact(args)) => commands::impact(&loaded, args, &style)?,
        Some(Command::Hosts(args)) => commands::hosts(&loaded, args, &style)?,
    })
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
