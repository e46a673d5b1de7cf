//! `spec forecast`: p50 and p80 finish days of the open work, from the
//! repository's own throughput in git history.

use super::{Outcome, one, parse_day, read_history};
use crate::cli::ForecastArgs;
use crate::config::Config;
use crate::context::history::{self, HistoryOptions};
use crate::context::{Loaded, Plan};
use crate::error::Result;
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], config: &Config, args: &ForecastArgs, style: &Style) -> Result<Outcome> {
    let as_of = parse_day(args.date.as_deref())?;
    let l = one(loaded, "forecast")?;
    let plan = Plan::of(l, config);
    let roadmap = plan.roadmap(&l.project, None);
    let options = HistoryOptions { stale_after_days: plan.stale_after_days(), ..HistoryOptions::default() };
    let found = read_history(l, &roadmap, options, "forecast")?;
    let forecast = history::forecast(l, &roadmap, &plan.graph, &found, as_of);
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = if args.json { json::to_string(&forecast) } else { terminal::forecast(&forecast, style) };
    Ok(out)
}
