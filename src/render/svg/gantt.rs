//! The timeline as a gantt chart ([`gantt`]): a date axis whose ticks follow
//! the span (days, weeks, months or years, [`super::axis`]), one row per
//! [`GanttRow`] under its section heading, bars for date ranges and
//! diamonds for milestones.
//!
//! The drawing is [`WIDTH`] units wide whatever the span: the label column
//! takes what its labels need up to [`MAX_LABEL_SHARE`] of it, the plot the
//! rest, so the chart fills a page column and scales down with a narrower
//! one (see `open_svg`). A label too long for its column wraps onto a
//! second line and is then cut with `…`; the row's `<title>` (its tooltip)
//! always holds the whole label, the note and the dates. For a phone,
//! [`gantt_narrow`] draws the same rows [`NARROW_WIDTH`] wide with each
//! label above its bar, so that text stays readable where the wide chart
//! would shrink to a third.

use super::axis::{TICK_PX, date_ticks};
use super::{
    CELL_PX, Fnv, HEAD_PX, MARGIN, NARROW_WIDTH, STATUS_CLASSES, base_css, class_name, clean, nothing, num, open_svg,
    safe_href, text_px, truncate, wrap,
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
    /// What the tooltip says after the label, in brackets (e.g. the status:
    /// `in progress`); empty for nothing.
    pub note: String,
}

/// Width of the drawing, in user units (CSS pixels at full size).
pub const WIDTH: f64 = 1100.0;
/// Room for a bar under its label in [`gantt_narrow`].
const BAR_ROW: f64 = 22.0;
/// Height of a bar: 16, 12 under a label in [`gantt_narrow`].
const BAR_H: f64 = 16.0;
const NARROW_BAR_H: f64 = 12.0;
/// The label column takes at most this share of [`WIDTH`].
const MAX_LABEL_SHARE: f64 = 0.36;
const ROW_H: f64 = 26.0;
/// Height a second label line adds to a row.
const LINE_H: f64 = 14.0;
const AXIS_H: f64 = 28.0;
const PAD_DAYS: i64 = 3;

