//! `search.html` and its offline index, `assets/search-index.js`.

use super::SiteInput;
use super::common::{Layout, change_path, layout, spec_path};
use crate::model::Project;
use askama::Template;

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
pub(super) fn index(project: &Project) -> String {
    let mut entries: Vec<SearchEntry> = Vec::new();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for c in &project.changes {
        let url = change_path(c);
        let why = c.proposal.as_ref().and_then(|p| p.why.clone()).unwrap_or_default();
        entries.push(SearchEntry {
            t: format!("{} ({})", c.title, c.id),
            k: if c.archived { "archived change" } else { "change" },
            u: url.clone(),
            x: squash(&why),
        });
        for file in &c.task_files {
            for t in &file.tasks {
                entries.push(SearchEntry {
                    t: squash(&t.text),
                    k: "task",
                    u: format!("{url}#tasks"),
                    x: format!("{} · {}", c.id, if t.done { "done" } else { "open" }),
                });
            }
        }
    }
    for s in &project.specs {
        let url = spec_path(s);
        entries.push(SearchEntry {
            t: format!("{} ({})", s.title, s.id),
            k: "spec",
            u: url.clone(),
            x: squash(s.purpose.as_deref().unwrap_or("")),
        });
        for (i, r) in s.requirements.iter().enumerate() {
            entries.push(SearchEntry {
                t: r.name.clone(),
                k: "requirement",
                u: format!("{url}#req-{i}"),
                x: squash(&r.text),
            });
        }
    }
    let json = serde_json::to_string(&entries).expect("index serialises");
    format!("window.SPEC_SEARCH = {json};\n")
}
