//! Human output for a terminal: `list`, `show`, `status` and `check`.
//! Colour comes only from [`Style`], and only when it says so. Every text
//! from the repository is escaped ([`super::escape::terminal`]) before it is
//! written, so it cannot end a line or send an escape sequence; the colours
//! go around it.

use crate::analyse::validate::ItemReport;
use crate::analyse::{ChangeSummary, Status};
use crate::model::Diagnostic;
use crate::model::{Change, ChangeStatus, Progress, Spec};
use crate::nix::{Impact, NixGraph};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

pub use super::style::Style;

mod insights;
pub use insights::{blame, forecast, overlaps};

// Every text from the repository goes through `esc` (or `pad`, `join` or
// `indent`, which use it) before it is written.
use crate::render::escape::terminal as esc;

/// Items joined by `sep`, each escaped ([`esc`]).
fn join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    items.iter().map(|s| esc(s.as_ref())).collect::<Vec<_>>().join(sep)
}

/// A bar of `width` cells, filled in proportion to done/total.
pub fn bar(progress: Progress, width: usize) -> String {
    let filled = (progress.done * width).checked_div(progress.total).unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// `1 spec`, `2 specs`.
fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// Escaped ([`esc`]) and padded to a display width (wide characters count twice).
fn pad(s: &str, width: usize) -> String {
    let s = esc(s);
    let w = UnicodeWidthStr::width(s.as_ref());
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The widest of the texts once escaped, at most 48.
fn id_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(|s| UnicodeWidthStr::width(esc(s).as_ref())).max().unwrap_or(0).min(48)
}

fn status_word(status: ChangeStatus) -> &'static str {
    match status {
        ChangeStatus::Draft => "draft",
        ChangeStatus::InProgress => "in progress",
        ChangeStatus::Complete => "complete",
        ChangeStatus::Archived => "archived",
    }
}

/// `spec list` for changes.
pub fn list_changes(changes: &[(&str, &Change)], multi: bool, style: &Style) -> String {
    if changes.is_empty() {
        return "No changes.\n".into();
    }
    let width = id_width(changes.iter().map(|(_, c)| c.id.as_str()));
    let mut out = String::new();
    let mut last_project = None;
    for (project, c) in changes {
        if multi && last_project != Some(*project) {
            let _ = writeln!(out, "{}", style.heading(&format!("{}:", esc(project))));
            last_project = Some(*project);
        }
        let progress = match c.status {
            ChangeStatus::Draft => style.dim("no tasks"),
            _ => format!("{:>3}/{:<3}", c.tasks.done, c.tasks.total),
        };
        let status = match c.status {
            ChangeStatus::Complete => style.good(status_word(c.status)),
            ChangeStatus::InProgress => style.active(status_word(c.status)),
            ChangeStatus::Archived => {
                let day = c.archived_on.map(|d| format!(" {d}")).unwrap_or_default();
                style.dim(&format!("{}{day}", c.stage().word()))
            }
            ChangeStatus::Draft => style.dim(status_word(c.status)),
        };
        let title = if c.title != c.id { format!("  {}", style.dim(&esc(&c.title))) } else { String::new() };
        let _ = writeln!(out, "  {}  {}  {}{title}", pad(&c.id, width), pad_ansi(&progress, 8), status);
    }
    out
}

/// Pad text that may hold ANSI codes, measuring only the visible part.
fn pad_ansi(s: &str, width: usize) -> String {
    let visible = strip_ansi(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(UnicodeWidthStr::width(visible.as_str()))))
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `spec list --specs`.
pub fn list_specs(specs: &[(&str, &Spec)], multi: bool, style: &Style) -> String {
    if specs.is_empty() {
        return "No specs.\n".into();
    }
    let width = id_width(specs.iter().map(|(_, s)| s.id.as_str()));
    let mut out = String::new();
    let mut last_project = None;
    for (project, s) in specs {
        if multi && last_project != Some(*project) {
            let _ = writeln!(out, "{}", style.heading(&format!("{}:", esc(project))));
            last_project = Some(*project);
        }
        let note = match &s.parse_error {
            Some(e) => format!("  {}", style.warning(&esc(e))),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}  {:>3} requirements  {:>3} scenarios{note}",
            pad(&s.id, width),
            s.requirements.len(),
            s.scenario_count()
        );
    }
    out
}

