//! A module: its enable gate (`config = mkIf cfg.enable { ... }`) and the
//! options it sets to `true`.

use super::scope::Bound;
use super::syntax::{apply, bin_op, body, head_name, ident, list_items, unwrap, value};
use super::{Cx, MAX_CONTEXT, MAX_DEPTH};
use rnix::{SyntaxKind::*, SyntaxNode};

/// Module-system functions whose last argument is the value (`mkDefault x`).
const WRAPPERS: &[&str] = &[
    "mkDefault",
    "mkForce",
    "mkOverride",
    "mkOptionDefault",
    "mkBefore",
    "mkAfter",
    "mkOrder",
    "mkVMOverride",
    "mkImageMediaOverride",
];

/// Top-level module attributes that are not configuration.
const NOT_CONFIG: &[&str] = &["imports", "options", "_file", "key", "disabledModules", "meta"];

impl<'a> Cx<'a> {
    /// Read a module: its gate (returned) and the options it sets to `true`.
    pub(super) fn module(&self, expr: &SyntaxNode, sets: &mut Vec<String>, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let expr = unwrap(expr);
        match expr.kind() {
            NODE_LAMBDA | NODE_LET_IN | NODE_WITH | NODE_ASSERT => self.module(&body(&expr)?, sets, depth + 1),
            NODE_ATTR_SET => {
                let entries: Vec<_> = self.entries(&expr).collect();
                let explicit = entries.iter().any(|(k, _)| k[0] == "config" || k[0] == "options");
                let mut gate = None;
                for (key, av) in entries {
                    let Some(v) = value(&av) else { continue };
                    if explicit {
                        if key[0] == "options" {
                            self.on_by_default(&v, &mut key[1..].to_vec(), sets, 0);
                            continue;
                        }
                        if key[0] != "config" {
                            continue;
                        }
                        if key.len() == 1 {
                            gate = self.gate(&v);
                        }
                        self.sets(&v, &mut key[1..].to_vec(), sets, 0);
                    } else if !NOT_CONFIG.contains(&key[0].as_str()) {
                        self.sets(&v, &mut key.clone(), sets, 0);
                    }
                }
                gate
            }
            _ => None,
        }
    }

    /// Does a module set configuration? See [`NixFacts::configures`](crate::nix::facts::NixFacts::configures).
    pub(super) fn configures(&self, top: &SyntaxNode) -> bool {
        let mut expr = unwrap(top);
        // `final: prev: { ... }` (and `self: super:`): an overlay.
        let plain = |l: &SyntaxNode| l.children().next().is_some_and(|p| p.kind() == NODE_IDENT_PARAM);
        if expr.kind() == NODE_LAMBDA
            && plain(&expr)
            && body(&expr).map(|b| unwrap(&b)).is_some_and(|b| b.kind() == NODE_LAMBDA && plain(&b))
        {
            return false;
        }
        for _ in 0..MAX_CONTEXT {
            match expr.kind() {
                NODE_LAMBDA | NODE_LET_IN | NODE_WITH | NODE_ASSERT => match body(&expr) {
                    Some(b) => expr = unwrap(&b),
                    None => return false,
                },
                NODE_ATTR_SET => {
                    let entries: Vec<_> = self.entries(&expr).collect();
                    // `{ ai = import ./ai; base = ./base.nix; }`: a set of modules, not configuration.
                    let modules =
                        !entries.is_empty() && entries.iter().all(|(_, av)| value(av).is_some_and(|v| module_ref(&v)));
                    return !modules
                        && entries.iter().any(|(k, _)| k[0] == "config" || !NOT_CONFIG.contains(&k[0].as_str()));
                }
                _ => return false,
            }
        }
        false
    }

    /// `mkIf <cond> ...` → the option path `<cond>` reads; `mkMerge [
    /// (mkIf <cond> ...) ... ]` whose every part reads the same one
    /// (`cfg.enable && cfg.sync.enable`, `cfg.enable && cfg.mcp.enable`) →
    /// that one.
    fn gate(&self, value: &SyntaxNode) -> Option<String> {
        let (head, args) = apply(&unwrap(value))?;
        match head_name(&head)?.as_str() {
            "mkIf" if args.len() == 2 => {
                let path = self.option_path(&args[0], 0)?;
                (!path.is_empty()).then(|| path.join("."))
            }
            "mkMerge" if args.len() == 1 => {
                let parts: Vec<Option<String>> = list_items(&args[0]).iter().map(|p| self.gate(p)).collect();
                let first = parts.first().cloned().flatten()?;
                parts.iter().all(|p| p.as_deref() == Some(first.as_str())).then_some(first)
            }
            _ => None,
        }
    }

