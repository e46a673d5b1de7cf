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
    let roadmaps: Vec<_> = loaded.iter().zip(&plans).map(|(l, p)| p.roadmap(&l.project, None)).collect();
    if let Some(phase) = &args.phase
        && !roadmaps.iter().any(|r| r.phases.iter().any(|p| &p.id == phase))
    {
        let known: Vec<&str> = roadmaps.iter().flat_map(|r| r.phases.iter().map(|p| p.id.as_str())).collect();
        return Err(Error::Usage(format!("no phase `{phase}`; phases: {}", known.join(", "))));
    }
    // Several projects make one diagram, a group per project.
    let many = loaded.len() > 1;
    fn named(l: &Loaded, many: bool) -> Option<&str> {
        many.then_some(l.name.as_str())
    }
    out.stdout = match format {
        GraphFormat::Mermaid => {
            let shown: Vec<_> = loaded
                .iter()
                .zip(&roadmaps)
                .filter(|(_, r)| args.phase.as_ref().is_none_or(|id| r.phases.iter().any(|p| &p.id == id)))
                .map(|(l, r)| (named(l, many), r))
                .collect();
            mermaid::graphs(&shown, args.phase.as_deref())
        }
        GraphFormat::Dot => {
            dot::graphs(&loaded.iter().zip(&plans).map(|(l, p)| (named(l, many), &p.graph)).collect::<Vec<_>>())
        }
        GraphFormat::Json => json::projects(
            &loaded.iter().zip(&plans).map(|(l, p)| json::GraphJson::of(&l.project.name, &p.graph)).collect::<Vec<_>>(),
        ),
    };
    Ok(out)
}
