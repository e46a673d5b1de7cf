//! The official CLI's line-based Markdown reader (`markdown-parser.ts`,
//! `requirement-text.ts`): a section tree built from ATX headers outside code
//! fences, where a section's content runs to the next header of the same or a
//! higher level and so includes its sub-sections.
//!
//! This is deliberately not CommonMark: the counts `spec` reports must equal
//! the official ones, and the official reader is this line scan.

use super::js::{self, js_regex};

/// One header and the text under it.
#[derive(Debug, Clone)]
pub struct Section {
    pub level: usize,
    /// The trimmed header title.
    pub title: String,
    /// 1-based line of the header in the normalised text.
    pub line: usize,
    /// The trimmed content up to the next header of the same or a higher level.
    pub content: String,
    /// Indices of the child sections in [`Sections::all`].
    pub children: Vec<usize>,
}

/// All sections of a document in document order, with their nesting.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    pub all: Vec<Section>,
    pub roots: Vec<usize>,
}

js_regex!(HEADER, r"^(#{1,6})\s+(.+)$");
js_regex!(HEADER_START, r"^(#{1,6})\s+");

impl Sections {
    /// Parse the normalised lines of a document (`parseSections`).
    pub fn parse(lines: &[&str], mask: &[bool]) -> Self {
        let mut out = Sections::default();
        let mut stack: Vec<usize> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if mask[i] || !line.starts_with('#') {
                continue;
            }
            // Every header starts with `#`: skip the regex for other lines.
            let Some(caps) = line.starts_with('#').then(|| HEADER.captures(line)).flatten() else { continue };
            let level = caps[1].len();
            let title = js::trim(&caps[2]).to_owned();
            let content = content_until_next_header(lines, mask, i + 1, level);
            while stack.last().is_some_and(|&s| out.all[s].level >= level) {
                stack.pop();
            }
            let index = out.all.len();
            out.all.push(Section { level, title, line: i + 1, content, children: Vec::new() });
            match stack.last() {
                Some(&parent) => out.all[parent].children.push(index),
                None => out.roots.push(index),
            }
            stack.push(index);
        }
        out
    }

    /// The first section, in document order, whose title equals `title`
    /// ignoring case (`findSection`).
    pub fn find(&self, title: &str) -> Option<&Section> {
        let wanted = title.to_lowercase();
        self.all.iter().find(|s| s.title.to_lowercase() == wanted)
    }
}

fn content_until_next_header(lines: &[&str], mask: &[bool], start: usize, level: usize) -> String {
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate().skip(start) {
        if !mask[i] && line.starts_with('#') && HEADER_START.captures(line).is_some_and(|c| c[1].len() <= level) {
            end = i;
            break;
        }
    }
    if start >= end {
        return String::new();
    }
    js::trim(&lines[start..end].join("\n")).to_owned()
}

/// Lines that look like `**ID**: ...` metadata (`^\*\*[^*]+\*\*:`).
fn is_metadata_line(trimmed: &str) -> bool {
    let Some(rest) = trimmed.strip_prefix("**") else { return false };
    let Some(end) = rest.find('*') else { return false };
    end > 0 && rest[end..].starts_with("**:")
}

/// `^#{1,6}\s`: any header line, where a requirement body ends.
fn is_header_line(line: &str) -> bool {
    let hashes = line.len() - line.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && line[hashes..].chars().next().is_some_and(js::is_space)
}

/// `extractRequirementBody`: body lines up to the first non-fenced header,
/// blank and fenced lines dropped, trimmed, joined by `\n`; `**Key**:` lines
/// only when nothing else remains.
pub fn requirement_body<S: AsRef<str>>(body: &[S]) -> String {
    let mask = js::fence_mask(body);
    let mut captured: Vec<&str> = Vec::new();
    let mut metadata: Vec<&str> = Vec::new();
    for (i, line) in body.iter().enumerate() {
        let line = line.as_ref();
        if mask[i] {
            continue;
        }
        if is_header_line(line) {
            break;
        }
        let trimmed = js::trim(line);
        if trimmed.is_empty() {
            continue;
        }
        if is_metadata_line(trimmed) {
            metadata.push(trimmed);
        } else {
            captured.push(trimmed);
        }
    }
    if captured.is_empty() { metadata.join("\n") } else { captured.join("\n") }
}

/// `^####\s+`: a scenario header in a requirement block.
pub fn is_scenario_header(line: &str) -> bool {
    line.strip_prefix("####").and_then(|r| r.chars().next()).is_some_and(js::is_space)
}

/// `^#{1,4}\s`: where a scenario body ends.
fn ends_scenario(line: &str) -> bool {
    let hashes = line.len() - line.trim_start_matches('#').len();
    (1..=4).contains(&hashes) && line[hashes..].chars().next().is_some_and(js::is_space)
}

