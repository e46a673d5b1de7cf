//! The timeline from git history as rows that stay readable on any
//! repository ([`rows`]): open work row by row, sorted by the day it was
//! proposed; finished work (archived or complete) folded into one row per
//! phase, and outside phases one row per month it finished in, newest
//! first; at most [`MAX_ROWS`] rows whatever the repository holds. What is
//! folded is listed in full on the site's archive page.

use super::history::{ChangeHistory, History, Presence};
use super::roadmap::Roadmap;
use crate::model::Day;
use std::collections::BTreeMap;

/// Rows at most (phases' planned spans included), unless the roadmap file
/// alone has more dated phases and phases with finished work than that.
pub const MAX_ROWS: usize = 80;
/// Month rows at most for finished work outside phases; earlier months
/// share one row.
pub const MAX_MONTHS: usize = 24;

/// What a row stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// A phase's planned span (from the roadmap file).
    Planned,
    /// One open change.
    Open {
        id: String,
        /// Tasks written (checked or not); else a draft.
        tasks: bool,
        stale: bool,
    },
    /// Finished changes folded into one row: `count` of them; `open` is set
    /// for a row of open changes folded because there were too many.
    Folded { count: usize, open: bool },
}

/// One row of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The section it is listed under: a phase's title, `Unplanned`, or
    /// `Finished` (work done outside phases).
    pub section: String,
    /// Text beside the bar (the change id, or what a folded row holds).
    pub label: String,
    pub start: Day,
    /// The last day (equal to `start` for work of a single day).
    pub end: Day,
    pub kind: RowKind,
}

fn finished_on(c: &ChangeHistory) -> Option<Day> {
    [&c.archived, &c.completed].into_iter().flatten().find_map(|e| e.day)
}

/// The day an open change was last worked on (its last commit).
fn last_on(c: &ChangeHistory, start: Day) -> Day {
    c.last_activity.day.unwrap_or(start).max(start)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A row folding `changes` (`(start, end)` each): from the first start to the last end.
fn folded(section: &str, label: String, spans: &[(Day, Day)], open: bool) -> Option<Row> {
    let start = spans.iter().map(|s| s.0).min()?;
    let end = spans.iter().map(|s| s.1).max()?.max(start);
    Some(Row { section: section.to_owned(), label, start, end, kind: RowKind::Folded { count: spans.len(), open } })
}

/// A phase as the timeline sees it: title, planned span, change ids.
pub type Phase<'a> = (&'a str, Option<Day>, Option<Day>, Vec<&'a str>);

/// The phases of a roadmap, for [`rows`].
pub fn phases(roadmap: &Roadmap) -> Vec<Phase<'_>> {
    roadmap
        .phases
        .iter()
        .map(|p| (p.title.as_str(), p.start, p.end, p.changes.iter().map(|c| c.id.as_str()).collect()))
        .collect()
}

