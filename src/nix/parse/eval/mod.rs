//! A small, bounded evaluator for the hosts a flake builds out of computed
//! values: `genAttrs` over names read from `builtins.readDir`, pipelines
//! (`|>`), `listToAttrs (map ...)`, and helpers defined in other files and
//! reached through a module argument (`lib.builders.mkSystem hostName
//! { ... }`). It is a fallback for what the syntactic reader
//! ([`super::hosts`]) cannot see.
//!
//! Values are lazy where Nix is (attribute values, list items, arguments)
//! and every step takes fuel, so a file costs bounded work whatever it
//! holds. What the evaluator cannot see (a flake input, nixpkgs' `lib`
//! beyond the functions below, `config`) is an unknown value, which spreads:
//! an unknown list has no names, an unknown module no files.
//!
//! - The functions of `builtins` and nixpkgs' `lib` that hosts are built
//!   with are known by name (`lib.genAttrs`, `builtins.readDir`,
//!   `lib.attrsets.filterAttrs`, ...). `readDir` and `pathExists` see the
//!   repository's file list.
//! - `self` is the flake's root folder.
//! - Any other function reached through an unknown value
//!   (`lib.builders.getHostsByType`) is looked for by name in the
//!   repository's files: the first file (by path) whose value, called with
//!   unknown arguments, has an attribute of that name, at most three sets
//!   deep.
//! - A system builder (`nixosSystem`, `darwinSystem`,
//!   `homeManagerConfiguration`) gives a system whose modules are the files
//!   its `modules` list names: paths, files whose value is a module, and
//!   the `imports` of inline modules.

use super::paths::resolve;
use super::scope::unescape;
use super::syntax::{bin_op, body, ident, unwrap};
use super::{Cx, MAX_SCOPE};
use rnix::{NodeOrToken, SyntaxKind::*, SyntaxNode};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

mod prims;
use prims::{GLOBALS, arity, prim};

/// Evaluation steps per file.
const FUEL: u32 = 200_000;

/// Deepest nesting of evaluation (calls inside calls).
const MAX_DEPTH: u32 = 160;

/// Files evaluated per file (imports and files searched for a name).
const MAX_FILES: u32 = 64;

/// Largest file evaluated.
const MAX_FILE: usize = 256 * 1024;

/// Files searched for a function of a given name.
const MAX_CANDIDATES: usize = 4;

/// A value.
#[derive(Clone)]
pub(super) enum V {
    Str(Rc<str>),
    /// A repo-relative path (`.` for the root).
    Path(Rc<str>),
    Int(i64),
    Bool(bool),
    Null,
    List(Rc<Vec<Lazy>>),
    /// Entries by name, and the expression it was written as.
    Set(Rc<BTreeMap<String, Lazy>>, Option<SyntaxNode>),
    Lambda(SyntaxNode, Env),
    /// A known function and the arguments it has been given so far.
    Prim(&'static str, Rc<Vec<Lazy>>),
    /// A system builder's result: its `modules` list.
    System(Option<Rc<Lazy>>),
    /// Something the evaluator cannot see, by the names it was reached through.
    Unknown(Rc<Vec<String>>),
}

/// A value not computed yet: an expression and its environment.
#[derive(Clone)]
pub(super) enum Lazy {
    Node(SyntaxNode, Env),
    Val(V),
}

/// The arguments lambdas were called with, innermost first.
#[derive(Clone, Default)]
pub(super) struct Env(Option<Rc<Frame>>);

pub(super) struct Frame {
    lambda: SyntaxNode,
    vars: Vec<(String, Lazy)>,
    parent: Env,
}

/// The evaluator's state for one file.
#[derive(Default)]
pub(super) struct EvalState {
    fuel: Cell<u32>,
    depth: Cell<u32>,
    files_left: Cell<u32>,
    started: Cell<bool>,
    /// Parsed files: the root of each tree and its path.
    trees: RefCell<Vec<(SyntaxNode, String)>>,
    /// The value of each file evaluated.
    imported: RefCell<HashMap<String, V>>,
    /// Functions found by name.
    named: RefCell<HashMap<String, Option<V>>>,
}

fn unknown(path: &[&str]) -> V {
    V::Unknown(Rc::new(path.iter().map(|s| (*s).to_owned()).collect()))
}

impl V {
    fn str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Cx<'a> {
    /// Evaluate an expression of this file, with the arguments bound while
    /// a helper's body is read ([`Cx::subst`]) in scope.
    pub(super) fn eval(&self, node: &SyntaxNode) -> V {
        let st = &self.eval;
        if !st.started.get() {
            st.started.set(true);
            st.fuel.set(FUEL);
            st.files_left.set(MAX_FILES);
            if let Some(root) = node.ancestors().last() {
                st.trees.borrow_mut().push((root, self.file.to_owned()));
            }
        }
        self.ev(node, &Env::default())
    }

