//! The functions of `builtins` and nixpkgs' `lib` the evaluator knows,
//! by name: how many arguments each takes and what it does with them.

use super::{Lazy, V, unknown};
use crate::nix::parse::Cx;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The known functions: name and how many arguments each takes.
const PRIMS: &[(&str, usize)] = &[
    ("attrNames", 1),
    ("attrValues", 1),
    ("baseNameOf", 1),
    ("concatLists", 1),
    ("concatMap", 2),
    ("concatStringsSep", 2),
    ("const", 2),
    ("elem", 2),
    ("filter", 2),
    ("filterAttrs", 2),
    ("flatten", 1),
    ("genAttrs", 2),
    ("getAttr", 2),
    ("hasAttr", 2),
    ("hasPrefix", 2),
    ("hasSuffix", 2),
    ("head", 1),
    ("id", 1),
    ("import", 1),
    ("isAttrs", 1),
    ("isList", 1),
    ("isString", 1),
    ("length", 1),
    ("listToAttrs", 1),
    ("map", 2),
    ("mapAttrs", 2),
    ("mapAttrsToList", 2),
    ("nameValuePair", 2),
    ("optional", 2),
    ("optionalAttrs", 2),
    ("optionals", 2),
    ("pathExists", 1),
    ("pipe", 2),
    ("readDir", 1),
    ("recursiveUpdate", 2),
    ("removeAttrs", 2),
    ("removePrefix", 2),
    ("removeSuffix", 2),
    ("tail", 1),
    ("toString", 1),
    ("unique", 1),
    ("nixosSystem", 1),
    ("darwinSystem", 1),
    ("homeManagerConfiguration", 1),
];

/// Names Nix has in scope without `builtins.`.
pub(super) const GLOBALS: &[&str] = &["baseNameOf", "import", "map", "removeAttrs", "toString"];

pub(super) fn prim(name: &str) -> Option<&'static str> {
    PRIMS.iter().find(|(n, _)| *n == name).map(|(n, _)| *n)
}

pub(super) fn arity(name: &str) -> usize {
    PRIMS.iter().find(|(n, _)| *n == name).map_or(1, |(_, a)| *a)
}

