//! `spec next`: the changes that can start or go on now, in order.

use super::Outcome;
use crate::config::Config;
use crate::context::{Loaded, Plan};
use crate::render::json;

pub fn run(loaded: &[Loaded], config: &Config, as_json: bool) -> Outcome {
    let mut out = Outcome::new().reading_problems(loaded);
    let roadmaps: Vec<_> = loaded.iter().map(|l| Plan::of(l, config).roadmap(&l.project, None)).collect();
    if as_json {
        let docs: Vec<json::NextJson<'_>> = loaded
            .iter()
            .zip(&roadmaps)
            .map(|(l, r)| json::NextJson { project: &l.project.name, next: &r.next })
            .collect();
        out.stdout = json::projects(&docs);
        return out;
    }
    for roadmap in &roadmaps {
        if roadmap.next.is_empty() {
            out.stdout.push_str("Nothing can start: every unfinished change waits for another (see `spec blocked`).\n");
        }
        for (i, n) in roadmap.next.iter().enumerate() {
            let phase = n.phase.as_deref().map(|p| format!("  [{p}]")).unwrap_or_default();
            out.stdout.push_str(&format!(
                "{:>3}. {}  {}/{} tasks  {}{phase}\n",
                i + 1,
                n.id,
                n.tasks.done,
                n.tasks.total,
                if n.title == n.id { "" } else { &n.title }
            ));
        }
    }
    out
}
