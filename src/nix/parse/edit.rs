//! Which lines of a `flake.nix` its hosts evaluate. A line inside an
//! output only tools use (dev shells, the formatter, checks, apps,
//! templates, CI jobs) or the description, a blank line and a comment are
//! not; every other line (inputs, host definitions, overlays, modules,
//! helpers bound in a `let`) is, as far as the text shows.

use super::shape::{Shape, shape};
use super::syntax::ident;
use rnix::{SyntaxKind::*, SyntaxNode};

/// Attribute names whose values no host build reads: flake outputs for
/// tools (`devShells`, `formatter`, `checks`, `apps`, `templates`,
/// `hydraJobs`) and the tool settings of flake-parts (`treefmt`,
/// `pre-commit`, `devenv`), and the flake's `description`.
const TOOL_ATTRS: &[&str] = &[
    "devShells",
    "devShell",
    "formatter",
    "checks",
    "apps",
    "templates",
    "hydraJobs",
    "treefmt",
    "pre-commit",
    "devenv",
    "description",
];

/// Does one of these (1-based) lines of a flake's text hold something its
/// hosts evaluate? A text too deep to parse safely counts as yes.
pub fn reaches_hosts(text: &str, lines: &[usize]) -> bool {
    if lines.is_empty() {
        return false;
    }
    if shape(text) != Shape::Plain {
        return true;
    }
    let root = rnix::Root::parse(text).syntax();
    let rows: Vec<&str> = text.split('\n').collect();
    let mut start = Vec::with_capacity(rows.len());
    let mut at = 0;
    for row in &rows {
        start.push(at);
        at += row.len() + 1;
    }
    lines.iter().any(|&n| {
        let Some(row) = n.checked_sub(1).and_then(|i| rows.get(i)) else { return false };
        let code = row.trim_start();
        if code.trim_end().is_empty() || code.starts_with('#') {
            return false;
        }
        let offset = start[n - 1] + (row.len() - code.len());
        let Ok(offset) = u32::try_from(offset) else { return true };
        match root.token_at_offset(offset.into()).right_biased() {
            Some(token) => !token.parent_ancestors().any(|node| tool_binding(&node)),
            None => true,
        }
    })
}

/// Is this `name = value;` with a name of [`TOOL_ATTRS`] in its path?
fn tool_binding(node: &SyntaxNode) -> bool {
    node.kind() == NODE_ATTRPATH_VALUE
        && node.first_child().filter(|p| p.kind() == NODE_ATTRPATH).is_some_and(|path| {
            path.children().any(|a| {
                let name = ident(&a).or_else(|| {
                    // `"pre-commit" = ...`
                    (a.kind() == NODE_STRING).then(|| a.text().to_string().trim_matches('"').to_owned())
                });
                name.is_some_and(|n| TOOL_ATTRS.contains(&n.as_str()))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAKE: &str = r#"{
  description = "hosts";
  inputs.nixpkgs.url = "github:nixos/nixpkgs";
  outputs = { nixpkgs, ... }:
    let
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
    in {
      # the laptops
      nixosConfigurations.yoga = nixpkgs.lib.nixosSystem { modules = [ ./hosts/yoga ]; };

      devShells.x86_64-linux.default = pkgs.mkShell {
        packages = [ pkgs.age pkgs.git ];
      };
      formatter.x86_64-linux = pkgs.nixfmt;
    };
}
"#;

    #[test]
    fn dev_shells_the_formatter_comments_and_the_description_reach_no_host() {
        assert!(!reaches_hosts(FLAKE, &[2, 8, 11, 12, 13, 14]));
        assert!(!reaches_hosts(FLAKE, &[10]), "a blank line");
        assert!(!reaches_hosts(FLAKE, &[]));
        assert!(reaches_hosts(FLAKE, &[3]), "inputs");
        assert!(reaches_hosts(FLAKE, &[9]), "a host");
        assert!(reaches_hosts(FLAKE, &[6]), "a helper the hosts may use");
        assert!(reaches_hosts(FLAKE, &[12, 9]));
        assert!(!reaches_hosts(FLAKE, &[400]), "no such line");
    }

    #[test]
    fn flake_parts_tool_settings_reach_no_host() {
        let text = "{\n  outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } {\n    perSystem = { pkgs, ... }: {\n      devShells.default = pkgs.mkShell { };\n      \"pre-commit\".settings.hooks.nixfmt.enable = true;\n      packages.tool = pkgs.hello;\n    };\n  };\n}\n";
        assert!(!reaches_hosts(text, &[4, 5]));
        assert!(reaches_hosts(text, &[6]));
    }
}
