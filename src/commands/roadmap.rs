//! `spec roadmap`: ROADMAP.md from the changes, their tasks and the roadmap
//! file, written atomically inside its managed block, or with `--check`
//! compared with the committed file.

use super::{Outcome, one, out_path};
use crate::cli::RoadmapArgs;
use crate::config::Config;
use crate::context::history::{self, HistoryOptions};
use crate::context::{CodeContext, Loaded, Plan};
use crate::discover::MAX_FILE_BYTES;
use crate::error::{Error, Result, exit};
use crate::model::{Day, Level};
use crate::nix::impact::host_folders;
use crate::output;
use crate::render::{self, markdown, mermaid, style::Style};

pub fn run(loaded: &[Loaded], config: &Config, args: &RoadmapArgs) -> Result<Outcome> {
    if args.out.is_some() && loaded.len() > 1 {
        one(loaded, "--out")?;
    }
    let date = match args.date.as_deref() {
        None => None,
        Some("today") => Some(Day::today()),
        Some(d) => Some(Day::parse(d).ok_or_else(|| Error::Usage(format!("--date {d}: expected YYYY-MM-DD")))?),
    };
    let mut out = Outcome::new().reading_problems(loaded);
    for l in loaded {
        let plan = Plan::of(l, config);
        let errors: Vec<String> = plan
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| render::diagnostic::text(d, &Style::plain()))
            .collect();
        if !errors.is_empty() {
            return Err(Error::Diagnostics(errors.join("\n")));
        }
        let mut roadmap = plan.roadmap(&l.project, date);
        let history = if args.history || args.forecast {
            let options = HistoryOptions { all_parents: false, today: date, stale_after_days: plan.stale_after_days() };
            let flag = if args.history { "--history" } else { "--forecast" };
            let (_, h) = history::read(l, Some(&roadmap), options).map_err(|e| Error::Usage(format!("{flag}: {e}")))?;
            Some(h)
        } else {
            None
        };
        // As of `--date`, else the newest commit's day: the same commit gives the same file.
        let forecast = match (&history, args.forecast) {
            (Some(h), true) => {
                let day = date.or(h.reference_day).unwrap_or_else(Day::today);
                Some(history::forecast(l, &roadmap, &plan.graph, h, Some(day)))
            }
            _ => None,
        };
        if let (Some(h), true) = (&history, args.history) {
            roadmap.mark_stale(h);
        }
        let history = history.filter(|_| args.history);
        // The roadmap file's path is never this machine's (see `Config::roadmap_shown`).
        let source = match &plan.source {
            Some(s) => format!("{}/ and {}", l.project.openspec_dir, s.path),
            None => format!("{}/", l.project.openspec_dir),
        };
        let block = markdown::render(&roadmap, &source, history.as_ref(), hosts(l)?, forecast.as_ref());
        if args.stdout {
            out.stdout.push_str(&block);
            continue;
        }
        // `--out -` or `--out /dev/stdout`: the file as it would be new,
        // printed; nothing at that path is read or replaced.
        if args.out.as_deref().is_some_and(output::is_stdout) {
            if args.check {
                return Err(Error::Usage("--check compares with a file; --out names stdout, which has none".into()));
            }
            out.stdout.push_str(&markdown::splice(None, &block));
            continue;
        }
        let given = out_path(args.out.as_ref(), l.tree.dir.join("ROADMAP.md"))?;
        let target = output::resolve(&given, &config.root)?;
        let shown = crate::discover::relative(&config.root, &given);
        let existing = output::read_existing(&target, MAX_FILE_BYTES)?;
        let wanted = markdown::splice(existing.as_deref(), &block);
        if args.check {
            match existing {
                Some(old) if old == wanted => out.stdout.push_str(&format!("{shown} is up to date\n")),
                Some(old) => {
                    out.stdout.push_str(&output::unified_diff(&old, &wanted, &shown));
                    out.stderr
                        .push_str(&format!("error: {shown} is stale; run `spec roadmap` and commit the result\n"));
                    out.code = exit::FINDINGS;
                }
                None => {
                    out.stderr.push_str(&format!(
                        "error: {shown} does not exist; run `spec roadmap` and commit the result\n"
                    ));
                    out.code = exit::FINDINGS;
                }
            }
        } else if existing.as_deref() == Some(wanted.as_str()) {
            out.stderr.push_str(&format!("{shown} is up to date\n"));
        } else {
            output::write_atomic(&target, &wanted)?;
            out.stderr.push_str(&format!("wrote {shown}\n"));
        }
    }
    Ok(out)
}

/// The Hosts section of ROADMAP.md, from the files in the work tree only
/// (no history, so the file stays a function of the checkout); `None`
/// without a flake that defines hosts.
fn hosts(l: &Loaded) -> Result<Option<markdown::HostsMd>> {
    let ctx = CodeContext::checkout(l)?;
    let Some(graph) = ctx.nix.as_ref().filter(|g| !g.hosts().is_empty()) else { return Ok(None) };
    let impact = ctx.host_impact(l).unwrap_or_default();
    let rows: Vec<(String, [Vec<String>; 3])> = impact
        .rows()
        .map(|h| {
            let (open, done, unfinished) = h.ids();
            (h.host.clone(), [open, done, unfinished])
        })
        .collect();
    Ok(Some(markdown::HostsMd::new(&rows, mermaid::architecture(&host_folders(graph, &impact)))))
}
