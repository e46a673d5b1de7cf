//! `spec graph`: the dependency graph between changes, as mermaid (the
//! whole project or one phase), Graphviz or JSON.

use super::Outcome;
use crate::cli::{GraphArgs, GraphFormat};
use crate::config::Config;
use crate::context::{Loaded, Plan};
use crate::error::{Error, Result};
use crate::render::{dot, json, mermaid};

pub fn run(loaded: &[Loaded], config: &Config, args: &GraphArgs) -> Result<Outcome> {
    let format = if args.json { GraphFormat::Json } else { args.format };
    let mut out = Outcome::new().reading_problems(loaded);
    let plans: Vec<Plan> = loaded.iter().map(|l| Plan::of(l, config)).collect();
    let mut docs = Vec::new();
    for (l, plan) in loaded.iter().zip(&plans) {
        let roadmap = plan.roadmap(&l.project, None);
        if let Some(phase) = &args.phase
            && !roadmap.phases.iter().any(|p| &p.id == phase)
        {
            let known = roadmap.phases.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ");
            return Err(Error::Usage(format!("no phase `{phase}`; phases: {known}")));
        }
        match format {
            GraphFormat::Mermaid => out.stdout.push_str(&mermaid::graph(&roadmap, args.phase.as_deref())),
            GraphFormat::Dot => out.stdout.push_str(&dot::graph(&plan.graph)),
            GraphFormat::Json => docs.push(json::GraphJson::of(&l.project.name, &plan.graph)),
        }
    }
    if format == GraphFormat::Json {
        out.stdout = json::projects(&docs);
    }
    Ok(out)
}