/// A finished project's lead: nothing open, what was archived and when,
/// and the archive by month (newest first, the last few).
fn done_lead(out: &mut String, st: &Status, style: &Style) {
    const MONTHS: usize = 6;
    let mut tasks = crate::model::Progress::default();
    let mut months: Vec<(String, usize)> = Vec::new();
    for c in &st.archived {
        tasks.add(c.tasks);
        let month = c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()[..7].to_owned());
        match months.last_mut() {
            Some((m, n)) if *m == month => *n += 1,
            _ => months.push((month, 1)),
        }
    }
    let days: Vec<_> = st.archived.iter().filter_map(|c| c.archived_on).collect();
    let when = crate::analyse::roadmap::archived_when(days.iter().min().copied(), days.iter().max().copied());
    let n = st.archived.len();
    let _ = writeln!(
        out,
        "  {}  no change is open: {} archived{when}, {}/{} tasks checked",
        style.good("Done"),
        count(n, "change"),
        tasks.done,
        tasks.total
    );
    let shown: Vec<String> = months.iter().take(MONTHS).map(|(m, n)| format!("{m} {n}")).collect();
    let more =
        if months.len() > MONTHS { format!(" · {} earlier months", months.len() - MONTHS) } else { String::new() };
    let _ = writeln!(out, "  {}", style.dim(&format!("archived by month: {}{more}", shown.join(" · "))));
}

/// `spec status`.
pub fn status(st: &Status, style: &Style) -> String {
    let mut out = String::new();
    let t = &st.totals;
    let name = format!("{} · {}/", esc(&st.name), esc(&st.openspec_dir));
    let _ = writeln!(out, "{}", style.heading(&name));
    let _ = writeln!(
        out,
        "  {}, {}, {} · {} · {} archived",
        count(t.specs, "spec"),
        count(t.requirements, "requirement"),
        count(t.scenarios, "scenario"),
        count(t.active_changes, "active change"),
        t.archived_changes
    );
    if t.active_changes == 0 && !st.archived.is_empty() {
        done_lead(&mut out, st, style);
    } else {
        let _ = writeln!(
            out,
            "  Tasks  {}  {}/{} done ({}%) across active changes",
            bar(t.tasks, 24),
            t.tasks.done,
            t.tasks.total,
            t.tasks.percent()
        );
    }
    let all: Vec<&ChangeSummary> = st.in_progress.iter().chain(&st.complete).chain(&st.draft).collect();
    let width = id_width(all.iter().map(|c| c.id.as_str()));
    if !st.in_progress.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading(&format!("In progress ({})", st.in_progress.len())));
        for c in &st.in_progress {
            let _ = writeln!(
                out,
                "  {} {}  {}  {:>4}/{:<4} {:>3}%{}",
                style.active("◉"),
                pad(&c.id, width),
                bar(c.tasks, 20),
                c.tasks.done,
                c.tasks.total,
                c.percent,
                if c.stale { format!("  {}", style.warning("⏸ stale")) } else { String::new() }
            );
        }
    }
    if !st.complete.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {}",
            style.heading(&format!("Complete ({})", st.complete.len())),
            style.dim("all tasks done; ready to archive")
        );
        for c in &st.complete {
            let _ = writeln!(out, "  {} {}  {}/{}", style.good("✓"), pad(&c.id, width), c.tasks.done, c.tasks.total);
        }
    }
    if !st.draft.is_empty() {
        let _ =
            writeln!(out, "\n{} {}", style.heading(&format!("Draft ({})", st.draft.len())), style.dim("no tasks yet"));
        for c in &st.draft {
            let stale = if c.stale { format!("  {}", style.warning("⏸ stale")) } else { String::new() };
            let _ = writeln!(out, "  ○ {}{stale}", esc(&c.id));
        }
    }
    if !st.archived.is_empty() {
        let latest = &st.archived[0];
        let _ = writeln!(
            out,
            "\n{} {}",
            style.heading(&format!("Archived ({})", st.archived.len())),
            style.dim(&format!(
                "latest: {} {}",
                latest.archived_on.map_or_else(|| "(undated)".to_owned(), |d| d.to_string()),
                esc(&latest.id)
            ))
        );
    }
    if !st.hosts.is_empty() {
        let count = st.hosts.iter().filter(|h| h.host != crate::nix::ALL_HOSTS).count();
        let _ = writeln!(out, "\n{}", style.heading(&format!("Hosts ({count})")));
        let width = id_width(st.hosts.iter().map(|h| h.host.as_str()));
        for h in &st.hosts {
            let open = if h.open.is_empty() { style.dim("no open change") } else { style.active(&join(&h.open, ", ")) };
            let unfinished = match h.unfinished.len() {
                0 => String::new(),
                n => format!(" · {n} archived unfinished"),
            };
            let _ = writeln!(
                out,
                "  {}  {:>2} open · {:>2} done{unfinished}  {}",
                pad(&h.host, width),
                h.open.len(),
                h.done.len(),
                open
            );
        }
    }
    if let Some(f) = &st.forecast {
        let open: Vec<_> = f.phases.iter().filter(|p| p.open > 0).collect();
        if f.throughput.is_none() {
            let _ = writeln!(out, "\n{} {}", style.heading("Forecast"), style.dim(&esc(&f.project.basis)));
        } else if !f.changes.is_empty() {
            let _ = writeln!(
                out,
                "\n{} {}",
                style.heading("Forecast"),
                style.dim("from the pace in git history; `spec forecast`")
            );
            let width = id_width(open.iter().map(|p| p.title.as_str()).chain(["Project"]));
            for p in open {
                let _ = writeln!(out, "  {}  {}", pad(&p.title, width), insights::estimate(&p.estimate, style));
            }
            let _ = writeln!(out, "  {}  {}", pad("Project", width), insights::estimate(&f.project, style));
        }
    }
    if !st.overlaps.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {}",
            style.heading(&format!("Overlaps ({})", st.overlaps.len())),
            style.dim("active changes naming the same requirement or file; `spec overlaps`")
        );
        let (wa, wb) =
            (id_width(st.overlaps.iter().map(|o| o.a.as_str())), id_width(st.overlaps.iter().map(|o| o.b.as_str())));
        for o in &st.overlaps {
            let _ = writeln!(out, "  {} {} ↔ {}  {}", style.warning("⚠"), pad(&o.a, wa), pad(&o.b, wb), esc(&o.key));
        }
    }
    if !st.specs.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading(&format!("Specs ({})", st.specs.len())));
        let width = id_width(st.specs.iter().map(|s| s.id.as_str()));
        for s in &st.specs {
            let note = match &s.parse_error {
                Some(e) => format!("  {}", style.warning(&format!("⚠ {}", esc(e)))),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  ▪ {}  {:>3} requirements  {:>3} scenarios{note}",
                pad(&s.id, width),
                s.requirements,
                s.scenarios
            );
        }
    }
    if st.in_progress.is_empty()
        && st.complete.is_empty()
        && st.draft.is_empty()
        && st.archived.is_empty()
        && st.specs.is_empty()
    {
        let _ =
            writeln!(out, "\n  Nothing here yet: add specs under openspec/specs/ and changes under openspec/changes/.");
    }
    if st.problems.errors + st.problems.warnings > 0 {
        let _ = writeln!(
            out,
            "\n{} {} errors and {} warnings reading files; run `spec check` for details",
            style.warning("!"),
            st.problems.errors,
            st.problems.warnings
        );
    }
    out
}

