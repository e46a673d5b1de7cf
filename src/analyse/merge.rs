//! What `openspec archive` would do with a change's deltas: the scenario-loss
//! guard (`findScenarioLossIssues`) and the dry-run merge whose refusals
//! `validate` reports as INFO (`findArchiveBlockers` over `specs-apply.ts`).

use super::keys::{FoldIndex, OrderedSet};
use crate::model::Rename;
use crate::parse::delta::DeltaPlan;
use crate::parse::js;
use crate::parse::markdown::{self, fold_requirement_name, normalize_requirement_name};
use crate::parse::spec::{self, RequirementBlock};
use std::collections::HashMap;

/// MODIFIED blocks that drop a scenario the main spec's block still has:
/// `(line, message)` per block.
pub fn scenario_loss(modified: &[RequirementBlock], renamed: &[Rename], main: &str) -> Vec<(Option<usize>, String)> {
    let current: HashMap<String, RequirementBlock> =
        spec::requirement_blocks(main).into_iter().map(|b| (normalize_requirement_name(&b.name), b)).collect();
    let renamed_from: HashMap<String, String> =
        renamed.iter().map(|r| (normalize_requirement_name(&r.to), normalize_requirement_name(&r.from))).collect();
    let renamed_away: Vec<String> = renamed.iter().map(|r| normalize_requirement_name(&r.from)).collect();
    let block_for = |name: &str| {
        let mut visited: Vec<String> = Vec::new();
        let mut key = Some(name.to_owned());
        while let Some(k) = key {
            if visited.contains(&k) {
                break;
            }
            if let Some(b) = current.get(&k) {
                return Some(b);
            }
            key = renamed_from.get(&k).cloned();
            visited.push(k);
        }
        None
    };
    let mut out = Vec::new();
    for block in modified {
        let key = normalize_requirement_name(&block.name);
        if renamed_away.contains(&key) {
            continue;
        }
        let Some(current) = block_for(&key) else { continue };
        let diff = diff_scenarios(&current.raw, &block.raw);
        if diff.missing.is_empty() {
            continue;
        }
        let missing = diff.missing.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        out.push((
            Some(block.line),
            format!(
                "MODIFIED \"{}\" omits scenario(s) the current spec still has: {missing}. {} Copy the omitted scenarios into the MODIFIED block (a MODIFIED requirement replaces the whole block, so archive refuses to drop them).",
                block.name,
                diff.balance()
            ),
        ));
    }
    out
}

/// Scenario names on each side of a MODIFIED block (`diffScenarioNames`).
pub struct ScenarioDiff {
    pub missing: Vec<String>,
    pub added: Vec<String>,
    pub current: usize,
    pub incoming: usize,
}

impl ScenarioDiff {
    /// `describeScenarioBalance`.
    pub fn balance(&self) -> String {
        let count = |n: usize| format!("{n} {}", if n == 1 { "scenario" } else { "scenarios" });
        let scale =
            format!("The modified block has {}; the current spec has {}.", count(self.incoming), count(self.current));
        if self.added.is_empty() {
            return format!("{scale} It adds none.");
        }
        let mut listed = self.added.iter().take(3).map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
        if self.added.len() > 3 {
            listed = format!("{listed} and {} more", self.added.len() - 3);
        }
        format!("{scale} It adds {} not in the current spec: {listed}.", count(self.added.len()))
    }
}

/// Scenario names of a requirement block (`parseScenarioBlocks`): every
/// non-fenced `#### ` header, body or not.
pub fn scenario_names(raw: &str) -> Vec<String> {
    let text = crate::parse::js::normalize_line_endings(raw);
    let lines: Vec<&str> = text.split('\n').collect();
    let mask = crate::parse::js::fence_mask(&lines);
    lines
        .iter()
        .zip(&mask)
        .filter(|(l, f)| !**f && markdown::is_scenario_header(l))
        .map(|(l, _)| markdown::scenario_name(l))
        .collect()
}

