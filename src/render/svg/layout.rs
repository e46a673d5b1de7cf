//! The layout of the dependency graph: where each box stands and how each
//! edge runs, computed from the nodes, edges and groups alone; `graph.rs`
//! draws the result.
//!
//! A layered (Sugiyama style) drawing, left to right: a change's dependencies
//! stand in the columns to its left. Left to right suits roadmaps, which are
//! wide and shallow (many independent changes, few long chains), and labels
//! like `refactor-enhance-infrastructure`: columns are as wide as their widest
//! label, and what does not fit the width grows downwards, where pages
//! scroll.
//!
//! 1. Edges with an endpoint out of range and self-loops are ignored;
//!    duplicate edges are drawn once (solid if any copy is solid).
//! 2. Cycles are broken by a depth-first search in index order: every back
//!    edge is reversed for the layout (its arrow still points from `from` to
//!    `to`, and it gets the class `cycle` so a stylesheet can flag it).
//! 3. Layers by longest path from the sources (a change with no dependency is
//!    in the first column of its component).
//!    Then the connected components are spread over as many columns as a
//!    page column of `TARGET_WIDTH` holds, largest first, each shifted to
//!    where its columns are least crowded: a roadmap of many short chains
//!    and changes with no dependency at all fills the width as a compact
//!    grid instead of a long column (`pack`).
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

use super::{CELL_PX, MARGIN, SvgEdge, SvgGroup, SvgNode, clean, text_px, truncate, wrap};
use std::collections::BTreeMap;

const SUB_CELL_PX: f64 = 6.4; // sublabel, 11px
const LABEL_CELLS: usize = 26;
const SUB_CELLS: usize = 34;
const PAD_X: f64 = 12.0;
pub(super) const PAD_TOP: f64 = 7.0;
const PAD_BOTTOM: f64 = 7.0;
pub(super) const LINE: f64 = 15.0;
const SUB_LINE: f64 = 14.0;
const MIN_W: f64 = 72.0;
const COL_GAP: f64 = 64.0;
/// The width the drawing is laid out for (a page column): components are
/// placed side by side in as many columns as it holds.
const TARGET_WIDTH: f64 = 1100.0;
const GROUP_PAD: f64 = 12.0;
const GROUP_HEAD: f64 = 24.0;
const BAND_GAP: f64 = 16.0;
const SWEEPS: usize = 8;
const PLACE_PASSES: usize = 10;

/// Text and size of one node.
#[derive(Debug, Clone)]
pub(super) struct Shape {
    pub(super) lines: Vec<String>,
    pub(super) sub: String,
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

/// A group's title as its band shows it: at most 60 cells.
pub(super) fn group_title(group: &SvgGroup) -> String {
    truncate(&clean(&group.title).chars().collect::<Vec<_>>(), 60)
}

/// A placed node: top left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

/// One drawn edge.
#[derive(Debug, Clone)]
pub(super) struct Route {
    /// Index into the input edges (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    edge: usize,
    pub(super) dashed: bool,
    /// Reversed to break a cycle.
    pub(super) reversed: bool,
    /// From the `from` node's side to the `to` node's side, through two
    /// points per virtual node (its column's left and right edge) and, next
    /// to a node narrower than its column, the column's edge.
    pub(super) points: Vec<(f64, f64)>,
}

/// A group's box.
#[derive(Debug, Clone)]
pub(super) struct GroupBox {
    pub(super) group: usize,
    pub(super) rect: Rect,
}

/// The finished geometry of a dependency graph.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub(super) width: f64,
    pub(super) height: f64,
    pub(super) shapes: Vec<Shape>,
    pub(super) rects: Vec<Rect>,
    /// Layer of each node (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    layer: Vec<usize>,
    pub(super) routes: Vec<Route>,
    pub(super) boxes: Vec<GroupBox>,
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

/// Step 3b: shift whole components to the right so that they stand side
/// by side rather than under each other. Components are placed largest
/// first (then by their first node), each at the column offset, from 0 to
/// `fit` less its depth (wider ones keep offset 0), that keeps the tallest
/// column it lands in, within each band it has nodes in, lowest (the first
/// such offset on a tie). A column's height is what its nodes and the edges
/// passing through it need. Edges stay between their own columns, so
/// neighbours never overlap: only the rows are shared.
fn pack(dag: &[(usize, usize)], layer: &mut [usize], band: &[usize], h: &[f64], fit: usize, bands: usize) {
    let n = layer.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(s, t) in dag {
        out[s].push(t);
        let (a, b) = (find(&mut parent, s), find(&mut parent, t));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for v in 0..n {
        let root = find(&mut parent, v);
        members.entry(root).or_default().push(v);
    }
    let mut comps: Vec<Vec<usize>> = members.into_values().collect();
    comps.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let depth = |c: &[usize], layer: &[usize]| c.iter().map(|&v| layer[v]).max().unwrap_or(0) + 1;
    let columns = comps.iter().map(|c| depth(c, layer)).max().unwrap_or(1).max(fit);
    let mut used = vec![vec![0.0f64; columns]; bands];
    let mut need: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for comp in &comps {
        need.clear();
        for &v in comp {
            *need.entry((band[v], layer[v])).or_default() += h[v] + 16.0;
            for &t in &out[v] {
                for l in layer[v] + 1..layer[t] {
                    *need.entry((band[v], l)).or_default() += 12.0;
                }
            }
        }
        let cost = |o: usize| need.iter().map(|(&(b, l), &x)| used[b][o + l] + x).fold(0.0, f64::max);
        let offset = (0..=columns - depth(comp, layer)).min_by(|&a, &b| cost(a).total_cmp(&cost(b))).unwrap_or(0);
        for (&(b, l), &x) in &need {
            used[b][offset + l] += x;
        }
        for &v in comp {
            layer[v] += offset;
        }
    }
}

/// The geometry of a dependency graph; the steps are those of the module
/// documentation.
pub(super) fn layout(nodes: &[SvgNode], edges: &[SvgEdge], groups: &[SvgGroup]) -> Layout {
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

    // Bands: group index, ungrouped last.
    let ungrouped = groups.len();
    let node_band = |v: usize| nodes[v].group.filter(|&g| g < groups.len()).unwrap_or(ungrouped);

    // 3b. Components side by side, in as many columns as the width holds.
    let bands: Vec<usize> = (0..n).map(node_band).collect();
    let widest = shapes.iter().map(|s| s.w).fold(MIN_W, f64::max);
    let pad = if bands.iter().any(|&b| b != ungrouped) { GROUP_PAD } else { 0.0 };
    let fit = ((TARGET_WIDTH - 2.0 * (MARGIN + pad) + COL_GAP) / (widest + COL_GAP)).floor().max(1.0) as usize;
    let heights: Vec<f64> = shapes.iter().map(|s| s.h).collect();
    pack(&dag, &mut layer, &bands, &heights, fit, groups.len() + 1);
    let layer_count = layer.iter().max().map_or(0, |l| l + 1);

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
        let title_w = text_px(&group_title(group), CELL_PX) + 2.0 * 10.0;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::dependency_graph;
    use crate::render::svg::tests::{edge, node, well_formed};

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
    fn long_labels_take_two_lines() {
        let n = node("refactor-enhance-infrastructure", "planned", None);
        let s = shape(&n);
        assert_eq!(s.lines.len(), 2);
        let svg = dependency_graph(&[n], &[], &[], "one");
        assert!(svg.contains("<title>refactor-enhance-infrastructure: 3 of 10 tasks</title>"));
    }
}
