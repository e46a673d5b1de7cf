//! `ROADMAP.md`: the roadmap rendered with the askama template
//! `templates/roadmap.md`. Everything shown is computed in
//! [`analyse::roadmap`](crate::analyse::roadmap); this module only formats it.
//! The output is wrapped in `<!-- spec:begin -->` / `<!-- spec:end -->`
//! markers so a file can keep hand-written text around the generated block.

use super::{escape, mermaid};
use crate::analyse::forecast::{Estimate, Forecast};
use crate::analyse::overlaps::Kind;
use crate::analyse::roadmap::{ChangeView, DoneSummary, MilestoneView, PhaseView, Roadmap};
use crate::model::roadmap::PhaseStatus;
use crate::model::{ChangeStatus, Progress, Stage};
use askama::Template;

pub const BEGIN: &str = crate::model::roadmap::GENERATED_BEGIN;
pub const END: &str = "<!-- spec:end -->";

#[derive(Template)]
#[template(path = "roadmap.md", escape = "none")]
struct RoadmapMd {
    hosts: Option<HostsMd>,
    forecast: Option<ForecastMd>,
    begin: String,
    title: String,
    date: Option<String>,
    summary: Option<String>,
    goals: Vec<String>,
    non_goals: Vec<String>,
    done: Option<DoneMd>,
    progress: Vec<ProgressRow>,
    phases: Vec<PhaseMd>,
    unplanned: Vec<String>,
    graph: Option<String>,
    critical_path: Option<String>,
    critical_weight: String,
    gantt: Option<String>,
    from_history: bool,
    legend: Vec<(&'static str, &'static str)>,
    colours: String,
    next: Vec<String>,
    blocked: Vec<String>,
    to_archive: Vec<String>,
    archived_summary: String,
    archived: Vec<String>,
    end: &'static str,
}

/// The lead of a finished project: what was done, by phase or by month.
struct DoneMd {
    sentence: String,
    by: &'static str,
    rows: Vec<[String; 4]>,
}

impl DoneMd {
    fn of(d: &DoneSummary) -> Self {
        let rows = d
            .groups
            .iter()
            .map(|g| {
                let name = match &g.title {
                    Some(t) => inline(t),
                    None => "*Not in a phase*".to_owned(),
                };
                [name, g.changes.to_string(), fraction(g.tasks), g.span()]
            })
            .collect();
        DoneMd { sentence: d.sentence(), by: if d.by_phase { "Phase" } else { "Month" }, rows }
    }
}

struct ProgressRow {
    name: String,
    status: String,
    changes: String,
    tasks: String,
    bar: String,
}

struct PhaseMd {
    heading: String,
    goal: Option<String>,
    status: String,
    dates: Option<String>,
    milestones: Vec<String>,
    changes: Vec<String>,
}

/// Emoji and word for a phase or milestone status.
pub fn phase_status(status: PhaseStatus) -> &'static str {
    match status {
        PhaseStatus::Complete => "✅ Complete",
        PhaseStatus::InProgress => "🔄 In progress",
        PhaseStatus::Planned => "📋 Planned",
        PhaseStatus::Research => "🔬 Research",
        PhaseStatus::Blocked => "⛔ Blocked",
    }
}

fn phase_mark(status: PhaseStatus) -> &'static str {
    phase_status(status).split(' ').next().unwrap_or_default()
}

/// Emoji for a change, by its stage: ✅ complete, 🔄 in progress, 📋 draft,
/// 📦 archived (finished or not), ❓ named but missing.
pub fn change_mark(c: &ChangeView) -> &'static str {
    match c.stage() {
        Some(Stage::Complete) => "✅",
        Some(Stage::Archived | Stage::ArchivedUnfinished) => "📦",
        Some(Stage::InProgress) => "🔄",
        Some(Stage::Draft) => "📋",
        None => "❓",
    }
}

const LEGEND: &[(&str, &str)] = &[
    ("✅", "complete: every task checked (phases: every change complete or archived)"),
    ("🔄", "in progress: tasks written, not all checked (also when none is checked yet, as `openspec list` says)"),
    ("📋", "draft: no tasks yet"),
    ("🔬", "research (set in the roadmap file)"),
    ("⛔", "blocked (set in the roadmap file, or a milestone waiting on something outside the repository)"),
    ("📦", "archived (\"archived unfinished\" when tasks were still open)"),
    ("❓", "named in the roadmap file but not found in openspec/changes"),
    ("⏸", "stale: open work with no commit for a while (only with `spec roadmap --history`)"),
];

