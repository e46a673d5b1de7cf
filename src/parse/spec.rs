//! Main specs (`openspec/specs/<id>/spec.md`), read as the official
//! `MarkdownParser.parseSpec` reads them, plus the structural checks of
//! `spec-structure.ts`, the Purpose placeholder check and the requirement
//! blocks of `## Requirements` that the SHALL/MUST rule reads.

use super::js::{self, js_regex};
use super::markdown::{self, Sections};
use crate::model::{Requirement, Scenario, Spec};

/// Parse a main spec. Never fails: when the official parser would throw (no
/// Purpose, no Requirements) the reason is kept in `parse_error` and the spec
/// has no requirements, which is what `openspec list --specs` shows.
pub fn parse(id: &str, path: &str, content: &str) -> Spec {
    let text = js::normalize(content);
    let lines: Vec<&str> = text.split('\n').collect();
    let mask = js::fence_mask(&lines);
    let sections = Sections::parse(&lines, &mask);
    let title = sections
        .all
        .iter()
        .find(|s| s.level == 1)
        .map(|s| s.title.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| id.to_owned());
    let purpose = sections.find("Purpose").map(|s| s.content.clone()).filter(|p| !p.is_empty());
    let mut spec = Spec {
        id: id.to_owned(),
        path: path.to_owned(),
        title,
        purpose: purpose.clone(),
        requirements: Vec::new(),
        parse_error: None,
    };
    let requirements = sections.find("Requirements");
    if purpose.is_none() {
        spec.parse_error = Some("Spec must have a Purpose section".into());
    } else if requirements.is_none() {
        spec.parse_error = Some("Spec must have a Requirements section".into());
    }
    if let (Some(section), None) = (requirements, &spec.parse_error) {
        spec.requirements = section.children.iter().map(|&c| requirement(&sections, c)).collect();
    }
    spec
}

fn requirement(sections: &Sections, index: usize) -> Requirement {
    let section = &sections.all[index];
    let body: Vec<&str> = section.content.split('\n').collect();
    let body_text = markdown::requirement_body(&body);
    let text = if body_text.is_empty() { js::trim(&section.title).to_owned() } else { body_text };
    let scenarios = section
        .children
        .iter()
        .map(|&c| &sections.all[c])
        .filter(|s| !js::is_blank(&s.content))
        .map(|s| Scenario {
            name: markdown::scenario_name(&format!("#### {}", s.title)),
            line: s.line,
            text: s.content.clone(),
        })
        .collect();
    let name = markdown::strip_prefix_ci(&section.title, "requirement:")
        .map(markdown::normalize_requirement_name)
        .unwrap_or_else(|| section.title.clone());
    Requirement { name, line: section.line, normative: js::contains_shall_or_must(&text), text, scenarios }
}

/// A structural problem in a main spec (`findMainSpecStructureIssues`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureIssue {
    pub line: usize,
    pub message: String,
}

js_regex!(REQUIREMENTS_HEADER, r"^##\s+(?i-u:Requirements)\s*$");
js_regex!(TOP_LEVEL_HEADER, r"^##\s+");

/// `TOP_LEVEL_HEADER` matches, with the regex run only on lines that can.
fn top_level(line: &str) -> bool {
    line.starts_with("##") && TOP_LEVEL_HEADER.is_match(line)
}
js_regex!(DELTA_HEADER, r"^##\s+(?i-u:ADDED|MODIFIED|REMOVED|RENAMED)\s+(?i-u:Requirements)\s*$");
js_regex!(STRUCTURE_REQUIREMENT, r"^###\s+(?i-u:Requirement:)\s*(.+)\s*$");

