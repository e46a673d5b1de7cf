//! The dependency graph as Graphviz (`spec graph --format dot`):
//! `dependency -> dependent`, filled by status, dashed when inferred.

use crate::analyse::graph::{EdgeKind, Graph};
use crate::model::ChangeStatus;

/// A `digraph` of the changes, every id and title quoted.
pub fn graph(graph: &Graph) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut s = String::from(
        "digraph changes {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white];\n",
    );
    for n in &graph.nodes {
        let fill = match n.status {
            ChangeStatus::Complete => "#b7e4c7",
            ChangeStatus::InProgress => "#ffe066",
            ChangeStatus::Draft => "#cfe2ff",
            ChangeStatus::Archived => "#e9ecef",
        };
        s.push_str(&format!("  {} [fillcolor=\"{fill}\", tooltip={}];\n", quote(&n.id), quote(&n.title)));
    }
    for e in &graph.edges {
        let style = if e.kind == EdgeKind::Inferred { " [style=dashed]" } else { "" };
        s.push_str(&format!("  {} -> {}{style};\n", quote(&e.to), quote(&e.from)));
    }
    s.push_str("}\n");
    s
}
