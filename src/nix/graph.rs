//! The Nix graph of a flake repository: which files import which, which
//! hosts exist, which files each host's build reads, which gated modules are
//! switched on for a host, and what is wrong (orphans, dangling imports,
//! syntax errors). Pure: it takes the facts [`super::parse`] read from each
//! file and the repository's file list.
//!
//! Rules, decided here and relied on by the commands:
//!
//! - A path names a file if that file exists, else the folder's `default.nix`
//!   (`./.` in the root folder is `default.nix`). One resolver does this for
//!   every rule below.
//! - Hosts count only in files the root `flake.nix` reaches over path
//!   literals of any kind (a fixture or template flake in a subfolder defines
//!   none of the repository's hosts). Without a root `flake.nix` (a fragment
//!   of a repository) every file's hosts count.
//! - Edges: import edges are paths in `imports` lists and builder `modules`
//!   lists; reference edges are other path literals naming a `.nix` file or a
//!   folder with a `default.nix` (`import ./home.nix`, `callPackage ./pkgs/foo
//!   { }`), except references to the file's own folder or a parent folder
//!   (`src = ./.;`), which are source trees, not code the build evaluates.
//! - An import that depends on an option (`lib.optional cfg.develop
//!   ./develop.nix`, `if config.x.enable then [ ./x.nix ] else [ ]`,
//!   [`PathRef::when`](super::facts::PathRef::when)) is followed for a
//!   host only once an active file of it sets that option to `true`.
//! - A host's closure is its defining file, the files that (transitively) import or reference
//!   that file (how flake-parts reaches `parts/hosts.nix`), the root
//!   `flake.nix`, and every file reachable over edges from its entry modules
//!   and the other paths of its definition. A host name used by several
//!   definitions (a NixOS and a Darwin host called alike) means all of them.
//! - Active: a file of the closure without a gate is active; a gated file is
//!   active once its option is set to `true` by an active file reachable from
//!   the host's entries or by an inline module of the host's definition,
//!   repeated until nothing changes, so a module enabled only by another gated
//!   module follows it. (The defining file, its importers and `flake.nix`
//!   are not modules of the host: what they set does not count.)
//!   Options default to off, except those declared on by default
//!   (`mkEnableOption "x" // { default = true; }`, `mkOption { default =
//!   true; }`), which the declaring module switches on wherever it is active;
//!   `false` never switches one off.
//! - Modules: the files some host's build reaches from its entry modules
//!   and that some file imports (not only references, as `import
//!   ./catalog.nix` or `callPackage ./pkg.nix { }` do). Configuring files:
//!   the modules that set configuration ([`NixFacts::configures`]) and the
//!   data files (an attribute set, or a function giving one) they read.
//! - Orphans: `.nix` files reached neither from a host closure nor from a root
//!   over edges. Roots: every `flake.nix` (sub-flakes and templates too), the
//!   root `default.nix` and `shell.nix` (flake-compat and `nix-shell`), and every
//!   file that defines a host. Files loaded by computed paths (`readDir`,
//!   `import-tree`) are invisible here and show up as orphans.
//! - Dangling: an import target (an `imports` path, a builder's module, a
//!   helper's path argument) that exists in no form; a folder without
//!   `default.nix` is reported as its missing `default.nix`.
//! - Inputs are the root `flake.nix`'s; input modules are the uses of
//!   `<input>.nixosModules.<name>` (and the like) in any file.

use super::facts::{HostDef, HostKind, NixFacts, TreeRef};
use super::wiring::{Wiring, convention_hosts, expand};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A host, as the graph resolved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Host {
    pub name: String,
    pub kind: HostKind,
    /// The file that defines it, and the line.
    pub file: String,
    pub line: usize,
    /// Its entry modules, resolved to files (`hosts/rog` → `hosts/rog/default.nix`), in order.
    pub modules: Vec<String>,
}

/// The repository's Nix graph. Build it with [`build`].
#[derive(Debug, Clone)]
pub struct NixGraph {
    /// Every file of the repository, sorted; indices below refer to it.
    files: Vec<String>,
    index: HashMap<String, u32>,
    /// Resolved import targets per file, sorted.
    imports: Vec<Vec<String>>,
    hosts: Vec<Host>,
    /// Per host (same order as `hosts`): its closure and its active files.
    closures: Vec<Bits>,
    active: Vec<Bits>,
    /// Files reached from some host's entry modules over any edge.
    reached_from_entries: Bits,
    /// The modules that set configuration ([`NixFacts::configures`]).
    configuring: Bits,
    orphans: Vec<String>,
    dangling: Vec<(String, usize, String)>,
    /// Imports leaving the repository: file, line, the path as written.
    outside: Vec<(String, usize, String)>,
    errors: Vec<(String, usize, String)>,
    encrypted: Vec<String>,
    inputs: Vec<String>,
    input_modules: Vec<InputModule>,
}

/// A use of a module a flake input provides (`disko.nixosModules.disko`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputModule {
    pub file: String,
    pub line: usize,
    pub input: String,
    pub module: String,
}

