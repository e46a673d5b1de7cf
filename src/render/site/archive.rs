//! `archive.html`: the archived changes, most recent first.

use super::SiteInput;
use super::common::{ChangeLink, Layout, change_path, count, filters, layout};
use crate::model::{Change, Stage};
use askama::Template;

#[derive(Template)]
#[template(path = "site/archive.html")]
struct ArchivePage {
    layout: Layout,
    caption: String,
    rows: Vec<ArchiveRow>,
}

struct ArchiveRow {
    link: ChangeLink,
    title: String,
    archived: String,
    tasks: String,
}

pub(super) fn page(input: &SiteInput<'_>, name: &str) -> String {
    let project = &input.project;
    let mut archived: Vec<&Change> = project.archived().collect();
    archived.sort_by(|a, b| b.archived_on.cmp(&a.archived_on).then_with(|| a.path.cmp(&b.path)));
    let rows = archived
        .iter()
        .map(|c| ArchiveRow {
            link: ChangeLink { href: Some(change_path(c)), id: c.id.clone() },
            title: if c.title == c.id { String::new() } else { c.title.clone() },
            archived: c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()),
            tasks: match c.stage() {
                Stage::ArchivedUnfinished => format!("{}/{} (archived unfinished)", c.tasks.done, c.tasks.total),
                _ => format!("{}/{}", c.tasks.done, c.tasks.total),
            },
        })
        .collect();
    ArchivePage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "archive.html"),
        caption: format!("{}, most recent first", count(archived.len(), "archived change")),
        rows,
    }
    .render()
    .expect("archive renders")
}