/// `spec show` for a change.
pub fn show_change(c: &Change, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading(&esc(&c.title)));
    let mut facts = vec![format!("id: {}", esc(&c.id)), format!("status: {}", status_word(c.status))];
    if let Some(date) = &c.archived_on {
        facts.push(format!("archived on {date}"));
    }
    if c.tasks.total > 0 {
        facts.push(format!("tasks: {}/{} ({}%)", c.tasks.done, c.tasks.total, c.tasks.percent()));
    }
    let _ = writeln!(out, "{}", style.dim(&facts.join(" · ")));
    let _ = writeln!(out, "{}", style.dim(&esc(&c.path)));
    if let Some(meta) = &c.metadata {
        let mut m = Vec::new();
        if let Some(s) = &meta.schema {
            m.push(format!("schema {}", esc(s)));
        }
        if let Some(d) = &meta.created {
            m.push(format!("created {}", esc(d)));
        }
        if !meta.depends_on.is_empty() {
            m.push(format!("depends on {}", join(&meta.depends_on, ", ")));
        }
        if let Some(p) = &meta.parent {
            m.push(format!("parent {}", esc(p)));
        }
        if !m.is_empty() {
            let _ = writeln!(out, "{}", style.dim(&m.join(" · ")));
        }
    }
    if let Some(p) = &c.proposal {
        for (label, text) in [("Why", &p.why), ("What Changes", &p.what_changes)] {
            if let Some(text) = text {
                let _ = writeln!(out, "\n{}\n{}", style.heading(label), indent(text));
            }
        }
        if let Some(impact) = &p.impact {
            let _ = writeln!(out, "\n{}", style.heading("Impact"));
            if !impact.specs.is_empty() {
                let _ = writeln!(out, "  specs: {}", join(&impact.specs, ", "));
            }
            for line in &impact.code {
                let _ = writeln!(out, "  code: {}", esc(&line.text));
            }
        }
    } else if !c.archived {
        let _ = writeln!(out, "\n{}", style.warning("no proposal.md"));
    }
    for file in &c.task_files {
        let _ = writeln!(
            out,
            "\n{} {}",
            style.heading("Tasks"),
            style.dim(&format!("{} · {}/{}", esc(&file.path), file.done, file.total))
        );
        let mut current = None;
        for task in &file.tasks {
            if task.section != current {
                current = task.section;
                if let Some(s) = task.section.map(|i| &file.sections[i]) {
                    let _ = writeln!(
                        out,
                        "  {}  {}",
                        style.heading(&esc(&s.title)),
                        style.dim(&format!("{}/{}", s.done, s.total))
                    );
                }
            }
            let mark = if task.done {
                style.good("[x]")
            } else {
                format!("[{}]", if task.mark.is_empty() { " ".into() } else { esc(&task.mark) })
            };
            let _ = writeln!(out, "    {}{mark} {}", "  ".repeat(task.depth), esc(&task.text));
        }
    }
    if !c.deltas.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading("Spec deltas"));
        for d in &c.deltas {
            let _ = writeln!(out, "  {}", style.path(&esc(&d.capability)));
            for r in &d.added {
                let _ = writeln!(out, "    + {} ({})", esc(&r.name), count(r.scenarios.len(), "scenario"));
            }
            for r in &d.modified {
                let _ = writeln!(out, "    ~ {} ({})", esc(&r.name), count(r.scenarios.len(), "scenario"));
            }
            for r in &d.removed {
                let _ = writeln!(out, "    - {}", esc(&r.name));
            }
            for r in &d.renamed {
                let _ = writeln!(out, "    → {} → {}", esc(&r.from), esc(&r.to));
            }
        }
    }
    out
}

