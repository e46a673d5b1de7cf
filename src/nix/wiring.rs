//! The graph's side of [`super::parse`]'s wiring facts: folders loaded
//! wholesale expanded to their files, named modules looked up by class and
//! name, helpers of other files filled in for the host that calls them, and
//! the hosts frameworks make of folders by convention.
//!
//! Rules:
//!
//! - `import-tree` loads every `.nix` file below its folder except paths
//!   with a segment that starts with `_`; `listFilesRecursive` and haumea
//!   every `.nix` file below; `readDir` the folder's own `x.nix` files and
//!   `x/default.nix`.
//! - A named module (`flake.modules.nixos.base`, `nixosModules.default`) is
//!   every file that defines it (flake-parts merges them), or the file its
//!   value names.
//! - A host made by a helper of another file (`nixosSystem "x86_64-linux"
//!   "freya"`) is found by the helper's name and kind; the call's strings
//!   fill its parameters, by position or by field, and what the helper's
//!   build reads with them filled in is the host's. Templates a call leaves
//!   a parameter in are dropped. Several helpers of that name and kind: each
//!   one's reads count.
//! - nixos-unified: `configurations/nixos/<host>` and
//!   `configurations/darwin/<host>` (a folder's `default.nix` or `<host>.nix`),
//!   `configurations/home/<user@host>.nix`. snowfall-lib: below its source
//!   folder, `systems/<arch>-<os>/<host>/default.nix` (darwin when the os is
//!   `darwin`), `homes/<arch>-<os>/<user@host>/default.nix`, and every host of
//!   a kind runs `modules/<nixos|darwin|home>/` below it. easy-hosts:
//!   `<path>/<arch>-<os>/<host>`, or `<path>/<host>` with `onlySystem`.

use super::facts::{Convention, HelperCall, HelperDef, HostDef, HostKind, NixFacts, Param, TreeRef, fill};
use std::collections::HashMap;

pub(super) struct Wiring<'a> {
    names: &'a [String],
    aspects: HashMap<(String, String), Vec<u32>>,
    helpers: HashMap<(&'a str, HostKind), Vec<(u32, &'a HelperDef)>>,
}

/// What a helper's build reads for one call, parameters filled in.
pub(super) struct Filled {
    pub file: u32,
    pub modules: Vec<String>,
    pub reads: Vec<String>,
    pub aspects: Vec<(String, String)>,
}

impl<'a> Wiring<'a> {
    /// Without `loaded` (no root flake) every file's named modules and
    /// helpers count; with it, only those of the files it holds.
    pub(super) fn new(
        files: &'a [(String, NixFacts)],
        names: &'a [String],
        index: &HashMap<String, u32>,
        resolve: impl Fn(&str) -> Option<u32>,
        loaded: impl Fn(u32) -> bool,
    ) -> Self {
        let mut aspects: HashMap<(String, String), Vec<u32>> = HashMap::new();
        let mut helpers: HashMap<(&str, HostKind), Vec<(u32, &HelperDef)>> = HashMap::new();
        for (path, f) in files {
            let i = index[path.as_str()];
            if !loaded(i) {
                continue;
            }
            if f.conventions.contains(&Convention::NixosUnified) {
                // autoWire makes `modules/<class>/<name>` the flake's `<class>Modules.<name>`.
                for (dir, class) in [("nixos", "nixos"), ("darwin", "darwin"), ("home", "homeManager")] {
                    for (name, file) in entries(names, &format!("modules/{dir}")) {
                        aspects.entry((class.to_owned(), name)).or_default().push(index[file.as_str()]);
                    }
                }
            }
            for a in &f.aspects {
                let target = match &a.file {
                    Some(file) => resolve(file),
                    None => Some(i),
                };
                if let Some(t) = target {
                    aspects.entry((a.class.clone(), a.name.clone())).or_default().push(t);
                }
            }
            for h in &f.helpers {
                helpers.entry((h.name.as_str(), h.kind)).or_default().push((i, h));
            }
        }
        for list in aspects.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Wiring { names, aspects, helpers }
    }

    /// The files a folder loaded wholesale stands for.
    pub(super) fn tree(&self, tree: &TreeRef) -> Vec<u32> {
        expand(self.names, tree)
    }

    /// The files of a named module.
    pub(super) fn aspect(&self, class: &str, name: &str) -> &[u32] {
        self.aspects.get(&(class.to_owned(), name.to_owned())).map_or(&[], Vec::as_slice)
    }