impl NixGraph {
    /// Hosts sorted by name, kind, file and line.
    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    /// What a file imports, resolved to existing files, sorted.
    pub fn imports(&self, file: &str) -> &[String] {
        self.index.get(file).map_or(&[], |&i| &self.imports[i as usize])
    }

    /// Every file the host's build reads (see the module comment); empty for an unknown host.
    pub fn closure(&self, host: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (i, _) in self.hosts.iter().enumerate().filter(|(_, h)| h.name == host) {
            out.extend(self.closures[i].iter().map(|f| self.files[f].clone()));
        }
        out
    }

    /// The `.nix` files of the host's closure, sorted.
    pub fn nix_closure(&self, host: &str) -> Vec<String> {
        self.closure(host).into_iter().filter(|f| f.ends_with(".nix")).collect()
    }

    /// Names of the hosts whose closure has the file, sorted.
    pub fn hosts_including(&self, file: &str) -> Vec<String> {
        let Some(&f) = self.index.get(file) else { return Vec::new() };
        let mut out: Vec<String> = (self.hosts.iter().zip(&self.closures))
            .filter(|(_, c)| c.has(f as usize))
            .map(|(h, _)| h.name.clone())
            .collect();
        out.dedup();
        out
    }

    /// The file itself when the repository has it, else the nearest
    /// `default.nix` of a folder above it (what a planned or deleted module
    /// would be imported through); `None` when there is none.
    pub fn stand_in(&self, file: &str) -> Option<String> {
        if self.index.contains_key(file) {
            return Some(file.to_owned());
        }
        let mut dir = file;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            let default = format!("{parent}/default.nix");
            if self.index.contains_key(&default) {
                return Some(default);
            }
            dir = parent;
        }
        None
    }

    /// Is the file something a host's build reads from its entry modules
    /// (a module, a package, data), rather than what defines the hosts
    /// (`flake.nix`, the file listing them, flake-parts modules)?
    pub fn is_host_code(&self, file: &str) -> bool {
        self.index.get(file).is_some_and(|&f| self.reached_from_entries.has(f as usize))
    }

    /// Is the file a module that sets configuration (not an overlay, a
    /// package, data, or a module that only imports or declares options)?
    pub fn configures(&self, file: &str) -> bool {
        self.index.get(file).is_some_and(|&f| self.configuring.has(f as usize))
    }

    /// In the host's closure, switched on there or not.
    pub fn in_closure(&self, file: &str, host: &str) -> bool {
        let Some(&f) = self.index.get(file) else { return false };
        self.hosts.iter().zip(&self.closures).any(|(h, c)| h.name == host && c.has(f as usize))
    }

    /// In the host's closure, and switched on there if the file is gated.
    pub fn active_on(&self, file: &str, host: &str) -> bool {
        let Some(&f) = self.index.get(file) else { return false };
        self.hosts.iter().zip(&self.active).any(|(h, a)| h.name == host && a.has(f as usize))
    }

    /// `.nix` files nothing reaches, sorted.
    pub fn orphans(&self) -> Vec<String> {
        self.orphans.clone()
    }

    /// Import targets that exist in no form: importing file, line, missing path; sorted.
    pub fn dangling(&self) -> Vec<(String, usize, String)> {
        self.dangling.clone()
    }

    /// Imports of paths outside the repository (absolute, or climbing
    /// above its root): file, line, the path as written; sorted.
    pub fn outside(&self) -> &[(String, usize, String)] {
        &self.outside
    }

    /// Syntax errors: file, line, message; sorted.
    pub fn errors(&self) -> Vec<(String, usize, String)> {
        self.errors.clone()
    }

    /// Files encrypted with git-crypt, not read; sorted.
    pub fn encrypted(&self) -> &[String] {
        &self.encrypted
    }

    /// The root flake's inputs, sorted.
    pub fn inputs(&self) -> &[String] {
        &self.inputs
    }

    /// Uses of modules from flake inputs, by file, in source order.
    pub fn input_modules(&self) -> &[InputModule] {
        &self.input_modules
    }

    /// The hosts whose build runs any of `files`: a file in the host's
    /// closure and switched on there (an enable-gated module counts only
    /// where some module of the host enables it). Sorted, without duplicates.
    pub fn hosts_running<'a>(&self, files: impl IntoIterator<Item = &'a str> + Clone) -> Vec<String> {
        let mut out: Vec<String> = self
            .hosts
            .iter()
            .map(|h| h.name.clone())
            .filter(|h| files.clone().into_iter().any(|f| self.active_on(f, h)))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Build the graph from each parsed file's facts (repo-relative path) and
/// every file of the repository (for folders, `default.nix` and non-Nix files).
pub fn build(files: &[(String, NixFacts)], all_files: &BTreeSet<String>) -> NixGraph {
    let mut universe: BTreeSet<&str> = all_files.iter().map(String::as_str).collect();
    universe.extend(files.iter().map(|(p, _)| p.as_str()));
    let names: Vec<String> = universe.into_iter().map(str::to_owned).collect();
    let index: HashMap<String, u32> = names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
    let n = names.len();
    let resolver = Resolver { files: &names, index: &index };

    let flake = index.get("flake.nix").copied();
    let defines_hosts = hosts_counted(files, &index, &resolver, flake);
    let wiring = Wiring::new(files, &names, &index, |p| resolver.resolve(p).ok(), |f| defines_hosts.has(f as usize));
    let mut facts: Vec<Option<&NixFacts>> = vec![None; n];
    let mut edges: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut imports: Vec<Vec<u32>> = vec![Vec::new(); n];
    // Imports that depend on an option: target and option, per file.
    let mut gated: Vec<Vec<(u32, &str)>> = vec![Vec::new(); n];
    let mut dangling = Vec::new();
    let mut outside = Vec::new();
    let mut errors = Vec::new();
    let mut encrypted = Vec::new();
    for (path, f) in files {
        let i = index[path.as_str()] as usize;
        facts[i] = Some(f);
        if f.encrypted {
            encrypted.push(path.clone());
        }
        errors.extend(f.errors.iter().map(|(line, m)| (path.clone(), *line, m.clone())));
        outside.extend(f.outside.iter().map(|(line, p)| (path.clone(), *line, p.clone())));
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for p in &f.paths {
            match resolver.resolve(&p.path) {
                Ok(t) if p.in_imports => {
                    imports[i].push(t);
                    match &p.when {
                        Some(option) => gated[i].push((t, option.as_str())),
                        None => edges[i].push(t),
                    }
                }
                Err(missing) if p.in_imports && !f.trees.iter().any(|t| t.dir == p.path) => {
                    dangling.push((path.clone(), p.line, missing))
                }
                Ok(t) if names[t as usize].ends_with(".nix") && !encloses(&p.path, dir) => edges[i].push(t),
                _ => {}
            }
        }
        let loaded = f.trees.iter().flat_map(|t| wiring.tree(t));
        let named = f.aspect_uses.iter().flat_map(|a| wiring.aspect(&a.class, &a.name).iter().copied());
        for t in loaded.chain(named).filter(|&t| t as usize != i) {
            imports[i].push(t);
            edges[i].push(t);
        }
    }
    for list in edges.iter_mut().chain(imports.iter_mut()) {
        list.sort_unstable();
        list.dedup();
    }
    let mut reverse: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (from, targets) in edges.iter().enumerate() {
        for &t in targets {
            reverse[t as usize].push(from as u32);
        }
    }

    // Hosts: those the files define, then those frameworks make of folders.
    let mut found: Vec<(&str, std::borrow::Cow<'_, HostDef>, Option<TreeRef>)> = Vec::new();
    for (path, f) in files.iter().filter(|(p, _)| defines_hosts.has(index[p.as_str()] as usize)) {
        found.extend(f.hosts.iter().map(|d| (path.as_str(), std::borrow::Cow::Borrowed(d), None)));
        for conv in &f.conventions {
            for (file, def, shared) in convention_hosts(conv, &names) {
                let file = names[index[file.as_str()] as usize].as_str();
                found.push((file, std::borrow::Cow::Owned(def), shared));
            }
        }
    }
    let mut defs = Vec::new();
    for (path, def, shared) in found {
        let f = facts[index[path] as usize];
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let mut host =
            Host { name: def.name.clone(), kind: def.kind, file: path.to_owned(), line: def.line, modules: Vec::new() };
        let mut entries = Vec::new();
        let mut extra = Vec::new();
        let module = |t: u32, host: &mut Host, entries: &mut Vec<u32>| {
            if !entries.contains(&t) {
                entries.push(t);
                host.modules.push(names[t as usize].clone());
            }
        };
        for m in &def.modules {
            match resolver.resolve(m) {
                Ok(t) => module(t, &mut host, &mut entries),
                Err(missing) => {
                    let line = f.and_then(|f| f.paths.iter().find(|p| &p.path == m)).map_or(def.line, |p| p.line);
                    dangling.push((path.to_owned(), line, missing));
                }
            }
        }
        let mut reads: Vec<(&str, String)> = def.reads.iter().map(|r| (dir, r.clone())).collect();
        let mut aspects = def.aspects.clone();
        for filled in def.via.iter().flat_map(|call| wiring.fill(call, def.kind)) {
            let helper = names[filled.file as usize].as_str();
            for m in &filled.modules {
                match resolver.resolve(m) {
                    Ok(t) => module(t, &mut host, &mut entries),
                    Err(missing) => dangling.push((helper.to_owned(), def.line, missing)),
                }
            }
            let helper_dir = helper.rsplit_once('/').map_or("", |(d, _)| d);
            reads.extend(filled.reads.into_iter().map(|r| (helper_dir, r)));
            aspects.extend(filled.aspects);
            extra.push(filled.file);
        }
        for (class, name) in &aspects {
            for &t in wiring.aspect(class, name) {
                module(t, &mut host, &mut entries);
            }
        }
        for t in shared.iter().flat_map(|t| wiring.tree(t)) {
            entries.push(t);
        }
        for (from, r) in &reads {
            if let Ok(t) = resolver.resolve(r)
                && names[t as usize].ends_with(".nix")
                && !encloses(r, from)
            {
                entries.push(t);
            }
        }
        defs.push((host, entries, def.sets.clone(), extra));
    }
    defs.sort_by(|a, b| (&a.0.name, a.0.kind, &a.0.file, a.0.line).cmp(&(&b.0.name, b.0.kind, &b.0.file, b.0.line)));
    defs.dedup_by(|a, b| (&a.0.name, a.0.kind, &a.0.file) == (&b.0.name, b.0.kind, &b.0.file));

    let mut is_imported = Bits::new(n);
    for t in imports.iter().flatten() {
        is_imported.set(*t as usize);
    }
    let mut reached_from_entries = Bits::new(n);
    let mut closures = Vec::with_capacity(defs.len());
    let mut active = Vec::with_capacity(defs.len());
    let mut hosts = Vec::with_capacity(defs.len());
    for (host, mut entries, inline_sets, extra) in defs {
        let defining = index[host.file.as_str()];
        let mut around = reach(n, &[defining], &reverse);
        for f in extra {
            around.set(f as usize);
        }
        if let Some(f) = flake {
            around.set(f as usize);
        }
        // An import that depends on an option is followed once an active
        // file sets it; what it brings may set more, so again until
        // nothing changes (each round adds a file: bounded).
        let (closure, on, modules) = loop {
            let modules = reach(n, &entries, &edges);
            let mut closure = around.clone();
            closure.union(&modules);
            let (on, options) = switched_on(&closure, &modules, &facts, &inline_sets);
            let more: Vec<u32> = on
                .iter()
                .flat_map(|f| gated[f].iter())
                .filter(|(t, option)| options.contains(option) && !modules.has(*t as usize))
                .map(|(t, _)| *t)
                .collect();
            if more.is_empty() || entries.len() > n {
                break (closure, on, modules);
            }
            entries.extend(more);
        };
        for &e in &entries {
            is_imported.set(e as usize);
        }
        reached_from_entries.union(&modules);
        active.push(on);
        closures.push(closure);
        hosts.push(host);
    }

    // Orphans: .nix files reached from no root and no host.
    let roots: Vec<u32> = names
        .iter()
        .enumerate()
        .filter(|(i, name)| {
            name.rsplit('/').next() == Some("flake.nix")
                || matches!(name.as_str(), "default.nix" | "shell.nix")
                || (defines_hosts.has(*i) && facts[*i].is_some_and(|f| !f.hosts.is_empty()))
        })
        .map(|(i, _)| i as u32)
        .collect();
    // A file imported under a condition no host meets is still no orphan.
    let mut every_edge = edges.clone();
    for (from, list) in gated.iter().enumerate() {
        every_edge[from].extend(list.iter().map(|(t, _)| *t));
    }
    let mut reached = reach(n, &roots, &every_edge);
    for c in &closures {
        reached.union(c);
    }
    let orphans = names
        .iter()
        .enumerate()
        // Only files of this flake that were read: not those of a nested
        // flake, not encrypted ones.
        .filter(|(i, n)| n.ends_with(".nix") && !reached.has(*i) && facts[*i].is_some_and(|f| !f.encrypted))
        .map(|(_, n)| n.clone())
        .collect();

    dangling.sort();
    dangling.dedup();
    outside.sort();
    outside.dedup();
    errors.sort();
    errors.dedup();
    let inputs = flake.and_then(|f| facts[f as usize]).map(|f| f.inputs.clone()).unwrap_or_default();
    let imports =
        imports.into_iter().map(|list| list.into_iter().map(|t| names[t as usize].clone()).collect()).collect();
    let input_modules = files
        .iter()
        .flat_map(|(file, f)| {
            f.input_modules.iter().map(move |(input, module, line)| InputModule {
                file: file.clone(),
                line: *line,
                input: input.clone(),
                module: module.clone(),
            })
        })
        .collect();
    // Modules: reached from an entry, and imported (not only referenced).
    let mut modules = reached_from_entries.clone();
    modules.intersect(&is_imported);
    // Modules that set configuration, and the data they read: a file
    // they reference that is an attribute set (or a function giving one),
    // not a module, an overlay or a package.
    let mut configuring = Bits::new(n);
    let configures = |f: usize| facts[f].is_some_and(|x| x.configures);
    for f in modules.iter().filter(|&f| configures(f)) {
        configuring.set(f);
    }
    for f in reached_from_entries.iter().filter(|&f| !modules.has(f) && configures(f)) {
        if reverse[f].iter().any(|&g| modules.has(g as usize) && configures(g as usize)) {
            configuring.set(f);
        }
    }
    NixGraph {
        configuring,
        reached_from_entries,
        files: names,
        index,
        imports,
        hosts,
        closures,
        active,
        orphans,
        dangling,
        outside,
        errors,
        encrypted,
        inputs,
        input_modules,
    }
}

/// The files whose hosts count: with a root `flake.nix`, those it reaches
/// over every path literal (imports or not); without one, all of them.
fn hosts_counted(
    files: &[(String, NixFacts)],
    index: &HashMap<String, u32>,
    resolver: &Resolver<'_>,
    flake: Option<u32>,
) -> Bits {
    let mut paths: Vec<Vec<u32>> = vec![Vec::new(); resolver.files.len()];
    for (path, f) in files {
        let mut to: Vec<u32> = f.paths.iter().filter_map(|p| resolver.resolve(&p.path).ok()).collect();
        to.extend(f.trees.iter().flat_map(|t| expand(resolver.files, t)));
        paths[index[path.as_str()] as usize] = to;
    }
    match flake {
        Some(root) => reach(paths.len(), &[root], &paths),
        None => {
            let mut all = Bits::new(paths.len());
            for i in 0..paths.len() {
                all.set(i);
            }
            all
        }
    }
}

/// Is `target` the folder `dir` or one of its parents (`./.`, `../.`)?
fn encloses(target: &str, dir: &str) -> bool {
    target == "." || target == dir || dir.strip_prefix(target).is_some_and(|rest| rest.starts_with('/'))
}

struct Resolver<'a> {
    files: &'a [String],
    index: &'a HashMap<String, u32>,
}

impl Resolver<'_> {
    /// A repo-relative path to a file: the file itself, else the folder's
    /// `default.nix`. The error names what is missing.
    fn resolve(&self, path: &str) -> Result<u32, String> {
        if path != "."
            && let Some(&i) = self.index.get(path)
        {
            return Ok(i);
        }
        let default = if path == "." { "default.nix".to_owned() } else { format!("{path}/default.nix") };
        if let Some(&i) = self.index.get(default.as_str()) {
            return Ok(i);
        }
        let folder = format!("{path}/");
        let start = self.files.partition_point(|f| f.as_str() < folder.as_str());
        let is_folder = path == "." || self.files.get(start).is_some_and(|f| f.starts_with(&folder));
        Err(if is_folder { default } else { path.to_owned() })
    }
}

