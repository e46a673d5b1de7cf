//! The dependency graph drawn from its layout (`layout.rs`): the group
//! bands first, then the edges, then the nodes on top, each a rounded box
//! with its label, sublabel, status class and optional link.

use super::layout::{LINE, PAD_TOP, group_title, layout};
use super::{
    Fnv, STATUS_CLASSES, SvgEdge, SvgGroup, SvgNode, base_css, box_css, class_name, clean, nothing, num, open_svg,
    safe_href,
};
use crate::render::escape;
use std::fmt::Write as _;

/// SVG path data through the points: a cubic Bézier with horizontal tangents
/// across each gap between columns, a straight line along a column.
fn path_data(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else { return d };
    let _ = write!(d, "M{},{}", num(x0), num(y0));
    for w in points.windows(2) {
        let ((ax, ay), (bx, by)) = (w[0], w[1]);
        if (ay - by).abs() < 0.05 {
            let _ = write!(d, "H{}", num(bx));
        } else {
            let mx = (ax + bx) / 2.0;
            let _ = write!(d, "C{},{} {},{} {},{}", num(mx), num(ay), num(mx), num(by), num(bx), num(by));
        }
    }
    d
}

fn graph_css(id: &str, width: f64) -> String {
    let mut css = base_css(id, width);
    let _ = write!(
        css,
        ":where(#{id} .group-box){{fill:var(--group-bg,rgba(128,128,128,.08));\
         stroke:var(--group-border,rgba(128,128,128,.45));stroke-width:1}}\n\
         :where(#{id} .group-title){{font-weight:600;fill:var(--muted,currentColor)}}\n\
         :where(#{id} .edge){{fill:none;stroke:var(--edge,#868e96);stroke-width:1.5}}\n\
         :where(#{id} .edge.dashed){{stroke-dasharray:5 4}}\n\
         :where(#{id} .arrowhead){{fill:var(--edge,#868e96)}}\n\
         :where(#{id} .box){{fill:var(--node-bg,#f1f3f5);stroke:var(--node-border,#868e96);stroke-width:1.5}}\n\
         :where(#{id} .node>text){{fill:var(--node-fg,#212529)}}\n\
         :where(#{id} .label){{font-weight:600}}\n\
         :where(#{id} .sublabel){{font-size:11px}}\n"
    );
    box_css(&mut css, id, STATUS_CLASSES);
    let _ = write!(
        css,
        ":where(#{id} .missing>.box){{stroke-dasharray:4 3}}\n\
         :where(#{id} a:hover .box,#{id} a:focus-visible .box){{stroke-width:3}}\n"
    );
    css
}

/// The dependency graph as an SVG: one rounded box per node (label,
/// sublabel, status class, optional link), an arrow per edge from the
/// dependency to the change that waits for it (dashed when asked), and a
/// labelled band per group. The layout is described in `svg/layout.rs`.
pub fn dependency_graph(nodes: &[SvgNode], edges: &[SvgEdge], groups: &[SvgGroup], caption: &str) -> String {
    dependency_graph_sized(nodes, edges, groups, caption).0
}