/// `spec show` for a spec.
pub fn show_spec(s: &Spec, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading(&esc(&s.title)));
    let _ = writeln!(
        out,
        "{}",
        style.dim(&format!(
            "id: {} · {} · {} · {}",
            esc(&s.id),
            count(s.requirements.len(), "requirement"),
            count(s.scenario_count(), "scenario"),
            esc(&s.path)
        ))
    );
    if let Some(e) = &s.parse_error {
        let _ = writeln!(out, "{}", style.warning(&esc(e)));
    }
    if let Some(p) = &s.purpose {
        let _ = writeln!(out, "\n{}\n{}", style.heading("Purpose"), indent(p));
    }
    for r in &s.requirements {
        let _ = writeln!(
            out,
            "\n{} {}",
            style.heading(&format!("Requirement: {}", esc(&r.name))),
            style.dim(&format!("line {}", r.line))
        );
        let _ = writeln!(out, "{}", indent(&r.text));
        for sc in &r.scenarios {
            let _ = writeln!(out, "  • Scenario: {}", esc(&sc.name));
        }
    }
    out
}

/// Each line of the text indented and escaped ([`esc`]).
fn indent(text: &str) -> String {
    text.lines()
        .map(|l| if l.is_empty() { String::new() } else { format!("  {}", esc(l)) })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `spec check` text: every diagnostic, then a summary line.
pub fn check(items: &[(&str, ItemReport)], findings: &[Diagnostic], strict: bool, style: &Style) -> String {
    let mut out = String::new();
    for d in findings {
        let _ = writeln!(out, "{}", super::diagnostic::text(d, style));
    }
    for (_, item) in items {
        for d in item.diagnostics() {
            let _ = writeln!(out, "{}", super::diagnostic::text(&d, style));
        }
    }
    let failed: Vec<_> = items.iter().filter(|(_, i)| !i.valid).collect();
    let errors = findings.iter().filter(|d| d.level == crate::model::Level::Error).count();
    if !failed.is_empty() {
        let _ = writeln!(out);
        for (_, item) in &failed {
            let _ = writeln!(out, "{} {}/{}", style.error("✗"), item.kind.as_str(), esc(&item.id));
        }
    }
    let passed = items.len() - failed.len();
    let mode = if strict { " (strict)" } else { "" };
    let _ = writeln!(
        out,
        "{}{mode}: {passed} passed, {} failed ({} items){}",
        if failed.is_empty() && errors == 0 { style.good("ok") } else { style.error("failed") },
        failed.len(),
        items.len(),
        if findings.is_empty() {
            String::new()
        } else {
            format!("; {} other findings ({errors} errors)", findings.len())
        }
    );
    out
}

/// `spec history`: one row per change with its dates.
pub fn history(h: &crate::analyse::history::History, style: &Style) -> String {
    use crate::analyse::history::Presence;
    let mut out = String::new();
    let span = match (h.project.first(), h.head.as_ref()) {
        (Some(first), Some(head)) => format!(" ({} → {})", first.at.label(), head.label()),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{}",
        style.heading(&format!(
            "History: {} read, {} changed a change folder{span}",
            count(h.commits, "commit"),
            count(h.points - usize::from(h.uncommitted), "commit")
        ))
    );
    if h.uncommitted {
        let _ = writeln!(out, "  {}", style.dim("uncommitted changes in the working tree are the last point"));
    }
    if h.changes.is_empty() {
        let _ = writeln!(out, "\n  No change folder in any commit yet.");
        return out;
    }
    let width = id_width(h.changes.iter().map(|c| c.id.as_str())).max(6);
    let day = |e: Option<&crate::analyse::history::Event>| e.map_or("-".to_string(), |e| e.label().to_string());
    let _ = writeln!(
        out,
        "\n  {}",
        style.dim(&format!(
            "{}  {:<10}  {:<10}  {:<10}  {:<10}  {:<12}  {:>9}",
            pad("change", width),
            "created",
            "1st task",
            "completed",
            "archived",
            "last change",
            "tasks"
        ))
    );
    for c in &h.changes {
        let created =
            if c.created_before_history { format!("≤{}", c.created.label()) } else { day(Some(&c.created)) };
        let mut flags = Vec::new();
        if c.stale {
            flags.push(style.warning("stale"));
        }
        if c.presence == Presence::Removed {
            flags.push(style.dim(&format!("removed {}", day(c.removed.as_ref()))));
        }
        if !c.renamed_from.is_empty() {
            flags.push(style.dim(&format!("was {}", join(&c.renamed_from, ", "))));
        }
        let _ = writeln!(
            out,
            "  {}  {:<10}  {:<10}  {:<10}  {:<10}  {:<12}  {:>9}{}",
            pad(&c.id, width),
            created,
            day(c.first_checked.as_ref()),
            day(c.completed.as_ref()),
            day(c.archived.as_ref()),
            day(Some(&c.last_activity)),
            format!("{}/{}", c.done(), c.total()),
            if flags.is_empty() { String::new() } else { format!("  {}", flags.join(" ")) }
        );
    }
    if let Some(last) = h.project.last() {
        let _ = writeln!(
            out,
            "\n  Project: {}/{} tasks done over {} (archived included)",
            last.done,
            last.total,
            count(h.changes.iter().filter(|c| c.presence != Presence::Removed).count(), "change")
        );
    }
    for p in &h.phases {
        if let (Some(first), Some(last)) = (p.series.first(), p.series.last()) {
            let _ = writeln!(
                out,
                "  Phase {}: {}/{} on {} → {}/{} on {}",
                esc(&p.title),
                first.done,
                first.total,
                first.at.label(),
                last.done,
                last.total,
                last.at.label()
            );
        }
    }
    out
}

/// `spec history --change ID`: the dates and every point where counts moved.
pub fn change_history(c: &crate::analyse::history::ChangeHistory, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading(&format!("{} · changes/{}", esc(&c.id), esc(&c.folder))));
    let line = |out: &mut String, what: &str, e: Option<&crate::analyse::history::Event>| {
        if let Some(e) = e {
            let commit = e.commit.as_deref().map_or(String::new(), |id| format!("  {}", &id[..id.len().min(10)]));
            let _ = writeln!(out, "  {what:<12} {}{}", e.label(), style.dim(&commit));
        }
    };
    if c.created_before_history {
        let _ = writeln!(out, "  {:<12} {} or earlier (shallow clone)", "created", c.created.label());
    } else {
        line(&mut out, "created", Some(&c.created));
    }
    line(&mut out, "first task", c.first_checked.as_ref());
    line(&mut out, "completed", c.completed.as_ref());
    line(&mut out, "archived", c.archived.as_ref());
    line(&mut out, "removed", c.removed.as_ref());
    line(&mut out, "last change", Some(&c.last_activity));
    if !c.renamed_from.is_empty() {
        let _ = writeln!(out, "  {:<12} {}", "renamed from", join(&c.renamed_from, " → "));
    }
    if c.stale {
        let _ = writeln!(out, "  {}", style.warning("stale: no activity for a long while"));
    }
    let _ = writeln!(out, "\n  {}", style.dim("day         commit      tasks"));
    for p in &c.series {
        let commit = p.at.commit.as_deref().map_or("-", |id| &id[..id.len().min(10)]);
        let progress = crate::model::Progress { done: p.done as usize, total: p.total as usize };
        let _ =
            writeln!(out, "  {:<10}  {:<10}  {} {:>4}/{:<4}", p.at.label(), commit, bar(progress, 20), p.done, p.total);
    }
    out
}

