//! `spec status` (and `spec` alone): the dashboard, with stale work from
//! git, overlapping changes and, for a flake, the open and done changes per
//! host.

use super::Outcome;
use crate::analyse::{self, HostSummary, Status};
use crate::config::Config;
use crate::context::history::{STALE_AFTER_DAYS, stale_changes};
use crate::context::{CodeContext, Loaded, plan};
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], config: &Config, as_json: bool, style: &Style) -> Outcome {
    let statuses: Vec<Status> = loaded
        .iter()
        .map(|l| {
            let mut st = analyse::status(&l.project, &l.diagnostics);
            let explicit = config.roadmap_file.as_deref().zip(config.roadmap_shown.as_deref());
            let (roadmap, _) = plan::read_roadmap(l, &l.tree.root, explicit);
            let days = roadmap.and_then(|r| r.file.stale_after_days).unwrap_or(STALE_AFTER_DAYS);
            let stale = stale_changes(l, days);
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