fn gantt_css(id: &str, width: f64) -> String {
    let mut css = base_css(id, width);
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

/// The years a date axis spans, for the corner above the labels when the
/// ticks do not say them (`04-06`): `2026`, or `2025–2026`.
fn years(lo: Day, hi: Day) -> String {
    let (a, b) = (lo.year(), hi.plus(-1).year());
    if a == b { format!("{a:04}") } else { format!("{a:04}–{b:04}") }
}

/// A gantt chart as an SVG: a date axis from the earliest start to the latest
/// end (padded by a few days), one row per [`GanttRow`] under its section
/// heading, bars for date ranges (end day included), diamonds for
/// milestones, labels left of the bars. With no row the SVG says there is
/// nothing to draw. The output never depends on the clock.
pub fn gantt(rows: &[GanttRow], caption: &str) -> String {
    draw(rows, caption, false)
}

/// The same chart for a phone: [`NARROW_WIDTH`] wide, each label on its own
/// line above its bar, the plot across the whole width. A page shows it
/// instead of [`gantt`](fn@gantt) on a narrow screen (ids differ, so both
/// can be on one page).
pub fn gantt_narrow(rows: &[GanttRow], caption: &str) -> String {
    draw(rows, caption, true)
}

fn draw(rows: &[GanttRow], caption: &str, narrow: bool) -> String {
    struct Placed<'a> {
        row: &'a GanttRow,
        full: String,
        first: Day,
        last: Day,
    }
    let mut sections: Vec<(String, Vec<Placed>)> = Vec::new();
    let mut section_at: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        let (start, end) = (row.start, if row.milestone { row.start } else { row.end });
        let (first, last) = if end < start { (end, start) } else { (start, end) };
        let section = clean(&row.section);
        let k = *section_at.entry(section.clone()).or_insert_with(|| {
            sections.push((section, Vec::new()));
            sections.len() - 1
        });
        sections[k].1.push(Placed { row, full: clean(&row.label), first, last });
    }
    let all = || sections.iter().flat_map(|(_, rs)| rs.iter());
    let Some(min) = all().map(|p| p.first).min() else {
        return nothing("gantt", caption, "Nothing to draw", if narrow { "gantt-narrow" } else { "gantt" });
    };
    let max_day = all().map(|p| p.last).max().unwrap_or(min);

    let mut hash = Fnv::new();
    hash.add(if narrow { "gantt-narrow" } else { "gantt" });
    hash.add(caption);
    for r in rows {
        hash.add(&r.label);
        hash.add(&r.start.to_string());
        hash.add(&r.end.to_string());
    }
    let id = hash.prefix("gantt");

    // The label column: as wide as the longest label, up to its share;
    // labels wrap to fit it. Narrow: labels above the bars, across the width.
    let width = if narrow { NARROW_WIDTH } else { WIDTH };
    let headed = sections.iter().any(|(s, _)| !s.is_empty());
    let indent = if headed { 20.0 } else { 10.0 };
    let longest = all().map(|p| text_px(&p.full, CELL_PX)).fold(0.0, f64::max);
    let x0 = if narrow { MARGIN } else { (indent + longest + 16.0).min(WIDTH * MAX_LABEL_SHARE).ceil() };
    let label_end = if narrow { width - MARGIN } else { x0 - 12.0 };
    let label_cells = (((label_end - indent) / CELL_PX).floor() as usize).max(8);
    let head_cells = ((width - 16.0) / HEAD_PX).floor() as usize;

    // Axis: the days lo..hi (exclusive) over the rest of the width.
    let lo = min.plus(-PAD_DAYS);
    let hi = max_day.plus(1 + PAD_DAYS);
    let plot_w = width - MARGIN - x0;
    let ppd = plot_w / hi.since(lo) as f64;
    let xd = |day: Day| x0 + day.since(lo) as f64 * ppd;

    let lines: Vec<Vec<Vec<String>>> =
        sections.iter().map(|(_, rs)| rs.iter().map(|p| wrap(&p.full, label_cells, 2)).collect()).collect();
    // A row: its label's lines beside the bar, or above it when narrow.
    let label_h = |l: &[String]| LINE_H * l.len().max(1) as f64;
    let row_h = |l: &[String]| {
        if narrow { label_h(l) + BAR_ROW } else { ROW_H + LINE_H * (l.len().max(1) - 1) as f64 }
    };
    let body: f64 = sections
        .iter()
        .zip(&lines)
        .map(|((s, _), ls)| ls.iter().map(|l| row_h(l)).sum::<f64>() + if s.is_empty() { 0.0 } else { ROW_H })
        .sum();
    let height = AXIS_H + body + MARGIN;

    let mut out = String::with_capacity(300 * rows.len() + 4096);
    open_svg(&mut out, &id, "gantt", width, height, caption);
    let _ = write!(out, "<style data-spec=\"\">\n{}</style>\n", gantt_css(&id, width));

    out.push_str("<g class=\"axis\" aria-hidden=\"true\">\n");
    let ticks = date_ticks(lo, hi, ppd);
    if ticks.first().is_some_and(|(_, l)| l.len() == 5) && !narrow {
        let _ = writeln!(out, "<text class=\"tick\" x=\"8\" y=\"16\">{}</text>", years(lo, hi));
    }
    for (day, text) in &ticks {
        let x = num(xd(*day));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            num(AXIS_H - 8.0),
            num(height - MARGIN)
        );
        if xd(*day) + 3.0 + text_px(text, TICK_PX) <= width {
            let _ = write!(out, "<text class=\"tick\" x=\"{}\" y=\"16\">{text}</text>", num(xd(*day) + 3.0));
        }
        out.push('\n');
    }
    out.push_str("</g>\n");

    let mut top = AXIS_H;
    for ((section, placed), lines) in sections.iter().zip(&lines) {
        out.push_str("<g class=\"section\">\n");
        if !section.is_empty() {
            let title = truncate(&section.chars().collect::<Vec<_>>(), head_cells);
            // Cut short: the whole title as its tooltip.
            let whole =
                if title == *section { String::new() } else { format!("<title>{}</title>", escape::svg(section)) };
            let _ = writeln!(
                out,
                "<rect class=\"section-band\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>\
                 <text class=\"section-title\" x=\"8\" y=\"{}\">{whole}{}</text>",
                num(top + 2.0),
                num(width),
                num(ROW_H - 4.0),
                num(top + 17.5),
                escape::svg(&title)
            );
            top += ROW_H;
        }
        for (p, label) in placed.iter().zip(lines) {
            let class = class_name(p.row.class);
            let note = clean(&p.row.note);
            let named = if note.is_empty() { p.full.clone() } else { format!("{} ({note})", p.full) };
            let when = if p.row.milestone {
                format!("{named}: {} (milestone)", p.first)
            } else {
                format!("{named}: {} to {}", p.first, p.last)
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
            for (k, line) in label.iter().enumerate() {
                let _ = write!(
                    out,
                    "<text class=\"row-label\" x=\"{}\" y=\"{}\">{}</text>",
                    num(indent),
                    num(top + if narrow { 14.0 } else { 17.0 } + LINE_H * k as f64),
                    escape::svg(line)
                );
            }
            let h = row_h(label);
            // Narrow: the bar clear of the label's descenders.
            let bar_h = if narrow { NARROW_BAR_H } else { BAR_H };
            let mid = if narrow { top + label_h(label) + 5.0 + bar_h / 2.0 } else { top + h / 2.0 };
            if p.row.milestone {
                let cx = xd(p.first) + ppd / 2.0;
                let r = bar_h / 2.0 - 1.0;
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
                    "<rect class=\"bar {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                    num(x),
                    num(mid - bar_h / 2.0),
                    num(w),
                    num(bar_h)
                );
            }
            out.push_str("</g>");
            if href.is_some() {
                out.push_str("</a>");
            }
            out.push('\n');
            top += h;
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{day, number_after, sample_rows, svg_id, view_box, well_formed};

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
        // Five months: a tick every other Monday, the year in the corner.
        assert!(g.contains(">01-06<") && g.contains(">01-20<") && g.contains(">05-26<"), "{g}");
        assert!(g.contains("<text class=\"tick\" x=\"8\" y=\"16\">2025</text>"));
        assert_eq!(g.matches("<a href=\"phases/one.html\">").count(), 4);
        assert!(g.contains("<title>Beta: 2025-03-01 (milestone)</title>"));
        // The drawing fills the page's width and scales with it.
        assert_eq!(view_box(&g).0, WIDTH);
        let root = g.split('>').next().unwrap();
        assert!(root.contains(" width=\"100%\" ") && !root.contains(" height="), "{root}");
        // A reversed range is swapped, not dropped.
        let mut rows = sample_rows();
        let first = &mut rows[0];
        std::mem::swap(&mut first.start, &mut first.end);
        first.note = "in progress".into();
        assert!(gantt(&rows, "T").contains("<title>Foundations (in progress): 2025-01-06 to 2025-02-28</title>"));
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
        assert_eq!(view_box(&wide).0, WIDTH);
        assert!(wide.len() < 50_000);
    }

    #[test]
    fn ticks_follow_the_span() {
        let rows = |from: &str, to: &str| {
            let mut r = sample_rows();
            r.truncate(1);
            r[0].start = day(from);
            r[0].end = day(to);
            gantt(&r, "T")
        };
        // Two days of history: a tick a day, not one month label.
        let short = rows("2026-04-20", "2026-04-21");
        for d in ["04-17", "04-20", "04-21", "04-24"] {
            assert!(short.contains(&format!(">{d}<")), "{d}: {short}");
        }
        // Two years: months.
        let long = rows("2024-01-10", "2025-12-20");
        assert!(long.contains(">2024-03<") && long.contains(">2025-11<") && !long.contains(">01-"), "{long}");
    }

    #[test]
    fn long_labels_wrap_and_keep_their_text() {
        let mut r = sample_rows();
        let long = "refactor-enhance-infrastructure-and-the-remaining-forty-two-modules-of-the-flake";
        r[0].label = long.into();
        let g = gantt(&r, "T");
        well_formed(&g);
        // Two lines in the label column, the whole label in the tooltip.
        assert_eq!(g.matches("<text class=\"row-label\"").count(), 5);
        assert!(g.contains(&format!("<title>{long}: 2025-01-06 to 2025-02-28</title>")));
        // Never into the plot: the label column stays within its share.
        let ends: Vec<&str> = g.split("class=\"row-label\" x=\"20\" y=\"").skip(1).take(2).collect();
        let text = |s: &str| s.split('>').nth(1).unwrap().split('<').next().unwrap().to_owned();
        for e in ends {
            assert!(text_px(&text(e), CELL_PX) + 20.0 <= WIDTH * MAX_LABEL_SHARE, "{}", text(e));
        }
    }

    #[test]
    fn the_narrow_chart_puts_labels_above_bars() {
        let rows = sample_rows();
        let (wide, narrow) = (gantt(&rows, "T"), gantt_narrow(&rows, "T"));
        well_formed(&narrow);
        assert_eq!(view_box(&narrow).0, NARROW_WIDTH);
        assert_ne!(svg_id(&wide), svg_id(&narrow), "both can be on one page");
        // Each label starts at the indent and its bar lies below it.
        let label_y = number_after(&narrow, "class=\"row-label\" x=\"20\" y=\"");
        let bar = narrow.split("<rect class=\"bar ").nth(1).unwrap();
        let bar_y = number_after(bar, "y=\"");
        assert!(bar_y > label_y + 3.0, "{label_y} {bar_y}");
        assert_eq!(narrow.matches("<title>").count(), wide.matches("<title>").count());
        assert!(gantt_narrow(&[], "T").contains("Nothing to draw"));
        assert_ne!(svg_id(&gantt_narrow(&[], "T")), svg_id(&gantt(&[], "T")));
    }
}