    /// The files a system's `modules` list names, and the files of its
    /// inline modules (which are read, not modules).
    pub(super) fn system_files(&self, modules: &Option<Rc<Lazy>>) -> (Vec<String>, Vec<String>) {
        let (mut files, mut reads) = (Vec::new(), Vec::new());
        if let Some(list) = modules {
            self.module_files(&self.force(list), &mut files, &mut reads, 0);
        }
        (files, reads)
    }

    fn module_files(&self, v: &V, files: &mut Vec<String>, reads: &mut Vec<String>, depth: u32) {
        if depth > 6 || !self.spend() {
            return;
        }
        match v {
            V::Path(p) => files.push(p.to_string()),
            V::List(items) => {
                for item in items.iter() {
                    self.module_files(&self.force(item), files, reads, depth + 1);
                }
            }
            V::Lambda(node, _) | V::Set(_, Some(node)) => {
                let Some(file) = self.file_of(node) else { return };
                if self.is_top(node) {
                    files.push(file);
                    return;
                }
                reads.push(file);
                // An inline module: what it imports.
                let set = match v {
                    V::Lambda(..) => self.apply_v(v, Lazy::Val(unknown(&[]))),
                    other => other.clone(),
                };
                if let Some(imports) = self.attr(&set, "imports") {
                    self.module_files(&imports, files, reads, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Take one step of fuel; false once spent.
    fn spend(&self) -> bool {
        let left = self.eval.fuel.get();
        self.eval.fuel.set(left.saturating_sub(1));
        left > 0
    }

    pub(super) fn force(&self, lazy: &Lazy) -> V {
        match lazy {
            Lazy::Val(v) => v.clone(),
            Lazy::Node(node, env) => self.ev(node, env),
        }
    }

    fn ev(&self, node: &SyntaxNode, env: &Env) -> V {
        let depth = self.eval.depth.get();
        if depth >= MAX_DEPTH || !self.spend() {
            return unknown(&[]);
        }
        self.eval.depth.set(depth + 1);
        let v = self.ev_node(node, env);
        self.eval.depth.set(depth);
        v
    }

    fn ev_node(&self, node: &SyntaxNode, env: &Env) -> V {
        match node.kind() {
            NODE_ROOT | NODE_PAREN => node.first_child().map_or(unknown(&[]), |c| self.ev(&c, env)),
            NODE_LITERAL => match node.first_token() {
                Some(t) if t.kind() == TOKEN_INTEGER => t.text().parse().map_or(unknown(&[]), V::Int),
                Some(t) if t.kind() == TOKEN_URI => V::Str(t.text().into()),
                _ => unknown(&[]),
            },
            NODE_STRING => self.ev_string(node, env),
            NODE_PATH_REL => self.ev_path(node, env),
            NODE_IDENT => match ident(node).as_deref() {
                Some("true") => V::Bool(true),
                Some("false") => V::Bool(false),
                Some("null") => V::Null,
                Some(name) => self.lookup_value(name, node, env),
                None => unknown(&[]),
            },
            NODE_SELECT => self.ev_select(node, env),
            NODE_APPLY => {
                let mut kids = node.children();
                let (Some(f), Some(arg)) = (kids.next(), kids.next()) else { return unknown(&[]) };
                let f = self.ev(&f, env);
                self.apply_v(&f, Lazy::Node(arg, env.clone()))
            }
            NODE_LAMBDA => V::Lambda(node.clone(), env.clone()),
            NODE_LET_IN | NODE_WITH | NODE_ASSERT => body(node).map_or(unknown(&[]), |b| self.ev(&b, env)),
            NODE_ATTR_SET => self.ev_set(node, env),
            NODE_LIST => V::List(Rc::new(node.children().map(|c| Lazy::Node(c, env.clone())).collect())),
            NODE_BIN_OP => self.ev_bin_op(node, env),
            NODE_UNARY_OP => {
                let Some(operand) = node.first_child() else { return unknown(&[]) };
                match (bin_op(node), self.ev(&operand, env)) {
                    (Some(TOKEN_INVERT), V::Bool(b)) => V::Bool(!b),
                    (Some(TOKEN_SUB), V::Int(i)) => V::Int(-i),
                    _ => unknown(&[]),
                }
            }
            NODE_IF_ELSE => {
                let mut kids = node.children();
                let (Some(cond), Some(then), Some(other)) = (kids.next(), kids.next(), kids.next()) else {
                    return unknown(&[]);
                };
                match self.ev(&cond, env) {
                    V::Bool(true) => self.ev(&then, env),
                    V::Bool(false) => self.ev(&other, env),
                    _ => unknown(&[]),
                }
            }
            NODE_HAS_ATTR => {
                let mut kids = node.children();
                let (Some(set), Some(path)) = (kids.next(), kids.next()) else { return unknown(&[]) };
                let mut v = self.ev(&set, env);
                for attr in path.children() {
                    let Some(name) = self.name_of(&attr, env) else { return unknown(&[]) };
                    match self.attr(&v, &name) {
                        Some(next) => v = next,
                        None if matches!(v, V::Set(..)) => return V::Bool(false),
                        None => return unknown(&[]),
                    }
                }
                V::Bool(true)
            }
            _ => unknown(&[]),
        }
    }

    /// A string: literal parts and interpolations. One that starts with a
    /// path (`"${self}/hosts/${name}"`) is a path.
    fn ev_string(&self, node: &SyntaxNode, env: &Env) -> V {
        let mut out = String::new();
        let mut quoted = true;
        let mut path = false;
        for (i, part) in node.children_with_tokens().enumerate() {
            match part {
                NodeOrToken::Token(t) => match t.kind() {
                    TOKEN_STRING_START => quoted = t.text() == "\"",
                    TOKEN_STRING_CONTENT => unescape(t.text(), quoted, &mut out),
                    _ => {}
                },
                NodeOrToken::Node(n) if n.kind() == NODE_INTERPOL => {
                    let Some(inner) = n.first_child() else { return unknown(&[]) };
                    match self.coerce(&self.ev(&inner, env)) {
                        Some((s, true)) if i == 1 => {
                            path = true;
                            out.push_str(&s);
                        }
                        Some((s, _)) => out.push_str(&s),
                        None => return unknown(&[]),
                    }
                }
                NodeOrToken::Node(_) => return unknown(&[]),
            }
            if out.len() > super::MAX_STRING {
                return unknown(&[]);
            }
        }
        if path {
            return resolve("", &out).map_or(unknown(&[]), |p| V::Path(p.into()));
        }
        V::Str(out.into())
    }

    /// A value in a string: its text, and whether it is a path.
    fn coerce(&self, v: &V) -> Option<(String, bool)> {
        match v {
            V::Str(s) => Some((s.to_string(), false)),
            V::Path(p) => Some((p.to_string(), true)),
            V::Int(i) => Some((i.to_string(), false)),
            V::Unknown(names) if names.last().is_some_and(|n| n == "self") => Some((".".to_owned(), true)),
            _ => None,
        }
    }

    fn ev_path(&self, node: &SyntaxNode, env: &Env) -> V {
        let mut raw = String::new();
        for part in node.children_with_tokens() {
            match part {
                NodeOrToken::Token(t) if t.kind() == TOKEN_PATH_REL => raw.push_str(t.text()),
                NodeOrToken::Node(n) if n.kind() == NODE_INTERPOL => {
                    let Some(inner) = n.first_child() else { return unknown(&[]) };
                    match self.coerce(&self.ev(&inner, env)) {
                        Some((s, false)) => raw.push_str(&s),
                        _ => return unknown(&[]),
                    }
                }
                _ => return unknown(&[]),
            }
        }
        let Some(file) = self.file_of(node) else { return unknown(&[]) };
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        resolve(dir, &raw).map_or(unknown(&[]), |p| V::Path(p.into()))
    }

    fn ev_select(&self, node: &SyntaxNode, env: &Env) -> V {
        let mut kids = node.children();
        let (Some(base), Some(path)) = (kids.next(), kids.next()) else { return unknown(&[]) };
        let default = kids.next();
        let mut v = self.ev(&base, env);
        for attr in path.children() {
            let Some(name) = self.name_of(&attr, env) else { return unknown(&[]) };
            v = match (self.attr(&v, &name), &v) {
                (Some(next), _) => next,
                (None, V::Unknown(names)) => {
                    let mut names = names.as_ref().clone();
                    names.push(name);
                    V::Unknown(Rc::new(names))
                }
                (None, _) => return default.map_or(unknown(&[]), |d| self.ev(&d, env)),
            };
        }
        v
    }

    /// An attribute name: an identifier, a string, `${...}`.
    fn name_of(&self, attr: &SyntaxNode, env: &Env) -> Option<String> {
        match attr.kind() {
            NODE_IDENT => ident(attr),
            NODE_STRING => self.ev_string(attr, env).str().map(str::to_owned),
            NODE_DYNAMIC => self.ev(&attr.first_child()?, env).str().map(str::to_owned),
            _ => None,
        }
    }

    /// An attribute of a set.
    fn attr(&self, v: &V, name: &str) -> Option<V> {
        match v {
            V::Set(entries, _) => entries.get(name).map(|l| self.force(l)),
            _ => None,
        }
    }

    fn ev_set(&self, node: &SyntaxNode, env: &Env) -> V {
        let mut entries: BTreeMap<String, Lazy> = BTreeMap::new();
        for child in node.children() {
            match child.kind() {
                NODE_ATTRPATH_VALUE => {
                    let Some(path) = child.first_child().filter(|p| p.kind() == NODE_ATTRPATH) else { continue };
                    let Some(names) = path.children().map(|a| self.name_of(&a, env)).collect::<Option<Vec<_>>>() else {
                        continue;
                    };
                    let Some(value) = super::syntax::value(&child) else { continue };
                    self.insert(&mut entries, &names, Lazy::Node(value, env.clone()));
                }
                NODE_INHERIT => {
                    for (name, lazy) in self.inherited(&child, env) {
                        entries.insert(name, lazy);
                    }
                }
                _ => {}
            }
        }
        V::Set(Rc::new(entries), Some(node.clone()))
    }

    /// `a.b.c = value;` into a set, merging with entries already there.
    fn insert(&self, entries: &mut BTreeMap<String, Lazy>, names: &[String], value: Lazy) {
        let Some((first, rest)) = names.split_first() else { return };
        if rest.is_empty() {
            let merged = match (entries.get(first).map(|l| self.force(l)), &value) {
                (Some(V::Set(old, _)), Lazy::Node(n, _)) if unwrap(n).kind() == NODE_ATTR_SET => {
                    match self.force(&value) {
                        V::Set(new, node) => {
                            let mut all = old.as_ref().clone();
                            all.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
                            Lazy::Val(V::Set(Rc::new(all), node))
                        }
                        _ => value,
                    }
                }
                _ => value,
            };
            entries.insert(first.clone(), merged);
            return;
        }
        let mut inner = match entries.get(first).map(|l| self.force(l)) {
            Some(V::Set(old, _)) => old.as_ref().clone(),
            _ => BTreeMap::new(),
        };
        self.insert(&mut inner, rest, value);
        entries.insert(first.clone(), Lazy::Val(V::Set(Rc::new(inner), None)));
    }

    /// The names an `inherit` brings in, each with its value.
    fn inherited(&self, inherit: &SyntaxNode, env: &Env) -> Vec<(String, Lazy)> {
        let from = inherit.children().find(|c| c.kind() == NODE_INHERIT_FROM).and_then(|f| f.first_child());
        let source = from.map(|f| self.ev(&f, env));
        inherit
            .children()
            .filter(|c| c.kind() != NODE_INHERIT_FROM)
            .filter_map(|attr| {
                let name = self.name_of(&attr, env)?;
                let v = match &source {
                    Some(src) => self.attr(src, &name).unwrap_or_else(|| match src {
                        V::Unknown(names) => {
                            let mut names = names.as_ref().clone();
                            names.push(name.clone());
                            V::Unknown(Rc::new(names))
                        }
                        _ => unknown(&[]),
                    }),
                    // `inherit x;` takes `x` from the scope around.
                    None => match inherit.parent().and_then(|p| p.parent()) {
                        Some(outer) => self.lookup_value(&name, &outer, env),
                        None => unknown(&[&name]),
                    },
                };
                Some((name, Lazy::Val(v)))
            })
            .collect()
    }

    fn ev_bin_op(&self, node: &SyntaxNode, env: &Env) -> V {
        let mut kids = node.children();
        let (Some(left), Some(right)) = (kids.next(), kids.next()) else { return unknown(&[]) };
        let lazy = |n: &SyntaxNode| Lazy::Node(n.clone(), env.clone());
        match bin_op(node) {
            Some(TOKEN_PIPE_RIGHT) => self.apply_v(&self.ev(&right, env), lazy(&left)),
            Some(TOKEN_PIPE_LEFT) => self.apply_v(&self.ev(&left, env), lazy(&right)),
            Some(TOKEN_UPDATE) => match (self.ev(&left, env), self.ev(&right, env)) {
                (V::Set(a, _), V::Set(b, node)) => {
                    let mut all = a.as_ref().clone();
                    all.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
                    V::Set(Rc::new(all), node)
                }
                _ => unknown(&[]),
            },
            Some(TOKEN_CONCAT) => match (self.ev(&left, env), self.ev(&right, env)) {
                (V::List(a), V::List(b)) => V::List(Rc::new(a.iter().chain(b.iter()).cloned().collect())),
                (V::List(a), _) => V::List(a),
                (_, V::List(b)) => V::List(b),
                _ => unknown(&[]),
            },
            Some(TOKEN_ADD) => match (self.ev(&left, env), self.ev(&right, env)) {
                (V::Int(a), V::Int(b)) => V::Int(a.saturating_add(b)),
                (V::Str(a), V::Str(b)) => V::Str(format!("{a}{b}").into()),
                (V::Path(a), V::Str(b)) => resolve(&a, &b).map_or(unknown(&[]), |p| V::Path(p.into())),
                (V::Unknown(n), V::Str(b)) if n.last().is_some_and(|n| n == "self") => {
                    resolve("", &b).map_or(unknown(&[]), |p| V::Path(p.into()))
                }
                _ => unknown(&[]),
            },
            Some(TOKEN_EQUAL) => self.equal(&self.ev(&left, env), &self.ev(&right, env)).map_or(unknown(&[]), V::Bool),
            Some(TOKEN_NOT_EQUAL) => {
                self.equal(&self.ev(&left, env), &self.ev(&right, env)).map_or(unknown(&[]), |e| V::Bool(!e))
            }
            Some(TOKEN_AND_AND) => match self.ev(&left, env) {
                V::Bool(false) => V::Bool(false),
                V::Bool(true) => self.ev(&right, env),
                _ => unknown(&[]),
            },
            Some(TOKEN_OR_OR) => match self.ev(&left, env) {
                V::Bool(true) => V::Bool(true),
                V::Bool(false) => self.ev(&right, env),
                _ => unknown(&[]),
            },
            _ => unknown(&[]),
        }
    }

    fn equal(&self, a: &V, b: &V) -> Option<bool> {
        match (a, b) {
            (V::Str(a), V::Str(b)) => Some(a == b),
            (V::Path(a), V::Path(b)) => Some(a == b),
            (V::Int(a), V::Int(b)) => Some(a == b),
            (V::Bool(a), V::Bool(b)) => Some(a == b),
            (V::Null, V::Null) => Some(true),
            (V::Unknown(_), _) | (_, V::Unknown(_)) => None,
            (V::List(a), V::List(b)) if a.is_empty() || b.is_empty() => Some(a.len() == b.len()),
            (V::Set(a, _), V::Set(b, _)) if a.is_empty() || b.is_empty() => Some(a.len() == b.len()),
            (V::Null, _) | (_, V::Null) => Some(false),
            _ => None,
        }
    }

    /// What `name` is where `from` is: a `let` or `rec { }` binding, an
    /// `inherit`, a lambda's argument, a known function, else unknown.
    fn lookup_value(&self, name: &str, from: &SyntaxNode, env: &Env) -> V {
        for scope in from.ancestors().take(MAX_SCOPE) {
            match scope.kind() {
                NODE_LET_IN | NODE_LEGACY_LET => {
                    if let Some(v) = self.bound_in(&scope, name, env) {
                        return v;
                    }
                }
                NODE_ATTR_SET if scope.children_with_tokens().any(|c| c.kind() == TOKEN_REC) => {
                    if let Some(v) = self.bound_in(&scope, name, env) {
                        return v;
                    }
                }
                NODE_LAMBDA => {
                    if let Some(v) = self.argument(&scope, name, env) {
                        return v;
                    }
                }
                _ => {}
            }
        }
        if name == "builtins" || name == "lib" {
            return unknown(&[name]);
        }
        match GLOBALS.iter().find(|g| **g == name) {
            Some(g) => V::Prim(g, Rc::new(Vec::new())),
            None => unknown(&[name]),
        }
    }

    /// `name` bound by a `let` or `rec { }` (directly or by `inherit`).
    fn bound_in(&self, scope: &SyntaxNode, name: &str, env: &Env) -> Option<V> {
        for child in scope.children() {
            match child.kind() {
                NODE_ATTRPATH_VALUE => {
                    let Some(path) = child.first_child().filter(|p| p.kind() == NODE_ATTRPATH) else { continue };
                    let mut attrs = path.children();
                    let Some(first) = attrs.next() else { continue };
                    if ident(&first).as_deref() != Some(name) {
                        continue;
                    }
                    let value = super::syntax::value(&child)?;
                    if attrs.next().is_none() {
                        return Some(self.ev(&value, env));
                    }
                    // `a.b = x;` in a `let`: the set of every `a.*` binding.
                    return match self.ev_set(scope, env) {
                        set @ V::Set(..) => self.attr(&set, name),
                        _ => None,
                    };
                }
                NODE_INHERIT => {
                    let names = child.children().filter(|c| c.kind() != NODE_INHERIT_FROM);
                    if names.into_iter().any(|a| ident(&a).as_deref() == Some(name)) {
                        let found = self.inherited(&child, env).into_iter().find(|(n, _)| n == name);
                        return found.map(|(_, l)| self.force(&l));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// `name` as a parameter of `lambda`: the argument it was called with,
    /// a string bound while a helper's body is read, its default, or unknown.
    fn argument(&self, lambda: &SyntaxNode, name: &str, env: &Env) -> Option<V> {
        let param = lambda.first_child()?;
        let declared = match param.kind() {
            NODE_IDENT_PARAM => param.first_child().and_then(|i| ident(&i)).is_some_and(|n| n == name),
            NODE_PATTERN => param.children().any(|c| {
                matches!(c.kind(), NODE_PAT_ENTRY | NODE_PAT_BIND)
                    && c.children().find(|i| i.kind() == NODE_IDENT).and_then(|i| ident(&i)).is_some_and(|n| n == name)
            }),
            _ => false,
        };
        if !declared {
            return None;
        }
        let mut frame = env.0.as_ref();
        while let Some(f) = frame {
            if f.lambda == *lambda {
                return Some(f.vars.iter().find(|(n, _)| n == name).map_or(unknown(&[name]), |(_, l)| self.force(l)));
            }
            frame = f.parent.0.as_ref();
        }
        if let Some((_, _, v)) = self.subst.iter().rev().find(|(l, n, _)| l == lambda && n == name) {
            return Some(V::Str(v.as_str().into()));
        }
        Some(unknown(&[name]))
    }

    /// Call a function with an argument.
    pub(super) fn apply_v(&self, f: &V, arg: Lazy) -> V {
        match f {
            V::Lambda(node, captured) => self.call_lambda(node, captured, arg),
            V::Prim(name, args) => {
                let mut args = args.as_ref().clone();
                args.push(arg);
                if args.len() < arity(name) {
                    return V::Prim(name, Rc::new(args));
                }
                self.run(name, &args)
            }
            V::Unknown(names) => {
                let Some(last) = names.last() else { return unknown(&[]) };
                if let Some(p) = prim(last) {
                    return self.apply_v(&V::Prim(p, Rc::new(Vec::new())), arg);
                }
                match self.named(last) {
                    Some(found) => self.apply_v(&found, arg),
                    None => unknown(&[]),
                }
            }
            _ => unknown(&[]),
        }
    }

    fn call_lambda(&self, node: &SyntaxNode, captured: &Env, arg: Lazy) -> V {
        let Some(param) = node.first_child() else { return unknown(&[]) };
        let mut vars = Vec::new();
        match param.kind() {
            NODE_IDENT_PARAM => {
                if let Some(n) = param.first_child().and_then(|i| ident(&i)) {
                    vars.push((n, arg));
                }
            }
            NODE_PATTERN => {
                let set = self.force(&arg);
                for c in param.children() {
                    let mut kids = c.children();
                    let Some(name) = kids.next().and_then(|i| ident(&i)) else { continue };
                    match c.kind() {
                        NODE_PAT_BIND => vars.push((name, Lazy::Val(set.clone()))),
                        NODE_PAT_ENTRY => {
                            let v = match (&set, self.attr(&set, &name)) {
                                (_, Some(v)) => Lazy::Val(v),
                                (V::Set(..), None) => match kids.next() {
                                    Some(default) => Lazy::Node(default, captured.clone()),
                                    None => Lazy::Val(unknown(&[&name])),
                                },
                                _ => Lazy::Val(unknown(&[&name])),
                            };
                            vars.push((name, v));
                        }
                        _ => {}
                    }
                }
            }
            _ => return unknown(&[]),
        }
        let env = Env(Some(Rc::new(Frame { lambda: node.clone(), vars, parent: captured.clone() })));
        body(node).map_or(unknown(&[]), |b| self.ev(&b, &env))
    }

    /// A path value as a repo-relative folder or file (`self` is the root).
    fn dir_of(&self, v: &V) -> Option<String> {
        match v {
            V::Path(p) => Some(p.to_string()),
            V::Unknown(names) if names.last().is_some_and(|n| n == "self") => Some(".".to_owned()),
            _ => None,
        }
    }

    /// `import path`: the value of a file (a folder's `default.nix`).
    fn import(&self, path: &V) -> Option<V> {
        let path = self.dir_of(path)?;
        let file = if path.ends_with(".nix") { path } else { resolve(&path, "default.nix")? };
        if let Some(v) = self.eval.imported.borrow().get(&file) {
            return Some(v.clone());
        }
        let left = self.eval.files_left.get();
        if left == 0 {
            return None;
        }
        self.eval.files_left.set(left - 1);
        let text = if file == self.file { None } else { self.fetch.read(&file) }?;
        if text.len() > MAX_FILE || text.as_bytes().starts_with(b"\0GITCRYPT") {
            return None;
        }
        let root = rnix::Root::parse(&text).syntax();
        self.eval.trees.borrow_mut().push((root.clone(), file.clone()));
        let v = self.ev(&root, &Env::default());
        self.eval.imported.borrow_mut().insert(file, v.clone());
        Some(v)
    }

    /// A function reached through an unknown value, found by name in the
    /// repository's files (see the module comment).
    fn named(&self, name: &str) -> Option<V> {
        if let Some(found) = self.eval.named.borrow().get(name) {
            return found.clone();
        }
        // Searching for it again while searching finds nothing.
        self.eval.named.borrow_mut().insert(name.to_owned(), None);
        let mut found = None;
        for file in self.fetch.defining(name).into_iter().take(MAX_CANDIDATES) {
            let Some(mut v) = self.import(&V::Path(file.as_str().into())) else { continue };
            if let V::Lambda(..) = v {
                v = self.apply_v(&v, Lazy::Val(unknown(&[])));
            }
            if let Some(f) = self.search(&v, name, 0) {
                found = Some(f);
                break;
            }
        }
        self.eval.named.borrow_mut().insert(name.to_owned(), found.clone());
        found
    }

    /// An attribute `name` in a set or the sets inside it, breadth first.
    fn search(&self, v: &V, name: &str, depth: u32) -> Option<V> {
        let V::Set(entries, _) = v else { return None };
        if let Some(l) = entries.get(name) {
            return Some(self.force(l));
        }
        if depth >= 2 {
            return None;
        }
        entries.values().take(64).find_map(|l| match l {
            Lazy::Node(n, _) if unwrap(n).kind() != NODE_ATTR_SET && unwrap(n).kind() != NODE_APPLY => None,
            _ => self.search(&self.force(l), name, depth + 1),
        })
    }

    /// The file an expression is in.
    fn file_of(&self, node: &SyntaxNode) -> Option<String> {
        let root = node.ancestors().last()?;
        self.eval.trees.borrow().iter().find(|(r, _)| *r == root).map(|(_, p)| p.clone())
    }

    /// Is the expression its file's whole value (a module file)?
    fn is_top(&self, node: &SyntaxNode) -> bool {
        let Some(root) = node.ancestors().last() else { return false };
        let mut top = root.first_child();
        while let Some(t) = top.clone().filter(|t| t.kind() == NODE_PAREN) {
            top = t.first_child();
        }
        top.as_ref() == Some(node)
    }
}

#[cfg(test)]
mod tests {
    use crate::nix::facts::{HostDef, HostKind};
    use crate::nix::parse::{Repo, parse_in};
    use std::collections::BTreeMap;

    /// A repository in memory: path → text.
    struct Mem(BTreeMap<&'static str, &'static str>);

    impl Repo for Mem {
        fn read(&self, path: &str) -> Option<String> {
            self.0.get(path).map(|t| (*t).to_owned())
        }
        fn list(&self, dir: &str) -> Vec<(String, bool)> {
            let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
            let mut out: Vec<(String, bool)> = Vec::new();
            for path in self.0.keys() {
                let Some(rest) = path.strip_prefix(&prefix) else { continue };
                let (entry, folder) = rest.split_once('/').map_or((rest, false), |(e, _)| (e, true));
                if !out.iter().any(|(n, _)| n == entry) {
                    out.push((entry.to_owned(), folder));
                }
            }
            out
        }
        fn defining(&self, name: &str) -> Vec<String> {
            self.0.iter().filter(|(_, t)| t.contains(&format!("{name} ="))).map(|(p, _)| (*p).to_owned()).collect()
        }
    }

    fn hosts(files: &[(&'static str, &'static str)], file: &str) -> Vec<HostDef> {
        let repo = Mem(files.iter().copied().collect());
        parse_in(file, repo.0[file], &repo).hosts
    }

    const HELPERS: &str = r#"{ lib }:
let
  skip = names: builtins.filter (n: n != "shared") names;
  wrap = builder: name: args: import builder ({ inherit name; } // args);
in rec {
  listHosts = dir: builtins.readDir dir |> builtins.attrNames |> skip;
  byType = self: listHosts "${self}/hosts" |> map (t: lib.nameValuePair t (listHosts "${self}/hosts/${t}")) |> builtins.listToAttrs;
  mkSystem = name: args: wrap ./system.nix name args;
}"#;

    const SYSTEM: &str = r#"{ self, name, deviceType, lib, ... }:
lib.nixosSystem {
  modules = [
    "${self}/hosts/${deviceType}/${name}"
    "${self}/modules/${deviceType}"
    ({ ... }: { imports = [ "${self}/modules/common.nix" ]; })
  ];
}"#;

    const PART: &str = r#"{ self, lib, ... }:
let
  inherit (lib.builders) mkSystem byType;
  types = byType self;
  names = types |> builtins.attrValues |> lib.flatten;
in {
  flake.nixosConfigurations = lib.genAttrs names (host: mkSystem host {
    inherit self;
    deviceType = types |> lib.filterAttrs (_: v: builtins.elem host v) |> builtins.attrNames |> builtins.head;
  });
}"#;

    #[test]
    fn hosts_from_folders_through_helpers_of_other_files() {
        let files = [
            ("flake/hosts.nix", PART),
            ("lib/builders/default.nix", HELPERS),
            ("lib/builders/system.nix", SYSTEM),
            ("hosts/desktop/rog/default.nix", "{ }"),
            ("hosts/desktop/shared/default.nix", "{ }"),
            ("hosts/server/db/default.nix", "{ }"),
            ("hosts/server/web/default.nix", "{ }"),
            ("modules/common.nix", "{ }"),
        ];
        let found = hosts(&files, "flake/hosts.nix");
        let names: Vec<&str> = found.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["db", "rog", "web"], "the folders of each type, `shared` left out");
        let web = &found[2];
        assert_eq!(web.kind, HostKind::Nixos);
        assert_eq!(web.modules, ["hosts/server/web", "modules/server", "modules/common.nix"]);
        assert_eq!(found[1].modules, ["hosts/desktop/rog", "modules/desktop", "modules/common.nix"]);
        assert!(web.reads.contains(&"lib/builders/system.nix".to_owned()), "{:?}", web.reads);
        assert_eq!(web.via, None);
    }

    #[test]
    fn hosts_mapped_over_a_folder() {
        let flake = r#"{
  outputs = { nixpkgs, ... }: {
    nixosConfigurations = nixpkgs.lib.mapAttrs
      (name: _: nixpkgs.lib.nixosSystem { modules = [ ./hosts/${name} ]; })
      (nixpkgs.lib.filterAttrs (_: kind: kind == "directory") (builtins.readDir ./hosts));
  };
}"#;
        let files = [
            ("flake.nix", flake),
            ("hosts/a/default.nix", "{ }"),
            ("hosts/b/default.nix", "{ }"),
            ("hosts/README.md", ""),
        ];
        let found = hosts(&files, "flake.nix");
        let got: Vec<(&str, &[String])> = found.iter().map(|h| (h.name.as_str(), h.modules.as_slice())).collect();
        assert_eq!(got, [("a", &["hosts/a".to_owned()][..]), ("b", &["hosts/b".to_owned()][..])]);
    }

    #[test]
    fn evaluation_is_bounded() {
        // A function that never returns, names that never resolve, a list built by doubling.
        let flake = r#"{
  outputs = { nixpkgs, ... }: let
    loop = x: loop (loop x);
    double = n: if n == 0 then [ "a" ] else (double (n - 1)) ++ (double (n - 1));
  in {
    nixosConfigurations = nixpkgs.lib.genAttrs (loop [ ]) (n: nixpkgs.lib.nixosSystem { modules = [ ]; });
    homeConfigurations = nixpkgs.lib.genAttrs (double 40) (n: { });
  };
}"#;
        let files = [("flake.nix", flake)];
        let found = hosts(&files, "flake.nix");
        assert!(found.iter().all(|h| h.name == "a"), "{:?}", found.iter().map(|h| &h.name).collect::<Vec<_>>());
    }
}
