//! How a flake wires files together beyond path literals: folders loaded
//! wholesale (`import-tree ./modules`, `listFilesRecursive`, `readDir`,
//! haumea's `load`), named modules (flake-parts `flake.modules.<class>.<name>`
//! of the "dendritic" pattern, `nixosModules.<name>` outputs) and their uses
//! (`inputs.self.modules.nixos.base`), functions that build a system and
//! that other files call by name, and frameworks whose hosts are folders by
//! convention (nixos-unified, snowfall-lib, easy-hosts).

use super::Cx;
use super::paths::is_builder;
use super::syntax::{apply, body, head_name, ident, unwrap, value};
use crate::nix::facts::{Aspect, Convention, HelperDef, HostDef, HostKind, NixFacts, Param, TreeRef, param};
use rnix::{SyntaxKind::*, SyntaxNode};

/// Most helpers read from one file (each is walked once per parameter set).
const MAX_HELPERS: usize = 64;

/// Flake outputs that hold named modules, and their class.
const MODULE_OUTPUTS: &[(&str, &str)] = &[
    ("nixosModules", "nixos"),
    ("darwinModules", "darwin"),
    ("homeManagerModules", "homeManager"),
    ("homeModules", "homeManager"),
];

/// The function a path is given to, when it loads a folder wholesale:
/// (recursive, leaves out `_`-prefixed paths).
fn loader(name: &str) -> Option<(bool, bool)> {
    match name {
        "import-tree" => Some((true, true)),
        "listFilesRecursive" => Some((true, false)),
        "readDir" => Some((false, false)),
        _ => None,
    }
}

impl<'a> Cx<'a> {
    /// The folder a path expression names, when it is loaded wholesale: the
    /// argument of a loader (`import-tree ./modules`, `import-tree [ ./a ./b ]`),
    /// or haumea's `load { src = ./x; }`.
    pub(super) fn tree(&self, expr: &SyntaxNode, dir: &str, line: usize) -> Option<TreeRef> {
        let mut arg = expr.clone();
        if let Some(list) = arg.parent().filter(|p| p.kind() == NODE_LIST) {
            arg = list;
        }
        let mut call = arg.parent()?;
        let mut haumea = false;
        if call.kind() == NODE_ATTRPATH_VALUE {
            let key = call.first_child().and_then(|p| p.children().last()).and_then(|a| ident(&a));
            let set = call.parent().filter(|s| s.kind() == NODE_ATTR_SET)?;
            if key.as_deref() != Some("src") {
                return None;
            }
            call = set.parent()?;
            haumea = true;
        }
        while call.kind() == NODE_PAREN {
            call = call.parent()?;
        }
        if call.kind() != NODE_APPLY {
            return None;
        }
        let (head, _) = apply(&call)?;
        let name = head_name(&head)?;
        let (recursive, skip_underscore) =
            if haumea { (name == "load").then_some((true, false))? } else { loader(&name)? };
        Some(TreeRef { dir: dir.to_owned(), line, recursive, skip_underscore })
    }

    /// A named module a selection uses: `<..>.self.modules.<class>.<name>`,
    /// `config.flake.modules.<class>.<name>`, `self.nixosModules.<name>`.
    /// Names resolve through bindings and a helper's parameters (so they
    /// may hold [`param`] markers).
    pub(super) fn aspect_use(&self, select: &SyntaxNode) -> Option<(String, String)> {
        let mut kids = select.children();
        let base = kids.next()?;
        let mut names = vec![ident(&base)?];
        let path = kids.find(|c| c.kind() == NODE_ATTRPATH)?;
        for attr in path.children() {
            names.push(self.attr_name(&attr)?);
        }
        let own = |i: usize| i >= 1 && matches!(names[i - 1].as_str(), "self" | "flake");
        if let Some(i) = names.iter().position(|n| n == "modules")
            && own(i)
            && names.len() == i + 3
        {
            return Some((names[i + 1].clone(), names[i + 2].clone()));
        }
        let j = names.iter().position(|n| MODULE_OUTPUTS.iter().any(|(o, _)| o == n))?;
        let class = MODULE_OUTPUTS.iter().find(|(o, _)| *o == names[j])?.1;
        (own(j) && names.len() == j + 2).then(|| (class.to_owned(), names[j + 1].clone()))
    }

