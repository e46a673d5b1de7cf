//! The date axis the timeline and the burn-up share: ticks whose unit
//! follows the span and the room there is, from every day to every few
//! thousand years.

use crate::model::Day;

/// Pixels per terminal cell of an 11px tick label.
pub(super) const TICK_PX: f64 = 6.6;
/// Minimum distance between two date ticks.
const MIN_TICK_GAP: f64 = 64.0;

/// The first days of the months in `lo..hi` that are a multiple of `step`
/// months from January of the year 0.
fn month_starts(lo: Day, hi: Day, step: i64) -> impl Iterator<Item = Day> {
    std::iter::successors(Some(lo.month_start()), |d| Some(d.next_month_start()))
        .take_while(move |&d| d < hi)
        .filter(move |&d| d >= lo && (d.year() * 12 + i64::from(d.month()) - 1) % step == 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// Date tick steps, finest first.
const DATE_STEPS: &[(Unit, i64)] = &[
    (Unit::Day, 1),
    (Unit::Day, 2),
    (Unit::Week, 1),
    (Unit::Week, 2),
    (Unit::Month, 1),
    (Unit::Month, 2),
    (Unit::Month, 3),
    (Unit::Month, 6),
    (Unit::Year, 1),
    (Unit::Year, 2),
    (Unit::Year, 5),
    (Unit::Year, 10),
    (Unit::Year, 20),
    (Unit::Year, 50),
    (Unit::Year, 100),
    (Unit::Year, 200),
    (Unit::Year, 500),
    (Unit::Year, 1000),
    (Unit::Year, 2000),
    (Unit::Year, 5000),
];

/// Ticks for the days `lo..hi` at `ppd` pixels a day: (day, label) for the
/// finest step of [`DATE_STEPS`] whose ticks stay far enough apart for their
/// labels (shortest month and year counted). Days and weeks (on Mondays) are
/// labelled `MM-DD`, months `YYYY-MM` (on the first), years `YYYY`.
pub(super) fn date_ticks(lo: Day, hi: Day, ppd: f64) -> Vec<(Day, String)> {
    let (unit, step) = DATE_STEPS
        .iter()
        .copied()
        .find(|&(unit, step)| {
            let (days, cells) = match unit {
                Unit::Day => (1, 5),
                Unit::Week => (7, 5),
                Unit::Month => (28, 7),
                Unit::Year => (365, 4),
            };
            (days * step) as f64 * ppd >= (cells as f64 * TICK_PX + 16.0).max(MIN_TICK_GAP)
        })
        .unwrap_or((Unit::Year, 10_000));
    let mut ticks = Vec::new();
    match unit {
        Unit::Day | Unit::Week => {
            // Weeks start on Mondays, every `step` weeks from Monday
            // 1970-01-05.
            let monday = Day::from_number(4);
            let (first, stride) =
                if unit == Unit::Day { (lo, step) } else { (lo.plus(monday.since(lo).rem_euclid(7 * step)), 7 * step) };
            let mut d = first;
            while d < hi {
                ticks.push((d, format!("{:02}-{:02}", d.month(), d.day_of_month())));
                d = d.plus(stride);
            }
        }
        Unit::Month => {
            ticks.extend(month_starts(lo, hi, step).map(|d| (d, format!("{:04}-{:02}", d.year(), d.month()))));
        }
        Unit::Year => {
            let y0 = lo.year();
            let mut y = y0 + (-y0).rem_euclid(step);
            loop {
                let d = Day::from_ymd(y, 1, 1).expect("January 1st is a day");
                if d >= hi {
                    break;
                }
                if d >= lo {
                    ticks.push((d, format!("{y:04}")));
                }
                y += step;
            }
        }
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::svg::text_px;

    fn ymd(year: i64, month: u32, day: u32) -> Day {
        Day::from_ymd(year, month, day).expect("a real day")
    }

    /// Ticks for the span `from..=to` at the chart's usual plot width.
    fn ticks_for(from: (i64, u32, u32), to: (i64, u32, u32)) -> Vec<(Day, String)> {
        let lo = ymd(from.0, from.1, from.2);
        let hi = ymd(to.0, to.1, to.2).plus(1);
        let ppd = 600.0 / hi.since(lo) as f64;
        let ticks = date_ticks(lo, hi, ppd);
        // Never overlapping: neighbours further apart than their labels.
        for w in ticks.windows(2) {
            let gap = w[1].0.since(w[0].0) as f64 * ppd;
            assert!(gap >= (text_px(&w[0].1, TICK_PX) + text_px(&w[1].1, TICK_PX)) / 2.0 + 8.0, "{w:?}");
        }
        assert!(ticks.iter().all(|t| (lo..hi).contains(&t.0)));
        ticks
    }

    #[test]
    fn date_ticks_by_span() {
        let labels = |t: Vec<(Day, String)>| t.into_iter().map(|(_, l)| l).collect::<Vec<_>>();
        // 5 days: every day.
        assert_eq!(labels(ticks_for((2024, 3, 12), (2024, 3, 16))), ["03-12", "03-13", "03-14", "03-15", "03-16"]);
        // 90 days: every other Monday.
        let t = ticks_for((2024, 1, 3), (2024, 4, 1));
        assert_eq!(labels(t.clone()), ["01-08", "01-22", "02-05", "02-19", "03-04", "03-18", "04-01"]);
        assert!(t.iter().all(|(d, _)| (d.number() - 4).rem_euclid(7) == 0), "Mondays");
        // 3 years: every six months.
        assert_eq!(
            labels(ticks_for((2022, 2, 10), (2025, 2, 9))),
            ["2022-07", "2023-01", "2023-07", "2024-01", "2024-07", "2025-01"]
        );
        // A century: years.
        let t = labels(ticks_for((1950, 6, 1), (2050, 1, 1)));
        assert_eq!(t.first().map(String::as_str), Some("1960"));
        assert!(t.iter().all(|l| l.len() == 4 && l.ends_with('0')));
        // One day: one tick.
        assert_eq!(labels(ticks_for((2024, 2, 29), (2024, 2, 29))), ["02-29"]);
        // The widest span `Day::parse` allows.
        assert!(!ticks_for((0, 1, 1), (9999, 12, 31)).is_empty());
    }
}
