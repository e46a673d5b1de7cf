//! `timeline.html`: burn-up charts and when the work happened, from git
//! history.

use super::SiteInput;
use super::common::{Entry, Layout, Links, filters, layout, slug, wide_and_narrow};
use crate::analyse::history::BurnPoint;
use crate::analyse::timeline::{self, RowKind};
use crate::render::svg::{self, BurnupPoint, GanttRow};
use askama::Template;
use std::collections::{BTreeMap, BTreeSet};

/// The colours of the timeline's bars, in the legend's order.
const LEGEND: [(&str, &str); 5] = [
    ("complete", "complete"),
    ("inprogress", "in progress"),
    ("planned", "planned: no tasks yet, or a phase's planned dates"),
    ("archived", "archived"),
    ("forecast", "forecast, p50 to p80"),
];

#[derive(Template)]
#[template(path = "site/timeline.html")]
struct TimelinePage {
    layout: Layout,
    unavailable: Option<String>,
    summary: String,
    project_chart: String,
    phases: Vec<(String, String, String)>,
    gantt: Option<String>,
    /// The colours the timeline uses: class and words.
    legend: Vec<(&'static str, &'static str)>,
    stale: Vec<Entry>,
    stale_days: u32,
    reference: String,
    /// How the forecast bands were computed, or why there are none.
    forecast: Option<String>,
}

fn burnup_points(series: &[BurnPoint]) -> Vec<BurnupPoint> {
    series.iter().filter_map(|b| b.at.day.map(|d| BurnupPoint { day: d, done: b.done, total: b.total })).collect()
}

pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let mut page = TimelinePage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "timeline.html"),
        unavailable: None,
        summary: String::new(),
        project_chart: String::new(),
        phases: Vec::new(),
        gantt: None,
        legend: Vec::new(),
        stale: Vec::new(),
        stale_days: 0,
        reference: String::new(),
        forecast: None,
    };
    let h = match &input.history {
        Ok(h) => h,
        Err(why) => {
            page.unavailable = Some(format!("No history: {why}."));
            return page.render().expect("timeline renders");
        }
    };
    let first = h.project.iter().find_map(|b| b.at.day);
    page.summary = format!(
        "From {} commits{}{}.",
        h.commits,
        match (&first, h.head.as_ref().and_then(|e| e.day)) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        },
        match &h.shallow_from {
            Some(s) => format!(" (a shallow clone: history before {} is missing)", s.label()),
            None => String::new(),
        }
    );
    let chart = |points: &[BurnupPoint], caption: &str| {
        wide_and_narrow(svg::burnup(points, caption), svg::burnup_narrow(points, caption))
    };
    page.project_chart = chart(&burnup_points(&h.project), &format!("Burn-up of {name}"));
    page.phases = h
        .phases
        .iter()
        .filter(|p| !p.series.is_empty())
        .map(|p| {
            let chart = chart(&burnup_points(&p.series), &format!("Burn-up of the phase {}", p.title));
            (format!("phase-{}", slug(&p.id)), p.title.clone(), chart)
        })
        .collect();
    // Rows (analyse::timeline): open work row by row, finished work folded.
    let r = input.roadmap;
    let phase_slug: BTreeMap<&str, String> = r.phases.iter().map(|p| (p.title.as_str(), slug(&p.id))).collect();
    // Beside each phase with open work, its forecast: a band from p50 to p80.
    let mut bands: BTreeMap<&str, GanttRow> = BTreeMap::new();
    if let Some(f) = input.forecast {
        for p in &r.phases {
            let Some(fp) = f.phases.iter().find(|x| x.id == p.id && x.open > 0) else { continue };
            if let (Some(p50), Some(p80)) = (fp.estimate.p50, fp.estimate.p80) {
                let row = GanttRow {
                    label: format!("{} (forecast p50–p80)", p.title),
                    start: p50,
                    end: p80,
                    class: "forecast",
                    milestone: false,
                    href: Some(format!("index.html#phase-{}", slug(&p.id))),
                    section: p.title.clone(),
                    note: format!("forecast for {}: p50 {p50}, p80 {p80}", p.title),
                };
                bands.insert(p.title.as_str(), row);
            }
        }
        page.forecast = Some(match &f.throughput {
            Some(words) => format!(
                "Forecast bands run from the p50 to the p80 day of each phase with open work: as of {}, half of {} simulated futures had finished the phase by the first, four in five by the second. Each future draws every open change's daily progress from the repository's own pace ({words}); a change starts only when what it waits for is finished.",
                f.as_of,
                crate::analyse::forecast::RUNS
            ),
            None => format!("No forecast: {}.", f.project.basis),
        });
    }
    let mut rows: Vec<GanttRow> = Vec::new();
    let mut section: Option<String> = None;
    for t in timeline::rows(&timeline::phases(r), h) {
        let phase_href = phase_slug.get(t.section.as_str()).map(|s| format!("index.html#phase-{s}"));
        // The state is the bar's colour (and the legend's); the tooltip says it.
        let (class, note, href) = match &t.kind {
            RowKind::Planned => ("planned", "planned dates".to_owned(), phase_href.clone()),
            RowKind::Open { id, tasks, stale } => {
                let (class, note) = match (tasks, stale) {
                    (false, _) => ("planned", "planned, no tasks yet"),
                    (true, true) => ("inprogress", "in progress, stale"),
                    (true, false) => ("inprogress", "in progress"),
                };
                (class, note.to_owned(), links.by_id.get(id).cloned())
            }
            RowKind::Folded { count, open: true } => (
                "inprogress",
                format!("{count} open changes worked on longest ago, folded (the dashboard lists them)"),
                phase_href.clone(),
            ),
            RowKind::Folded { count, .. } => (
                "complete",
                format!("{count} finished, folded (the archive lists them)"),
                Some(phase_href.clone().unwrap_or_else(|| "archive.html".to_owned())),
            ),
        };
        let row = GanttRow {
            label: t.label.clone(),
            start: t.start,
            end: t.end,
            class,
            milestone: false,
            href,
            section: t.section.clone(),
            note,
        };
        // A phase's band goes after its planned span, or first in its section.
        let entering = section.as_deref() != Some(row.section.as_str());
        section = Some(row.section.clone());
        let planned = t.kind == RowKind::Planned;
        if entering && !planned {
            rows.extend(bands.remove(row.section.as_str()));
        }
        rows.push(row);
        if planned {
            rows.extend(bands.remove(t.section.as_str()));
        }
    }
    let caption = "When each change was worked on, from git history";
    page.gantt =
        (!rows.is_empty()).then(|| wide_and_narrow(svg::gantt(&rows, caption), svg::gantt_narrow(&rows, caption)));
    let used: BTreeSet<&str> = rows.iter().map(|r| r.class).collect();
    page.legend = LEGEND.iter().filter(|(class, _)| used.contains(class)).copied().collect();
    page.stale = h
        .changes
        .iter()
        .filter(|c| c.stale)
        .map(|c| Entry {
            link: links.change("", &c.id),
            text: None,
            note: format!("last change {}", c.last_activity.label()),
        })
        .collect();
    page.stale_days = h.stale_after_days;
    page.reference = h.reference_day.map(|d| d.to_string()).unwrap_or_default();
    page.render().expect("timeline renders")
}
