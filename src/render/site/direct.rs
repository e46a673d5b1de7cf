//! Markdown without raw HTML, written straight to the HTML the sanitiser
//! would make of it, without the sanitiser.
//!
//! [`super::markdown`] renders Markdown with pulldown-cmark and cleans the
//! result with ammonia, which parses it as HTML, drops what it does not
//! allow and writes the rest back. When the Markdown holds no raw HTML, all
//! that pulldown-cmark writes is its own fixed set of tags with escaped
//! text, and what ammonia makes of each is known: this writer is
//! pulldown-cmark's HTML writer (its tags, and the newlines it puts between
//! them) writing that directly. The text and every attribute are escaped;
//! a link keeps its `href` only under the sanitiser's own rule (a URL that
//! parses, of an allowed scheme: the same [`ammonia::Url`] parse); classes
//! (`language-x`), styles (table alignment), images and task-list
//! checkboxes are left out, as the sanitiser leaves them out.
//!
//! [`write`] refuses (returns `None`) any event it does not write the way
//! the sanitiser would, and any text that the HTML parser would change
//! (carriage returns, NUL and other control characters, U+FEFF,
//! non-characters, the sanitiser's stand-ins): the caller then takes the
//! sanitiser's path. The test `direct_html_is_what_the_sanitiser_makes`
//! holds the two paths to the same bytes.

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use std::fmt::Write as _;

/// The `rel` the sanitiser gives every link.
const LINK_REL: &str = "noopener noreferrer nofollow";

/// The schemes a link may keep.
const SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The HTML for `events` (pulldown-cmark's, as [`super::markdown`] filters
/// them), or `None` when this writer cannot promise the sanitiser's bytes.
pub(super) fn write(events: &[Event<'_>], capacity: usize) -> Option<String> {
    let mut w = Writer { out: String::with_capacity(capacity), end_newline: true, head: true };
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Image { .. }) => {
                // Dropped whole by the sanitiser (its alt text is an
                // attribute), as pulldown-cmark reads past its events.
                let mut nest = 0usize;
                i += 1;
                while i < events.len() {
                    match &events[i] {
                        Event::Start(_) => nest += 1,
                        Event::End(_) if nest == 0 => break,
                        Event::End(_) => nest -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                // pulldown-cmark wrote `" />` last.
                w.end_newline = false;
            }
            Event::Start(tag) => w.start(tag)?,
            Event::End(tag) => w.end(*tag)?,
            Event::Text(t) => {
                if !plain(t) {
                    return None;
                }
                escape_text(&mut w.out, t);
                w.end_newline = t.ends_with('\n');
            }
            Event::Code(t) => {
                if !plain(t) {
                    return None;
                }
                w.out.push_str("<code>");
                escape_text(&mut w.out, t);
                w.write("</code>");
            }
            Event::SoftBreak => w.write("\n"),
            Event::HardBreak => w.write("<br>\n"),
            Event::Rule => w.block("<hr>\n"),
            // The checkbox is dropped; the newline pulldown-cmark writes after it stays.
            Event::TaskListMarker(_) => w.write("\n"),
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_) => return None,
        }
        i += 1;
    }
    Some(w.out)
}

/// Whether the HTML parser reads `text` back as it is: none of the
/// characters it drops, replaces or reports (carriage return, NUL and the
/// other controls but tab and newline, U+FEFF, non-characters), nor the
/// sanitiser path's stand-ins (so both paths agree on them too).
fn plain(text: &str) -> bool {
    text.chars().all(|c| {
        !(c.is_control() && c != '\n' && c != '\t'
            || c == '\u{FEFF}'
            || ('\u{E000}'..='\u{E002}').contains(&c)
            || ('\u{FDD0}'..='\u{FDEF}').contains(&c)
            || (c as u32 & 0xFFFE) == 0xFFFE)
    })
}

/// Text as the sanitiser writes it: `&`, `<`, `>` and no-break space as
/// entities.
fn escape_text(out: &mut String, text: &str) {
    escape(out, text, false);
}

/// An attribute value as the sanitiser writes it: `"` too.
fn escape_attr(out: &mut String, text: &str) {
    escape(out, text, true);
}

