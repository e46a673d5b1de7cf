//! `spec next`: the changes that can start or go on now, in order.

use super::Outcome;
use crate::config::Config;
use crate::context::{Loaded, Plan};
use crate::render::{json, terminal};

pub fn run(loaded: &[Loaded], config: &Config, as_json: bool) -> Outcome {
    let mut out = Outcome::new().reading_problems(loaded);
    let plans: Vec<Plan> = loaded.iter().map(|l| Plan::of(l, config)).collect();
    let roadmaps: Vec<_> = loaded.iter().zip(&plans).map(|(l, p)| p.roadmap(&l.project, None)).collect();
    if as_json {
        let docs: Vec<json::NextJson<'_>> = loaded
            .iter()
            .zip(&roadmaps)
            .map(|(l, r)| json::NextJson { project: &l.project.name, next: &r.next })
            .collect();
        out.stdout = json::projects(&docs);
        return out;
    }
    let lists: Vec<terminal::NextList<'_>> = loaded
        .iter()
        .zip(&plans)
        .zip(&roadmaps)
        .map(|((l, p), r)| terminal::NextList { project: &l.name, next: &r.next, blocked: p.graph.blocked().len() })
        .collect();
    out.stdout = terminal::next(&lists);
    out
}
