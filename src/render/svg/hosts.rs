//! The hosts of a flake and the module folders their builds run
//! ([`host_map`]): the hosts in a column on the left, on the right one card
//! per group of folders that the same hosts run, and one arrow from each
//! host to each card it runs (a single arrow from the whole column for the
//! folders every host runs). Inside a card the folders are chips, one row
//! per top-level folder (`modules/`: `base/`, `desktop/`, …), coloured by
//! the work in them.
//!
//! Compared with an arrow from every host to every folder it runs, this
//! draws one arrow per host and group: 4 hosts and 13 folders that most
//! hosts share take 5 arrows, not 38.

use super::{
    CELL_PX, Fnv, HEAD_PX, MARGIN, NARROW_WIDTH, STATUS_CLASSES, base_css, box_css, class_name, clean, nothing, num,
    open_svg, safe_href, text_px, truncate, wrap,
};
use crate::render::escape;
use std::fmt::Write as _;

/// A host, on the left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapHost {
    /// Its name.
    pub label: String,
    /// Relative link to its page.
    pub href: Option<String>,
}

/// A module folder, a chip in a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapFolder {
    /// Shown on the chip (`desktop/`, `*.nix`).
    pub label: String,
    /// Its colour: `inprogress`, `complete` or `untouched`.
    pub class: &'static str,
    /// The tooltip: its path and what its colour means.
    pub title: String,
}

/// A group of folders that the same hosts run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapCard {
    /// At the top of the card (`every host`, `rog, zen`).
    pub title: String,
    /// Indices of the hosts that run these folders; empty: every host, one
    /// arrow from the whole column.
    pub hosts: Vec<usize>,
    /// Rows: a top-level folder (`modules/`) and its folders.
    pub rows: Vec<(String, Vec<MapFolder>)>,
}

/// Widest drawing, in user units (CSS pixels at full size).
const MAX_WIDTH: f64 = 1100.0;
const HOST_H: f64 = 30.0;
const HOST_LINE: f64 = 15.0;
const HOST_GAP: f64 = 10.0;
const HOST_CELLS: usize = 30;
const PAD: f64 = 12.0;
const HEAD: f64 = 26.0;
/// Room for the arrows between the hosts and the cards.
const EDGE_GAP: f64 = 72.0;
const CARD_GAP: f64 = 14.0;
const CHIP_H: f64 = 22.0;
const CHIP_GAP: f64 = 6.0;
const CHIP_CELLS: usize = 36;
const LEVEL_CELLS: usize = 22;
/// Titles on at most three lines.
const TITLE_LINES: usize = 3;
const TITLE_LINE: f64 = 15.0;

fn map_css(id: &str, width: f64) -> String {
    let mut css = base_css(id, width);
    let _ = write!(
        css,
        ":where(#{id} .column,#{id} .card){{fill:var(--group-bg,rgba(128,128,128,.08));\
         stroke:var(--group-border,rgba(128,128,128,.45));stroke-width:1}}\n\
         :where(#{id} .head){{font-weight:600;fill:var(--muted,currentColor)}}\n\
         :where(#{id} .level){{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:11px;\
         fill:var(--muted,currentColor)}}\n\
         :where(#{id} .edge){{fill:none;stroke:var(--edge,#868e96);stroke-width:1.5}}\n\
         :where(#{id} .arrowhead){{fill:var(--edge,#868e96)}}\n\
         :where(#{id} .box){{stroke-width:1.5}}\n\
         :where(#{id} .host>text){{font-weight:600}}\n\
         :where(#{id} .untouched>.box){{fill:var(--untouched-bg,#ffffff);stroke:var(--untouched-border,#868e96)}}\
         :where(#{id} .untouched>text){{fill:var(--untouched-fg,#343a40)}}\n"
    );
    let used: Vec<_> =
        STATUS_CLASSES.iter().filter(|c| matches!(c.0, "planned" | "inprogress" | "complete")).copied().collect();
    box_css(&mut css, id, &used);
    let _ = writeln!(css, ":where(#{id} a:hover .box,#{id} a:focus-visible .box){{stroke-width:3}}");
    css
}

/// A chip laid out: its folder, text and box.
struct Chip<'a> {
    folder: &'a MapFolder,
    text: String,
    x: f64,
    y: f64,
    w: f64,
}

