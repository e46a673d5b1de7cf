//! `spec blocked`: unfinished changes and the dependencies they wait for.

use super::Outcome;
use crate::analyse::graph::EdgeKind;
use crate::config::Config;
use crate::context::{Loaded, Plan};
use crate::render::json;

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
    for plan in &plans {
        let blocked = plan.graph.blocked();
        if blocked.is_empty() {
            out.stdout.push_str("Nothing is blocked.\n");
        }
        for b in &blocked {
            let waits: Vec<String> = b
                .waits_for
                .iter()
                .map(|e| {
                    let state = plan.graph.node(&e.to).map_or("missing", |n| n.status.as_str());
                    let how = if e.kind == EdgeKind::Inferred { ", inferred" } else { "" };
                    format!("{} ({state}{how})", e.to)
                })
                .collect();
            out.stdout.push_str(&format!("{} waits for {}\n", b.node.id, waits.join(", ")));
        }
    }
    out
}