/// Delta headers in a main spec, requirement headers outside `## Requirements`
/// and duplicate requirement names.
pub fn structure_issues(content: &str) -> Vec<StructureIssue> {
    let text = js::normalize_line_endings(content);
    let raw: Vec<&str> = text.split('\n').collect();
    let mask = js::fence_mask(&raw);
    let lines: Vec<&str> = raw.iter().zip(&mask).map(|(l, &f)| if f { "" } else { *l }).collect();
    let header = lines.iter().position(|l| l.starts_with('#') && REQUIREMENTS_HEADER.is_match(l));
    let end = header.and_then(|h| (h + 1..lines.len()).find(|&i| top_level(lines[i]))).unwrap_or(lines.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut issues = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = js::trim(line);
        if trimmed.is_empty() || !line.starts_with("##") {
            continue;
        }
        if line.starts_with('#') && DELTA_HEADER.is_match(line) {
            issues.push(StructureIssue {
                line: i + 1,
                message: format!(
                    "Main spec contains delta header \"{trimmed}\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section."
                ),
            });
            continue;
        }
        let Some(caps) = line.starts_with('#').then(|| STRUCTURE_REQUIREMENT.captures(line)).flatten() else {
            continue;
        };
        let inside = header.is_some_and(|h| i > h && i < end);
        if !inside {
            issues.push(StructureIssue {
                line: i + 1,
                message: format!(
                    "Requirement header \"{trimmed}\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive."
                ),
            });
            continue;
        }
        let name = markdown::normalize_requirement_name(&caps[1]);
        if let Some(first) = seen.get(&name) {
            issues.push(StructureIssue {
                line: i + 1,
                message: format!(
                    "Requirement header \"{trimmed}\" duplicates the requirement declared on line {first}. Requirement names must be unique so spec updates cannot discard one block while updating another."
                ),
            });
        } else {
            seen.insert(name, i + 1);
        }
    }
    issues
}

/// A `### Requirement:` block of the `## Requirements` section
/// (`extractRequirementsSection(...).bodyBlocks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementBlock {
    pub name: String,
    /// 1-based line of the header.
    pub line: usize,
    /// Header line plus body, trailing whitespace trimmed.
    pub raw: String,
}

js_regex!(BLOCK_REQUIREMENTS_HEADER, r"^##\s+(?i-u:Requirements)\s*$");
js_regex!(REQUIREMENT_HEADER, r"^###\s*(?i-u:Requirement:)\s*(.+)\s*$");

/// The canonical requirement header of the delta and merge readers
/// (`/^###\s*Requirement:\s*(.+)\s*$/i`): the normalised name.
pub fn requirement_header(line: &str) -> Option<String> {
    if !line.starts_with("###") {
        return None;
    }
    if !line.starts_with('#') {
        return None;
    }
    REQUIREMENT_HEADER.captures(line).map(|c| markdown::normalize_requirement_name(&c[1]))
}

/// The requirement blocks under the first `## Requirements` header.
pub fn requirement_blocks(content: &str) -> Vec<RequirementBlock> {
    let text = js::normalize(content);
    let lines: Vec<&str> = text.split('\n').collect();
    let mask = js::fence_mask(&lines);
    let Some(header) = (0..lines.len())
        .find(|&i| !mask[i] && lines[i].starts_with('#') && BLOCK_REQUIREMENTS_HEADER.is_match(lines[i]))
    else {
        return Vec::new();
    };
    let end = (header + 1..lines.len()).find(|&i| !mask[i] && top_level(lines[i])).unwrap_or(lines.len());
    blocks_in(&lines[header + 1..end], &mask[header + 1..end], header + 2)
}

/// Split section body lines into requirement blocks; a block runs to the next
/// requirement header or `## ` header. `first_line` is the 1-based line of
/// `lines[0]`.
pub fn blocks_in(lines: &[&str], mask: &[bool], first_line: usize) -> Vec<RequirementBlock> {
    let header_at = |i: usize| if mask[i] { None } else { requirement_header(lines[i]) };
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(name) = header_at(i) else {
            i += 1;
            continue;
        };
        let start = i;
        i += 1;
        while i < lines.len() && header_at(i).is_none() && (mask[i] || !top_level(lines[i])) {
            i += 1;
        }
        blocks.push(RequirementBlock {
            name,
            line: first_line + start,
            raw: js::trim_end(&lines[start..i].join("\n")).to_owned(),
        });
    }
    blocks
}