/// A card laid out.
struct Card<'a> {
    /// The whole title, and its lines as drawn.
    full: String,
    title: Vec<String>,
    y: f64,
    h: f64,
    /// Each row's level text and top.
    levels: Vec<(String, f64)>,
    chips: Vec<Chip<'a>>,
}

/// The hosts and the folders their builds run, as an SVG (see the module
/// documentation). With no host, a small SVG says there is nothing to draw.
pub fn host_map(hosts: &[MapHost], cards: &[MapCard], caption: &str) -> String {
    draw(hosts, cards, caption, false)
}

/// The same for a phone: [`NARROW_WIDTH`] wide, the cards alone, one under
/// the other, each titled with the hosts that run it (`Run by rog, zen`)
/// instead of the column of hosts and the arrows. Its ids differ from
/// [`host_map`]'s, so a page can hold both and show one.
pub fn host_map_narrow(hosts: &[MapHost], cards: &[MapCard], caption: &str) -> String {
    draw(hosts, cards, caption, true)
}

fn draw(hosts: &[MapHost], cards: &[MapCard], caption: &str, narrow: bool) -> String {
    let variant = if narrow { "hosts-narrow" } else { "hosts" };
    if hosts.is_empty() {
        return nothing("hosts", caption, "Nothing to draw", variant);
    }
    let mut hash = Fnv::new();
    hash.add(variant);
    hash.add(caption);
    for h in hosts {
        hash.add(&h.label);
    }
    for c in cards {
        hash.add(&c.title);
        for (level, folders) in &c.rows {
            hash.add(level);
            for f in folders {
                hash.add(&f.label);
                hash.add(f.class);
            }
        }
    }
    let id = hash.prefix("hosts");

    // Hosts, in the order of the cards they run (fewer crossings).
    let rank = |i: usize| {
        let at: Vec<usize> = cards.iter().enumerate().filter(|(_, c)| c.hosts.contains(&i)).map(|(k, _)| k).collect();
        if at.is_empty() { f64::INFINITY } else { at.iter().sum::<usize>() as f64 / at.len() as f64 }
    };
    let mut order: Vec<usize> = (0..hosts.len()).collect();
    order.sort_by(|&a, &b| rank(a).total_cmp(&rank(b)).then(a.cmp(&b)));
    let labels: Vec<Vec<String>> = hosts.iter().map(|h| wrap(&clean(&h.label), HOST_CELLS, 2)).collect();
    let host_w = labels
        .iter()
        .flatten()
        .map(|l| text_px(l, CELL_PX))
        .fold(text_px("Hosts (00)", HEAD_PX), f64::max)
        .max(60.0)
        .ceil()
        + 2.0 * PAD;
    let col_x = MARGIN;
    let col_w = host_w + 2.0 * PAD;
    let mut host_y = vec![0.0f64; hosts.len()];
    let mut host_h = vec![0.0f64; hosts.len()];
    let mut y = MARGIN + HEAD;
    for &i in &order {
        host_y[i] = y;
        host_h[i] = HOST_H + HOST_LINE * (labels[i].len().max(1) - 1) as f64;
        y += host_h[i] + HOST_GAP;
    }
    let col_h = y - HOST_GAP + PAD - MARGIN;

    // Cards: as wide as their longest row, up to what the width leaves.
    let card_x = if narrow { MARGIN } else { col_x + col_w + EDGE_GAP };
    let chip_text = |f: &MapFolder| truncate(&clean(&f.label).chars().collect::<Vec<_>>(), CHIP_CELLS);
    let chip_w = |t: &str| (text_px(t, CELL_PX) + 16.0).ceil();
    let level_w = cards
        .iter()
        .flat_map(|c| &c.rows)
        .map(|(l, _)| text_px(&truncate(&clean(l).chars().collect::<Vec<_>>(), LEVEL_CELLS), 6.6))
        .fold(0.0, f64::max)
        .ceil()
        + 12.0;
    let wanted = cards
        .iter()
        .map(|c| {
            let rows = c
                .rows
                .iter()
                .map(|(_, fs)| level_w + fs.iter().map(|f| chip_w(&chip_text(f)) + CHIP_GAP).sum::<f64>() - CHIP_GAP);
            rows.fold(text_px(&clean(&c.title), HEAD_PX), f64::max) + 2.0 * PAD
        })
        .fold(160.0, f64::max);
    let card_w =
        if narrow { NARROW_WIDTH - 2.0 * MARGIN } else { wanted.min(MAX_WIDTH - MARGIN - card_x).max(160.0).ceil() };
    let head_cells = ((card_w - 2.0 * PAD) / HEAD_PX).floor() as usize;
    let mut laid: Vec<Card> = Vec::with_capacity(cards.len());
    let mut y = MARGIN;
    for c in cards {
        let mut chips = Vec::new();
        let mut levels = Vec::new();
        // The title wraps (a long list of hosts), then is cut.
        let full = if narrow { format!("Run by {}", clean(&c.title)) } else { clean(&c.title) };
        let title = wrap(&full, head_cells.max(8), TITLE_LINES);
        let mut row_y = y + HEAD + TITLE_LINE * (title.len().max(1) - 1) as f64;
        for (level, folders) in &c.rows {
            levels.push((clean(level), row_y));
            let (x0, x1) = (card_x + PAD + level_w, card_x + card_w - PAD);
            let mut x = x0;
            for f in folders {
                let text = chip_text(f);
                let w = chip_w(&text).min(x1 - x0);
                if x > x0 && x + w > x1 {
                    x = x0;
                    row_y += CHIP_H + CHIP_GAP;
                }
                chips.push(Chip { folder: f, text, x, y: row_y, w });
                x += w + CHIP_GAP;
            }
            row_y += CHIP_H + CHIP_GAP;
        }
        let h = (row_y - CHIP_GAP + PAD - y).max(HEAD + PAD);
        laid.push(Card { full, title, y, h, levels, chips });
        y += h + CARD_GAP;
    }
    let width = (card_x + card_w + MARGIN).ceil();
    let height = if narrow { y - CARD_GAP } else { (MARGIN + col_h).max(y - CARD_GAP) }.ceil() + MARGIN;

    let mut out =
        String::with_capacity(4096 + 400 * hosts.len() + 300 * laid.iter().map(|c| c.chips.len()).sum::<usize>());
    open_svg(&mut out, &id, "hosts", width, height, caption);
    let _ = write!(
        out,
        "<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" \
         markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\">\
         <path class=\"arrowhead\" d=\"M0,0L10,5L0,10z\"/></marker></defs>\n<style data-spec=\"\">\n{}</style>\n",
        map_css(&id, width)
    );
    if !narrow {
        let g = HostColumn { order, labels, y: host_y, h: host_h, x: col_x, w: col_w, col_h, host_w };
        host_column(&mut out, &id, hosts, cards, &laid, &g, card_x);
    }
    out.push_str("<g class=\"cards\">\n");
    card_boxes(&mut out, &laid, card_x, card_w);
    out.push_str("</g>\n</svg>");
    out
}

