//! `specs/<id>.html`: a spec's purpose, requirements and the changes that
//! touch it.

use super::SiteInput;
use super::common::{Layout, change_path, count, layout, status_word};
use super::markdown::{markdown, requirement_body};
use crate::model::{ChangeStatus, Spec};
use crate::render::escape::html as esc;
use askama::Template;
use std::collections::BTreeSet;

#[derive(Template)]
#[template(path = "site/spec.html")]
struct SpecPage {
    layout: Layout,
    id: String,
    title: String,
    counts: String,
    error: Option<String>,
    purpose: Option<String>,
    requirements: Vec<RequirementView>,
    changed_by: Vec<String>,
}

struct RequirementView {
    anchor: String,
    name: String,
    body: String,
}

pub(super) fn page(input: &SiteInput<'_>, name: &str, s: &Spec) -> String {
    let root = "../";
    let mut changed_by: BTreeSet<(bool, String, String)> = BTreeSet::new();
    for c in &input.project.changes {
        for d in c.deltas.iter().filter(|d| d.capability == s.id) {
            let mut ops = Vec::new();
            for (n, op) in [
                (d.added.len(), "adds"),
                (d.modified.len(), "modifies"),
                (d.removed.len(), "removes"),
                (d.renamed.len(), "renames"),
            ] {
                if n > 0 {
                    ops.push(format!("{op} {}", count(n, "requirement")));
                }
            }
            let link = format!("<a href=\"{root}{}\"><code>{}</code></a>", esc(&change_path(c)), esc(&c.id));
            let state = if c.archived {
                format!("archived {}", c.archived_on.map(|d| d.to_string()).unwrap_or_default())
            } else {
                status_word(if c.status == ChangeStatus::Complete { "complete" } else { "planned" }).to_owned()
            };
            changed_by.insert((
                c.archived,
                c.path.clone(),
                format!("{link} {} <span class=\"muted\">({})</span>", esc(&ops.join(", ")), esc(state.trim())),
            ));
        }
    }
    SpecPage {
        layout: layout(root, name, &input.source, input.hosts.is_some(), ""),
        id: s.id.clone(),
        title: s.title.clone(),
        counts: format!("{}, {}", count(s.requirements.len(), "requirement"), count(s.scenario_count(), "scenario")),
        error: s.parse_error.clone(),
        purpose: s.purpose.as_deref().map(|p| markdown(p, 3, false)),
        requirements: s
            .requirements
            .iter()
            .enumerate()
            .map(|(i, r)| RequirementView {
                anchor: format!("req-{i}"),
                name: r.name.clone(),
                body: requirement_body(r, 3),
            })
            .collect(),
        changed_by: changed_by.into_iter().map(|(_, _, html)| html).collect(),
    }
    .render()
    .expect("spec page renders")
}
