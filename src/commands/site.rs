//! `spec site`: the static progress site (pages, diagrams, search index),
//! written atomically, never deleting a file it did not write.

use super::{Outcome, one, out_path, plural};
use crate::analyse::links::Link;
use crate::cli::SiteArgs;
use crate::config::Config;
use crate::context::history::{self, HistoryOptions};
use crate::context::{CodeContext, CodeSource, Evidence, Loaded, Plan};
use crate::discover::MAX_FILE_BYTES;
use crate::error::{Error, Result};
use crate::model::Level;
use crate::nix::impact::host_folders;
use crate::output;
use crate::render::site::{self, SiteHost, SiteHosts, SiteInput};
use crate::render::{self, style::Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Up to this many written files, `--watch` names them; past it, counts them.
const WATCH_NAMES: usize = 8;

pub fn run(loaded: &[Loaded], config: &Config, args: &SiteArgs) -> Result<Outcome> {
    if args.out.is_some() && loaded.len() > 1 {
        one(loaded, "--out")?;
    }
    let mut out = Outcome::new().reading_problems(loaded);
    for l in loaded {
        let started = Instant::now();
        // The search index needs the project only: made while the plan,
        // the history and the code links are read.
        let line = std::thread::scope(|scope| {
            let index = scope.spawn(|| site::search_index(&l.project));
            build_one(l, config, args, started, index)
        })?;
        out.stderr.push_str(&line);
    }
    Ok(out)
}

/// The site of one project, `index` its search index being made; the line
/// that says what was written.
fn build_one(
    l: &Loaded,
    config: &Config,
    args: &SiteArgs,
    started: Instant,
    index: std::thread::ScopedJoinHandle<'_, String>,
) -> Result<String> {
    let plan = Plan::of(l, config);
    if let Some(error) = plan.diagnostics.iter().find(|d| d.level == Level::Error) {
        return Err(Error::Diagnostics(render::diagnostic::text(error, &Style::plain())));
    }
    let roadmap = plan.roadmap(&l.project, None);
    let mut source = vec![format!("{}/", l.project.openspec_dir)];
    source.extend(plan.source.as_ref().map(|s| s.path.clone()));
    let options = HistoryOptions { stale_after_days: plan.stale_after_days(), ..HistoryOptions::default() };
    let read = history::read(l, Some(&roadmap), options);
    let why = read.as_ref().err().map(ToString::to_string);
    // Code links, when the project has files besides its plans.
    let ctx = CodeContext::read(l, CodeSource::default(), Evidence::CoChange, read.ok())?;
    let history = ctx.history().ok_or_else(|| why.unwrap_or_default());
    let links: BTreeMap<String, Vec<Link>> = if ctx.files.is_empty() {
        BTreeMap::new()
    } else {
        l.project.real_changes().map(|c| c.path.clone()).zip(ctx.all_links(l).iter().cloned()).collect()
    };
    let site_hosts = hosts(l, &ctx);
    let overlaps = ctx.overlaps(l);
    // As of the newest commit's day, so the same commit gives the same site.
    let forecast = ctx.history().map(|h| {
        let day = h.reference_day.unwrap_or_else(crate::model::Day::today);
        history::forecast(l, &roadmap, &plan.graph, h, Some(day))
    });
    let given = out_path(args.out.as_ref(), l.tree.dir.join("site"))?;
    if args.out.as_deref().is_some_and(output::is_stdout) {
        return Err(Error::Usage("a site is a folder of files; --out takes a folder, not stdout".into()));
    }
    let dir = output::resolve(&given, &config.root)?;
    // The folder is replaced whole: never the project's own, nor one above it.
    let project = std::fs::canonicalize(&l.tree.dir).unwrap_or_else(|_| l.tree.dir.clone());
    if project.starts_with(&dir) {
        return Err(Error::Usage(format!(
            "--out {} holds the project, and the site replaces its folder whole: choose a folder of its own, like site/",
            given.display()
        )));
    }
    // Each change and spec page is written as soon as it is rendered,
    // while the others render; the rest, the manifest and the swap follow.
    let writer = output::SiteWriter::begin(&dir, args.force, MAX_FILE_BYTES)?;
    let progress = Progress::new(started);
    progress.stage("building site", site::pages(&l.project));
    let search_index = index.join().expect("the search index is made");
    let files = site::build(
        &SiteInput {
            project: &l.project,
            graph: &plan.graph,
            roadmap: &roadmap,
            source,
            history,
            links: &links,
            hosts: site_hosts.as_ref(),
            overlaps: &overlaps,
            forecast: forecast.as_ref(),
            page: &|path, contents| {
                writer.write(path, contents);
                progress.tick();
            },
        },
        search_index,
    );
    progress.stage("writing site", files.len().saturating_sub(site::pages(&l.project)));
    let report = writer.finish(&files, &|| progress.tick());
    drop(progress);
    let report = report?;
    let kept = match report.kept {
        0 => String::new(),
        n => format!(
            "; kept {n} listed file{} spec cannot tell it wrote (changed since, or listed without a hash)",
            plural(n)
        ),
    };
    let shown = crate::discover::relative(&config.root, &given);
    let counts =
        format!("{} written, {} unchanged, {} removed{kept}", report.written, report.unchanged, report.removed);
    let ms = started.elapsed().as_millis();
    Ok(if args.watch {
        // What this rebuild changed, by name while the list is short.
        let what = match report.written_pages.as_slice() {
            [] if report.removed == 0 => "nothing changed".to_owned(),
            [] => format!("removed {} files", report.removed),
            pages if pages.len() <= WATCH_NAMES => format!("rebuilt {}", pages.join(", ")),
            pages => format!("rebuilt {} files", pages.len()),
        };
        format!("site: {what} in {shown} ({counts}) in {ms} ms\n")
    } else {
        format!("site: {} pages and assets in {shown} ({counts}) in {ms} ms\n", files.len())
    })
}

/// How long a build goes before its progress bar shows.
const BAR_AFTER: Duration = Duration::from_secs(1);

/// A progress bar for the pages made (rendered and written), then the other
/// files written, drawn on
/// stderr only when it is a terminal and only once the build has taken
/// [`BAR_AFTER`]: a quick build draws nothing. Ticked from many threads.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    terminal: bool,
    shown: AtomicBool,
}

