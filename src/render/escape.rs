//! The one escaper of the site: [`html`] for text and attribute values of
//! the HTML pages, [`svg`] for the diagrams, which are XML and so cannot
//! hold every character HTML can. Both escape the same five characters
//! (`&`, `<`, `>`, `"`, `'`), so a value is safe in text and in a quoted
//! attribute alike.

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
}
