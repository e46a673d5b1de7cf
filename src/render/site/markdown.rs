//! Markdown from the repository as safe HTML: pulldown-cmark, headings
//! fitted into the page's outline, then sanitised with ammonia.

use crate::model::Requirement;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Sanitiser for Markdown from the repository: no script, style, frame,
/// form, image or event handler; only http(s) and mailto links; relative
/// links (to repository files the site does not have) lose their target.
fn cleaner() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"));
    b
}

thread_local! {
    static CLEANER: ammonia::Builder<'static> = cleaner();
}

/// How deep block quotes and lists nest in a page: deeper ones are drawn at
/// this depth. The sanitiser's tree builder is quadratic in nesting (`> `
/// × 100,000 took 33 s); no document a person wrote comes near it.
const MAX_NESTING: usize = 32;

/// Stand-ins for `&`, `<` and `>` in text handed to the sanitiser, put back
/// as entities after it: text full of entities (`&#x` × 600,000) made its
/// tokenizer quadratic, plain characters do not. Used only when the
/// document holds none of them itself.
const STAND_INS: [(char, &str); 3] = [('\u{E000}', "&amp;"), ('\u{E001}', "&lt;"), ('\u{E002}', "&gt;")];

fn stand_in(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => STAND_INS[0].0,
            '<' => STAND_INS[1].0,
            '>' => STAND_INS[2].0,
            c => c,
        })
        .collect()
}

/// Render Markdown to safe HTML. Headings start at level `base` and never
/// skip a level (the page's outline stays valid); `drop_title` removes a
/// leading `# ` heading that repeats the page title. Linear in the text:
/// nesting is capped (32 levels), entities reach the sanitiser as
/// stand-ins.
pub fn markdown(text: &str, base: u8, drop_title: bool) -> String {
    let stand_ins = !text.contains(STAND_INS.map(|s| s.0));
    // Per open tag: whether it was dropped for nesting too deep.
    let mut open: Vec<bool> = Vec::new();
    let mut containers = 0usize;
    let mut in_image = 0usize;
    let mut last_md = 0u8;
    let mut last_out = base - 1;
    let mut skipping = false;
    let mut first = true;
    let events =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS)
            .filter_map(|event| {
                let starts_block = matches!(event, Event::Start(_));
                match event {
                    Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                        let md = level as u8;
                        if first && drop_title && md == 1 {
                            skipping = true;
                            first = false;
                            return None;
                        }
                        first = false;
                        let out = if md > last_md {
                            (last_out + 1).min(6)
                        } else {
                            (base + md - 1).clamp(base, last_out).min(6)
                        };
                        last_md = md;
                        last_out = out;
                        Some(Event::Start(Tag::Heading { level: heading(out), id, classes, attrs }))
                    }
                    Event::End(TagEnd::Heading(_)) if skipping => {
                        skipping = false;
                        None
                    }
                    Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Heading(heading(last_out)))),
                    Event::Html(h) | Event::InlineHtml(h) => {
                        if starts_block {
                            first = false;
                        }
                        (!skipping).then_some(Event::Html(h))
                    }
                    other => {
                        if starts_block {
                            first = false;
                        }
                        (!skipping).then_some(other)
                    }
                }
            });
    let events = events.filter_map(|event| {
        let container = |t: &Tag<'_>| matches!(t, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item);
        match &event {
            Event::Start(t) => {
                let deep = container(t) && containers >= MAX_NESTING;
                containers += usize::from(container(t) && !deep);
                in_image += usize::from(matches!(t, Tag::Image { .. }));
                open.push(deep);
                (!deep).then_some(event)
            }
            Event::End(t) => {
                let deep = open.pop().unwrap_or(false);
                let is_container = matches!(t, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item);
                containers -= usize::from(is_container && !deep && containers > 0);
                in_image -= usize::from(matches!(t, TagEnd::Image) && in_image > 0);
                (!deep).then_some(event)
            }
            // Text outside an image's alt (an attribute) goes in as stand-ins.
            Event::Text(t) if stand_ins && in_image == 0 => Some(Event::Html(stand_in(t).into())),
            Event::Code(t) if stand_ins && in_image == 0 => {
                Some(Event::Html(format!("<code>{}</code>", stand_in(t)).into()))
            }
            _ => Some(event),
        }
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    let clean = CLEANER.with(|c| c.clean(&html).to_string());
    if !stand_ins {
        return clean;
    }
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match STAND_INS.iter().find(|s| s.0 == c) {
            Some((_, entity)) => out.push_str(entity),
            None => out.push(c),
        }
    }
    out
}