/// A link's state, styled.
fn link_state(state: &crate::analyse::links::State, style: &Style) -> String {
    use crate::analyse::links::State;
    match state {
        State::Exists => style.good("exists"),
        State::Renamed(to) => style.warning(&format!("renamed → {}", esc(to))),
        State::Deleted => style.warning("deleted"),
        State::Planned => style.active("planned"),
        State::Ambiguous(c) => style.dim(&format!("ambiguous: {}", join(c, ", "))),
    }
}

/// Where a piece of evidence is: `file:line`, or the file.
fn evidence_at(e: &crate::analyse::links::Evidence) -> String {
    match e.line {
        Some(n) => format!("{}:{n}", esc(&e.file)),
        None => esc(&e.file).into_owned(),
    }
}

/// `spec links CHANGE`: the links by source, with state and confidence;
/// with `--all`, the candidates below the floor after them, each with all
/// its evidence.
pub fn links(
    change: &str,
    links: &[crate::analyse::links::Link],
    below: Option<&[crate::analyse::links::Link]>,
    hosts: Option<&[String]>,
    hosts_named: &[String],
    style: &Style,
) -> String {
    use crate::analyse::links::{FLOOR, Source};
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading(&format!("Code touched by {}", esc(change))));
    if links.is_empty() {
        let _ = writeln!(
            out,
            "  No file named in its documents, changed with it in git, or inferred, at confidence {FLOOR:.2} or more."
        );
    }
    let all = links.iter().chain(below.unwrap_or_default());
    let width = all.map(|l| UnicodeWidthStr::width(esc(&l.path).as_ref())).max().unwrap_or(0).min(60);
    for source in [Source::Declared, Source::Git, Source::Inferred] {
        let group: Vec<_> = links.iter().filter(|l| l.source == source).collect();
        if group.is_empty() {
            continue;
        }
        let title = match source {
            Source::Declared => "Declared (named in the change)",
            Source::Git => "Git (changed by the commits that worked on it)",
            Source::Inferred => "Inferred",
        };
        let _ = writeln!(out, "\n  {}", style.heading(title));
        for l in group {
            let at = l.evidence.first().map(|e| format!("  {}", style.dim(&evidence_at(e)))).unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}  {:>4.2}  {}{at}",
                pad(&l.path, width),
                l.confidence,
                link_state(&l.state, style)
            );
        }
    }
    if let Some(below) = below {
        let _ = writeln!(
            out,
            "\n  {}",
            style.heading(&format!("Below the floor ({FLOOR:.2}): candidates no view uses ({})", below.len()))
        );
        for l in below {
            let source = match l.source {
                Source::Declared => "declared",
                Source::Git => "git",
                Source::Inferred => "inferred",
            };
            let _ = writeln!(
                out,
                "    {}  {:>4.2}  {}  {}",
                pad(&l.path, width),
                l.confidence,
                link_state(&l.state, style),
                style.dim(source)
            );
            for e in &l.evidence {
                let _ = writeln!(out, "      {}", style.dim(&format!("{}: {}", evidence_at(e), esc(&e.text))));
            }
        }
    }
    if let Some(hosts) = hosts {
        let list = |h: &[String]| if h.is_empty() { "none".to_owned() } else { join(h, ", ") };
        let _ = writeln!(out, "\n  Hosts whose build runs this code: {}", list(hosts));
        let _ = writeln!(out, "  Hosts the change names:          {}", list(hosts_named));
        let unnamed: Vec<String> = hosts.iter().filter(|h| !hosts_named.contains(h)).cloned().collect();
        let unaffected: Vec<String> = hosts_named.iter().filter(|h| !hosts.contains(h)).cloned().collect();
        if !unnamed.is_empty() {
            let _ = writeln!(out, "  {}", style.warning(&format!("affected but not named: {}", join(&unnamed, ", "))));
        }
        if !unaffected.is_empty() {
            let _ = writeln!(
                out,
                "  {}",
                style.warning(&format!("named but no linked code runs there: {}", join(&unaffected, ", ")))
            );
        }
    } else if !hosts_named.is_empty() {
        let _ = writeln!(out, "\n  Hosts named: {}", join(hosts_named, ", "));
    }
    out
}