    /// The option an import depends on: on its way up to its `imports`
    /// binding the path sits in the list of `optional(s) <cond> ...` or in
    /// the `then` branch of `if <cond> then ... else ...`, and `<cond>`
    /// reads an option ([`Self::option_path`]). An `else` branch, or a
    /// condition that reads no option (`hostName == "x"`), is no condition.
    pub(super) fn import_condition(&self, expr: &SyntaxNode) -> Option<String> {
        let mut child = expr.clone();
        for node in expr.ancestors().skip(1).take(MAX_CONTEXT) {
            let within = |n: &SyntaxNode| n.text_range().contains_range(child.text_range());
            let cond = match node.kind() {
                NODE_ATTRPATH_VALUE => return None,
                NODE_APPLY => apply(&node).and_then(|(head, args)| {
                    let optional = matches!(head_name(&head).as_deref(), Some("optional" | "optionals"));
                    (optional && args.len() == 2 && within(&args[1])).then(|| args[0].clone())
                }),
                NODE_IF_ELSE => {
                    let mut kids = node.children();
                    let cond = kids.next();
                    kids.next().filter(within).and(cond)
                }
                _ => None,
            };
            if let Some(cond) = cond {
                let path = self.option_path(&cond, 0)?;
                return (!path.is_empty()).then(|| path.join("."));
            }
            child = node;
        }
        None
    }

    /// The option an expression reads: `config.a.b`, `cfg.enable` with
    /// `cfg = config.a;`, the left side of `&&` when it is one.
    fn option_path(&self, expr: &SyntaxNode, depth: usize) -> Option<Vec<String>> {
        if depth > 16 {
            return None;
        }
        let expr = unwrap(expr);
        match expr.kind() {
            NODE_IDENT if self.step() => {
                let name = ident(&expr)?;
                // A home-manager module reads the system's options as `osConfig`.
                if matches!(name.as_str(), "config" | "osConfig" | "nixosConfig") {
                    return Some(Vec::new());
                }
                match self.lookup(&name, &expr)? {
                    Bound::Expr(e) => self.option_path(&e, depth + 1),
                    Bound::Str(_) => None,
                }
            }
            NODE_SELECT => {
                let mut kids = expr.children();
                let mut path = self.option_path(&kids.next()?, depth + 1)?;
                let attrs = kids.find(|c| c.kind() == NODE_ATTRPATH)?;
                for attr in attrs.children() {
                    path.push(self.attr_name(&attr)?);
                }
                Some(path)
            }
            NODE_BIN_OP if bin_op(&expr) == Some(TOKEN_AND_AND) => {
                expr.children().find_map(|side| self.option_path(&side, depth + 1).filter(|p| !p.is_empty()))
            }
            _ => None,
        }
    }

    /// Options set to `true` in a configuration value at `prefix`.
    fn sets(&self, expr: &SyntaxNode, prefix: &mut Vec<String>, out: &mut Vec<String>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match self.members(expr, Within::Config) {
            Members::Set(entries) => {
                for (key, av) in entries {
                    if let Some(v) = value(&av) {
                        let len = prefix.len();
                        prefix.extend(key);
                        self.sets(&v, prefix, out, depth + 1);
                        prefix.truncate(len);
                    }
                }
            }
            Members::Other(expr, _) if !prefix.is_empty() && ident(&expr).is_some_and(|n| n == "true") => {
                out.push(prefix.join("."))
            }
            Members::Other(_, parts) => {
                for part in parts {
                    self.sets(&part, prefix, out, depth + 1);
                }
            }
        }
    }

    /// Options declared on by default (`enable = mkEnableOption "x" // {
    /// default = true; };`, `mkOption { default = true; }`): they are `true`
    /// wherever the declaring module runs, as if it set them.
    fn on_by_default(&self, expr: &SyntaxNode, prefix: &mut Vec<String>, out: &mut Vec<String>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let expr = unwrap(expr);
        if self.defaults_to_true(&expr) {
            out.push(prefix.join("."));
            return;
        }
        if let Members::Set(entries) = self.members(&expr, Within::Config) {
            for (key, av) in entries {
                if let Some(v) = value(&av) {
                    let len = prefix.len();
                    prefix.extend(key);
                    self.on_by_default(&v, prefix, out, depth + 1);
                    prefix.truncate(len);
                }
            }
        }
    }