fn heading(level: u8) -> HeadingLevel {
    match level {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Inline Markdown (a task's text) to safe HTML without a paragraph. Text
/// in which Markdown and the sanitiser find nothing to do ([`is_plain`]) is
/// its own HTML, and skips both.
pub(super) fn inline_markdown(text: &str) -> String {
    if is_plain(text) {
        return text.to_owned();
    }
    let html = markdown(text, 3, false);
    let trimmed = html.trim();
    trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")).unwrap_or(trimmed).to_owned()
}

/// Whether [`inline_markdown`] gives `text` back as it is: one line that
/// starts with a letter or digit (no block: not a list item like `1. x`)
/// and ends in no space, of characters that open no Markdown construct and
/// that the sanitiser writes as they are (no `&`, `<`, `>`, no-break space,
/// control character or stand-in). The test
/// `plain_text_is_its_own_inline_html` holds it to the full path.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(first) = bytes.first() else { return false };
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let list_marker = (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && matches!(bytes.get(digits + 1), None | Some(b' '));
    first.is_ascii_alphanumeric()
        && !list_marker
        && !text.ends_with(char::is_whitespace)
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || " .,;:-'\"?/()=+%#$@{}".contains(c)
                || (!c.is_ascii()
                    && !c.is_whitespace()
                    && !c.is_control()
                    && !STAND_INS.iter().any(|s| s.0 == c)
                    && c != '\u{FEFF}')
        })
}

/// A requirement's text and its scenarios, each as safe HTML; the
/// `requirement` macro of `templates/site/partials/macros.html` draws it.
pub(super) struct RequirementBody {
    pub(super) text: String,
    /// The level of the scenarios' headings.
    pub(super) heading: u8,
    /// `(name, text as HTML)`.
    pub(super) scenarios: Vec<(String, String)>,
}

/// A requirement's text and scenarios, the scenarios under headings one
/// level below `level`.
pub(super) fn requirement_body(r: &Requirement, level: u8) -> RequirementBody {
    RequirementBody {
        text: markdown(&r.text, level + 1, false),
        heading: (level + 1).min(6),
        scenarios: r
            .scenarios
            .iter()
            .map(|sc| (sc.name.clone(), markdown(&sc.text, (level + 2).min(6), false)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markdown_is_inert() {
        let html = markdown(
            "# T\n<script>window.__spec_pwned=1</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[x](javascript:alert(1)) [y](./local.md) [z](https://example.org)\n\n<iframe src=\"https://evil\"></iframe><form action=\"/\"><input></form><svg onload=alert(1)></svg>",
            3,
            false,
        );
        for bad in ["<script", "onerror", "javascript:", "<iframe", "<form", "onload", "<img", "local.md"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("href=\"https://example.org\""), "{html}");
    }

    #[test]
    fn text_reaches_the_page_escaped_whatever_the_path() {
        let text = "a & b < c > d \"e\" `x<&>y`\n\n```\n<b>&</b>\n```\n";
        let want = "<p>a &amp; b &lt; c &gt; d \"e\" <code>x&lt;&amp;&gt;y</code></p>\n<pre><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>\n";
        assert_eq!(markdown(text, 3, false), want);
        // A document holding a stand-in character itself takes the plain path.
        let with = format!("{text}\n\u{E000}\n");
        assert_eq!(markdown(&with, 3, false), format!("{want}<p>\u{E000}</p>\n"));
    }

    #[test]
    fn nesting_is_capped_and_floods_stay_linear() {
        let deep = markdown(&format!("{}x\n", "> ".repeat(100_000)), 3, false);
        assert_eq!(deep.matches("<blockquote>").count(), MAX_NESTING);
        assert_eq!(deep.matches("</blockquote>").count(), MAX_NESTING);
        let flood = markdown(&"&#x".repeat(600_000), 3, false);
        assert_eq!(flood.matches("&amp;#x").count(), 600_000);
    }

    #[test]
    fn plain_text_is_its_own_inline_html() {
        // Every string of up to 3 characters from an alphabet of the
        // characters that matter, and longer ones from a fixed generator:
        // wherever the shortcut applies, the full path agrees.
        let alphabet: Vec<char> =
            "a1 .)-*_#=+'\"?/()&<>[]!`~|\\:;,{}$%@^\u{a0}\u{3000}é日\u{E000}\u{FEFF}\t\n\r".chars().collect();
        let mut cases: Vec<String> = vec![String::new()];
        let mut last = cases.clone();
        for _ in 0..3 {
            last = last.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
            cases.extend(last.iter().cloned());
        }
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let len = 1 + (seed % 24) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(seed >> 33) as usize % alphabet.len()]
                })
                .collect();
            cases.push(s);
        }
        cases.extend(["1.1 Add the module", "12) x", "1.", "2. list", "1234567890. x"].map(String::from));
        let mut plain = 0;
        for text in &cases {
            if is_plain(text) {
                plain += 1;
                let html = markdown(text, 3, false);
                let full = html.trim().strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")).unwrap_or(html.trim());
                assert_eq!(full, text, "{text:?}");
            }
        }
        assert!(plain > 1000, "the shortcut is taken: {plain}");
        assert!(is_plain("1.1 Add the module") && !is_plain("2. list") && !is_plain("a & b"));
    }

    #[test]
    fn headings_start_at_base_and_never_skip() {
        let html = markdown("# A\n### B\n## C\n#### D\n", 3, false);
        assert_eq!(html.matches("<h3>").count(), 1, "{html}");
        assert!(html.contains("<h4>B</h4>") && html.contains("<h4>C</h4>") && html.contains("<h5>D</h5>"), "{html}");
        let dropped = markdown("# Change: X\n\n## Why\ntext\n", 3, true);
        assert!(!dropped.contains("Change: X") && dropped.contains("<h3>Why</h3>"), "{dropped}");
    }
}