const PLACEHOLDER_PREFIX: &str = "TBD - created by archiving change ";
const PLACEHOLDER_SUFFIX: &str = ". Update Purpose after archive.";

/// Whether the Purpose is still a placeholder (`findPurposePlaceholderIssue`):
/// `Some(line)` when it is (the line when it can be located).
pub fn purpose_placeholder(overview: &str, content: &str) -> Option<Option<usize>> {
    let normalized = js::normalize_line_endings(overview);
    let lines: Vec<&str> = normalized.split('\n').collect();
    let mask = js::fence_mask(&lines);
    let prose: Vec<&str> = lines.iter().zip(&mask).filter(|(_, f)| !**f).map(|(l, _)| *l).collect();
    let prose = prose.join("\n");
    let prose = js::trim(&prose);
    let leading = leading_marker(prose);
    if !leading && generated_prefix_index(prose).is_none() {
        return None;
    }
    Some(placeholder_line(content, leading))
}

static WORD_CHAR: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"^[\p{L}\p{N}\p{M}_]").expect("valid pattern"));

/// `^(?:TBD|TODO)(?![\p{L}\p{N}\p{M}_])`, in capitals whatever follows, in any
/// other case only before punctuation or the end of a line.
fn leading_marker(prose: &str) -> bool {
    let word_end = |rest: &str| !WORD_CHAR.is_match(rest);
    for marker in ["TBD", "TODO"] {
        if let Some(rest) = prose.strip_prefix(marker)
            && word_end(rest)
        {
            return true;
        }
        if let Some(rest) = markdown::strip_prefix_ci(prose, marker)
            && word_end(rest)
        {
            let after = rest.trim_start_matches([' ', '\t']);
            match after.chars().next() {
                None | Some('\n') => return true,
                Some(c) if ":-\u{2013}\u{2014}.,;()[]{}".contains(c) => return true,
                _ => {}
            }
        }
    }
    false
}

/// Where archive's generated placeholder sentence starts: the closest prefix
/// at or before the first suffix that has one.
fn generated_prefix_index(text: &str) -> Option<usize> {
    // The prefix and the suffix cannot overlap, so the closest prefix at or
    // before a suffix lies wholly before it. Linear: the first suffix after
    // the first prefix is the first suffix that has one.
    let first_prefix = text.find(PLACEHOLDER_PREFIX)?;
    let suffix_at = first_prefix + text[first_prefix..].find(PLACEHOLDER_SUFFIX)?;
    text[..suffix_at].rfind(PLACEHOLDER_PREFIX)
}

js_regex!(PURPOSE_HEADER, r"^ {0,3}##[ \t]+(?i-u:Purpose)[ \t]*$");

fn placeholder_line(content: &str, leading: bool) -> Option<usize> {
    let text = js::normalize_line_endings(content);
    let lines: Vec<&str> = text.split('\n').collect();
    let mask = js::fence_mask(&lines);
    let header = (0..lines.len()).find(|&i| !mask[i] && PURPOSE_HEADER.is_match(lines[i]))?;
    let mut purpose: Vec<(usize, &str)> = Vec::new();
    for i in header + 1..lines.len() {
        if mask[i] {
            continue;
        }
        if is_top_level_header(lines[i]) {
            break;
        }
        if leading && !js::is_blank(lines[i]) {
            return Some(i + 1);
        }
        purpose.push((i + 1, lines[i]));
    }
    if leading {
        return None;
    }
    let joined: Vec<&str> = purpose.iter().map(|(_, t)| *t).collect();
    let joined = joined.join("\n");
    let at = generated_prefix_index(&joined)?;
    let offset = joined[..at].matches('\n').count();
    purpose.get(offset).map(|(line, _)| *line)
}