/// A ten-cell text bar and the percentage.
fn bar(percent: usize) -> String {
    let filled = (percent / 10).min(10);
    format!("`{}{}` {percent}%", "█".repeat(filled), "░".repeat(10 - filled))
}

fn fraction(p: Progress) -> String {
    format!("{}/{}", p.done, p.total)
}

/// Repository text in ROADMAP.md or a `spec diff` comment: see
/// [`escape::markdown`] (one line, no table column, HTML, marker, link or
/// mention).
fn inline(text: &str) -> String {
    escape::markdown(text)
}

/// Repository text as inline code: see [`escape::markdown_code`].
fn code(id: &str) -> String {
    escape::markdown_code(id)
}

fn change_line(c: &ChangeView) -> String {
    let title = if c.title != c.id { format!(": {}", inline(&c.title)) } else { String::new() };
    let progress = match c.status {
        None => " (not found in openspec/changes)".to_owned(),
        Some(ChangeStatus::Draft) => " (no tasks yet)".to_owned(),
        Some(ChangeStatus::Archived) => {
            let word = c.word();
            let day = c.archived_on.map(|d| format!(" {d}")).unwrap_or_default();
            let open = if c.stage() == Some(Stage::ArchivedUnfinished) {
                format!(", {} tasks", fraction(c.tasks))
            } else {
                String::new()
            };
            format!(" ({word}{day}{open})")
        }
        _ => format!(" ({} tasks)", fraction(c.tasks)),
    };
    let waits = if c.waits_for.is_empty() || c.status.is_none() {
        String::new()
    } else {
        format!(", waits for {}", c.waits_for.iter().map(|w| code(w)).collect::<Vec<_>>().join(", "))
    };
    let stale = if c.stale { " · ⏸ stale" } else { "" };
    let mut line = format!("- {} {}{title}{progress}{waits}{stale}", change_mark(c), code(&c.id));
    for s in &c.sections {
        line.push_str(&format!("\n  - {}: {}", inline(&s.title), fraction(s.tasks)));
    }
    line
}

fn milestone_line(m: &MilestoneView) -> String {
    let mut line = format!("{} {}", phase_mark(m.status), inline(&m.title));
    let mut notes = Vec::new();
    if let Some(b) = &m.blocked_by
        && m.status != PhaseStatus::Complete
    {
        notes.push(format!("blocked by {}", inline(b)));
    }
    if let Some(d) = &m.due {
        notes.push(format!("due {}", d));
    }
    if !m.changes.is_empty() {
        notes.push(m.changes.iter().map(|c| code(c)).collect::<Vec<_>>().join(", "));
    }
    if !notes.is_empty() {
        line.push_str(&format!(" ({})", notes.join("; ")));
    }
    line
}

fn phase_md(index: usize, p: &PhaseView, planned: bool) -> PhaseMd {
    let heading = if planned {
        format!("Phase {}: {} {}", index + 1, inline(&p.title), phase_status(p.status))
    } else {
        inline(&p.title)
    };
    let status = format!(
        "{}{} · {} of {} changes done · {} tasks",
        phase_status(p.status),
        if p.status_set { " (set in the roadmap file)" } else { "" },
        p.changes_done,
        p.changes.len(),
        fraction(p.tasks)
    );
    let dates = match (&p.start, &p.end) {
        (Some(s), Some(e)) => Some(format!("{} → {}", s, e)),
        (Some(s), None) => Some(format!("from {}", s)),
        (None, Some(e)) => Some(format!("until {}", e)),
        (None, None) => None,
    };
    let mut changes: Vec<String> = p.changes.iter().map(change_line).collect();
    if changes.is_empty() {
        changes.push("- none yet".into());
    }
    PhaseMd {
        heading,
        goal: p.goal.as_deref().map(inline),
        status,
        dates,
        milestones: p.milestones.iter().map(milestone_line).collect(),
        changes,
    }
}

/// Render ROADMAP.md (the managed block, markers included, newline-terminated).
/// The Hosts section of ROADMAP.md: a row per host (name, open changes,
/// done changes, and archived unfinished ones when any host has some) and
/// the architecture diagram.
/// The Forecast section (`spec roadmap --forecast`): as of when, how, and a
/// row per phase and the project.
struct ForecastMd {
    as_of: String,
    basis: String,
    rows: Vec<[String; 3]>,
}