/// The column of hosts laid out.
struct HostColumn {
    /// Hosts top to bottom.
    order: Vec<usize>,
    /// Each host's label lines, top and height.
    labels: Vec<Vec<String>>,
    y: Vec<f64>,
    h: Vec<f64>,
    /// The column's box.
    x: f64,
    w: f64,
    col_h: f64,
    /// Width of a host's box.
    host_w: f64,
}

/// The column of hosts, and the arrows from them (or from the column) to
/// the cards, whose left side is at `card_x`.
fn host_column(
    out: &mut String,
    id: &str,
    hosts: &[MapHost],
    cards: &[MapCard],
    laid: &[Card],
    g: &HostColumn,
    card_x: f64,
) {
    let _ = writeln!(
        out,
        "<rect class=\"column\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>\
         <text class=\"head\" x=\"{}\" y=\"{}\">Hosts ({})</text>",
        num(g.x),
        num(MARGIN),
        num(g.w),
        num(g.col_h),
        num(g.x + 10.0),
        num(MARGIN + 17.0),
        hosts.len()
    );

    // Arrows: spread over each card's left side in the order of their hosts.
    out.push_str("<g class=\"edges\" aria-hidden=\"true\">\n");
    for (c, card) in cards.iter().zip(laid) {
        let mut from: Vec<f64> = if c.hosts.is_empty() {
            vec![MARGIN + HEAD / 2.0]
        } else {
            c.hosts.iter().filter(|&&i| i < hosts.len()).map(|&i| g.y[i] + g.h[i] / 2.0).collect()
        };
        from.sort_by(f64::total_cmp);
        let start_x = if c.hosts.is_empty() { g.x + g.w } else { g.x + PAD + g.host_w };
        let step = if from.len() > 1 { ((card.h - 24.0) / (from.len() - 1) as f64).clamp(0.0, 8.0) } else { 0.0 };
        let top = card.y + 13.0;
        for (k, &fy) in from.iter().enumerate() {
            let ty = top + step * k as f64;
            let mx = (start_x + card_x) / 2.0;
            let _ = writeln!(
                out,
                "<path class=\"edge\" d=\"M{},{}C{},{} {},{} {},{}\" fill=\"none\" marker-end=\"url(#{id}-arrow)\"/>",
                num(start_x),
                num(fy),
                num(mx),
                num(fy),
                num(mx),
                num(ty),
                num(card_x),
                num(ty)
            );
        }
    }
    out.push_str("</g>\n<g class=\"hosts\">\n");
    for &i in &g.order {
        let h = &hosts[i];
        let (x, y) = (g.x + PAD, g.y[i]);
        let name = clean(&h.label);
        let href = h.href.as_deref().and_then(safe_href);
        let title = format!("<title>host {}</title>", escape::svg(&name));
        match &href {
            Some(link) => {
                let _ = write!(out, "<a href=\"{}\">{title}<g class=\"host planned\">", escape::svg(link));
            }
            None => {
                let _ = write!(out, "<g class=\"host planned\">{title}");
            }
        }
        let _ = write!(
            out,
            "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
            num(x),
            num(y),
            num(g.host_w),
            num(g.h[i])
        );
        for (k, line) in g.labels[i].iter().enumerate() {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(x + g.host_w / 2.0),
                num(y + 19.5 + HOST_LINE * k as f64),
                escape::svg(line)
            );
        }
        out.push_str("</g>");
        if href.is_some() {
            out.push_str("</a>");
        }
        out.push('\n');
    }
    out.push_str("</g>\n");
}

