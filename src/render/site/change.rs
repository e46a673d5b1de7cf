//! `changes/<id>.html` and `archive/<folder>.html`: a change's status,
//! dependencies, tasks, spec deltas, code links, history and documents.

use super::SiteInput;
use super::common::{Layout, Links, bar, host_path, layout, spec_path, status_word};
use super::markdown::{inline_markdown, markdown, requirement_body};
use crate::analyse::graph::EdgeKind;
use crate::analyse::history::ChangeHistory;
use crate::analyse::links::Link;
use crate::analyse::roadmap::ChangeView;
use crate::model::{Change, Task};
use crate::render::escape::html as esc;
use crate::render::svg::{self, BurnupPoint};
use askama::Template;
use std::fmt::Write as _;

#[derive(Template)]
#[template(path = "site/change.html")]
struct ChangePage {
    layout: Layout,
    id: String,
    title: String,
    class: &'static str,
    status: &'static str,
    facts: Vec<String>,
    bar: String,
    depends_on: Vec<String>,
    dependents: Vec<String>,
    sections: Vec<TaskSectionView>,
    deltas: Vec<DeltaView>,
    history: Option<String>,
    code: Option<String>,
    proposal: Option<String>,
    design: Option<String>,
}

struct TaskSectionView {
    anchor: String,
    title: String,
    count: String,
    tasks: Vec<TaskView>,
}

struct TaskView {
    depth: usize,
    done: bool,
    text: String,
}

struct DeltaView {
    anchor: String,
    spec_link: String,
    requirements: Vec<DeltaRequirement>,
}

struct DeltaRequirement {
    op: &'static str,
    op_class: &'static str,
    name: String,
    body: String,
}

pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links, c: &Change) -> String {
    let root = "../";
    let view = input
        .roadmap
        .phases
        .iter()
        .flat_map(|p| p.changes.iter())
        .chain(&input.roadmap.unplanned)
        .chain(&input.roadmap.archived)
        .find(|v| v.id == c.id && v.status == Some(c.status));
    let class = view.map_or_else(|| if c.archived { "archived" } else { "planned" }, ChangeView::state);
    let mut facts = Vec::new();
    if let Some(d) = &c.archived_on {
        facts.push(format!("archived {d}"));
    }
    if let Some(d) = c.metadata.as_ref().and_then(|m| m.created.as_ref()) {
        facts.push(format!("created {d}"));
    }
    facts.push(format!("<code>{}</code>", esc(&c.path)));
    let graph = input.graph;
    let shown_here = graph.node(&c.id).is_some_and(|n| n.path == c.path);
    let edge_line = |other: &str, kind: EdgeKind, file: &str, line: Option<usize>| {
        let how = if kind == EdgeKind::Inferred { "inferred from" } else { "declared in" };
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{} <span class=\"muted\">({how} <code>{}{at}</code>)</span>", links.change(root, other), esc(file))
    };
    let (depends_on, dependents) = if shown_here {
        (
            graph.dependencies(&c.id).iter().map(|e| edge_line(&e.to, e.kind, &e.file, e.line)).collect(),
            graph.dependents(&c.id).iter().map(|e| edge_line(&e.from, e.kind, &e.file, e.line)).collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut sections = Vec::new();
    for (f, file) in c.task_files.iter().enumerate() {
        let mut groups: Vec<(Option<usize>, Vec<&Task>)> = Vec::new();
        for t in &file.tasks {
            match groups.last_mut() {
                Some((s, list)) if *s == t.section => list.push(t),
                _ => groups.push((t.section, vec![t])),
            }
        }
        for (i, (s, tasks)) in groups.into_iter().enumerate() {
            let title = s.map_or_else(
                || file.path.rsplit('/').next().unwrap_or("tasks").to_owned(),
                |s| file.sections[s].title.clone(),
            );
            let done = tasks.iter().filter(|t| t.done).count();
            sections.push(TaskSectionView {
                anchor: format!("tasks-{f}-{i}"),
                title,
                count: format!("{done}/{}", tasks.len()),
                tasks: tasks
                    .iter()
                    .map(|t| TaskView { depth: t.depth.min(4), done: t.done, text: inline_markdown(&t.text) })
                    .collect(),
            });
        }
    }
    let deltas = c
        .deltas
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let spec = input.project.specs.iter().find(|s| s.id == d.capability);
            let spec_link = match spec {
                Some(s) => format!("<a href=\"{root}{}\">{}</a>", esc(&spec_path(s)), esc(&d.capability)),
                None => format!("{} <span class=\"muted\">(new spec)</span>", esc(&d.capability)),
            };
            let mut requirements: Vec<DeltaRequirement> = Vec::new();
            for r in &d.added {
                requirements.push(DeltaRequirement {
                    op: "added",
                    op_class: "added",
                    name: r.name.clone(),
                    body: requirement_body(r, 4),
                });
            }
            for r in &d.modified {
                requirements.push(DeltaRequirement {
                    op: "modified",
                    op_class: "modified",
                    name: r.name.clone(),
                    body: requirement_body(r, 4),
                });
            }
            for r in &d.removed {
                requirements.push(DeltaRequirement {
                    op: "removed",
                    op_class: "removed",
                    name: r.name.clone(),
                    body: String::new(),
                });
            }
            for r in &d.renamed {
                requirements.push(DeltaRequirement {
                    op: "renamed",
                    op_class: "renamed",
                    name: format!("{} → {}", r.from, r.to),
                    body: String::new(),
                });
            }
            DeltaView { anchor: format!("delta-{i}"), spec_link, requirements }
        })
        .collect();
    ChangePage {
        layout: layout(root, name, &input.source, input.hosts.is_some(), ""),
        id: c.id.clone(),
        title: c.title.clone(),
        class,
        status: status_word(class),
        facts: facts.into_iter().map(|f| if f.starts_with('<') { f } else { esc(&f) }).collect(),
        bar: bar(c.tasks.done, c.tasks.total, c.tasks.percent(), "tasks"),
        depends_on,
        dependents,
        sections,
        deltas,
        history: input
            .history
            .as_ref()
            .ok()
            .and_then(|h| h.changes.iter().find(|x| x.folder_is(c)))
            .map(change_history),
        code: input.links.get(&c.path).filter(|l| !l.is_empty()).map(|l| {
            let hosts = input.hosts.and_then(|h| h.by_change.get(&c.path));
            let runs_on = match hosts {
                Some(hs) if !hs.is_empty() => {
                    let list: Vec<String> =
                        hs.iter().map(|h| format!("<a href=\"{root}{}\">{}</a>", esc(&host_path(h)), esc(h))).collect();
                    format!("<p><strong>Runs on:</strong> {}</p>\n", list.join(", "))
                }
                _ if input.hosts.is_some() => {
                    "<p><strong>Runs on:</strong> no host (none of its files is in a host's build)</p>\n".to_owned()
                }
                _ => String::new(),
            };
            runs_on + &code_links(l)
        }),
        proposal: c.proposal.as_ref().map(|p| markdown(&p.text, 3, true)),
        design: c.design.as_ref().map(|d| markdown(&d.text, 3, true)),
    }
    .render()
    .expect("change page renders")
}

