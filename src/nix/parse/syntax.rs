//! Free helpers over the rnix syntax tree: finding nodes, reading names,
//! values and bodies, seeing through parentheses and scopes, taking calls
//! and lists apart. They know Nix's syntax, not what a flake means.

use rnix::{NodeOrToken, SyntaxKind, SyntaxKind::*, SyntaxNode};

/// The nodes of some kinds, in source order. Found on the green tree, which
/// costs no allocation per node; only the nodes found are made into
/// `SyntaxNode`s (rowan allocates one per node visited).
pub(super) fn find(root: &SyntaxNode, kinds: &[SyntaxKind]) -> Vec<SyntaxNode> {
    let wanted = |k: rowan::SyntaxKind| kinds.iter().any(|w| *w as u16 == k.0);
    let mut ranges = Vec::new();
    let mut stack: Vec<(&rowan::GreenNodeData, rowan::TextSize)> = vec![(root.green(), root.text_range().start())];
    while let Some((node, mut offset)) = stack.pop() {
        for child in node.children() {
            let len = child.text_len();
            if let NodeOrToken::Node(n) = child {
                if wanted(n.kind()) {
                    ranges.push(rowan::TextRange::at(offset, len));
                }
                stack.push((n, offset));
            }
            offset += len;
        }
    }
    ranges.sort_by_key(|r| (r.start(), std::cmp::Reverse(r.end())));
    ranges
        .into_iter()
        .filter_map(|range| {
            let start = match root.covering_element(range) {
                NodeOrToken::Node(n) => n,
                NodeOrToken::Token(t) => t.parent()?,
            };
            start.ancestors().find(|n| n.text_range() == range && kinds.contains(&n.kind()))
        })
        .collect()
}

/// The text of an identifier node.
pub(super) fn ident(node: &SyntaxNode) -> Option<String> {
    if node.kind() != NODE_IDENT {
        return None;
    }
    node.first_token().map(|t| t.text().to_owned())
}

/// The value of `key = value;`.
pub(super) fn value(av: &SyntaxNode) -> Option<SyntaxNode> {
    av.children().find(|c| c.kind() != NODE_ATTRPATH)
}

/// The body of a lambda, `let`, `with` or `assert`.
pub(super) fn body(node: &SyntaxNode) -> Option<SyntaxNode> {
    match node.kind() {
        NODE_LET_IN => {
            node.children().filter(|c| !matches!(c.kind(), NODE_ATTRPATH_VALUE | NODE_INHERIT | NODE_ERROR)).last()
        }
        NODE_LAMBDA | NODE_WITH | NODE_ASSERT => node.children().nth(1),
        _ => None,
    }
}

/// Strip parentheses.
pub(super) fn unwrap(node: &SyntaxNode) -> SyntaxNode {
    let mut node = node.clone();
    while node.kind() == NODE_PAREN {
        match node.first_child() {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Strip parentheses, `let ... in` and `with ...;`.
pub(super) fn unwrap_scopes(node: &SyntaxNode) -> SyntaxNode {
    let mut node = unwrap(node);
    while matches!(node.kind(), NODE_LET_IN | NODE_WITH) {
        match body(&node) {
            Some(b) => node = unwrap(&b),
            None => break,
        }
    }
    node
}

/// The operator token of a binary operation.
pub(super) fn bin_op(node: &SyntaxNode) -> Option<SyntaxKind> {
    node.children_with_tokens()
        .filter_map(|c| c.into_token())
        .map(|t| t.kind())
        .find(|k| !matches!(k, TOKEN_WHITESPACE | TOKEN_COMMENT))
}

/// A call `f a b` as its function and arguments in order.
pub(super) fn apply(node: &SyntaxNode) -> Option<(SyntaxNode, Vec<SyntaxNode>)> {
    if node.kind() != NODE_APPLY {
        return None;
    }
    let mut args = Vec::new();
    let mut node = node.clone();
    while node.kind() == NODE_APPLY {
        let mut kids = node.children();
        let f = kids.next()?;
        args.push(kids.next()?);
        node = unwrap(&f);
    }
    args.reverse();
    Some((node, args))
}

/// The name a call's function goes by: `mkIf`, `lib.mkIf`, `nixpkgs.lib.nixosSystem`.
pub(super) fn head_name(head: &SyntaxNode) -> Option<String> {
    match head.kind() {
        NODE_IDENT => ident(head),
        NODE_SELECT => {
            let attr = head.children().find(|c| c.kind() == NODE_ATTRPATH)?.children().last()?;
            match attr.kind() {
                NODE_IDENT => ident(&attr),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The items of a list value, through parentheses, `++` and `optionals cond [ ... ]`.
pub(super) fn list_items(node: &SyntaxNode) -> Vec<SyntaxNode> {
    let node = unwrap(node);
    match node.kind() {
        NODE_LIST => node.children().collect(),
        NODE_BIN_OP if bin_op(&node) == Some(TOKEN_CONCAT) => node.children().flat_map(|c| list_items(&c)).collect(),
        NODE_APPLY => apply(&node).and_then(|(_, args)| args.last().map(list_items)).unwrap_or_default(),
        _ => Vec::new(),
    }
}
