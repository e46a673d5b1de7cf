//! The timeline as a gantt chart ([`gantt`]): a date axis with month ticks,
//! one row per [`GanttRow`] under its section heading, bars for date ranges
//! and diamonds for milestones.

use super::{
    CELL_PX, Fnv, MARGIN, STATUS_CLASSES, base_css, class_name, clean, month_starts, nothing, num, open_svg, safe_href,
    text_px, truncate,
};
use crate::model::Day;
use crate::render::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row of the gantt chart: a bar from `start` to `end` (both inclusive)
/// or, when `milestone`, a diamond on `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GanttRow {
    /// Text left of the bar.
    pub label: String,
    /// First day.
    pub start: Day,
    /// Last day; equal to `start` for a milestone (and ignored then). An end
    /// before the start is swapped with it.
    pub end: Day,
    /// Status class, as for [`SvgNode::class`](super::SvgNode::class).
    pub class: &'static str,
    /// Draw a diamond on `start` instead of a bar.
    pub milestone: bool,
    /// Relative link for the row, if any.
    pub href: Option<String>,
    /// Section heading the row is listed under (sections in order of first
    /// appearance; an empty section has no heading).
    pub section: String,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ROW_H: f64 = 26.0;
const AXIS_H: f64 = 28.0;
const GANTT_LABEL_CELLS: usize = 40;
const PAD_DAYS: i64 = 3;

fn gantt_css(id: &str) -> String {
    let mut css = base_css(id);
    let _ = write!(
        css,
        ":where(#{id} .grid){{stroke:var(--grid,rgba(128,128,128,.35));stroke-width:1}}\n\
         :where(#{id} .tick){{font-size:11px;fill:var(--muted,currentColor)}}\n\
         :where(#{id} .section-band){{fill:var(--group-bg,rgba(128,128,128,.1))}}\n\
         :where(#{id} .section-title){{font-weight:600}}\n\
         :where(#{id} .bar,#{id} .milestone){{fill:var(--node-bg,#f1f3f5);stroke:var(--node-border,#868e96);stroke-width:1}}\n"
    );
    for (name, bg, border, _) in STATUS_CLASSES {
        let _ = writeln!(
            css,
            ":where(#{id} .bar.{name},#{id} .milestone.{name}){{fill:var(--{name}-bg,{bg});stroke:var(--{name}-border,{border})}}"
        );
    }
    let _ = write!(
        css,
        ":where(#{id} .bar.missing,#{id} .milestone.missing){{stroke-dasharray:4 3}}\n\
         :where(#{id} a:hover .bar,#{id} a:focus-visible .bar,#{id} a:hover .milestone,#{id} a:focus-visible .milestone)\
         {{stroke-width:2.5}}\n\
         :where(#{id} a:hover .row-label,#{id} a:focus-visible .row-label){{text-decoration:underline}}\n"
    );
    css
}