/// [`dependency_graph`] and the width of the drawing in user units (CSS
/// pixels at full size): a page can tell from it how much the drawing would
/// shrink to fit its column, and draw it in parts instead.
pub fn dependency_graph_sized(
    nodes: &[SvgNode],
    edges: &[SvgEdge],
    groups: &[SvgGroup],
    caption: &str,
) -> (String, f64) {
    if nodes.is_empty() {
        return (nothing("graph", caption, "Nothing to draw", "graph"), 240.0);
    }
    let mut hash = Fnv::new();
    hash.add("graph");
    hash.add(caption);
    for nd in nodes {
        hash.add(&nd.label);
        hash.add(&nd.sublabel);
    }
    for e in edges {
        hash.add(&format!("{}>{}", e.from, e.to));
    }
    for g in groups {
        hash.add(&g.title);
    }
    let id = hash.prefix("graph");
    let lay = layout(nodes, edges, groups);

    let mut out = String::with_capacity(256 * nodes.len() + 128 * lay.routes.len() + 4096);
    open_svg(&mut out, &id, "graph", lay.width, lay.height, caption);
    let _ = write!(
        out,
        "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" \
         markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\
         <path class=\"arrowhead\" d=\"M0,0L10,5L0,10z\"/></marker></defs>\n<style data-spec=\"\">\n{}</style>\n",
        graph_css(&id, lay.width)
    );

    if !lay.boxes.is_empty() {
        out.push_str("<g class=\"groups\">\n");
        for b in &lay.boxes {
            let r = b.rect;
            let title = group_title(&groups[b.group]);
            // Cut short: the whole title as the tooltip.
            let full = clean(&groups[b.group].title);
            let whole = if title == full { String::new() } else { format!("<title>{}</title>", escape::svg(&full)) };
            let _ = writeln!(
                out,
                "<g class=\"group\"><rect class=\"group-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>\
                 <text class=\"group-title\" x=\"{}\" y=\"{}\">{whole}{}</text></g>",
                num(r.x),
                num(r.y),
                num(r.w),
                num(r.h),
                num(r.x + 10.0),
                num(r.y + 16.0),
                escape::svg(&title)
            );
        }
        out.push_str("</g>\n");
    }

    out.push_str("<g class=\"edges\" aria-hidden=\"true\">\n");
    for r in &lay.routes {
        let class = match (r.dashed, r.reversed) {
            (false, false) => "edge",
            (true, false) => "edge dashed",
            (false, true) => "edge cycle",
            (true, true) => "edge dashed cycle",
        };
        let _ = writeln!(
            out,
            "<path class=\"{class}\" d=\"{}\" fill=\"none\" marker-end=\"url(#{id}-arrow)\"/>",
            path_data(&r.points)
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (v, node) in nodes.iter().enumerate() {
        let r = lay.rects[v];
        let s = &lay.shapes[v];
        let title = match clean(&node.title) {
            t if !t.is_empty() => t,
            _ => clean(&format!("{} {}", node.label, node.sublabel)),
        };
        let href = node.href.as_deref().and_then(safe_href);
        let title_el = format!("<title>{}</title>", escape::svg(&title));
        if let Some(h) = &href {
            let _ = write!(out, "<a href=\"{}\">{title_el}", escape::svg(h));
        }
        let _ = write!(out, "<g class=\"node {}\">", class_name(node.class));
        if href.is_none() {
            out.push_str(&title_el);
        }
        let _ = write!(
            out,
            "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        let cx = num(r.x + r.w / 2.0);
        for (k, line) in s.lines.iter().enumerate() {
            let _ = write!(
                out,
                "<text class=\"label\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(r.y + PAD_TOP + 11.5 + LINE * k as f64),
                escape::svg(line)
            );
        }
        if !s.sub.is_empty() {
            let _ = write!(
                out,
                "<text class=\"sublabel\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(r.y + PAD_TOP + LINE * s.lines.len() as f64 + 10.5),
                escape::svg(&s.sub)
            );
        }
        out.push_str("</g>");
        if href.is_some() {
            out.push_str("</a>");
        }
        out.push('\n');
    }
    out.push_str("</g>\n</svg>");
    (out, lay.width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{edge, node, sample, well_formed};

    #[test]
    fn links_wrap_nodes() {
        let (mut nodes, edges, groups) = sample();
        nodes[3].href = None;
        let svg = dependency_graph(&nodes, &edges, &groups, "D");
        assert_eq!(svg.matches("<a href=").count(), 4);
        assert_eq!(svg.matches("</a>").count(), 4);
        assert!(svg.contains(
            "<a href=\"changes/add-auth.html\"><title>add-auth: 3 of 10 tasks</title><g class=\"node complete\">"
        ));
        assert!(svg.contains("<g class=\"node archived\"><title>old-thing: 3 of 10 tasks</title>"));
        // An empty title falls back to the label and sublabel.
        nodes[3].title = String::new();
        let svg = dependency_graph(&nodes, &edges, &groups, "D");
        assert!(svg.contains("<title>old-thing 3/10 tasks</title>"));
    }

    #[test]
    fn dashed_edges_are_dashed() {
        let (nodes, edges, groups) = sample();
        let svg = dependency_graph(&nodes, &edges, &groups, "D");
        assert_eq!(svg.matches("class=\"edge dashed\"").count(), 1);
        assert_eq!(svg.matches("class=\"edge\"").count(), 4);
        // A duplicate is drawn once, solid if either copy is.
        let svg = dependency_graph(&nodes, &[SvgEdge { from: 0, to: 1, dashed: true }, edge(0, 1)], &groups, "D");
        assert_eq!(svg.matches("<path class=\"edge").count(), 1);
        assert_eq!(svg.matches("class=\"edge\"").count(), 1);
    }

    #[test]
    fn a_thousand_nodes_lay_out() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        let groups: Vec<SvgGroup> = (0..8).map(|g| SvgGroup { title: format!("Phase {g}") }).collect();
        let nodes: Vec<SvgNode> = (0..1000)
            .map(|i| {
                let group = if i % 9 == 0 { None } else { Some(i % 8) };
                node(&format!("change-number-{i}-with-a-long-name"), "planned", group)
            })
            .collect();
        let mut edges = Vec::new();
        while edges.len() < 2000 {
            let a = next(1000);
            let b = next(1000);
            // Mostly forward, a few backward (cycles).
            let (from, to) = if next(20) == 0 { (a.max(b), a.min(b)) } else { (a.min(b), a.max(b)) };
            edges.push(SvgEdge { from, to, dashed: next(4) == 0 });
        }
        let svg = dependency_graph(&nodes, &edges, &groups, "big");
        well_formed(&svg);
        assert_eq!(svg.matches("<g class=\"node ").count(), 1000);
    }

    #[test]
    fn cut_titles_keep_their_text_as_a_tooltip() {
        let (nodes, edges, mut groups) = sample();
        let long = "A phase whose title goes on well past the sixty cells a band can show in its corner";
        groups[0].title = long.into();
        let svg = dependency_graph(&nodes, &edges, &groups, "D");
        well_formed(&svg);
        assert!(svg.contains("<text class=\"group-title\" x="), "{svg}");
        assert!(svg.contains(&format!("<title>{long}</title>")), "{svg}");
        assert!(!svg.contains("<title>Phase 2</title>"), "a title shown whole has no tooltip");
    }
}
