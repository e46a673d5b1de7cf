//! The escapers, one per target. Everything `spec` shows comes from the
//! repository it reads, which is untrusted: a folder name, a title or a task
//! is text, never markup, a control sequence or a command, whatever it holds.
//!
//! - [`html`] for text and attribute values of the site's pages, [`svg`] for
//!   its diagrams, which are XML and so cannot hold every character HTML can.
//!   Both escape the same five characters (`&`, `<`, `>`, `"`, `'`), so a
//!   value is safe in text and in a quoted attribute alike.
//! - [`terminal`] for one line of text on a terminal or in a CI log.
//! - [`markdown`], [`markdown_html`] and [`markdown_code`] for GitHub-flavoured
//!   Markdown (ROADMAP.md, the `spec diff` comment): text, text inside raw
//!   HTML, inline code; [`markdown_block`] for prose that is Markdown by design.
//!
//! GitHub annotations and mermaid labels have their escapers beside their
//! renderers ([`super::diagnostic`], [`super::mermaid`]), built on these.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escape text or a quoted attribute value for HTML: `&`, `<`, `>`, `"` and
/// `'` become entities, every other character stays as it is.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape text or an attribute value for SVG: first made XML-safe (tabs and
/// line breaks become spaces, characters XML cannot hold become U+FFFD), then
/// escaped as by [`html`], so the output is well-formed XML.
pub fn svg(text: &str) -> String {
    html(&xml_safe(text))
}

/// The text with tabs and line breaks as spaces and every character XML 1.0
/// cannot hold (even escaped) as U+FFFD.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if xml_char(c) => c,
            _ => '\u{FFFD}',
        })
        .collect()
}

/// Whether XML 1.0 can hold the character at all (even escaped).
fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether a terminal or a log would act on the character instead of only
/// showing it: every C0 control (line breaks and the tab included), DEL, every
/// C1 control (CSI and OSC among them), the line and paragraph separators and
/// the bidirectional controls that reorder what is shown.
pub fn acts(c: char) -> bool {
    const MARKS_AND_SEPARATORS: [char; 4] = ['\u{200E}', '\u{200F}', '\u{2028}', '\u{2029}'];
    c.is_control()
        || MARKS_AND_SEPARATORS.contains(&c)
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// One line of repository text for a terminal or a log: every character that
/// [`acts`] becomes a visible escape (`\n`, `\r`, `\t`, `\x1b`, `\u{9b}`,
/// `\u{202e}`), so the text cannot end the line (and start a GitHub workflow
/// command), move the cursor, change colours, set the title or the clipboard
/// (OSC 52), ring the bell or reorder what follows. Everything else is kept,
/// and text with nothing to escape is borrowed as it is. `spec`'s own colours
/// ([`super::style::Style`]) are added around escaped text, never inside it.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if acts(c) && c.is_ascii() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if acts(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The text on one line: each run of whitespace (line breaks included) one
/// space, none at the ends, and every other character that [`acts`] U+FFFD.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| if acts(c) { '\u{FFFD}' } else { c }));
    }
    out
}

/// Where GitHub reads a mention or a link in text it shows, a zero-width
/// space (`&#8203;`, an entity so the Markdown source shows it) breaks it:
/// after an `@` that starts a mention (`@user`, `@org/team`: at the start or
/// after a character that is not a word character) or an e-mail address
/// (`a@b.example`, which links), before the `:` of `://` (`https://…`) and
/// before the `.` of `www.`. The text looks the same; nobody is notified and
/// nothing links to another host. `alice@rog` (no mention, no address) stays.
/// With `links` false only mentions are broken.
fn inert(out: &mut String, chars: &[char], i: usize, links: bool) -> bool {
    let c = chars[i];
    let word = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    let at = || {
        let Some(before) = i.checked_sub(1).map(|b| chars[b]) else { return true };
        let domain = chars[i + 1..].iter().take_while(|c| word(c) || matches!(c, '-' | '.'));
        !word(&before) || domain.filter(|c| **c == '.').count() > 0
    };
    let www = i >= 3 && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www");
    match c {
        '@' if at() => out.push_str("@&#8203;"),
        ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') && links => out.push_str("&#8203;:"),
        '.' if links && www => out.push_str("&#8203;."),
        _ => return false,
    }
    true
}

/// Whether `&` at `i` could start an entity (`&#64;`, `&commat;`), which
/// would otherwise spell what [`inert`] broke.
fn entity_at(chars: &[char], i: usize) -> bool {
    chars.get(i + 1).is_some_and(|n| *n == '#' || n.is_ascii_alphanumeric())
}

