//! Terminal text for the answers built on the parse: overlapping changes.

use super::{esc, pad, project_column};
use crate::analyse::overlaps::{Kind, Overlap};
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
