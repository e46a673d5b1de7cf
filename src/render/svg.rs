//! Diagrams drawn as static SVG for the HTML progress site: the dependency
//! graph ([`dependency_graph`]) and the timeline ([`gantt`]). No JavaScript,
//! no fonts, no network: pure functions that return one `<svg>` element as a
//! string, byte-identical for the same input.
//!
//! # Dependency graph layout
//!
//! A layered (Sugiyama style) drawing, left to right: a change's dependencies
//! stand in the columns to its left. Left to right suits roadmaps, which are
//! wide and shallow (many independent changes, few long chains), and labels
//! like `refactor-enhance-infrastructure`: columns are as wide as their widest
//! label and a crowded column grows downwards, where pages scroll.
//!
//! 1. Edges with an endpoint out of range and self-loops are ignored;
//!    duplicate edges are drawn once (solid if any copy is solid).
//! 2. Cycles are broken by a depth-first search in index order: every back
//!    edge is reversed for the layout (its arrow still points from `from` to
//!    `to`, and it gets the class `cycle` so a stylesheet can flag it).
//! 3. Layers by longest path from the sources (a change with no dependency is
//!    in column 0).
//! 4. An edge spanning several layers gets a virtual node in every layer it
//!    crosses, so it is routed between the nodes of those columns.
//! 5. Order within a layer: 8 rounds of barycenter sweeps (down, then up);
//!    the ordering with the fewest crossings (counted exactly, with a Fenwick
//!    tree per layer pair) wins. Each sweep costs O(E log E) in the edges
//!    between adjacent layers, never a full node pair scan.
//! 6. Vertical placement: every node is pulled towards the mean position of
//!    its neighbours in the adjacent layers, then the layer is made legal
//!    again (order kept, minimum gaps) by isotonic regression (pool adjacent
//!    violators), which is the least-squares solution and runs in linear time.
//!    A few rounds straighten chains and centre parents on their children.
//! 7. Edges are cubic Béziers with horizontal tangents between layers and
//!    straight runs through the columns they cross; several edges meeting a
//!    node side are spread over it in the order of their other ends.
//!
//! Groups (phases) are horizontal *swimlanes*: the nodes of one group, and the
//! virtual nodes of edges leaving it, occupy one band of rows, and the band is
//! drawn as a labelled rounded box spanning the columns that hold the group's
//! nodes. Within a layer the order is therefore group-major; the barycenter
//! sweeps reorder nodes inside their band. Bands are stacked in group order,
//! nodes with no group (or an unknown group index) last and without a box.
//! This was chosen over a box around each group's bounding box: bounding
//! boxes of groups that share layers overlap as soon as the crossing
//! reduction interleaves them; bands cannot overlap by construction. The cost
//! is height: a graph whose phases occupy disjoint columns still stacks them.
//!
//! Text width is estimated (7.2 px per terminal cell at 12 px, so CJK and
//! emoji count double via `unicode-width`); labels longer than 26 cells are
//! wrapped at `-`, `_`, `/`, `.` or spaces onto at most two lines and then
//! truncated with `…`; the full text stays in each node's `<title>`.
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
//! All input is untrusted. Text and attribute values are escaped (`&`, `<`,
//! `>`, `"`, `'`), characters XML cannot hold become spaces or U+FFFD, class
//! names are reduced to `[A-Za-z0-9_-]`, and a link whose scheme is not
//! `http`, `https` or `mailto` (`javascript:` …) is dropped, leaving the node
//! unlinked. The root is `role="group"` labelled by a `<title>` holding the
//! caption; each linked node or row is an `<a href>` (focusable by default)
//! whose first child is a `<title>`. Ids inside the SVG start with a prefix
//! hashed from the caption and the content, so two diagrams on one page do
//! not clash. No clock is read: "today" is not drawn.

use std::collections::BTreeMap;
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

