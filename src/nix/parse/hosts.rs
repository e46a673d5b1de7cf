//! Hosts: where a file defines `nixosConfigurations.<name>` (and the home
//! and darwin kinds), walking the attribute sets its value is made of, and
//! what each definition's build reads: a system builder's `modules`, a
//! helper defined in the file called with the host's name, `genAttrs` over
//! a list of names, inline modules and the options they set.

use super::eval::V;
use super::module::{Members, Within};
use super::paths::{import_context, is_builder, path_exprs};
use super::scope::{Arg, Bound};
use super::syntax::{apply, bin_op, body, head_name, ident, list_items, unwrap, unwrap_scopes, value};
use super::{Cx, MAX_DEPTH, sorted};
use crate::nix::facts::{HelperCall, HostDef, HostKind, NixFacts};
use rnix::{SyntaxKind::*, SyntaxNode};

/// Hosts one output may evaluate to.
const MAX_HOSTS: usize = 1024;

impl<'a> Cx<'a> {
    /// Walk the attribute sets a file's value is made of (through lambdas,
    /// `let`, `mkFlake` and module functions), looking for hosts.
    pub(super) fn outputs(&mut self, expr: &SyntaxNode, prefix: &mut Vec<String>, facts: &mut NixFacts, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match self.members(expr, Within::Outputs) {
            Members::Set(entries) => {
                for (key, av) in entries {
                    let len = prefix.len();
                    prefix.extend(key);
                    let host = prefix
                        .iter()
                        .rposition(|k| HostKind::from_output(k).is_some())
                        .filter(|&i| i + 2 == prefix.len());
                    let generated = prefix.last().and_then(|k| HostKind::from_output(k)).and_then(|kind| {
                        let (head, args) = apply(&unwrap_scopes(&value(&av)?))?;
                        (head_name(&head)? == "genAttrs" && args.len() == 2).then_some((kind, args))
                    });
                    if let Some(i) = host {
                        let kind = HostKind::from_output(&prefix[i]).expect("matched above");
                        let name = prefix[i + 1].clone();
                        let line = self.line(&av);
                        if let Some(v) = value(&av) {
                            let host = self.host(name, kind, line, &v);
                            facts.hosts.push(host);
                        }
                    } else if let Some((kind, args)) = generated {
                        let names = self.names(&args[0], 0);
                        if names.is_empty() {
                            let line = self.line(&av);
                            if let Some(v) = value(&av) {
                                facts.hosts.extend(self.evaluated(kind, line, &v));
                            }
                        }
                        for (name, line) in names {
                            let host = self.applied(name, kind, line, &args[1]);
                            facts.hosts.push(host);
                        }
                    } else if let Some((class, name)) = Self::aspect_at(prefix) {
                        self.define_aspect(class, name, &av, facts);
                    } else if let Some(v) = value(&av) {
                        let before = facts.hosts.len();
                        self.outputs(&v, prefix, facts, depth + 1);
                        // An output the reader cannot take apart (`readDir ./hosts |> ...`): evaluated.
                        let kind = prefix.last().and_then(|k| HostKind::from_output(k));
                        if let (Some(kind), true) = (kind, facts.hosts.len() == before) {
                            let line = self.line(&av);
                            facts.hosts.extend(self.evaluated(kind, line, &v));
                        }
                    }
                    prefix.truncate(len);
                }
            }
            Members::Other(_, parts) => {
                for part in parts {
                    self.outputs(&part, prefix, facts, depth + 1);
                }
            }
        }
    }

    /// A host's definition: a builder call, a helper call, or anything else
    /// (whose import-context paths are taken as its modules).
    fn host(&mut self, name: String, kind: HostKind, line: usize, value: &SyntaxNode) -> HostDef {
        let mut host = HostDef::new(name, kind, line);
        let value = unwrap_scopes(value);
        let call = apply(&value);
        host.aspects = self.aspect_uses_in(&value);
        match &call {
            Some((head, args)) if is_builder(head) && args.len() == 1 => {
                self.builder(&value, &mut host);
                self.reads(&value, &mut host);
            }
            Some((head, args)) => {
                for arg in args {
                    for expr in path_exprs(arg) {
                        if let Some(p) = self.path_of(&expr) {
                            host.modules.push(p);
                        }
                    }
                    self.inline_modules(arg, &mut host.sets);
                }
                let nodes: Vec<Arg> = args.iter().map(|a| Arg::Node(a.clone())).collect();
                if !self.helper(head, &nodes, &mut host) && !self.evaluated_system(&value, &mut host) {
                    host.via = self.call(head, args);
                }
            }
            None => {
                for expr in path_exprs(&value) {
                    if let Some(p) = self.path_of(&expr) {
                        if import_context(&expr).is_some() { host.modules.push(p) } else { host.reads.push(p) }
                    }
                }
                self.inline_modules(&value, &mut host.sets);
            }
        }
        finish(host)
    }

