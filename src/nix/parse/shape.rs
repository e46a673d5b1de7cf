//! The pre-scan: one cheap pass over a file's bytes that decides whether
//! rnix may parse it here, on a thread with a larger stack, or not at all.

/// Deepest bracket nesting, or longest run of unary operators, read.
pub(super) const MAX_NESTING: usize = 200;

/// Most terms read in one expression outside a list (`f a b c ...`, `a + b + ...`).
const MAX_CHAIN: usize = 2000;

/// Terms of the expressions open at one point above which the file is parsed
/// on a thread with a stack sized to it.
const LONG_EXPRESSION: usize = 2000;

/// How a file is shaped, as far as rnix's stack and time go.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// Parse it anywhere.
    Plain,
    /// Long expressions, nested: rnix builds and drops a tree as deep as all
    /// of them together, so it is parsed on a thread with a stack sized to the file.
    Long,
    /// At this byte offset: brackets nested or unary operators chained deeper
    /// than [`MAX_NESTING`] (rnix recurses without a limit there), or an
    /// expression of more than [`MAX_CHAIN`] terms (rnix takes quadratic time
    /// on long calls). No hand-written Nix does this; the file is not read.
    Deep(usize),
}

/// One pass over the bytes, outside strings and comments, counting terms
/// (names, literals, operators, bracketed groups) per open bracket.
pub(super) fn shape(text: &str) -> Shape {
    let b = text.as_bytes();
    let (mut i, mut unary, mut open_terms) = (0, 0usize, 0usize);
    let mut levels = vec![Level { list: false, terms: 0 }];
    let (mut in_term, mut long) = (false, false);
    while i < b.len() {
        let c = b[i];
        i += 1;
        // Most bytes: blanks and names.
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                in_term = false;
                continue;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => {
                unary = 0;
                if !in_term {
                    in_term = true;
                    if count(&mut levels, &mut open_terms) {
                        return Shape::Deep(i - 1);
                    }
                    long |= open_terms > LONG_EXPRESSION;
                }
                continue;
            }
            _ => {}
        }
        unary = if matches!(c, b'-' | b'!') && b.get(i) != Some(&b'>') { unary + 1 } else { 0 };
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i) == Some(&b'*') => {
                i += 1;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'"' | b'\'' if c == b'"' || b.get(i) == Some(&b'\'') => {
                if c == b'"' {
                    while i < b.len() && b[i] != b'"' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                } else {
                    i += 1;
                    while i < b.len() {
                        if b[i] == b'\'' && b.get(i + 1) == Some(&b'\'') {
                            if matches!(b.get(i + 2), Some(b'$' | b'\'' | b'\\')) {
                                i += 3;
                                continue;
                            }
                            i += 2;
                            break;
                        }
                        i += 1;
                    }
                }
                if !in_term && count(&mut levels, &mut open_terms) {
                    return Shape::Deep(i.min(b.len()));
                }
                in_term = true;
            }
            b';' | b',' | b'=' | b':' => {
                let top = levels.last_mut().expect("never empty");
                open_terms -= top.terms;
                top.terms = 0;
                in_term = false;
            }
            b'[' | b'{' | b'(' => {
                if !in_term && count(&mut levels, &mut open_terms) {
                    return Shape::Deep(i - 1);
                }
                levels.push(Level { list: c == b'[', terms: 0 });
                in_term = false;
                if levels.len() > MAX_NESTING + 1 {
                    return Shape::Deep(i - 1);
                }
            }
            b']' | b'}' | b')' => {
                if levels.len() > 1 {
                    open_terms -= levels.pop().expect("checked").terms;
                }
                in_term = false;
            }
            b'+' | b'-' | b'*' | b'/' | b'<' | b'>' | b'!' | b'&' | b'|' | b'?' | b'@' | b'.' => {
                if count(&mut levels, &mut open_terms) || unary > MAX_NESTING {
                    return Shape::Deep(i - 1);
                }
                in_term = false;
            }
            _ => {
                if !in_term && count(&mut levels, &mut open_terms) {
                    return Shape::Deep(i - 1);
                }
                in_term = true;
            }
        }
        long |= open_terms > LONG_EXPRESSION;
    }
    if long { Shape::Long } else { Shape::Plain }
}

/// An open bracket (or the file) while scanning: is it a list, and how many
/// terms its current expression has.
struct Level {
    list: bool,
    terms: usize,
}

/// One more term in the innermost open expression (list items are not
/// chained, so they do not count); true when that makes it too long.
fn count(levels: &mut [Level], open_terms: &mut usize) -> bool {
    let top = levels.last_mut().expect("never empty");
    if !top.list {
        top.terms += 1;
        *open_terms += 1;
    }
    top.terms > MAX_CHAIN
}