/// `^ {0,3}#{1,2}(?!#)[ \t]+`.
fn is_top_level_header(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return false;
    }
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    (1..=2).contains(&hashes) && rest[hashes..].starts_with([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# Auth\n\n## Purpose\nAuthenticate users of the system with passwords and tokens.\n\n## Requirements\n### Requirement: Login\nThe system SHALL log users in.\n\n#### Scenario: ok\n- WHEN valid\n- THEN in\n\n### Requirement: Logout\nUsers MUST be able to log out.\n#### Scenario: bye\n- THEN out\n";

    #[test]
    fn parses_requirements_and_scenarios() {
        let spec = parse("auth", "openspec/specs/auth/spec.md", GOOD);
        assert_eq!(spec.title, "Auth");
        assert_eq!(spec.parse_error, None);
        assert_eq!(spec.requirements.len(), 2);
        assert_eq!(spec.requirements[0].name, "Login");
        assert_eq!(spec.requirements[0].text, "The system SHALL log users in.");
        assert_eq!(spec.requirements[0].line, 7);
        assert_eq!(spec.scenario_count(), 2);
        assert!(spec.requirements[1].normative);
    }

    #[test]
    fn missing_sections_give_zero_requirements() {
        let spec = parse("x", "p", "## Requirements\n### Requirement: A\ntext\n");
        assert_eq!(spec.parse_error.as_deref(), Some("Spec must have a Purpose section"));
        assert!(spec.requirements.is_empty());
        let spec = parse("x", "p", "## Purpose\nSomething\n");
        assert_eq!(spec.parse_error.as_deref(), Some("Spec must have a Requirements section"));
    }

    #[test]
    fn any_child_of_requirements_counts() {
        let spec = parse("x", "p", "## Purpose\np\n## Requirements\n### Notes\nn\n#### stray\ns\n");
        assert_eq!(spec.requirements.len(), 1);
        assert_eq!(spec.requirements[0].name, "Notes");
    }

    #[test]
    fn structure_issues_found() {
        let text = "## ADDED Requirements\n### Requirement: A\nx\n## Purpose\np\n## Requirements\n### Requirement: B\n### Requirement: B ##\n```\n## ADDED Requirements\n```\n";
        let issues = structure_issues(text);
        let lines: Vec<_> = issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [1, 2, 8]);
        assert!(issues[2].message.contains("declared on line 7"));
    }

    #[test]
    fn requirement_blocks_of_the_section() {
        let blocks = requirement_blocks(GOOD);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].name, "Logout");
        assert_eq!(blocks[1].line, 14);
        assert!(blocks[0].raw.ends_with("- THEN in"));
    }

    #[test]
    fn closest_generated_prefix_wins() {
        let text = "x. Update Purpose after archive. TBD - created by archiving change a. TBD - created by archiving change b. Update Purpose after archive.";
        assert_eq!(generated_prefix_index(text), text.rfind("TBD"));
        assert_eq!(generated_prefix_index("TBD - created by archiving change a."), None);
    }

    #[test]
    fn placeholders() {
        let content =
            "## Purpose\nTBD - created by archiving change x. Update Purpose after archive.\n## Requirements\n";
        assert_eq!(
            purpose_placeholder("TBD - created by archiving change x. Update Purpose after archive.", content),
            Some(Some(2))
        );
        assert_eq!(purpose_placeholder("Todo el sistema", "## Purpose\nTodo el sistema\n"), None);
        assert_eq!(purpose_placeholder("todo: write", "## Purpose\n\ntodo: write\n"), Some(Some(3)));
        assert_eq!(purpose_placeholder("TODOs are fine", "## Purpose\nTODOs are fine\n"), None);
        assert_eq!(purpose_placeholder("A real purpose", "## Purpose\nA real purpose\n"), None);
    }
}
