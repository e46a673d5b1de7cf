//! `changes/<id>.html` and `archive/<folder>.html`: a change's status,
//! dependencies, overlaps with other active changes, tasks, spec deltas,
//! code links, history and documents.

use super::SiteInput;
use super::common::{Bar, ChangeLink, Layout, Links, bar, filters, host_path, layout, spec_path};
use super::lookup::Lookup;
use super::markdown::{RequirementBody, inline_markdown, markdown, requirement_body};
use crate::analyse::graph::{Edge, EdgeKind};
use crate::analyse::history::{ChangeHistory, Event};
use crate::analyse::links::{Link, Source, State};
use crate::analyse::overlaps::{Kind, Place};
use crate::analyse::roadmap::ChangeView;
use crate::model::{Change, Task};
use crate::render::svg::{self, BurnupPoint};
use askama::Template;

#[derive(Template)]
#[template(path = "site/change.html")]
struct ChangePage {
    layout: Layout,
    id: String,
    title: String,
    class: &'static str,
    status: &'static str,
    path: String,
    archived: Option<String>,
    created: Option<String>,
    bar: Bar,
    depends_on: Vec<EdgeView>,
    dependents: Vec<EdgeView>,
    overlaps: Vec<OverlapView>,
    sections: Vec<TaskSectionView>,
    deltas: Vec<DeltaView>,
    history: Option<HistoryView>,
    code: Option<CodeView>,
    proposal: Option<String>,
    design: Option<String>,
}

/// A dependency in or out: the other change and where the edge was found.
struct EdgeView {
    link: ChangeLink,
    how: &'static str,
    file: String,
    /// `:line`, or empty.
    at: String,
}

/// Another active change that names the same requirement or file.
struct OverlapView {
    link: ChangeLink,
    /// `requirement` or `file`.
    kind: &'static str,
    key: String,
    /// How each names it, and where this change does (`MODIFIED at file:line`).
    here: String,
    there: String,
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
    capability: String,
    /// The spec's page, when the spec exists.
    spec_href: Option<String>,
    requirements: Vec<DeltaRequirement>,
}

struct DeltaRequirement {
    op: &'static str,
    name: String,
    body: Option<RequirementBody>,
}

/// The Code section (`partials/code.html`): where the change runs, and a
/// row per link.
struct CodeView {
    runs_on: RunsOn,
    rows: Vec<CodeRow>,
}

/// The hosts whose build runs a change's code.
enum RunsOn {
    /// The project has no hosts.
    Unknown,
    /// It has, but none runs this change's files.
    Nowhere,
    /// `(page, name)` of each host.
    Hosts(Vec<(String, String)>),
    /// Every host alike (its only files are shared by all): the hosts page's section.
    Shared(String),
}

struct CodeRow {
    path: String,
    source: &'static str,
    class: &'static str,
    state: String,
    renamed_to: Option<String>,
    confidence: String,
    at: String,
}

