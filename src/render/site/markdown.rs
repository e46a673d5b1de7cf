//! Markdown from the repository as safe HTML: pulldown-cmark, headings
//! fitted into the page's outline, then sanitised with ammonia, or, when
//! there is no raw HTML, written as ammonia would write it
//! ([`super::direct`]).

use super::direct;
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
/// stand-ins. Markdown without raw HTML is written as the sanitiser would
/// write it, without the sanitiser (`direct`).
pub fn markdown(text: &str, base: u8, drop_title: bool) -> String {
    let events: Vec<Event<'_>> = fitted(text, base, drop_title).collect();
    match direct::write(&events, text.len() * 3 / 2) {
        Some(html) => html,
        None => sanitised(text, events),
    }
}

/// pulldown-cmark's events for `text`, headings fitted into the page's
/// outline (see [`markdown`]) and nesting capped at [`MAX_NESTING`].
fn fitted(text: &str, base: u8, drop_title: bool) -> impl Iterator<Item = Event<'_>> {
    // Per open tag: whether it was dropped for nesting too deep.
    let mut open: Vec<bool> = Vec::new();
    let mut containers = 0usize;
    let mut last_md = 0u8;
    let mut last_out = base - 1;
    let mut skipping = false;
    let mut first = true;
    let events =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS)
            .filter_map(move |event| {
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
    events.filter_map(move |event| {
        let container = |t: &Tag<'_>| matches!(t, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item);
        match &event {
            Event::Start(t) => {
                let deep = container(t) && containers >= MAX_NESTING;
                containers += usize::from(container(t) && !deep);
                open.push(deep);
                (!deep).then_some(event)
            }
            Event::End(t) => {
                let deep = open.pop().unwrap_or(false);
                let is_container = matches!(t, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item);
                containers -= usize::from(is_container && !deep && containers > 0);
                (!deep).then_some(event)
            }
            _ => Some(event),
        }
    })
}

/// [`markdown`]'s `events` of `text` through the sanitiser, text as
/// stand-ins.
fn sanitised(text: &str, events: Vec<Event<'_>>) -> String {
    let stand_ins = !text.contains(STAND_INS.map(|s| s.0));
    let mut in_image = 0usize;
    let events = events.into_iter().map(|event| match event {
        Event::Start(Tag::Image { .. }) => {
            in_image += 1;
            event
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            event
        }
        // Text outside an image's alt (an attribute) goes in as stand-ins.
        Event::Text(t) if stand_ins && in_image == 0 => Event::Html(stand_in(&t).into()),
        Event::Code(t) if stand_ins && in_image == 0 => Event::Html(format!("<code>{}</code>", stand_in(&t)).into()),
        _ => event,
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

    /// Both paths of [`markdown`] for `text`: the direct one (when it
    /// applies) and the sanitiser's.
    fn both(text: &str, base: u8, drop_title: bool) -> (Option<String>, String) {
        let events: Vec<Event<'_>> = fitted(text, base, drop_title).collect();
        (direct::write(&events, 0), sanitised(text, events))
    }

    #[test]
    fn direct_html_is_what_the_sanitiser_makes() {
        // Blocks and inlines of every kind pulldown-cmark makes here, links
        // of every scheme and shape, entities, characters the HTML parser
        // treats apart; documents drawn from them by a fixed generator, and
        // every Markdown file of the repository: wherever the direct path
        // applies, it writes the sanitiser's bytes.
        let blocks = [
            "# Title",
            "## Why",
            "### Deep `code`",
            "#### *four*",
            "Setext\n===",
            "Under\n---",
            "plain text here",
            "- item",
            "- a\n- b\n  - nested\n    - deeper",
            "1. one\n2. two",
            "3. three\n4. four",
            "- [ ] task",
            "- [x] done *em*",
            "* loose\n\n* list",
            "> quote\n> more",
            "> > nested\n> quote",
            "```rust\nfn x() -> Vec<u8> { a && b }\n```",
            "```\n\nleading blank\n```",
            "~~~ info string\ncode\n~~~",
            "    indented <code>",
            "---",
            "***",
            "___",
            "| a | b | c |\n|:--|--:|:-:|\n| 1 | *2* | `3` |\n| x |",
            "| h |\n|---|",
            "line one\nline two",
            "hard  \nbreak",
            "back\\\nslash",
            "- item\n\n  para in item\n\n  ```\n  code in item\n  ```",
            "1. x\n   > quote in item",
            "cr\r\nlf\rcr",
            "```\na\r\nb\rc\n```",
            "| a |\r\n|---|\r\n| b |",
            "[ref]: https://ref.example/path \"Ref title\"",
            "",
            "\n\n",
        ];
        let inlines = [
            "*em*",
            "**strong**",
            "~~del~~",
            "_under_",
            "`code <&> \"q\"`",
            "``a ` b``",
            "[link](https://example.org/a?b=1&c='2')",
            "[rel](./local.md)",
            "[js](javascript:alert(1))",
            "[JS](JAVASCRIPT:alert(1))",
            "[vb](vbscript:x)",
            "[data](data:text/html,<b>x</b>)",
            "[m](mailto:a@b.example)",
            "<https://auto.example/x?y=1&z=2>",
            "<a@b.example>",
            "<ftp://old.example>",
            "[t](https://x.example \"title & <q> \\\" 'x'\")",
            "[t](https://x.example 'single')",
            "![img](x.png)",
            "![alt *em* `c`](y.png \"t\")",
            "[![i](a.png)](https://z.example)",
            "[ref]",
            "[Ref][ref]",
            "&amp; &lt; &gt; &copy; &#x41; &quot;",
            "&nbsp;x\u{a0}y",
            "日本語",
            "é",
            "\"quotes\" 'single'",
            "a & b < c > d",
            "foo_bar_baz",
            "http://bare.example",
            "[x](<sp ace>)",
            "[x](https://ex.example/%41%zz)",
            "[x](//proto.example)",
            "[x](#frag)",
            "[x](?q)",
            "[x](ftp://f.example)",
            "[x](HTTPS://UP.EXAMPLE)",
            "[x](http://[::1]/)",
            "[x](https://ex.example/\u{e9}\u{a0})",
            "[x](http://a.example/\"q\")",
            "[x](https:)",
            "[x](https://)",
            "[x](http:/one)",
            "[x](https://exa mple)",
            "[x](mailto:)",
            "[x](MailTo:a@b)",
            "[x](tel:123)",
            "[x](https://a.example/<b>)",
            "[x]()",
            "[](https://empty.example)",
            "[x](https://a.example/&amp;b)",
            "\ttab",
            "\\*not em\\*",
            "**[link in bold](https://l.example)**",
            "~~`del code`~~",
            "&#0;",
            "&#13;",
            "&#xFEFF;",
            "&#xE000;",
            "&#x7F;",
            "&#xFFFE;",
            "x\u{0C}y",
            "trailing \\",
            "<b>raw</b>",
            "<!-- c -->",
            "a <br> b",
        ];
        let mut docs: Vec<String> = Vec::new();
        for b in &blocks {
            docs.push((*b).to_owned());
            for i in &inlines {
                docs.push(format!("{b} {i}\n"));
                docs.push(format!("{i}\n\n{b}\n"));
            }
        }
        let mut seed = 11u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for _ in 0..4000 {
            let mut doc = String::new();
            for _ in 0..1 + next(6) {
                doc.push_str(blocks[next(blocks.len())]);
                for _ in 0..next(4) {
                    doc.push(' ');
                    doc.push_str(inlines[next(inlines.len())]);
                }
                doc.push_str(["\n", "\n\n", "\n  ", " "][next(4)]);
            }
            docs.push(doc);
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for entry in walkdir::WalkDir::new(root).into_iter().filter_entry(|e| e.file_name() != "target").flatten() {
            if entry.path().extension().is_some_and(|x| x == "md")
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                docs.push(text);
            }
        }
        let mut direct = 0;
        for doc in &docs {
            for (base, drop_title) in [(3, false), (2, true)] {
                let (fast, full) = both(doc, base, drop_title);
                if let Some(fast) = fast {
                    direct += 1;
                    assert_eq!(fast, full, "{doc:?}");
                }
            }
        }
        assert!(direct > docs.len(), "the direct path is taken: {direct} of {}", docs.len() * 2);
        // Raw HTML and text the parser would change take the sanitiser's path.
        for text in ["<b>x</b>", "a <i>b</i>", "<!-- c -->", "&#xE000;", "x\u{1}y", "a\u{FEFF}b"] {
            assert!(both(text, 3, false).0.is_none(), "{text:?}");
        }
    }
}