fn escape(out: &mut String, text: &str, attr: bool) {
    let mut from = 0;
    for (i, c) in text.char_indices() {
        let entity = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' if attr => "&quot;",
            '\u{A0}' => "&nbsp;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + c.len_utf8();
    }
    out.push_str(&text[from..]);
}

/// A link's `href` as the sanitiser sees it: pulldown-cmark's
/// percent-escaped URL (`&` and `'` as entities, which the HTML parser
/// reads back), kept only when it parses as a URL of an allowed scheme.
fn href(link_type: LinkType, dest: &str) -> Option<String> {
    let mut escaped = String::with_capacity(dest.len() + 7);
    if link_type == LinkType::Email {
        escaped.push_str("mailto:");
    }
    pulldown_cmark_escape::escape_href(&mut escaped, dest).ok()?;
    let value = escaped.replace("&amp;", "&").replace("&#x27;", "'");
    let url = ammonia::Url::parse(&value).ok()?;
    SCHEMES.contains(&url.scheme()).then_some(value)
}

/// pulldown-cmark's writer state: whether the output ends a line, and
/// which part of a table it is in.
struct Writer {
    out: String,
    end_newline: bool,
    /// In a table's head (cells are `th`), else its body (`td`).
    head: bool,
}

impl Writer {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// A block's opening tag, on a line of its own.
    fn block(&mut self, s: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(s);
    }

    fn start(&mut self, tag: &Tag<'_>) -> Option<()> {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading { level, id: None, classes, attrs } if classes.is_empty() && attrs.is_empty() => {
                self.block(&format!("<{level}>"));
            }
            Tag::BlockQuote(None) => self.block("<blockquote>\n"),
            Tag::CodeBlock(_) => {
                // The language (`class="language-x"`) is dropped.
                if !self.end_newline {
                    self.write("\n");
                }
                self.write("<pre><code>");
            }
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => self.block(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.block("<ul>\n"),
            Tag::Item => self.block("<li>"),
            Tag::Table(_) => self.write("<table>"),
            Tag::TableHead => {
                self.head = true;
                self.write("<thead><tr>");
            }
            Tag::TableRow => self.write("<tr>"),
            Tag::TableCell => self.write(if self.head { "<th>" } else { "<td>" }),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link { link_type, dest_url, title, id: _ } => {
                if !plain(dest_url) || !plain(title) {
                    return None;
                }
                self.out.push_str("<a");
                if let Some(href) = href(*link_type, dest_url) {
                    self.out.push_str(" href=\"");
                    escape_attr(&mut self.out, &href);
                    self.out.push('"');
                }
                if !title.is_empty() {
                    self.out.push_str(" title=\"");
                    escape_attr(&mut self.out, title);
                    self.out.push('"');
                }
                let _ = write!(self.out, " rel=\"{LINK_REL}\"");
                self.write(">");
            }
            _ => return None,
        }
        Some(())
    }

    fn end(&mut self, tag: TagEnd) -> Option<()> {
        match tag {
            TagEnd::Paragraph => self.write("</p>\n"),
            TagEnd::Heading(level) => self.write(&format!("</{level}>\n")),
            TagEnd::BlockQuote(None) => self.write("</blockquote>\n"),
            TagEnd::CodeBlock => self.write("</code></pre>\n"),
            TagEnd::List(true) => self.write("</ol>\n"),
            TagEnd::List(false) => self.write("</ul>\n"),
            TagEnd::Item => self.write("</li>\n"),
            TagEnd::Table => self.write("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.head = false;
                self.write("</tr></thead><tbody>\n");
            }
            TagEnd::TableRow => self.write("</tr>\n"),
            TagEnd::TableCell => self.write(if self.head { "</th>" } else { "</td>" }),
            TagEnd::Emphasis => self.write("</em>"),
            TagEnd::Strong => self.write("</strong>"),
            TagEnd::Strikethrough => self.write("</del>"),
            TagEnd::Link => self.write("</a>"),
            _ => return None,
        }
        Some(())
    }
}
