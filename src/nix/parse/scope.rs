//! Names, read without evaluating: a string or path expression's value
//! through the bindings in scope (`let`, `rec { }`, a lambda's parameter
//! with its default, a helper's argument bound by a call), attribute names
//! and the entries of a set.

use super::paths::{is_self, rooted_start};
use super::syntax::{apply, bin_op, head_name, ident, unwrap, value};
use super::{Cx, MAX_DEPTH, MAX_SCOPE, MAX_STRING};

/// Largest file imported for its values (settings files are small).
const MAX_IMPORTED: usize = 64 * 1024;
use rnix::{NodeOrToken, SyntaxKind::*, SyntaxNode};

/// A helper's argument: an expression, or a name `genAttrs` passes.
pub(super) enum Arg {
    Node(SyntaxNode),
    Str(String),
}

/// What a name is bound to.
pub(super) enum Bound {
    Expr(SyntaxNode),
    Str(String),
}

impl<'a> Cx<'a> {
    pub(super) fn eval_path(&self, node: &SyntaxNode, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match node.kind() {
            NODE_PATH_REL => {
                let mut out = String::new();
                for part in node.children_with_tokens() {
                    match part {
                        NodeOrToken::Token(t) if t.kind() == TOKEN_PATH_REL => out.push_str(t.text()),
                        NodeOrToken::Node(n) if n.kind() == NODE_INTERPOL => {
                            out.push_str(&self.eval_str(&n.first_child()?, depth + 1)?)
                        }
                        _ => return None,
                    }
                }
                Some(out)
            }
            NODE_PAREN => self.eval_path(&node.first_child()?, depth + 1),
            NODE_BIN_OP if bin_op(node) == Some(TOKEN_ADD) => {
                let mut kids = node.children();
                let left = kids.next()?;
                let right = kids.next()?;
                if is_self(&left) {
                    // `self + /modules/home`, `self + "/modules"`: from the flake's root.
                    let rest = match right.kind() {
                        NODE_PATH_ABS => right.text().to_string(),
                        _ => self.eval_str(&right, depth + 1)?,
                    };
                    return rest.starts_with('/').then_some(rest);
                }
                let left = self.eval_path(&left, depth + 1)?;
                let right = self.eval_str(&right, depth + 1)?;
                Some(left + &right)
            }
            NODE_STRING if rooted_start(node).is_some() => {
                // `"${self}/hosts/${name}"`: the rest of the string, from the root.
                let mut out = String::new();
                for part in node.children_with_tokens().skip(2) {
                    match part {
                        NodeOrToken::Token(t) if t.kind() == TOKEN_STRING_CONTENT => unescape(t.text(), true, &mut out),
                        NodeOrToken::Token(t) if t.kind() == TOKEN_STRING_END => {}
                        NodeOrToken::Node(n) if n.kind() == NODE_INTERPOL => {
                            out.push_str(&self.eval_str(&n.first_child()?, depth + 1)?)
                        }
                        _ => return None,
                    }
                }
                out.starts_with('/').then_some(out)
            }
            NODE_IDENT if self.step() => match self.lookup(&ident(node)?, node)? {
                Bound::Expr(e) => self.eval_path(&e, depth + 1),
                Bound::Str(_) => None,
            },
            _ => None,
        }
    }

    /// A string value: a literal, or interpolations and names bound to strings.
    pub(super) fn eval_str(&self, node: &SyntaxNode, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match node.kind() {
            NODE_PAREN => self.eval_str(&node.first_child()?, depth + 1),
            NODE_STRING => {
                let mut out = String::new();
                let mut quoted = true;
                for part in node.children_with_tokens() {
                    match part {
                        NodeOrToken::Token(t) => match t.kind() {
                            TOKEN_STRING_START => quoted = t.text() == "\"",
                            TOKEN_STRING_CONTENT => unescape(t.text(), quoted, &mut out),
                            TOKEN_STRING_END => {}
                            _ => return None,
                        },
                        NodeOrToken::Node(n) if n.kind() == NODE_INTERPOL => {
                            out.push_str(&self.eval_str(&n.first_child()?, depth + 1)?)
                        }
                        NodeOrToken::Node(_) => return None,
                    }
                }
                (out.len() <= MAX_STRING).then_some(out)
            }
            NODE_IDENT if self.step() => match self.lookup(&ident(node)?, node)? {
                Bound::Str(s) => Some(s),
                Bound::Expr(e) => self.eval_str(&e, depth + 1),
            },
            NODE_SELECT if self.step() => {
                let mut kids = node.children();
                let mut set = self.eval_set(&kids.next()?, depth + 1)?;
                let names = kids.next().filter(|p| p.kind() == NODE_ATTRPATH)?;
                let names: Vec<SyntaxNode> = names.children().collect();
                for (i, attr) in names.iter().enumerate() {
                    let name = self.attr_name(attr)?;
                    let (_, av) = self.entries(&set).find(|(k, _)| k.len() == 1 && k[0] == name)?;
                    let v = value(&av)?;
                    if i + 1 == names.len() {
                        return self.eval_str(&v, depth + 1);
                    }
                    set = self.eval_set(&v, depth + 1)?;
                }
                None
            }
            _ => None,
        }
    }

