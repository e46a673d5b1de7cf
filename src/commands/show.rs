//! `spec show <id>`: everything parsed for one change or spec.

use super::{Outcome, suggestions};
use crate::cli::ShowArgs;
use crate::context::Loaded;
use crate::error::{Error, Result};
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], args: &ShowArgs, style: &Style) -> Result<Outcome> {
    let shown = find_item(loaded, &args.id)?;
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = match (&shown, args.json.json) {
        (_, true) => json::to_string(&shown),
        (json::Shown::Change { change, .. }, false) => terminal::show_change(change, style),
        (json::Shown::Spec { spec, .. }, false) => terminal::show_spec(spec, style),
    };
    Ok(out)
}

/// Find a change (active first, then archived, by id or folder name) or a
/// spec by id, in every loaded project.
fn find_item<'a>(loaded: &'a [Loaded], id: &str) -> Result<json::Shown<'a>> {
    let mut hits: Vec<json::Shown<'a>> = Vec::new();
    for l in loaded {
        let project = l.project.name.as_str();
        if let Some(change) = l.project.find_change(id) {
            hits.push(json::Shown::Change { project, change });
        } else if let Some(spec) = l.project.specs.iter().find(|s| s.id == id) {
            hits.push(json::Shown::Spec { project, spec });
        }
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => {
            let mut known: Vec<&str> = loaded
                .iter()
                .flat_map(|l| {
                    l.project.changes.iter().map(|c| c.id.as_str()).chain(l.project.specs.iter().map(|s| s.id.as_str()))
                })
                .collect();
            known.sort_unstable();
            known.dedup();
            let close = suggestions(&known, id);
            let hint = if close.is_empty() {
                "run `spec list` or `spec list --specs` to see the ids".to_owned()
            } else {
                format!("did you mean: {}?", close.join(", "))
            };
            Err(Error::Usage(format!("no change or spec with id `{id}`; {hint}")))
        }
        _ => Err(Error::Usage(format!("`{id}` exists in several projects; choose one with --project"))),
    }
}