/// Multiplicity-aware comparison of scenario names.
pub fn diff_scenarios(current: &str, incoming: &str) -> ScenarioDiff {
    let current = scenario_names(current);
    let incoming = scenario_names(incoming);
    let unmatched = |names: &[String], against: &[String]| {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for n in against {
            *remaining.entry(n).or_default() += 1;
        }
        names
            .iter()
            .filter(|n| match remaining.get_mut(n.as_str()) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    ScenarioDiff {
        missing: unmatched(&current, &incoming),
        added: unmatched(&incoming, &current),
        current: current.len(),
        incoming: incoming.len(),
    }
}

/// Why `openspec archive` would refuse to merge one delta file into its main
/// spec (`buildUpdatedSpec`'s thrown preconditions), or `None` when the merge
/// would go through. `main` is the main spec's text, if it exists.
pub fn archive_blocker(capability: &str, change: &str, plan: &DeltaPlan, main: Option<&str>) -> Option<String> {
    dry_run(capability, change, plan, main).err()
}

/// The merge's checks in the order archive runs them: the delta on its own,
/// then the target spec, then RENAMED, REMOVED, MODIFIED and ADDED applied to
/// the target's requirement blocks. Only the first refusal is reported.
fn dry_run(spec: &str, change: &str, plan: &DeltaPlan, main: Option<&str>) -> Result<(), String> {
    let added_keys = delta_refusal(spec, plan)?;
    let skeleton;
    let (target, new_spec) = match main {
        Some(text) => (text, false),
        None => {
            if !plan.modified.is_empty() || !plan.renamed.is_empty() {
                return Err(format!(
                    "{spec}: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec."
                ));
            }
            skeleton = new_spec_skeleton(spec, change);
            (skeleton.as_str(), true)
        }
    };
    let issues = spec::structure_issues(target);
    if !issues.is_empty() {
        let details = issues.iter().map(|i| format!("line {}: {}", i.line, i.message)).collect::<Vec<_>>().join("\n");
        return Err(format!(
            "{spec}: target spec is structurally invalid and cannot be updated until fixed:\n{details}"
        ));
    }
    let mut blocks = Blocks::default();
    for block in spec::requirement_blocks(target) {
        let key = normalize_requirement_name(&block.name);
        blocks.set(key, block);
    }
    apply_renames(spec, plan, &mut blocks)?;
    apply_removals(spec, plan, &mut blocks, new_spec)?;
    apply_modifications(spec, plan, &mut blocks)?;
    apply_additions(spec, plan, &mut blocks, &added_keys)
}

/// Checks on the delta alone, before the target is read: unpaired renames,
/// duplicates within a section and names claimed by two sections. Gives the
/// ADDED keys, in order.
fn delta_refusal(spec: &str, plan: &DeltaPlan) -> Result<OrderedSet, String> {
    let failed = |what: String| format!("{spec} validation failed - {what}");
    if let Some(first) = plan.unpaired_renames.first() {
        let missing = if first.side == "FROM" { "TO" } else { "FROM" };
        return Err(failed(format!(
            "RENAMED entry on line {} has no matching {missing}: for header \"### Requirement: {}\". Write each rename as a FROM: line followed immediately by its TO: line.",
            first.line, first.name
        )));
    }
    let duplicate =
        |section: &str, name: &str| failed(format!("duplicate requirement in {section} for header {}", header(name)));
    let added = unique_keys(plan.added.iter().map(|b| b.name.as_str())).map_err(|n| duplicate("ADDED", n))?;
    let modified = unique_keys(plan.modified.iter().map(|b| b.name.as_str())).map_err(|n| duplicate("MODIFIED", n))?;
    let removed = unique_keys(plan.removed.iter().map(|r| r.name.as_str())).map_err(|n| duplicate("REMOVED", n))?;
    let mut froms = OrderedSet::default();
    let mut tos = OrderedSet::default();
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(plan.renamed.len());
    for r in &plan.renamed {
        let (from, to) = (normalize_requirement_name(&r.from), normalize_requirement_name(&r.to));
        if !froms.insert(from.clone()) {
            return Err(failed(format!("duplicate FROM in RENAMED for header {}", header(&r.from))));
        }
        if !tos.insert(to.clone()) {
            return Err(failed(format!("duplicate TO in RENAMED for header {}", header(&r.to))));
        }
        pairs.push((from, to));
    }
    let mut conflicts: Vec<(&str, &str, &str)> = Vec::new();
    for name in modified.iter() {
        if removed.contains(name) {
            conflicts.push((name, "MODIFIED", "REMOVED"));
        }
        if added.contains(name) {
            conflicts.push((name, "MODIFIED", "ADDED"));
        }
    }
    for name in added.iter() {
        if removed.contains(name) {
            conflicts.push((name, "ADDED", "REMOVED"));
        }
    }
    let removed_folds = FoldIndex::new(removed.iter(), fold_requirement_name);
    for (r, (from, to)) in plan.renamed.iter().zip(&pairs) {
        if let Some(hit) = removed_folds.first(&fold_requirement_name(from)) {
            let spelled = if hit == from { String::new() } else { format!(" (REMOVED spells it \"{hit}\")") };
            return Err(failed(format!(
                "requirement present in multiple sections (RENAMED and REMOVED) for header {}{spelled}",
                header(&r.from)
            )));
        }
        if modified.contains(from) {
            return Err(failed(format!(
                "when a rename exists, MODIFIED must reference the NEW header {}",
                header(&r.to)
            )));
        }
        if added.contains(to) {
            return Err(failed(format!("RENAMED TO header collides with ADDED for {}", header(&r.to))));
        }
    }
    if let Some((name, a, b)) = conflicts.first() {
        return Err(failed(format!(
            "requirement present in multiple sections ({a} and {b}) for header {}",
            header(name)
        )));
    }
    if plan.entry_count() == 0 {
        return Err(format!(
            "Delta parsing found no operations for {spec}. Provide ADDED/MODIFIED/REMOVED/RENAMED sections in change spec."
        ));
    }
    Ok(added)
}

/// RENAMED: the source must exist (or the rename already be synced), the
/// target must not, not even spelled differently.
fn apply_renames(spec: &str, plan: &DeltaPlan, blocks: &mut Blocks) -> Result<(), String> {
    for r in &plan.renamed {
        let from = normalize_requirement_name(&r.from);
        let to = normalize_requirement_name(&r.to);
        let failed = |name: &str, why: String| format!("{spec} RENAMED failed for header {} - {why}", header(name));
        if blocks.get(&from).is_none() {
            if blocks.get(&to).is_none() {
                return Err(failed(&r.from, "source not found".into()));
            }
            // Already renamed in the main spec, unless the source is only misspelled.
            if let Some(near) = blocks.near_miss(&from, Some(&to)) {
                return Err(failed(
                    &r.from,
                    format!("source not found, but {} exists; fix the header to match it exactly", header(&near.name)),
                ));
            }
            continue;
        }
        if blocks.get(&to).is_some() {
            return Err(failed(&r.to, "target already exists".into()));
        }
        if let Some(near) = blocks.near_miss(&to, Some(&from)) {
            return Err(failed(
                &r.to,
                format!(
                    "{} already exists and differs only in case or spacing; choose a distinct name",
                    header(&near.name)
                ),
            ));
        }
        let Some(block) = blocks.remove(&from) else { continue };
        let new_header = format!("### Requirement: {to}");
        let raw = match block.raw.split_once('\n') {
            Some((_, rest)) => format!("{new_header}\n{rest}"),
            None => new_header,
        };
        blocks.set(to.clone(), RequirementBlock { name: to, line: block.line, raw });
    }
    Ok(())
}

/// REMOVED: a requirement already gone is fine, one still there under a
/// different spelling is a typo.
fn apply_removals(spec: &str, plan: &DeltaPlan, blocks: &mut Blocks, new_spec: bool) -> Result<(), String> {
    for removed in &plan.removed {
        let key = normalize_requirement_name(&removed.name);
        if blocks.remove(&key).is_some() || new_spec {
            continue;
        }
        if let Some(near) = blocks.near_miss(&key, None) {
            return Err(format!(
                "{spec} REMOVED failed for header {} - not found, but {} exists; fix the header to match it exactly",
                header(&removed.name),
                header(&near.name)
            ));
        }
    }
    Ok(())
}

/// MODIFIED: the requirement must exist, the block's own header must name it
/// and no scenario of the current block may be dropped.
fn apply_modifications(spec: &str, plan: &DeltaPlan, blocks: &mut Blocks) -> Result<(), String> {
    for modified in &plan.modified {
        let key = normalize_requirement_name(&modified.name);
        let failed = |why: String| format!("{spec} MODIFIED failed for header {} - {why}", header(&modified.name));
        let Some(current) = blocks.get(&key) else { return Err(failed("not found".into())) };
        let first_line = modified.raw.split('\n').next().unwrap_or_default();
        if spec::requirement_header(first_line).is_none_or(|name| name != key) {
            return Err(failed("header mismatch in content".into()));
        }
        let diff = diff_scenarios(&current.raw, &modified.raw);
        if !diff.missing.is_empty() {
            let missing = diff.missing.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ");
            return Err(failed(format!(
                "current spec contains scenario(s) not present in the modified block: {missing}. {} Refresh the change spec before archiving to avoid dropping scenarios.",
                diff.balance()
            )));
        }
        blocks.set(key, modified.clone());
    }
    Ok(())
}

/// ADDED: a name already present must carry the same text (an early sync);
/// a case or spacing variant of a present name is refused.
fn apply_additions(spec: &str, plan: &DeltaPlan, blocks: &mut Blocks, keys: &OrderedSet) -> Result<(), String> {
    for (added, key) in plan.added.iter().zip(keys.iter()) {
        let failed = |why: String| format!("{spec} ADDED failed for header {} - {why}", header(&added.name));
        if let Some(existing) = blocks.get(key) {
            if same_text(&existing.raw, &added.raw) {
                continue;
            }
            return Err(failed("already exists".into()));
        }
        if let Some(near) = blocks.near_miss(key, None) {
            return Err(failed(format!(
                "{} already exists and differs only in case or spacing; use MODIFIED with that exact header to change it, or choose a distinct name",
                header(&near.name)
            )));
        }
        blocks.set(key.clone(), added.clone());
    }
    Ok(())
}

/// The requirement blocks of the spec being rebuilt, by key, in the order a
/// JavaScript `Map` keeps them: first insertion wins the position, a removed
/// key loses it. Lookups by key and by folded key are constant-time.
#[derive(Default)]
struct Blocks {
    slots: Vec<Option<(String, RequirementBlock)>>,
    by_key: HashMap<String, usize>,
    /// Slot indices per folded key, in insertion order.
    by_fold: HashMap<String, Vec<usize>>,
}

impl Blocks {
    fn get(&self, key: &str) -> Option<&RequirementBlock> {
        self.by_key.get(key).and_then(|&i| self.slots[i].as_ref()).map(|(_, b)| b)
    }

    fn set(&mut self, key: String, block: RequirementBlock) {
        if let Some(&i) = self.by_key.get(&key) {
            if let Some(slot) = self.slots[i].as_mut() {
                slot.1 = block;
            }
            return;
        }
        let i = self.slots.len();
        self.by_fold.entry(fold_requirement_name(&key)).or_default().push(i);
        self.by_key.insert(key.clone(), i);
        self.slots.push(Some((key, block)));
    }

    fn remove(&mut self, key: &str) -> Option<RequirementBlock> {
        let i = self.by_key.remove(key)?;
        self.slots[i].take().map(|(_, b)| b)
    }

    /// The first block whose key folds like `key`, other than `except`.
    fn near_miss(&self, key: &str, except: Option<&str>) -> Option<&RequirementBlock> {
        self.by_fold
            .get(&fold_requirement_name(key))?
            .iter()
            .filter_map(|&i| self.slots[i].as_ref())
            .find(|(k, _)| Some(k.as_str()) != except)
            .map(|(_, b)| b)
    }
}

/// Keys in first-seen order, or the first name whose key repeats. Parsed names
/// are normalised already; archive normalises them once more for its keys, so
/// `Foo ## ##` (read as `Foo ##`) has the key `Foo`.
fn unique_keys<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<OrderedSet, &'a str> {
    let mut keys = OrderedSet::default();
    for name in names {
        if !keys.insert(normalize_requirement_name(name)) {
            return Err(name);
        }
    }
    Ok(keys)
}

/// `"### Requirement: <name>"`, quoted, as archive's messages name a header.
fn header(name: &str) -> String {
    format!("\"### Requirement: {name}\"")
}

/// Whether two blocks read the same once line endings and outer whitespace
/// are ignored (`normalizeBlockRaw`).
fn same_text(a: &str, b: &str) -> bool {
    js::trim(&js::normalize_line_endings(a)) == js::trim(&js::normalize_line_endings(b))
}

/// The spec archive starts from when the target does not exist yet
/// (`buildSpecSkeleton` with its placeholder Purpose). A Purpose carried over
/// from the delta is only used when it leaves the skeleton structurally sound
/// with an empty `## Requirements`, which is all the checks here read.
fn new_spec_skeleton(spec: &str, change: &str) -> String {
    format!(
        "# {spec} Specification\n\n## Purpose\nTBD - created by archiving change {change}. Update Purpose after archive.\n\n## Requirements\n"
    )
}

#[cfg(test)]
mod tests {
    //! Expected messages are the ones `buildUpdatedSpec` of @fission-ai/openspec
    //! 1.13.2 threw for these same inputs.
    use super::*;
    use crate::parse::delta::parse_plan;

    fn block(header: &str, text: &str, scenarios: &[&str]) -> String {
        let mut out = format!("{header}\n{text}");
        for s in scenarios {
            out.push_str(&format!("\n\n#### Scenario: {s}\n- **WHEN** {s} happens\n- **THEN** it works"));
        }
        out
    }

    fn req(name: &str, scenarios: &[&str]) -> String {
        block(&format!("### Requirement: {name}"), &format!("The system SHALL do {name}."), scenarios)
    }

    fn spec_around(reqs: &[String], pre: &str, post: &str) -> String {
        format!(
            "# Cap Specification\n\n## Purpose\nThis capability exists to exercise the archive merge dry run.\n{pre}\n## Requirements\n{}\n{post}",
            reqs.join("\n\n")
        )
    }

    fn spec(reqs: &[String]) -> String {
        spec_around(reqs, "", "")
    }

    fn alpha() -> String {
        req("Alpha", &["a1", "a2"])
    }

    /// Alpha (scenarios a1, a2) and Beta (scenario one).
    fn main_spec() -> String {
        spec(&[alpha(), req("Beta", &["one"])])
    }

    #[derive(Default)]
    struct Delta<'a> {
        added: Vec<String>,
        modified: Vec<String>,
        removed: Vec<&'a str>,
        renamed: Vec<(&'a str, &'a str)>,
    }

    impl Delta<'_> {
        fn text(&self) -> String {
            let mut sections = Vec::new();
            if !self.added.is_empty() {
                sections.push(format!("## ADDED Requirements\n{}", self.added.join("\n\n")));
            }
            if !self.modified.is_empty() {
                sections.push(format!("## MODIFIED Requirements\n{}", self.modified.join("\n\n")));
            }
            if !self.removed.is_empty() {
                let lines: Vec<String> = self.removed.iter().map(|r| format!("- `### Requirement: {r}`")).collect();
                sections.push(format!("## REMOVED Requirements\n{}", lines.join("\n")));
            }
            if !self.renamed.is_empty() {
                let lines: Vec<String> = self
                    .renamed
                    .iter()
                    .map(|(f, t)| format!("- FROM: `### Requirement: {f}`\n- TO: `### Requirement: {t}`"))
                    .collect();
                sections.push(format!("## RENAMED Requirements\n{}", lines.join("\n")));
            }
            format!("{}\n", sections.join("\n\n"))
        }
    }

    fn refusal(main: Option<&str>, delta: &str) -> Option<String> {
        archive_blocker("cap", "the-change", &parse_plan(delta), main)
    }

    fn check(main: Option<&str>, delta: Delta<'_>) -> Option<String> {
        refusal(main, &delta.text())
    }

    fn refused(main: Option<&str>, delta: Delta<'_>) -> String {
        check(main, delta).expect("archive should refuse")
    }

    #[test]
    fn clean_merges_go_through() {
        let main = main_spec();
        let m = Some(main.as_str());
        assert_eq!(check(m, Delta { added: vec![req("Gamma", &["one"])], ..Default::default() }), None);
        assert_eq!(check(m, Delta { added: vec![format!("{}\n\n", alpha())], ..Default::default() }), None);
        let modified = block("### Requirement: Alpha", "The system SHALL now do Alpha.", &["a1", "a2", "a3"]);
        assert_eq!(check(m, Delta { modified: vec![modified], ..Default::default() }), None);
        assert_eq!(check(m, Delta { removed: vec!["Nope"], ..Default::default() }), None);
        assert_eq!(check(m, Delta { removed: vec!["Alpha", "alpha"], ..Default::default() }), None);
        assert_eq!(
            check(m, Delta { removed: vec!["Alpha"], added: vec![req("alpha", &["one"])], ..Default::default() }),
            None
        );
        assert_eq!(check(m, Delta { renamed: vec![("Alpha", "alpha")], ..Default::default() }), None);
        assert_eq!(check(m, Delta { renamed: vec![("Alpha", "Mid"), ("Mid", "End")], ..Default::default() }), None);
        assert_eq!(check(m, Delta { renamed: vec![("Beta", "Gone"), ("Alpha", "beta")], ..Default::default() }), None);
        assert_eq!(
            check(m, Delta { renamed: vec![("Alpha", "Omega")], removed: vec!["Omega"], ..Default::default() }),
            None
        );
        // Already synced: the rename's target is there and its source is gone.
        let synced = spec(&[req("Omega", &["one"]), req("Beta", &["one"])]);
        assert_eq!(check(Some(&synced), Delta { renamed: vec![("Alpha", "Omega")], ..Default::default() }), None);
        // Line endings and a BOM do not make the same block different.
        let crlf = format!("\u{FEFF}{}", main.replace('\n', "\r\n"));
        assert_eq!(check(Some(&crlf), Delta { added: vec![alpha()], ..Default::default() }), None);
    }

    #[test]
    fn delta_on_its_own() {
        let main = main_spec();
        let m = Some(main.as_str());
        assert_eq!(
            refusal(m, "## RENAMED Requirements\n- TO: `### Requirement: Lost`\n").unwrap(),
            "cap validation failed - RENAMED entry on line 2 has no matching FROM: for header \"### Requirement: Lost\". Write each rename as a FROM: line followed immediately by its TO: line."
        );
        assert_eq!(
            refusal(m, "## RENAMED Requirements\n- FROM: `### Requirement: A`\n- FROM: `### Requirement: B`\n- TO: `### Requirement: C`\n").unwrap(),
            "cap validation failed - RENAMED entry on line 2 has no matching TO: for header \"### Requirement: A\". Write each rename as a FROM: line followed immediately by its TO: line."
        );
        assert_eq!(
            refusal(m, "## ADDED Requirements\nnothing here\n").unwrap(),
            "Delta parsing found no operations for cap. Provide ADDED/MODIFIED/REMOVED/RENAMED sections in change spec."
        );
    }

    #[test]
    fn duplicates_within_a_section() {
        let main = main_spec();
        let m = Some(main.as_str());
        let gamma = req("Gamma", &["one"]);
        assert_eq!(
            refused(m, Delta { added: vec![gamma.clone(), gamma], ..Default::default() }),
            "cap validation failed - duplicate requirement in ADDED for header \"### Requirement: Gamma\""
        );
        // `Foo ## ##` reads as `Foo ##`, whose key is `Foo`.
        let foo_twice = block("### Requirement: Foo ## ##", "The system SHALL do Foo ##.", &["one"]);
        assert_eq!(
            refused(m, Delta { added: vec![req("Foo", &["one"]), foo_twice.clone()], ..Default::default() }),
            "cap validation failed - duplicate requirement in ADDED for header \"### Requirement: Foo ##\""
        );
        let foo_main = spec(&[req("Foo", &["one"]), req("Beta", &["one"])]);
        assert_eq!(
            refused(Some(&foo_main), Delta { modified: vec![req("Foo", &["one"]), foo_twice], ..Default::default() }),
            "cap validation failed - duplicate requirement in MODIFIED for header \"### Requirement: Foo ##\""
        );
        assert_eq!(
            refused(m, Delta { removed: vec!["Alpha", "Alpha ## ##"], ..Default::default() }),
            "cap validation failed - duplicate requirement in REMOVED for header \"### Requirement: Alpha ##\""
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "X1"), ("Alpha", "X2")], ..Default::default() }),
            "cap validation failed - duplicate FROM in RENAMED for header \"### Requirement: Alpha\""
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "X1"), ("Beta", "X1 ## ##")], ..Default::default() }),
            "cap validation failed - duplicate TO in RENAMED for header \"### Requirement: X1 ##\""
        );
    }

    #[test]
    fn names_claimed_by_two_sections() {
        let main = main_spec();
        let m = Some(main.as_str());
        let header = "cap validation failed - requirement present in multiple sections";
        assert_eq!(
            refused(m, Delta { modified: vec![alpha()], removed: vec!["Alpha ## ##"], ..Default::default() }),
            format!("{header} (MODIFIED and REMOVED) for header \"### Requirement: Alpha\"")
        );
        let alpha_twice = block("### Requirement: Alpha ## ##", "The system SHALL do Alpha ##.", &["one"]);
        assert_eq!(
            refused(m, Delta { modified: vec![alpha()], added: vec![alpha_twice.clone()], ..Default::default() }),
            format!("{header} (MODIFIED and ADDED) for header \"### Requirement: Alpha\"")
        );
        assert_eq!(
            refused(
                m,
                Delta { added: vec![req("Gamma", &["one"])], removed: vec!["Gamma ## ##"], ..Default::default() }
            ),
            format!("{header} (ADDED and REMOVED) for header \"### Requirement: Gamma\"")
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "Omega")], removed: vec!["alpha"], ..Default::default() }),
            format!(
                "{header} (RENAMED and REMOVED) for header \"### Requirement: Alpha\" (REMOVED spells it \"alpha\")"
            )
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "Omega")], removed: vec!["Alpha"], ..Default::default() }),
            format!("{header} (RENAMED and REMOVED) for header \"### Requirement: Alpha\"")
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "Omega")], modified: vec![alpha_twice], ..Default::default() }),
            "cap validation failed - when a rename exists, MODIFIED must reference the NEW header \"### Requirement: Omega\""
        );
        let omega_twice = block("### Requirement: Omega ## ##", "The system SHALL do Omega ##.", &["one"]);
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "Omega")], added: vec![omega_twice], ..Default::default() }),
            "cap validation failed - RENAMED TO header collides with ADDED for \"### Requirement: Omega\""
        );
    }

    #[test]
    fn missing_target_spec() {
        let refusal = "cap: target spec does not exist; only ADDED requirements are allowed for new specs. MODIFIED and RENAMED operations require an existing spec.";
        assert_eq!(refused(None, Delta { modified: vec![alpha()], ..Default::default() }), refusal);
        assert_eq!(refused(None, Delta { renamed: vec![("Alpha", "Omega")], ..Default::default() }), refusal);
        assert_eq!(check(None, Delta { removed: vec!["Alpha"], ..Default::default() }), None);
        assert_eq!(check(None, Delta { added: vec![req("Gamma", &["one"])], ..Default::default() }), None);
        assert_eq!(
            refused(None, Delta { added: vec![req("Gamma", &["one"]), req("gamma", &["one"])], ..Default::default() }),
            "cap ADDED failed for header \"### Requirement: gamma\" - \"### Requirement: Gamma\" already exists and differs only in case or spacing; use MODIFIED with that exact header to change it, or choose a distinct name"
        );
    }

    #[test]
    fn structurally_invalid_target() {
        let gamma = || Delta { added: vec![req("Gamma", &["one"])], ..Default::default() };
        let main = format!("{}\n## ADDED Requirements\n### Requirement: Z\nx\n", main_spec());
        assert_eq!(
            refused(Some(&main), gamma()),
            "cap: target spec is structurally invalid and cannot be updated until fixed:\nline 25: Main spec contains delta header \"## ADDED Requirements\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section.\nline 26: Requirement header \"### Requirement: Z\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive."
        );
        let main = format!(
            "### Requirement: Top\nThe system SHALL top.\n\n{}\n## MODIFIED Requirements\n",
            spec(&[alpha(), req("Beta", &["one"]), alpha().replace("Alpha", "Alpha ##")])
        );
        assert_eq!(
            refused(Some(&main), gamma()),
            "cap: target spec is structurally invalid and cannot be updated until fixed:\nline 1: Requirement header \"### Requirement: Top\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive.\nline 28: Requirement header \"### Requirement: Alpha ##\" duplicates the requirement declared on line 10. Requirement names must be unique so spec updates cannot discard one block while updating another.\nline 39: Main spec contains delta header \"## MODIFIED Requirements\". Delta headers are only valid inside openspec/changes/<name>/specs/<capability-path>/spec.md and truncate the parsed ## Requirements section."
        );
        // A BOM keeps the first line from reading as `## Requirements`.
        let main = format!("\u{FEFF}## Requirements\n{}\n", alpha());
        assert_eq!(
            refused(Some(&main), gamma()),
            "cap: target spec is structurally invalid and cannot be updated until fixed:\nline 2: Requirement header \"### Requirement: Alpha\" appears outside the main ## Requirements section. Main specs only parse requirements inside that section, so this requirement is currently invisible to validate, list, and archive."
        );
    }

    #[test]
    fn renames() {
        let main = main_spec();
        let m = Some(main.as_str());
        assert_eq!(
            refused(m, Delta { renamed: vec![("Nope", "Omega")], ..Default::default() }),
            "cap RENAMED failed for header \"### Requirement: Nope\" - source not found"
        );
        let near = spec(&[req("alpha", &["one"]), req("Omega", &["one"])]);
        assert_eq!(
            refused(Some(&near), Delta { renamed: vec![("Alpha", "Omega")], ..Default::default() }),
            "cap RENAMED failed for header \"### Requirement: Alpha\" - source not found, but \"### Requirement: alpha\" exists; fix the header to match it exactly"
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "Beta")], ..Default::default() }),
            "cap RENAMED failed for header \"### Requirement: Beta\" - target already exists"
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "Beta"), ("Beta", "Alpha")], ..Default::default() }),
            "cap RENAMED failed for header \"### Requirement: Beta\" - target already exists"
        );
        assert_eq!(
            refused(m, Delta { renamed: vec![("Alpha", "beta")], ..Default::default() }),
            "cap RENAMED failed for header \"### Requirement: beta\" - \"### Requirement: Beta\" already exists and differs only in case or spacing; choose a distinct name"
        );
        let spaced = spec(&[alpha(), req("Beta  Two", &["one"])]);
        assert_eq!(
            refused(Some(&spaced), Delta { renamed: vec![("Alpha", "beta two")], ..Default::default() }),
            "cap RENAMED failed for header \"### Requirement: beta two\" - \"### Requirement: Beta  Two\" already exists and differs only in case or spacing; choose a distinct name"
        );
    }

    #[test]
    fn removals() {
        let main = main_spec();
        let m = Some(main.as_str());
        assert_eq!(
            refused(m, Delta { removed: vec!["alpha"], ..Default::default() }),
            "cap REMOVED failed for header \"### Requirement: alpha\" - not found, but \"### Requirement: Alpha\" exists; fix the header to match it exactly"
        );
        let nbsp = spec(&[req("Alpha\u{A0}One", &["one"]), req("Beta", &["one"])]);
        assert_eq!(
            refused(Some(&nbsp), Delta { removed: vec!["alpha one"], ..Default::default() }),
            "cap REMOVED failed for header \"### Requirement: alpha one\" - not found, but \"### Requirement: Alpha\u{A0}One\" exists; fix the header to match it exactly"
        );
        // REMOVED runs before MODIFIED.
        assert_eq!(
            refused(m, Delta { modified: vec![req("Nope", &["one"])], removed: vec!["alpha"], ..Default::default() }),
            "cap REMOVED failed for header \"### Requirement: alpha\" - not found, but \"### Requirement: Alpha\" exists; fix the header to match it exactly"
        );
    }

    #[test]
    fn modifications() {
        let main = main_spec();
        let m = Some(main.as_str());
        assert_eq!(
            refused(m, Delta { modified: vec![req("Nope", &["one"])], ..Default::default() }),
            "cap MODIFIED failed for header \"### Requirement: Nope\" - not found"
        );
        // RENAMED runs before MODIFIED.
        assert_eq!(
            refused(
                m,
                Delta { modified: vec![req("Nope", &["one"])], renamed: vec![("Zip", "Zap")], ..Default::default() }
            ),
            "cap RENAMED failed for header \"### Requirement: Zip\" - source not found"
        );
        let foo = spec(&[req("Foo", &["one"]), req("Beta", &["one"])]);
        let foo_twice = block("### Requirement: Foo ## ##", "The system SHALL do Foo ##.", &["one"]);
        assert_eq!(
            refused(Some(&foo), Delta { modified: vec![foo_twice], ..Default::default() }),
            "cap MODIFIED failed for header \"### Requirement: Foo ##\" - header mismatch in content"
        );
        assert_eq!(
            refused(m, Delta { modified: vec![req("Alpha", &["a1"])], ..Default::default() }),
            "cap MODIFIED failed for header \"### Requirement: Alpha\" - current spec contains scenario(s) not present in the modified block: \"a2\". The modified block has 1 scenario; the current spec has 2 scenarios. It adds none. Refresh the change spec before archiving to avoid dropping scenarios."
        );
        assert_eq!(
            refused(m, Delta { modified: vec![req("Alpha", &["x1", "x2", "x3", "x4"])], ..Default::default() }),
            "cap MODIFIED failed for header \"### Requirement: Alpha\" - current spec contains scenario(s) not present in the modified block: \"a1\", \"a2\". The modified block has 4 scenarios; the current spec has 2 scenarios. It adds 4 scenarios not in the current spec: \"x1\", \"x2\", \"x3\" and 1 more. Refresh the change spec before archiving to avoid dropping scenarios."
        );
        assert_eq!(
            refused(
                m,
                Delta {
                    renamed: vec![("Alpha", "Omega")],
                    modified: vec![req("Omega", &["a1"])],
                    ..Default::default()
                }
            ),
            "cap MODIFIED failed for header \"### Requirement: Omega\" - current spec contains scenario(s) not present in the modified block: \"a2\". The modified block has 1 scenario; the current spec has 2 scenarios. It adds none. Refresh the change spec before archiving to avoid dropping scenarios."
        );
        // A later block of the same name replaces the earlier one, as in a JS Map.
        let doubled =
            spec(&[req("A1", &["first"]), block("###Requirement: A1", "The system SHALL do A1.", &["second"])]);
        assert_eq!(check(Some(&doubled), Delta { modified: vec![req("A1", &["second"])], ..Default::default() }), None);
        assert_eq!(
            refused(Some(&doubled), Delta { modified: vec![req("A1", &["first"])], ..Default::default() }),
            "cap MODIFIED failed for header \"### Requirement: A1\" - current spec contains scenario(s) not present in the modified block: \"second\". The modified block has 1 scenario; the current spec has 1 scenario. It adds 1 scenario not in the current spec: \"first\". Refresh the change spec before archiving to avoid dropping scenarios."
        );
    }

    #[test]
    fn additions() {
        let main = main_spec();
        let m = Some(main.as_str());
        let differing = block("### Requirement: Alpha", "The system SHALL differ.", &["one"]);
        assert_eq!(
            refused(m, Delta { added: vec![differing], ..Default::default() }),
            "cap ADDED failed for header \"### Requirement: Alpha\" - already exists"
        );
        let hint = "already exists and differs only in case or spacing; use MODIFIED with that exact header to change it, or choose a distinct name";
        assert_eq!(
            refused(m, Delta { added: vec![req("alpha", &["one"])], ..Default::default() }),
            format!("cap ADDED failed for header \"### Requirement: alpha\" - \"### Requirement: Alpha\" {hint}")
        );
        assert_eq!(
            refused(
                m,
                Delta { renamed: vec![("Alpha", "Omega")], added: vec![req("omega", &["one"])], ..Default::default() }
            ),
            format!("cap ADDED failed for header \"### Requirement: omega\" - \"### Requirement: Omega\" {hint}")
        );
        let tabbed = spec(&[req("Alpha\tOne", &["one"]), req("Beta", &["one"])]);
        assert_eq!(
            refused(Some(&tabbed), Delta { added: vec![req("alpha one", &["one"])], ..Default::default() }),
            format!(
                "cap ADDED failed for header \"### Requirement: alpha one\" - \"### Requirement: Alpha\tOne\" {hint}"
            )
        );
        let unicode = spec(&[req("Straße", &["one"]), req("ΟΔΟΣ", &["one"])]);
        assert_eq!(
            refused(
                Some(&unicode),
                Delta { added: vec![req("straße", &["one"]), req("οδος", &["one"])], ..Default::default() }
            ),
            format!("cap ADDED failed for header \"### Requirement: straße\" - \"### Requirement: Straße\" {hint}")
        );
        let bare = "# Cap\n\n## Purpose\nNo requirements at all in this one.\n";
        assert_eq!(
            refused(Some(bare), Delta { added: vec![alpha(), req("ALPHA", &["one"])], ..Default::default() }),
            format!("cap ADDED failed for header \"### Requirement: ALPHA\" - \"### Requirement: Alpha\" {hint}")
        );
    }
}
