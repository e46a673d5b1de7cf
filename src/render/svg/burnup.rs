//! The burn-up chart of the progress site's timeline page, drawn as a static
//! SVG by hand: [`burnup`]. Same conventions as the other diagrams (and
//! their helpers in `mod.rs`): a pure function returning one `<svg>`
//! element, byte-identical for the same input, no clock, no script, every
//! text escaped.
//!
//! # The series
//!
//! Points are sorted by day; a day given twice keeps the last point given for
//! it and `done` is clamped to `total`. The
//! result does not depend on the input order (apart from which duplicate is
//! last). Sorting costs O(n log n); everything after it is linear.
//!
//! # Drawing
//!
//! A fixed `viewBox` of 720 × 260 with `width="100%"` and no height, so the
//! chart scales down with the page and keeps its aspect ratio; 400 × 260
//! for a phone ([`burnup_narrow`]). Each
//! point is a column one calendar day wide, `x` linear in days from the first
//! point's day to the end of the last point's day: a value holds until the
//! next point (step lines), and one point, or all on one day, fill a single
//! column. Done and the scope (total) are two step lines, done solid
//! (`--bar`), the scope dashed (`--scope`): work taken out of the scope
//! lowers the scope line and leaves done where it was. The `y` axis has 3 to 6 ticks at 1, 2 or
//! 5 × 10^k from 0; the `x` axis ticks days or weeks (`03-14`), months
//! (`2024-03`) or years (`2024`), whichever is the finest whose labels stay
//! apart. A legend names the two series and the last values are written at
//! the right end (`97 / 140`). Paths drop moves that do not change a
//! coordinate rounded to 0.1, so 10,000 points stay well under a megabyte.
//!
//! # Styling and accessibility
//!
//! `<style data-spec="">` rules wrapped in `:where(#id …)` (zero specificity,
//! this SVG only) read `--bar`, `--scope`, `--text`, `--muted` and `--grid`,
//! with fallbacks that suit light and dark pages. Essential paint (lines
//! stroked and text filled in `currentColor`, transparent hit areas) is
//! also given as presentation attributes, which any style rule
//! overrides, so the chart still reads if the style is stripped. The root is
//! `role="group"`, labelled by a `<title>` (the caption) and described by a
//! `<desc>` that sums the data up in words. Each point's column is an invisible
//! rect with a `<title>` ("2024-03-14: 40 of 120 tasks done"); beyond
//! [`MAX_TITLED`] points an evenly thinned subset is titled (always the first
//! and the last), each rect covering the columns up to the next titled point.

use super::axis::{TICK_PX, date_ticks};
use super::{Fnv, NARROW_WIDTH, base_css, clean, nothing, num, text_px};
use crate::model::Day;
use crate::render::escape;
use std::fmt::Write as _;

/// One point of a burn-up series: at the end of `day` (UTC), `done` of
/// `total` tasks were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurnupPoint {
    /// The day the counts were taken.
    pub day: Day,
    /// Tasks checked; more than `total` is clamped to `total`.
    pub done: u64,
    /// Tasks in scope.
    pub total: u64,
}

/// At most this many points get a titled hit area.
const MAX_TITLED: usize = 400;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
const MARGIN: f64 = 12.0;
const PLOT_TOP: f64 = 36.0;
const PLOT_BOTTOM: f64 = 232.0;
/// Pixels per terminal cell of 12px text; numbers are estimated wider (a
/// digit is about 0.64 em, 0.7 em in bold).
const TEXT_PX: f64 = 7.2;
const TICK_DIGIT_PX: f64 = 7.0;
const BOLD_DIGIT_PX: f64 = 8.4;
/// The plot stays at least this wide, whatever the labels.
const MIN_PLOT_W: f64 = 160.0;
const CAPTION: &str = "Burn-up chart";

/// A point of the cleaned series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    day: Day,
    done: u64,
    total: u64,
}