/// Which files of a closure are switched on (see the module comment).
/// Returns them and the options set to `true` there.
fn switched_on<'a>(
    closure: &Bits,
    modules: &Bits,
    facts: &[Option<&'a NixFacts>],
    inline: &'a [String],
) -> (Bits, HashSet<&'a str>) {
    let mut options: HashSet<&'a str> = inline.iter().map(String::as_str).collect();
    let mut on = Bits::new(closure.len);
    let mut pending = Vec::new();
    let switch = |f: usize, on: &mut Bits, options: &mut HashSet<&'a str>| {
        on.set(f);
        if modules.has(f)
            && let Some(facts) = facts[f]
        {
            options.extend(facts.sets.iter().map(String::as_str));
        }
    };
    for f in closure.iter() {
        match facts[f].and_then(|x| x.gate.as_deref()) {
            None => switch(f, &mut on, &mut options),
            Some(_) => pending.push(f),
        }
    }
    loop {
        let before = pending.len();
        pending.retain(|&f| {
            let gate = facts[f].and_then(|x| x.gate.as_deref()).unwrap_or_default();
            if options.contains(gate) {
                switch(f, &mut on, &mut options);
                false
            } else {
                true
            }
        });
        if pending.len() == before {
            return (on, options);
        }
    }
}

