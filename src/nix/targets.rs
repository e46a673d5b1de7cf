//! Which hosts a change's text aims at, and which it rules out. A host is
//! named by its name or by a group it belongs to (the folder its modules
//! sit in, `hosts/servers/hetzner-vps` → `servers`; `server` matches too).
//!
//! Sentence by sentence (lines, and `. `/`; ` inside them):
//!
//! - a host mentioned near words that rule it out ("servers are not
//!   affected", "leaves the laptops alone", "no change to ovh-vps",
//!   "except hetzner-vps": a word of `RULING_WORDS`, or a negation
//!   followed by a word about being affected, within `WINDOW` (5) words) is
//!   ruled out; "SHALL not treat" or "would still remain active on it"
//!   rule out nothing;
//! - a host mentioned near "only" ("only on the laptops") is named, and
//!   every host the sentence does not mention is ruled out;
//! - any other mention names the host; a group word inside a path or a
//!   dotted option name (`modules/servers/x.nix`, `servers.proxy.enable`)
//!   is a folder's or an option's name, not a mention of the group.
//!
//! Under a heading of non-goals ("Non-Goals", "Out of scope", not "Goals /
//! Non-Goals") or a `**Non-Goals:**` label every sentence rules out; under a heading of references or context
//! (the code links' rule, `parse::links::reference_title`: "References",
//! "Context", "See also", ...) nothing counts. A host named by its own name in a positive
//! sentence stays named even when a sentence rules out its group; a host
//! both named and ruled out by name is ruled out.

use crate::parse::links::{is_heading, reference_title};
use std::collections::BTreeSet;

/// A host and the words that name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostWords {
    pub name: String,
    /// Group words (`servers`), lower case.
    pub groups: Vec<String>,
}

/// What a change's text says about hosts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Hosts it names as affected, sorted.
    pub named: Vec<String>,
    /// Hosts it rules out, sorted.
    pub excluded: Vec<String>,
}

/// Path segments that say where hosts live, not which group they are in.
const NOT_GROUPS: &[&str] = &[
    "hosts",
    "host",
    "systems",
    "system",
    "machines",
    "machine",
    "configurations",
    "nixos",
    "darwin",
    "home",
    "modules",
    "default.nix",
    ".",
];

/// Words that rule out the host they stand near ("servers stay untouched",
/// "leave the laptops alone", "except ovh-vps").
const RULING_WORDS: &[&str] =
    &["unaffected", "untouched", "unchanged", "except", "excluding", "exclude", "excludes", "excluded", "alone"];

/// Negations, which rule out a host near them only when the next word is
/// about being affected ("not affected", "no changes to", "not on").
const NEGATIONS: &[&str] = &["not", "no", "never", "isn't", "aren't", "won't", "doesn't", "don't", "nothing"];
const AFFECTED: &[&str] = &[
    "affected", "affect", "affects", "touched", "touch", "touches", "changed", "change", "changes", "modified",
    "impacted", "on", "to", "for", "deployed", "needed", "required",
];

/// How many words either side of a host's mention its sentence is read for it.
const WINDOW: usize = 5;

/// Headings whose sentences rule out.
const RULING_OUT: &[&str] = &["non-goal", "non goal", "out of scope", "not in scope", "not affected"];

/// Group words of a host from the paths that define it: the folders
/// between the hosts folder and the host's own folder (`hosts/server/nixio`
/// → `server`). When some path has a folder or file named after the host,
/// only such paths count: the modules every host of a kind runs
/// (`modules/nixos/ai`) say nothing about which group a host is in.
pub fn groups(name: &str, paths: &[&str]) -> Vec<String> {
    let mut out = BTreeSet::new();
    let lower = name.to_lowercase();
    let own = |path: &&&str| {
        path.split('/')
            .any(|s| s.to_lowercase() == lower || s.strip_suffix(".nix").is_some_and(|s| s.to_lowercase() == lower))
    };
    let named: Vec<&&str> = paths.iter().filter(own).collect();
    let paths: Vec<&&str> = if named.is_empty() { paths.iter().collect() } else { named };
    for path in paths {
        let segments: Vec<&str> = path.split('/').collect();
        for s in &segments[..segments.len().saturating_sub(1)] {
            let s = s.to_lowercase();
            if s != name.to_lowercase() && !NOT_GROUPS.contains(&s.as_str()) && s.chars().all(|c| c.is_alphabetic()) {
                out.insert(s);
            }
        }
    }
    out.into_iter().collect()
}