    /// The hosts of an output's value, evaluated ([`super::eval`]): each
    /// attribute of the set it evaluates to, with the modules of the system
    /// it builds.
    fn evaluated(&mut self, kind: HostKind, line: usize, value: &SyntaxNode) -> Vec<HostDef> {
        let V::Set(entries, _) = self.eval(value) else { return Vec::new() };
        entries
            .iter()
            .take(MAX_HOSTS)
            .map(|(name, lazy)| {
                let mut host = HostDef::new(name.clone(), kind, line);
                if let V::System(modules) = self.force(lazy) {
                    let (modules, reads) = self.system_files(&modules);
                    host.modules = modules;
                    host.reads = reads;
                }
                finish(host)
            })
            .collect()
    }

    /// A host's value evaluated to a system ([`super::eval`]): its modules.
    /// False when it does not evaluate to one.
    fn evaluated_system(&self, value: &SyntaxNode, host: &mut HostDef) -> bool {
        let V::System(modules) = self.eval(value) else { return false };
        let (modules, reads) = self.system_files(&modules);
        host.modules.extend(modules);
        host.reads.extend(reads);
        true
    }

    /// The names `genAttrs` is given: a list of strings, or the names of an
    /// attribute set (`builtins.attrNames { ... }`), maybe bound by `let`; each
    /// with its line.
    fn names(&self, expr: &SyntaxNode, depth: usize) -> Vec<(String, usize)> {
        let expr = unwrap(expr);
        if depth > 16 {
            return Vec::new();
        }
        match expr.kind() {
            NODE_LIST => {
                expr.children().filter_map(|item| Some((self.eval_str(&item, 0)?, self.line(&item)))).collect()
            }
            NODE_IDENT if self.step() => match ident(&expr).and_then(|n| self.lookup(&n, &expr)) {
                Some(Bound::Expr(e)) => self.names(&e, depth + 1),
                _ => Vec::new(),
            },
            NODE_APPLY => match apply(&expr) {
                Some((head, args)) if head_name(&head).as_deref() == Some("attrNames") && args.len() == 1 => {
                    let mut set = unwrap(&args[0]);
                    for _ in 0..16 {
                        match ident(&set).filter(|_| self.step()).and_then(|n| self.lookup(&n, &set)) {
                            Some(Bound::Expr(e)) => set = unwrap(&e),
                            _ => break,
                        }
                    }
                    if set.kind() != NODE_ATTR_SET {
                        return Vec::new();
                    }
                    let mut names: Vec<(String, usize)> =
                        self.entries(&set).map(|(key, av)| (key[0].clone(), self.line(&av))).collect();
                    // `attrNames` sorts; one entry per name.
                    names.sort();
                    names.dedup_by(|a, b| a.0 == b.0);
                    names
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The host `genAttrs` makes of one name: a lambda's body with the name
    /// bound, or a helper called with it.
    fn applied(&mut self, name: String, kind: HostKind, line: usize, function: &SyntaxNode) -> HostDef {
        let function = unwrap(function);
        match function.kind() {
            NODE_LAMBDA => {
                let mark = self.subst.len();
                let param = function.first_child().filter(|p| p.kind() == NODE_IDENT_PARAM);
                if let Some(param) = param.and_then(|p| p.first_child()).and_then(|i| ident(&i)) {
                    self.subst.push((function.clone(), param, name.clone()));
                }
                let host = match body(&function) {
                    Some(b) => self.host(name, kind, line, &b),
                    None => finish(HostDef::new(name, kind, line)),
                };
                self.subst.truncate(mark);
                host
            }
            _ => {
                let mut host = HostDef::new(name, kind, line);
                if !self.helper(&function, &[Arg::Str(host.name.clone())], &mut host) {
                    let name = head_name(&function).unwrap_or_default();
                    host.via = Some(HelperCall { name, args: vec![Some(host.name.clone())], fields: Vec::new() });
                }
                finish(host)
            }
        }
    }

    /// The `modules` list of a builder call (`nixosSystem { modules = [ ... ]; }`).
    pub(super) fn builder(&self, call: &SyntaxNode, host: &mut HostDef) {
        let Some((_, args)) = apply(call) else { return };
        for arg in &args {
            for (key, av) in self.arg_entries(arg) {
                if key.len() != 1 || key[0] != "modules" {
                    continue;
                }
                let range = av.text_range();
                for expr in path_exprs(&av) {
                    let listed = import_context(&expr).is_some_and(|ctx| range.contains_range(ctx.text_range()));
                    if let (true, Some(p)) = (listed, self.path_of(&expr)) {
                        host.modules.push(p);
                    }
                }
                if let Some(v) = value(&av) {
                    for item in list_items(&v) {
                        self.inline_module(&item, &mut host.sets);
                    }
                }
            }
        }
    }

    /// Entries of a call argument: an attribute set, maybe in parentheses or `//`.
    fn arg_entries(&self, arg: &SyntaxNode) -> Vec<(Vec<String>, SyntaxNode)> {
        let arg = unwrap_scopes(arg);
        match arg.kind() {
            NODE_ATTR_SET => self.entries(&arg).collect(),
            NODE_BIN_OP if bin_op(&arg) == Some(TOKEN_UPDATE) => {
                arg.children().flat_map(|side| self.arg_entries(&side)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Paths in a definition that are not its modules.
    pub(super) fn reads(&self, value: &SyntaxNode, host: &mut HostDef) {
        for expr in path_exprs(value) {
            if let Some(p) = self.path_of(&expr) {
                host.reads.push(p);
            }
        }
    }

    /// A helper defined in this file (`mkHost = hostname: nixpkgs.lib.nixosSystem { ... }`):
    /// read its body with the call's string arguments bound, and take its
    /// builder's modules.
    /// False when the helper is not defined in this file.
    fn helper(&mut self, head: &SyntaxNode, args: &[Arg], host: &mut HostDef) -> bool {
        if head.kind() != NODE_IDENT {
            return false;
        }
        let Some(Bound::Expr(mut body)) = ident(head).and_then(|name| self.lookup(&name, head)) else { return false };
        let mark = self.subst.len();
        let mut args = args.iter();
        loop {
            body = unwrap(&body);
            if body.kind() != NODE_LAMBDA {
                break;
            }
            let Some(param) = body.first_child() else { break };
            if let Some(arg) = args.next() {
                self.bind(&body, &param, arg);
            }
            match self::body(&body) {
                Some(b) => body = b,
                None => break,
            }
        }
        // Only whole calls (`f a b`, not its inner `f a`), so a long call is walked once.
        let call = std::iter::once(body.clone()).chain(body.descendants()).find(|n| {
            let whole = !n.parent().is_some_and(|p| p.kind() == NODE_APPLY && p.first_child().as_ref() == Some(n));
            whole && apply(n).is_some_and(|(h, args)| is_builder(&h) && args.len() == 1)
        });
        match call {
            Some(call) => self.builder(&call, host),
            None => {
                for expr in path_exprs(&body) {
                    if let (Some(_), Some(p)) = (import_context(&expr), self.path_of(&expr)) {
                        host.modules.push(p);
                    }
                }
            }
        }
        self.reads(&body, host);
        host.aspects.extend(self.aspect_uses_in(&body));
        self.subst.truncate(mark);
        true
    }

    /// A call of a helper this file does not define: its name and the
    /// strings its arguments hold.
    fn call(&self, head: &SyntaxNode, args: &[SyntaxNode]) -> Option<HelperCall> {
        let mut call = HelperCall { name: head_name(head)?, ..HelperCall::default() };
        for arg in args {
            call.args.push(self.eval_str(arg, 0));
            let set = unwrap(arg);
            if set.kind() == NODE_ATTR_SET {
                for (key, av) in self.entries(&set) {
                    if let ([k], Some(v)) = (key.as_slice(), value(&av).and_then(|v| self.eval_str(&v, 0))) {
                        call.fields.push((k.clone(), v));
                    }
                }
            }
        }
        Some(call)
    }

    /// Inline modules inside `modules = [ ... ]` lists of an expression.
    fn inline_modules(&self, expr: &SyntaxNode, sets: &mut Vec<String>) {
        for av in std::iter::once(expr.clone()).chain(expr.descendants()).filter(|n| n.kind() == NODE_ATTRPATH_VALUE) {
            let is_modules = av
                .first_child()
                .filter(|p| p.kind() == NODE_ATTRPATH)
                .and_then(|p| p.children().last())
                .and_then(|a| ident(&a))
                .is_some_and(|n| n == "modules" || n == "extraModules");
            if let (true, Some(v)) = (is_modules, value(&av)) {
                for item in list_items(&v) {
                    self.inline_module(&item, sets);
                }
            }
        }
    }

    fn inline_module(&self, item: &SyntaxNode, sets: &mut Vec<String>) {
        let item = unwrap(item);
        if matches!(item.kind(), NODE_ATTR_SET | NODE_LAMBDA) {
            self.module(&item, sets, 0);
        }
    }
}

/// A host's lists without repeats; paths that are modules are not also reads.
fn finish(mut host: HostDef) -> HostDef {
    dedup_keep_order(&mut host.modules);
    dedup_keep_order(&mut host.reads);
    host.reads.retain(|r| !host.modules.contains(r));
    host.sets = sorted(std::mem::take(&mut host.sets));
    host
}

fn dedup_keep_order(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|p| seen.insert(p.clone()));
}

#[cfg(test)]
mod tests {
    use crate::nix::facts::{HostKind, NixFacts};
    use crate::nix::parse::parse;
    use crate::nix::parse::tests::paths;

    fn hosts(facts: &NixFacts) -> Vec<(&str, HostKind, usize, Vec<&str>)> {
        facts
            .hosts
            .iter()
            .map(|h| (h.name.as_str(), h.kind, h.line, h.modules.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn host_attribute_in_outputs_with_at_pattern_and_let() {
        let facts = parse(
            "flake.nix",
            r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs";
  outputs = { self, nixpkgs, ... }@inputs:
    let
      system = "x86_64-linux";
    in {
      nixosConfigurations.rog = nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [ ./hosts/rog ./modules/common.nix inputs.disko.nixosModules.disko ];
      };
    };
}"#,
        );
        assert_eq!(hosts(&facts), vec![("rog", HostKind::Nixos, 7, vec!["hosts/rog", "modules/common.nix"])]);
        assert_eq!(facts.inputs, ["nixpkgs"]);
        assert_eq!(facts.input_modules, [("disko".to_owned(), "disko".to_owned(), 9)]);
        assert_eq!(paths(&facts), [("hosts/rog", 9, true), ("modules/common.nix", 9, true)]);
        assert!(facts.errors.is_empty());
    }

    #[test]
    fn host_set_in_plain_outputs() {
        let facts = parse(
            "flake.nix",
            "{\n  outputs = inputs: {\n    nixosConfigurations = {\n      a = inputs.nixpkgs.lib.nixosSystem { modules = [ ./a.nix ]; };\n      b = inputs.nixpkgs.lib.nixosSystem {\n        modules = [ ./b ];\n      };\n    };\n  };\n}",
        );
        assert_eq!(hosts(&facts), vec![("a", HostKind::Nixos, 4, vec!["a.nix"]), ("b", HostKind::Nixos, 5, vec!["b"])]);
    }

    #[test]
    fn hosts_from_a_helper_with_an_attribute_set_argument() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = { nixpkgs, ... }:
    let
      mkHost = { hostname, system ? "x86_64-linux" }: nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [ ./hosts/${hostname} ./modules { networking.hostName = hostname; services.base.enable = true; } ];
      };
    in {
      nixosConfigurations = {
        rog = mkHost { hostname = "rog"; };
        kumo = mkHost { hostname = "kumo"; system = "aarch64-linux"; };
      };
    };
}"#,
        );
        assert_eq!(
            hosts(&facts),
            vec![
                ("rog", HostKind::Nixos, 10, vec!["hosts/rog", "modules"]),
                ("kumo", HostKind::Nixos, 11, vec!["hosts/kumo", "modules"]),
            ]
        );
        assert_eq!(facts.hosts[0].sets, ["services.base.enable"]);
        // The helper's own `./hosts/${hostname}` cannot resolve outside a call.
        assert_eq!(paths(&facts), [("modules", 6, true)]);
    }

    #[test]
    fn hosts_from_a_curried_helper_with_path_arguments() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = { nixpkgs, ... }@inputs:
    let
      lib = import ./lib { inherit inputs; };
      mkHost = name: extra: nixpkgs.lib.nixosSystem { modules = [ (./hosts + "/${name}") extra ]; };
    in {
      nixosConfigurations = {
        rog = mkHost "rog" ./hosts/rog/extra.nix;
        yuki = lib.mkHost "yuki" ./hosts/yuki;
      };
    };
}"#,
        );
        assert_eq!(
            hosts(&facts),
            vec![
                ("rog", HostKind::Nixos, 8, vec!["hosts/rog/extra.nix", "hosts/rog"]),
                // A helper from another file: only the paths of the call.
                ("yuki", HostKind::Nixos, 9, vec!["hosts/yuki"]),
            ]
        );
    }

    #[test]
    fn helpers_in_the_wild() {
        // A `let` inside the set of hosts; a helper taking a non-string first.
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = inputs @ { self, nixpkgs, home-manager, ... }: {
    nixosConfigurations =
      let
        system = "x86_64-linux";
        mkLinuxSystem = args: name: nixpkgs.lib.nixosSystem {
          inherit system;
          modules = [ home-manager.nixosModules.home-manager ./hosts/${name} ] ++ args.extraModules;
        };
      in
      {
        boson = mkLinuxSystem { extraModules = [ ]; } "boson";
        neutrino = mkLinuxSystem { } "neutrino";
      };
  };
}"#,
        );
        assert_eq!(
            hosts(&facts),
            vec![
                ("boson", HostKind::Nixos, 12, vec!["hosts/boson"]),
                ("neutrino", HostKind::Nixos, 13, vec!["hosts/neutrino"]),
            ]
        );
        // flake-parts, the builder inherited from `inputs.nixpkgs.lib`, defaults in the pattern.
        let facts = parse(
            "hosts/default.nix",
            r#"{ self, inputs, ... }:
let
  inherit (inputs.nixpkgs.lib) nixosSystem;
  mkHost = { name, system ? "x86_64-linux", extraModules ? [ ] }:
    nixosSystem {
      modules = [ { networking.hostName = name; } ./${name} ] ++ extraModules;
      specialArgs = { inherit inputs self; };
    };
in
{
  flake.nixosConfigurations = {
    machine1 = mkHost { name = "machine1"; system = "x86_64-linux"; };
    machine2 = mkHost { name = "machine2"; extraModules = [ ./extra.nix ]; };
  };
}"#,
        );
        assert_eq!(
            hosts(&facts),
            vec![
                ("machine1", HostKind::Nixos, 12, vec!["hosts/machine1"]),
                ("machine2", HostKind::Nixos, 13, vec!["hosts/extra.nix", "hosts/machine2"]),
            ]
        );
    }

    #[test]
    fn gen_attrs_hosts() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = { nixpkgs, home-manager, ... }:
    let
      hosts = [
        "citrus"
        "orange"
      ];
      users = { rog = "alice"; kumo = "bob"; };
      mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./modules/common ./hosts/${name} ]; };
    in {
      nixosConfigurations = nixpkgs.lib.genAttrs hosts mkHost;
      darwinConfigurations = nixpkgs.lib.genAttrs (builtins.attrNames users) (host:
        let user = users.${host}; in nixpkgs.lib.nixosSystem { modules = [ ./darwin/${host}.nix ]; });
      homeConfigurations = nixpkgs.lib.genAttrs [ "a@b" ] (name: mkHome name);
      other = nixpkgs.lib.genAttrs [ "x" ] mkHost;
    };
}"#,
        );
        assert_eq!(
            hosts(&facts),
            vec![
                ("citrus", HostKind::Nixos, 5, vec!["modules/common", "hosts/citrus"]),
                ("orange", HostKind::Nixos, 6, vec!["modules/common", "hosts/orange"]),
                ("kumo", HostKind::Darwin, 8, vec!["darwin/kumo.nix"]),
                ("rog", HostKind::Darwin, 8, vec!["darwin/rog.nix"]),
                // A helper from elsewhere: the host, without modules.
                ("a@b", HostKind::Home, 14, vec![]),
            ]
        );
    }

    #[test]
    fn flake_parts_forms() {
        let set = parse(
            "parts/hosts.nix",
            "{ inputs, ... }: {\n  flake.nixosConfigurations = {\n    kaito = inputs.nixpkgs.lib.nixosSystem { modules = [ ../hosts/kaito ]; };\n  };\n}",
        );
        assert_eq!(hosts(&set), vec![("kaito", HostKind::Nixos, 3, vec!["hosts/kaito"])]);
        let dotted = parse(
            "parts/hosts.nix",
            "{ inputs, ... }: {\n  flake.nixosConfigurations.kaito = inputs.nixpkgs.lib.nixosSystem {\n    modules = [ ../hosts/kaito ];\n  };\n}",
        );
        assert_eq!(hosts(&dotted), vec![("kaito", HostKind::Nixos, 2, vec!["hosts/kaito"])]);
        let dynamic = parse(
            "parts/kaito.nix",
            r#"{ inputs, ... }:
let
  hostname = "kaito";
in
{
  flake.nixosConfigurations.${hostname} = inputs.nixpkgs.lib.nixosSystem {
    modules = [ ../hosts/${hostname} ];
  };
}"#,
        );
        assert_eq!(hosts(&dynamic), vec![("kaito", HostKind::Nixos, 6, vec!["hosts/kaito"])]);
        assert_eq!(paths(&dynamic), [("hosts/kaito", 7, true)]);
        // A module file, not a flake: no inputs read.
        assert!(dynamic.inputs.is_empty());
    }

    #[test]
    fn mk_flake_in_flake_nix() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = inputs@{ flake-parts, nixpkgs, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } ({ withSystem, ... }: {
      imports = [ ./parts/hosts.nix ];
      flake.nixosConfigurations.rog = nixpkgs.lib.nixosSystem { modules = [ ./hosts/rog ]; };
    });
}"#,
        );
        assert_eq!(hosts(&facts), vec![("rog", HostKind::Nixos, 5, vec!["hosts/rog"])]);
        assert_eq!(paths(&facts), [("parts/hosts.nix", 4, true), ("hosts/rog", 5, true)]);
    }

    #[test]
    fn home_and_darwin_configurations() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = { home-manager, nix-darwin, ... }:
    let user = "alice"; in {
      homeConfigurations."alice@rog" = home-manager.lib.homeManagerConfiguration {
        modules = [ ./home/alice.nix ];
      };
      homeConfigurations = {
        "${user}@kumo" = home-manager.lib.homeManagerConfiguration { modules = [ ./home/server.nix ]; };
      };
      darwinConfigurations.mac = nix-darwin.lib.darwinSystem { modules = [ ./darwin ]; };
    };
}"#,
        );
        assert_eq!(
            hosts(&facts),
            vec![
                ("alice@rog", HostKind::Home, 4, vec!["home/alice.nix"]),
                ("alice@kumo", HostKind::Home, 8, vec!["home/server.nix"]),
                ("mac", HostKind::Darwin, 10, vec!["darwin"]),
            ]
        );
        assert!(facts.paths.iter().all(|p| p.in_imports));
    }

    #[test]
    fn inline_module_paths_are_read_not_modules() {
        let facts = parse(
            "flake.nix",
            r#"{
  outputs = { nixpkgs, home-manager, ... }: {
    nixosConfigurations.rog = nixpkgs.lib.nixosSystem {
      specialArgs.secrets = ./secrets;
      modules = [
        ./hosts/rog
        home-manager.nixosModules.home-manager
        { home-manager.users.alice = import ./home/alice.nix; services.backup.enable = true; }
        ({ ... }: { imports = [ ./extra.nix ]; })
      ];
    };
  };
}"#,
        );
        let rog = &facts.hosts[0];
        assert_eq!(rog.modules, ["hosts/rog", "extra.nix"]);
        assert_eq!(rog.reads, ["secrets", "home/alice.nix"]);
        assert_eq!(rog.sets, ["services.backup.enable"]);
        assert_eq!(facts.input_modules, [("home-manager".to_owned(), "home-manager".to_owned(), 7)]);
    }
}