    /// The class of a namespace of named modules (`inputs.self.modules.nixos`,
    /// `self.nixosModules`), as `with` opens it.
    fn aspect_namespace(&self, expr: &SyntaxNode) -> Option<String> {
        let expr = unwrap(expr);
        let mut kids = expr.children();
        let base = kids.next()?;
        let mut names = vec![ident(&base)?];
        for attr in kids.find(|c| c.kind() == NODE_ATTRPATH)?.children() {
            names.push(self.attr_name(&attr)?);
        }
        let own = |i: usize| i >= 1 && matches!(names[i - 1].as_str(), "self" | "flake");
        let n = names.len();
        if n >= 3 && names[n - 2] == "modules" && own(n - 2) {
            return Some(names[n - 1].clone());
        }
        let class = MODULE_OUTPUTS.iter().find(|(o, _)| *o == names[n - 1])?.1;
        own(n - 1).then(|| class.to_owned())
    }

    /// Named modules listed by bare name under `with <namespace>; [ a b ]`.
    pub(super) fn aspects_with(&self, with: &SyntaxNode) -> Vec<(String, String, usize)> {
        let Some(class) = with.first_child().and_then(|ns| self.aspect_namespace(&ns)) else { return Vec::new() };
        let Some(list) = body(with) else { return Vec::new() };
        super::syntax::list_items(&list)
            .iter()
            .filter_map(|item| Some((class.clone(), ident(&unwrap(item))?, self.line(item))))
            .collect()
    }

