//! Diagrams drawn as static SVG for the HTML progress site: the dependency
//! graph ([`dependency_graph`]), the timeline ([`gantt`](fn@gantt)), the
//! burn-up chart ([`burnup`](fn@burnup)) and the hosts of a flake with the
//! module folders they run ([`host_map`]). No JavaScript, no fonts, no
//! network: pure functions that return one `<svg>` element as a string,
//! byte-identical for the same input.
//!
//! The folder follows a drawing from its input to its text:
//!
//! - this file: the input types of the dependency graph, the status
//!   classes, and what every diagram shares: text measured in terminal cells
//!   (`unicode-width`, so CJK and emoji count double), wrapped and
//!   truncated, escaped; coordinates, class names, links, id prefixes, the
//!   opening `<svg>` tag and the base stylesheet;
//! - `layout.rs`: the layered layout of the dependency graph (layers,
//!   crossing reduction, placement, swimlanes, routes), documented there;
//! - `graph.rs`: the dependency graph drawn from that layout;
//! - `axis.rs`: the date ticks the timeline and the burn-up share;
//! - `gantt.rs`: the timeline, one bar or diamond a row on a date axis;
//! - `burnup.rs`: the burn-up chart of the timeline page;
//! - `hosts.rs`: hosts and the groups of module folders they run.
//!
//! # Size
//!
//! Every diagram is drawn to a `viewBox` and takes the width of its
//! container (`width="100%"`, no height: the `viewBox` gives the aspect
//! ratio), capped by its own stylesheet at its natural width: it shrinks on
//! a phone and is never wider than the page. Layouts aim at the site's page
//! column, 1,100 px at full size.
//!
//! # Size
//!
//! Every diagram is drawn to a `viewBox` and takes the width of its
//! container (`width="100%"`, no height: the `viewBox` gives the aspect
//! ratio), capped by its own stylesheet at its natural width: it shrinks on
//! a phone and is never wider than the page. Layouts aim at the site's page
//! column, 1,100 px at full size.
//!
//! # Styling
//!
//! Every node or bar carries its status as a class (`class="node complete"`,
//! `class="bar inprogress"`, one of [`STATUS_CLASSES`] in practice). A small
//! `<style>` gives defaults through CSS custom properties with fallbacks:
//! `--{status}-bg`, `--{status}-border`, `--{status}-fg` for each status, and
//! `--text`, `--muted`, `--edge`, `--grid`, `--group-bg`, `--group-border`,
//! `--node-bg`, `--node-border`, `--node-fg`. Text outside nodes defaults to
//! `currentColor`, so an inline SVG follows the page's light or dark theme.
//! The rules are wrapped in `:where(#id …)`: they only reach this SVG (a
//! `<style>` in inline SVG applies to the whole document) and have zero
//! specificity, so any rule in the site stylesheet wins.
//!
//! # Safety and accessibility
//!
//! All input is untrusted. Text and attribute values are escaped by
//! [`escape::svg`] (`&`, `<`, `>`, `"`, `'`; characters XML cannot hold
//! become spaces or U+FFFD), class names are reduced to `[A-Za-z0-9_-]`, and
//! a link whose scheme is not `http`, `https` or `mailto` (`javascript:` …)
//! is dropped, leaving the node unlinked. The root is `role="group"` labelled by a `<title>` holding the
//! caption; each linked node or row is an `<a href>` (focusable by default)
//! whose first child is a `<title>`. Ids inside the SVG start with a prefix
//! hashed from the caption and the content, so two diagrams on one page do
//! not clash. No clock is read: "today" is not drawn.

mod axis;
mod burnup;
mod gantt;
mod graph;
mod hosts;
mod layout;

pub use burnup::{BurnupPoint, burnup, burnup_narrow};
pub use gantt::{GanttRow, gantt, gantt_narrow};
pub use graph::{dependency_graph, dependency_graph_sized};
pub use hosts::{MapCard, MapFolder, MapHost, host_map, host_map_narrow};