/// One row of the gantt chart: a bar from `start` to `end` (both inclusive)
/// or, when `milestone`, a diamond on `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GanttRow {
    /// Text left of the bar.
    pub label: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`; equal to `start` for a milestone (and ignored
    /// then). An end before the start is swapped with it.
    pub end: String,
    /// Status class, as for [`SvgNode::class`].
    pub class: &'static str,
    /// Draw a diamond on `start` instead of a bar.
    pub milestone: bool,
    /// Relative link for the row, if any.
    pub href: Option<String>,
    /// Section heading the row is listed under (sections in order of first
    /// appearance; an empty section has no heading).
    pub section: String,
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
];

pub(crate) const FONT: &str = "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif";

// ---------------------------------------------------------------------------
// Text helpers

/// Whether XML 1.0 can hold the character at all (even escaped).
fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Escape text or an attribute value. Tabs and line breaks become spaces and
/// characters XML cannot hold become U+FFFD, so the output is well-formed.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Display text: control characters become spaces, runs of whitespace one
/// space, no leading or trailing whitespace.
pub(crate) fn clean(text: &str) -> String {
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
pub(crate) fn text_px(text: &str, per_cell: f64) -> f64 {
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
        // prefix, else at the prefix's last break opportunity if it is not
        // too close to the start, else mid-word.
        let cut = if rest.get(fit) == Some(&' ') {
            (fit, fit + 1)
        } else {
            (fit / 3..fit)
                .rev()
                .find_map(|i| match rest[i] {
                    ' ' => Some((i, i + 1)),
                    '-' | '_' | '/' | '.' => Some((i + 1, i + 1)),
                    _ => None,
                })
                .unwrap_or((fit, fit))
        };
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
pub(crate) fn num(x: f64) -> String {
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
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub(crate) fn add(&mut self, text: &str) {
        for b in text.bytes().chain([0xff]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    /// `spec-{kind}-xxxxxxxx`.
    pub(crate) fn prefix(&self, kind: &str) -> String {
        format!("spec-{kind}-{:08x}", (self.0 ^ (self.0 >> 32)) as u32)
    }
}

/// The opening `<svg>` tag and its `<title>`.
pub(crate) fn open_svg(out: &mut String, id: &str, kind: &str, width: f64, height: f64, caption: &str) {
    let (w, h) = (num(width.ceil()), num(height.ceil()));
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"spec-{kind}\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"group\" aria-labelledby=\"{id}-title\">\n\
         <title id=\"{id}-title\">{}</title>\n",
        esc(&clean(caption))
    );
}

/// The small SVG for empty input.
fn nothing(kind: &str, caption: &str) -> String {
    let mut h = Fnv::new();
    h.add(kind);
    h.add(caption);
    let id = h.prefix(kind);
    let mut out = String::new();
    open_svg(&mut out, &id, kind, 240.0, 40.0, caption);
    let _ = write!(
        out,
        "<style data-spec=\"\">:where(#{id} text){{fill:var(--muted,currentColor);font:italic 13px {FONT}}}</style>\n\
         <text x=\"12\" y=\"25\">Nothing to draw</text>\n</svg>"
    );
    out
}

/// The shared part of the stylesheet.
pub(crate) fn base_css(id: &str) -> String {
    format!(
        ":where(#{id}){{font-family:{FONT};font-size:12px}}\n\
         :where(#{id} text){{fill:var(--text,currentColor)}}\n\
         :where(#{id} a){{cursor:pointer}}\n"
    )
}

// ---------------------------------------------------------------------------
// Dependency graph: geometry

const CELL_PX: f64 = 7.2; // label, 12px semibold
const SUB_CELL_PX: f64 = 6.4; // sublabel, 11px
const LABEL_CELLS: usize = 26;
const SUB_CELLS: usize = 34;
const PAD_X: f64 = 12.0;
const PAD_TOP: f64 = 7.0;
const PAD_BOTTOM: f64 = 7.0;
const LINE: f64 = 15.0;
const SUB_LINE: f64 = 14.0;
const MIN_W: f64 = 72.0;
const COL_GAP: f64 = 80.0;
const MARGIN: f64 = 12.0;
const GROUP_PAD: f64 = 12.0;
const GROUP_HEAD: f64 = 24.0;
const BAND_GAP: f64 = 16.0;
const SWEEPS: usize = 8;
const PLACE_PASSES: usize = 10;

/// Text and size of one node.
#[derive(Debug, Clone)]
struct Shape {
    lines: Vec<String>,
    sub: String,
    w: f64,
    h: f64,
}

fn shape(node: &SvgNode) -> Shape {
    let label = clean(&node.label);
    let mut lines = wrap(&label, LABEL_CELLS, 2);
    if lines.is_empty() {
        lines.push(String::new());
    }
    let sub_chars: Vec<char> = clean(&node.sublabel).chars().collect();
    let sub = truncate(&sub_chars, SUB_CELLS);
    let text_w = lines.iter().map(|l| text_px(l, CELL_PX)).fold(text_px(&sub, SUB_CELL_PX), f64::max);
    let w = (text_w + 2.0 * PAD_X).max(MIN_W).ceil();
    let h = PAD_TOP + LINE * lines.len() as f64 + if sub.is_empty() { 0.0 } else { SUB_LINE } + PAD_BOTTOM;
    Shape { lines, sub, w, h }
}

/// A placed node: top left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// One drawn edge.
#[derive(Debug, Clone)]
struct Route {
    /// Index into the input edges (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    edge: usize,
    dashed: bool,
    /// Reversed to break a cycle.
    reversed: bool,
    /// From the `from` node's side to the `to` node's side, through two
    /// points per virtual node (its column's left and right edge) and, next
    /// to a node narrower than its column, the column's edge.
    points: Vec<(f64, f64)>,
}

/// A group's box.
#[derive(Debug, Clone)]
struct GroupBox {
    group: usize,
    rect: Rect,
}

/// The finished geometry of a dependency graph.
#[derive(Debug, Clone)]
struct Layout {
    width: f64,
    height: f64,
    shapes: Vec<Shape>,
    rects: Vec<Rect>,
    /// Layer of each node (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    layer: Vec<usize>,
    routes: Vec<Route>,
    boxes: Vec<GroupBox>,
}

/// Count crossings between one layer and the next: the inversions among the
/// lower ends when the segments are sorted by upper end (Barth, Jünger,
/// Mutzel), with a Fenwick tree.
fn crossings(upper: &[usize], lower_len: usize, down: &[Vec<usize>], pos: &[usize], seq: &mut Vec<usize>) -> u64 {
    seq.clear();
    for &u in upper {
        let start = seq.len();
        seq.extend(down[u].iter().map(|&v| pos[v]));
        seq[start..].sort_unstable();
    }
    let mut tree = vec![0u32; lower_len + 1];
    let mut total = 0u64;
    for (k, &x) in seq.iter().enumerate() {
        // How many of the k already seen are <= x.
        let mut at_most = 0u64;
        let mut i = x + 1;
        while i > 0 {
            at_most += u64::from(tree[i]);
            i &= i - 1;
        }
        total += k as u64 - at_most;
        let mut i = x + 1;
        while i <= lower_len {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    total
}

fn total_crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize], seq: &mut Vec<usize>) -> u64 {
    layers.windows(2).map(|w| crossings(&w[0], w[1].len(), down, pos, seq)).sum()
}

/// Least-squares positions for one run of items in layer order, written to
/// `out`: as close to `want` as possible while each centre is at least
/// `sep[i]` below the previous one and the first centre at least
/// `first_half` (pool adjacent violators on the centres minus their minimal
/// offsets; `blocks` is scratch space).
fn legalise(want: &[f64], sep: &[f64], first_half: f64, blocks: &mut Vec<(f64, usize)>, out: &mut [f64]) {
    blocks.clear();
    let mut off = 0.0;
    for (i, &w) in want.iter().enumerate() {
        if i > 0 {
            off += sep[i - 1];
        }
        blocks.push((w - off, 1));
        while let [.., (s0, c0), (s1, c1)] = blocks[..] {
            if s0 / c0 as f64 <= s1 / c1 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s0 + s1, c0 + c1);
        }
    }
    let mut i = 0;
    let mut off = 0.0;
    for &(s, c) in blocks.iter() {
        let z = (s / c as f64).max(first_half);
        for _ in 0..c {
            if i > 0 {
                off += sep[i - 1];
            }
            out[i] = z + off;
            i += 1;
        }
    }
}

fn layout(nodes: &[SvgNode], edges: &[SvgEdge], groups: &[SvgGroup]) -> Layout {
    let n = nodes.len();
    let shapes: Vec<Shape> = nodes.iter().map(shape).collect();

    // 1. Usable edges, each pair once (solid wins).
    let mut kept: Vec<SvgEdge> = Vec::new();
    let mut kept_from: Vec<usize> = Vec::new(); // input index
    let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (i, e) in edges.iter().enumerate() {
        if e.from >= n || e.to >= n || e.from == e.to {
            continue;
        }
        match seen.get(&(e.from, e.to)) {
            Some(&k) => kept[k].dashed &= e.dashed,
            None => {
                seen.insert((e.from, e.to), kept.len());
                kept.push(*e);
                kept_from.push(i);
            }
        }
    }
    let m = kept.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, e) in kept.iter().enumerate() {
        out_edges[e.from].push(k);
    }

    // 2. Break cycles: reverse back edges of a DFS in index order.
    let mut reversed = vec![false; m];
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut stack = vec![(root, 0usize)];
        while let Some(top) = stack.last_mut() {
            let u = top.0;
            if top.1 < out_edges[u].len() {
                let k = out_edges[u][top.1];
                top.1 += 1;
                let v = kept[k].to;
                match state[v] {
                    0 => {
                        state[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => reversed[k] = true,
                    _ => {}
                }
            } else {
                state[u] = 2;
                stack.pop();
            }
        }
    }
    let dag: Vec<(usize, usize)> =
        kept.iter().zip(&reversed).map(|(e, &r)| if r { (e.to, e.from) } else { (e.from, e.to) }).collect();

    // 3. Longest-path layers, in a topological order (Kahn, index order).
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for &(s, t) in &dag {
        succ[s].push(t);
        indeg[t] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    while let Some(u) = queue.pop_front() {
        for &v in &succ[u] {
            layer[v] = layer[v].max(layer[u] + 1);
            indeg[v] -= 1;
            if indeg[v] == 0 {
                queue.push_back(v);
            }
        }
    }
    let layer_count = layer.iter().max().map_or(0, |l| l + 1);

    // Bands: group index, ungrouped last.
    let ungrouped = groups.len();
    let node_band = |v: usize| nodes[v].group.filter(|&g| g < groups.len()).unwrap_or(ungrouped);

    // 4. Items: the real nodes, then virtual nodes; chains of items per edge.
    let mut item_layer: Vec<usize> = layer.clone();
    let mut item_band: Vec<usize> = (0..n).map(node_band).collect();
    let mut item_h: Vec<f64> = shapes.iter().map(|s| s.h).collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(m);
    for &(s, t) in &dag {
        let mut chain = vec![s];
        for l in layer[s] + 1..layer[t] {
            chain.push(item_layer.len());
            item_layer.push(l);
            item_band.push(item_band[s]);
            item_h.push(0.0);
        }
        chain.push(t);
        chains.push(chain);
    }
    let items = item_layer.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); items];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); items];
    for chain in &chains {
        for w in chain.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }

    // 5. Order within layers: barycenter sweeps, keeping the best.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for i in 0..items {
        layers[item_layer[i]].push(i);
    }
    for l in &mut layers {
        l.sort_by_key(|&i| item_band[i]); // stable: index order inside a band
    }
    let mut pos = vec![0usize; items];
    let set_pos = |layers: &[Vec<usize>], pos: &mut Vec<usize>| {
        for l in layers {
            for (p, &i) in l.iter().enumerate() {
                pos[i] = p;
            }
        }
    };
    set_pos(&layers, &mut pos);
    let mut seq = Vec::new();
    let mut best = total_crossings(&layers, &down, &pos, &mut seq);
    let mut best_layers = layers.clone();
    let mut key = vec![0.0f64; items];
    for _ in 0..SWEEPS {
        if best == 0 {
            break;
        }
        for downward in [true, false] {
            let order: Vec<usize> =
                if downward { (1..layer_count).collect() } else { (0..layer_count.saturating_sub(1)).rev().collect() };
            for l in order {
                for &i in &layers[l] {
                    let nbrs = if downward { &up[i] } else { &down[i] };
                    key[i] = if nbrs.is_empty() {
                        pos[i] as f64
                    } else {
                        nbrs.iter().map(|&j| pos[j] as f64).sum::<f64>() / nbrs.len() as f64
                    };
                }
                layers[l].sort_by(|&a, &b| {
                    item_band[a].cmp(&item_band[b]).then(key[a].total_cmp(&key[b])).then(pos[a].cmp(&pos[b]))
                });
                for (p, &i) in layers[l].iter().enumerate() {
                    pos[i] = p;
                }
            }
            let c = total_crossings(&layers, &down, &pos, &mut seq);
            if c < best {
                best = c;
                best_layers = layers.clone();
            }
        }
    }
    let layers = best_layers;
    set_pos(&layers, &mut pos);

    // 6a. Columns.
    let mut col_w = vec![16.0f64; layer_count];
    for v in 0..n {
        col_w[layer[v]] = col_w[layer[v]].max(shapes[v].w);
    }
    let has_boxes = (0..n).any(|v| node_band(v) != ungrouped);
    let left = MARGIN + if has_boxes { GROUP_PAD } else { 0.0 };
    let mut col_x = Vec::with_capacity(layer_count);
    let mut x = left;
    for w in &col_w {
        col_x.push(x);
        x += w + COL_GAP;
    }

    // 6b. Rows inside each band: pull towards neighbours, then legalise.
    // Items are renumbered into slots in layer order, and in-band neighbours
    // kept as slot lists, so the passes walk memory in order.
    let gap = |a: usize, b: usize| match (a < n, b < n) {
        (true, true) => 16.0,
        (false, false) => 8.0,
        _ => 12.0,
    };
    let slot_item: Vec<usize> = layers.iter().flatten().copied().collect();
    let mut slot = vec![0usize; items];
    for (s, &i) in slot_item.iter().enumerate() {
        slot[i] = s;
    }
    let csr = |adj: &[Vec<usize>]| {
        let mut start = Vec::with_capacity(items + 1);
        let mut list = Vec::new();
        start.push(0);
        for &i in &slot_item {
            list.extend(adj[i].iter().filter(|&&j| item_band[j] == item_band[i]).map(|&j| slot[j]));
            start.push(list.len());
        }
        (start, list)
    };
    let (up_start, up_list) = csr(&up);
    let (down_start, down_list) = csr(&down);
    let slot_h: Vec<f64> = slot_item.iter().map(|&i| item_h[i]).collect();
    // Minimal distance between the centres of slot s and s + 1.
    let slot_sep: Vec<f64> = (0..items)
        .map(|s| match slot_item.get(s + 1) {
            Some(&j) => slot_h[s] / 2.0 + gap(slot_item[s], j) + slot_h[s + 1] / 2.0,
            None => 0.0,
        })
        .collect();
    // Runs of slots sharing a layer and a band.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut first = 0;
    for s in 1..=items {
        let same = |a: usize, b: usize| item_layer[a] == item_layer[b] && item_band[a] == item_band[b];
        if s == items || !same(slot_item[s], slot_item[first]) {
            runs.push((first, s));
            first = s;
        }
    }
    let mut cy_slot = vec![0.0f64; items];
    for &(a, b) in &runs {
        cy_slot[a] = slot_h[a] / 2.0;
        for s in a + 1..b {
            cy_slot[s] = cy_slot[s - 1] + slot_sep[s - 1];
        }
    }
    let mut want = Vec::new();
    let mut blocks = Vec::new();
    for pass in 0..PLACE_PASSES {
        // Alternate down and up; the last two passes look both ways.
        let (use_up, use_down) = match (pass % 2, pass + 2 >= PLACE_PASSES) {
            (_, true) => (true, true),
            (0, _) => (true, false),
            _ => (false, true),
        };
        let forward = pass % 2 == 0;
        for r in 0..runs.len() {
            let (a, b) = if forward { runs[r] } else { runs[runs.len() - 1 - r] };
            want.clear();
            for s in a..b {
                let mut sum = 0.0;
                let mut count = 0usize;
                if use_up {
                    sum += up_list[up_start[s]..up_start[s + 1]].iter().map(|&j| cy_slot[j]).sum::<f64>();
                    count += up_start[s + 1] - up_start[s];
                }
                if use_down {
                    sum += down_list[down_start[s]..down_start[s + 1]].iter().map(|&j| cy_slot[j]).sum::<f64>();
                    count += down_start[s + 1] - down_start[s];
                }
                want.push(if count == 0 { cy_slot[s] } else { sum / count as f64 });
            }
            legalise(&want, &slot_sep[a..b], slot_h[a] / 2.0, &mut blocks, &mut cy_slot[a..b]);
        }
    }
    let cy: Vec<f64> = (0..items).map(|i| cy_slot[slot[i]]).collect();

    // 6c. Stack the bands.
    let band_count = groups.len() + 1;
    let mut band_top = vec![f64::INFINITY; band_count];
    let mut band_bottom = vec![f64::NEG_INFINITY; band_count];
    for i in 0..items {
        let b = item_band[i];
        band_top[b] = band_top[b].min(cy[i] - item_h[i] / 2.0);
        band_bottom[b] = band_bottom[b].max(cy[i] + item_h[i] / 2.0);
    }
    let mut shift = vec![0.0f64; band_count];
    let mut band_y = vec![(0.0f64, 0.0f64); band_count]; // box top, box bottom
    let mut cursor = MARGIN;
    for b in 0..band_count {
        if band_top[b] > band_bottom[b] {
            continue; // empty band
        }
        let boxed = b != ungrouped;
        let content = cursor + if boxed { GROUP_HEAD } else { 0.0 };
        shift[b] = content - band_top[b];
        let bottom = content + (band_bottom[b] - band_top[b]) + if boxed { GROUP_PAD } else { 0.0 };
        band_y[b] = (cursor, bottom);
        cursor = bottom + BAND_GAP;
    }
    let height = (cursor - BAND_GAP + MARGIN).max(2.0 * MARGIN);
    let gy: Vec<f64> = (0..items).map(|i| cy[i] + shift[item_band[i]]).collect();

    let rects: Vec<Rect> = (0..n)
        .map(|v| {
            let s = &shapes[v];
            let cx = col_x[layer[v]] + col_w[layer[v]] / 2.0;
            Rect { x: (cx - s.w / 2.0).round(), y: (gy[v] - s.h / 2.0).round(), w: s.w, h: s.h }
        })
        .collect();

    // 6d. Group boxes around each band's nodes.
    let mut boxes = Vec::new();
    let mut width = x - COL_GAP + MARGIN;
    for (g, group) in groups.iter().enumerate() {
        let members: Vec<&Rect> = (0..n).filter(|&v| node_band(v) == g).map(|v| &rects[v]).collect();
        if members.is_empty() {
            continue;
        }
        let x0 = members.iter().map(|r| r.x).fold(f64::INFINITY, f64::min) - GROUP_PAD;
        let x1 = members.iter().map(|r| r.x + r.w).fold(f64::NEG_INFINITY, f64::max) + GROUP_PAD;
        let title_w = text_px(&truncate(&clean(&group.title).chars().collect::<Vec<_>>(), 60), CELL_PX) + 2.0 * 10.0;
        let w = (x1 - x0).max(title_w);
        width = width.max(x0 + w + MARGIN);
        let (top, bottom) = band_y[g];
        boxes.push(GroupBox { group: g, rect: Rect { x: x0, y: top, w, h: bottom - top } });
    }

    // 7. Routes, with ports spread along the node sides.
    let node_y = |v: usize| rects[v].y + rects[v].h / 2.0;
    let mut out_port = vec![0.0f64; m];
    let mut in_port = vec![0.0f64; m];
    let mut leaving: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut arriving: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, chain) in chains.iter().enumerate() {
        leaving[chain[0]].push(k);
        arriving[chain[chain.len() - 1]].push(k);
    }
    let item_y = |i: usize| if i < n { node_y(i) } else { gy[i] };
    let spread = |v: usize, ks: &mut Vec<usize>, other: &dyn Fn(usize) -> f64, port: &mut Vec<f64>| {
        ks.sort_by(|&a, &b| other(a).total_cmp(&other(b)).then(a.cmp(&b)));
        let count = ks.len();
        let usable = (rects[v].h - 16.0).max(0.0);
        let step = if count > 1 { (usable / (count - 1) as f64).min(7.0) } else { 0.0 };
        for (p, &k) in ks.iter().enumerate() {
            port[k] = node_y(v) + (p as f64 - (count - 1) as f64 / 2.0) * step;
        }
    };
    for v in 0..n {
        let mut ks = std::mem::take(&mut leaving[v]);
        spread(v, &mut ks, &|k| item_y(chains[k][1]), &mut out_port);
        let mut ks = std::mem::take(&mut arriving[v]);
        spread(v, &mut ks, &|k| item_y(chains[k][chains[k].len() - 2]), &mut in_port);
    }
    let mut routes = Vec::with_capacity(m);
    for (k, chain) in chains.iter().enumerate() {
        let (s, t) = (chain[0], chain[chain.len() - 1]);
        // Straight stubs between a narrow node and its column's edge, so the
        // curves start where no wider neighbour can be in the way.
        let mut points = vec![(rects[s].x + rects[s].w, out_port[k])];
        let col_right = col_x[layer[s]] + col_w[layer[s]];
        if points[0].0 < col_right - 0.5 {
            points.push((col_right, out_port[k]));
        }
        for &i in &chain[1..chain.len() - 1] {
            let l = item_layer[i];
            points.push((col_x[l], gy[i]));
            points.push((col_x[l] + col_w[l], gy[i]));
        }
        if rects[t].x > col_x[layer[t]] + 0.5 {
            points.push((col_x[layer[t]], in_port[k]));
        }
        points.push((rects[t].x, in_port[k]));
        if reversed[k] {
            points.reverse();
        }
        routes.push(Route { edge: kept_from[k], dashed: kept[k].dashed, reversed: reversed[k], points });
    }

    Layout { width, height, shapes, rects, layer, routes, boxes }
}

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

fn graph_css(id: &str) -> String {
    let mut css = base_css(id);
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
    for (name, bg, border, fg) in STATUS_CLASSES {
        let _ = writeln!(
            css,
            ":where(#{id} .{name}>.box){{fill:var(--{name}-bg,{bg});stroke:var(--{name}-border,{border})}}\
             :where(#{id} .{name}>text){{fill:var(--{name}-fg,{fg})}}"
        );
    }
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
/// labelled band per group. See the module documentation for the layout.
pub fn dependency_graph(nodes: &[SvgNode], edges: &[SvgEdge], groups: &[SvgGroup], caption: &str) -> String {
    if nodes.is_empty() {
        return nothing("graph", caption);
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
        graph_css(&id)
    );

    if !lay.boxes.is_empty() {
        out.push_str("<g class=\"groups\">\n");
        for b in &lay.boxes {
            let r = b.rect;
            let title = truncate(&clean(&groups[b.group].title).chars().collect::<Vec<_>>(), 60);
            let _ = writeln!(
                out,
                "<g class=\"group\"><rect class=\"group-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>\
                 <text class=\"group-title\" x=\"{}\" y=\"{}\">{}</text></g>",
                num(r.x),
                num(r.y),
                num(r.w),
                num(r.h),
                num(r.x + 10.0),
                num(r.y + 16.0),
                esc(&title)
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
        let title_el = format!("<title>{}</title>", esc(&title));
        if let Some(h) = &href {
            let _ = write!(out, "<a href=\"{}\">{title_el}", esc(h));
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
                esc(line)
            );
        }
        if !s.sub.is_empty() {
            let _ = write!(
                out,
                "<text class=\"sublabel\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(r.y + PAD_TOP + LINE * s.lines.len() as f64 + 10.5),
                esc(&s.sub)
            );
        }
        out.push_str("</g>");
        if href.is_some() {
            out.push_str("</a>");
        }
        out.push('\n');
    }
    out.push_str("</g>\n</svg>");
    out
}

// ---------------------------------------------------------------------------
// Gantt

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A strict `YYYY-MM-DD` (surrounding whitespace allowed): (year, month,
/// day, day number), or `None`.
pub(crate) fn parse_date(text: &str) -> Option<(i64, i64, i64, i64)> {
    let b = text.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some((y, m, d, days_from_civil(y, m, d)))
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
/// end (padded by a few days, month ticks), one row per parsable
/// [`GanttRow`] under its section heading, bars for date ranges (end day
/// included), diamonds for milestones, labels left of the bars. Rows whose
/// dates do not parse are left out; with none left the SVG says there is
/// nothing to draw. The output never depends on the clock.
pub fn gantt(rows: &[GanttRow], caption: &str) -> String {
    struct Parsed<'a> {
        row: &'a GanttRow,
        label: String,
        first: (i64, i64, i64, i64),
        last: (i64, i64, i64, i64),
    }
    let mut sections: Vec<(String, Vec<Parsed>)> = Vec::new();
    let mut section_at: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        let Some(start) = parse_date(&row.start) else { continue };
        let end = if row.milestone { Some(start) } else { parse_date(&row.end) };
        let Some(end) = end else { continue };
        let (first, last) = if end.3 < start.3 { (end, start) } else { (start, end) };
        let label = truncate(&clean(&row.label).chars().collect::<Vec<_>>(), GANTT_LABEL_CELLS);
        let section = clean(&row.section);
        let k = *section_at.entry(section.clone()).or_insert_with(|| {
            sections.push((section, Vec::new()));
            sections.len() - 1
        });
        sections[k].1.push(Parsed { row, label, first, last });
    }
    let all = || sections.iter().flat_map(|(_, rs)| rs.iter());
    let Some(min) = all().map(|p| p.first).min_by_key(|d| d.3) else {
        return nothing("gantt", caption);
    };
    let max_day = all().map(|p| p.last.3).max().unwrap_or(min.3);

    let mut hash = Fnv::new();
    hash.add("gantt");
    hash.add(caption);
    for r in rows {
        hash.add(&r.label);
        hash.add(&r.start);
        hash.add(&r.end);
    }
    let id = hash.prefix("gantt");

    // Axis: day numbers lo..hi (exclusive), px per day from the span.
    let lo = min.3 - PAD_DAYS;
    let hi = max_day + 1 + PAD_DAYS;
    let span = (hi - lo) as f64;
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
    let xd = |day: i64| x0 + (day - lo) as f64 * ppd;
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
    let (mut y, mut mo) = (min.0, min.1);
    let mut labelled = false;
    loop {
        let day = days_from_civil(y, mo, 1);
        if day >= hi {
            break;
        }
        if day >= lo && (y * 12 + mo - 1) % step == 0 {
            let x = num(xd(day));
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
                num(AXIS_H - 8.0),
                num(height - MARGIN)
            );
            let text = if mo == 1 || !labelled {
                format!("{} {y}", MONTHS[(mo - 1) as usize])
            } else {
                MONTHS[(mo - 1) as usize].to_owned()
            };
            if xd(day) + 3.0 + text_px(&text, 6.6) <= width {
                let _ = write!(out, "<text class=\"tick\" x=\"{}\" y=\"16\">{text}</text>", num(xd(day) + 3.0));
                labelled = true;
            }
            out.push('\n');
        }
        mo += 1;
        if mo > 12 {
            mo = 1;
            y += 1;
        }
    }
    out.push_str("</g>\n");

    let mut top = AXIS_H;
    for (section, parsed) in &sections {
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
                esc(&title)
            );
            top += ROW_H;
        }
        for p in parsed {
            let class = class_name(p.row.class);
            let full = clean(&p.row.label);
            let when = if p.row.milestone {
                format!("{}: {:04}-{:02}-{:02} (milestone)", full, p.first.0, p.first.1, p.first.2)
            } else {
                format!(
                    "{}: {:04}-{:02}-{:02} to {:04}-{:02}-{:02}",
                    full, p.first.0, p.first.1, p.first.2, p.last.0, p.last.1, p.last.2
                )
            };
            let href = p.row.href.as_deref().and_then(safe_href);
            let title_el = format!("<title>{}</title>", esc(&when));
            match &href {
                Some(h) => {
                    let _ = write!(out, "<a href=\"{}\">{title_el}<g class=\"row {class}\">", esc(h));
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
                esc(&p.label)
            );
            let mid = top + ROW_H / 2.0;
            if p.row.milestone {
                let cx = xd(p.first.3) + ppd / 2.0;
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
                let x = xd(p.first.3);
                let w = ((p.last.3 - p.first.3 + 1) as f64 * ppd).max(3.0);
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
pub(crate) mod tests {
    use super::*;

    /// A small XML well-formedness check: balanced, properly nested tags,
    /// quoted attributes without duplicates, entities only from the escaper's
    /// set, one root `<svg>`.
    pub(crate) fn well_formed(s: &str) {
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

    fn node(label: &str, class: &'static str, group: Option<usize>) -> SvgNode {
        SvgNode {
            label: label.into(),
            sublabel: "3/10 tasks".into(),
            class,
            href: Some(format!("changes/{label}.html")),
            group,
            title: format!("{label}: 3 of 10 tasks"),
        }
    }

    fn edge(from: usize, to: usize) -> SvgEdge {
        SvgEdge { from, to, dashed: false }
    }

    fn sample() -> (Vec<SvgNode>, Vec<SvgEdge>, Vec<SvgGroup>) {
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

    fn sample_rows() -> Vec<GanttRow> {
        let row = |label: &str, start: &str, end: &str, milestone: bool, section: &str| GanttRow {
            label: label.into(),
            start: start.into(),
            end: end.into(),
            class: "inprogress",
            milestone,
            href: Some("phases/one.html".into()),
            section: section.into(),
        };
        vec![
            row("Foundations", "2025-01-06", "2025-02-28", false, "Phase 1"),
            row("Beta", "2025-03-01", "2025-03-01", true, "Phase 1"),
            row("Billing", "2025-03-01", "2025-05-15", false, "Phase 2"),
            row("Broken", "2025-02-30", "2025-03-01", false, "Phase 2"),
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
            start: "2025-01-01".into(),
            end: "2025-01-09".into(),
            class: "planned",
            milestone: false,
            href: Some("a?b=1&c=\"2\"".into()),
            section: evil.into(),
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
    fn cycles_still_lay_out() {
        let nodes = vec![node("a", "planned", None), node("b", "planned", None)];
        let edges = vec![edge(0, 1), edge(1, 0), edge(0, 0), edge(0, 7)];
        let lay = layout(&nodes, &edges, &[]);
        assert_eq!(lay.routes.len(), 2);
        assert_eq!(lay.layer, vec![0, 1]);
        assert!(!lay.routes[0].reversed && lay.routes[1].reversed);
        // Both arrows end at their `to` node: b's left side, a's right side.
        let (a, b) = (lay.rects[0], lay.rects[1]);
        assert_eq!(lay.routes[0].points.last().unwrap().0, b.x);
        assert_eq!(lay.routes[1].points.last().unwrap().0, a.x + a.w);
        assert_eq!(lay.routes[1].points[0].0, b.x);
        let svg = dependency_graph(&nodes, &edges, &[], "cycle");
        well_formed(&svg);
        assert_eq!(svg.matches("<path class=\"edge").count(), 2);
        assert_eq!(svg.matches("<path class=\"edge cycle\"").count(), 1);
        // A longer cycle with a tail.
        let nodes: Vec<SvgNode> = (0..4).map(|i| node(&format!("n{i}"), "planned", None)).collect();
        let lay = layout(&nodes, &[edge(0, 1), edge(1, 2), edge(2, 0), edge(2, 3)], &[]);
        assert_eq!(lay.layer, vec![0, 1, 2, 3]);
        assert_eq!(lay.routes.iter().filter(|r| r.reversed).count(), 1);
    }

    #[test]
    fn long_edges_route_through_virtual_points() {
        let nodes: Vec<SvgNode> = ["a", "b", "c", "d"].iter().map(|l| node(l, "planned", None)).collect();
        let edges = vec![edge(0, 1), edge(1, 2), edge(2, 3), edge(0, 3)];
        let lay = layout(&nodes, &edges, &[]);
        assert_eq!(lay.layer, vec![0, 1, 2, 3]);
        let long = lay.routes.iter().find(|r| r.edge == 3).unwrap();
        // Start, two points per crossed layer (1 and 2), end.
        assert_eq!(long.points.len(), 6);
        for (k, &(x, y)) in long.points[1..5].iter().enumerate() {
            let r = lay.rects[1 + k / 2];
            // Inside the crossed node's column, clear of its box vertically.
            assert!(x >= r.x - 0.5 && x <= r.x + r.w + 0.5);
            assert!(y >= r.y + r.h || y <= r.y, "virtual point {y} inside box {r:?}");
        }
        let svg = dependency_graph(&nodes, &edges, &[], "chain");
        assert!(svg.contains('H'), "straight run through a column");
    }

    #[test]
    fn groups_are_bands_without_overlap() {
        let nodes: Vec<SvgNode> = (0..12).map(|i| node(&format!("change-{i}"), "planned", Some(i % 3))).collect();
        let edges: Vec<SvgEdge> = (0..11).map(|i| edge(i, (i * 5 + 1) % 12)).filter(|e| e.from != e.to).collect();
        let groups: Vec<SvgGroup> = (0..3).map(|g| SvgGroup { title: format!("Phase {g}") }).collect();
        let lay = layout(&nodes, &edges, &groups);
        assert_eq!(lay.boxes.len(), 3);
        for (v, r) in lay.rects.iter().enumerate() {
            let b = lay.boxes.iter().find(|b| b.group == v % 3).unwrap().rect;
            assert!(r.x >= b.x && r.x + r.w <= b.x + b.w && r.y >= b.y && r.y + r.h <= b.y + b.h);
            for (u, q) in lay.rects.iter().enumerate().skip(v + 1) {
                let apart = r.x + r.w <= q.x || q.x + q.w <= r.x || r.y + r.h <= q.y || q.y + q.h <= r.y;
                assert!(apart, "nodes {v} and {u} overlap");
            }
        }
        for w in lay.boxes.windows(2) {
            assert!(w[0].rect.y + w[0].rect.h <= w[1].rect.y);
        }
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
        // CJK counts double.
        let cjk = "日本語のチェンジ名前がとても長い場合";
        assert!(wrap(cjk, 26, 2).iter().all(|l| cells(l) <= 26));
        assert_eq!(cells("日本"), 4);
        let n = node("refactor-enhance-infrastructure", "planned", None);
        let s = shape(&n);
        assert_eq!(s.lines.len(), 2);
        let svg = dependency_graph(&[n], &[], &[], "one");
        assert!(svg.contains("<title>refactor-enhance-infrastructure: 3 of 10 tasks</title>"));
    }

    #[test]
    fn numbers_have_one_decimal_at_most() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(3.25), "3.3");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(-0.01), "0");
    }

    #[test]
    fn dates_parse_by_hand() {
        assert_eq!(parse_date("1970-01-01").map(|d| d.3), Some(0));
        assert_eq!(parse_date("2000-03-01").map(|d| d.3), Some(11_017));
        assert_eq!(parse_date(" 2024-02-29 ").map(|d| d.3), Some(19_782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("2025-1-01"), None);
        assert_eq!(parse_date("soon"), None);
        assert_eq!(parse_date("２０２５-01-01"), None);
    }

    #[test]
    fn gantt_rows_sections_and_milestones() {
        let g = gantt(&sample_rows(), "Timeline");
        well_formed(&g);
        // The unparsable row is skipped, the others drawn.
        assert!(!g.contains("Broken"));
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
        rows[4].href = None;
        assert!(
            gantt(&rows, "T").contains("<g class=\"row inprogress\"><title>Launch: 2025-06-01 (milestone)</title>")
        );
        // Absurd but valid dates give a bounded chart.
        rows[1].start = "0001-01-01".into();
        rows[2].end = "9999-12-31".into();
        let wide = gantt(&rows, "T");
        well_formed(&wide);
        let width: f64 = wide.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(width < 4500.0, "{width}");
        assert!(wide.len() < 50_000);
        // Only bad dates: nothing to draw.
        assert!(gantt(&rows[3..4], "T").contains("Nothing to draw"));
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
}
