//! `spec` reads a repository's OpenSpec folders and tells the truth about its
//! roadmap.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`discover`]: find `openspec/` folders and read their files (the only
//!    file-system reader);
//! 2. [`parse`]: pure functions from text to the [`model`], counting exactly
//!    as the official OpenSpec CLI does;
//! 3. [`analyse`]: progress, the status dashboard, validation;
//! 4. [`render`]: terminal text and JSON.
//!
//! [`run`] wires the stages for the command line.

pub mod analyse;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod model;
pub mod parse;
pub mod render;

use analyse::Loaded;
use cli::{CheckFormat, Cli, Command};
use config::Config;
use diagnostic::{Diagnostic, Level};
use error::{Error, Result, exit};
use render::json;
use render::terminal::{self, Style};
use std::io::Write;

/// What a command produced: text for stdout and stderr, and the exit code.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Load every selected project.
pub fn load(config: &Config) -> Result<Vec<Loaded>> {
    config.projects.iter().map(|name| discover::load(&config.root, name).map(Loaded::new)).collect()
}

/// Run a parsed command line from `cwd`.
pub fn run(cli: &Cli, cwd: &std::path::Path) -> Result<Outcome> {
    let config = Config::from_cli(cli, cwd)?;
    let style = Style::new(config.color);
    let loaded = load(&config)?;
    let multi = loaded.len() > 1;
    let mut out = Outcome { stdout: String::new(), stderr: String::new(), code: exit::OK };
    let reading_problems = |out: &mut Outcome| {
        for l in &loaded {
            for d in l.diagnostics.iter().filter(|d| d.level != Level::Info) {
                out.stderr.push_str(&d.render(&Style::new(false)));
                out.stderr.push('\n');
            }
        }
    };
    match &cli.command {
        None => {
            out.stdout = status(&loaded, false, &style);
            reading_problems(&mut out);
        }
        Some(Command::Status(args)) => {
            out.stdout = status(&loaded, args.json, &style);
            reading_problems(&mut out);
        }
        Some(Command::List(args)) => {
            reading_problems(&mut out);
            if args.specs {
                let specs: Vec<(&str, &model::Spec)> = loaded
                    .iter()
                    .flat_map(|l| l.project.specs.iter().map(move |s| (l.project.name.as_str(), s)))
                    .collect();
                out.stdout = if args.json.json {
                    json::to_string(&json::SpecList {
                        specs: specs.iter().map(|(p, s)| json::ListedSpec::of(p, s)).collect(),
                    })
                } else {
                    terminal::list_specs(&specs, multi, &style)
                };
            } else {
                let changes: Vec<(&str, &model::Change)> = loaded
                    .iter()
                    .flat_map(|l| l.project.changes.iter().map(move |c| (l.project.name.as_str(), c)))
                    .filter(|(_, c)| if args.all { true } else { c.archived == args.archived })
                    .collect();
                out.stdout = if args.json.json {
                    json::to_string(&json::ChangeList {
                        changes: changes.iter().map(|(p, c)| json::ListedChange::of(p, c)).collect(),
                    })
                } else {
                    terminal::list_changes(&changes, multi, &style)
                };
            }
        }
        Some(Command::Show(args)) => {
            reading_problems(&mut out);
            let shown = find_item(&loaded, &args.id)?;
            out.stdout = match (&shown, args.json.json) {
                (_, true) => json::to_string(&shown),
                (json::Shown::Change { change, .. }, false) => terminal::show_change(change, &style),
                (json::Shown::Spec { spec, .. }, false) => terminal::show_spec(spec, &style),
            };
        }
        Some(Command::Check(args)) => {
            let format = if args.json { CheckFormat::Json } else { args.format };
            let mut items: Vec<(&str, analyse::validate::ItemReport)> = Vec::new();
            let mut findings: Vec<Diagnostic> = Vec::new();
            for l in &loaded {
                let name = l.project.name.as_str();
                items.extend(analyse::validate::validate_all(&l.tree, args.strict).into_iter().map(|r| (name, r)));
                findings.extend(l.diagnostics.iter().cloned());
                findings.extend(analyse::findings(&l.project));
            }
            analyse::sort_diagnostics(&mut findings);
            let failed = items.iter().filter(|(_, i)| !i.valid).count();
            let errors = findings.iter().any(|d| d.level == Level::Error);
            out.stdout = match format {
                CheckFormat::Text => terminal::check(&items, &findings, args.strict, &style),
                CheckFormat::Json => json::to_string(&json::CheckReport {
                    items: items.iter().map(|(p, r)| json::CheckedItem { project: p, report: r }).collect(),
                    findings: &findings,
                    summary: json::CheckSummary {
                        items: items.len(),
                        passed: items.len() - failed,
                        failed,
                        findings: findings.len(),
                        strict: args.strict,
                    },
                }),
                CheckFormat::Github => {
                    let mut s = String::new();
                    for d in findings.iter().cloned().chain(items.iter().flat_map(|(_, i)| i.diagnostics())) {
                        s.push_str(&d.github());
                        s.push('\n');
                    }
                    s
                }
            };
            if failed > 0 || errors {
                out.code = exit::FINDINGS;
            }
        }
    }
    Ok(out)
}

fn status(loaded: &[Loaded], as_json: bool, style: &Style) -> String {
    let statuses: Vec<analyse::Status> = loaded.iter().map(analyse::status).collect();
    if as_json {
        return json::to_string(&json::StatusReport { projects: &statuses });
    }
    statuses.iter().map(|s| terminal::status(s, style)).collect::<Vec<_>>().join("\n")
}

/// Find a change (active first, then archived, by id or folder name) or a
/// spec by id, in every loaded project.
fn find_item<'a>(loaded: &'a [Loaded], id: &str) -> Result<json::Shown<'a>> {
    let mut hits: Vec<json::Shown<'a>> = Vec::new();
    for l in loaded {
        let project = l.project.name.as_str();
        let change = l
            .project
            .active()
            .find(|c| c.id == id)
            .or_else(|| l.project.archived().filter(|c| c.id == id || c.path.ends_with(&format!("/{id}"))).last());
        if let Some(change) = change {
            hits.push(json::Shown::Change { project, change });
        } else if let Some(spec) = l.project.specs.iter().find(|s| s.id == id) {
            hits.push(json::Shown::Spec { project, spec });
        }
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => {
            let mut known: Vec<&str> = loaded
                .iter()
                .flat_map(|l| {
                    l.project.changes.iter().map(|c| c.id.as_str()).chain(l.project.specs.iter().map(|s| s.id.as_str()))
                })
                .collect();
            known.sort_unstable();
            known.dedup();
            let close = suggestions(&known, id);
            let hint = if close.is_empty() {
                "run `spec list` or `spec list --specs` to see the ids".to_owned()
            } else {
                format!("did you mean: {}?", close.join(", "))
            };
            Err(Error::Usage(format!("no change or spec with id `{id}`; {hint}")))
        }
        _ => Err(Error::Usage(format!("`{id}` exists in several projects; choose one with --project"))),
    }
}

/// Up to three known ids close to `wanted` (edit distance), closest first.
fn suggestions<'a>(known: &[&'a str], wanted: &str) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    let mut close: Vec<(usize, &str)> =
        known.iter().map(|k| (strsim::levenshtein(k, wanted), *k)).filter(|(d, _)| *d <= limit).collect();
    close.sort();
    close.into_iter().take(3).map(|(_, k)| k).collect()
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