/// One change's row of `spec links`: its id and folder, its links, and
/// with `--all` its candidates below the floor.
pub type LinksRow<'a> =
    (&'a str, &'a str, &'a [crate::analyse::links::Link], Option<&'a [crate::analyse::links::Link]>);

/// `spec links` without a change: one line per change.
pub fn links_summary(rows: &[LinksRow<'_>], files: usize, style: &Style) -> String {
    use crate::analyse::links::{Source, State};
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.heading(&format!("Code links of {} (against {files} files)", count(rows.len(), "change")))
    );
    let width = id_width(rows.iter().map(|r| r.0));
    for (id, _, links, below) in rows {
        let n = |f: &dyn Fn(&crate::analyse::links::Link) -> bool| links.iter().filter(|l| f(l)).count();
        let declared = n(&|l| l.source == Source::Declared);
        let parts = [
            (n(&|l| l.state == State::Exists), "exist"),
            (n(&|l| l.state == State::Planned), "planned"),
            (n(&|l| matches!(l.state, State::Renamed(_) | State::Deleted)), "moved or gone"),
            (n(&|l| matches!(l.state, State::Ambiguous(_))), "ambiguous"),
        ];
        let mut states: Vec<String> = parts.iter().filter(|(k, _)| *k > 0).map(|(k, w)| format!("{k} {w}")).collect();
        if let Some(below) = below {
            states.push(format!("{} below the floor", below.len()));
        }
        let _ = writeln!(
            out,
            "  {}  {:>3} declared · {:>3} git · {:>3} inferred   {}",
            pad(id, width),
            declared,
            n(&|l| l.source == Source::Git),
            n(&|l| l.source == Source::Inferred),
            style.dim(&states.join(", "))
        );
    }
    out
}

