//! Path literals: the whole expression one starts (`./hosts + "/${name}"`),
//! the repo-relative path it names, and whether it is listed as a module
//! (in an `imports` list, or a system builder's `modules`).

use super::syntax::{apply, bin_op, head_name, ident};
use super::{Cx, MAX_CONTEXT};
use rnix::{SyntaxKind::*, SyntaxNode};

/// Names that make a call a system builder.
const BUILDERS: &[&str] = &["nixosSystem", "homeManagerConfiguration", "darwinSystem"];

/// Is a call's function a system builder (`nixpkgs.lib.nixosSystem`)?
pub(super) fn is_builder(head: &SyntaxNode) -> bool {
    head_name(head).is_some_and(|n| BUILDERS.contains(&n.as_str()))
}

impl<'a> Cx<'a> {
    /// Resolve a path expression (a path literal, maybe `+ "/${name}"`) to a repo-relative path.
    pub(super) fn path_of(&self, expr: &SyntaxNode) -> Option<String> {
        let raw = self.eval_path(expr, 0)?;
        // `self + /modules` and `"${self}/modules"` start at the flake's root.
        match raw.strip_prefix('/') {
            Some(rooted) => resolve("", rooted),
            None => resolve(self.dir, &raw),
        }
    }

    /// Does a path expression that [`Cx::path_of`] could not resolve climb
    /// above the repository's root (rather than hold an interpolation it
    /// cannot evaluate)?
    pub(super) fn leaves_root(&self, expr: &SyntaxNode) -> bool {
        self.eval_path(expr, 0).is_some_and(|raw| !raw.starts_with('/') && resolve(self.dir, &raw).is_none())
    }
}

/// Join a relative path to a folder, `/`-separated, with `.` and `..`
/// resolved. `None` when it leaves the repository; `.` for the root.
pub fn resolve(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(if parts.is_empty() { ".".to_owned() } else { parts.join("/") })
}

/// Is this the flake's own source (`self`, `inputs.self`, `flake.inputs.self`)?
pub(super) fn is_self(node: &SyntaxNode) -> bool {
    match node.kind() {
        NODE_IDENT => ident(node).is_some_and(|n| n == "self"),
        NODE_SELECT => head_name(node).is_some_and(|n| n == "self"),
        NODE_PAREN => node.first_child().is_some_and(|c| is_self(&c)),
        _ => false,
    }
}

/// Where a path rooted at the flake starts: `self + /modules` (the
/// operation), `"${self}/modules"` (the string).
pub(super) fn rooted_start(node: &SyntaxNode) -> Option<SyntaxNode> {
    match node.kind() {
        NODE_PATH_ABS => {
            let op = node.parent().filter(|p| p.kind() == NODE_BIN_OP && bin_op(p) == Some(TOKEN_ADD))?;
            let mut kids = op.children();
            (kids.next().is_some_and(|l| is_self(&l)) && kids.next().as_ref() == Some(node)).then_some(op)
        }
        NODE_STRING => {
            let first = node.children_with_tokens().nth(1)?.into_node().filter(|c| c.kind() == NODE_INTERPOL)?;
            is_self(&first.first_child()?).then(|| node.clone())
        }
        _ => None,
    }
}

/// The whole path expression a path literal starts: `./hosts + "/${name}"`.
pub(super) fn path_expr(path: &SyntaxNode) -> SyntaxNode {
    let mut expr = path.clone();
    while let Some(parent) = expr.parent() {
        let is_left = parent.kind() == NODE_BIN_OP
            && bin_op(&parent) == Some(TOKEN_ADD)
            && parent.first_child().is_some_and(|f| f == expr);
        if !is_left {
            break;
        }
        expr = parent;
    }
    expr
}

/// Every path expression under a node, in source order.
pub(super) fn path_exprs(node: &SyntaxNode) -> Vec<SyntaxNode> {
    let mut out: Vec<SyntaxNode> = Vec::new();
    let starts = std::iter::once(node.clone()).chain(node.descendants()).filter_map(|n| match n.kind() {
        NODE_PATH_REL => Some(n),
        NODE_PATH_ABS | NODE_STRING => rooted_start(&n),
        _ => None,
    });
    for path in starts {
        let expr = path_expr(&path);
        if out.last() != Some(&expr) {
            out.push(expr);
        }
    }
    out
}