    /// The helpers a call names (by name and kind), each filled in with the call's strings.
    pub(super) fn fill(&self, call: &HelperCall, kind: HostKind) -> Vec<Filled> {
        let Some(defs) = self.helpers.get(&(call.name.as_str(), kind)) else { return Vec::new() };
        defs.iter()
            .map(|(file, def)| {
                let values = values(def, call);
                let all = |list: &[String]| list.iter().filter_map(|t| fill(t, &values)).collect::<Vec<_>>();
                Filled {
                    file: *file,
                    modules: all(&def.modules),
                    reads: all(&def.reads),
                    aspects: def
                        .aspects
                        .iter()
                        .filter_map(|(c, n)| Some((fill(c, &values)?, fill(n, &values)?)))
                        .collect(),
                }
            })
            .collect()
    }
}

/// The files of `names` (sorted) a folder loaded wholesale stands for.
pub(super) fn expand(names: &[String], tree: &TreeRef) -> Vec<u32> {
    let prefix = if tree.dir == "." { String::new() } else { format!("{}/", tree.dir) };
    let start = names.partition_point(|f| f.as_str() < prefix.as_str());
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate().skip(start) {
        let Some(rest) = name.strip_prefix(&prefix) else { break };
        if !rest.ends_with(".nix") {
            continue;
        }
        let keep = if tree.recursive {
            !(tree.skip_underscore && rest.split('/').any(|s| s.starts_with('_')))
        } else {
            !rest.contains('/') || rest.split_once('/').is_some_and(|(_, f)| f == "default.nix")
        };
        if keep {
            out.push(i as u32);
        }
    }
    out
}

/// A helper's parameters paired with a call's strings.
fn values(def: &HelperDef, call: &HelperCall) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, p) in def.params.iter().enumerate() {
        match p {
            Param::Name(n) => {
                if let Some(Some(v)) = call.args.get(i) {
                    out.push((n.clone(), v.clone()));
                }
            }
            Param::Fields(fields) => {
                out.extend(call.fields.iter().filter(|(k, _)| fields.contains(k)).cloned());
            }
        }
    }
    out
}

/// The hosts a framework makes of folders, each with the file that
/// defines it (its entry module) and, for snowfall, the folders every host
/// of its kind runs.
pub(super) fn convention_hosts(conv: &Convention, names: &[String]) -> Vec<(String, HostDef, Option<TreeRef>)> {
    let mut out = Vec::new();
    let mut add = |kind: HostKind, name: &str, file: &str, shared: Option<TreeRef>| {
        let mut host = HostDef::new(name.to_owned(), kind, 1);
        host.modules.push(file.to_owned());
        out.push((file.to_owned(), host, shared));
    };
    match conv {
        Convention::NixosUnified => {
            for (dir, kind) in [("nixos", HostKind::Nixos), ("darwin", HostKind::Darwin), ("home", HostKind::Home)] {
                for (name, file) in entries(names, &format!("configurations/{dir}")) {
                    add(kind, &name, &file, None);
                }
            }
        }
        Convention::Snowfall { root } => {
            let base = if root == "." { String::new() } else { format!("{root}/") };
            for (top, shared) in [("systems", None), ("homes", Some("home"))] {
                for (system, _) in folders(names, &format!("{base}{top}")) {
                    let kind = match (shared, system.ends_with("darwin")) {
                        (Some(_), _) => HostKind::Home,
                        (None, true) => HostKind::Darwin,
                        (None, false) => HostKind::Nixos,
                    };
                    let modules = shared.unwrap_or(if kind == HostKind::Darwin { "darwin" } else { "nixos" });
                    for (name, file) in entries(names, &format!("{base}{top}/{system}")) {
                        let tree = TreeRef {
                            dir: format!("{base}modules/{modules}"),
                            line: 1,
                            recursive: true,
                            skip_underscore: false,
                        };
                        add(kind, &name, &file, Some(tree));
                    }
                }
            }
        }
        Convention::EasyHosts { path, only } => match only {
            Some(kind) => {
                for (name, file) in entries(names, path) {
                    add(*kind, &name, &file, None);
                }
            }
            None => {
                for (system, _) in folders(names, path) {
                    let kind = if system.ends_with("darwin") { HostKind::Darwin } else { HostKind::Nixos };
                    for (name, file) in entries(names, &format!("{path}/{system}")) {
                        add(kind, &name, &file, None);
                    }
                }
            }
        },
    }
    out
}

