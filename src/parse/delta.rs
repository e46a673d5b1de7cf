//! Delta specs (`changes/<id>/specs/<capability>/spec.md`), read exactly as the
//! official `parseDeltaSpec` (`requirement-blocks.ts`, 1.13.x) reads them:
//! `## ADDED|MODIFIED|REMOVED|RENAMED Requirements` sections (case-insensitive,
//! repeated sections merged in order), `### Requirement:` blocks, REMOVED
//! bullets and RENAMED `FROM:`/`TO:` pairs, with the line of every entry kept.

use super::js::{self, js_regex};
use super::markdown;
use super::spec::{RequirementBlock, blocks_in, requirement_header};
use crate::model::{DeltaSpec, Removed, Rename, Requirement, Scenario};

/// Everything the official reader extracts from one delta file.
#[derive(Debug, Clone, Default)]
pub struct DeltaPlan {
    pub added: Vec<RequirementBlock>,
    pub modified: Vec<RequirementBlock>,
    pub removed: Vec<Removed>,
    pub removed_blocks: Vec<RequirementBlock>,
    pub renamed: Vec<Rename>,
    pub unpaired_renames: Vec<UnpairedRename>,
    pub orphans: Vec<Orphan>,
    pub skipped_headers: Vec<SkippedHeader>,
    /// Which of ADDED, MODIFIED, REMOVED, RENAMED sections exist.
    pub presence: [bool; 4],
    /// The first spelling of each section title (for messages).
    pub titles: [String; 4],
}

impl DeltaPlan {
    pub fn has_sections(&self) -> bool {
        self.presence.iter().any(|&p| p)
    }

    pub fn entry_count(&self) -> usize {
        self.added.len() + self.modified.len() + self.removed.len() + self.renamed.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpairedRename {
    /// `FROM` or `TO`.
    pub side: &'static str,
    pub name: String,
    pub line: usize,
}

/// A `### Requirement:` header outside every delta section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub name: String,
    /// The `## ` section it sits under; none above the first one.
    pub section: Option<String>,
    pub line: usize,
}

/// A `### ` header in ADDED/MODIFIED that is not a requirement header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedHeader {
    pub header: String,
    pub section: String,
    pub line: usize,
}

const KINDS: [&str; 4] =
    ["ADDED Requirements", "MODIFIED Requirements", "REMOVED Requirements", "RENAMED Requirements"];

js_regex!(SECTION, r"^(##)\s+(.+)$");
js_regex!(TOP_LEVEL, r"^##\s+");
js_regex!(H3, r"^###\s+(.+?)\s*$");
js_regex!(REMOVED_BULLET, r"^\s*[-*+]\s*`?###\s*Requirement:\s*(.+?)`?\s*$");
js_regex!(FROM, r"^\s*[-*+]?\s*FROM:\s*`?###\s*Requirement:\s*(.+?)`?\s*$");
js_regex!(TO, r"^\s*[-*+]?\s*TO:\s*`?###\s*Requirement:\s*(.+?)`?\s*$");

struct Body<'a> {
    lines: &'a [&'a str],
    mask: &'a [bool],
    /// 1-based line of `lines[0]`.
    first_line: usize,
}

fn section_title(line: &str) -> Option<String> {
    if !line.starts_with("##") {
        return None;
    }
    if !line.starts_with('#') {
        return None;
    }
    SECTION.captures(line).map(|c| js::trim(&c[2]).to_owned())
}