/// `spec impact`: per host, the open and done changes whose code it runs,
/// and those archived with tasks still open (marked as such).
pub fn impact(impact: &Impact, style: &Style) -> String {
    let mut out = String::new();
    for h in impact.rows() {
        let unfinished = match h.unfinished.len() {
            0 => String::new(),
            n => format!(", {n} archived unfinished"),
        };
        let _ = writeln!(
            out,
            "{}  {}",
            style.heading(&esc(&h.host)),
            style.dim(&format!("{} open, {} done{unfinished}", h.open.len(), h.done.len()))
        );
        if h.all().next().is_none() {
            let _ = writeln!(out, "  no change touches code this host runs");
        }
        let width = id_width(h.all().map(|c| c.id.as_str()));
        let marked = h
            .open
            .iter()
            .map(|c| (style.active("◉"), c, ""))
            .chain(h.done.iter().map(|c| (style.good("✓"), c, "")))
            .chain(h.unfinished.iter().map(|c| (style.dim("◌"), c, "archived unfinished  ")));
        for (mark, c, note) in marked {
            let _ = writeln!(
                out,
                "  {mark} {}  {:>9}  {note}{}",
                pad(&c.id, width),
                format!("{}/{}", c.tasks.done, c.tasks.total),
                style.dim(&if c.files.is_empty() { "named in its text".to_owned() } else { some_files(&c.files) })
            );
        }
        out.push('\n');
    }
    out
}

/// How many of a change's files a line of `spec impact` shows; the rest
/// are counted (`--json` has them all).
const FILES_SHOWN: usize = 4;

/// The first [`FILES_SHOWN`] files, joined, and how many more there are.
fn some_files(files: &[String]) -> String {
    match files.len().checked_sub(FILES_SHOWN) {
        Some(more) if more > 0 => format!("{} and {more} more", join(&files[..FILES_SHOWN], ", ")),
        _ => join(files, ", "),
    }
}

/// `spec hosts`: the hosts, then what is wrong in the Nix graph, then the
/// modules taken from flake inputs.
pub fn hosts(graph: &NixGraph, style: &Style) -> String {
    let (hosts, orphans, dangling, errors) = (graph.hosts(), graph.orphans(), graph.dangling(), graph.errors());
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading(&format!("Hosts ({})", hosts.len())));
    let width = id_width(hosts.iter().map(|h| h.name.as_str()));
    for h in hosts {
        let _ = writeln!(
            out,
            "  {}  {:<6}  {:>4} modules  {}",
            pad(&h.name, width),
            h.kind.output().trim_end_matches("Configurations"),
            graph.nix_closure(&h.name).len(),
            style.dim(&format!("{}:{}", esc(&h.file), h.line))
        );
    }
    if !orphans.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {}",
            style.heading(&format!("Imported by no host ({})", orphans.len())),
            style.dim("orphans")
        );
        for o in orphans {
            let _ = writeln!(out, "  {}", esc(&o));
        }
    }
    if !dangling.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading(&format!("Dangling imports ({})", dangling.len())));
        for (file, line, missing) in dangling {
            let _ = writeln!(out, "  {}:{line}: imports {}, which does not exist", esc(&file), esc(&missing));
        }
    }
    if !errors.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading(&format!("Syntax errors ({})", errors.len())));
        for (file, line, message) in errors {
            let _ = writeln!(out, "  {}:{line}: {}", esc(&file), esc(&message));
        }
    }
    let encrypted = graph.encrypted();
    if !encrypted.is_empty() {
        let heading = format!("Encrypted with git-crypt, not read ({})", encrypted.len());
        let _ = writeln!(out, "\n{}", style.heading(&heading));
        for file in encrypted {
            let _ = writeln!(out, "  {}", esc(file));
        }
    }
    let uses = graph.input_modules();
    if !uses.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading(&format!("Modules from flake inputs ({})", uses.len())));
        for u in uses {
            let _ = writeln!(
                out,
                "  {}.{}  {}",
                esc(&u.input),
                esc(&u.module),
                style.dim(&format!("{}:{}", esc(&u.file), u.line))
            );
        }
    }
    out
}