/// The folders directly below `dir`, with their first file, sorted.
fn folders(names: &[String], dir: &str) -> Vec<(String, String)> {
    let prefix = format!("{dir}/");
    let start = names.partition_point(|f| f.as_str() < prefix.as_str());
    let mut out: Vec<(String, String)> = Vec::new();
    for name in names.iter().skip(start) {
        let Some(rest) = name.strip_prefix(&prefix) else { break };
        if let Some((folder, _)) = rest.split_once('/')
            && out.last().is_none_or(|(f, _)| f != folder)
        {
            out.push((folder.to_owned(), name.clone()));
        }
    }
    out
}

/// The modules directly in `dir`: `<name>.nix`, or `<name>/default.nix`; sorted by name.
fn entries(names: &[String], dir: &str) -> Vec<(String, String)> {
    let prefix = format!("{dir}/");
    let start = names.partition_point(|f| f.as_str() < prefix.as_str());
    let mut out = Vec::new();
    for name in names.iter().skip(start) {
        let Some(rest) = name.strip_prefix(&prefix) else { break };
        if let Some(host) = rest.strip_suffix(".nix").filter(|h| !h.contains('/') && *h != "default") {
            out.push((host.to_owned(), name.clone()));
        } else if let Some((host, "default.nix")) = rest.split_once('/') {
            out.push((host.to_owned(), name.clone()));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn trees_expand_by_their_rule() {
        let names =
            names(&["m/a.nix", "m/_b.nix", "m/c/default.nix", "m/c/d.nix", "m/e/_f/g.nix", "m/x.txt", "mm/z.nix"]);
        let w = Wiring { names: &names, aspects: HashMap::new(), helpers: HashMap::new() };
        let files = |t: TreeRef| w.tree(&t).into_iter().map(|i| names[i as usize].as_str()).collect::<Vec<_>>();
        let t = |recursive, skip_underscore| TreeRef { dir: "m".into(), line: 1, recursive, skip_underscore };
        assert_eq!(files(t(true, true)), ["m/a.nix", "m/c/d.nix", "m/c/default.nix"]);
        assert_eq!(files(t(true, false)), ["m/_b.nix", "m/a.nix", "m/c/d.nix", "m/c/default.nix", "m/e/_f/g.nix"]);
        assert_eq!(files(t(false, false)), ["m/_b.nix", "m/a.nix", "m/c/default.nix"]);
    }

    #[test]
    fn hosts_by_convention() {
        let names = names(&[
            "configurations/nixos/pure/default.nix",
            "configurations/nixos/pure/hw.nix",
            "configurations/darwin/mac.nix",
            "configurations/home/me@pure.nix",
            "systems/x86_64-linux/rog/default.nix",
            "systems/aarch64-darwin/mbp/default.nix",
            "homes/x86_64-linux/me@rog/default.nix",
            "hosts/x86_64-linux/box/default.nix",
        ]);
        let hosts = |c: Convention| {
            convention_hosts(&c, &names).into_iter().map(|(f, h, _)| (h.kind, h.name, f)).collect::<Vec<_>>()
        };
        let h = |k, n: &str, f: &str| (k, n.to_owned(), f.to_owned());
        assert_eq!(
            hosts(Convention::NixosUnified),
            [
                h(HostKind::Nixos, "pure", "configurations/nixos/pure/default.nix"),
                h(HostKind::Darwin, "mac", "configurations/darwin/mac.nix"),
                h(HostKind::Home, "me@pure", "configurations/home/me@pure.nix"),
            ]
        );
        assert_eq!(
            hosts(Convention::Snowfall { root: ".".into() }),
            [
                h(HostKind::Darwin, "mbp", "systems/aarch64-darwin/mbp/default.nix"),
                h(HostKind::Nixos, "rog", "systems/x86_64-linux/rog/default.nix"),
                h(HostKind::Home, "me@rog", "homes/x86_64-linux/me@rog/default.nix"),
            ]
        );
        assert_eq!(
            hosts(Convention::EasyHosts { path: "hosts".into(), only: None }),
            [h(HostKind::Nixos, "box", "hosts/x86_64-linux/box/default.nix")]
        );
    }
}
