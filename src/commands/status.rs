//! `spec status` (and `spec` alone): the dashboard, with stale work from
//! git, overlapping changes, with `--forecast` the forecast per phase and,
//! for a flake, the open and done changes per host.

use super::Outcome;
use crate::analyse::{self, HostSummary, Status};
use crate::config::Config;
use crate::context::history::{self, STALE_AFTER_DAYS, stale_changes};
use crate::context::{CodeContext, Loaded, plan};
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], config: &Config, as_json: bool, with_forecast: bool, style: &Style) -> Outcome {
    let statuses: Vec<Status> = loaded
        .iter()
        .map(|l| {
            let mut st = analyse::status(&l.project, &l.diagnostics);
            let explicit = config.roadmap_file.as_deref().zip(config.roadmap_shown.as_deref());
            let (roadmap, _) = plan::read_roadmap(l, &l.tree.root, explicit);
            let days = roadmap.and_then(|r| r.file.stale_after_days).unwrap_or(STALE_AFTER_DAYS);
            let stale = stale_changes(l, days);
            if with_forecast {
                st.forecast = forecast(l, config);
            }
            for c in st.in_progress.iter_mut().chain(st.draft.iter_mut()) {
                c.stale = stale.contains(&c.id);
            }
            // The work tree's files only (no history), so it stays fast.
            if let Ok(ctx) = CodeContext::checkout(l) {
                st.hosts = hosts(l, &ctx);
                st.overlaps = ctx.overlaps(l);
            }
            st
        })
        .collect();
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = if as_json {
        json::to_string(&json::StatusReport { projects: &statuses })
    } else {
        statuses.iter().map(|s| terminal::status(s, style)).collect::<Vec<_>>().join("\n")
    };
    out
}

/// The forecast of the open work, when the project has git history.
fn forecast(l: &Loaded, config: &Config) -> Option<crate::analyse::forecast::Forecast> {
    l.project.active().next()?;
    let plan = crate::context::Plan::of(l, config);
    let roadmap = plan.roadmap(&l.project, None);
    let options = history::HistoryOptions { stale_after_days: plan.stale_after_days(), ..Default::default() };
    let (_, found) = history::read(l, Some(&roadmap), options).ok()?;
    Some(history::forecast(l, &roadmap, &plan.graph, &found, None))
}

/// The hosts of a project with a `flake.nix`.
fn hosts(l: &Loaded, ctx: &CodeContext) -> Vec<HostSummary> {
    if !l.tree.dir.join("flake.nix").is_file() {
        return Vec::new();
    }
    let Some(impact) = ctx.host_impact(l) else { return Vec::new() };
    impact
        .rows()
        .map(|h| {
            let (open, done, unfinished) = h.ids();
            HostSummary { host: h.host.clone(), open, done, unfinished }
        })
        .collect()
}
