//! `proposal.md` and `design.md`: prose documents read with pulldown-cmark
//! into headed sections (with line numbers), plus the proposal's title, Why,
//! What Changes and Impact.
//!
//! The title follows the official `extractTitle` (first `# ` line, `Change:`
//! removed, `Proposal` ignored) so `spec` and `openspec` name a change alike.

use super::js::{self, js_regex};
use crate::model::{DocSection, Document, Impact, Proposal, SourceLine};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Byte offset → 1-based line lookup.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

fn level_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A heading found by pulldown-cmark: level, title, where the heading starts
/// and where its body starts (byte offsets).
struct Head {
    level: usize,
    title: String,
    start: usize,
    body: usize,
}

fn heads(text: &str) -> Vec<Head> {
    let mut heads = Vec::new();
    let mut current: Option<Head> = None;
    for (event, range) in
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Head { level: level_number(level), title: String::new(), start: range.start, body: 0 })
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(head) = current.as_mut() {
                    head.title.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(head) = current.as_mut() {
                    head.title.push(' ');
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut head) = current.take() {
                    head.title = head.title.trim().to_owned();
                    head.body = range.end;
                    heads.push(head);
                }
            }
            _ => {}
        }
    }
    heads
}

/// The text under heading `i`: up to the next heading of any level when
/// `nested` is false, else up to the next heading of the same or a higher
/// level (sub-sections included).
fn body<'a>(text: &'a str, heads: &[Head], i: usize, nested: bool) -> &'a str {
    let head = &heads[i];
    let end = heads[i + 1..].iter().find(|h| !nested || h.level <= head.level).map_or(text.len(), |h| h.start);
    text.get(head.body..end.max(head.body)).unwrap_or_default().trim()
}

/// Read a Markdown document into its headings, each with its own text (up to
/// the next heading of any level) and line number.
pub fn document(path: &str, raw: &str) -> Document {
    let text = raw.strip_prefix('\u{FEFF}').unwrap_or(raw);
    let index = LineIndex::new(text);
    let heads = heads(text);
    let sections: Vec<DocSection> = (0..heads.len())
        .map(|i| DocSection {
            level: heads[i].level,
            title: heads[i].title.clone(),
            line: index.line(heads[i].start),
            content: body(text, &heads, i, false).to_owned(),
        })
        .collect();
    Document { path: path.to_owned(), title: sections.first().map(|s| s.title.clone()), sections, text: raw.to_owned() }
}

js_regex!(TITLE, r"(?mR)^#\s+(?:(?i-u:Change:)\s+)?(.+)$");

/// The official `extractTitle`: the first `# ` line, without `Change:`;
/// none when missing or when it is just `Proposal`.
pub fn title(text: &str) -> Option<String> {
    let caps = TITLE.captures(text)?;
    let title = js::trim(&caps[1]);
    (!title.is_empty() && title.to_lowercase() != "proposal").then(|| title.to_owned())
}

/// Parse a proposal. Why, What Changes and Impact include their sub-sections.
pub fn proposal(path: &str, text: &str) -> Proposal {
    let doc = document(path, text);
    let stripped = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let heads = heads(stripped);
    let find = |name: &str| heads.iter().position(|h| h.title.eq_ignore_ascii_case(name));
    let content = |name: &str| find(name).map(|i| body(stripped, &heads, i, true).to_owned()).filter(|c| !c.is_empty());
    let impact = find("Impact").map(|i| impact(&doc.sections[i], text));
    Proposal {
        path: path.to_owned(),
        title: title(text),
        why: content("Why"),
        what_changes: content("What Changes"),
        impact,
        sections: doc.sections,
        text: doc.text,
    }
}