/// A scenario header found in a requirement block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioBlock {
    /// Index of the header line within the block body.
    pub index: usize,
    /// The header line as written.
    pub header: String,
    /// The body up to the next header of level 1 to 4.
    pub body: String,
}

/// The scenario headers of a requirement block body (`readScenarioBodies`).
pub fn scenario_blocks<S: AsRef<str>>(body: &[S]) -> Vec<ScenarioBlock> {
    let mask = js::fence_mask(body);
    let mut out = Vec::new();
    for i in 0..body.len() {
        if mask[i] || !is_scenario_header(body[i].as_ref()) {
            continue;
        }
        let mut end = i + 1;
        while end < body.len() && (mask[end] || !ends_scenario(body[end].as_ref())) {
            end += 1;
        }
        let text: Vec<&str> = body[i + 1..end].iter().map(AsRef::as_ref).collect();
        out.push(ScenarioBlock { index: i, header: body[i].as_ref().to_owned(), body: text.join("\n") });
    }
    out
}

/// Scenario display name: header without `####`, a closing `#` run and a
/// `Scenario:` prefix (`scenarioNameAt`).
pub fn scenario_name(header: &str) -> String {
    let rest = header.trim_start_matches('#');
    let rest = js::trim_start(rest);
    let rest = strip_closing_hashes(rest);
    let rest = strip_prefix_ci(rest, "scenario:").map(js::trim_start).unwrap_or(rest);
    js::trim(rest).to_owned()
}

/// Remove a closing `[ \t]+#+[ \t]*$` run (`normalizeRequirementName` before
/// its trim).
pub fn strip_closing_hashes(s: &str) -> &str {
    let t = s.trim_end_matches([' ', '\t']);
    let h = t.trim_end_matches('#');
    if h.len() < t.len() {
        let before = h.trim_end_matches([' ', '\t']);
        if before.len() < h.len() {
            return before;
        }
    }
    s
}

/// ASCII case-insensitive prefix strip.
pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// `normalizeRequirementName`.
pub fn normalize_requirement_name(name: &str) -> String {
    js::trim(strip_closing_hashes(name)).to_owned()
}

/// `foldRequirementName`: a requirement name compared case- and
/// whitespace-insensitively (trimmed, lower case, inner white space one space).
pub fn fold_requirement_name(name: &str) -> String {
    let lower = normalize_requirement_name(name).to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut space = false;
    for c in lower.chars() {
        if js::is_space(c) {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_requirement_names() {
        assert_eq!(fold_requirement_name("Foo  Bar ##"), "foo bar");
        assert_eq!(fold_requirement_name("  User \t Login "), fold_requirement_name("user login"));
    }

    fn sections(text: &str) -> Sections {
        let lines: Vec<&str> = text.split('\n').collect();
        let mask = js::fence_mask(&lines);
        Sections::parse(&lines, &mask)
    }

    #[test]
    fn section_tree_nests_by_level() {
        let s = sections("# T\n## Purpose\nP\n## Requirements\n### R1\nx\n#### S\ny\n### R2\n");
        assert_eq!(s.roots.len(), 1);
        let req = s.find("requirements").unwrap();
        assert_eq!(req.children.len(), 2);
        assert_eq!(s.all[req.children[0]].children.len(), 1);
        assert_eq!(req.content, "### R1\nx\n#### S\ny\n### R2");
    }

    #[test]
    fn header_needs_space_and_title() {
        let s = sections("##Requirements\n####### seven\n## \n##  \n");
        let titles: Vec<_> = s.all.iter().map(|s| s.title.as_str()).collect();
        // `##  ` matches the official pattern with an empty title.
        assert_eq!(titles, [""]);
    }

    #[test]
    fn fenced_headers_are_ignored() {
        let s = sections("## A\n```\n## B\n```\n");
        assert_eq!(s.all.len(), 1);
        assert_eq!(s.all[0].content, "```\n## B\n```");
    }

    #[test]
    fn body_drops_metadata_unless_alone() {
        assert_eq!(requirement_body(&["**ID**: 1", "The system SHALL x.", "#### S"]), "The system SHALL x.");
        assert_eq!(requirement_body(&["", "**Constraint**: MUST y"]), "**Constraint**: MUST y");
        assert_eq!(requirement_body(&["```", "# not a header", "```", "text"]), "text");
    }

    #[test]
    fn scenarios_need_a_body() {
        let body = ["text", "#### Scenario: a", "- WHEN", "#### Scenario: b", "", "##### deeper", "x"];
        let blocks = scenario_blocks(&body);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].body, "\n##### deeper\nx");
        assert_eq!(scenario_name(&blocks[0].header), "a");
    }

    #[test]
    fn requirement_names() {
        assert_eq!(normalize_requirement_name(" Foo ###"), "Foo");
        assert_eq!(normalize_requirement_name("C#"), "C#");
        assert_eq!(normalize_requirement_name("Foo\u{A0}##"), "Foo\u{A0}##");
    }
}