    /// The named modules used under a node.
    pub(super) fn aspect_uses_in(&self, node: &SyntaxNode) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for n in std::iter::once(node.clone()).chain(node.descendants()) {
            match n.kind() {
                NODE_SELECT => out.extend(self.aspect_use(&n)),
                NODE_WITH => out.extend(self.aspects_with(&n).into_iter().map(|(c, a, _)| (c, a))),
                _ => {}
            }
        }
        out.dedup();
        out
    }

    /// Does the key path `prefix` define a named module? Its class and name.
    pub(super) fn aspect_at(prefix: &[String]) -> Option<(String, String)> {
        let n = prefix.len();
        if n >= 4 && prefix[n - 4] == "flake" && prefix[n - 3] == "modules" {
            return Some((prefix[n - 2].clone(), prefix[n - 1].clone()));
        }
        if n >= 2 {
            let class = MODULE_OUTPUTS.iter().find(|(o, _)| *o == prefix[n - 2])?.1;
            let top = n == 2 || matches!(prefix[n - 3].as_str(), "flake" | "outputs");
            return top.then(|| (class.to_owned(), prefix[n - 1].clone()));
        }
        None
    }

    /// Record a named module defined at `av` (its value a path: that file).
    pub(super) fn define_aspect(&self, class: String, name: String, av: &SyntaxNode, facts: &mut NixFacts) {
        let file = value(av).map(|v| unwrap(&v)).filter(|v| v.kind() == NODE_PATH_REL).and_then(|v| self.path_of(&v));
        facts.aspects.push(Aspect { class, name, line: self.line(av), file });
    }

    /// Functions bound in this file whose body (through its parameters)
    /// calls a system builder with one argument: what the build reads, with
    /// the parameters as markers.
    pub(super) fn helpers(&mut self, root: &SyntaxNode) -> Vec<HelperDef> {
        let mut out = Vec::new();
        for av in super::syntax::find(root, &[NODE_ATTRPATH_VALUE]) {
            if out.len() >= MAX_HELPERS {
                break;
            }
            let Some(lambda) = value(&av).map(|v| unwrap(&v)).filter(|v| v.kind() == NODE_LAMBDA) else { continue };
            let Some(name) = av.first_child().and_then(|p| p.children().last()).and_then(|a| ident(&a)) else {
                continue;
            };
            if let Some(def) = self.helper_def(name, self.line(&av), &lambda) {
                out.push(def);
            }
        }
        out
    }

    fn helper_def(&mut self, name: String, line: usize, lambda: &SyntaxNode) -> Option<HelperDef> {
        let mark = self.subst.len();
        let mut params = Vec::new();
        let mut inner = lambda.clone();
        while inner.kind() == NODE_LAMBDA {
            let p = inner.first_child()?;
            match p.kind() {
                NODE_IDENT_PARAM => {
                    let n = p.first_child().and_then(|i| ident(&i))?;
                    self.subst.push((inner.clone(), n.clone(), param(&n)));
                    params.push(Param::Name(n));
                }
                NODE_PATTERN => {
                    let fields: Vec<String> = p
                        .children()
                        .filter(|c| c.kind() == NODE_PAT_ENTRY)
                        .filter_map(|c| c.children().find(|i| i.kind() == NODE_IDENT).and_then(|i| ident(&i)))
                        .collect();
                    for f in &fields {
                        self.subst.push((inner.clone(), f.clone(), param(f)));
                    }
                    params.push(Param::Fields(fields));
                }
                _ => break,
            }
            inner = unwrap(&body(&inner)?);
        }
        let call = std::iter::once(inner.clone())
            .chain(inner.descendants())
            .find(|n| apply(n).is_some_and(|(h, args)| is_builder(&h) && args.len() == 1));
        let def = call.map(|call| {
            let kind = match apply(&call).and_then(|(h, _)| head_name(&h)).as_deref() {
                Some("darwinSystem") => HostKind::Darwin,
                Some("homeManagerConfiguration") => HostKind::Home,
                _ => HostKind::Nixos,
            };
            let mut host = HostDef::new(name.clone(), kind, line);
            self.builder(&call, &mut host);
            self.reads(&inner, &mut host);
            HelperDef {
                name,
                line,
                kind,
                params,
                modules: host.modules,
                reads: host.reads,
                aspects: self.aspect_uses_in(&inner),
            }
        });
        self.subst.truncate(mark);
        def
    }

    /// Frameworks this file sets up whose hosts are folders by convention.
    pub(super) fn conventions(&self, root: &SyntaxNode, text: &str, facts: &mut NixFacts) {
        if text.contains("autoWire")
            && super::syntax::find(root, &[NODE_SELECT]).iter().any(|s| {
                s.children()
                    .find(|c| c.kind() == NODE_ATTRPATH)
                    .and_then(|p| p.children().last())
                    .and_then(|a| ident(&a))
                    .is_some_and(|n| n == "autoWire")
            })
        {
            facts.conventions.push(Convention::NixosUnified);
        }
        if text.contains("snowfall") {
            for call in super::syntax::find(root, &[NODE_APPLY]) {
                let Some((head, args)) = apply(&call) else { continue };
                if head_name(&head).as_deref() != Some("mkFlake") || !head.text().to_string().contains("snowfall") {
                    continue;
                }
                let mut root = ".".to_owned();
                for (key, av) in args.iter().flat_map(|a| self.entries(&unwrap(a)).collect::<Vec<_>>()) {
                    let is_root = key == ["src"] || key == ["snowfall", "root"];
                    if let (true, Some(p)) = (is_root, value(&av).and_then(|v| self.path_of(&unwrap(&v)))) {
                        root = p;
                    }
                }
                facts.conventions.push(Convention::Snowfall { root });
            }
        }
        if text.contains("autoConstruct") {
            for set in super::syntax::find(root, &[NODE_ATTR_SET]) {
                let mut auto = false;
                let (mut path, mut only) = (None, None);
                for (key, av) in self.entries(&set) {
                    let key: Vec<&str> = key.iter().map(String::as_str).collect();
                    let key = match key.as_slice() {
                        ["easyHosts" | "easy-hosts", rest @ ..] => rest.to_vec(),
                        rest if set.parent().is_some_and(|p| easy_hosts_value(&p)) => rest.to_vec(),
                        _ => continue,
                    };
                    let Some(v) = value(&av).map(|v| unwrap(&v)) else { continue };
                    match key.as_slice() {
                        ["autoConstruct"] => auto = ident(&v).is_some_and(|b| b == "true"),
                        ["path"] => path = self.path_of(&v),
                        ["onlySystem"] => {
                            only = self
                                .eval_str(&v, 0)
                                .map(|s| if s.ends_with("darwin") { HostKind::Darwin } else { HostKind::Nixos })
                        }
                        _ => {}
                    }
                }
                if let (true, Some(path)) = (auto, path) {
                    facts.conventions.push(Convention::EasyHosts { path, only });
                }
            }
        }
    }
}

