//! `spec diff BASE [HEAD]`: what moved between two revisions (or a revision
//! and the working tree), as Markdown for a pull request or as JSON.

use super::{Outcome, one};
use crate::analyse::diff::{self, Side};
use crate::cli::DiffArgs;
use crate::config::Config;
use crate::context::revision::Revision;
use crate::context::{CodeContext, CodeSource, Evidence, Loaded, Plan};
use crate::error::{Error, Result};
use crate::git;
use crate::render::{json, markdown};

pub fn run(loaded: &[Loaded], config: &Config, args: &DiffArgs) -> Result<Outcome> {
    let l = one(loaded, "diff")?;
    let repo = git::open(&l.tree.dir).map_err(|e| Error::Usage(format!("{e}: `spec diff` compares git revisions")))?;
    let base = Revision::read(&repo, l, config, &args.base).map_err(Error::Usage)?;
    let head =
        args.head.as_deref().map(|rev| Revision::read(&repo, l, config, rev)).transpose().map_err(Error::Usage)?;
    let worktree_plan;
    let (head_loaded, head_plan, head_label, head_commit) = match &head {
        Some(h) => (&h.loaded, &h.plan, h.label.clone(), Some(h.commit.clone())),
        None => {
            worktree_plan = Plan::of(l, config);
            (l, &worktree_plan, "working tree".to_owned(), None)
        }
    };
    let base_overlaps = base.overlaps(&repo).map_err(Error::Usage)?;
    let head_overlaps = match &head {
        Some(h) => h.overlaps(&repo).map_err(Error::Usage)?,
        None => CodeContext::read(l, CodeSource::default(), Evidence::Files, None)?.overlaps(l),
    };
    let base_roadmap = base.plan.roadmap(&base.loaded.project, None);
    let head_roadmap = head_plan.roadmap(&head_loaded.project, None);
    let moved = diff::diff(
        &Side {
            label: base.label.clone(),
            commit: Some(base.commit.clone()),
            project: &base.loaded.project,
            graph: &base.plan.graph,
            roadmap: &base_roadmap,
            overlaps: &base_overlaps,
        },
        &Side {
            label: head_label,
            commit: head_commit,
            project: &head_loaded.project,
            graph: &head_plan.graph,
            roadmap: &head_roadmap,
            overlaps: &head_overlaps,
        },
    );
    // What a revision could not read is a warning; the diff goes on.
    let unread = base.warnings.iter().chain(head.iter().flat_map(|h| &h.warnings));
    let mut out = Outcome::new().reading_problems(loaded).problems(unread);
    out.stdout = if args.json { json::to_string(&moved) } else { markdown::diff(&moved) };
    Ok(out)
}