    /// An attribute set value: a literal, a name bound to one, `import ./x.nix`
    /// of a file whose value is one, and `if builtins.pathExists ./a then
    /// ... else ...` decided by whether the file is there.
    fn eval_set(&self, node: &SyntaxNode, depth: usize) -> Option<SyntaxNode> {
        if depth > MAX_DEPTH || !self.step() {
            return None;
        }
        let node = unwrap(node);
        match node.kind() {
            NODE_ATTR_SET => Some(node),
            NODE_IDENT => match self.lookup(&ident(&node)?, &node)? {
                Bound::Expr(e) => self.eval_set(&e, depth + 1),
                Bound::Str(_) => None,
            },
            NODE_IF_ELSE => {
                let mut kids = node.children();
                let (cond, then, other) = (kids.next()?, kids.next()?, kids.next()?);
                let (head, args) = apply(&unwrap(&cond))?;
                if head_name(&head)? != "pathExists" || args.len() != 1 {
                    return None;
                }
                let exists = self.fetch_path(&args[0]).is_some();
                self.eval_set(if exists { &then } else { &other }, depth + 1)
            }
            NODE_APPLY => {
                let (head, args) = apply(&node)?;
                if head_name(&head)? != "import" || args.len() != 1 {
                    return None;
                }
                let text = self.fetch_path(&args[0])?;
                let left = self.imports_left.get();
                if left == 0 || text.len() > MAX_IMPORTED {
                    return None;
                }
                self.imports_left.set(left - 1);
                let root = rnix::Root::parse(&text).syntax();
                root.first_child().map(|top| unwrap(&top)).filter(|top| top.kind() == NODE_ATTR_SET)
            }
            _ => None,
        }
    }

    /// The text of the file a path expression names.
    fn fetch_path(&self, expr: &SyntaxNode) -> Option<String> {
        self.fetch.read(&self.path_of(expr)?)
    }

    /// What `name` is bound to where `from` is: the nearest `let`, `rec { }`
    /// or lambda parameter (a helper's bound argument, or a default).
    pub(super) fn lookup(&self, name: &str, from: &SyntaxNode) -> Option<Bound> {
        for scope in from.ancestors().take(MAX_SCOPE) {
            match scope.kind() {
                NODE_LET_IN | NODE_LEGACY_LET => {
                    if let Some(v) = self.binding(&scope, name) {
                        return Some(Bound::Expr(v));
                    }
                }
                NODE_ATTR_SET if scope.children_with_tokens().any(|c| c.kind() == TOKEN_REC) => {
                    if let Some(v) = self.binding(&scope, name) {
                        return Some(Bound::Expr(v));
                    }
                }
                NODE_LAMBDA => {
                    let Some(param) = scope.first_child() else { continue };
                    let bound = match param.kind() {
                        NODE_IDENT_PARAM => param.first_child().and_then(|i| ident(&i)).is_some_and(|n| n == name),
                        NODE_PATTERN => param.children().any(|c| match c.kind() {
                            NODE_PAT_ENTRY | NODE_PAT_BIND => c
                                .children()
                                .find(|i| i.kind() == NODE_IDENT)
                                .and_then(|i| ident(&i))
                                .is_some_and(|n| n == name),
                            _ => false,
                        }),
                        _ => false,
                    };
                    if !bound {
                        continue;
                    }
                    if let Some((_, _, v)) = self.subst.iter().rev().find(|(l, n, _)| *l == scope && n == name) {
                        return Some(Bound::Str(v.clone()));
                    }
                    // A parameter's default (`{ hostname ? "rog" }:`).
                    let default = param.children().filter(|c| c.kind() == NODE_PAT_ENTRY).find_map(|c| {
                        let mut kids = c.children();
                        let id = kids.next()?;
                        (ident(&id)? == name).then(|| kids.next()).flatten()
                    });
                    return default.map(Bound::Expr);
                }
                _ => {}
            }
        }
        None
    }

    /// The value of a single-name binding `name = value;` in a `let` or attribute set.
    fn binding(&self, scope: &SyntaxNode, name: &str) -> Option<SyntaxNode> {
        scope.children().filter(|c| c.kind() == NODE_ATTRPATH_VALUE).find_map(|av| {
            let path = av.first_child().filter(|p| p.kind() == NODE_ATTRPATH)?;
            let mut attrs = path.children();
            let first = attrs.next()?;
            if attrs.next().is_some() || first.kind() != NODE_IDENT || ident(&first)? != name {
                return None;
            }
            value(&av)
        })
    }