/// A gantt chart as an SVG: a date axis from the earliest start to the latest
/// end (padded by a few days, month ticks), one row per [`GanttRow`] under
/// its section heading, bars for date ranges (end day included), diamonds
/// for milestones, labels left of the bars. With no row the SVG says there
/// is nothing to draw. The output never depends on the clock.
pub fn gantt(rows: &[GanttRow], caption: &str) -> String {
    struct Placed<'a> {
        row: &'a GanttRow,
        label: String,
        first: Day,
        last: Day,
    }
    let mut sections: Vec<(String, Vec<Placed>)> = Vec::new();
    let mut section_at: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        let (start, end) = (row.start, if row.milestone { row.start } else { row.end });
        let (first, last) = if end < start { (end, start) } else { (start, end) };
        let label = truncate(&clean(&row.label).chars().collect::<Vec<_>>(), GANTT_LABEL_CELLS);
        let section = clean(&row.section);
        let k = *section_at.entry(section.clone()).or_insert_with(|| {
            sections.push((section, Vec::new()));
            sections.len() - 1
        });
        sections[k].1.push(Placed { row, label, first, last });
    }
    let all = || sections.iter().flat_map(|(_, rs)| rs.iter());
    let Some(min) = all().map(|p| p.first).min() else {
        return nothing("gantt", caption, "Nothing to draw");
    };
    let max_day = all().map(|p| p.last).max().unwrap_or(min);

    let mut hash = Fnv::new();
    hash.add("gantt");
    hash.add(caption);
    for r in rows {
        hash.add(&r.label);
        hash.add(&r.start.to_string());
        hash.add(&r.end.to_string());
    }
    let id = hash.prefix("gantt");

    // Axis: the days lo..hi (exclusive), px per day from the span.
    let lo = min.plus(-PAD_DAYS);
    let hi = max_day.plus(1 + PAD_DAYS);
    let span = hi.since(lo) as f64;
    // About 900px of chart, at most 40px a day and 4000px in all.
    let ppd = (900.0 / span).clamp(0.5, 40.0).min(4000.0 / span);
    let headed = sections.iter().any(|(s, _)| !s.is_empty());
    let indent = if headed { 20.0 } else { 10.0 };
    let label_w = sections
        .iter()
        .flat_map(|(s, rs)| {
            let head = text_px(&truncate(&s.chars().collect::<Vec<_>>(), GANTT_LABEL_CELLS), 7.6) + 10.0;
            rs.iter().map(|p| text_px(&p.label, CELL_PX) + indent).chain([head])
        })
        .fold(0.0, f64::max);
    let x0 = (label_w + 16.0).ceil();
    let xd = |day: Day| x0 + day.since(lo) as f64 * ppd;
    let width = xd(hi) + MARGIN;
    let row_count: usize = sections.iter().map(|(s, rs)| rs.len() + usize::from(!s.is_empty())).sum();
    let height = AXIS_H + row_count as f64 * ROW_H + MARGIN;

    let mut out = String::with_capacity(300 * rows.len() + 4096);
    open_svg(&mut out, &id, "gantt", width, height, caption);
    let _ = write!(out, "<style data-spec=\"\">\n{}</style>\n", gantt_css(&id));

    // Month ticks: every `step` months so labels stay >= 60px apart.
    let month_px = 30.44 * ppd;
    let step = [1i64, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000]
        .into_iter()
        .find(|s| month_px * *s as f64 >= 60.0)
        .unwrap_or(12_000);
    out.push_str("<g class=\"axis\" aria-hidden=\"true\">\n");
    let mut labelled = false;
    for day in month_starts(lo, hi, step) {
        let x = num(xd(day));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            num(AXIS_H - 8.0),
            num(height - MARGIN)
        );
        let month = MONTHS[day.month() as usize - 1];
        let text = if day.month() == 1 || !labelled { format!("{month} {}", day.year()) } else { month.to_owned() };
        if xd(day) + 3.0 + text_px(&text, 6.6) <= width {
            let _ = write!(out, "<text class=\"tick\" x=\"{}\" y=\"16\">{text}</text>", num(xd(day) + 3.0));
            labelled = true;
        }
        out.push('\n');
    }
    out.push_str("</g>\n");

    let mut top = AXIS_H;
    for (section, placed) in &sections {
        out.push_str("<g class=\"section\">\n");
        if !section.is_empty() {
            let title = truncate(&section.chars().collect::<Vec<_>>(), GANTT_LABEL_CELLS);
            let _ = writeln!(
                out,
                "<rect class=\"section-band\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>\
                 <text class=\"section-title\" x=\"8\" y=\"{}\">{}</text>",
                num(top + 2.0),
                num(width),
                num(ROW_H - 4.0),
                num(top + 17.5),
                escape::svg(&title)
            );
            top += ROW_H;
        }
        for p in placed {
            let class = class_name(p.row.class);
            let full = clean(&p.row.label);
            let when = if p.row.milestone {
                format!("{full}: {} (milestone)", p.first)
            } else {
                format!("{full}: {} to {}", p.first, p.last)
            };
            let href = p.row.href.as_deref().and_then(safe_href);
            let title_el = format!("<title>{}</title>", escape::svg(&when));
            match &href {
                Some(h) => {
                    let _ = write!(out, "<a href=\"{}\">{title_el}<g class=\"row {class}\">", escape::svg(h));
                }
                None => {
                    let _ = write!(out, "<g class=\"row {class}\">{title_el}");
                }
            }
            let _ = write!(
                out,
                "<text class=\"row-label\" x=\"{}\" y=\"{}\">{}</text>",
                num(indent),
                num(top + 17.0),
                escape::svg(&p.label)
            );
            let mid = top + ROW_H / 2.0;
            if p.row.milestone {
                let cx = xd(p.first) + ppd / 2.0;
                let r = 7.0;
                let _ = write!(
                    out,
                    "<polygon class=\"milestone {class}\" points=\"{},{} {},{} {},{} {},{}\"/>",
                    num(cx),
                    num(mid - r),
                    num(cx + r),
                    num(mid),
                    num(cx),
                    num(mid + r),
                    num(cx - r),
                    num(mid)
                );
            } else {
                let x = xd(p.first);
                let w = ((p.last.since(p.first) + 1) as f64 * ppd).max(3.0);
                let _ = write!(
                    out,
                    "<rect class=\"bar {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"3\"/>",
                    num(x),
                    num(mid - 8.0),
                    num(w)
                );
            }
            out.push_str("</g>");
            if href.is_some() {
                out.push_str("</a>");
            }
            out.push('\n');
            top += ROW_H;
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{day, sample_rows, well_formed};

    #[test]
    fn gantt_rows_sections_and_milestones() {
        let g = gantt(&sample_rows(), "Timeline");
        well_formed(&g);
        // Every row is drawn.
        assert_eq!(g.matches("class=\"bar ").count(), 2);
        assert_eq!(g.matches("<polygon class=\"milestone").count(), 2);
        // Sections in order of first appearance.
        let p1 = g.find(">Phase 1<").unwrap();
        let p2 = g.find(">Phase 2<").unwrap();
        let p3 = g.find(">Phase 3<").unwrap();
        assert!(p1 < p2 && p2 < p3);
        // Month ticks, the first with its year (the axis starts 2025-01-03).
        assert!(g.contains(">Feb 2025<"));
        assert!(g.contains(">Apr<"));
        assert_eq!(g.matches("<a href=\"phases/one.html\">").count(), 4);
        assert!(g.contains("<title>Beta: 2025-03-01 (milestone)</title>"));
        // A reversed range is swapped, not dropped.
        let mut rows = sample_rows();
        let first = &mut rows[0];
        std::mem::swap(&mut first.start, &mut first.end);
        assert!(gantt(&rows, "T").contains("Foundations: 2025-01-06 to 2025-02-28"));
        // An unlinked row holds its own title.
        rows[3].href = None;
        assert!(
            gantt(&rows, "T").contains("<g class=\"row inprogress\"><title>Launch: 2025-06-01 (milestone)</title>")
        );
        // Absurd but valid dates give a bounded chart.
        rows[1].start = day("0001-01-01");
        rows[2].end = day("9999-12-31");
        let wide = gantt(&rows, "T");
        well_formed(&wide);
        let width: f64 = wide.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(width < 4500.0, "{width}");
        assert!(wide.len() < 50_000);
    }
}