/// Sorted by day, one point a day (the last given), `done <= total`.
fn series(points: &[BurnupPoint]) -> Vec<Point> {
    let mut days: Vec<Point> =
        points.iter().map(|p| Point { day: p.day, done: p.done.min(p.total), total: p.total }).collect();
    // Stable, so of one day's points the last given is last.
    days.sort_by_key(|d| d.day);
    let mut out: Vec<Point> = Vec::with_capacity(days.len());
    for d in days {
        match out.last_mut() {
            Some(last) if last.day == d.day => *last = d,
            _ => out.push(d),
        }
    }
    out
}

/// The `y` axis from 0: a step of 1, 2 or 5 × 10^k and the top tick, a
/// multiple of the step at least `max`, so that there are 3 to 6 ticks.
fn nice_ticks(max: u64) -> (u128, u128) {
    let m = u128::from(max.max(1));
    let mut magnitude: u128 = 1;
    loop {
        for f in [1, 2, 5] {
            let step = f * magnitude;
            let intervals = m.div_ceil(step);
            if intervals <= 5 {
                // The previous step needed more than 5 intervals, so this one
                // needs at least 3, except for the first step (max 1).
                return (step, step * intervals.max(2));
            }
        }
        magnitude *= 10;
    }
}

/// The data in one sentence, for `<desc>`.
fn describe(s: &[Point]) -> String {
    let (Some(first), Some(last)) = (s.first(), s.last()) else { return "No history yet.".to_owned() };
    let tasks = |n: u64| if n == 1 { "1 task".to_owned() } else { format!("{n} tasks") };
    let scope = if first.day == last.day {
        format!("On {} the scope was {}", last.day, tasks(last.total))
    } else {
        let change = match first.total.cmp(&last.total) {
            std::cmp::Ordering::Less => format!("grew from {} to {}", first.total, tasks(last.total)),
            std::cmp::Ordering::Greater => format!("shrank from {} to {}", first.total, tasks(last.total)),
            std::cmp::Ordering::Equal => format!("stayed at {}", tasks(last.total)),
        };
        format!("From {} to {} the scope {change}", first.day, last.day)
    };
    let done = if last.done == 1 { "1 is done".to_owned() } else { format!("{} are done", last.done) };
    // Rounded down: 100% only when everything is done.
    let percent = match last.total {
        0 => String::new(),
        t => format!(" ({}%)", u128::from(last.done) * 100 / u128::from(t)),
    };
    format!("{scope}; {done}{percent}.")
}

/// The text of a point's `<title>`.
fn point_title(p: &Point) -> String {
    let tasks = if p.total == 1 { "task" } else { "tasks" };
    format!("{}: {} of {} {tasks} done", p.day, p.done, p.total)
}

/// Which points get a titled hit area: all of them up to [`MAX_TITLED`],
/// else that many spread evenly, the first and the last included.
fn titled(n: usize) -> impl Iterator<Item = usize> {
    let m = n.min(MAX_TITLED);
    (0..m).map(move |k| if m < 2 { 0 } else { k * (n - 1) / (m - 1) })
}