/// One project's answer to `spec next`: what can start, and whether
/// anything unfinished waits (so an empty list says why it is empty).
pub struct NextList<'a> {
    pub project: &'a str,
    pub next: &'a [crate::analyse::roadmap::NextAction],
    pub blocked: usize,
}

/// `spec next`: per project, the changes that can start or go on now, in
/// order. With several projects every line starts with its project.
pub fn next(projects: &[NextList<'_>]) -> String {
    let column = project_column(projects.iter().map(|p| p.project));
    let mut out = String::new();
    for p in projects {
        let lead = column(p.project);
        if p.next.is_empty() {
            let why = if p.blocked > 0 {
                "Nothing can start: every unfinished change waits for another (see `spec blocked`)."
            } else {
                "Nothing to do: every change is complete or archived."
            };
            let _ = writeln!(out, "{lead}{why}");
        }
        for (i, n) in p.next.iter().enumerate() {
            let phase = n.phase.as_deref().map(|p| format!("  [{}]", esc(p))).unwrap_or_default();
            let title = if n.title == n.id { "".into() } else { esc(&n.title) };
            let (id, done, total) = (esc(&n.id), n.tasks.done, n.tasks.total);
            let _ = writeln!(out, "{lead}{:>3}. {id}  {done}/{total} tasks  {title}{phase}", i + 1);
        }
    }
    out
}

/// One unfinished change and what it waits for: `(id, state, inferred)`.
pub type Waiting<'a> = (&'a str, Vec<(&'a str, &'a str, bool)>);

/// `spec blocked`: per project, each unfinished change that waits and what
/// for. With several projects every line starts with its project.
pub fn blocked(projects: &[(&str, Vec<Waiting<'_>>)]) -> String {
    let column = project_column(projects.iter().map(|p| p.0));
    let mut out = String::new();
    for (project, waiting) in projects {
        let lead = column(project);
        if waiting.is_empty() {
            let _ = writeln!(out, "{lead}Nothing is blocked.");
        }
        for (id, waits) in waiting {
            let waits: Vec<String> = waits
                .iter()
                .map(|(to, state, inferred)| {
                    format!("{} ({state}{})", esc(to), if *inferred { ", inferred" } else { "" })
                })
                .collect();
            let _ = writeln!(out, "{lead}{} waits for {}", esc(id), waits.join(", "));
        }
    }
    out
}

/// A leading project column, padded to the longest name, when there is
/// more than one project; nothing for one.
fn project_column<'a>(names: impl Iterator<Item = &'a str>) -> impl Fn(&str) -> String {
    let names: Vec<&str> = names.collect();
    let width = if names.len() > 1 { id_width(names.iter().copied()) } else { 0 };
    move |name: &str| if width == 0 { String::new() } else { format!("{}  ", pad(name, width)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impact_line_shows_a_few_files_and_counts_the_rest() {
        let files: Vec<String> = (1..=6).map(|i| format!("m{i}.nix")).collect();
        assert_eq!(some_files(&files[..4]), "m1.nix, m2.nix, m3.nix, m4.nix");
        assert_eq!(some_files(&files), "m1.nix, m2.nix, m3.nix, m4.nix and 2 more");
    }

    #[test]
    fn bars() {
        assert_eq!(bar(Progress { done: 1, total: 2 }, 4), "██░░");
        assert_eq!(bar(Progress { done: 0, total: 0 }, 3), "░░░");
    }

    #[test]
    fn ansi_padding_measures_visible_text() {
        let s = Style::new(true).good("ok");
        assert_eq!(strip_ansi(&pad_ansi(&s, 4)), "ok  ");
    }
}