/// Split an Impact section into affected specs, affected code lines and the rest.
fn impact(section: &DocSection, text: &str) -> Impact {
    let mut impact = Impact::default();
    let lines: Vec<&str> = text.split('\n').collect();
    // Lines after the heading, up to the next heading.
    let body = lines.iter().enumerate().skip(section.line);
    // Indent of the "Affected code" bullet while its sub-bullets are read.
    let mut in_code: Option<usize> = None;
    for (i, raw) in body {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if line.trim_start().starts_with('#') {
            break;
        }
        let indent = line.len() - line.trim_start().len();
        let plain = strip_bullet(line.trim()).replace("**", "").replace("__", "");
        let lower = plain.to_lowercase();
        if let Some(open) = in_code {
            if indent > open {
                impact.code.push(SourceLine { line: i + 1, text: strip_bullet(line.trim()).to_owned() });
                continue;
            }
            in_code = None;
        }
        if let Some(rest) =
            label_value(&plain, &lower, "affected specs").or_else(|| label_value(&plain, &lower, "affected spec"))
        {
            impact.specs.extend(capabilities(rest));
        } else if let Some(rest) = label_value(&plain, &lower, "affected code") {
            if !rest.trim().is_empty() {
                impact.code.push(SourceLine { line: i + 1, text: rest.trim().to_owned() });
            }
            in_code = Some(indent);
        } else {
            impact.other.push(SourceLine { line: i + 1, text: strip_bullet(line.trim()).to_owned() });
        }
    }
    impact
}

fn strip_bullet(line: &str) -> &str {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    line
}

/// The text after `label:` when the line starts with the label.
fn label_value<'a>(plain: &'a str, lower: &str, label: &str) -> Option<&'a str> {
    let rest = lower.strip_prefix(label)?;
    let rest = rest.trim_start();
    let colon = rest.strip_prefix(':')?;
    Some(&plain[plain.len() - colon.len()..])
}

/// Capability names from an "Affected specs" value: comma-separated names,
/// backticks and parenthesised notes removed, a trailing "capability" dropped;
/// phrases of several words are not names and are skipped.
fn capabilities(value: &str) -> Vec<String> {
    let mut depth = 0usize;
    let stripped: String = value
        .chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect();
    stripped
        .split([',', ';'])
        .flat_map(|s| s.split(" and "))
        .map(|s| {
            let s = s.trim().trim_end_matches('.').replace('`', "");
            let s = s.trim();
            s.strip_suffix(" capability").unwrap_or(s).trim().to_owned()
        })
        .filter(|s| !s.is_empty() && !s.contains(char::is_whitespace))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Change: Add Zed IDE\n\n## Why\nBecause.\n\n## What Changes\n- Add zed\n\n## Impact\n\n- Affected specs: development-tools (new capability), `editor`\n- **Affected code**:\n  - New: `hosts/yoga/zed.nix` (config)\n  - flake.nix\n- No breaking changes\n";

    #[test]
    fn titles_follow_the_official_rule() {
        assert_eq!(title(TEXT).as_deref(), Some("Add Zed IDE"));
        assert_eq!(title("# Proposal\n"), None);
        assert_eq!(title("text\n# change: lower\n").as_deref(), Some("lower"));
        assert_eq!(title("## Only h2\n"), None);
    }

    #[test]
    fn sections_and_impact() {
        let p = proposal("proposal.md", TEXT);
        assert_eq!(p.why.as_deref(), Some("Because."));
        assert_eq!(p.what_changes.as_deref(), Some("- Add zed"));
        let impact = p.impact.unwrap();
        assert_eq!(impact.specs, ["development-tools", "editor"]);
        let code: Vec<_> = impact.code.iter().map(|l| (l.line, l.text.as_str())).collect();
        assert_eq!(code, [(13, "New: `hosts/yoga/zed.nix` (config)"), (14, "flake.nix")]);
        assert_eq!(impact.other[0].text, "No breaking changes");
    }

    #[test]
    fn plain_spec_lists() {
        assert_eq!(capabilities("configuration (new capability), neovim capability"), ["configuration", "neovim"]);
    }

    #[test]
    fn document_lines() {
        let doc = document("d.md", "intro\n\n# A\ntext\n## B\nmore\n# C\n");
        let s: Vec<_> = doc.sections.iter().map(|s| (s.title.as_str(), s.line, s.content.as_str())).collect();
        assert_eq!(s, [("A", 3, "text"), ("B", 5, "more"), ("C", 7, "")]);
    }
}
