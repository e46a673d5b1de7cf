//! Stage 2, parsing: pure functions from file text to the model. Nothing here
//! reads the disk; [`project`] turns a discovered [`Tree`] into a
//! [`Project`].
//!
//! Counting rules follow the official OpenSpec CLI (1.13.x) exactly: the task
//! counter ([`tasks`]) is a per-line pattern with no Markdown structure, and
//! the spec and delta readers ([`spec`], [`delta`], [`markdown`]) are the
//! official fence-aware line scanners, ported with JavaScript string
//! semantics ([`js`]). Prose documents ([`proposal`]) are read with
//! pulldown-cmark, which no count depends on.

pub mod delta;
pub mod js;
pub mod links;
pub mod markdown;
pub mod proposal;
pub mod roadmap;
pub mod schema;
pub mod spec;
pub mod tasks;
pub mod yaml;

use crate::model::Diagnostic;
use crate::model::{Change, ChangeStatus, Progress, Project};
use crate::source::{ChangeDir, SourceFile, Tree, YamlError};
use rayon::prelude::*;

/// Split an archive folder name `YYYY-MM-DD-<id>` into date and id.
pub fn archive_name(name: &str) -> (Option<&str>, &str) {
    let b = name.as_bytes();
    let dated = b.len() > 11
        && b[10] == b'-'
        && b[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if dated { (Some(&name[..10]), &name[11..]) } else { (None, name) }
}

/// Build the model of one project. Problems in files (bad YAML, for one)
/// are returned as diagnostics beside it.
pub fn project(tree: &Tree) -> (Project, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let config = tree.config.as_ref().and_then(|f| match yaml::project_config(&f.path, &f.text) {
        Ok(c) => Some(c),
        Err(e) => {
            diagnostics.push(yaml_diagnostic(&f.path, &e));
            None
        }
    });
    let specs = tree.specs.par_iter().map(|s| spec::parse(&s.id, &s.file.path, &s.file.text)).collect();
    let changes: Vec<(Change, Vec<Diagnostic>)> = tree.changes.par_iter().map(change).collect();
    let mut project = Project {
        name: tree.name.clone(),
        openspec_dir: tree.openspec_dir.clone(),
        has_project_md: tree.project_md,
        config,
        specs,
        changes: Vec::with_capacity(changes.len()),
        display_name: tree.dir.file_name().map_or_else(|| tree.name.clone(), |n| n.to_string_lossy().into_owned()),
    };
    for (change, problem) in changes {
        diagnostics.extend(problem);
        project.changes.push(change);
    }
    (project, diagnostics)
}

/// A YAML syntax error as a diagnostic.
pub fn yaml_diagnostic(path: &str, e: &YamlError) -> Diagnostic {
    Diagnostic::error(path.to_owned(), e.line, format!("invalid YAML: {}", e.message))
        .with_help("fix the YAML syntax at this line")
}

fn change(dir: &ChangeDir) -> (Change, Vec<Diagnostic>) {
    let (archived_on, id) = if dir.archived { archive_name(&dir.name) } else { (None, dir.name.as_str()) };
    let task_files: Vec<_> = dir.task_files.iter().map(|f| tasks::parse(&f.path, &f.text)).collect();
    let mut progress = Progress::default();
    for file in &task_files {
        progress.add(Progress { done: file.done, total: file.total });
    }
    let mut problems = Vec::new();
    let day = archived_on.and_then(crate::model::Day::parse);
    if let (Some(prefix), None) = (archived_on, day) {
        problems.push(
            Diagnostic::warning(
                dir.path.clone(),
                None,
                format!("archive folder date {prefix} is not a calendar day; the change is shown undated"),
            )
            .with_help("rename the folder to YYYY-MM-DD-<id> with the day it was archived"),
        );
    }
    let parsed = |f: &SourceFile| match &dir.parsed_metadata {
        Some(p) => p.clone(),
        None => yaml::metadata(&f.path, &f.text),
    };
    let metadata = dir.metadata.as_ref().and_then(|f| match parsed(f) {
        Ok(m) => Some(m),
        Err(e) => {
            problems.push(yaml_diagnostic(&f.path, &e));
            None
        }
    });
    let proposal = dir.proposal.as_ref().map(|f| proposal::proposal(&f.path, &f.text));
    let title = proposal.as_ref().and_then(|p| p.title.clone()).unwrap_or_else(|| id.to_owned());
    let status =
        if dir.archived { ChangeStatus::Archived } else { ChangeStatus::from_tasks(progress.done, progress.total) };
    let change = Change {
        id: id.to_owned(),
        path: dir.path.clone(),
        title,
        archived: dir.archived,
        archived_on: day,
        status,
        tasks: progress,
        proposal,
        design: dir.design.as_ref().map(|f| proposal::document(&f.path, &f.text)),
        task_files,
        metadata,
        deltas: dir.deltas.iter().map(|d| delta::parse(&d.id, &d.file.path, &d.file.text)).collect(),
        schema: dir.schema.clone(),
        nested: dir.nested.clone(),
    };
    (change, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names() {
        assert_eq!(archive_name("2025-12-03-add-x"), (Some("2025-12-03"), "add-x"));
        assert_eq!(archive_name("add-x"), (None, "add-x"));
        assert_eq!(archive_name("2025-12-03-"), (None, "2025-12-03-"));
    }
}
