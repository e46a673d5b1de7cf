//! `specs/<id>.html`: a spec's purpose, requirements (each with the
//! archived changes it came from) and the changes that touch it.

use super::SiteInput;
use super::common::{ChangeLink, Entry, Layout, change_path, count, filters, layout};
use super::lookup::Lookup;
use super::markdown::{RequirementBody, markdown, requirement_body};
use crate::model::Spec;
use askama::Template;

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
    changed_by: Vec<Entry>,
}

struct RequirementView {
    anchor: String,
    name: String,
    body: RequirementBody,
    /// The archived changes that named it, oldest first; empty when it was
    /// written by hand into the main spec.
    provenance: Vec<StepView>,
}

struct StepView {
    link: ChangeLink,
    op: &'static str,
    /// `2026-03-01`, or `undated`.
    day: String,
    /// `from <old name>` for a rename.
    note: String,
}

pub(super) fn page(input: &SiteInput<'_>, lookup: &Lookup<'_>, name: &str, s: &Spec) -> String {
    let root = "../";
    let mut changed_by: Vec<(bool, &str, Entry)> = Vec::new();
    for &(c, d) in lookup.deltas_of(&s.id) {
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
        let day = c.archived_on.map(|d| format!(" {d}")).unwrap_or_default();
        let state = format!("{}{day}", c.stage().word());
        let link = ChangeLink { href: Some(format!("{root}{}", change_path(c))), id: c.id.clone() };
        let entry = Entry { link, text: Some(ops.join(", ")), note: format!("({})", state.trim()) };
        changed_by.push((c.archived, &c.path, entry));
    }
    // Active changes first, then archived ones, each by path.
    changed_by.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
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
            .zip(lookup.provenance(s))
            .enumerate()
            .map(|(i, (r, steps))| RequirementView {
                anchor: format!("req-{i}"),
                name: r.name.clone(),
                body: requirement_body(r, 3),
                provenance: steps
                    .into_iter()
                    .map(|step| StepView {
                        link: ChangeLink {
                            href: lookup.change_at(&step.path).map(|c| format!("{root}{}", change_path(c))),
                            id: step.change.clone(),
                        },
                        op: step.op.word(),
                        day: step.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()),
                        note: step.from.map(|f| format!("from {f}")).unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        changed_by: changed_by.into_iter().map(|(_, _, entry)| entry).collect(),
    }
    .render()
    .expect("spec page renders")
}
