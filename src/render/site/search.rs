//! `search.html` and its offline index, `assets/search-index.js`.

use super::SiteInput;
use super::common::{Layout, change_path, layout, spec_path};
use crate::model::Project;
use askama::Template;
use rayon::prelude::*;

#[derive(Template)]
#[template(path = "site/search.html")]
struct SearchPage {
    layout: Layout,
}

pub(super) fn page(input: &SiteInput<'_>, name: &str) -> String {
    SearchPage { layout: layout("", name, &input.source, input.hosts.is_some(), "search.html") }
        .render()
        .expect("search page renders")
}

/// One search entry: title, kind, URL (from the site root), text.
#[derive(serde::Serialize)]
struct SearchEntry {
    t: String,
    k: &'static str,
    u: String,
    x: String,
}

/// `window.SPEC_SEARCH = [...]`: changes, specs, requirements and tasks.
/// Each change's and spec's entries are serialised in parallel, and the
/// pieces joined as one JSON array, as serialising the whole list would.
pub(super) fn index(project: &Project) -> String {
    let changes = project.changes.par_iter().map(|c| {
        let url = change_path(c);
        let why = c.proposal.as_ref().and_then(|p| p.why.as_deref()).unwrap_or_default();
        let mut json = entry(&SearchEntry {
            t: format!("{} ({})", c.title, c.id),
            k: if c.archived { "archived change" } else { "change" },
            u: url.clone(),
            x: squash(why),
        });
        for file in &c.task_files {
            for t in &file.tasks {
                json.push(',');
                json.push_str(&entry(&SearchEntry {
                    t: squash(&t.text),
                    k: "task",
                    u: format!("{url}#tasks"),
                    x: format!("{} · {}", c.id, if t.done { "done" } else { "open" }),
                }));
            }
        }
        json
    });
    let specs = project.specs.par_iter().map(|s| {
        let url = spec_path(s);
        let mut json = entry(&SearchEntry {
            t: format!("{} ({})", s.title, s.id),
            k: "spec",
            u: url.clone(),
            x: squash(s.purpose.as_deref().unwrap_or("")),
        });
        for (i, r) in s.requirements.iter().enumerate() {
            json.push(',');
            json.push_str(&entry(&SearchEntry {
                t: r.name.clone(),
                k: "requirement",
                u: format!("{url}#req-{i}"),
                x: squash(&r.text),
            }));
        }
        json
    });
    let pieces: Vec<String> = changes.chain(specs).collect();
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len() + 1).sum::<usize>() + 32);
    out.push_str("window.SPEC_SEARCH = [");
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(piece);
    }
    out.push_str("];\n");
    out
}

fn entry(e: &SearchEntry) -> String {
    serde_json::to_string(e).expect("an entry serialises")
}

/// Runs of whitespace as one space, none at either end.
fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