/// The cards: title, a row per top-level folder, its folders as chips.
fn card_boxes(out: &mut String, laid: &[Card], card_x: f64, card_w: f64) {
    for card in laid {
        let full = &card.full;
        let cut = card.title.last().is_some_and(|l| l.ends_with('…')) && !full.ends_with('…');
        let whole = if cut { format!("<title>{}</title>", escape::svg(full)) } else { String::new() };
        let _ = write!(
            out,
            "<g class=\"group\"><rect class=\"card\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
            num(card_x),
            num(card.y),
            num(card_w),
            num(card.h)
        );
        for (k, line) in card.title.iter().enumerate() {
            let _ = write!(
                out,
                "<text class=\"head\" x=\"{}\" y=\"{}\">{}{}</text>",
                num(card_x + 10.0),
                num(card.y + 17.0 + TITLE_LINE * k as f64),
                if k == 0 { whole.as_str() } else { "" },
                escape::svg(line)
            );
        }
        for (level, top) in &card.levels {
            // Cut short: the whole folder as the tooltip.
            let shown = truncate(&level.chars().collect::<Vec<_>>(), LEVEL_CELLS);
            let whole = if shown == *level { String::new() } else { format!("<title>{}</title>", escape::svg(level)) };
            let _ = write!(
                out,
                "<text class=\"level\" x=\"{}\" y=\"{}\">{whole}{}</text>",
                num(card_x + PAD),
                num(top + 15.0),
                escape::svg(&shown)
            );
        }
        for chip in &card.chips {
            let _ = write!(
                out,
                "<g class=\"folder {}\"><title>{}</title>\
                 <rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
                class_name(chip.folder.class),
                escape::svg(&clean(&chip.folder.title)),
                num(chip.x),
                num(chip.y),
                num(chip.w),
                num(CHIP_H),
                num(chip.x + chip.w / 2.0),
                num(chip.y + 15.0),
                escape::svg(&chip.text)
            );
        }
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{svg_id, view_box, well_formed};

    fn folder(label: &str, class: &'static str) -> MapFolder {
        MapFolder { label: label.into(), class, title: format!("{label}: {class}") }
    }

    fn sample() -> (Vec<MapHost>, Vec<MapCard>) {
        let hosts = ["rog", "zen", "nas"]
            .iter()
            .map(|h| MapHost { label: (*h).into(), href: Some(format!("hosts/{h}.html")) })
            .collect();
        let cards = vec![
            MapCard {
                title: "every host".into(),
                hosts: vec![],
                rows: vec![
                    ("modules/".into(), vec![folder("base/", "complete"), folder("desktop/", "inprogress")]),
                    ("home/".into(), vec![folder("*.nix", "untouched")]),
                ],
            },
            MapCard {
                title: "rog".into(),
                hosts: vec![0],
                rows: vec![("hosts/".into(), vec![folder("rog/", "untouched")])],
            },
            MapCard {
                title: "nas, zen".into(),
                hosts: vec![1, 2],
                rows: vec![("modules/".into(), vec![folder("server/", "untouched")])],
            },
        ];
        (hosts, cards)
    }

    #[test]
    fn one_arrow_per_host_and_card() {
        let (hosts, cards) = sample();
        let svg = host_map(&hosts, &cards, "Hosts");
        well_formed(&svg);
        // Every host: one arrow from the column; then one per host.
        assert_eq!(svg.matches("<path class=\"edge\"").count(), 1 + 1 + 2);
        assert_eq!(svg.matches("<g class=\"folder ").count(), 5);
        assert!(svg.contains("<a href=\"hosts/rog.html\"><title>host rog</title><g class=\"host planned\">"));
        assert!(svg.contains("<g class=\"folder inprogress\"><title>desktop/: inprogress</title>"));
        assert!(svg.contains(">modules/</text>") && svg.contains(">Hosts (3)</text>"));
        assert!(svg.contains(" width=\"100%\" "));
        assert_eq!(svg, host_map(&hosts, &cards, "Hosts"));
        assert!(host_map(&[], &cards, "Hosts").contains("Nothing to draw"));
    }

    #[test]
    fn wide_cards_wrap_and_stay_inside_the_drawing() {
        let (hosts, mut cards) = sample();
        cards[0].rows[0].1 = (0..60).map(|i| folder(&format!("module-number-{i}/"), "untouched")).collect();
        let svg = host_map(&hosts, &cards, "Hosts");
        well_formed(&svg);
        let vb = view_box(&svg);
        assert!(vb.0 <= MAX_WIDTH, "{vb:?}");
        for part in svg.split("<rect class=\"box\" x=\"").skip(1) {
            let x: f64 = part.split('"').next().unwrap().parse().unwrap();
            let w: f64 = part.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
            assert!(x + w <= vb.0 - MARGIN + 0.5, "{x} + {w}");
        }
    }

    #[test]
    fn hostile_text_is_escaped() {
        let evil = "<script>alert(\"x\")</script> & 'q' \u{0}";
        let hosts = vec![MapHost { label: evil.into(), href: Some("javascript:alert(1)".into()) }];
        let cards = vec![MapCard {
            title: evil.into(),
            hosts: vec![0],
            rows: vec![(
                evil.into(),
                vec![MapFolder { label: evil.into(), class: "x\" onload=\"y", title: evil.into() }],
            )],
        }];
        let svg = host_map(&hosts, &cards, evil);
        well_formed(&svg);
        assert!(!svg.contains("<script") && !svg.contains("javascript:") && !svg.contains(" onload="));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn the_narrow_map_is_the_cards_alone() {
        let (hosts, cards) = sample();
        let narrow = host_map_narrow(&hosts, &cards, "Hosts");
        well_formed(&narrow);
        assert!(narrow.contains("viewBox=\"0 0 400 "));
        assert!(!narrow.contains("class=\"edge\"") && !narrow.contains("class=\"host "));
        assert!(narrow.contains(">Run by every host</text>") && narrow.contains(">Run by nas, zen</text>"), "{narrow}");
        assert_eq!(narrow.matches("<g class=\"folder ").count(), 5);
        assert_ne!(svg_id(&narrow), svg_id(&host_map(&hosts, &cards, "Hosts")));
    }

    #[test]
    fn cut_text_keeps_its_whole_as_a_tooltip() {
        let (hosts, mut cards) = sample();
        let level = "a-very-long-top-level-folder-name/";
        cards[1].rows[0].0 = level.into();
        cards[1].title = (0..40).map(|i| format!("host-{i}")).collect::<Vec<_>>().join(", ");
        let svg = host_map(&hosts, &cards, "Hosts");
        well_formed(&svg);
        assert!(svg.contains(&format!("<title>{level}</title>a-very-long-top-level…</text>")), "{svg}");
        // A long title wraps onto three lines, the third cut, the whole in the tooltip.
        assert!(svg.contains(&format!("<title>{}</title>", cards[1].title)), "{svg}");
        assert_eq!(svg.matches("<text class=\"head\" x=\"").count(), 1 + 1 + 3 + 1, "{svg}");
    }
}