/// The rows of the timeline: per phase its planned span, its open changes
/// (by the day they were proposed, then id) and one row for its finished
/// changes; then `Unplanned` (open changes in no phase); then `Finished`
/// (finished changes in no phase, a row per month, newest first). When
/// open changes would take the chart past [`MAX_ROWS`], the ones worked on
/// longest ago are folded, a row per section. Removed changes are left out.
pub fn rows(phases: &[Phase<'_>], history: &History) -> Vec<Row> {
    let phase_of: BTreeMap<&str, usize> =
        phases.iter().enumerate().flat_map(|(i, p)| p.3.iter().map(move |id| (*id, i))).collect();
    let unplanned = phases.len();
    // Per section: planned rows, open changes, finished spans.
    let mut planned: Vec<Vec<Row>> = vec![Vec::new(); unplanned + 1];
    let mut open: Vec<Vec<(&ChangeHistory, Day)>> = vec![Vec::new(); unplanned + 1];
    let mut done: Vec<Vec<(Day, Day)>> = vec![Vec::new(); unplanned];
    let mut months: BTreeMap<String, Vec<(Day, Day)>> = BTreeMap::new();
    let title = |i: usize| phases.get(i).map_or("Unplanned", |p| p.0).to_owned();
    for (i, (name, start, end, _)) in phases.iter().enumerate() {
        if let (Some(s), Some(e)) = (*start, *end) {
            let label = format!("{name} (planned)");
            planned[i].push(Row {
                section: (*name).to_owned(),
                label,
                start: s,
                end: e.max(s),
                kind: RowKind::Planned,
            });
        }
    }
    for c in history.changes.iter().filter(|c| c.presence != Presence::Removed) {
        let Some(start) = c.created.day else { continue };
        let section = phase_of.get(c.id.as_str()).copied().unwrap_or(unplanned);
        match finished_on(c) {
            Some(end) if section < unplanned => done[section].push((start, end.max(start))),
            Some(end) => months.entry(end.to_string()[..7].to_owned()).or_default().push((start, end.max(start))),
            None => open[section].push((c, start)),
        }
    }
    for list in &mut open {
        list.sort_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)));
    }
    let fixed = planned.iter().map(Vec::len).sum::<usize>() + done.iter().filter(|d| !d.is_empty()).count();
    // Months, newest first; the rest in one row.
    let mut months: Vec<(String, Vec<(Day, Day)>)> = months.into_iter().rev().collect();
    let open_count: usize = open.iter().map(Vec::len).sum();
    let month_room = MAX_ROWS.saturating_sub(fixed + open_count.min(MAX_ROWS / 2)).clamp(1, MAX_MONTHS);
    let mut earlier: Vec<(Day, Day)> = Vec::new();
    if months.len() > month_room {
        for (_, spans) in months.drain(month_room.saturating_sub(1)..) {
            earlier.extend(spans);
        }
    }
    let month_rows = months.len() + usize::from(!earlier.is_empty());
    // Open changes kept, most recently worked on first, so the rows fit.
    let mut kept = open_count;
    let sections_cut = |kept: usize| -> usize {
        let mut by_recent: Vec<(Day, usize)> =
            open.iter().enumerate().flat_map(|(s, l)| l.iter().map(move |(c, st)| (last_on(c, *st), s))).collect();
        by_recent.sort_by(|a, b| b.cmp(a));
        let mut cut = vec![false; open.len()];
        for (_, s) in by_recent.iter().skip(kept) {
            cut[*s] = true;
        }
        cut.iter().filter(|c| **c).count()
    };
    while kept > 0 && fixed + month_rows + kept + sections_cut(kept) > MAX_ROWS {
        kept -= 1;
    }
    let mut recent: Vec<(Day, &str)> = open.iter().flatten().map(|(c, st)| (last_on(c, *st), c.id.as_str())).collect();
    recent.sort_by(|a, b| b.cmp(a));
    let shown: std::collections::BTreeSet<&str> = recent.iter().take(kept).map(|(_, id)| *id).collect();

    let mut out = Vec::new();
    for i in 0..=unplanned {
        let section = title(i);
        out.append(&mut planned[i]);
        let mut hidden = Vec::new();
        for (c, start) in &open[i] {
            if !shown.contains(c.id.as_str()) {
                hidden.push((*start, last_on(c, *start)));
                continue;
            }
            let tasks = c.first_checked.is_some() || c.series.last().is_some_and(|p| p.total > 0);
            out.push(Row {
                section: section.clone(),
                label: c.id.clone(),
                start: *start,
                end: last_on(c, *start),
                kind: RowKind::Open { id: c.id.clone(), tasks, stale: c.stale },
            });
        }
        let n = hidden.len();
        out.extend(folded(&section, format!("{n} more open change{} worked on earlier", plural(n)), &hidden, true));
        if let Some(spans) = done.get(i) {
            let n = spans.len();
            out.extend(folded(&section, format!("{n} finished change{}", plural(n)), spans, false));
        }
    }
    for (month, spans) in &months {
        let n = spans.len();
        out.extend(folded("Finished", format!("{n} finished in {month}"), spans, false));
    }
    let n = earlier.len();
    out.extend(folded("Finished", format!("{n} finished earlier"), &earlier, false));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::history::Event;

    fn event(day: &str) -> Option<Event> {
        Some(Event { commit: Some("c".into()), day: Day::parse(day) })
    }

    fn change(id: &str, created: &str, finished: Option<&str>, last: &str) -> ChangeHistory {
        ChangeHistory {
            id: id.into(),
            folder: id.into(),
            presence: if finished.is_some() { Presence::Archived } else { Presence::Active },
            renamed_from: Vec::new(),
            created: event(created).unwrap(),
            created_before_history: false,
            first_checked: None,
            completed: None,
            archived: finished.and_then(event),
            removed: None,
            last_activity: event(last).unwrap(),
            stale: false,
            series: Vec::new(),
        }
    }

    fn history(changes: Vec<ChangeHistory>) -> History {
        History {
            commits: 0,
            points: 0,
            head: None,
            shallow_from: None,
            uncommitted: false,
            reference_day: None,
            stale_after_days: 30,
            changes,
            project: Vec::new(),
            phases: Vec::new(),
        }
    }

    #[test]
    fn finished_work_folds_by_month_newest_first_and_open_work_is_sorted_by_date() {
        let mut changes = Vec::new();
        for m in 1..=3 {
            for d in 1..=4 {
                let day = format!("2025-0{m}-1{d}");
                changes.push(change(&format!("done-{m}-{d}"), &format!("2025-0{m}-0{d}"), Some(&day), &day));
            }
        }
        changes.push(change("zeta", "2025-04-01", None, "2025-04-09"));
        changes.push(change("alpha", "2025-04-05", None, "2025-04-06"));
        let rows = rows(&[], &history(changes));
        let labels: Vec<(&str, &str)> = rows.iter().map(|r| (r.section.as_str(), r.label.as_str())).collect();
        assert_eq!(
            labels,
            [
                ("Unplanned", "zeta"),
                ("Unplanned", "alpha"),
                ("Finished", "4 finished in 2025-03"),
                ("Finished", "4 finished in 2025-02"),
                ("Finished", "4 finished in 2025-01"),
            ]
        );
        assert_eq!((rows[2].start.to_string(), rows[2].end.to_string()), ("2025-03-01".into(), "2025-03-14".into()));
    }

    #[test]
    fn hundreds_of_changes_stay_within_the_cap() {
        let mut changes = Vec::new();
        for i in 0..400 {
            let (m, d) = (1 + i % 12, 1 + i % 27);
            let created = format!("2024-{m:02}-{d:02}");
            let finished = format!("2025-{m:02}-{d:02}");
            let done = i % 3 != 0;
            changes.push(change(&format!("c{i:03}"), &created, done.then_some(finished.as_str()), &finished));
        }
        let rows = rows(&[], &history(changes));
        assert!(rows.len() <= MAX_ROWS, "{}", rows.len());
        let open: usize = rows
            .iter()
            .map(|r| match r.kind {
                RowKind::Open { .. } => 1,
                RowKind::Folded { count, open: true } => count,
                _ => 0,
            })
            .sum();
        let finished: usize =
            rows.iter().map(|r| if let RowKind::Folded { count, open: false } = r.kind { count } else { 0 }).sum();
        // Every change is in a row, shown or folded.
        assert_eq!((open, finished), (134, 266));
    }
}