impl ForecastMd {
    fn of(f: &Forecast) -> Self {
        let day = |d: Option<crate::model::Day>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
        let row = |name: String, e: &Estimate| match (e.p50, e.p80) {
            (None, None) => [name, "—".into(), format!("— ({})", inline(&e.basis))],
            _ => [name, day(e.p50), day(e.p80)],
        };
        // Phases with nothing open are done, or not started with drafts only: left out.
        let mut rows: Vec<[String; 3]> =
            f.phases.iter().filter(|p| p.open > 0).map(|p| row(inline(&p.title), &p.estimate)).collect();
        rows.push(row("**Project**".into(), &f.project));
        ForecastMd {
            as_of: f.as_of.to_string(),
            basis: inline(f.throughput.as_deref().unwrap_or(&f.project.basis)),
            rows,
        }
    }
}

pub struct HostsMd {
    pub rows: Vec<Vec<String>>,
    /// Whether the table has the "Archived unfinished" column.
    pub unfinished: bool,
    pub diagram: Option<String>,
}

impl HostsMd {
    /// Rows from host names and the ids of their open, done and archived
    /// unfinished changes.
    pub fn new(hosts: &[(String, [Vec<String>; 3])], diagram: Option<String>) -> Self {
        let ids = |v: &[String]| {
            if v.is_empty() { "—".to_owned() } else { v.iter().map(|i| code(i)).collect::<Vec<_>>().join(", ") }
        };
        let unfinished = hosts.iter().any(|(_, [_, _, u])| !u.is_empty());
        let rows = hosts
            .iter()
            .map(|(h, lists)| {
                let shown = if unfinished { &lists[..] } else { &lists[..2] };
                std::iter::once(inline(h)).chain(shown.iter().map(|v| ids(v))).collect()
            })
            .collect();
        HostsMd { rows, unfinished, diagram }
    }
}

