//! `timeline.html`: burn-up charts and when the work happened, from git
//! history.

use super::SiteInput;
use super::common::{Entry, Layout, Links, filters, layout, slug, wide_and_narrow};
use crate::analyse::history::{BurnPoint, Presence};
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
    // Rows: each phase's planned span, then its changes by start date.
    let r = input.roadmap;
    let phase_of: BTreeMap<&str, &str> =
        r.phases.iter().flat_map(|p| p.changes.iter().map(move |c| (c.id.as_str(), p.title.as_str()))).collect();
    let mut rows: Vec<(usize, String, GanttRow)> = Vec::new();
    for (i, p) in r.phases.iter().enumerate() {
        if let (Some(s), Some(e)) = (&p.start, &p.end) {
            rows.push((
                i,
                String::new(),
                GanttRow {
                    label: format!("{} (planned)", p.title),
                    start: *s,
                    end: *e,
                    class: "planned",
                    milestone: false,
                    href: Some(format!("index.html#phase-{}", slug(&p.id))),
                    section: p.title.clone(),
                    note: String::new(),
                },
            ));
        }
    }
    // Beside each phase with open work, its forecast: a band from p50 to p80.
    if let Some(f) = input.forecast {
        for (i, p) in r.phases.iter().enumerate() {
            let Some(fp) = f.phases.iter().find(|x| x.id == p.id && x.open > 0) else { continue };
            if let (Some(p50), Some(p80)) = (fp.estimate.p50, fp.estimate.p80) {
                rows.push((
                    i,
                    String::new(),
                    GanttRow {
                        label: format!("{} (forecast p50–p80)", p.title),
                        start: p50,
                        end: p80,
                        class: "forecast",
                        milestone: false,
                        href: Some(format!("index.html#phase-{}", slug(&p.id))),
                        section: p.title.clone(),
                        note: String::new(),
                    },
                ));
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
    let order: BTreeMap<&str, usize> = r.phases.iter().enumerate().map(|(i, p)| (p.title.as_str(), i)).collect();
    let mut used: BTreeSet<&str> = rows.iter().map(|r| r.2.class).collect();
    for c in h.changes.iter().filter(|c| c.presence != Presence::Removed) {
        let Some(start) = c.created.day else { continue };
        let end = [&c.archived, &c.completed].into_iter().flatten().find_map(|e| e.day);
        let class = match (c.presence, &c.completed) {
            (Presence::Archived, _) => "archived",
            (_, Some(_)) => "complete",
            // Tasks written, checked or not: in progress, as everywhere else.
            _ if c.first_checked.is_some() || c.series.last().is_some_and(|p| p.total > 0) => "inprogress",
            _ => "planned",
        };
        let end = end.or(c.last_activity.day).unwrap_or(start);
        let section = match phase_of.get(c.id.as_str()) {
            Some(t) => (*t).to_owned(),
            None if c.presence == Presence::Archived => "Archived".to_owned(),
            None => "Unplanned".to_owned(),
        };
        let rank = order.get(section.as_str()).copied().unwrap_or(usize::MAX - usize::from(section == "Archived"));
        // The state is the bar's colour (and the legend's); the tooltip says it.
        let note = match class {
            "planned" => "planned, no tasks yet",
            "inprogress" if c.stale => "in progress, stale",
            "inprogress" => "in progress",
            other => other,
        };
        used.insert(class);
        rows.push((
            rank,
            start.to_string(),
            GanttRow {
                label: c.id.clone(),
                start,
                end,
                class,
                milestone: false,
                href: links.by_id.get(&c.id).cloned(),
                section,
                note: note.to_owned(),
            },
        ));
    }
    rows.sort_by(|a, b| (a.0, &a.1, &a.2.label).cmp(&(b.0, &b.1, &b.2.label)));
    let rows: Vec<GanttRow> = rows.into_iter().map(|r| r.2).collect();
    let caption = "When each change was worked on, from git history";
    page.gantt =
        (!rows.is_empty()).then(|| wide_and_narrow(svg::gantt(&rows, caption), svg::gantt_narrow(&rows, caption)));
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
