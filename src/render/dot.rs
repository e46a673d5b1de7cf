//! The dependency graph as Graphviz (`spec graph --format dot`):
//! `dependency -> dependent`, filled by status, dashed when inferred.

use crate::analyse::graph::{EdgeKind, Graph};
use crate::model::ChangeStatus;

/// A `digraph` of the changes, every id and title quoted.
pub fn graph(graph: &Graph) -> String {
    graphs(&[(None, graph)])
}

/// One `digraph` of several projects: a `cluster` per named project, node
/// names prefixed with the project (`packages/api/add-x`) so they stay apart.
pub fn graphs(projects: &[(Option<&str>, &Graph)]) -> String {
    // Control characters as visible escapes (as on a terminal), then DOT's quoting.
    let quote = |s: &str| format!("\"{}\"", super::escape::terminal(s).replace('\\', "\\\\").replace('"', "\\\""));
    let mut s = String::from(
        "digraph changes {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white];\n",
    );
    for (i, (project, graph)) in projects.iter().enumerate() {
        let name = |id: &str| quote(&project.map_or_else(|| id.to_owned(), |p| format!("{p}/{id}")));
        let indent = if project.is_some() { "  " } else { "" };
        if let Some(p) = project {
            s.push_str(&format!("  subgraph cluster_{i} {{\n    label={};\n", quote(p)));
        }
        for n in &graph.nodes {
            let fill = match n.status {
                ChangeStatus::Complete => "#b7e4c7",
                ChangeStatus::InProgress => "#ffe066",
                ChangeStatus::Draft => "#cfe2ff",
                ChangeStatus::Archived => "#e9ecef",
            };
            let label = if project.is_some() { format!(", label={}", quote(&n.id)) } else { String::new() };
            s.push_str(&format!(
                "{indent}  {} [fillcolor=\"{fill}\"{label}, tooltip={}];\n",
                name(&n.id),
                quote(&n.title)
            ));
        }
        for e in &graph.edges {
            let style = if e.kind == EdgeKind::Inferred { " [style=dashed]" } else { "" };
            s.push_str(&format!("{indent}  {} -> {}{style};\n", name(&e.to), name(&e.from)));
        }
        if project.is_some() {
            s.push_str("  }\n");
        }
    }
    s.push_str("}\n");
    s
}
