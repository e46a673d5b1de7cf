//! What `spec check` says about a flake's Nix files: imports of paths that
//! do not exist or lie outside the repository, and syntax errors (warnings), files encrypted with git-crypt
//! and modules no host imports (info).

use super::NixGraph;
use crate::model::{Diagnostic, Level};

/// Dangling imports and syntax errors (warnings), modules no host imports
/// (info), each at its file and line.
pub fn findings(graph: &NixGraph) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, line, missing) in graph.dangling() {
        out.push(
            Diagnostic::warning(file, Some(line), format!("imports `{missing}`, which does not exist"))
                .with_help("fix the path, or create the module"),
        );
    }
    for (file, line, path) in graph.outside() {
        let what = if path.starts_with('/') { "an absolute path" } else { "a path above the repository's root" };
        out.push(
            Diagnostic::warning(file.clone(), Some(*line), format!("imports `{path}`, {what}: spec does not follow it"))
                .with_help(
                    "the hosts that import it depend on a file outside the repository, so their closure and impact miss what it imports; move it into the repository and import it by a relative path",
                ),
        );
    }
    for (file, line, message) in graph.errors() {
        out.push(
            Diagnostic::warning(file, Some(line), format!("Nix syntax error: {message}"))
                .with_help("the rest of the file was still read for imports and hosts"),
        );
    }
    for file in graph.encrypted() {
        out.push(
            Diagnostic::new(Level::Info, file.clone(), None, "encrypted with git-crypt; not read")
                .with_help("run `git-crypt unlock` to let spec read its imports and hosts"),
        );
    }
    for file in graph.orphans() {
        out.push(
            Diagnostic::new(Level::Info, file, None, "no host imports this module")
                .with_help("import it from a host's modules, or delete it"),
        );
    }
    out
}