    /// Is this an option declaration whose default is `true`?
    fn defaults_to_true(&self, decl: &SyntaxNode) -> bool {
        let decl = unwrap(decl);
        let default_true = |set: &SyntaxNode| {
            let set = unwrap(set);
            set.kind() == NODE_ATTR_SET
                && self.entries(&set).any(|(k, av)| {
                    k.len() == 1
                        && k[0] == "default"
                        && value(&av).is_some_and(|v| ident(&unwrap(&v)).as_deref() == Some("true"))
                })
        };
        match decl.kind() {
            // `mkEnableOption "x" // { default = true; }`
            NODE_BIN_OP if bin_op(&decl) == Some(TOKEN_UPDATE) => {
                let mut sides = decl.children();
                let is_option = sides
                    .next()
                    .and_then(|l| apply(&unwrap(&l)))
                    .and_then(|(h, _)| head_name(&h))
                    .is_some_and(|n| n == "mkEnableOption" || n == "mkOption");
                is_option && sides.next().is_some_and(|r| default_true(&r))
            }
            NODE_APPLY => match apply(&decl) {
                Some((head, args)) => {
                    head_name(&head).as_deref() == Some("mkOption") && args.last().is_some_and(default_true)
                }
                None => false,
            },
            _ => false,
        }
    }

    /// A value, through parentheses, as a walk down it sees it.
    pub(super) fn members(&self, expr: &SyntaxNode, within: Within) -> Members {
        let expr = unwrap(expr);
        if expr.kind() == NODE_ATTR_SET {
            Members::Set(self.entries(&expr).collect())
        } else {
            let parts = parts(&expr, within);
            Members::Other(expr, parts)
        }
    }
}

/// A path literal, or `import` of one: how a set of modules names them.
fn module_ref(value: &SyntaxNode) -> bool {
    let value = unwrap(value);
    match value.kind() {
        NODE_PATH_REL | NODE_PATH_ABS => true,
        NODE_APPLY => apply(&value).is_some_and(|(head, args)| {
            head_name(&head).as_deref() == Some("import")
                && args.len() == 1
                && matches!(unwrap(&args[0]).kind(), NODE_PATH_REL | NODE_PATH_ABS | NODE_STRING)
        }),
        _ => false,
    }
}

/// What a walk down a value finds ([`Cx::members`]).
pub(super) enum Members {
    /// An attribute set: its entries `a.b = value;`, names resolved.
    Set(Vec<(Vec<String>, SyntaxNode)>),
    /// Anything else: the expression, and the expressions it is made of ([`parts`]).
    Other(SyntaxNode, Vec<SyntaxNode>),
}

/// Where a value is read: a flake's outputs, or a module's configuration.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Within {
    Outputs,
    Config,
}

