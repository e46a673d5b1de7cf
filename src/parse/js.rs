//! JavaScript string semantics, so the line-based readers below agree with the
//! official OpenSpec CLI (a Node.js program) character for character.
//!
//! The official CLI reads Markdown with JavaScript regular expressions. Their
//! character classes differ from Rust's: JS `\s` includes U+FEFF (BOM) but not
//! U+0085, JS `.` stops at `\r`, U+2028 and U+2029, and JS `\d`/`\b` are ASCII.
//! Every reader in `parse` goes through the helpers and class strings here
//! instead of Rust's defaults.

/// `\s` in a JavaScript regular expression (WhiteSpace and LineTerminator).
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// Characters a JavaScript `.` does not match (without the `s` flag).
pub fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// `String.prototype.trim`.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `String.prototype.trimEnd`.
pub fn trim_end(s: &str) -> &str {
    s.trim_end_matches(is_space)
}

/// `String.prototype.trimStart`.
pub fn trim_start(s: &str) -> &str {
    s.trim_start_matches(is_space)
}

/// True when `s` is empty after `trim()`.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_space)
}

/// The JS `\s` class, for use inside `regex` patterns.
pub const S: &str = r"[\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}]";

/// The JS `.` class (no `s` flag), for use inside `regex` patterns.
pub const DOT: &str = r"[^\n\r\u{2028}\u{2029}]";

/// Expand `\s` and `.` in a JS-flavoured pattern into the classes above, so a
/// pattern can be written as it reads in the official source. Only the escape
/// `\s` and an unescaped `.` outside brackets are rewritten.
pub fn pattern(js: &str) -> String {
    let mut out = String::with_capacity(js.len() * 2);
    let mut chars = js.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('s') if !in_class => out.push_str(S),
                Some('s') => out.push_str(&S[1..S.len() - 1]),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '.' if !in_class => out.push_str(DOT),
            _ => out.push(c),
        }
    }
    out
}

/// Compile a JS-flavoured pattern (see [`pattern`]) once.
macro_rules! js_regex {
    ($name:ident, $pat:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(&$crate::parse::js::pattern($pat)).expect("valid built-in pattern")
        });
    };
}
pub(crate) use js_regex;

/// Strip one leading UTF-8 BOM and turn `\r\n` and lone `\r` into `\n`
/// (the official `normalizeContent`).
pub fn normalize(content: &str) -> std::borrow::Cow<'_, str> {
    let body = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    if body.contains('\r') {
        std::borrow::Cow::Owned(body.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(body)
    }
}

/// `\r\n?` → `\n` without touching a BOM (used where the official code does
/// not strip one).
pub fn normalize_line_endings(content: &str) -> std::borrow::Cow<'_, str> {
    if content.contains('\r') {
        std::borrow::Cow::Owned(content.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(content)
    }
}

/// ASCII word character, as JS `\w` and `\b` see it.
pub fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `/\b(SHALL|MUST)\b/` with JS (ASCII) word boundaries.
pub fn contains_shall_or_must(text: &str) -> bool {
    for keyword in ["SHALL", "MUST"] {
        let mut from = 0;
        while let Some(pos) = text[from..].find(keyword) {
            let start = from + pos;
            let end = start + keyword.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
                return true;
            }
            from = start + 1;
        }
    }
    false
}

/// Number of UTF-16 code units, which is what JS `.length` counts.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Fenced code detection shared by the spec and delta readers
/// (`code-fence.ts`): a line whose first non-blank characters are three or
/// more backticks or tildes opens a fence; it closes at a line holding only the
/// same character repeated at least as often. The mask marks the fence lines
/// too. An unclosed fence runs to the end.
pub fn fence_mask<S: AsRef<str>>(lines: &[S]) -> Vec<bool> {
    let mut mask = vec![false; lines.len()];
    let mut active: Option<(char, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        let line = line.as_ref();
        match active {
            None => {
                if let Some((marker, len, _)) = fence_run(line) {
                    active = Some((marker, len));
                    mask[i] = true;
                }
            }
            Some((marker, len)) => {
                mask[i] = true;
                if let Some((m, l, rest)) = fence_run(line)
                    && m == marker
                    && l >= len
                    && is_blank(rest)
                {
                    active = None;
                }
            }
        }
    }
    mask
}

/// `^\s*(`{3,}|~{3,})`: the fence character, the run length and what follows.
fn fence_run(line: &str) -> Option<(char, usize, &str)> {
    let rest = trim_start(line);
    let marker = rest.chars().next()?;
    if marker != '`' && marker != '~' {
        return None;
    }
    let len = rest.len() - rest.trim_start_matches(marker).len();
    (len >= 3).then(|| (marker, len, &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_space_differs_from_rust() {
        assert!(is_space('\u{FEFF}'));
        assert!(!is_space('\u{85}'));
        assert_eq!(trim("\u{FEFF} a \u{A0}"), "a");
    }

    #[test]
    fn shall_must_needs_ascii_word_boundaries() {
        assert!(contains_shall_or_must("The system SHALL work"));
        assert!(contains_shall_or_must("MUST."));
        assert!(!contains_shall_or_must("SHALLOW"));
        assert!(!contains_shall_or_must("shall"));
        assert!(!contains_shall_or_must("_MUST"));
        // JS \b is ASCII-only: an accented letter is not a word character.
        assert!(contains_shall_or_must("éMUSTé"));
    }

    #[test]
    fn fences_close_on_same_marker_and_length() {
        let lines = ["a", "````md", "```", "````", "b", "~~~", "c"];
        assert_eq!(fence_mask(&lines), [false, true, true, true, false, true, true]);
    }

    #[test]
    fn pattern_rewrites_classes() {
        let p = pattern(r"^#\s+(.+)$");
        let re = regex::Regex::new(&p).unwrap();
        assert!(re.is_match("#\u{FEFF}x"));
        assert!(!re.is_match("# a\u{2028}b"));
    }
}