use super::escape;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// A box in the dependency graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgNode {
    /// Main text, e.g. the change id; wrapped onto two lines, then truncated.
    pub label: String,
    /// Second, smaller line, e.g. `45/100 tasks`; empty for none.
    pub sublabel: String,
    /// Status class: `complete`, `inprogress`, `planned`, `archived`, `missing`
    /// or `blocked` (see [`STATUS_CLASSES`]); others get the neutral style.
    pub class: &'static str,
    /// Relative link for the node, if any; wrapped in `<a href>`.
    pub href: Option<String>,
    /// Index into the `groups` slice; `None` (or out of range) for no group.
    pub group: Option<usize>,
    /// Full text for the tooltip and screen readers; empty means the label
    /// and sublabel.
    pub title: String,
}

/// An arrow between two nodes: indices into the node slice. The arrow is drawn
/// from `from` (the dependency) to `to` (the change that waits for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SvgEdge {
    /// The dependency.
    pub from: usize,
    /// The change that depends on `from`.
    pub to: usize,
    /// Dashed line (e.g. an inferred dependency).
    pub dashed: bool,
}

/// A group of nodes (a phase), drawn as a labelled band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgGroup {
    /// Shown at the top left of the band.
    pub title: String,
}

/// The status classes styled by default, with their fallback colours
/// (background, border, text), the same as the mermaid diagrams use.
pub const STATUS_CLASSES: &[(&str, &str, &str, &str)] = &[
    ("complete", "#b7e4c7", "#2d6a4f", "#081c15"),
    ("inprogress", "#ffe066", "#b08900", "#3d2e00"),
    ("planned", "#cfe2ff", "#3a5a99", "#0b1f44"),
    ("archived", "#e9ecef", "#6c757d", "#343a40"),
    ("missing", "#ffffff", "#c92a2a", "#c92a2a"),
    ("blocked", "#ffc9c9", "#c92a2a", "#5c0a0a"),
    ("forecast", "#e5dbff", "#7048e8", "#2b1a66"),
];

const FONT: &str = "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif";

/// Width of the phone variants of the diagrams ([`gantt_narrow`],
/// [`burnup_narrow`], [`host_map_narrow`]): a page shows them instead of the
/// wide ones on a narrow screen, where those would shrink to a third.
pub const NARROW_WIDTH: f64 = 400.0;

/// Pixels per terminal cell of a 12px semibold title (a section, a card): a
/// little wider than [`CELL_PX`].
const HEAD_PX: f64 = 7.6;

/// Pixels per terminal cell of 12px text (a node label is 12px semibold).
const CELL_PX: f64 = 7.2;
/// Space around a diagram.
const MARGIN: f64 = 12.0;

// ---------------------------------------------------------------------------
// Text helpers

