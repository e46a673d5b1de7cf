//! `graph.html`: the dependency graph, the critical path and the planned
//! timeline, drawn as SVG.

use super::SiteInput;
use super::common::{ChangeLink, Layout, Links, filters, layout, phase_class, progress_text, slug};
use crate::analyse::graph::EdgeKind;
use crate::analyse::roadmap::ChangeView;
use crate::render::svg::{self, GanttRow, SvgEdge, SvgGroup, SvgNode};
use askama::Template;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "site/graph.html")]
struct GraphPage {
    layout: Layout,
    graph: String,
    /// The critical path and its open tasks.
    critical: Option<(Vec<ChangeLink>, usize)>,
    legend: Vec<(&'static str, &'static str)>,
    gantt: Option<String>,
}

pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let r = input.roadmap;
    let mut groups: Vec<SvgGroup> = Vec::new();
    let mut nodes: Vec<SvgNode> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let add = |c: &ChangeView, group: Option<usize>, nodes: &mut Vec<SvgNode>, index: &mut BTreeMap<String, usize>| {
        if index.contains_key(&c.id) {
            return;
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
    };
    let mut owned: BTreeMap<String, usize> = BTreeMap::new();
    for p in &r.phases {
        groups.push(SvgGroup { title: p.title.clone() });
        let g = groups.len() - 1;
        for c in &p.changes {
            add(c, Some(g), &mut nodes, &mut owned);
        }
    }
    if !r.unplanned.is_empty() {
        groups.push(SvgGroup { title: "Unplanned".into() });
        let g = groups.len() - 1;
        for c in &r.unplanned {
            add(c, Some(g), &mut nodes, &mut owned);
        }
    }
    let archived: BTreeMap<&str, &ChangeView> = r.archived.iter().map(|c| (c.id.as_str(), c)).collect();
    for e in &r.edges {
        if owned.contains_key(&e.from)
            && !owned.contains_key(&e.to)
            && let Some(c) = archived.get(e.to.as_str())
        {
            add(c, None, &mut nodes, &mut owned);
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
        .collect();
    let graph = svg::dependency_graph(&nodes, &edges, &groups, "Dependency graph of the changes");
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
                });
            }
        }
    }
    let gantt = (!rows.is_empty()).then(|| svg::gantt(&rows, "Planned timeline of the phases"));
    GraphPage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "graph.html"),
        graph,
        critical,
        legend: vec![
            ("complete", "complete"),
            ("inprogress", "in progress"),
            ("planned", "planned"),
            ("archived", "archived"),
            ("missing", "named but missing"),
        ],
        gantt,
    }
    .render()
    .expect("graph page renders")
}
