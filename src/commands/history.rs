//! `spec history`: each change's dates and task counts over the commits,
//! or one change's series.

use super::{Outcome, did_you_mean, one, parse_day, read_history};
use crate::cli::HistoryArgs;
use crate::config::Config;
use crate::context::history::HistoryOptions;
use crate::context::{Loaded, Plan};
use crate::error::{Error, Result};
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], config: &Config, args: &HistoryArgs, style: &Style) -> Result<Outcome> {
    let today = parse_day(args.walk.date.as_deref())?;
    let l = one(loaded, "history")?;
    let mut out = Outcome::new().reading_problems(loaded);
    let plan = Plan::of(l, config);
    let roadmap = plan.roadmap(&l.project, None);
    let options =
        HistoryOptions { all_parents: args.walk.all_parents, today, stale_after_days: plan.stale_after_days() };
    let history = read_history(l, &roadmap, options, "history")?;
    if let Some(shallow) = &history.shallow_from {
        out.stderr.push_str(&format!(
            "note: this is a shallow clone; history starts at {} ({}). Fetch all of it with `git fetch --unshallow` \
             (in GitHub Actions: actions/checkout with `fetch-depth: 0`).\n",
            shallow.label(),
            shallow.commit.as_deref().map_or("", |c| &c[..c.len().min(10)])
        ));
    }
    out.stdout = match &args.change {
        Some(id) => {
            let Some(c) = history.change(id) else {
                let known: Vec<&str> = history.changes.iter().map(|c| c.id.as_str()).collect();
                return Err(Error::Usage(format!(
                    "no change `{id}` in the history of {}/{}",
                    l.project.openspec_dir,
                    did_you_mean(&known, id)
                )));
            };
            if args.json { json::to_string(c) } else { terminal::change_history(c, style) }
        }
        None if args.json => json::to_string(&history),
        None => terminal::history(&history, style),
    };
    Ok(out)
}
