//! The escapers, one per target. Everything `spec` shows comes from the
//! repository it reads, which is untrusted: a folder name, a title or a task
//! is text, never markup, a control sequence or a command, whatever it holds.
//!
//! - [`html`] for text and attribute values of the site's pages, [`svg`] for
//!   its diagrams, which are XML and so cannot hold every character HTML can.
//!   Both escape the same five characters (`&`, `<`, `>`, `"`, `'`), so a
//!   value is safe in text and in a quoted attribute alike.
//! - [`terminal`] for one line of text on a terminal or in a CI log.
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
}
