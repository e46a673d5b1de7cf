//! `graph.html`: the dependency graph, the critical path and the planned
//! timeline, drawn as SVG.

use super::SiteInput;
use super::common::{
    ChangeLink, Layout, Links, filters, layout, phase_class, progress_text, slug, status_word, wide_and_narrow,
};
use crate::analyse::graph::EdgeKind;
use crate::analyse::roadmap::ChangeView;
use crate::render::svg::{self, GanttRow, SvgEdge, SvgGroup, SvgNode};
use askama::Template;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "site/graph.html")]
struct GraphPage {
    layout: Layout,
    /// The drawings: one of every change with a dependency, or one per
    /// phase when there are too many for one (`per_phase`).
    graphs: Vec<Drawing>,
    per_phase: bool,
    /// Changes with a dependency or a dependant.
    linked: usize,
    /// Changes with neither, by phase: anchor, title and tiles.
    loose: Vec<(String, String, Vec<Tile>)>,
    /// The critical path and its open tasks.
    critical: Option<(Vec<ChangeLink>, usize)>,
    legend: Vec<(&'static str, &'static str)>,
    gantt: Option<String>,
}

/// A drawing of the graph and, for a phone, the same as a list.
struct Drawing {
    /// Anchor and heading (none for the single drawing).
    id: String,
    title: String,
    svg: String,
    /// Each change of it that waits for others, with what it waits for.
    waits: Vec<Waits>,
}

/// A change and the changes it waits for, each marked when the dependency
/// was read from prose.
struct Waits {
    link: ChangeLink,
    class: &'static str,
    on: Vec<(ChangeLink, bool)>,
}

impl Drawing {
    fn new(id: String, title: String, svg: String, nodes: &[SvgNode], edges: &[SvgEdge], links: &Links) -> Self {
        let waits = (0..nodes.len())
            .filter_map(|j| {
                let on: Vec<(ChangeLink, bool)> = edges
                    .iter()
                    .filter(|e| e.to == j)
                    .map(|e| (links.change("", &nodes[e.from].label), e.dashed))
                    .collect();
                (!on.is_empty()).then(|| Waits { link: links.change("", &nodes[j].label), class: nodes[j].class, on })
            })
            .collect();
        Drawing { id, title, svg, waits }
    }
}

/// A change without dependencies, drawn as a tile of the grid.
struct Tile {
    link: ChangeLink,
    class: &'static str,
    progress: String,
}

/// The colours of the changes, in the legend's order.
const LEGEND: [(&str, &str); 5] = [
    ("complete", "complete"),
    ("inprogress", "in progress"),
    ("planned", "planned, no tasks yet"),
    ("archived", "archived"),
    ("missing", "named but missing"),
];

/// Above this many changes with dependencies, the graph is drawn phase by
/// phase: one drawing of them all would be too big to read.
const ONE_DRAWING_MAX: usize = 100;

/// A drawing of them all wider than this (the page column is 1,100 px; long
/// chains are wide) is drawn phase by phase too, rather than shrunk.
const MAX_WIDTH: f64 = 1400.0;

/// The part of the graph with the nodes `keep` says, indices renumbered;
/// `group` gives each kept node its group in the part.
fn part(
    nodes: &[SvgNode],
    edges: &[SvgEdge],
    keep: &[bool],
    group: impl Fn(usize) -> Option<usize>,
) -> (Vec<SvgNode>, Vec<SvgEdge>) {
    let mut at = vec![usize::MAX; nodes.len()];
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate().filter(|(i, _)| keep[*i]) {
        at[i] = out.len();
        out.push(SvgNode { group: group(i), ..n.clone() });
    }
    let edges = edges
        .iter()
        .filter(|e| keep[e.from] && keep[e.to])
        .map(|e| SvgEdge { from: at[e.from], to: at[e.to], dashed: e.dashed })
        .collect();
    (out, edges)
}

pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let r = input.roadmap;
    let mut groups: Vec<SvgGroup> = Vec::new();
    let mut nodes: Vec<SvgNode> = Vec::new();
    let mut views: Vec<&ChangeView> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let add = |c: &ChangeView, group: Option<usize>, nodes: &mut Vec<SvgNode>, index: &mut BTreeMap<String, usize>| {
        if index.contains_key(&c.id) {
            return false;
        }
        index.insert(c.id.clone(), nodes.len());
        nodes.push(SvgNode {
            label: c.id.clone(),
            sublabel: progress_text(c),
            class: c.state(),
            href: links.by_id.get(&c.id).cloned(),
            group,
            title: format!("{} ({})", c.title, c.word()),
        });
        true
    };
    let mut owned: BTreeMap<String, usize> = BTreeMap::new();
    for p in &r.phases {
        groups.push(SvgGroup { title: p.title.clone() });
        let g = groups.len() - 1;
        for c in &p.changes {
            if add(c, Some(g), &mut nodes, &mut owned) {
                views.push(c);
            }
        }
    }
    if !r.unplanned.is_empty() {
        groups.push(SvgGroup { title: "Unplanned".into() });
        let g = groups.len() - 1;
        for c in &r.unplanned {
            if add(c, Some(g), &mut nodes, &mut owned) {
                views.push(c);
            }
        }
    }
    let archived: BTreeMap<&str, &ChangeView> = r.archived.iter().map(|c| (c.id.as_str(), c)).collect();
    for e in &r.edges {
        if owned.contains_key(&e.from)
            && !owned.contains_key(&e.to)
            && let Some(c) = archived.get(e.to.as_str())
            && add(c, None, &mut nodes, &mut owned)
        {
            views.push(c);
        }
    }
    index.extend(owned.iter().map(|(k, v)| (k.as_str(), *v)));
    let edges: Vec<SvgEdge> = r
        .edges
        .iter()
        .filter_map(|e| {
            Some(SvgEdge {
                from: *index.get(e.to.as_str())?,
                to: *index.get(e.from.as_str())?,
                dashed: e.kind == EdgeKind::Inferred,
            })
        })
        .filter(|e| e.from != e.to)
        .collect();
    let mut linked = vec![false; nodes.len()];
    for e in &edges {
        linked[e.from] = true;
        linked[e.to] = true;
    }
    let linked_count = linked.iter().filter(|&&l| l).count();

    // Changes with no edge: tiles under their phase, not boxes in the drawing.
    let loose = groups
        .iter()
        .enumerate()
        .filter_map(|(g, group)| {
            let tiles: Vec<Tile> = (0..nodes.len())
                .filter(|&i| !linked[i] && nodes[i].group == Some(g))
                .map(|i| Tile {
                    link: links.change("", &views[i].id),
                    class: nodes[i].class,
                    progress: nodes[i].sublabel.clone(),
                })
                .collect();
            (!tiles.is_empty()).then(|| (format!("free-{g}"), group.title.clone(), tiles))
        })
        .collect();

    // One drawing of every change with an edge, unless there are too many,
    // or it is so wide (long chains) that it would shrink too much to read:
    // then a drawing per phase.
    let phases_linked = groups
        .iter()
        .enumerate()
        .filter(|(g, _)| (0..nodes.len()).any(|i| linked[i] && nodes[i].group == Some(*g)))
        .count();
    let all = || part(&nodes, &edges, &linked, |i| nodes[i].group);
    let overview = (linked_count > 0 && linked_count <= ONE_DRAWING_MAX).then(|| {
        let (ns, es) = all();
        svg::dependency_graph_sized(&ns, &es, &groups, "Dependency graph of the changes")
    });
    let per_phase = phases_linked > 1 && overview.as_ref().is_none_or(|(_, width)| *width > MAX_WIDTH);
    let graphs = if per_phase {
        // Each phase with its changes that have edges, and the changes
        // outside it at the other end of those edges.
        let outside = SvgGroup { title: "Outside this phase".into() };
        groups
            .iter()
            .enumerate()
            .filter_map(|(g, group)| {
                let inside = |i: usize| linked[i] && nodes[i].group == Some(g);
                let mut keep: Vec<bool> = (0..nodes.len()).map(inside).collect();
                if !keep.iter().any(|&k| k) {
                    return None;
                }
                for e in &edges {
                    if inside(e.from) || inside(e.to) {
                        keep[e.from] = true;
                        keep[e.to] = true;
                    }
                }
                let (ns, es) = part(&nodes, &edges, &keep, |i| Some(if inside(i) { 0 } else { 1 }));
                let caption = format!("Dependency graph of the phase {}", group.title);
                let svg = svg::dependency_graph(&ns, &es, &[group.clone(), outside.clone()], &caption);
                Some(Drawing::new(format!("deps-{g}"), group.title.clone(), svg, &ns, &es, links))
            })
            .collect()
    } else if linked_count > 0 {
        // One drawing (too many changes for one, but all in one phase).
        let (ns, es) = all();
        let svg = match overview {
            Some((svg, _)) => svg,
            None => svg::dependency_graph(&ns, &es, &groups, "Dependency graph of the changes"),
        };
        vec![Drawing::new("deps".to_owned(), String::new(), svg, &ns, &es, links)]
    } else {
        Vec::new()
    };
    let critical = (!r.critical_path.is_empty())
        .then(|| (r.critical_path.iter().map(|c| links.change("", c)).collect(), r.critical_weight));
    let mut rows: Vec<GanttRow> = Vec::new();
    for p in &r.phases {
        if let (Some(s), Some(e)) = (&p.start, &p.end) {
            rows.push(GanttRow {
                label: p.title.clone(),
                start: *s,
                end: *e,
                class: phase_class(p.status),
                milestone: false,
                href: Some(format!("index.html#phase-{}", slug(&p.id))),
                section: p.title.clone(),
                note: status_word(phase_class(p.status)).to_owned(),
            });
        }
        for m in &p.milestones {
            if let Some(d) = &m.due {
                rows.push(GanttRow {
                    label: m.title.clone(),
                    start: *d,
                    end: *d,
                    class: phase_class(m.status),
                    milestone: true,
                    href: None,
                    section: p.title.clone(),
                    note: status_word(phase_class(m.status)).to_owned(),
                });
            }
        }
    }
    let caption = "Planned timeline of the phases";
    let gantt =
        (!rows.is_empty()).then(|| wide_and_narrow(svg::gantt(&rows, caption), svg::gantt_narrow(&rows, caption)));
    GraphPage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "graph.html"),
        graphs,
        per_phase,
        linked: linked_count,
        loose,
        critical,
        legend: LEGEND.iter().filter(|(class, _)| nodes.iter().any(|n| n.class == *class)).copied().collect(),
        gantt,
    }
    .render()
    .expect("graph page renders")
}