/// Display text: control characters become spaces, runs of whitespace one
/// space, no leading or trailing whitespace.
fn clean(text: &str) -> String {
    let spaced: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Terminal cells of one character (0 for combining marks).
fn cell(c: char) -> usize {
    c.width().unwrap_or(0)
}

fn cells(text: &str) -> usize {
    text.chars().map(cell).sum()
}

/// Estimated rendered width of `text` at `per_cell` pixels per cell.
fn text_px(text: &str, per_cell: f64) -> f64 {
    cells(text) as f64 * per_cell
}

/// At most `max` cells of `chars`, ending in `…` when cut.
fn truncate(chars: &[char], max: usize) -> String {
    if chars.iter().copied().map(cell).sum::<usize>() <= max {
        return chars.iter().collect();
    }
    let mut out = String::new();
    let mut used = 0;
    for &c in chars {
        if used + cell(c) + 1 > max {
            break;
        }
        used += cell(c);
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Wrap `text` (already [`clean`]) into lines of at most `max` cells, at most
/// `max_lines` of them, breaking after `-`, `_`, `/`, `.` or at a space when
/// one is far enough along, mid-word otherwise; the last line is truncated.
fn wrap(text: &str, max: usize, max_lines: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut rest: &[char] = &chars;
    let mut lines = Vec::new();
    while !rest.is_empty() && max_lines > 0 {
        if lines.len() + 1 == max_lines {
            lines.push(truncate(rest, max));
            break;
        }
        if rest.iter().copied().map(cell).sum::<usize>() <= max {
            lines.push(rest.iter().collect());
            break;
        }
        // The longest prefix that fits.
        let mut used = 0;
        let mut fit = 0;
        for &c in rest {
            if used + cell(c) > max {
                break;
            }
            used += cell(c);
            fit += 1;
        }
        let fit = fit.max(1);
        // (end of this line, start of the next): at a space just after the
        // prefix, else at the prefix's last space, else its last other break
        // opportunity, if not too close to the start; else mid-word.
        let space = (fit / 3..fit).rev().find(|&i| rest[i] == ' ').map(|i| (i, i + 1));
        let other = || (fit / 3..fit).rev().find(|&i| matches!(rest[i], '-' | '_' | '/' | '.')).map(|i| (i + 1, i + 1));
        let cut = if rest.get(fit) == Some(&' ') { (fit, fit + 1) } else { space.or_else(other).unwrap_or((fit, fit)) };
        let line: String = rest[..cut.0].iter().collect();
        lines.push(line.trim_end().to_owned());
        rest = &rest[cut.1..];
        while rest.first() == Some(&' ') {
            rest = &rest[1..];
        }
    }
    lines
}

/// A coordinate: rounded to one decimal, written without a trailing `.0`.
fn num(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let (sign, a) = if tenths < 0 { ("-", -tenths) } else { ("", tenths) };
    if a % 10 == 0 { format!("{sign}{}", a / 10) } else { format!("{sign}{}.{}", a / 10, a % 10) }
}

/// A class name reduced to `[A-Za-z0-9_-]`, never empty.
fn class_name(class: &str) -> String {
    let c: String = class.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    if c.is_empty() { "unknown".to_owned() } else { c }
}

/// The link to emit, or `None` for an empty link or one whose scheme could run
/// script (anything but `http`, `https` and `mailto`; browsers ignore
/// whitespace and control characters inside a scheme, so we do too).
fn safe_href(href: &str) -> Option<String> {
    let squeezed: String = href.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    if squeezed.is_empty() {
        return None;
    }
    if let Some(colon) = squeezed.find(':') {
        let scheme = &squeezed[..colon];
        if !scheme.contains(['/', '?', '#'])
            && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        {
            return None;
        }
    }
    Some(href.trim().to_owned())
}

/// FNV-1a, for id prefixes.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn add(&mut self, text: &str) {
        for b in text.bytes().chain([0xff]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    /// `spec-{kind}-xxxxxxxx`.
    fn prefix(&self, kind: &str) -> String {
        format!("spec-{kind}-{:08x}", (self.0 ^ (self.0 >> 32)) as u32)
    }
}

/// The opening `<svg>` tag and its `<title>`. The drawing is `width` ×
/// `height` user units; it takes the width of its container (`width="100%"`,
/// the height following from the `viewBox`) and, through [`base_css`], is
/// never drawn wider than `width` CSS pixels: it shrinks to fit a narrow
/// page and does not grow past its own size on a wide one.
fn open_svg(out: &mut String, id: &str, kind: &str, width: f64, height: f64, caption: &str) {
    let (w, h) = (num(width.ceil()), num(height.ceil()));
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"spec-{kind}\" viewBox=\"0 0 {w} {h}\" \
         width=\"100%\" role=\"group\" aria-labelledby=\"{id}-title\">\n\
         <title id=\"{id}-title\">{}</title>\n",
        escape::svg(&clean(caption))
    );
}

/// The small SVG for empty input, saying `message` (e.g. "Nothing to draw");
/// `variant` tells apart the ids of two drawings of one input (`gantt`,
/// `gantt-narrow`).
fn nothing(kind: &str, caption: &str, message: &str, variant: &str) -> String {
    let mut h = Fnv::new();
    h.add(variant);
    h.add(caption);
    let id = h.prefix(kind);
    let mut out = String::new();
    open_svg(&mut out, &id, kind, 240.0, 40.0, caption);
    let _ = write!(
        out,
        "<style data-spec=\"\">:where(#{id}){{max-width:240px}}\
         :where(#{id} text){{fill:var(--muted,currentColor);font:italic 13px {FONT}}}</style>\n\
         <text x=\"12\" y=\"25\">{message}</text>\n</svg>"
    );
    out
}

/// The shared part of the stylesheet; `width` is the drawing's own width
/// (see [`open_svg`]).
fn base_css(id: &str, width: f64) -> String {
    format!(
        ":where(#{id}){{max-width:{}px;height:auto;font-family:{FONT};font-size:12px}}\n\
         :where(#{id} text){{fill:var(--text,currentColor)}}\n\
         :where(#{id} a){{cursor:pointer}}\n",
        num(width.ceil())
    )
}

/// The colours of boxes by status class (`<g class="node complete">` with
/// a `.box` and text inside), for the given classes of [`STATUS_CLASSES`].
fn box_css(css: &mut String, id: &str, classes: &[(&str, &str, &str, &str)]) {
    for (name, bg, border, fg) in classes {
        let _ = writeln!(
            css,
            ":where(#{id} .{name}>.box){{fill:var(--{name}-bg,{bg});stroke:var(--{name}-border,{border})}}\
             :where(#{id} .{name}>text){{fill:var(--{name}-fg,{fg})}}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Day;

    /// A small XML well-formedness check: balanced, properly nested tags,
    /// quoted attributes without duplicates, entities only from the escaper's
    /// set, one root `<svg>`.
    pub(super) fn well_formed(s: &str) {
        assert!(s.starts_with("<svg "), "starts with <svg: {}", &s[..s.len().min(40)]);
        assert!(s.ends_with("</svg>"));
        let check_entities = |text: &str| {
            for (i, _) in text.match_indices('&') {
                let rest = &text[i..];
                let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| rest.starts_with(e));
                assert!(ok, "bare & in {text:?}");
            }
        };
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = s;
        let mut roots = 0;
        while let Some(i) = rest.find('<') {
            check_entities(&rest[..i]);
            if stack.is_empty() {
                assert!(rest[..i].trim().is_empty(), "text outside the root");
            }
            let j = i + rest[i..].find('>').expect("unclosed tag");
            let tag = &rest[i + 1..j];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            } else {
                let self_closing = tag.ends_with('/');
                let body = tag.trim_end_matches('/');
                let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
                let name = &body[..name_end];
                assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'));
                let mut attrs = body[name_end..].trim_start();
                let mut seen = Vec::new();
                while !attrs.is_empty() {
                    let eq = attrs.find('=').expect("attribute without value");
                    let an = &attrs[..eq];
                    assert!(an.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'), "attr {an:?}");
                    assert!(!seen.contains(&an), "duplicate attribute {an}");
                    seen.push(an);
                    let after = &attrs[eq + 1..];
                    assert!(after.starts_with('"'), "unquoted attribute {an}");
                    let close = after[1..].find('"').expect("unterminated attribute") + 1;
                    let value = &after[1..close];
                    assert!(!value.contains('<'));
                    check_entities(value);
                    attrs = after[close + 1..].trim_start();
                }
                if stack.is_empty() {
                    roots += 1;
                }
                if !self_closing {
                    stack.push(name);
                }
            }
            rest = &rest[j + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        assert!(rest.is_empty());
        assert_eq!(roots, 1);
    }

    /// The number written right after the first `marker` (`y="` …), up to
    /// the closing quote.
    pub(super) fn number_after(svg: &str, marker: &str) -> f64 {
        let rest = svg.split(marker).nth(1).unwrap_or_else(|| panic!("no {marker:?} in {svg}"));
        rest.split('"').next().unwrap().parse().unwrap()
    }

    /// Width and height of the root's `viewBox`.
    pub(super) fn view_box(svg: &str) -> (f64, f64) {
        let v: Vec<f64> = svg
            .split("viewBox=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        (v[2], v[3])
    }

    /// The root's id.
    pub(super) fn svg_id(svg: &str) -> String {
        svg.split("id=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
    }

    pub(super) fn node(label: &str, class: &'static str, group: Option<usize>) -> SvgNode {
        SvgNode {
            label: label.into(),
            sublabel: "3/10 tasks".into(),
            class,
            href: Some(format!("changes/{label}.html")),
            group,
            title: format!("{label}: 3 of 10 tasks"),
        }
    }

    pub(super) fn edge(from: usize, to: usize) -> SvgEdge {
        SvgEdge { from, to, dashed: false }
    }

    pub(super) fn sample() -> (Vec<SvgNode>, Vec<SvgEdge>, Vec<SvgGroup>) {
        let nodes = vec![
            node("add-auth", "complete", Some(0)),
            node("refactor-enhance-infrastructure", "inprogress", Some(0)),
            node("add-billing", "planned", Some(1)),
            node("old-thing", "archived", None),
            node("ghost", "missing", Some(1)),
        ];
        let edges = vec![edge(0, 1), edge(1, 2), edge(0, 2), edge(3, 2), SvgEdge { from: 4, to: 2, dashed: true }];
        let groups = vec![SvgGroup { title: "Phase 1".into() }, SvgGroup { title: "Phase 2".into() }];
        (nodes, edges, groups)
    }

    /// The day of a `YYYY-MM-DD` the test knows to be real.
    pub(super) fn day(text: &str) -> Day {
        Day::parse(text).expect("a real day")
    }

    pub(super) fn sample_rows() -> Vec<GanttRow> {
        let row = |label: &str, start: &str, end: &str, milestone: bool, section: &str| GanttRow {
            label: label.into(),
            start: day(start),
            end: day(end),
            class: "inprogress",
            milestone,
            href: Some("phases/one.html".into()),
            section: section.into(),
            note: String::new(),
        };
        vec![
            row("Foundations", "2025-01-06", "2025-02-28", false, "Phase 1"),
            row("Beta", "2025-03-01", "2025-03-01", true, "Phase 1"),
            row("Billing", "2025-03-01", "2025-05-15", false, "Phase 2"),
            row("Launch", "2025-06-01", "2025-06-01", true, "Phase 3"),
        ]
    }

    #[test]
    fn output_is_well_formed() {
        let (nodes, edges, groups) = sample();
        let svg = dependency_graph(&nodes, &edges, &groups, "Dependencies");
        well_formed(&svg);
        assert!(svg.contains("role=\"group\""));
        assert!(svg.contains("<title id=\"spec-graph-"));
        assert!(svg.contains("class=\"node complete\""));
        assert!(svg.contains("class=\"group-title\""));
        let g = gantt(&sample_rows(), "Timeline");
        well_formed(&g);
        assert!(g.contains("class=\"bar inprogress\""));
    }

    #[test]
    fn empty_inputs_say_so() {
        for svg in [dependency_graph(&[], &[edge(0, 1)], &[], "Nothing"), gantt(&[], "Nothing")] {
            well_formed(&svg);
            assert!(svg.contains("Nothing to draw"));
            assert!(svg.len() < 1000);
        }
    }

    #[test]
    fn hostile_text_is_escaped() {
        let evil = "<script>alert(\"x\")</script> & 'q' \u{0}\u{1b}";
        let nodes = vec![
            SvgNode {
                label: evil.into(),
                sublabel: evil.into(),
                class: "complete\" onload=\"x",
                href: Some("\"><script>alert(1)</script>".into()),
                group: Some(0),
                title: evil.into(),
            },
            SvgNode { href: Some(" java\tscript:alert(1)".into()), ..node("b", "planned", Some(0)) },
            SvgNode { href: Some("JAVASCRIPT:alert(1)".into()), ..node("c", "planned", None) },
            SvgNode { href: Some("data:text/html,<b>".into()), ..node("d", "planned", None) },
        ];
        let groups = vec![SvgGroup { title: evil.into() }];
        let svg = dependency_graph(&nodes, &[edge(0, 1)], &groups, evil);
        well_formed(&svg);
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("&quot;x&quot;"));
        assert!(svg.contains("&#39;q&#39;"));
        assert!(svg.contains("&amp;"));
        assert!(!svg.to_ascii_lowercase().contains("script:"));
        assert!(!svg.contains("data:"));
        assert!(!svg.contains(" onload="));
        assert!(!svg.contains('\u{0}') && !svg.contains('\u{1b}'));
        let rows = vec![GanttRow {
            label: evil.into(),
            start: day("2025-01-01"),
            end: day("2025-01-09"),
            class: "planned",
            milestone: false,
            href: Some("a?b=1&c=\"2\"".into()),
            section: evil.into(),
            note: evil.into(),
        }];
        let g = gantt(&rows, evil);
        well_formed(&g);
        assert!(!g.contains("<script"));
        assert!(g.contains("href=\"a?b=1&amp;c=&quot;2&quot;\""));
    }

    #[test]
    fn deterministic_and_ids_prefixed() {
        let (nodes, edges, groups) = sample();
        let a = dependency_graph(&nodes, &edges, &groups, "Dependencies");
        let b = dependency_graph(&nodes, &edges, &groups, "Dependencies");
        assert_eq!(a, b);
        assert_eq!(gantt(&sample_rows(), "T"), gantt(&sample_rows(), "T"));
        let other = dependency_graph(&nodes, &edges, &groups, "Phase 2 only");
        let id = |s: &str| s.split("id=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert_ne!(id(&a), id(&other));
        // Every id and reference in one SVG carries its prefix.
        let prefix = id(&a);
        for part in a.split(" id=\"").skip(1) {
            assert!(part.starts_with(&prefix));
        }
        for part in a.split("url(#").skip(1) {
            assert!(part.starts_with(&prefix));
        }
        assert!(a.contains(&format!("aria-labelledby=\"{prefix}-title\"")));
        assert!(a.contains(&format!(":where(#{prefix} ")));
    }

    #[test]
    fn long_labels_wrap_and_truncate() {
        assert_eq!(wrap("refactor-enhance-infrastructure", 26, 2), vec!["refactor-enhance-", "infrastructure"]);
        assert_eq!(wrap("short", 26, 2), vec!["short"]);
        let long = "a-very-long-change-name-that-goes-on-and-on-and-on-forever";
        let lines = wrap(long, 26, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| cells(l) <= 26));
        assert_eq!(wrap("x".repeat(30).as_str(), 26, 2), vec!["x".repeat(26), "xxxx".into()]);
        assert_eq!(wrap("add the user authentication flow", 26, 2), vec!["add the user", "authentication flow"]);
        assert_eq!(wrap("aaaaaaaaaaaaaaaaaaaaaaaaaa bb", 26, 2), vec!["a".repeat(26), "bb".into()]);
        // A space wins over a later hyphen: names in a list stay whole.
        assert_eq!(wrap("host-1, host-2, host-3", 18, 2), vec!["host-1, host-2,", "host-3"]);
        // CJK counts double.
        let cjk = "日本語のチェンジ名前がとても長い場合";
        assert!(wrap(cjk, 26, 2).iter().all(|l| cells(l) <= 26));
        assert_eq!(cells("日本"), 4);
    }

    #[test]
    fn numbers_have_one_decimal_at_most() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(3.25), "3.3");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(-0.01), "0");
    }
}