/// Every node reachable from `start` over `edges` (cycles are fine).
fn reach(n: usize, start: &[u32], edges: &[Vec<u32>]) -> Bits {
    let mut seen = Bits::new(n);
    let mut stack: Vec<u32> = Vec::new();
    for &s in start {
        if !seen.has(s as usize) {
            seen.set(s as usize);
            stack.push(s);
        }
    }
    while let Some(f) = stack.pop() {
        for &t in &edges[f as usize] {
            if !seen.has(t as usize) {
                seen.set(t as usize);
                stack.push(t);
            }
        }
    }
    seen
}

/// A set of file indices.
#[derive(Debug, Clone)]
struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    fn new(len: usize) -> Self {
        Bits { words: vec![0; len.div_ceil(64)], len }
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    fn has(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    fn union(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    fn intersect(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + b)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nix::parse::parse;

    /// Parse `.nix` files given as (path, text) beside other files given by path.
    fn graph(nix: &[(&str, &str)], others: &[&str]) -> NixGraph {
        let facts: Vec<(String, NixFacts)> = nix.iter().map(|(p, t)| (p.to_string(), parse(p, t))).collect();
        let all: BTreeSet<String> =
            nix.iter().map(|(p, _)| p.to_string()).chain(others.iter().map(|p| p.to_string())).collect();
        build(&facts, &all)
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const FLAKE: &str = "{\n  outputs = { nixpkgs, ... }: {\n    nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./hosts/a ]; };\n  };\n}";

    #[test]
    fn folders_files_and_dot() {
        let g = graph(
            &[
                ("flake.nix", FLAKE),
                ("hosts/a/default.nix", "{ imports = [ ./hw.nix ../../modules ./. ../../lib/x ]; }"),
                ("hosts/a/hw.nix", "{ }"),
                ("modules/default.nix", "{ imports = [ ./one.nix ]; }"),
                ("modules/one.nix", "{ }"),
                ("lib/x", "{ }"),
            ],
            &[],
        );
        assert_eq!(
            g.imports("hosts/a/default.nix"),
            ["hosts/a/default.nix", "hosts/a/hw.nix", "lib/x", "modules/default.nix"]
        );
        assert!(g.imports("nope.nix").is_empty());
        assert_eq!(g.hosts()[0].modules, ["hosts/a/default.nix"]);
        assert_eq!(
            g.closure("a"),
            set(&[
                "flake.nix",
                "hosts/a/default.nix",
                "hosts/a/hw.nix",
                "lib/x",
                "modules/default.nix",
                "modules/one.nix"
            ])
        );
        assert!(g.closure("unknown").is_empty());
        assert!(g.orphans().is_empty());
        assert!(g.dangling().is_empty());
    }

    #[test]
    fn cycles_end() {
        let g = graph(
            &[
                ("flake.nix", FLAKE),
                ("hosts/a/default.nix", "{ imports = [ ./b.nix ]; }"),
                ("hosts/a/b.nix", "{ imports = [ ./c.nix ./. ]; }"),
                ("hosts/a/c.nix", "{ imports = [ ./b.nix ./c.nix ]; }"),
            ],
            &[],
        );
        assert_eq!(g.closure("a"), set(&["flake.nix", "hosts/a/b.nix", "hosts/a/c.nix", "hosts/a/default.nix"]));
        assert_eq!(g.hosts_including("hosts/a/c.nix"), ["a"]);
    }

    #[test]
    fn orphans_and_roots() {
        let g = graph(
            &[
                (
                    "flake.nix",
                    "{ outputs = { nixpkgs, ... }: { packages.x = nixpkgs.callPackage ./pkgs/tool { }; overlays.default = import ./overlay.nix; }; }",
                ),
                ("pkgs/tool/default.nix", "{ stdenv }: stdenv.mkDerivation { src = ./.; }"),
                ("overlay.nix", "final: prev: { }"),
                ("shell.nix", "{ pkgs ? import <nixpkgs> { } }: pkgs.mkShell { }"),
                ("default.nix", "(import ./compat.nix).defaultNix"),
                ("compat.nix", "{ }"),
                ("templates/basic/flake.nix", "{ outputs = _: { nixosModules.default = ./module.nix; }; }"),
                ("templates/basic/module.nix", "{ }"),
                ("modules/unused.nix", "{ }"),
                ("modules/also-unused.nix", "{ imports = [ ./unused.nix ]; }"),
                // A reference to the file's own or a parent folder is a source tree, not code.
                ("src/sub/x.nix", "{ src = ../.; }"),
                ("src/default.nix", "{ }"),
            ],
            &["README.md", "modules/notes.txt"],
        );
        assert_eq!(g.orphans(), ["modules/also-unused.nix", "modules/unused.nix", "src/default.nix", "src/sub/x.nix"]);
    }

    #[test]
    fn dangling_targets() {
        let g = graph(
            &[
                (
                    "flake.nix",
                    "{\n  outputs = { nixpkgs, ... }: {\n    nixosConfigurations.a = nixpkgs.lib.nixosSystem {\n      modules = [ ./hosts/a ./hosts/gone ];\n    };\n    nixosConfigurations.b = mkHost \"b\" ./hosts/b;\n  };\n}",
                ),
                (
                    "hosts/a/default.nix",
                    "{\n  imports = [\n    ./missing.nix\n    ./folder\n    ./hw.nix\n  ];\n  x = ./not-imported.nix;\n}",
                ),
                ("hosts/a/folder/x.nix", "{ }"),
            ],
            &["hosts/a/hw.nix"],
        );
        assert_eq!(
            g.dangling(),
            [
                ("flake.nix".to_owned(), 4, "hosts/gone".to_owned()),
                ("flake.nix".to_owned(), 6, "hosts/b".to_owned()),
                ("hosts/a/default.nix".to_owned(), 3, "hosts/a/missing.nix".to_owned()),
                ("hosts/a/default.nix".to_owned(), 4, "hosts/a/folder/default.nix".to_owned()),
            ]
        );
        assert_eq!(g.hosts().iter().map(|h| h.modules.len()).collect::<Vec<_>>(), [1, 0]);
        // The folder's file is imported by nobody.
        assert_eq!(g.orphans(), ["hosts/a/folder/x.nix"]);
    }

    #[test]
    fn an_import_that_depends_on_an_option_runs_where_it_is_set() {
        let flake = "{ outputs = { nixpkgs, ... }: {\n  nixosConfigurations.dev = nixpkgs.lib.nixosSystem { modules = [ ./hosts/dev ]; };\n  nixosConfigurations.srv = nixpkgs.lib.nixosSystem { modules = [ ./hosts/srv ]; };\n}; }";
        let g = graph(
            &[
                ("flake.nix", flake),
                ("hosts/dev/default.nix", "{ imports = [ ../../home ]; my.roles.develop = true; }"),
                ("hosts/srv/default.nix", "{ imports = [ ../../home ]; my.roles.server = true; }"),
                (
                    "home/default.nix",
                    "{ lib, config, ... }: let roles = config.my.roles; in {\n  imports = lib.optional (roles.develop or false) ./develop.nix\n    ++ lib.optional (roles.gaming or false) ./gaming.nix;\n}",
                ),
                ("home/develop.nix", "{ imports = [ ./editor.nix ]; my.editor.enable = true; }"),
                ("home/editor.nix", "{ config, lib, ... }: { config = lib.mkIf config.my.editor.enable { }; }"),
                ("home/gaming.nix", "{ }"),
            ],
            &[],
        );
        // Followed only where the option is set, with what it brings in turn.
        for f in ["home/develop.nix", "home/editor.nix"] {
            assert!(g.active_on(f, "dev") && !g.in_closure(f, "srv"), "{f}");
        }
        assert!(!g.in_closure("home/gaming.nix", "dev") && !g.in_closure("home/gaming.nix", "srv"));
        // Imported under a condition no host meets: still no orphan.
        assert!(g.orphans().is_empty(), "{:?}", g.orphans());
        assert_eq!(g.imports("home/default.nix"), ["home/develop.nix", "home/gaming.nix"]);
    }

    #[test]
    fn gates_switch_on_in_turn() {
        let g = graph(
            &[
                (
                    "flake.nix",
                    "{ outputs = { nixpkgs, ... }: {
                        nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./a.nix ./modules ]; };
                        nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = [ ./modules { services.two.enable = true; } ]; };
                        nixosConfigurations.c = nixpkgs.lib.nixosSystem { modules = [ ./modules ]; };
                    }; }",
                ),
                ("a.nix", "{ services.one.enable = true; }"),
                ("modules/default.nix", "{ imports = [ ./one.nix ./two.nix ./three.nix ]; }"),
                (
                    "modules/one.nix",
                    "{ config, lib, ... }: let cfg = config.services.one; in {
                        options.services.one.enable = lib.mkEnableOption \"one\";
                        config = lib.mkIf cfg.enable { services.two.enable = true; };
                    }",
                ),
                (
                    "modules/two.nix",
                    "{ config, lib, ... }: { config = lib.mkIf config.services.two.enable { x = 1; }; }",
                ),
                (
                    "modules/three.nix",
                    "{ config, lib, ... }: { config = lib.mkIf config.services.three.enable { services.three.enable = true; }; }",
                ),
            ],
            &[],
        );
        let on = |file: &str, host: &str| g.active_on(file, host);
        assert!(on("modules/one.nix", "a") && on("modules/two.nix", "a") && on("modules/default.nix", "a"));
        assert!(!on("modules/one.nix", "b") && on("modules/two.nix", "b"));
        assert!(!on("modules/one.nix", "c") && !on("modules/two.nix", "c") && on("modules/default.nix", "c"));
        // Gated on itself: never on.
        assert!(!on("modules/three.nix", "a"));
        // Not in the closure at all.
        assert!(!on("a.nix", "b") && !on("a.nix", "nope") && !on("nope.nix", "a"));
        assert_eq!(g.hosts_including("modules/three.nix"), ["a", "b", "c"]);
        assert_eq!(g.hosts_including("a.nix"), ["a"]);
    }

    #[test]
    fn an_option_on_by_default_switches_on_the_modules_it_gates() {
        let g = graph(
            &[
                (
                    "flake.nix",
                    "{ outputs = { nixpkgs, ... }: {
                        nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./modules ]; };
                        nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = [ ./other.nix ]; };
                    }; }",
                ),
                ("other.nix", "{ }"),
                ("modules/default.nix", "{ imports = [ ./options.nix ./exporter.nix ./collector.nix ]; }"),
                (
                    "modules/options.nix",
                    "{ lib, ... }: { options.server.monitoring = {
                        enable = lib.mkEnableOption \"monitoring\" // { default = true; };
                        collector.enable = lib.mkOption { type = lib.types.bool; default = false; };
                    }; }",
                ),
                (
                    "modules/exporter.nix",
                    "{ config, lib, ... }: let cfg = config.server.monitoring; in { config = lib.mkIf cfg.enable { }; }",
                ),
                (
                    "modules/collector.nix",
                    "{ config, lib, ... }: { config = lib.mkIf config.server.monitoring.collector.enable { }; }",
                ),
            ],
            &[],
        );
        assert!(g.active_on("modules/exporter.nix", "a"), "declared with `default = true`");
        assert!(!g.active_on("modules/collector.nix", "a"), "declared with `default = false`");
        assert!(!g.active_on("modules/exporter.nix", "b"), "not in b's closure");
    }

    #[test]
    fn errors_and_inputs() {
        let g = graph(
            &[
                ("flake.nix", "{ inputs.nixpkgs.url = \"x\"; inputs.disko.url = \"y\"; outputs = _: { }; }"),
                ("sub/flake.nix", "{ inputs.other.url = \"z\"; outputs = _: { }; }"),
                ("b.nix", "{ a = ; }"),
                ("a.nix", "{\n\n  a = 1\n}"),
            ],
            &[],
        );
        assert_eq!(g.inputs(), ["disko", "nixpkgs"]);
        assert_eq!(
            g.errors(),
            [
                ("a.nix".to_owned(), 4, "unexpected `}`, expected `;`".to_owned()),
                ("b.nix".to_owned(), 1, "unexpected `;`, expected an expression".to_owned()),
            ]
        );
    }

    #[test]
    fn fixture_flake() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flake");
        let mut all = BTreeSet::new();
        let mut facts = Vec::new();
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            if rel.ends_with(".nix") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                facts.push((rel.clone(), parse(&rel, &text)));
            }
            all.insert(rel);
        }
        let g = build(&facts, &all);

        let hosts: Vec<_> =
            g.hosts().iter().map(|h| (h.name.as_str(), h.kind, h.file.as_str(), h.modules.clone())).collect();
        let modules = |host: &str| vec![format!("hosts/{host}/default.nix"), "modules/default.nix".to_owned()];
        assert_eq!(
            hosts,
            [
                ("alice@rog", HostKind::Home, "flake.nix", vec!["home/alice.nix".to_owned()]),
                ("kaito", HostKind::Nixos, "parts/hosts.nix", modules("kaito")),
                ("kumo", HostKind::Nixos, "flake.nix", modules("kumo")),
                ("rog", HostKind::Nixos, "flake.nix", modules("rog")),
                ("yuki", HostKind::Nixos, "flake.nix", modules("yuki")),
            ]
        );

        let shared = [
            "flake.nix",
            "modules/base.nix",
            "modules/default.nix",
            "modules/services/backup.nix",
            "modules/services/ssh.nix",
        ];
        let host_files = |h: &str| {
            [format!("hosts/{h}/default.nix"), format!("hosts/{h}/disko.nix"), format!("hosts/{h}/hardware.nix")]
        };
        let mut rog = set(&shared);
        rog.extend(host_files("rog"));
        rog.extend(set(&[
            "modules/desktop/default.nix",
            "modules/desktop/fonts.nix",
            "home/alice.nix",
            "home/programs/git.nix",
            "home/programs/shell.nix",
        ]));
        assert_eq!(g.closure("rog"), rog);
        let mut kaito = set(&shared);
        kaito.extend(host_files("kaito"));
        kaito.insert("parts/hosts.nix".to_owned());
        assert_eq!(g.closure("kaito"), kaito);
        let mut kumo = set(&shared);
        kumo.extend(host_files("kumo"));
        assert_eq!(g.closure("kumo"), kumo);
        assert_eq!(
            g.closure("alice@rog"),
            set(&["flake.nix", "home/alice.nix", "home/programs/git.nix", "home/programs/shell.nix"])
        );

        assert_eq!(
            g.imports("modules/default.nix"),
            ["modules/base.nix", "modules/services/backup.nix", "modules/services/ssh.nix"]
        );
        // The syntax error below the imports does not lose them.
        assert_eq!(g.imports("modules/desktop/default.nix"), ["modules/desktop/fonts.nix"]);
        assert_eq!(g.hosts_including("modules/services/backup.nix"), ["kaito", "kumo", "rog", "yuki"]);
        assert_eq!(g.hosts_including("home/programs/git.nix"), ["alice@rog", "rog"]);
        assert_eq!(g.hosts_including("flake.nix"), ["alice@rog", "kaito", "kumo", "rog", "yuki"]);

        assert!(g.active_on("modules/services/backup.nix", "rog"));
        for host in ["yuki", "kumo", "kaito"] {
            assert!(!g.active_on("modules/services/backup.nix", host), "{host}");
            assert!(g.active_on("modules/services/ssh.nix", host), "{host}");
        }
        assert!(!g.active_on("modules/desktop/default.nix", "yuki"));

        assert_eq!(g.orphans(), ["modules/legacy/old-vpn.nix"]);
        assert_eq!(g.dangling(), [("hosts/yuki/default.nix".to_owned(), 7, "hosts/yuki/gpu.nix".to_owned())]);
        assert_eq!(
            g.errors(),
            [("modules/desktop/default.nix".to_owned(), 7, "unexpected `=`, expected `;`".to_owned())]
        );
        assert_eq!(g.inputs(), ["disko", "flake-parts", "home-manager", "nixpkgs"]);
    }
}