/// Repository text as one line of GitHub-flavoured Markdown, in a table cell,
/// a list item or a heading: shown as it is, never read as markup. On one
/// line (whitespace collapsed, other controls U+FFFD); `\`, `|`, `[` and `]`
/// backslash-escaped (no table column, link, image or footnote); `<` as
/// `&lt;` (no HTML, no comment, so no `spec:begin`/`spec:end` marker, no
/// `<https://…>` autolink); `&` as `&amp;` where it could start an entity;
/// mentions and bare links broken by a zero-width space (`&#8203;`); a
/// leading fence (```` ``` ````, `~~~`) escaped. Emphasis and code spans
/// stay, as the author wrote them.
pub fn markdown(text: &str) -> String {
    gfm(&one_line(text), false)
}

/// [`markdown`] of a line, with `` ` ``, `*`, `_` and `~` backslash-escaped
/// too when `literal` (no code span, emphasis or strikethrough either).
fn gfm(line: &str, literal: bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    if !literal && (line.starts_with("```") || line.starts_with("~~~")) {
        out.push('\\');
    }
    for (i, &c) in chars.iter().enumerate() {
        if inert(&mut out, &chars, i, true) {
            continue;
        }
        match c {
            '\\' | '|' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '`' | '*' | '_' | '~' if literal => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '&' if entity_at(&chars, i) => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Repository text as one line inside raw HTML in Markdown (the `<summary>`
/// of a `spec diff` comment), where Markdown is not read but HTML and
/// GitHub's mentions are: on one line (a blank line would end the HTML
/// block), `&`, `<` and `>` as entities, mentions and links broken as by
/// [`markdown`].
pub fn markdown_html(text: &str) -> String {
    let line = one_line(text);
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if inert(&mut out, &chars, i, true) {
            continue;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Repository text as inline code in GitHub-flavoured Markdown, on one line.
/// A code span shows its text as it is, so its fence is one backtick longer
/// than the longest run in the text (with a space inside each fence when the
/// text holds one). A code span cannot escape anything, though: text with
/// `<` (which could spell the managed block's markers) or `|` (which ends a
/// table cell) is a `<code>` element instead, its text escaped by
/// [`markdown`] and its backticks, `*`, `_` and `~` backslash-escaped.
pub fn markdown_code(text: &str) -> String {
    let line = one_line(text);
    if line.contains(['<', '|']) {
        return format!("<code>{}</code>", gfm(&line, true));
    }
    let mut longest = 0;
    let mut run = 0;
    for c in line.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{line}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {line} {fence}")
}

/// Prose from the repository that is Markdown by design (the roadmap's
/// summary): its lines, emphasis and links stay, but every character that
/// [`acts`] but the tab becomes U+FFFD, `<` is `&lt;` (no HTML, no
/// comment, no marker), `&` is `&amp;` where it could start an entity,
/// mentions are broken as by [`markdown`] and a line that would open a code
/// fence (and swallow the rest of the file) is escaped.
pub fn markdown_block(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.lines().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let chars: Vec<char> = line.chars().map(|c| if acts(c) && c != '\t' { '\u{FFFD}' } else { c }).collect();
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        let fence = |f: char| chars[indent..].iter().take_while(|c| **c == f).count() >= 3;
        for (i, &c) in chars.iter().enumerate() {
            if i == indent && indent <= 3 && (fence('`') || fence('~')) {
                out.push('\\');
            }
            match c {
                '<' => out.push_str("&lt;"),
                '&' if entity_at(&chars, i) => out.push_str("&amp;"),
                _ if inert(&mut out, &chars, i, false) => {}
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_the_five_and_keeps_the_rest() {
        assert_eq!(html("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
        assert_eq!(html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        // Already escaped text is escaped again: the escaper never guesses.
        assert_eq!(html("&amp;"), "&amp;amp;");
        // Whitespace, control characters and non-ASCII pass through.
        assert_eq!(html("a\tb\nc\r\u{0}\u{1b}\u{FFFF} é 日本 🦀"), "a\tb\nc\r\u{0}\u{1b}\u{FFFF} é 日本 🦀");
        assert_eq!(html(""), "");
    }

    #[test]
    fn svg_makes_text_xml_safe_then_escapes_it_the_same_way() {
        assert_eq!(svg("a & b < c > d \"e\" 'f'"), html("a & b < c > d \"e\" 'f'"));
        assert_eq!(svg("a\tb\nc\rd"), "a b c d");
        assert_eq!(svg("<\u{0}>\u{1b}&"), "&lt;\u{FFFD}&gt;\u{FFFD}&amp;");
        for bad in ['\u{0}', '\u{8}', '\u{B}', '\u{C}', '\u{E}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'] {
            assert_eq!(svg(&bad.to_string()), "\u{FFFD}", "{:?}", bad);
        }
        for good in [' ', '~', '\u{7F}', '\u{85}', 'é', '日', '\u{FFFD}', '🦀'] {
            assert_eq!(svg(&good.to_string()), good.to_string(), "{:?}", good);
        }
        assert_eq!(svg(""), "");
    }

    #[test]
    fn terminal_shows_what_a_terminal_would_act_on() {
        for plain in ["add-auth", "Add auth & sessions (v2) -> done", "é 日本 🦀 \\n", ""] {
            assert!(matches!(terminal(plain), Cow::Borrowed(_)), "{plain}");
        }
        assert_eq!(terminal("x\n::error file=a::b"), "x\\n::error file=a::b");
        assert_eq!(
            terminal("\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\r\t\u{0}\u{7f}"),
            "\\x1b[2J\\x1b]52;c;aGk=\\x07\\r\\t\\x00\\x7f"
        );
        assert_eq!(
            terminal("\u{9b}31m \u{85} \u{202e}abc \u{2066} \u{2028}"),
            "\\u{9b}31m \\u{85} \\u{202e}abc \\u{2066} \\u{2028}"
        );
        // Escaped text holds nothing to escape: escaping twice changes nothing.
        let once = terminal("a\u{1b}b\nc").into_owned();
        assert_eq!(terminal(&once), once);
        // spec's own colours go around the escaped text.
        let style = super::super::style::Style::new(true);
        assert_eq!(style.good(&terminal("\u{1b}[8m")), "\u{1b}[32m\\x1b[8m\u{1b}[0m");
    }

    #[test]
    fn markdown_keeps_plain_text_and_defuses_markup() {
        for plain in ["Add auth & sessions (v2) -> done", "alice@rog", "Write *tests* with `cargo test`", "5% done"] {
            assert_eq!(markdown(plain), plain);
        }
        assert_eq!(markdown("a |\n b"), "a \\| b");
        assert_eq!(markdown("</details><img src=x>"), "&lt;/details>&lt;img src=x>");
        assert_eq!(markdown("<!-- spec:end -->"), "&lt;!-- spec:end -->");
        assert_eq!(
            markdown("@octocat, @org/team, a@b.example"),
            "@&#8203;octocat, @&#8203;org/team, a@&#8203;b.example"
        );
        assert_eq!(markdown("[x](https://e.example) ![i](u)"), "\\[x\\](https&#8203;://e.example) !\\[i\\](u)");
        assert_eq!(markdown("<https://e.example> www.e.example"), "&lt;https&#8203;://e.example> www&#8203;.e.example");
        assert_eq!(markdown("\\[x\\](u) &#64;a &amp; & b"), "\\\\\\[x\\\\\\](u) &amp;#64;a &amp;amp; & b");
        assert_eq!(markdown("```rust"), "\\```rust");
        assert_eq!(markdown("a\u{1b}[31mb\u{7}"), "a\u{FFFD}\\[31mb\u{FFFD}");
    }

    #[test]
    fn markdown_html_is_text_in_raw_html() {
        assert_eq!(markdown_html("Add auth & sessions"), "Add auth &amp; sessions");
        assert_eq!(markdown_html("</summary></details>\n\n# x"), "&lt;/summary&gt;&lt;/details&gt; # x");
        assert_eq!(markdown_html("@octocat https://e.example"), "@&#8203;octocat https&#8203;://e.example");
    }

    #[test]
    fn markdown_code_fences_are_longer_than_any_backtick_run() {
        assert_eq!(markdown_code("add-auth"), "`add-auth`");
        assert_eq!(markdown_code("a`b"), "`` a`b ``");
        assert_eq!(markdown_code("a``b`"), "``` a``b` ```");
        assert_eq!(markdown_code("a\nb"), "`a b`");
        // A code span cannot escape `<` or `|`: a `<code>` element can.
        assert_eq!(markdown_code("<!-- spec:end -->"), "<code>&lt;!-- spec:end --></code>");
        assert_eq!(markdown_code("a|b`*_~@x"), "<code>a\\|b\\`\\*\\_\\~@&#8203;x</code>");
    }

    #[test]
    fn markdown_block_keeps_prose_but_no_html_fence_or_mention() {
        let prose = "A *roadmap* with [docs](https://e.example).\n\n- one\n  - two";
        assert_eq!(markdown_block(prose), prose);
        assert_eq!(
            markdown_block("a <!-- spec:end --> @team\n```\n  ~~~~x\n    ```"),
            "a &lt;!-- spec:end --> @&#8203;team\n\\```\n  \\~~~~x\n    ```"
        );
        assert_eq!(markdown_block("a\r\nb\u{1b}"), "a\nb\u{FFFD}");
    }
}