pub fn render(
    roadmap: &Roadmap,
    source: &str,
    history: Option<&crate::analyse::history::History>,
    hosts: Option<HostsMd>,
    forecast: Option<&Forecast>,
) -> String {
    let mut progress: Vec<ProgressRow> = roadmap
        .phases
        .iter()
        .map(|p| ProgressRow {
            name: inline(&p.title),
            status: phase_status(p.status).to_owned(),
            changes: format!("{}/{}", p.changes_done, p.changes.len()),
            tasks: fraction(p.tasks),
            bar: bar(p.percent),
        })
        .collect();
    progress.push(ProgressRow {
        name: "**All active changes**".into(),
        status: String::new(),
        changes: format!("{}/{}", roadmap.changes_done, roadmap.changes_total),
        tasks: fraction(roadmap.tasks),
        bar: bar(roadmap.percent),
    });
    let next = roadmap
        .next
        .iter()
        .map(|n| {
            let what = n.what();
            let phase = n.phase.as_deref().map(|p| format!(" · {}", inline(p))).unwrap_or_default();
            let title = if n.title != n.id { format!(" {}", inline(&n.title)) } else { String::new() };
            format!("{}{title} ({what}{phase})", code(&n.id))
        })
        .collect();
    let blocked = roadmap
        .blocked
        .iter()
        .map(|b| {
            format!("{} waits for {}", code(&b.id), b.waits_for.iter().map(|w| code(w)).collect::<Vec<_>>().join(", "))
        })
        .collect();
    let colours = mermaid::CLASSES
        .iter()
        .map(|(_, style, meaning)| {
            let fill = style.split(',').next().unwrap_or_default().trim_start_matches("fill:");
            format!("{meaning} `{fill}`")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let page = RoadmapMd {
        hosts,
        forecast: forecast.map(ForecastMd::of),
        // In a comment, `&lt;` and `&gt;` stay as written: `source` can end it or spell a marker no more.
        begin: format!(
            "{BEGIN}\n<!-- Generated by `spec roadmap` from {}. Edit those files, then run `spec roadmap`; edits inside this block are overwritten. -->",
            escape::markdown_html(source)
        ),
        title: inline(&roadmap.title),
        date: roadmap.date.map(|d| d.to_string()),
        summary: roadmap.summary.as_deref().map(|s| escape::markdown_block(s.trim())),
        goals: roadmap.goals.iter().map(|g| inline(g)).collect(),
        non_goals: roadmap.non_goals.iter().map(|g| inline(g)).collect(),
        done: roadmap.done().as_ref().map(DoneMd::of),
        progress,
        phases: roadmap.phases.iter().enumerate().map(|(i, p)| phase_md(i, p, roadmap.planned)).collect(),
        unplanned: roadmap.unplanned.iter().map(change_line).collect(),
        graph: (roadmap.phases.iter().any(|p| !p.changes.is_empty()) || !roadmap.unplanned.is_empty())
            .then(|| mermaid::graph(roadmap, None)),
        critical_path: (!roadmap.critical_path.is_empty())
            .then(|| roadmap.critical_path.iter().map(|c| code(c)).collect::<Vec<_>>().join(" → ")),
        critical_weight: format!(
            "{} open task{} along the longest chain of unfinished dependencies",
            roadmap.critical_weight,
            if roadmap.critical_weight == 1 { "" } else { "s" }
        ),
        gantt: match history {
            Some(h) => mermaid::gantt_actual(roadmap, h),
            None => mermaid::gantt(roadmap),
        },
        from_history: history.is_some(),
        legend: LEGEND.iter().filter(|(mark, _)| history.is_some() || *mark != "⏸").copied().collect(),
        colours,
        next,
        blocked,
        to_archive: roadmap.to_archive.iter().map(|c| code(c)).collect(),
        archived_summary: format!(
            "{} archived change{}",
            roadmap.archived.len(),
            if roadmap.archived.len() == 1 { "" } else { "s" }
        ),
        archived: roadmap
            .archived
            .iter()
            .map(|c| {
                let unfinished =
                    if c.stage() == Some(Stage::ArchivedUnfinished) { " (archived unfinished)" } else { "" };
                format!(
                    "{} | {} | {}{unfinished}",
                    code(&c.id),
                    c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()),
                    fraction(c.tasks)
                )
            })
            .collect(),
        end: END,
    };
    let mut out = page.render().expect("the roadmap template renders");
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Put a freshly rendered block into an existing file: between its markers
/// when it has both, else the block replaces the whole file.
pub fn splice(existing: Option<&str>, block: &str) -> String {
    if let Some(text) = existing
        && let (Some(start), Some(end)) = (text.find(BEGIN), text.find(END))
        && start < end
    {
        let after = &text[end + END.len()..];
        let after = after.strip_prefix('\n').unwrap_or(after);
        return format!("{}{}{}", &text[..start], block, after);
    }
    block.to_owned()
}

/// `spec diff` as Markdown for a pull-request comment. The first line is a
/// hidden marker (`<!-- spec-diff -->`) so a bot can find and update its
/// comment instead of adding one per push.
pub fn diff(d: &crate::analyse::diff::Diff) -> String {
    use crate::analyse::diff::{Moved, ProgressMove};
    use std::fmt::Write as _;
    let short = |c: &Option<String>| c.as_deref().map(|c| format!(" ({})", &c[..c.len().min(7)])).unwrap_or_default();
    let tasks = |p: &Progress| format!("{}/{}", p.done, p.total);
    let progress = |m: &ProgressMove| -> (String, String) {
        let side = |p: &Option<Progress>, pc: Option<usize>| match p {
            Some(p) => format!("{} · {}%", tasks(p), pc.unwrap_or(0)),
            None => "—".to_owned(),
        };
        (side(&m.before, m.percent_before), side(&m.after, m.percent_after))
    };
    let mut out = String::from("<!-- spec-diff -->\n");
    let _ = writeln!(
        out,
        "## Roadmap: {}{} → {}{}\n",
        code(&d.base),
        short(&d.base_commit),
        code(&d.head),
        short(&d.head_commit)
    );
    let (before, after) = progress(&d.project);
    let checked: isize = d.changes.iter().map(|c| c.net_checked()).sum();
    let _ = writeln!(
        out,
        "**Tasks done across active changes:** {before} → {after}{}\n",
        match checked {
            0 => String::new(),
            n => format!(" ({n:+} checked in changes that stayed)"),
        }
    );
    if d.is_empty() {
        out.push_str("Nothing on the roadmap moved.\n");
        return out;
    }
    let moved: Vec<&ProgressMove> =
        d.phases.iter().filter(|p| p.before != p.after || p.percent_before != p.percent_after).collect();
    if !moved.is_empty() {
        out.push_str("| Phase | Before | After |\n|---|---:|---:|\n");
        for p in moved {
            let (b, a) = progress(p);
            let _ = writeln!(out, "| {} | {b} | {a} |", inline(&p.title));
        }
        out.push('\n');
    }
    // One line a change, grouped by what it is at head: ✨ is open new work
    // only; a change new in the range and already done says so.
    let mut summary = String::new();
    for (moved, label) in [
        (Moved::Added, "✨ **Added**"),
        (Moved::AddedAndCompleted, "✅ **Added and completed**"),
        (Moved::Completed, "✅ **Completed**"),
        (Moved::Reopened, "↩️ **Re-opened**"),
        (Moved::AddedAndArchived, "📦 **Added and archived**"),
        (Moved::Archived, "📦 **Archived**"),
        (Moved::Removed, "🗑️ **Removed** (not archived)"),
    ] {
        for c in d.changes.iter().filter(|c| c.moved == Some(moved)) {
            let t = if c.title == c.id { String::new() } else { format!(" {}", inline(&c.title)) };
            let _ = writeln!(summary, "- {label} {}{t}", code(&c.id));
        }
    }
    if !summary.is_empty() {
        out.push_str("### Changes\n\n");
        out.push_str(&summary);
        out.push('\n');
    }
    let with_tasks: Vec<_> = d.changes.iter().filter(|c| c.tasks_moved()).collect();
    if !with_tasks.is_empty() {
        out.push_str("### Tasks\n\n");
        for c in with_tasks {
            let _ = writeln!(
                out,
                "<details><summary><code>{}</code> {}: {} → {}</summary>\n",
                escape::markdown_html(&c.id),
                escape::markdown_html(&c.title),
                tasks(&c.tasks_before),
                tasks(&c.tasks_after)
            );
            for t in &c.checked {
                let _ = writeln!(out, "- [x] {}", inline(&t.text));
            }
            for t in &c.unchecked {
                let _ = writeln!(out, "- [ ] {} *(unchecked)*", inline(&t.text));
            }
            for e in &c.edited {
                let checkbox = match (e.done_before, e.done) {
                    (false, true) => ", checked",
                    (true, false) => ", unchecked",
                    _ => "",
                };
                let mark = if e.done { "x" } else { " " };
                let _ = writeln!(
                    out,
                    "- [{mark}] ~~{}~~ → {} *(edited{checkbox})*",
                    inline(&e.text_before),
                    inline(&e.text)
                );
            }
            for t in &c.added {
                let _ = writeln!(out, "- [{}] {} *(new task)*", if t.done { "x" } else { " " }, inline(&t.text));
            }
            for t in &c.dropped {
                let _ = writeln!(out, "- ~~{}~~ *(task removed)*", inline(&t.text));
            }
            out.push_str("\n</details>\n\n");
        }
    }
    if !d.dependencies_added.is_empty() || !d.dependencies_removed.is_empty() {
        out.push_str("### Dependencies\n\n");
        for (sign, edges) in [("➕", &d.dependencies_added), ("➖", &d.dependencies_removed)] {
            for e in edges {
                let _ = writeln!(out, "- {sign} {} depends on {} ({})", code(&e.from), code(&e.to), e.kind);
            }
        }
        out.push('\n');
    }
    if !d.overlaps_added.is_empty() {
        out.push_str(
            "### New overlaps

",
        );
        for o in &d.overlaps_added {
            let what = match o.kind {
                Kind::Requirement => "requirement",
                Kind::File => "file",
            };
            let _ = writeln!(out, "- ⚠️ {} and {} both name {what} {}", code(&o.a), code(&o.b), code(&o.key));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_keeps_text_around_markers() {
        let block = format!("{BEGIN}\nnew\n{END}\n");
        let old = format!("# Intro\n\n{BEGIN}\nold\n{END}\n\nFooter\n");
        assert_eq!(splice(Some(&old), &block), format!("# Intro\n\n{BEGIN}\nnew\n{END}\n\nFooter\n"));
        assert_eq!(splice(Some("hand written\n"), &block), block);
        assert_eq!(splice(None, &block), block);
    }

    #[test]
    fn bars_and_code() {
        assert_eq!(bar(45), "`████░░░░░░` 45%");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(inline("a |\n b"), "a \\| b");
    }
}
