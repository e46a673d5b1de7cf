//! `index.html`: the dashboard (totals, a card per phase, next actions,
//! blocked work, recently completed).

use super::SiteInput;
use super::common::{Layout, Links, bar, change_path, count, layout, phase_class, progress_text, slug, status_word};
use crate::analyse::roadmap::ChangeView;
use crate::model::{ChangeStatus, Project};
use crate::render::escape::html as esc;
use askama::Template;

#[derive(Template)]
#[template(path = "site/index.html")]
struct IndexPage {
    layout: Layout,
    title: String,
    summary: Option<String>,
    tasks: String,
    changes: String,
    specs: String,
    archived: String,
    bar: String,
    phases: Vec<PhaseCard>,
    next: Vec<String>,
    blocked: Vec<String>,
    recent: Vec<String>,
}

struct PhaseCard {
    id: String,
    title: String,
    status: String,
    class: &'static str,
    goal: Option<String>,
    bar: String,
    counts: String,
    changes: Vec<String>,
}

pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let r = input.roadmap;
    let project = &input.project;
    let phases = r
        .phases
        .iter()
        .map(|p| PhaseCard {
            id: slug(&p.id),
            title: p.title.clone(),
            status: status_word(phase_class(p.status)).to_owned(),
            class: phase_class(p.status),
            goal: p.goal.clone(),
            bar: bar(p.tasks.done, p.tasks.total, p.percent, "tasks"),
            counts: format!("{} of {} done", p.changes_done, count(p.changes.len(), "change")),
            changes: p
                .changes
                .iter()
                .map(|c| format!("{} <span class=\"muted\">{}</span>", links.change("", &c.id), esc(&progress_text(c))))
                .collect(),
        })
        .collect();
    let next = r
        .next
        .iter()
        .map(|n| {
            let what = n.what();
            format!(
                "{} {} <span class=\"muted\">({})</span>",
                links.change("", &n.id),
                esc(if n.title == n.id { "" } else { &n.title }),
                esc(&what)
            )
        })
        .collect();
    let blocked = r
        .blocked
        .iter()
        .map(|b| {
            format!(
                "{} waits for {}",
                links.change("", &b.id),
                b.waits_for.iter().map(|w| links.change("", w)).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    let mut recent: Vec<String> = project
        .active()
        .filter(|c| c.status == ChangeStatus::Complete)
        .map(|c| {
            format!(
                "{} {} <span class=\"muted\">(complete, ready to archive)</span>",
                links.change("", &c.id),
                esc(&c.title)
            )
        })
        .collect();
    recent.extend(r.archived.iter().take(10).map(|c| {
        format!(
            "<a href=\"{}\"><code>{}</code></a> <span class=\"muted\">(archived {})</span>",
            esc(&archived_path(project, c)),
            esc(&c.id),
            esc(&c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()))
        )
    }));
    IndexPage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "index.html"),
        title: r.title.clone(),
        summary: r.summary.clone(),
        tasks: format!("{}/{} ({}%)", r.tasks.done, r.tasks.total, r.percent),
        changes: format!("{}/{}", r.changes_done, r.changes_total),
        specs: project.specs.len().to_string(),
        archived: r.archived.len().to_string(),
        bar: bar(r.tasks.done, r.tasks.total, r.percent, "tasks across active changes"),
        phases,
        next,
        blocked,
        recent,
    }
    .render()
    .expect("index renders")
}

/// The page of an archived change view (by its folder, found in the project).
fn archived_path(project: &Project, c: &ChangeView) -> String {
    project
        .archived()
        .filter(|a| a.id == c.id && a.archived_on == c.archived_on)
        .map(change_path)
        .next()
        .unwrap_or_default()
}
