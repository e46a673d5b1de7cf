//! Overlapping work: pairs of active changes whose delta specs name the
//! same requirement of the same capability, or whose declared code links
//! share a file. Invisible until one is archived over the other; this says
//! so while both are open. Pure.
//!
//! A requirement is named by an ADDED, MODIFIED or REMOVED header, or by the
//! FROM name of a RENAMED one (the name it has in the main spec). Names are
//! folded as the official CLI's `foldRequirementName` folds them: the
//! normalised header name, lower-cased, each run of whitespace one space; so
//! `Requirement: User  Login` and `requirement: user login` are one.

use crate::analyse::links::{Link, Source, State};
use crate::model::{Change, Diagnostic, Project};
use serde::Serialize;
use std::collections::BTreeMap;

/// What two changes share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Both name the same requirement in their delta specs.
    Requirement,
    /// Both declare a link to the same file.
    File,
}

/// Where a change names the shared key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub file: String,
    pub line: Option<usize>,
    /// How it names it: `ADDED`, `MODIFIED`, `REMOVED`, `RENAMED` or, for a
    /// file, `declared`.
    pub how: String,
}

/// Two active changes that overlap on one key; `a` < `b`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Overlap {
    pub a: String,
    pub b: String,
    pub kind: Kind,
    /// `<capability>/<requirement name>` (the name as the main spec spells
    /// it, else as `a` writes it; each run of whitespace one space) or the
    /// file's path.
    pub key: String,
    #[serde(skip)]
    pub at_a: Place,
    #[serde(skip)]
    pub at_b: Place,
}

/// The official CLI's `foldRequirementName` of a name already normalised
/// by the parser (trimmed, closing `#`s gone): lower case, each run of
/// whitespace (JavaScript's `\s`, which counts U+FEFF) one space.
pub fn fold(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut space = false;
    for c in lower.chars() {
        if c.is_whitespace() || c == '\u{feff}' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// A name with each run of whitespace one space, its case kept: the key as shown.
fn one_spaced(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A key each change names, with its display form and first place.
type Named = BTreeMap<String, (String, Place)>;

/// The requirements a change's delta specs name, by `<capability>/<folded
/// name>`; the first header wins where one is named twice.
fn requirements(change: &Change) -> Named {
    let mut out = Named::new();
    for delta in &change.deltas {
        let named = delta
            .added
            .iter()
            .map(|r| (&r.name, r.line, "ADDED"))
            .chain(delta.modified.iter().map(|r| (&r.name, r.line, "MODIFIED")))
            .chain(delta.removed.iter().map(|r| (&r.name, r.line, "REMOVED")))
            .chain(delta.renamed.iter().map(|r| (&r.from, r.line, "RENAMED")));
        for (name, line, how) in named {
            let place = Place { file: delta.path.clone(), line: Some(line), how: how.to_owned() };
            out.entry(format!("{}/{}", delta.capability, fold(name)))
                .or_insert_with(|| (format!("{}/{}", delta.capability, one_spaced(name)), place));
        }
    }
    out
}

/// The files a change's declared links name (not folders, not a bare name
/// that matches several files).
fn declared_files(links: &[Link]) -> Named {
    let mut out = Named::new();
    for link in links {
        if link.source != Source::Declared || link.path.ends_with('/') || matches!(link.state, State::Ambiguous(_)) {
            continue;
        }
        let evidence = link.evidence.first();
        let place = Place {
            file: evidence.map(|e| e.file.clone()).unwrap_or_default(),
            line: evidence.and_then(|e| e.line),
            how: "declared".to_owned(),
        };
        out.entry(link.path.clone()).or_insert_with(|| (link.path.clone(), place));
    }
    out
}

/// Every overlap between the active changes of a project. `links` holds
/// the links of each change by id (at or above the floor); a change
/// without an entry has no file overlaps. Sorted.
pub fn overlaps(project: &Project, links: &BTreeMap<&str, &[Link]>) -> Vec<Overlap> {
    let mut changes: Vec<&Change> = project.active().filter(|c| c.nested.is_empty()).collect();
    changes.sort_by(|x, y| x.id.cmp(&y.id));
    let named: Vec<[(Kind, Named); 2]> = changes
        .iter()
        .map(|c| {
            let files = links.get(c.id.as_str()).map(|l| declared_files(l)).unwrap_or_default();
            [(Kind::Requirement, requirements(c)), (Kind::File, files)]
        })
        .collect();
    // Index each key once, then pair the changes that name it.
    let mut by_key: BTreeMap<(Kind, &str), Vec<usize>> = BTreeMap::new();
    for (i, kinds) in named.iter().enumerate() {
        for (kind, keys) in kinds {
            for key in keys.keys() {
                by_key.entry((*kind, key.as_str())).or_default().push(i);
            }
        }
    }
    // A requirement of a main spec is shown as the spec spells it.
    let spelled: BTreeMap<String, String> = project
        .specs
        .iter()
        .flat_map(|s| {
            s.requirements
                .iter()
                .map(move |r| (format!("{}/{}", s.id, fold(&r.name)), format!("{}/{}", s.id, one_spaced(&r.name))))
        })
        .collect();
    let mut out = Vec::new();
    for ((kind, key), holders) in by_key {
        let slot = usize::from(kind == Kind::File);
        for (n, &i) in holders.iter().enumerate() {
            for &j in &holders[n + 1..] {
                let (written, at_a) = named[i][slot].1[key].clone();
                let shown = spelled.get(key).cloned().unwrap_or(written);
                let at_b = named[j][slot].1[key].1.clone();
                out.push(Overlap { a: changes[i].id.clone(), b: changes[j].id.clone(), kind, key: shown, at_a, at_b });
            }
        }
    }
    out.sort();
    out
}

/// One warning for each change of each overlap, at the header (or the
/// mention) where that change names the key.
pub fn diagnostics(overlaps: &[Overlap]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for o in overlaps {
        for (this, other, here, there) in [(&o.a, &o.b, &o.at_a, &o.at_b), (&o.b, &o.a, &o.at_b, &o.at_a)] {
            let what = match o.kind {
                Kind::Requirement => format!("requirement `{}`", o.key),
                Kind::File => format!("file `{}`", o.key),
            };
            let at = match there.line {
                Some(line) => format!("{}:{line}", there.file),
                None => there.file.clone(),
            };
            out.push(
                Diagnostic::warning(
                    Some(here.file.clone()),
                    here.line,
                    format!("change `{this}` overlaps `{other}` on {what} ({} here, {} there)", here.how, there.how),
                )
                .with_help(format!(
                    "`{other}` names it at {at}; agree which lands first, and rebase the other on it (or merge the two changes)"
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_as_the_official_cli() {
        assert_eq!(fold("User  Login"), "user login");
        assert_eq!(fold(" user\tlogin\u{feff}x "), "user login x");
        assert_eq!(fold("Ünïcode  NAME"), "ünïcode name");
    }
}
