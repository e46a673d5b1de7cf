//! `index.html`: the dashboard (totals, a card per phase, next actions,
//! blocked work, recently completed).

use super::SiteInput;
use super::common::{
    Bar, ChangeLink, Entry, Layout, Links, bar, change_path, count, filters, layout, phase_class, progress_text, slug,
    status_word,
};
use crate::analyse::roadmap::ChangeView;
use crate::model::{ChangeStatus, Project};
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
    bar: Bar,
    phases: Vec<PhaseCard>,
    next: Vec<Entry>,
    /// A change and the changes it waits for.
    blocked: Vec<(ChangeLink, Vec<ChangeLink>)>,
    recent: Vec<Entry>,
    /// What was done, when no change is open.
    done: Option<DoneView>,
}

/// A finished project's lead: a sentence, then a row per phase or month.
struct DoneView {
    sentence: String,
    by: &'static str,
    /// Name, changes, tasks, when archived.
    rows: Vec<[String; 4]>,
}

struct PhaseCard {
    id: String,
    title: String,
    status: String,
    class: &'static str,
    goal: Option<String>,
    bar: Bar,
    counts: String,
    changes: Vec<Entry>,
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
                .map(|c| Entry { link: links.change("", &c.id), text: None, note: progress_text(c) })
                .collect(),
        })
        .collect();
    let next = r
        .next
        .iter()
        .map(|n| Entry {
            link: links.change("", &n.id),
            text: Some(if n.title == n.id { String::new() } else { n.title.clone() }),
            note: format!("({})", n.what()),
        })
        .collect();
    let blocked = r
        .blocked
        .iter()
        .map(|b| (links.change("", &b.id), b.waits_for.iter().map(|w| links.change("", w)).collect()))
        .collect();
    let mut recent: Vec<Entry> = project
        .active()
        .filter(|c| c.status == ChangeStatus::Complete)
        .map(|c| Entry {
            link: links.change("", &c.id),
            text: Some(c.title.clone()),
            note: "(complete, ready to archive)".to_owned(),
        })
        .collect();
    recent.extend(r.archived.iter().take(10).map(|c| Entry {
        link: ChangeLink { href: Some(archived_path(project, c)), id: c.id.clone() },
        text: None,
        note: format!("({} {})", c.word(), c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string())),
    }));
    let done = r.done().map(|d| DoneView {
        sentence: d.sentence(),
        by: if d.by_phase { "Phase" } else { "Month" },
        rows: d
            .groups
            .iter()
            .map(|g| {
                let name = g.title.clone().unwrap_or_else(|| "Not in a phase".to_owned());
                [name, g.changes.to_string(), format!("{}/{}", g.tasks.done, g.tasks.total), g.span()]
            })
            .collect(),
    });
    IndexPage {
        done,
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
