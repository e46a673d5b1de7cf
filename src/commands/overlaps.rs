//! `spec overlaps`: pairs of active changes that name the same requirement
//! in their delta specs or declare links to the same file.

use super::Outcome;
use crate::analyse::overlaps::Overlap;
use crate::cli::OverlapsArgs;
use crate::context::{CodeContext, Evidence, Loaded};
use crate::error::Result;
use crate::render::{json, terminal};

pub fn run(loaded: &[Loaded], args: &OverlapsArgs) -> Result<Outcome> {
    let mut out = Outcome::new().reading_problems(loaded);
    let mut found: Vec<(&Loaded, Vec<Overlap>)> = Vec::new();
    for l in loaded {
        let ctx = CodeContext::read(l, (&args.code).into(), Evidence::Files, None)?;
        found.push((l, ctx.overlaps(l)));
    }
    if args.json {
        // One array; in a monorepo each id is qualified by its project.
        let several = loaded.len() > 1;
        let all: Vec<Overlap> = found
            .into_iter()
            .flat_map(|(l, overlaps)| {
                overlaps.into_iter().map(move |mut o| {
                    if several {
                        o.a = format!("{}:{}", l.project.name, o.a);
                        o.b = format!("{}:{}", l.project.name, o.b);
                    }
                    o
                })
            })
            .collect();
        out.stdout = json::to_string(&all);
        return Ok(out);
    }
    let views: Vec<(&str, &[Overlap], usize)> =
        found.iter().map(|(l, o)| (l.name.as_str(), o.as_slice(), l.project.active().count())).collect();
    out.stdout = terminal::overlaps(&views);
    Ok(out)
}