impl Cx<'_> {
    /// Run a known function on all its arguments.
    pub(super) fn run(&self, name: &str, args: &[Lazy]) -> V {
        let arg = |i: usize| self.force(&args[i]);
        let list = |v: &V| match v {
            V::List(items) => Some(items.clone()),
            _ => None,
        };
        let set = |v: &V| match v {
            V::Set(entries, _) => Some(entries.clone()),
            _ => None,
        };
        let strings = |v: &V| -> Option<Vec<String>> {
            list(v)?.iter().map(|l| self.force(l).str().map(str::to_owned)).collect()
        };
        let new_set = |entries: BTreeMap<String, Lazy>| V::Set(Rc::new(entries), None);
        let new_list = |items: Vec<Lazy>| V::List(Rc::new(items));
        let val = Lazy::Val;
        let s = |x: &str| V::Str(x.into());
        let out = match name {
            "nixosSystem" | "darwinSystem" | "homeManagerConfiguration" => {
                let modules = set(&arg(0)).and_then(|e| e.get("modules").cloned()).map(Rc::new);
                Some(V::System(modules))
            }
            "import" => self.import(&arg(0)),
            "readDir" => self.dir_of(&arg(0)).map(|dir| {
                new_set(
                    self.fetch
                        .list(&dir)
                        .into_iter()
                        .map(|(n, folder)| (n, val(s(if folder { "directory" } else { "regular" }))))
                        .collect(),
                )
            }),
            "pathExists" => self.dir_of(&arg(0)).map(|p| {
                let (parent, leaf) = p.rsplit_once('/').unwrap_or((".", p.as_str()));
                V::Bool(self.fetch.list(parent).iter().any(|(n, _)| n == leaf))
            }),
            "attrNames" => set(&arg(0)).map(|e| new_list(e.keys().map(|k| val(s(k))).collect())),
            "attrValues" => set(&arg(0)).map(|e| new_list(e.values().cloned().collect())),
            "map" => {
                let f = arg(0);
                list(&arg(1)).map(|items| new_list(items.iter().map(|i| val(self.apply_v(&f, i.clone()))).collect()))
            }
            "filter" => {
                let f = arg(0);
                list(&arg(1)).and_then(|items| {
                    let mut out = Vec::new();
                    for i in items.iter() {
                        match self.apply_v(&f, i.clone()) {
                            V::Bool(true) => out.push(i.clone()),
                            V::Bool(false) => {}
                            _ => return None,
                        }
                    }
                    Some(new_list(out))
                })
            }
            "flatten" | "concatLists" => {
                let mut out = Vec::new();
                self.flatten(&arg(0), &mut out, name == "flatten", 0);
                Some(new_list(out))
            }
            "concatMap" => {
                let f = arg(0);
                list(&arg(1)).map(|items| {
                    let mut out = Vec::new();
                    for i in items.iter() {
                        self.flatten(&self.apply_v(&f, i.clone()), &mut out, false, 0);
                    }
                    new_list(out)
                })
            }
            "listToAttrs" => list(&arg(0)).and_then(|items| {
                let mut out = BTreeMap::new();
                for i in items.iter() {
                    let pair = self.force(i);
                    let n = self.attr(&pair, "name")?;
                    let value = set(&pair)?.get("value")?.clone();
                    // The first of a name wins.
                    out.entry(n.str()?.to_owned()).or_insert(value);
                }
                Some(new_set(out))
            }),
            "nameValuePair" => Some(new_set(BTreeMap::from([
                ("name".to_owned(), args[0].clone()),
                ("value".to_owned(), args[1].clone()),
            ]))),
            "genAttrs" => strings(&arg(0)).map(|names| {
                let f = arg(1);
                new_set(names.into_iter().map(|n| (n.clone(), val(self.apply_v(&f, val(s(&n)))))).collect())
            }),
            "mapAttrs" => {
                let f = arg(0);
                set(&arg(1)).map(|e| {
                    new_set(
                        e.iter()
                            .map(|(k, v)| (k.clone(), val(self.apply_v(&self.apply_v(&f, val(s(k))), v.clone()))))
                            .collect(),
                    )
                })
            }
            "mapAttrsToList" => {
                let f = arg(0);
                set(&arg(1)).map(|e| {
                    new_list(
                        e.iter().map(|(k, v)| val(self.apply_v(&self.apply_v(&f, val(s(k))), v.clone()))).collect(),
                    )
                })
            }
            "filterAttrs" => {
                let f = arg(0);
                set(&arg(1)).and_then(|e| {
                    let mut out = BTreeMap::new();
                    for (k, v) in e.iter() {
                        match self.apply_v(&self.apply_v(&f, val(s(k))), v.clone()) {
                            V::Bool(true) => {
                                out.insert(k.clone(), v.clone());
                            }
                            V::Bool(false) => {}
                            _ => return None,
                        }
                    }
                    Some(new_set(out))
                })
            }
            "removeSuffix" | "removePrefix" | "hasSuffix" | "hasPrefix" => {
                match (arg(0).str().map(str::to_owned), arg(1).str().map(str::to_owned)) {
                    (Some(affix), Some(text)) => Some(match name {
                        "removeSuffix" => s(text.strip_suffix(affix.as_str()).unwrap_or(&text)),
                        "removePrefix" => s(text.strip_prefix(affix.as_str()).unwrap_or(&text)),
                        "hasSuffix" => V::Bool(text.ends_with(affix.as_str())),
                        _ => V::Bool(text.starts_with(affix.as_str())),
                    }),
                    _ => None,
                }
            }
            "elem" => {
                let x = arg(0);
                list(&arg(1)).and_then(|items| {
                    let mut unsure = false;
                    for i in items.iter() {
                        match self.equal(&x, &self.force(i)) {
                            Some(true) => return Some(V::Bool(true)),
                            Some(false) => {}
                            None => unsure = true,
                        }
                    }
                    (!unsure).then_some(V::Bool(false))
                })
            }
            "head" => list(&arg(0)).and_then(|items| items.first().map(|l| self.force(l))),
            "tail" => list(&arg(0)).filter(|i| !i.is_empty()).map(|items| new_list(items[1..].to_vec())),
            "length" => list(&arg(0)).map(|items| V::Int(items.len() as i64)),
            "toString" => self.coerce(&arg(0)).map(|(t, _)| s(&t)),
            "baseNameOf" => self.coerce(&arg(0)).map(|(t, _)| s(t.rsplit('/').next().unwrap_or(&t))),
            "concatStringsSep" => match (arg(0).str().map(str::to_owned), strings(&arg(1))) {
                (Some(sep), Some(parts)) => Some(s(&parts.join(&sep))),
                _ => None,
            },
            "unique" => list(&arg(0)).map(|items| {
                let mut out: Vec<Lazy> = Vec::new();
                let mut seen: Vec<V> = Vec::new();
                for i in items.iter() {
                    let v = self.force(i);
                    if !seen.iter().any(|x| self.equal(x, &v) == Some(true)) {
                        seen.push(v.clone());
                        out.push(val(v));
                    }
                }
                new_list(out)
            }),
            "optional" | "optionals" | "optionalAttrs" => match arg(0) {
                V::Bool(true) if name == "optional" => Some(new_list(vec![args[1].clone()])),
                V::Bool(true) => Some(arg(1)),
                V::Bool(false) if name == "optionalAttrs" => Some(new_set(BTreeMap::new())),
                V::Bool(false) => Some(new_list(Vec::new())),
                _ => None,
            },
            "id" => Some(arg(0)),
            "const" => Some(arg(0)),
            "removeAttrs" => match (set(&arg(0)), strings(&arg(1))) {
                (Some(e), Some(drop)) => {
                    let mut e = e.as_ref().clone();
                    for d in drop {
                        e.remove(&d);
                    }
                    Some(new_set(e))
                }
                _ => None,
            },
            "hasAttr" => match (arg(0).str().map(str::to_owned), set(&arg(1))) {
                (Some(n), Some(e)) => Some(V::Bool(e.contains_key(&n))),
                _ => None,
            },
            "getAttr" => arg(0).str().map(str::to_owned).and_then(|n| self.attr(&arg(1), &n)),
            "isAttrs" => Some(V::Bool(matches!(arg(0), V::Set(..)))),
            "isList" => Some(V::Bool(matches!(arg(0), V::List(..)))),
            "isString" => Some(V::Bool(matches!(arg(0), V::Str(..)))),
            "pipe" => list(&arg(1)).map(|fs| {
                let mut v = args[0].clone();
                for f in fs.iter() {
                    v = val(self.apply_v(&self.force(f), v));
                }
                self.force(&v)
            }),
            "recursiveUpdate" => match (arg(0), arg(1)) {
                (V::Set(a, _), V::Set(b, node)) => {
                    let mut all = a.as_ref().clone();
                    all.extend(b.iter().map(|(k, v)| (k.clone(), v.clone())));
                    Some(V::Set(Rc::new(all), node))
                }
                _ => None,
            },
            _ => None,
        };
        out.unwrap_or_else(|| unknown(&[]))
    }

    fn flatten(&self, v: &V, out: &mut Vec<Lazy>, deep: bool, depth: u32) {
        match v {
            V::List(items) if depth < 16 => {
                for i in items.iter() {
                    let item = self.force(i);
                    match item {
                        V::List(_) if deep || depth == 0 => self.flatten(&item, out, deep, depth + 1),
                        other => out.push(Lazy::Val(other)),
                    }
                }
            }
            _ => {}
        }
    }
}