/// Every host of the graph with its words, by name.
pub fn host_words(graph: &super::NixGraph) -> Vec<HostWords> {
    let mut out: Vec<HostWords> = Vec::new();
    for h in graph.hosts() {
        let paths: Vec<&str> = std::iter::once(h.file.as_str()).chain(h.modules.iter().map(String::as_str)).collect();
        let groups = groups(&h.name, &paths);
        match out.iter_mut().find(|w| w.name == h.name) {
            Some(w) => {
                w.groups.extend(groups);
                w.groups.sort();
                w.groups.dedup();
            }
            None => out.push(HostWords { name: h.name.clone(), groups }),
        }
    }
    out
}

/// What the documents say about the hosts.
pub fn targets(documents: &[(&str, &str)], hosts: &[HostWords]) -> Targets {
    let mut by_name = BTreeSet::new();
    let mut by_group = BTreeSet::new();
    let mut out_by_name = BTreeSet::new();
    let mut out_by_group = BTreeSet::new();
    for (_, text) in documents {
        let mut section = Section::Plain;
        for line in text.lines() {
            let trimmed = line.trim_start();
            // `**Non-Goals:**` and `**Goals:**` open parts of a "Goals / Non-Goals" section.
            let label = trimmed.trim_start_matches(['*', '-', ' ']).to_lowercase();
            if label.starts_with("non-goals") || label.starts_with("non goals") {
                section = Section::RulingOut;
                continue;
            }
            if label.starts_with("goals") && section == Section::Plain {
                continue;
            }
            if let Some((_, title)) = is_heading(line) {
                let heading = title.to_lowercase();
                let both = heading.starts_with("goal");
                section = if !both && RULING_OUT.iter().any(|w| heading.contains(w)) {
                    Section::RulingOut
                } else if reference_title(title) {
                    Section::Ignored
                } else {
                    Section::Plain
                };
                continue;
            }
            if section == Section::Ignored {
                continue;
            }
            for sentence in line.split([';']).flat_map(|s| s.split(". ")) {
                let lower = sentence.to_lowercase();
                let (words, in_path) = words(&lower);
                // Each mention: the host, whether by its own name, and where.
                let mentioned: Vec<(&HostWords, bool, usize)> = hosts
                    .iter()
                    .filter_map(|h| {
                        let name = h.name.to_lowercase();
                        if let Some(i) = words.iter().position(|w| *w == name) {
                            Some((h, true, i))
                        } else {
                            // A group word inside a path or an option (`modules/server/x`,
                            // `server.proxy.enable`) is a folder's or an option's name.
                            let i = (0..words.len())
                                .position(|i| !in_path[i] && h.groups.iter().any(|g| names_group(words[i], g)))?;
                            Some((h, false, i))
                        }
                    })
                    .collect();
                if mentioned.is_empty() {
                    continue;
                }
                let near = |i: usize| &words[i.saturating_sub(WINDOW)..(i + WINDOW + 1).min(words.len())];
                let rules_out = |i: usize| {
                    let around = near(i);
                    around.iter().any(|w| RULING_WORDS.contains(w))
                        || around.windows(2).any(|p| NEGATIONS.contains(&p[0]) && AFFECTED.contains(&p[1]))
                };
                let mut only = false;
                for (h, own, i) in &mentioned {
                    let negative = section == Section::RulingOut || rules_out(*i);
                    only |= !negative && near(*i).iter().any(|w| matches!(*w, "only" | "exclusively"));
                    let (set, group_set) =
                        if negative { (&mut out_by_name, &mut out_by_group) } else { (&mut by_name, &mut by_group) };
                    if *own {
                        set.insert(h.name.clone())
                    } else {
                        group_set.insert(h.name.clone())
                    };
                }
                if only {
                    for h in hosts.iter().filter(|h| !mentioned.iter().any(|(m, _, _)| m.name == h.name)) {
                        out_by_group.insert(h.name.clone());
                    }
                }
            }
        }
    }
    // A name beats a group; ruling out by name beats naming.
    let excluded: BTreeSet<String> =
        out_by_name.iter().cloned().chain(out_by_group.iter().filter(|h| !by_name.contains(*h)).cloned()).collect();
    let named = by_name.into_iter().chain(by_group).filter(|h| !excluded.contains(h)).collect::<BTreeSet<_>>();
    Targets { named: named.into_iter().collect(), excluded: excluded.into_iter().collect() }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Plain,
    RulingOut,
    Ignored,
}

