//! A flake's inputs, and the modules taken from inputs
//! (`inputs.disko.nixosModules.default`).

use super::syntax::{ident, unwrap, value};
use super::{Cx, sorted};
use rnix::{SyntaxKind::*, SyntaxNode};

/// Flake outputs holding modules of an input.
const MODULE_OUTPUTS: &[&str] = &["nixosModules", "homeManagerModules", "homeModules", "darwinModules"];

impl<'a> Cx<'a> {
    /// `inputs.disko.nixosModules.default` or `disko.nixosModules.disko`.
    pub(super) fn input_module(&self, node: &SyntaxNode) -> Option<(String, String)> {
        let mut names = Vec::new();
        let mut children = node.children();
        let base = children.next()?;
        if base.kind() != NODE_IDENT {
            return None;
        }
        names.push(ident(&base)?);
        let path = children.find(|c| c.kind() == NODE_ATTRPATH)?;
        for attr in path.children() {
            names.push(self.attr_name(&attr)?);
        }
        let j = names.iter().position(|n| MODULE_OUTPUTS.contains(&n.as_str()))?;
        let ok = match j {
            1 => !matches!(names[0].as_str(), "self" | "inputs" | "config" | "flake"),
            2 => names[0] == "inputs" && names[1] != "self",
            _ => false,
        };
        let module = names.get(j + 1)?;
        ok.then(|| (names[j - 1].clone(), module.clone()))
    }

    /// The flake's inputs: `inputs.x.url = ...;` and `inputs = { x.url = ...; y = { ... }; };`.
    pub(super) fn inputs(&self, flake: &SyntaxNode) -> Vec<String> {
        let mut out = Vec::new();
        for (key, av) in self.entries(flake) {
            if key[0] != "inputs" {
                continue;
            }
            if let Some(name) = key.get(1) {
                out.push(name.clone());
            } else if let Some(set) = value(&av).map(|v| unwrap(&v)).filter(|v| v.kind() == NODE_ATTR_SET) {
                out.extend(self.entries(&set).map(|(k, _)| k[0].clone()));
            }
        }
        sorted(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::nix::parse::parse;

    #[test]
    fn inputs_forms() {
        let facts = parse(
            "flake.nix",
            r#"{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs";
    disko = { url = "github:nix-community/disko"; inputs.nixpkgs.follows = "nixpkgs"; };
    "nixos-hardware".url = "github:NixOS/nixos-hardware";
  };
  inputs.home-manager.url = "github:nix-community/home-manager";
  inputs.home-manager.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, ... }@inputs: {
    nixosModules.default = ./module.nix;
    x = [ inputs.nixos-hardware.nixosModules.lenovo-thinkpad-x1 inputs."nixos-hardware".nixosModules.common-cpu-amd
          self.nixosModules.default inputs.self.nixosModules.x config.flake.nixosModules.y
          home-manager.homeManagerModules.default darwin.darwinModules.simple inputs.nixpkgs.lib ];
  };
}"#,
        );
        assert_eq!(facts.inputs, ["disko", "home-manager", "nixos-hardware", "nixpkgs"]);
        let uses: Vec<_> = facts.input_modules.iter().map(|(i, m, l)| (i.as_str(), m.as_str(), *l)).collect();
        assert_eq!(
            uses,
            [
                ("nixos-hardware", "lenovo-thinkpad-x1", 11),
                ("nixos-hardware", "common-cpu-amd", 11),
                ("home-manager", "default", 13),
                ("darwin", "simple", 13),
            ]
        );
    }
}
