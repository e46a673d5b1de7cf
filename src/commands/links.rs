//! `spec links [CHANGE]`: the code each change touches, with the evidence,
//! and for a flake the hosts that run it.

use super::{Outcome, find_change, one};
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
        .zip(ctx.links(l, &changes))
        .map(|(c, links)| LinksReport {
            change: &c.id,
            path: &c.path,
            hosts: ctx.hosts_affected(&links),
            links,
            hosts_named: crate::analyse::links::hosts_named(&l.documents(c), &ctx.hosts),
        })
        .collect();
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = match (&args.change, args.json) {
        (Some(_), true) => json::to_string(&reports[0]),
        (Some(_), false) => {
            let r = &reports[0];
            terminal::links(r.change, &r.links, ctx.nix.as_ref().map(|_| r.hosts.as_slice()), &r.hosts_named, style)
        }
        (None, true) => json::all_links(ctx.files.len(), &reports),
        (None, false) => terminal::links_summary(
            &reports.iter().map(|r| (r.change, r.path, r.links.as_slice())).collect::<Vec<_>>(),
            ctx.files.len(),
            style,
        ),
    };
    Ok(out)
}