/// Parse one delta file.
pub fn parse_plan(content: &str) -> DeltaPlan {
    let text = js::normalize(content);
    let lines: Vec<&str> = text.split('\n').collect();
    let mask = js::fence_mask(&lines);
    let mut headers: Vec<(String, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !mask[i]
            && let Some(title) = section_title(line)
        {
            headers.push((title, i));
        }
    }
    let mut plan = DeltaPlan::default();
    let mut bodies: [Vec<Body<'_>>; 4] = Default::default();
    for (k, kind) in KINDS.iter().enumerate() {
        plan.titles[k] = (*kind).to_owned();
    }
    for (n, (title, index)) in headers.iter().enumerate() {
        let end = headers.get(n + 1).map_or(lines.len(), |h| h.1);
        let lower = title.to_lowercase();
        if let Some(k) = KINDS.iter().position(|kind| kind.to_lowercase() == lower) {
            if !plan.presence[k] {
                plan.titles[k] = title.clone();
                plan.presence[k] = true;
            }
            bodies[k].push(Body { lines: &lines[index + 1..end], mask: &mask[index + 1..end], first_line: index + 2 });
        }
    }
    for (k, target) in [(0, &mut plan.added), (1, &mut plan.modified)] {
        for body in &bodies[k] {
            target.extend(blocks_in(body.lines, body.mask, body.first_line));
            skipped_headers(body, &plan.titles[k], &mut plan.skipped_headers);
        }
    }
    for body in &bodies[2] {
        plan.removed.extend(removed_names(body));
        plan.removed_blocks.extend(blocks_in(body.lines, body.mask, body.first_line));
    }
    for body in &bodies[3] {
        renamed_pairs(body, &mut plan.renamed, &mut plan.unpaired_renames);
    }
    plan.unpaired_renames.sort_by_key(|u| u.line);
    plan.skipped_headers.sort_by_key(|s| s.line);
    plan.orphans = orphans(&lines, &mask);
    plan
}

/// Non-requirement `### ` headers of an ADDED/MODIFIED body.
fn skipped_headers(body: &Body<'_>, section: &str, sink: &mut Vec<SkippedHeader>) {
    for (i, line) in body.lines.iter().enumerate() {
        if body.mask[i] || !line.starts_with("###") || requirement_header(line).is_some() {
            continue;
        }
        if let Some(caps) = line.starts_with('#').then(|| H3.captures(line)).flatten() {
            sink.push(SkippedHeader {
                header: js::trim(&caps[1]).to_owned(),
                section: section.to_owned(),
                line: body.first_line + i,
            });
        }
    }
}

fn removed_names(body: &Body<'_>) -> Vec<Removed> {
    let mut out = Vec::new();
    for (i, line) in body.lines.iter().enumerate() {
        if body.mask[i] {
            continue;
        }
        let name = requirement_header(line)
            .or_else(|| REMOVED_BULLET.captures(line).map(|c| markdown::normalize_requirement_name(&c[1])));
        if let Some(name) = name {
            out.push(Removed { name, line: body.first_line + i });
        }
    }
    out
}

fn renamed_pairs(body: &Body<'_>, pairs: &mut Vec<Rename>, unpaired: &mut Vec<UnpairedRename>) {
    let mut pending: Option<(String, usize)> = None;
    for (i, line) in body.lines.iter().enumerate() {
        if body.mask[i] {
            continue;
        }
        let number = body.first_line + i;
        if let Some(c) = FROM.captures(line) {
            if let Some((name, line)) = pending.take() {
                unpaired.push(UnpairedRename { side: "FROM", name, line });
            }
            pending = Some((markdown::normalize_requirement_name(&c[1]), number));
        } else if let Some(c) = TO.captures(line) {
            let to = markdown::normalize_requirement_name(&c[1]);
            match pending.take() {
                Some((from, line)) => pairs.push(Rename { from, to, line }),
                None => unpaired.push(UnpairedRename { side: "TO", name: to, line: number }),
            }
        }
    }
    if let Some((name, line)) = pending {
        unpaired.push(UnpairedRename { side: "FROM", name, line });
    }
}

fn orphans(lines: &[&str], mask: &[bool]) -> Vec<Orphan> {
    let mut out = Vec::new();
    let mut section: Option<String> = None;
    for (i, line) in lines.iter().enumerate() {
        if mask[i] {
            continue;
        }
        if let Some(title) = section_title(line) {
            section = Some(title);
            continue;
        }
        if section.as_ref().is_some_and(|s| KINDS.iter().any(|k| k.to_lowercase() == s.to_lowercase())) {
            continue;
        }
        if let Some(name) = requirement_header(line) {
            out.push(Orphan { name, section: section.clone(), line: i + 1 });
        }
    }
    out
}

/// Whether a line is a `##` header that ends a requirement block.
pub fn is_top_level(line: &str) -> bool {
    line.starts_with('#') && TOP_LEVEL.is_match(line)
}

/// The body lines of a block (everything after its header line).
pub fn block_body(raw: &str) -> Vec<&str> {
    raw.split('\n').skip(1).collect()
}

/// The requirement a delta block describes, for the model.
pub fn requirement(block: &RequirementBlock) -> Requirement {
    let body = block_body(&block.raw);
    let text = markdown::requirement_body(&body);
    let scenarios = markdown::scenario_blocks(&body)
        .into_iter()
        .filter(|s| !js::is_blank(&s.body))
        .map(|s| Scenario {
            name: markdown::scenario_name(&s.header),
            line: block.line + 1 + s.index,
            text: js::trim(&s.body).to_owned(),
        })
        .collect();
    Requirement {
        name: block.name.clone(),
        line: block.line,
        normative: js::contains_shall_or_must(&text),
        text,
        scenarios,
    }
}

/// Parse a delta file into the model.
pub fn parse(capability: &str, path: &str, content: &str) -> DeltaSpec {
    let plan = parse_plan(content);
    DeltaSpec {
        capability: capability.to_owned(),
        path: path.to_owned(),
        added: plan.added.iter().map(requirement).collect(),
        modified: plan.modified.iter().map(requirement).collect(),
        removed: plan.removed,
        renamed: plan.renamed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_all_four_sections() {
        let text = "# Delta\n\n## ADDED Requirements\n### Requirement: A\nThe system SHALL a.\n#### Scenario: s\n- ok\n### Notes\n\n## Modified requirements\n### Requirement: B ##\nB MUST.\n#### Scenario: t\nx\n\n## REMOVED Requirements\n- `### Requirement: C`\n### Requirement: D\n\n## RENAMED Requirements\n- FROM: `### Requirement: E`\n- TO: `### Requirement: F`\n- TO: `### Requirement: G`\n";
        let plan = parse_plan(text);
        assert_eq!(plan.presence, [true, true, true, true]);
        assert_eq!(plan.titles[1], "Modified requirements");
        assert_eq!(plan.added.len(), 1);
        assert_eq!(plan.modified[0].name, "B");
        let removed: Vec<_> = plan.removed.iter().map(|r| (r.name.as_str(), r.line)).collect();
        assert_eq!(removed, [("C", 17), ("D", 18)]);
        assert_eq!(plan.renamed[0].from, "E");
        assert_eq!(plan.unpaired_renames, [UnpairedRename { side: "TO", name: "G".into(), line: 23 }]);
        assert_eq!(plan.skipped_headers[0].header, "Notes");
        assert_eq!(plan.skipped_headers[0].line, 8);
        let delta = parse("cap", "p", text);
        assert_eq!(delta.added[0].scenarios.len(), 1);
        assert_eq!(delta.added[0].scenarios[0].line, 6);
    }

    #[test]
    fn repeated_sections_merge_and_orphans_are_found() {
        let text = "### Requirement: Top\n## ADDED Requirements\n### Requirement: A\n## Notes\n### Requirement: N\n## added requirements\n### Requirement: B\n```\n### Requirement: fenced\n```\n";
        let plan = parse_plan(text);
        let names: Vec<_> = plan.added.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        let orphans: Vec<_> = plan.orphans.iter().map(|o| (o.name.as_str(), o.section.as_deref())).collect();
        assert_eq!(orphans, [("Top", None), ("N", Some("Notes"))]);
    }

    #[test]
    fn two_spaces_in_title_is_not_a_delta_section() {
        let plan = parse_plan("## ADDED  Requirements\n### Requirement: A\n");
        assert!(!plan.has_sections());
        assert_eq!(plan.orphans.len(), 1);
    }
}