impl Progress {
    fn new(started: Instant) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}").expect("valid template").progress_chars("=> "),
        );
        let terminal = std::io::stderr().is_terminal();
        Progress { bar, started, terminal, shown: AtomicBool::new(false) }
    }

    /// A stage of `len` steps, counted from 0.
    fn stage(&self, message: &'static str, len: usize) {
        self.bar.set_position(0);
        self.bar.set_length(len as u64);
        self.bar.set_message(message);
        self.show_when_due();
    }

    fn tick(&self) {
        self.bar.inc(1);
        self.show_when_due();
    }

    fn show_when_due(&self) {
        if self.terminal
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= BAR_AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Drop for Progress {
    /// Cleared when done, or when the build stops on an error.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// What the site shows about hosts; `None` without a flake that defines hosts.
/// `(change id, its files)` of each change of a list.
fn pairs(v: &[crate::nix::ImpactChange]) -> Vec<crate::render::site::ChangeFiles> {
    v.iter().map(|c| (c.id.clone(), c.files.clone())).collect()
}

fn hosts(l: &Loaded, ctx: &CodeContext) -> Option<SiteHosts> {
    let graph = ctx.nix.as_ref().filter(|g| !g.hosts().is_empty())?;
    let impact = ctx.host_impact(l)?;
    let architecture = host_folders(graph, &impact);
    let mut by_change: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut hosts = Vec::new();
    let shared = impact.shared.all().filter_map(|c| l.project.find_change(&c.id)).map(|c| c.path.clone()).collect();
    for h in &impact.hosts {
        for c in h.all() {
            if let Some(change) = l.project.find_change(&c.id) {
                by_change.entry(change.path.clone()).or_default().push(h.host.clone());
            }
        }
        let def = graph.hosts().iter().find(|d| d.name == h.host).expect("a host of the graph");
        hosts.push(SiteHost {
            name: h.host.clone(),
            kind: def.kind.output().trim_end_matches("Configurations").to_owned(),
            file: def.file.clone(),
            line: def.line,
            open: pairs(&h.open),
            done: pairs(&h.done),
            unfinished: pairs(&h.unfinished),
            closure: graph
                .nix_closure(&h.host)
                .into_iter()
                .map(|f| {
                    let on = graph.active_on(&f, &h.host);
                    (f, on)
                })
                .collect(),
        });
    }
    for v in by_change.values_mut() {
        v.sort();
        v.dedup();
    }
    let all_hosts = [
        ("Open changes", pairs(&impact.shared.open)),
        ("Done changes", pairs(&impact.shared.done)),
        ("Archived unfinished", pairs(&impact.shared.unfinished)),
    ];
    Some(SiteHosts { hosts, by_change, shared, all_hosts, architecture })
}