    /// An attribute name: an identifier, a string or `${...}` that evaluates to one.
    pub(super) fn attr_name(&self, attr: &SyntaxNode) -> Option<String> {
        match attr.kind() {
            NODE_IDENT => ident(attr),
            NODE_STRING => self.eval_str(attr, 0),
            NODE_DYNAMIC => self.eval_str(&attr.children().next()?, 0),
            _ => None,
        }
    }

    /// The entries `a.b.c = value;` of an attribute set or `let`, with their
    /// names resolved (entries with a name that does not resolve are skipped).
    pub(super) fn entries<'n>(&'n self, set: &SyntaxNode) -> impl Iterator<Item = (Vec<String>, SyntaxNode)> + use<'n> {
        set.children().filter(|c| c.kind() == NODE_ATTRPATH_VALUE).filter_map(move |av| {
            let path = av.first_child().filter(|p| p.kind() == NODE_ATTRPATH)?;
            let key = path.children().map(|a| self.attr_name(&a)).collect::<Option<Vec<_>>>()?;
            Some((key, av))
        })
    }

    /// Bind a helper's parameter to a call argument: a string to `name:`, the
    /// strings of an attribute set to `{ hostname, ... }:`.
    pub(super) fn bind(&mut self, lambda: &SyntaxNode, param: &SyntaxNode, arg: &Arg) {
        let arg = match arg {
            Arg::Node(node) => node,
            Arg::Str(s) => {
                let name = param.first_child().filter(|_| param.kind() == NODE_IDENT_PARAM).and_then(|i| ident(&i));
                if let Some(name) = name {
                    self.subst.push((lambda.clone(), name, s.clone()));
                }
                return;
            }
        };
        match param.kind() {
            NODE_IDENT_PARAM => {
                let name = param.first_child().and_then(|i| ident(&i));
                if let (Some(name), Some(v)) = (name, self.eval_str(arg, 0)) {
                    self.subst.push((lambda.clone(), name, v));
                }
            }
            NODE_PATTERN => {
                let arg = unwrap(arg);
                if arg.kind() != NODE_ATTR_SET {
                    return;
                }
                let mut bound = Vec::new();
                for (key, av) in self.entries(&arg) {
                    if let ([name], Some(v)) = (key.as_slice(), value(&av).and_then(|v| self.eval_str(&v, 0))) {
                        bound.push((name.clone(), v));
                    }
                }
                for inherit in arg.children().filter(|c| c.kind() == NODE_INHERIT) {
                    if inherit.children().any(|c| c.kind() == NODE_INHERIT_FROM) {
                        continue;
                    }
                    for attr in inherit.children() {
                        if let Some(v) = ident(&attr).and_then(|n| self.lookup(&n, &arg)).and_then(|b| match b {
                            Bound::Str(s) => Some(s),
                            Bound::Expr(e) => self.eval_str(&e, 0),
                        }) {
                            bound.push((ident(&attr).unwrap_or_default(), v));
                        }
                    }
                }
                for (name, v) in bound {
                    self.subst.push((lambda.clone(), name, v));
                }
            }
            _ => {}
        }
    }
}

/// Append a string literal's content, with the escapes a name can contain resolved.
pub(super) fn unescape(s: &str, quoted: bool, out: &mut String) {
    if !s.contains(['\\', '\'', '$']) {
        out.push_str(s);
        return;
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => {}
            },
            '\'' if !quoted && chars.peek() == Some(&'\'') => {
                chars.next();
                match chars.next() {
                    Some('\\') => out.push(chars.next().unwrap_or('\\')),
                    Some(other) => out.push(other),
                    None => out.push_str("''"),
                }
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::nix::parse::parse;
    use crate::nix::parse::tests::paths;

    #[test]
    fn evaluation_is_bounded() {
        let mut text = String::from("let\n");
        for i in 0..50 {
            text.push_str(&format!("  a{i} = \"${{a{}}}${{a{}}}\";\n", i + 1, i + 1));
        }
        text.push_str("  a50 = \"x\";\nin { imports = [ ./${a0}.nix ./b.nix ]; }");
        let facts = parse("x.nix", &text);
        // 2^50 lookups: the budget runs out; literal paths need none.
        assert_eq!(paths(&facts), [("b.nix", 53, true)]);
        let cyclic = parse("x.nix", "let a = b; b = a; in { imports = [ ./${a}.nix ]; config = mkIf a.enable { }; }");
        assert!(cyclic.paths.is_empty() && cyclic.gate.is_none());
    }
}
