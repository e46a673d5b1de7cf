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

/// Render Markdown to safe HTML. Headings start at level `base` and never
/// skip a level (the page's outline stays valid); `drop_title` removes a
/// leading `# ` heading that repeats the page title.
pub fn markdown(text: &str, base: u8, drop_title: bool) -> String {
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
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    CLEANER.with(|c| c.clean(&html).to_string())
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

/// Inline Markdown (a task's text) to safe HTML without a paragraph.
pub(super) fn inline_markdown(text: &str) -> String {
    let html = markdown(text, 3, false);
    let trimmed = html.trim();
    trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")).unwrap_or(trimmed).to_owned()
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
    fn headings_start_at_base_and_never_skip() {
        let html = markdown("# A\n### B\n## C\n#### D\n", 3, false);
        assert_eq!(html.matches("<h3>").count(), 1, "{html}");
        assert!(html.contains("<h4>B</h4>") && html.contains("<h4>C</h4>") && html.contains("<h5>D</h5>"), "{html}");
        let dropped = markdown("# Change: X\n\n## Why\ntext\n", 3, true);
        assert!(!dropped.contains("Change: X") && dropped.contains("<h3>Why</h3>"), "{dropped}");
    }
}
