//! Terminal text for the answers built on the parse: overlapping changes,
//! where requirements came from, and when open work will finish.

use super::{Style, esc, pad, project_column};
use crate::analyse::forecast::{Estimate, Forecast};
use crate::analyse::overlaps::{Kind, Overlap};
use crate::analyse::provenance::{Op, Step};
use crate::model::Spec;
use std::fmt::Write as _;

/// `spec overlaps`: per project, each pair of active changes and what they
/// share, requirements first. With several projects every line starts with
/// its project.
pub fn overlaps(projects: &[(&str, &[Overlap], usize)]) -> String {
    let column = project_column(projects.iter().map(|p| p.0));
    let mut out = String::new();
    for &(project, overlaps, active) in projects {
        let lead = column(project);
        if overlaps.is_empty() {
            let _ = writeln!(out, "{lead}No overlaps between the {active} active changes.");
            continue;
        }
        let pair = |o: &Overlap| format!("{} ↔ {}", o.a, o.b);
        let width = overlaps.iter().map(|o| unicode_width::UnicodeWidthStr::width(pair(o).as_str())).max().unwrap_or(0);
        for (kind, title) in [(Kind::Requirement, "Same requirement"), (Kind::File, "Same file")] {
            let these: Vec<&Overlap> = overlaps.iter().filter(|o| o.kind == kind).collect();
            if these.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{lead}{title} ({})", these.len());
            for o in these {
                let _ = writeln!(
                    out,
                    "{lead}  {}  {}  ({} {}, {} {})",
                    pad(&pair(o), width),
                    esc(&o.key),
                    esc(&o.a),
                    o.at_a.how,
                    esc(&o.b),
                    o.at_b.how
                );
            }
        }
    }
    out
}

/// `spec blame <spec>`: each requirement and the archived changes that
/// named it, oldest first.
pub fn blame(spec: &Spec, steps: &[Vec<Step>], style: &Style) -> String {
    let mut out = String::new();
    let hand = steps.iter().filter(|s| s.is_empty()).count();
    let _ = writeln!(
        out,
        "{} {}",
        style.heading(&esc(&spec.id)),
        style.dim(&format!(
            "{} requirements · {} explained by archived changes · {hand} written by hand",
            spec.requirements.len(),
            spec.requirements.len() - hand
        ))
    );
    let width =
        steps.iter().flatten().map(|s| unicode_width::UnicodeWidthStr::width(s.change.as_str())).max().unwrap_or(0);
    for (r, steps) in spec.requirements.iter().zip(steps) {
        let _ = writeln!(out, "\n  {}  {}", esc(&r.name), style.dim(&format!("{}:{}", esc(&spec.path), r.line)));
        if steps.is_empty() {
            let _ = writeln!(
                out,
                "    {}",
                style.warning("written by hand into the main spec (no archived change names it)")
            );
        }
        for s in steps {
            let day = s.archived_on.map_or_else(|| "(undated)  ".to_owned(), |d| d.to_string());
            let from = match (&s.from, s.op) {
                (Some(from), Op::Renamed) => format!("  from {}", esc(from)),
                _ => String::new(),
            };
            let line = format!("    {day}  {:<8}  {}{from}", s.op.word(), pad(&s.change, width));
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out
}

/// `p50 2026-12-20 · p80 2027-01-04`, or why there is none.
pub fn estimate(e: &Estimate, style: &Style) -> String {
    match (e.p50, e.p80) {
        (Some(p50), Some(p80)) => format!("p50 {p50} · p80 {p80}"),
        (Some(p50), None) => format!("p50 {p50} · p80 {}", style.dim("beyond the horizon")),
        _ => style.dim(&esc(&e.basis)),
    }
}

/// `spec forecast`: the project, each phase and each open change.
pub fn forecast(f: &Forecast, style: &Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.heading(&format!("Forecast as of {}", f.as_of)));
    match &f.throughput {
        Some(words) => {
            let _ = writeln!(out, "{}", style.dim(&esc(words)));
        }
        None => {
            let _ = writeln!(out, "{}", style.warning(&esc(&f.project.basis)));
            return out;
        }
    }
    let _ = writeln!(out, "\n  {}  {}", pad("Project", 8), estimate(&f.project, style));
    if !f.phases.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading("Phases"));
        let width = f.phases.iter().map(|p| unicode_width::UnicodeWidthStr::width(p.title.as_str())).max().unwrap_or(0);
        for p in &f.phases {
            let _ = writeln!(out, "  {}  {}", pad(&p.title, width), estimate(&p.estimate, style));
        }
    }
    if !f.changes.is_empty() {
        let _ = writeln!(out, "\n{}", style.heading("Changes"));
        let width = f.changes.iter().map(|c| unicode_width::UnicodeWidthStr::width(c.id.as_str())).max().unwrap_or(0);
        for c in &f.changes {
            let _ = writeln!(out, "  {}  {:>4} left  {}", pad(&c.id, width), c.left, estimate(&c.estimate, style));
        }
    }
    out
}
