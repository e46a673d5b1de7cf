//! Glob matching of `/`-separated relative paths, as fast-glob does it for
//! the official CLI (`dot: false`): `*`, `?`, `[...]` (with `!`/`^` and
//! ranges), `**` and `{a,b}` alternatives (nested too). A wildcard never
//! matches a name that starts with `.`; only a literal `.` does.

/// Match a `/`-separated path against a glob with `*`, `?`, `[...]`, `**`
/// and `{a,b}` alternatives. As in fast-glob (`dot: false`), a wildcard
/// never matches a name starting with `.`; only a literal `.` does.
pub fn matches(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    expand_braces(pattern).iter().any(|p| {
        let pat: Vec<&str> = p.split('/').collect();
        match_segments(&pat, &parts)
    })
}

/// `a/{b,c}/d` → `a/b/d`, `a/c/d` (nested groups too).
fn expand_braces(pattern: &str) -> Vec<String> {
    let bytes = pattern.as_bytes();
    let Some(open) = pattern.find('{') else { return vec![pattern.to_owned()] };
    let mut depth = 0;
    let mut commas = Vec::new();
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    if commas.is_empty() {
                        // `{x}` is literal; expand what follows it.
                        return expand_braces(&pattern[i + 1..])
                            .into_iter()
                            .map(|rest| format!("{}{rest}", &pattern[..=i]))
                            .collect();
                    }
                    let mut bounds = vec![open];
                    bounds.extend(&commas);
                    bounds.push(i);
                    return bounds
                        .windows(2)
                        .flat_map(|w| {
                            expand_braces(&format!(
                                "{}{}{}",
                                &pattern[..open],
                                &pattern[w[0] + 1..w[1]],
                                &pattern[i + 1..]
                            ))
                        })
                        .collect();
                }
            }
            b',' if depth == 1 => commas.push(i),
            _ => {}
        }
    }
    vec![pattern.to_owned()]
}

fn match_segments(pat: &[&str], parts: &[&str]) -> bool {
    match pat.split_first() {
        None => parts.is_empty(),
        Some((&"**", rest)) => (0..=parts.len())
            .any(|i| parts[..i].iter().all(|p| !p.starts_with('.')) && match_segments(rest, &parts[i..])),
        Some((first, rest)) => parts.split_first().is_some_and(|(p, tail)| {
            (!p.starts_with('.') || first.starts_with('.'))
                && match_segment(&first.chars().collect::<Vec<_>>(), &p.chars().collect::<Vec<_>>())
                && match_segments(rest, tail)
        }),
    }
}

fn match_segment(pat: &[char], s: &[char]) -> bool {
    match pat.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| match_segment(rest, &s[i..])),
        Some(('?', rest)) => !s.is_empty() && match_segment(rest, &s[1..]),
        Some(('[', rest)) => match (class_end(rest), s.split_first()) {
            (Some(end), Some((c, tail))) => in_class(&rest[..end], *c) && match_segment(&rest[end + 1..], tail),
            (Some(_), None) => false,
            (None, _) => s.first() == Some(&'[') && match_segment(rest, &s[1..]),
        },
        Some((c, rest)) => s.first() == Some(c) && match_segment(rest, &s[1..]),
    }
}

/// Index of the `]` closing a class that starts right after `[`.
fn class_end(rest: &[char]) -> Option<usize> {
    let skip = usize::from(matches!(rest.first(), Some('!' | '^')));
    (skip + 1..rest.len()).find(|&i| rest[i] == ']')
}

fn in_class(class: &[char], c: char) -> bool {
    let (negated, class) = match class.split_first() {
        Some(('!' | '^', rest)) => (true, rest),
        _ => (false, class),
    };
    let mut i = 0;
    let mut hit = false;
    while i < class.len() {
        if i + 2 < class.len() && class[i + 1] == '-' {
            hit |= (class[i]..=class[i + 2]).contains(&c);
            i += 3;
        } else {
            hit |= class[i] == c;
            i += 1;
        }
    }
    hit != negated
}

/// Whether a pattern has wildcards (`isGlobPattern`, for the ones [`matches()`] understands).
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[']) || expand_braces(pattern).len() > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(matches("tasks.md", "tasks.md"));
        assert!(matches("plan/*.md", "plan/a.md"));
        assert!(!matches("plan/*.md", "plan/x/a.md"));
        assert!(matches("**/tasks.md", "a/b/tasks.md"));
        assert!(matches("**/tasks.md", "tasks.md"));
        // fast-glob, as the official CLI runs it (1.13.2): `dot: false`,
        // character classes and brace alternatives.
        assert!(!matches("plan/*.md", "plan/.x.md"));
        assert!(!matches("*/*.md", ".hidden/x.md"));
        assert!(!matches("**/tasks.md", ".git/tasks.md"));
        assert!(matches(".hidden/*.md", ".hidden/x.md"));
        assert!(matches("plan/[ab].md", "plan/b.md"));
        assert!(!matches("plan/[!ab].md", "plan/b.md"));
        assert!(matches("{a,b}.md", "b.md"));
        assert!(matches("x/{a,{b,c}}/y.md", "x/c/y.md"));
        assert!(matches("t?.md", "tä.md"));
    }

    #[test]
    fn wildcards_are_told_from_plain_paths() {
        assert!(is_glob("*.md"));
        assert!(is_glob("a/{b,c}.md"));
        assert!(!is_glob("tasks.md"));
        assert!(!is_glob("{x}.md"));
    }
}
