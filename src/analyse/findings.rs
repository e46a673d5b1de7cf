//! `spec`'s own findings about a project, beyond the official rules:
//! archived changes with open tasks, changes without a proposal, task files
//! with headings but no tasks, stacking fields under bare keys that
//! OpenSpec 1.14+ rejects.

use crate::model::{Diagnostic, Level, Project};

/// `spec`'s own findings about a project, beyond the official rules.
pub fn findings(project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for change in &project.changes {
        if change.archived {
            if change.tasks.done < change.tasks.total {
                let open = change.tasks.total - change.tasks.done;
                let file = change.task_files.first().map(|f| f.path.clone());
                let line = change.task_files.first().and_then(|f| f.tasks.iter().find(|t| !t.done)).map(|t| t.line);
                out.push(
                    Diagnostic::warning(
                        file,
                        line,
                        format!(
                            "archived change `{}` has {open} open task{} ({}/{} done)",
                            change.id,
                            if open == 1 { "" } else { "s" },
                            change.tasks.done,
                            change.tasks.total
                        ),
                    )
                    .with_help("tick the tasks that were done, or note why they were dropped (`openspec validate --archived` fails on this)"),
                );
            }
            continue;
        }
        if let Some(meta) = &change.metadata {
            for bare in &meta.bare_keys {
                out.push(
                    Diagnostic::warning(
                        Some(meta.path.clone()),
                        bare.line,
                        format!(
                            "OpenSpec 1.14+ `validate --strict` rejects `{}`; write `{}`",
                            bare.key, bare.replacement
                        ),
                    )
                    .with_help(format!(
                        "rename the key to `{}` (same value); OpenSpec 1.14.2+ reserves `x-` keys for tools and `spec` reads both",
                        bare.replacement
                    )),
                );
            }
        }
        if change.proposal.is_none() && change.nested.is_empty() {
            out.push(
                Diagnostic::warning(change.path.clone(), None, format!("change `{}` has no proposal.md", change.id))
                    .with_help("write proposal.md with ## Why and ## What Changes"),
            );
        }
        for file in &change.task_files {
            if file.total == 0 && !file.sections.is_empty() {
                out.push(Diagnostic::new(
                    Level::Info,
                    file.path.clone(),
                    Some(file.sections[0].line),
                    "task file has headings but no `- [ ]` tasks, so the change counts as a draft",
                ));
            }
        }
    }
    out
}