/// The Code section of a change page: a table of its links.
fn code_links(links: &[Link]) -> String {
    use crate::analyse::links::{Source, State};
    let mut rows = String::new();
    for l in links {
        let source = match l.source {
            Source::Declared => "declared",
            Source::Git => "git",
            Source::Inferred => "inferred",
        };
        let (class, state) = match &l.state {
            State::Exists => ("complete", "exists".to_owned()),
            State::Renamed(to) => ("inprogress", format!("renamed to <code>{}</code>", esc(to))),
            State::Deleted => ("blocked", "deleted".to_owned()),
            State::Planned => ("planned", "planned".to_owned()),
            State::Ambiguous(c) => ("archived", format!("ambiguous ({} files)", c.len())),
        };
        let at = l
            .evidence
            .first()
            .map(|e| match e.line {
                Some(n) => format!("{}:{n}", e.file),
                None => e.text.clone(),
            })
            .unwrap_or_default();
        let _ = writeln!(
            rows,
            "<tr><td><code>{}</code></td><td>{source}</td><td><span class=\"status status-{class}\">{state}</span></td><td>{:.2}</td><td class=\"muted\">{}</td></tr>",
            esc(&l.path),
            l.confidence,
            esc(&at)
        );
    }
    format!(
        "<div class=\"table\"><table>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Source</th><th scope=\"col\">State</th><th scope=\"col\">Confidence</th><th scope=\"col\">Where</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table></div>\n"
    )
}

/// The History section of a change page.
fn change_history(c: &ChangeHistory) -> String {
    let mut rows = Vec::new();
    let mut row = |what: &str, e: Option<&crate::analyse::history::Event>| {
        if let Some(e) = e {
            rows.push(format!("<dt>{what}</dt><dd>{}</dd>", esc(&e.label())));
        }
    };
    row(if c.created_before_history { "Created (on or before)" } else { "Created" }, Some(&c.created));
    row("First task checked", c.first_checked.as_ref());
    row("Completed", c.completed.as_ref());
    row("Archived", c.archived.as_ref());
    row("Removed", c.removed.as_ref());
    row("Last change", Some(&c.last_activity));
    let mut out = format!("<dl class=\"dates\">{}</dl>\n", rows.join(""));
    if !c.renamed_from.is_empty() {
        out.push_str(&format!("<p>Renamed from <code>{}</code>.</p>\n", esc(&c.renamed_from.join(" → "))));
    }
    if c.stale {
        out.push_str(
            "<p><span class=\"status status-blocked\">stale</span> No commit has touched it for a long while.</p>\n",
        );
    }
    let points: Vec<BurnupPoint> = c
        .series
        .iter()
        .filter_map(|p| p.at.day.map(|d| BurnupPoint { day: d, done: u64::from(p.done), total: u64::from(p.total) }))
        .collect();
    if points.len() > 1 {
        out.push_str(&format!(
            "<figure class=\"diagram\">\n{}\n</figure>\n",
            svg::burnup(&points, &format!("Tasks of {} over time", c.id))
        ));
    }
    out
}