/// A coordinate in tenths, as [`num`] writes it.
fn tenths(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// Path data for a step line from `(x0, y0)`: for each run, a vertical move to
/// its `y`, then a horizontal one to its end `x`. A move that does not change
/// the rounded coordinate is dropped; horizontal runs at one height merge.
fn step_path(x0: f64, y0: f64, runs: impl Iterator<Item = (f64, f64)>) -> String {
    let mut d = format!("M{},{}", num(x0), num(y0));
    let mut y = tenths(y0);
    let mut x = tenths(x0);
    let mut pending: Option<f64> = None;
    for (ry, rx) in runs {
        if tenths(ry) != y {
            if let Some(px) = pending.take() {
                let _ = write!(d, "H{}", num(px));
            }
            let _ = write!(d, "V{}", num(ry));
            y = tenths(ry);
        }
        if tenths(rx) != x {
            pending = Some(rx);
            x = tenths(rx);
        }
    }
    if let Some(px) = pending {
        let _ = write!(d, "H{}", num(px));
    }
    d
}

fn burnup_css(id: &str, width: f64) -> String {
    let mut css = base_css(id, width);
    let _ = write!(
        css,
        ":where(#{id} .grid){{stroke:var(--grid,rgba(128,128,128,.25));stroke-width:1}}\n\
         :where(#{id} .axis-line){{stroke:var(--muted,#868e96);stroke-width:1}}\n\
         :where(#{id} .tick){{font-size:11px;fill:var(--muted,currentColor)}}\n\
         :where(#{id} .tick-mark){{stroke:var(--muted,#868e96);stroke-width:1}}\n\
         :where(#{id} .done-line){{fill:none;stroke:var(--bar,#2f9e44);stroke-width:2.5}}\n\
         :where(#{id} .scope-line){{fill:none;stroke:var(--scope,#6f86b3);stroke-width:2;stroke-dasharray:6 3}}\n\
         :where(#{id} .end-label){{font-weight:600}}\n\
         :where(#{id} .hit){{fill:transparent;stroke:none}}\n\
         :where(#{id} .hit:hover){{fill:rgba(128,128,128,.18)}}\n"
    );
    css
}

/// A burn-up chart: the total (scope) and done as two step lines, x = days
/// (linear in calendar days between first and last point), y = tasks. See
/// the documentation of `svg/burnup.rs`; with no point, a small SVG says
/// "No history yet".
pub fn burnup(points: &[BurnupPoint], caption: &str) -> String {
    draw(points, caption, WIDTH)
}

/// The same chart for a phone: [`NARROW_WIDTH`] wide, so its text stays
/// readable there; fewer date ticks. Its ids differ from
/// [`burnup`](fn@burnup)'s, so a page can hold both and show one.
pub fn burnup_narrow(points: &[BurnupPoint], caption: &str) -> String {
    draw(points, caption, NARROW_WIDTH)
}

fn draw(points: &[BurnupPoint], caption: &str, width: f64) -> String {
    let kind = if width < WIDTH { "burnup-narrow" } else { "burnup" };
    let caption = if clean(caption).is_empty() { CAPTION } else { caption };
    let s = series(points);
    let (Some(&first), Some(&last)) = (s.first(), s.last()) else {
        return nothing("burnup", caption, "No history yet", kind);
    };

    let mut hash = Fnv::new();
    hash.add(kind);
    hash.add(caption);
    let mut buf = String::new();
    for p in &s {
        buf.clear();
        let _ = write!(buf, "{} {} {}", p.day.number(), p.done, p.total);
        hash.add(&buf);
    }
    let id = hash.prefix("burnup");

    // Scales. Day d is the column [x(d), x(d + 1)).
    let max_total = s.iter().map(|p| p.total).max().unwrap_or(0);
    let (y_step, y_top) = nice_ticks(max_total);
    let end_label = format!("{} / {}", last.done, last.total);
    let left = (MARGIN + text_px(&y_top.to_string(), TICK_DIGIT_PX) + 8.0).ceil();
    let right = (width - MARGIN - text_px(&end_label, BOLD_DIGIT_PX) - 8.0).floor().max(left + MIN_PLOT_W);
    let (lo, hi) = (first.day, last.day.plus(1));
    let ppd = (right - left) / hi.since(lo) as f64;
    let x = |day: Day| left + day.since(lo) as f64 * ppd;
    let y_of = |v: f64| PLOT_BOTTOM - v / y_top as f64 * (PLOT_BOTTOM - PLOT_TOP);
    let y = |v: u64| y_of(v as f64);
    let end_of = |i: usize| s.get(i + 1).map_or(right, |n| x(n.day));

    let mut out = String::with_capacity(40 * s.len() + 150 * s.len().min(MAX_TITLED) + 4096);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"spec-burnup\" viewBox=\"0 0 {} {}\" \
         width=\"100%\" fill=\"currentColor\" role=\"group\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\">\n\
         <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n\
         <style data-spec=\"\">\n{}</style>\n",
        num(width),
        num(HEIGHT),
        escape::svg(&clean(caption)),
        escape::svg(&describe(&s)),
        burnup_css(&id, width)
    );

    // Axes and grid.
    out.push_str("<g class=\"axis\" aria-hidden=\"true\">\n");
    let mut v: u128 = 0;
    while v <= y_top {
        let yy = num(y_of(v as f64));
        if v > 0 {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{}\" y1=\"{yy}\" x2=\"{}\" y2=\"{yy}\"/>",
                num(left),
                num(right)
            );
        }
        let _ = writeln!(
            out,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{v}</text>",
            num(left - 6.0),
            num(y_of(v as f64) + 4.0)
        );
        v += y_step;
    }
    for (day, label) in date_ticks(lo, hi, ppd) {
        let cx = x(day) + ppd / 2.0;
        let half = text_px(&label, TICK_PX) / 2.0;
        let _ = write!(
            out,
            "<line class=\"tick-mark\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
            num(cx),
            num(PLOT_BOTTOM),
            num(PLOT_BOTTOM + 4.0)
        );
        if cx - half >= 0.0 && cx + half <= width {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                num(cx),
                num(PLOT_BOTTOM + 17.0)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<line class=\"axis-line\" x1=\"{}\" y1=\"{2}\" x2=\"{}\" y2=\"{2}\" stroke=\"currentColor\"/>\n</g>",
        num(left),
        num(right),
        num(PLOT_BOTTOM)
    );

    // The series.
    let done_runs = || s.iter().enumerate().map(|(i, p)| (y(p.done), end_of(i)));
    let done_line = step_path(x(lo), y(first.done), done_runs());
    let scope_line = step_path(x(lo), y(first.total), s.iter().enumerate().map(|(i, p)| (y(p.total), end_of(i))));
    let _ = write!(
        out,
        "<g class=\"series\" aria-hidden=\"true\">\n\
         <path class=\"scope-line\" d=\"{scope_line}\" fill=\"none\" stroke=\"currentColor\" stroke-dasharray=\"6 3\"/>\n\
         <path class=\"done-line\" d=\"{done_line}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\"/>\n</g>\n"
    );

    // Legend, and the last values at the right end.
    let lx = left;
    let scope_x = lx + 20.0 + text_px("Done", TEXT_PX) + 16.0;
    let _ = writeln!(
        out,
        "<g class=\"legend\">\
         <line class=\"done-line\" x1=\"{}\" y1=\"16\" x2=\"{}\" y2=\"16\" stroke=\"currentColor\" stroke-width=\"2.5\"/>\
         <text x=\"{}\" y=\"20\">Done</text>\
         <line class=\"scope-line\" x1=\"{}\" y1=\"16\" x2=\"{}\" y2=\"16\" stroke=\"currentColor\" stroke-dasharray=\"6 3\"/>\
         <text x=\"{}\" y=\"20\">Scope</text></g>",
        num(lx),
        num(lx + 14.0),
        num(lx + 20.0),
        num(scope_x),
        num(scope_x + 18.0),
        num(scope_x + 24.0)
    );
    let label_y = (y(last.done) + 4.0).clamp(PLOT_TOP + 8.0, PLOT_BOTTOM);
    let _ = writeln!(
        out,
        "<text class=\"end-label\" x=\"{}\" y=\"{}\">{}</text>",
        num(right + 8.0),
        num(label_y),
        escape::svg(&end_label)
    );

    // One titled hit area per point (or per titled point and the columns up
    // to the next one).
    out.push_str("<g class=\"points\">\n");
    let marks: Vec<usize> = titled(s.len()).collect();
    for (k, &i) in marks.iter().enumerate() {
        let x0 = x(s[i].day);
        let x1 = marks.get(k + 1).map_or(right, |&j| x(s[j].day));
        let _ = writeln!(
            out,
            "<rect class=\"hit\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"transparent\">\
             <title>{}</title></rect>",
            num(x0),
            num(PLOT_TOP),
            num((x1 - x0).max(0.5)),
            num(PLOT_BOTTOM - PLOT_TOP),
            escape::svg(&point_title(&s[i]))
        );
    }
    out.push_str("</g>\n</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::tests::{day, well_formed};

    fn pt(text: &str, done: u64, total: u64) -> BurnupPoint {
        BurnupPoint { day: day(text), done, total }
    }

    fn ymd(year: i64, month: u32, day: u32) -> Day {
        Day::from_ymd(year, month, day).expect("a real day")
    }

    /// A half-year series: scope from 12 to 140, done to 97.
    fn sample() -> Vec<BurnupPoint> {
        let mut points = Vec::new();
        let start = ymd(2024, 1, 3).number();
        let end = ymd(2024, 6, 30).number();
        for (k, day) in (start..end).step_by(3).chain([end]).enumerate() {
            let k = k as u64;
            let total = (12 + k * 2).min(140);
            let done = (k * 3 / 2).min(97).min(total);
            points.push(BurnupPoint { day: Day::from_number(day), done, total });
        }
        let last = points.last_mut().unwrap();
        last.done = 97;
        last.total = 140;
        points
    }

    fn id_of(svg: &str) -> String {
        svg.split("id=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
    }

    fn titles(svg: &str) -> Vec<&str> {
        svg.split("<rect class=\"hit\"")
            .skip(1)
            .map(|r| r.split("<title>").nth(1).unwrap().split('<').next().unwrap())
            .collect()
    }

    #[test]
    fn output_is_well_formed_and_labelled() {
        let svg = burnup(&sample(), "Progress over time");
        well_formed(&svg);
        let id = id_of(&svg);
        assert!(id.starts_with("spec-burnup-"));
        assert!(svg.contains("role=\"group\""));
        assert!(svg.contains(&format!("aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\"")));
        assert!(svg.contains(&format!("<title id=\"{id}-title\">Progress over time</title>")));
        assert!(svg.contains("width=\"100%\""));
        assert!(svg.contains("viewBox=\"0 0 720 260\""));
        assert!(svg.contains("<style data-spec=\"\">"));
        for var in ["--bar", "--scope", "--text", "--muted", "--grid"] {
            assert!(svg.contains(&format!("var({var},")), "{var}");
        }
        assert!(svg.contains(">Done</text>") && svg.contains(">Scope</text>"));
        assert!(svg.contains(">97 / 140</text>"));
        assert!(svg.contains("<title>2024-01-03: 0 of 12 tasks done</title>"));
        assert!(svg.contains("<title>2024-06-30: 97 of 140 tasks done</title>"));
        // Every id and style rule carries the prefix.
        for part in svg.split(" id=\"").skip(1) {
            assert!(part.starts_with(&id));
        }
        for part in svg.split(":where(").skip(1) {
            assert!(part.starts_with(&format!("#{id}")));
        }
        // An empty caption still names the chart.
        assert!(burnup(&sample(), " \n").contains("-title\">Burn-up chart</title>"));
    }

    #[test]
    fn deterministic_whatever_the_order() {
        let points = sample();
        let a = burnup(&points, "Burn-up");
        assert_eq!(a, burnup(&points, "Burn-up"));
        let mut shuffled = points.clone();
        shuffled.reverse();
        let n = shuffled.len();
        for i in 0..n {
            shuffled.swap(i, (i * 7 + 3) % n);
        }
        assert_ne!(shuffled, points);
        assert_eq!(a, burnup(&shuffled, "Burn-up"));
        // Another caption or other data: another id.
        assert_ne!(id_of(&a), id_of(&burnup(&points, "Other")));
        assert_ne!(id_of(&a), id_of(&burnup(&points[1..], "Burn-up")));
    }

    #[test]
    fn hostile_caption_is_escaped() {
        let evil = "<script>alert(\"x\")</script> & 'q' \u{0}\u{1b}]]>";
        for svg in [burnup(&sample(), evil), burnup(&[], evil)] {
            well_formed(&svg);
            assert!(!svg.contains("<script"));
            assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
            assert!(!svg.contains('\u{0}') && !svg.contains('\u{1b}'));
            assert!(!svg.contains("]]>"));
        }
    }

    #[test]
    fn no_points_say_so() {
        let svg = burnup(&[], "History");
        well_formed(&svg);
        assert!(svg.contains("No history yet"));
        assert!(svg.contains("role=\"group\""));
        assert!(svg.len() < 1000);
    }

    #[test]
    fn one_point_is_one_column() {
        let svg = burnup(&[pt("2024-03-14", 40, 120)], "One");
        well_formed(&svg);
        assert!(svg.contains("<desc id=\""));
        assert!(svg.contains(">On 2024-03-14 the scope was 120 tasks; 40 are done (33%).</desc>"));
        assert_eq!(titles(&svg), ["2024-03-14: 40 of 120 tasks done"]);
        assert!(svg.contains(">03-14</text>"));
        assert!(svg.contains(">40 / 120</text>"));
        // The column spans the plot: the hit rect and both lines reach the right end.
        let right = svg.split("class=\"axis-line\" x1=\"").nth(1).unwrap();
        let (left, right) =
            (right.split('"').next().unwrap(), right.split("x2=\"").nth(1).unwrap().split('"').next().unwrap());
        assert!(svg.contains(&format!("<rect class=\"hit\" x=\"{left}\"")));
        assert!(svg.contains(&format!("class=\"scope-line\" d=\"M{left},75.2H{right}\"")));
        assert!(svg.contains(&format!("class=\"done-line\" d=\"M{left},179.7H{right}\"")));
        // Two lines, no filled area.
        assert!(!svg.contains("Z\""));
        // Several points on one day: the same single column, the last given.
        let svg = burnup(&[pt("2024-03-14", 1, 2), pt("2024-03-14", 40, 120)], "One");
        assert_eq!(titles(&svg), ["2024-03-14: 40 of 120 tasks done"]);
    }

    #[test]
    fn done_is_clamped_to_total() {
        let svg = burnup(&[pt("2024-01-01", 9, 5), pt("2024-01-02", 3, 0), pt("2024-01-03", u64::MAX, u64::MAX)], "c");
        well_formed(&svg);
        assert_eq!(
            titles(&svg),
            [
                "2024-01-01: 5 of 5 tasks done",
                "2024-01-02: 0 of 0 tasks done",
                "2024-01-03: 18446744073709551615 of 18446744073709551615 tasks done"
            ]
        );
        assert!(svg.contains("; 18446744073709551615 are done (100%).</desc>"));
    }

    #[test]
    fn duplicate_days_keep_the_last_given() {
        let points =
            [pt("2024-01-02", 5, 10), pt("2024-01-01", 1, 10), pt("2024-01-02", 7, 12), pt("2024-01-01", 2, 10)];
        let s = series(&points);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].done, s[0].total), (2, 10));
        assert_eq!((s[1].done, s[1].total), (7, 12));
        let svg = burnup(&points, "dup");
        assert_eq!(titles(&svg), ["2024-01-01: 2 of 10 tasks done", "2024-01-02: 7 of 12 tasks done"]);
    }

    #[test]
    fn y_ticks_are_nice() {
        assert_eq!(nice_ticks(0), (1, 2));
        assert_eq!(nice_ticks(1), (1, 2));
        assert_eq!(nice_ticks(2), (1, 2));
        assert_eq!(nice_ticks(5), (1, 5));
        assert_eq!(nice_ticks(6), (2, 6));
        assert_eq!(nice_ticks(12), (5, 15));
        assert_eq!(nice_ticks(140), (50, 150));
        assert_eq!(nice_ticks(1000), (200, 1000));
        assert_eq!(nice_ticks(1001), (500, 1500));
        for max in (0..3000).chain([u64::MAX / 3, u64::MAX - 1, u64::MAX]) {
            let (step, top) = nice_ticks(max);
            let ticks = top / step + 1;
            assert!((3..=6).contains(&ticks), "{max}: {ticks} ticks");
            assert!(top >= u128::from(max) && top % step == 0);
            let mut m = step;
            while m % 10 == 0 {
                m /= 10;
            }
            assert!([1, 2, 5].contains(&m), "{max}: step {step}");
        }
    }

    #[test]
    fn desc_sums_up_the_data() {
        let desc = |points: &[BurnupPoint]| {
            let svg = burnup(points, "c");
            svg.split("<desc id=\"")
                .nth(1)
                .unwrap()
                .split_once("\">")
                .unwrap()
                .1
                .split("</desc>")
                .next()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            desc(&sample()),
            "From 2024-01-03 to 2024-06-30 the scope grew from 12 to 140 tasks; 97 are done (69%)."
        );
        assert_eq!(
            desc(&[pt("2024-01-01", 0, 10), pt("2024-02-01", 1, 1)]),
            "From 2024-01-01 to 2024-02-01 the scope shrank from 10 to 1 task; 1 is done (100%)."
        );
        assert_eq!(
            desc(&[pt("2024-01-01", 0, 8), pt("2024-02-01", 7, 8)]),
            "From 2024-01-01 to 2024-02-01 the scope stayed at 8 tasks; 7 are done (87%)."
        );
        assert_eq!(desc(&[pt("2024-01-01", 0, 0)]), "On 2024-01-01 the scope was 0 tasks; 0 are done.");
    }

    #[test]
    fn ten_thousand_points() {
        let start = ymd(1990, 1, 1);
        let points: Vec<BurnupPoint> = (0..10_000u64)
            .map(|k| {
                let total = 100 + k / 3 + (k * 7919 % 13);
                BurnupPoint { day: start.plus(k as i64), done: k / 4, total }
            })
            .collect();
        let svg = burnup(&points, "Ten thousand");
        well_formed(&svg);
        assert!(svg.len() < 1_000_000, "{} bytes", svg.len());
        let t = titles(&svg);
        assert_eq!(t.len(), MAX_TITLED);
        assert_eq!(t[0], "1990-01-01: 0 of 100 tasks done");
        assert_eq!(
            t.last().copied(),
            Some(format!("{}: 2499 of {} tasks done", start.plus(9999), 100 + 3333 + 9999 * 7919 % 13).as_str())
        );
        // Every coordinate has one decimal at most.
        for part in svg.split('"').skip(1).step_by(2) {
            for token in part.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
                if let Some((_, frac)) = token.split_once('.') {
                    assert!(frac.len() <= 1, "{token} in {}", &part[..part.len().min(40)]);
                }
            }
        }
    }

    #[test]
    fn thinning_keeps_the_ends() {
        assert_eq!(titled(0).count(), 0);
        assert_eq!(titled(1).collect::<Vec<_>>(), [0]);
        assert_eq!(titled(3).collect::<Vec<_>>(), [0, 1, 2]);
        let t: Vec<usize> = titled(1001).collect();
        assert_eq!(t.len(), MAX_TITLED);
        assert_eq!((t[0], t[MAX_TITLED - 1]), (0, 1000));
        assert!(t.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn step_paths_merge_runs() {
        assert_eq!(
            step_path(10.0, 100.0, [(100.0, 20.0), (100.0, 30.0), (50.0, 40.0)].into_iter()),
            "M10,100H30V50H40"
        );
        assert_eq!(step_path(0.0, 0.0, [(0.04, 0.01)].into_iter()), "M0,0");
    }

    #[test]
    fn the_narrow_chart_has_its_own_ids() {
        let (wide, narrow) = (burnup(&sample(), "B"), burnup_narrow(&sample(), "B"));
        well_formed(&narrow);
        assert!(narrow.contains("viewBox=\"0 0 400 260\""));
        assert_ne!(id_of(&wide), id_of(&narrow));
        assert_eq!(titles(&wide), titles(&narrow));
        assert_ne!(id_of(&burnup(&[], "B")), id_of(&burnup_narrow(&[], "B")));
        // Fewer date ticks, none cut at the right edge.
        assert!(narrow.matches("class=\"tick\" x=").count() < wide.matches("class=\"tick\" x=").count());
    }
}
