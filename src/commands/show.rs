//! `spec show <id>`: everything parsed for one change or spec (a spec's
//! requirements with their provenance), and `spec blame <spec>`: where each
//! requirement of a spec came from.

use super::{Outcome, suggestions};
use crate::analyse::provenance;
use crate::cli::{BlameArgs, ItemType, ShowArgs};
use crate::context::Loaded;
use crate::error::{Error, Result};
use crate::model::{Change, Spec};
use crate::render::{json, style::Style, terminal};

/// What an id names.
enum Found<'a> {
    Change(&'a str, &'a Change),
    Spec(&'a Loaded, &'a Spec),
}

pub fn run(loaded: &[Loaded], args: &ShowArgs, style: &Style) -> Result<Outcome> {
    let found = find_item(loaded, &args.id, args.kind)?;
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = match found {
        Found::Change(project, change) if args.json.json => json::to_string(&json::Shown::Change { project, change }),
        Found::Change(_, change) => terminal::show_change(change, style),
        Found::Spec(l, spec) if args.json.json => {
            let steps = provenance::of_spec(&l.project, spec);
            let spec = json::ShownSpec::new(spec, &steps);
            json::to_string(&json::Shown::Spec { project: &l.project.name, spec })
        }
        Found::Spec(_, spec) => terminal::show_spec(spec, style),
    };
    Ok(out)
}

pub fn blame(loaded: &[Loaded], args: &BlameArgs, style: &Style) -> Result<Outcome> {
    let Found::Spec(l, spec) = find_item(loaded, &args.spec, Some(ItemType::Spec))? else {
        return Err(Error::Usage(format!("`{}` is not a spec; run `spec list --specs`", args.spec)));
    };
    let steps = provenance::of_spec(&l.project, spec);
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = terminal::blame(spec, &steps, style);
    Ok(out)
}

/// Find a spec by id, or a change (active first, then archived, by id or
/// folder name), in every loaded project. As the official `show`, an id
/// that names both an active change and a spec needs `--type`; a spec wins
/// over an archived change of the same id.
fn find_item<'a>(loaded: &'a [Loaded], id: &str, kind: Option<ItemType>) -> Result<Found<'a>> {
    let mut hits: Vec<Found<'a>> = Vec::new();
    for l in loaded {
        let project = l.project.name.as_str();
        let change = l.project.find_change(id).filter(|_| kind != Some(ItemType::Spec));
        let spec = l.project.specs.iter().find(|s| s.id == id).filter(|_| kind != Some(ItemType::Change));
        match (change, spec) {
            (Some(c), Some(_)) if kind.is_none() && !c.archived => {
                return Err(Error::Usage(format!(
                    "ambiguous item `{id}`: it names both a change and a spec; pass --type change or --type spec"
                )));
            }
            (_, Some(s)) => hits.push(Found::Spec(l, s)),
            (Some(c), None) => hits.push(Found::Change(project, c)),
            (None, None) => {}
        }
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => {
            let mut known: Vec<&str> = loaded
                .iter()
                .flat_map(|l| {
                    let changes =
                        l.project.changes.iter().map(|c| c.id.as_str()).filter(|_| kind != Some(ItemType::Spec));
                    let specs =
                        l.project.specs.iter().map(|s| s.id.as_str()).filter(|_| kind != Some(ItemType::Change));
                    changes.chain(specs)
                })
                .collect();
            known.sort_unstable();
            known.dedup();
            let close = suggestions(&known, id);
            let what = match kind {
                Some(ItemType::Spec) => "spec",
                Some(ItemType::Change) => "change",
                None => "change or spec",
            };
            let hint = if close.is_empty() {
                "run `spec list` or `spec list --specs` to see the ids".to_owned()
            } else {
                format!("did you mean: {}?", close.join(", "))
            };
            Err(Error::Usage(format!("no {what} with id `{id}`; {hint}")))
        }
        _ => Err(Error::Usage(format!("`{id}` exists in several projects; choose one with --project"))),
    }
}