/// Is this `easyHosts = { ... };` (the binding whose value is the set)?
fn easy_hosts_value(av: &SyntaxNode) -> bool {
    av.kind() == NODE_ATTRPATH_VALUE
        && av
            .first_child()
            .and_then(|p| p.children().last())
            .and_then(|a| ident(&a))
            .is_some_and(|n| n == "easyHosts" || n == "easy-hosts")
}

/// Sort and dedupe what a file's walk collected.
pub(super) fn finish(facts: &mut NixFacts) {
    facts.aspects.sort();
    facts.aspects.dedup();
    facts.aspect_uses.sort();
    facts.aspect_uses.dedup();
    facts.conventions.dedup();
}

#[cfg(test)]
mod tests {
    use crate::nix::facts::{Convention, HostKind, Param, TreeRef, fill};
    use crate::nix::parse::parse;

    #[test]
    fn folders_loaded_wholesale() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = inputs@{ flake-parts, import-tree, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } (inputs.import-tree ./modules);
  x = import-tree [ ./a ./b ];
  y = map import (lib.filesystem.listFilesRecursive ./c);
  z = map (f: ./d/${f}) (builtins.attrNames (builtins.readDir ./d));
  h = haumea.lib.load { src = ./e; inputs = { }; };
  not = f ./g;
}"#,
        );
        let t =
            |dir: &str, line, recursive, skip_underscore| TreeRef { dir: dir.into(), line, recursive, skip_underscore };
        assert_eq!(
            facts.trees,
            [
                t("modules", 3, true, true),
                t("a", 4, true, true),
                t("b", 4, true, true),
                t("c", 5, true, false),
                t("d", 6, false, false),
                t("e", 7, true, false),
            ]
        );
    }

    #[test]
    fn named_modules_defined_and_used() {
        let facts = parse(
            "modules/hosts/thor/thor.nix",
            r#"{ inputs, ... }: {
  flake.modules.nixos.thor = { imports = [ inputs.self.modules.nixos.base ./_hardware.nix ]; };
  flake = let x = 1; in { modules.homeManager.thor = { }; };
  flake.nixosModules.default = ./module.nix;
  y = [ config.flake.modules.nixos.desktop self.nixosModules.extra inputs.disko.nixosModules.disko ];
  z = with inputs.self.modules.nixos; [ zsh greetd ];
  w = with lib; [ zsh ];
}"#,
        );
        let defs: Vec<_> =
            facts.aspects.iter().map(|a| (a.class.as_str(), a.name.as_str(), a.line, a.file.as_deref())).collect();
        assert_eq!(
            defs,
            [
                ("homeManager", "thor", 3, None),
                ("nixos", "default", 4, Some("modules/hosts/thor/module.nix")),
                ("nixos", "thor", 2, None),
            ]
        );
        let uses: Vec<_> = facts.aspect_uses.iter().map(|a| (a.class.as_str(), a.name.as_str())).collect();
        assert_eq!(
            uses,
            [("nixos", "base"), ("nixos", "desktop"), ("nixos", "extra"), ("nixos", "greetd"), ("nixos", "zsh")]
        );
    }

    #[test]
    fn helpers_other_files_call_by_name() {
        let facts = parse(
            "modules/lib/hosts.nix",
            r#"{ inputs, lib, ... }: {
  flake.lib.hosts = let
    nixosSystem = system: name:
      inputs.nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [ inputs.self.modules.nixos.nixos (inputs.self.modules.nixos.${name} or {}) ../../hosts/${name} ];
      };
    mkHome = { user, host ? "x" }: inputs.hm.lib.homeManagerConfiguration { modules = [ ../../home/${user} ]; };
    notOne = a: a + 1;
  in { inherit nixosSystem mkHome; };
}"#,
        );
        let h: Vec<_> = facts.helpers.iter().map(|h| (h.name.as_str(), h.kind, h.params.clone())).collect();
        assert_eq!(
            h,
            [
                ("nixosSystem", HostKind::Nixos, vec![Param::Name("system".into()), Param::Name("name".into())]),
                ("mkHome", HostKind::Home, vec![Param::Fields(vec!["user".into(), "host".into()])]),
            ]
        );
        let values = [("name".to_owned(), "freya".to_owned())];
        let modules: Vec<_> = facts.helpers[0].modules.iter().filter_map(|m| fill(m, &values)).collect();
        assert_eq!(modules, ["hosts/freya"]);
        let aspects: Vec<_> =
            facts.helpers[0].aspects.iter().filter_map(|(c, n)| Some((c.clone(), fill(n, &values)?))).collect();
        assert_eq!(aspects, [("nixos".to_owned(), "nixos".to_owned()), ("nixos".to_owned(), "freya".to_owned())]);
    }

    #[test]
    fn a_host_made_by_a_helper_of_another_file() {
        let facts = parse(
            "modules/hosts/configurations.nix",
            r#"{ inputs, ... }: let
  inherit (inputs.self.lib.hosts) nixosSystem;
in {
  flake.nixosConfigurations = {
    freya = nixosSystem "x86_64-linux" "freya";
    mk = inputs.self.lib.mkHost { hostname = "mk"; };
  };
}"#,
        );
        let via: Vec<_> = facts.hosts.iter().map(|h| (h.name.as_str(), h.via.clone().unwrap())).collect();
        assert_eq!(via[0].1.name, "nixosSystem");
        assert_eq!(via[0].1.args, [Some("x86_64-linux".to_owned()), Some("freya".to_owned())]);
        assert_eq!(via[1].1.name, "mkHost");
        assert_eq!(via[1].1.fields, [("hostname".to_owned(), "mk".to_owned())]);
    }

    #[test]
    fn frameworks_by_convention() {
        let unified = parse(
            "modules/flake-parts/nixos-flake.nix",
            "{ inputs, ... }: { imports = [ inputs.nixos-unified.flakeModules.default inputs.nixos-unified.flakeModules.autoWire ]; }",
        );
        assert_eq!(unified.conventions, [Convention::NixosUnified]);
        let snowfall =
            parse("flake.nix", "{ outputs = inputs: inputs.snowfall-lib.mkFlake { inherit inputs; src = ./nix; }; }");
        assert_eq!(snowfall.conventions, [Convention::Snowfall { root: "nix".into() }]);
        let easy = parse(
            "flake.nix",
            r#"{ outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } {
  imports = [ inputs.easy-hosts.flakeModule ];
  easyHosts = { autoConstruct = true; path = ./hosts; onlySystem = "aarch64-darwin"; };
}; }"#,
        );
        assert_eq!(easy.conventions, [Convention::EasyHosts { path: "hosts".into(), only: Some(HostKind::Darwin) }]);
    }
}
