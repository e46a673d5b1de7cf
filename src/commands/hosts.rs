//! `spec hosts`: the flake's hosts with what each build reads, and what is
//! wrong with the Nix files (orphans, dangling imports, syntax errors).

use super::{Outcome, impact::need_nix, one};
use crate::cli::HostsArgs;
use crate::context::{CodeContext, Evidence, Loaded};
use crate::error::Result;
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], args: &HostsArgs, style: &Style) -> Result<Outcome> {
    let l = one(loaded, "hosts")?;
    let ctx = CodeContext::read(l, (&args.code).into(), Evidence::Files, None)?;
    let graph = ctx.nix.as_ref().ok_or_else(|| need_nix(&ctx, "`spec hosts`"))?;
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = if args.json { json::hosts(graph) } else { terminal::hosts(graph, style) };
    Ok(out)
}