/// The `imports = ...` (or builder `modules = ...`) binding a path
/// expression is listed in, if it is: walking up through lists, parentheses,
/// operators, calls (`optionals c [ ... ]`, `import ./x { }`) and
/// conditionals, the first binding met must be one of those.
pub(super) fn import_context(expr: &SyntaxNode) -> Option<SyntaxNode> {
    for node in expr.ancestors().skip(1).take(MAX_CONTEXT) {
        match node.kind() {
            NODE_LIST | NODE_PAREN | NODE_BIN_OP | NODE_APPLY | NODE_IF_ELSE | NODE_WITH | NODE_LET_IN
            | NODE_ASSERT => {}
            NODE_ATTRPATH_VALUE => {
                let name = node.first_child().filter(|p| p.kind() == NODE_ATTRPATH)?.children().last()?;
                return match ident(&name)?.as_str() {
                    "imports" => Some(node),
                    "modules" if builder_arg(&node) => Some(node),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
    None
}

/// Is this binding in the attribute set passed to a system builder?
fn builder_arg(av: &SyntaxNode) -> bool {
    let Some(mut node) = av.parent().filter(|s| s.kind() == NODE_ATTR_SET) else { return false };
    for _ in 0..MAX_CONTEXT {
        let Some(parent) = node.parent() else { break };
        match parent.kind() {
            NODE_PAREN | NODE_BIN_OP => node = parent,
            NODE_APPLY => {
                return apply(&parent).is_some_and(|(h, _)| is_builder(&h));
            }
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nix::parse::parse;
    use crate::nix::parse::tests::paths;

    #[test]
    fn path_resolution() {
        assert_eq!(resolve("hosts/rog", "./hardware.nix").as_deref(), Some("hosts/rog/hardware.nix"));
        assert_eq!(resolve("hosts/rog", "../../modules").as_deref(), Some("modules"));
        assert_eq!(resolve("hosts/rog", "./.").as_deref(), Some("hosts/rog"));
        assert_eq!(resolve("", "./.").as_deref(), Some("."));
        assert_eq!(resolve("hosts", "../.").as_deref(), Some("."));
        assert_eq!(resolve("hosts", "./a/../b//c.nix").as_deref(), Some("hosts/b/c.nix"));
        assert_eq!(resolve("", "modules/x.nix").as_deref(), Some("modules/x.nix"));
        assert_eq!(resolve("hosts", "../../outside.nix"), None);
        assert_eq!(resolve("", "../x.nix"), None);
    }

    #[test]
    fn paths_from_the_flake_root() {
        let facts = parse(
            "configurations/nixos/pure/default.nix",
            r#"{ flake, ... }:
let
  inherit (flake.inputs) self;
  homeMod = self + /modules/home;
in
{
  imports = [ self.nixosModules.default (self + /modules/nixos/gc.nix) "${self}/modules/nixos/${"x"}.nix" ];
  home = homeMod + "/cli/git.nix";
  other = "x${self}/y";
  secret = flake.inputs.self + /secrets/a.age;
}"#,
        );
        assert_eq!(
            paths(&facts),
            [
                ("modules/home", 4, false),
                ("modules/nixos/gc.nix", 7, true),
                ("modules/nixos/x.nix", 7, true),
                ("secrets/a.age", 10, false),
            ]
        );
    }

    #[test]
    fn paths_in_and_out_of_imports() {
        let facts = parse(
            "hosts/rog/default.nix",
            r#"{ lib, pkgs, config, ... }:
let
  extra = [ ./not-listed.nix ];
in
{
  imports = [
    ./hardware.nix
    ../../modules
    (import ./generated.nix { inherit lib; })
  ] ++ lib.optionals config.gpu.enable [ ./gpu.nix ] ++ lib.optional true ./one.nix;
  environment.etc."nixos".source = ./.;
  services.foo.package = pkgs.callPackage ../../pkgs/foo { };
  boot.x = ../../../outside.nix;
  wallpaper = ./wall/${pkgs.system}.png;
}"#,
        );
        assert_eq!(
            paths(&facts),
            [
                ("hosts/rog/not-listed.nix", 3, false),
                ("hosts/rog/hardware.nix", 7, true),
                ("modules", 8, true),
                ("hosts/rog/generated.nix", 9, true),
                ("hosts/rog/gpu.nix", 10, true),
                ("hosts/rog/one.nix", 10, true),
                ("hosts/rog", 11, false),
                ("pkgs/foo", 12, false),
            ]
        );
    }
}
