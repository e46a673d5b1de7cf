//! `spec list`: changes (or specs) with their progress, as text or as the
//! official CLI's JSON.

use super::Outcome;
use crate::cli::ListArgs;
use crate::context::Loaded;
use crate::model::{Change, Spec};
use crate::render::{json, style::Style, terminal};

pub fn run(loaded: &[Loaded], args: &ListArgs, style: &Style) -> Outcome {
    let multi = loaded.len() > 1;
    let mut out = Outcome::new().reading_problems(loaded);
    if args.specs {
        let specs: Vec<(&str, &Spec)> =
            loaded.iter().flat_map(|l| l.project.specs.iter().map(move |s| (l.project.name.as_str(), s))).collect();
        out.stdout = if args.json.json {
            json::to_string(&json::SpecList { specs: specs.iter().map(|(p, s)| json::ListedSpec::of(p, s)).collect() })
        } else {
            terminal::list_specs(&specs, multi, style)
        };
    } else {
        let changes: Vec<(&str, &Change)> = loaded
            .iter()
            .flat_map(|l| l.project.changes.iter().map(move |c| (l.project.name.as_str(), c)))
            .filter(|(_, c)| args.all || c.archived == args.archived)
            .collect();
        out.stdout = if args.json.json {
            json::to_string(&json::ChangeList {
                changes: changes.iter().map(|(p, c)| json::ListedChange::of(p, c)).collect(),
            })
        } else {
            terminal::list_changes(&changes, multi, style)
        };
    }
    out
}
