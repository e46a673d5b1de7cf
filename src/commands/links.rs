//! `spec links [CHANGE]`: the code each change touches, with the evidence,
//! and for a flake the hosts that run it. Links below the confidence floor
//! are left out, as in every view; `--all` shows them apart.

use super::{Outcome, find_change, one};
use crate::analyse::links::split_at_floor;
use crate::cli::LinksArgs;
use crate::context::{CodeContext, Evidence, Loaded};
use crate::error::Result;
use crate::model::Change;
use crate::render::json::{self, LinksReport};
use crate::render::{style::Style, terminal};

pub fn run(loaded: &[Loaded], args: &LinksArgs, style: &Style) -> Result<Outcome> {
    let l = one(loaded, "links")?;
    let changes: Vec<&Change> = match &args.change {
        Some(id) => vec![find_change(l, id)?],
        None => l.project.real_changes().collect(),
    };
    let ctx = CodeContext::read(l, (&args.code).into(), Evidence::CoChange, None)?;
    let reports: Vec<LinksReport<'_>> = changes
        .iter()
        .zip(ctx.candidates(l, &changes))
        .map(|(c, candidates)| {
            let (links, below) = split_at_floor(candidates);
            LinksReport {
                change: &c.id,
                path: &c.path,
                hosts: ctx.hosts_affected(&links),
                links,
                hosts_named: crate::analyse::links::hosts_named(&l.documents(c), &ctx.hosts),
                below_floor: args.all.then_some(below),
            }
        })
        .collect();
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = match (&args.change, args.json) {
        (Some(_), true) => json::links(&reports[0]),
        (Some(_), false) => {
            let r = &reports[0];
            let hosts = ctx.nix.as_ref().map(|_| r.hosts.as_slice());
            terminal::links(r.change, &r.links, r.below_floor.as_deref(), hosts, &r.hosts_named, style)
        }
        (None, true) => json::all_links(ctx.files.len(), &reports),
        (None, false) => terminal::links_summary(
            &reports
                .iter()
                .map(|r| (r.change, r.path, r.links.as_slice(), r.below_floor.as_deref()))
                .collect::<Vec<_>>(),
            ctx.files.len(),
            style,
        ),
    };
    Ok(out)
}