/// The words of a lower-case sentence (letters, digits, `-`, `_`, `'`),
/// and for each whether it is part of a path or a dotted name
/// (`hosts/server/x.nix`, `server.proxy.enable`).
fn words(lower: &str) -> (Vec<&str>, Vec<bool>) {
    let mut words = Vec::new();
    let mut in_path = Vec::new();
    for token in lower.split_whitespace() {
        let chars: Vec<char> = token.chars().collect();
        let dotted = chars.windows(3).any(|w| w[0].is_alphanumeric() && w[1] == '.' && w[2].is_alphanumeric());
        let path = token.contains('/') || dotted;
        for w in token.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '\'')) {
            let w = w.trim_matches('\'');
            if !w.is_empty() {
                words.push(w);
                in_path.push(path);
            }
        }
    }
    (words, in_path)
}

/// Does a word name a group (`servers`, `server`)?
fn names_group(w: &str, group: &str) -> bool {
    let singular = group.strip_suffix('s').unwrap_or(group);
    w == group || w == singular || w.strip_suffix('s') == Some(group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<HostWords> {
        let h = |name: &str, groups: &[&str]| HostWords {
            name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        };
        vec![h("hetzner-vps", &["servers"]), h("ovh-vps", &["servers"]), h("yoga", &[]), h("zephyrus", &[])]
    }

    fn t(text: &str) -> (Vec<String>, Vec<String>) {
        let t = targets(&[("proposal.md", text)], &hosts());
        (t.named, t.excluded)
    }

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_group_word_in_a_path_or_an_option_names_no_group() {
        assert_eq!(t("Edit `modules/servers/proxy.nix` and set `servers.proxy.enable`."), (v(&[]), v(&[])));
        assert_eq!(t("Deploy the proxy to the servers."), (v(&["hetzner-vps", "ovh-vps"]), v(&[])));
        // A host's own name counts in a path.
        assert_eq!(t("Edit `hosts/servers/ovh-vps/default.nix`."), (v(&["ovh-vps"]), v(&[])));
    }

    #[test]
    fn names_groups_and_exclusions() {
        assert_eq!(groups("hetzner-vps", &["hosts/servers/hetzner-vps/default.nix"]), ["servers"]);
        assert_eq!(groups("yoga", &["hosts/yoga/default.nix", "flake.nix"]), Vec::<String>::new());
        assert_eq!(
            t("Install Zed on zephyrus and yoga. Servers are not affected."),
            (v(&["yoga", "zephyrus"]), v(&["hetzner-vps", "ovh-vps"]))
        );
        assert_eq!(t("Runs only on yoga."), (v(&["yoga"]), v(&["hetzner-vps", "ovh-vps", "zephyrus"])));
        assert_eq!(t("Harden every server"), (v(&["hetzner-vps", "ovh-vps"]), v(&[])));
        // A name beats its group being ruled out.
        assert_eq!(t("Leave the servers alone; ovh-vps gets the new kernel"), (v(&["ovh-vps"]), v(&["hetzner-vps"])));
        assert_eq!(t("## Non-Goals\n- zephyrus tuning\n## Context\n- like on yoga"), (v(&[]), v(&["zephyrus"])));
        let goals =
            "## Goals / Non-Goals\n**Goals:**\n- a service on yoga\n**Non-Goals:**\n- zephyrus\n## Decisions\n- x";
        assert_eq!(t(goals), (v(&["yoga"]), v(&["zephyrus"])));
        assert_eq!(t("hetzner-vps-2 and myyoga are other words"), (v(&[]), v(&[])));
        // A negation of something else rules nothing out.
        assert_eq!(t("The runtime on `yoga` SHALL not treat old routes as live"), (v(&["yoga"]), v(&[])));
        assert_eq!(t("No changes to ovh-vps"), (v(&[]), v(&["ovh-vps"])));
    }
}
