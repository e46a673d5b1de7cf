//! `spec blocked`: unfinished changes and the dependencies they wait for.

use super::Outcome;
use crate::analyse::graph::EdgeKind;
use crate::config::Config;
use crate::context::{Loaded, Plan};
use crate::render::{json, terminal};

pub fn run(loaded: &[Loaded], config: &Config, as_json: bool) -> Outcome {
    let mut out = Outcome::new().reading_problems(loaded);
    let plans: Vec<Plan> = loaded.iter().map(|l| Plan::of(l, config)).collect();
    if as_json {
        let docs: Vec<json::BlockedJson<'_>> = loaded
            .iter()
            .zip(&plans)
            .map(|(l, p)| json::BlockedJson { project: &l.project.name, blocked: p.graph.blocked() })
            .collect();
        out.stdout = json::projects(&docs);
        return out;
    }
    let lists: Vec<(&str, Vec<terminal::Waiting<'_>>)> = loaded
        .iter()
        .zip(&plans)
        .map(|(l, plan)| {
            let waiting = plan
                .graph
                .blocked()
                .into_iter()
                .map(|b| {
                    let waits = b
                        .waits_for
                        .iter()
                        .map(|e| {
                            let state = plan.graph.node(&e.to).map_or("missing", |n| n.status.as_str());
                            (e.to.as_str(), state, e.kind == EdgeKind::Inferred)
                        })
                        .collect();
                    (b.node.id.as_str(), waits)
                })
                .collect();
            (l.name.as_str(), waiting)
        })
        .collect();
    out.stdout = terminal::blocked(&lists);
    out
}
