//! `spec impact [--host H]`: per host of the flake, the open and done
//! changes that are work on it, and once the changes whose only code every
//! host shares.

use super::{Outcome, did_you_mean, one};
use crate::cli::ImpactArgs;
use crate::context::{CodeContext, Evidence, Loaded};
use crate::error::{Error, Result};
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], args: &ImpactArgs, style: &Style) -> Result<Outcome> {
    let l = one(loaded, "impact")?;
    let ctx = CodeContext::read(l, (&args.code).into(), Evidence::CoChange, None)?;
    let mut all = ctx.host_impact(l).ok_or_else(|| need_nix(&ctx, "`spec impact`"))?;
    if let Some(host) = &args.host {
        if !all.hosts.iter().any(|h| &h.host == host) {
            let known: Vec<&str> = all.hosts.iter().map(|h| h.host.as_str()).collect();
            return Err(Error::Usage(format!(
                "no host `{host}` in the flake (hosts: {}){}",
                known.join(", "),
                did_you_mean(&known, host)
            )));
        }
        all.hosts.retain(|h| &h.host == host);
    }
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = if args.json { json::impact(&all) } else { terminal::impact(&all, style) };
    Ok(out)
}

/// The error of a Nix command on a project without a flake.
pub(super) fn need_nix(ctx: &CodeContext, what: &str) -> Error {
    Error::Usage(format!("{what} needs Nix: no .nix file in the project ({} files looked at)", ctx.files.len()))
}