/// The History section (`partials/history.html`).
struct HistoryView {
    /// `(what, when)`.
    dates: Vec<(&'static str, String)>,
    renamed_from: Option<String>,
    stale: bool,
    /// The burn-up of its tasks, as SVG.
    chart: Option<String>,
}

/// The overlaps of the active change `id`, each seen from its side.
fn overlap_views(lookup: &Lookup<'_>, links: &Links, root: &str, id: &str) -> Vec<OverlapView> {
    let placed = |p: &Place| match p.line {
        Some(line) => format!("{} at {}:{line}", p.how, p.file),
        None => format!("{} in {}", p.how, p.file),
    };
    lookup
        .overlaps_of(id)
        .iter()
        .filter_map(|o| {
            let (other, here, there) = if o.a == id {
                (&o.b, &o.at_a, &o.at_b)
            } else if o.b == id {
                (&o.a, &o.at_b, &o.at_a)
            } else {
                return None;
            };
            Some(OverlapView {
                link: links.change(root, other),
                kind: match o.kind {
                    Kind::Requirement => "requirement",
                    Kind::File => "file",
                },
                key: o.key.clone(),
                here: placed(here),
                there: placed(there),
            })
        })
        .collect()
}

pub(super) fn page(input: &SiteInput<'_>, lookup: &Lookup<'_>, name: &str, links: &Links, c: &Change) -> String {
    let root = "../";
    let view = lookup.view(c);
    let class = view.map_or_else(|| if c.archived { "archived" } else { "planned" }, ChangeView::state);
    let found = lookup.history(c);
    // Two "created" dates may differ: the one `.openspec.yaml` states and the
    // first commit with the folder (History). The stated one is shown, named
    // as such, when there is no history or it is another day.
    let stated = c.metadata.as_ref().and_then(|m| m.created.clone());
    let first_commit = found.and_then(|h| h.created.day).map(|d| d.to_string());
    let created = stated.filter(|d| first_commit.as_deref().is_none_or(|f| !d.starts_with(f)));
    let graph = input.graph;
    let shown_here = graph.node(&c.id).is_some_and(|n| n.path == c.path);
    let edge = |other: &str, e: &Edge| EdgeView {
        link: links.change(root, other),
        how: if e.kind == EdgeKind::Inferred { "inferred from" } else { "declared in" },
        file: e.file.clone(),
        at: e.line.map(|l| format!(":{l}")).unwrap_or_default(),
    };
    let (depends_on, dependents) = if shown_here {
        (
            graph.dependencies(&c.id).iter().map(|e| edge(&e.to, e)).collect(),
            graph.dependents(&c.id).iter().map(|e| edge(&e.from, e)).collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let overlaps = if c.archived { Vec::new() } else { overlap_views(lookup, links, root, &c.id) };
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
            let spec = lookup.spec(&d.capability);
            let mut requirements: Vec<DeltaRequirement> = Vec::new();
            for (op, list) in [("added", &d.added), ("modified", &d.modified)] {
                requirements.extend(list.iter().map(|r| DeltaRequirement {
                    op,
                    name: r.name.clone(),
                    body: Some(requirement_body(r, 4)),
                }));
            }
            for r in &d.removed {
                requirements.push(DeltaRequirement { op: "removed", name: r.name.clone(), body: None });
            }
            for r in &d.renamed {
                requirements.push(DeltaRequirement {
                    op: "renamed",
                    name: format!("{} → {}", r.from, r.to),
                    body: None,
                });
            }
            DeltaView {
                anchor: format!("delta-{i}"),
                capability: d.capability.clone(),
                spec_href: spec.map(|s| format!("{root}{}", spec_path(s))),
                requirements,
            }
        })
        .collect();
    ChangePage {
        layout: layout(root, name, &input.source, input.hosts.is_some(), ""),
        id: c.id.clone(),
        title: c.title.clone(),
        class,
        status: c.stage().word(),
        path: c.path.clone(),
        archived: c.archived_on.map(|d| d.to_string()),
        created,
        bar: bar(c.tasks.done, c.tasks.total, c.tasks.percent(), "tasks"),
        depends_on,
        dependents,
        overlaps,
        sections,
        deltas,
        history: found.map(history),
        code: input.links.get(&c.path).filter(|l| !l.is_empty()).map(|l| {
            let runs_on = match input.hosts.map(|h| (h.shared.contains(&c.path), h.by_change.get(&c.path))) {
                Some((true, _)) => RunsOn::Shared(format!("{root}hosts.html#shared")),
                Some((_, Some(hs))) if !hs.is_empty() => {
                    RunsOn::Hosts(hs.iter().map(|h| (format!("{root}{}", host_path(h)), h.clone())).collect())
                }
                Some(_) => RunsOn::Nowhere,
                None => RunsOn::Unknown,
            };
            CodeView { runs_on, rows: l.iter().map(code_row).collect() }
        }),
        proposal: c.proposal.as_ref().map(|p| markdown(&p.text, 3, true)),
        design: c.design.as_ref().map(|d| markdown(&d.text, 3, true)),
    }
    .render()
    .expect("change page renders")
}

/// A row of the Code section: one link of the change.
fn code_row(l: &Link) -> CodeRow {
    let source = match l.source {
        Source::Declared => "declared",
        Source::Git => "git",
        Source::Inferred => "inferred",
    };
    let (class, state, renamed_to) = match &l.state {
        State::Exists => ("complete", "exists".to_owned(), None),
        State::Renamed(to) => ("inprogress", "renamed to".to_owned(), Some(to.clone())),
        State::Deleted => ("blocked", "deleted".to_owned(), None),
        State::Planned => ("planned", "planned".to_owned(), None),
        State::Ambiguous(c) => ("archived", format!("ambiguous ({} files)", c.len()), None),
    };
    let at = l
        .evidence
        .first()
        .map(|e| match e.line {
            Some(n) => format!("{}:{n}", e.file),
            None => e.text.clone(),
        })
        .unwrap_or_default();
    CodeRow { path: l.path.clone(), source, class, state, renamed_to, confidence: format!("{:.2}", l.confidence), at }
}

/// The History section of a change page.
fn history(c: &ChangeHistory) -> HistoryView {
    let created = if c.created_before_history { "First commit (on or before)" } else { "First commit" };
    let dates = [
        (created, Some(&c.created)),
        ("First task checked", c.first_checked.as_ref()),
        ("Completed", c.completed.as_ref()),
        ("Archived", c.archived.as_ref()),
        ("Removed", c.removed.as_ref()),
        ("Last change", Some(&c.last_activity)),
    ]
    .into_iter()
    .filter_map(|(what, e): (&'static str, Option<&Event>)| e.map(|e| (what, e.label())))
    .collect();
    let points: Vec<BurnupPoint> = c
        .series
        .iter()
        .filter_map(|p| p.at.day.map(|d| BurnupPoint { day: d, done: u64::from(p.done), total: u64::from(p.total) }))
        .collect();
    HistoryView {
        dates,
        renamed_from: (!c.renamed_from.is_empty()).then(|| c.renamed_from.join(" → ")),
        stale: c.stale,
        chart: (points.len() > 1).then(|| {
            let caption = format!("Tasks of {} over time", c.id);
            super::common::wide_and_narrow(svg::burnup(&points, &caption), svg::burnup_narrow(&points, &caption))
        }),
    }
}