/// The expressions a value that is not an attribute set is made of, in
/// source order: the body of `let`, `with` and `assert`, both sides of `//`,
/// the items of `mkMerge [ ... ]`, and the last argument of `mkIf cond value`
/// and of the [`WRAPPERS`] (`mkDefault value`). In outputs also a lambda's
/// body and the last argument of `mkFlake { ... } value`, and `mkIf` need
/// not have two arguments.
fn parts(expr: &SyntaxNode, within: Within) -> Vec<SyntaxNode> {
    match expr.kind() {
        NODE_LAMBDA if within == Within::Outputs => body(expr).into_iter().collect(),
        NODE_LET_IN | NODE_WITH | NODE_ASSERT => body(expr).into_iter().collect(),
        NODE_BIN_OP if bin_op(expr) == Some(TOKEN_UPDATE) => expr.children().collect(),
        NODE_APPLY => {
            let Some((head, args)) = apply(expr) else { return Vec::new() };
            let last = match head_name(&head).as_deref() {
                Some("mkMerge") => return args.iter().flat_map(list_items).collect(),
                Some("mkIf") => within == Within::Outputs || args.len() == 2,
                Some("mkFlake") => within == Within::Outputs,
                Some(w) => WRAPPERS.contains(&w),
                None => false,
            };
            if last { args.last().cloned().into_iter().collect() } else { Vec::new() }
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::nix::parse::parse;

    #[test]
    fn gate_through_let_cfg() {
        let facts = parse(
            "modules/services/backup.nix",
            r#"{ config, lib, ... }:
let
  cfg = config.services.backup;
in
{
  options.services.backup.enable = lib.mkEnableOption "backups";
  config = lib.mkIf cfg.enable {
    services.restic.backups.nightly.initialize = true;
  };
}"#,
        );
        assert_eq!(facts.gate.as_deref(), Some("services.backup.enable"));
        assert_eq!(facts.sets, ["services.restic.backups.nightly.initialize"]);
    }

    #[test]
    fn gate_forms() {
        let gate = |text: &str| parse("m.nix", text).gate;
        assert_eq!(gate("{ config, ... }: { config = mkIf config.a.b.enable { }; }").as_deref(), Some("a.b.enable"));
        assert_eq!(
            gate("{ config, lib, ... }: with lib; let cfg = config.my.\"x-y\"; in { options = { }; config = mkIf (cfg.enable) { }; }")
                .as_deref(),
            Some("my.x-y.enable")
        );
        assert_eq!(
            gate(
                "{ config, lib, ... }: let cfg = config.a; on = cfg.enable; in { config = lib.mkIf (on && cfg.b) { }; }"
            )
            .as_deref(),
            Some("a.enable")
        );
        // Every part of a merge behind the same option: gated by it.
        assert_eq!(
            gate("{ config, lib, ... }: let cfg = config.a; in { config = lib.mkMerge [ (lib.mkIf (cfg.enable && cfg.x) { }) (lib.mkIf cfg.enable { }) ]; }")
                .as_deref(),
            Some("a.enable")
        );
        // Not a whole-module gate.
        assert_eq!(
            gate("{ config, lib, ... }: { config = lib.mkMerge [ (lib.mkIf config.a.enable { }) { } ]; }"),
            None
        );
        assert_eq!(
            gate(
                "{ config, lib, ... }: { config = lib.mkMerge [ (lib.mkIf config.a.enable { }) (lib.mkIf config.b.enable { }) ]; }"
            ),
            None
        );
        assert_eq!(gate("{ config, lib, ... }: { config.x = lib.mkIf config.a.enable { }; }"), None);
        assert_eq!(gate("{ config, ... }: { config = mkIf (config.networking.hostName == \"rog\") { }; }"), None);
        assert_eq!(gate("{ config, ... }: { config = mkIf enabled { }; }"), None);
    }

    #[test]
    fn imports_that_depend_on_an_option() {
        let when = |text: &str| -> Vec<(String, Option<String>)> {
            parse("home/nixos.nix", text).paths.into_iter().map(|p| (p.path, p.when)).collect()
        };
        let some = |p: &str, o: Option<&str>| (p.to_string(), o.map(str::to_string));
        assert_eq!(
            when(
                "{ lib, osConfig, ... }: let roles = osConfig.my.roles or { }; in {\n  imports = [ ./base.nix ]\n    ++ lib.optional (roles.develop or false) ./develop.nix\n    ++ lib.optionals config.x.enable [ ./x.nix ];\n}"
            ),
            [
                some("home/base.nix", None),
                some("home/develop.nix", Some("my.roles.develop")),
                some("home/x.nix", Some("x.enable"))
            ]
        );
        assert_eq!(
            when("{ config, ... }: { imports = if config.y.enable then [ ./y.nix ] else [ ./z.nix ]; }"),
            [some("home/y.nix", Some("y.enable")), some("home/z.nix", None)]
        );
        // A condition that reads no option is none.
        assert_eq!(
            when("{ config, lib, ... }: { imports = lib.optional (config.networking.hostName == \"a\") ./a.nix; }"),
            [some("home/a.nix", None)]
        );
    }

    #[test]
    fn what_sets_configuration() {
        let configures = |text: &str| parse("m.nix", text).configures;
        assert!(configures("{ pkgs, ... }: { environment.systemPackages = [ pkgs.git ]; }"));
        assert!(configures("{ lib, config, ... }: { options.a = lib.mkOption { }; config.b = 1; }"));
        assert!(configures("{ recipients }: { units = { }; }"), "data reads as setting");
        assert!(!configures("final: prev: { tool = prev.hello; }"), "an overlay");
        assert!(!configures("self: super: { }"));
        assert!(!configures("{ stdenv, ... }: stdenv.mkDerivation { name = \"x\"; }"), "a package");
        assert!(!configures("{ imports = [ ./a.nix ]; }"), "imports only");
        assert!(!configures("{ ai = import ./ai; base = ./base.nix; }"), "a set of modules");
        assert!(configures("{ ai = import ./ai; x.enable = true; }"));
        assert!(!configures("{ lib, ... }: { options.x.enable = lib.mkEnableOption \"x\"; }"), "options only");
    }

    #[test]
    fn sets_in_nested_attribute_sets() {
        let sets = |text: &str| parse("m.nix", text).sets;
        assert_eq!(
            sets(
                "{ lib, ... }: {\n  a.b.enable = true;\n  c = { enable = true; d.enable = false; };\n  e.enable = lib.mkDefault true;\n  f.enable = lib.mkForce (true);\n  g = { h = { i.enable = mkOverride 50 true; }; };\n  imports = [ ];\n}"
            ),
            ["a.b.enable", "c.enable", "e.enable", "f.enable", "g.h.i.enable"]
        );
        // Explicit `config`: only what is under it counts.
        assert_eq!(
            sets(
                "{ config, lib, ... }: {\n  options.x.enable = lib.mkEnableOption \"x\";\n  config = lib.mkIf config.x.enable (lib.mkMerge [\n    { services.a.enable = true; }\n    (lib.mkIf config.y { services.b = { enable = true; }; })\n  ]);\n  config.services.c.enable = true;\n}"
            ),
            ["services.a.enable", "services.b.enable", "services.c.enable"]
        );
        assert_eq!(sets("{ a = { enable = true; }; a.enable = true; b = true || false; }"), ["a.enable"]);
        // A flake is not a module.
        assert!(sets("{ outputs = _: { }; inputs.x.flake = true; }").is_empty());
    }
}
