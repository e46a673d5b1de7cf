//! Mermaid diagrams: the dependency graph (flowchart, coloured by status,
//! a subgraph per phase, dashed arrows for inferred edges) and the timeline
//! (gantt). Node ids are generated (`c0`, `c1`, …) and every label is
//! escaped, so odd change names cannot break the diagram.

use crate::analyse::graph::EdgeKind;
use crate::analyse::roadmap::{ChangeView, Roadmap};
use crate::analyse::timeline::{self, RowKind};
use crate::model::ChangeStatus;
use crate::model::roadmap::PhaseStatus;
use crate::nix::{HostFolders, folder_groups};
use crate::render::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escape text for a quoted mermaid label (a node, a subgraph title):
/// mermaid's entity codes for the characters mermaid or Markdown would read,
/// a space for every character that [`escape::acts`] (line breaks included).
/// The label cannot end its quotes or its line, so it cannot close the node
/// or add a `click`, `style` or `classDef` statement; with `%` as `#37;` it
/// cannot start a comment or a `%%{init}` directive (which mermaid finds
/// anywhere in the text); with `<`, `>` and `` ` `` as entities it holds no
/// HTML, no Markdown string and no marker of ROADMAP.md's managed block.
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '&' => out.push_str("#38;"),
            c if escape::acts(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Words the gantt lexer reads at the start of a line whatever follows.
const GANTT_PREFIXES: &[&str] = &["accdescr", "acctitle", "gantt", "inclusiveenddates", "topaxis"];

/// Words the gantt lexer reads at the start of a line when a space follows.
const GANTT_WORDS: &[&str] = &[
    "axisformat",
    "call",
    "click",
    "dateformat",
    "displaymode",
    "excludes",
    "href",
    "includes",
    "section",
    "tickinterval",
    "title",
    "todaymarker",
    "weekday",
    "weekend",
];

/// Whether gantt text would be read as a statement rather than a name: it
/// starts with a keyword (`Call for papers`, `Title page`, `Section 3`) or a
/// date.
fn gantt_statement(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let date = lower.len() >= 10
        && lower
            .bytes()
            .take(10)
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    date || GANTT_PREFIXES.iter().any(|w| lower.starts_with(w))
        || GANTT_WORDS
            .iter()
            .any(|w| lower.starts_with(w) && lower[w.len()..].chars().next().is_none_or(char::is_whitespace))
}

/// Text for a gantt task, section or title, which the gantt syntax reads up
/// to a `:`, `;` or `#`: those become spaces, as does every character that
/// [`escape::acts`], and whitespace is collapsed; `%` (a comment or a
/// directive), `<`, `>` and `` ` `` (HTML, the managed block's markers, a
/// Markdown fence) become entity codes, as does the first character of text
/// that would start a statement ([`gantt_statement`]). Text left empty is
/// `(untitled)`, since a task needs a name.
fn gantt_text(text: &str) -> String {
    let words = text
        .chars()
        .map(|c| match c {
            ':' | ';' | '#' => ' ',
            c if escape::acts(c) => ' ',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if words.is_empty() {
        return "(untitled)".to_owned();
    }
    let mut out = String::with_capacity(words.len());
    for (i, c) in words.chars().enumerate() {
        match c {
            _ if i == 0 && gantt_statement(&words) => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            '%' => out.push_str("#37;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}

/// The class definitions, also listed in the legend.
pub const CLASSES: &[(&str, &str, &str)] = &[
    ("complete", "fill:#b7e4c7,stroke:#2d6a4f,color:#081c15", "complete"),
    ("inprogress", "fill:#ffe066,stroke:#b08900,color:#3d2e00", "in progress"),
    ("planned", "fill:#cfe2ff,stroke:#3a5a99,color:#0b1f44", "planned"),
    ("archived", "fill:#e9ecef,stroke:#6c757d,color:#343a40", "archived"),
    ("missing", "fill:#ffffff,stroke:#c92a2a,color:#c92a2a,stroke-dasharray:4 3", "named but missing"),
];

fn node_label(c: &ChangeView) -> String {
    let progress = match c.status {
        Some(ChangeStatus::Draft) => "no tasks".to_owned(),
        Some(ChangeStatus::Archived) => {
            format!("archived {}", c.archived_on.map(|d| d.to_string()).unwrap_or_default()).trim_end().to_owned()
        }
        None => "missing".to_owned(),
        _ => format!("{}/{} tasks", c.tasks.done, c.tasks.total),
    };
    format!("\"{}<br/>{}\"", label(&c.id), label(&progress))
}

/// The dependency graph as a mermaid flowchart. `phase` limits it to one
/// phase (and the changes its changes depend on).
pub fn graph(roadmap: &Roadmap, phase: Option<&str>) -> String {
    graphs(&[(None, roadmap)], phase)
}

/// The dependency graphs of several projects as one diagram: a subgraph per
/// named project (node ids prefixed `p<n>` so projects stay apart), the
/// classes defined once. With one unnamed project it is [`graph`].
pub fn graphs(projects: &[(Option<&str>, &Roadmap)], phase: Option<&str>) -> String {
    let mut out = String::from("graph TD\n");
    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, (name, roadmap)) in projects.iter().enumerate() {
        let (prefix, indent) = match name {
            Some(n) => {
                let _ = writeln!(out, "  subgraph p{i}[\"{}\"]", label(n));
                (format!("p{i}"), "  ")
            }
            None => (String::new(), ""),
        };
        project_graph(&mut out, roadmap, phase, &prefix, indent, &mut members);
        if name.is_some() {
            out.push_str("  end\n");
        }
    }
    for (name, style, _) in CLASSES {
        let _ = writeln!(out, "  classDef {name} {style}");
    }
    for (name, _, _) in CLASSES {
        if let Some(m) = members.get(name).filter(|m| !m.is_empty()) {
            let _ = writeln!(out, "  class {} {name}", m.join(","));
        }
    }
    out
}

/// One project's groups, nodes and edges; node ids start with `prefix`,
/// lines with `indent` more than a diagram's own; each node's id goes to
/// the members of its class.
fn project_graph(
    out: &mut String,
    roadmap: &Roadmap,
    phase: Option<&str>,
    prefix: &str,
    indent: &str,
    members: &mut BTreeMap<&str, Vec<String>>,
) {
    // Every change shown, in phase order, with its group.
    let mut groups: Vec<(String, Vec<&ChangeView>)> = Vec::new();
    for p in roadmap.phases.iter().filter(|p| phase.is_none_or(|id| p.id == id)) {
        groups.push((p.title.clone(), p.changes.iter().collect()));
    }
    if phase.is_none() && !roadmap.unplanned.is_empty() {
        groups.push(("Unplanned".into(), roadmap.unplanned.iter().collect()));
    }
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut views: Vec<&ChangeView> = Vec::new();
    for (_, changes) in &groups {
        for c in changes {
            if !ids.contains_key(c.id.as_str()) {
                ids.insert(&c.id, views.len());
                views.push(c);
            }
        }
    }
    // Dependencies outside the shown groups (archived, other phases).
    let archived: BTreeMap<&str, &ChangeView> = roadmap.archived.iter().map(|c| (c.id.as_str(), c)).collect();
    let all: BTreeMap<&str, &ChangeView> = roadmap
        .phases
        .iter()
        .flat_map(|p| p.changes.iter())
        .chain(&roadmap.unplanned)
        .map(|c| (c.id.as_str(), c))
        .collect();
    let mut outside: Vec<&ChangeView> = Vec::new();
    for e in &roadmap.edges {
        if ids.contains_key(e.from.as_str())
            && !ids.contains_key(e.to.as_str())
            && let Some(c) = all.get(e.to.as_str()).or_else(|| archived.get(e.to.as_str()))
        {
            ids.insert(&c.id, views.len());
            views.push(c);
            outside.push(c);
        }
    }
    for (g, (title, changes)) in groups.iter().enumerate() {
        let _ = writeln!(out, "{indent}  subgraph {prefix}g{g}[\"{}\"]", label(title));
        for c in changes {
            let _ = writeln!(out, "{indent}    {prefix}c{}[{}]", ids[c.id.as_str()], node_label(c));
        }
        let _ = writeln!(out, "{indent}  end");
    }
    if !outside.is_empty() {
        let _ = writeln!(out, "{indent}  subgraph {prefix}gx[\"Other dependencies\"]");
        for c in &outside {
            let _ = writeln!(out, "{indent}    {prefix}c{}[{}]", ids[c.id.as_str()], node_label(c));
        }
        let _ = writeln!(out, "{indent}  end");
    }
    for e in &roadmap.edges {
        if let (Some(from), Some(to)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) {
            let arrow = if e.kind == EdgeKind::Inferred { "-.->" } else { "-->" };
            let _ = writeln!(out, "{indent}  {prefix}c{to} {arrow} {prefix}c{from}");
        }
    }
    for (name, _, _) in CLASSES {
        let entry = members.entry(name).or_default();
        entry.extend(views.iter().filter(|c| c.state() == *name).map(|c| format!("{prefix}c{}", ids[c.id.as_str()])));
    }
}

fn gantt_tag(status: PhaseStatus) -> &'static str {
    match status {
        PhaseStatus::Complete => "done, ",
        PhaseStatus::InProgress => "active, ",
        PhaseStatus::Blocked => "crit, ",
        PhaseStatus::Planned | PhaseStatus::Research => "",
    }
}

/// The timeline as a mermaid gantt chart from the phases' planned dates and
/// the milestones' due dates; `None` when no date is set anywhere.
pub fn gantt(roadmap: &Roadmap) -> Option<String> {
    let dated = roadmap
        .phases
        .iter()
        .any(|p| p.start.is_some() && p.end.is_some() || p.milestones.iter().any(|m| m.due.is_some()));
    if !dated {
        return None;
    }
    let mut out = String::new();
    let _ =
        writeln!(out, "gantt\n  title {}\n  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m-%d", gantt_text(&roadmap.title));
    for (i, p) in roadmap.phases.iter().enumerate() {
        let bars: Vec<String> = match (&p.start, &p.end) {
            (Some(s), Some(e)) => {
                vec![format!("  {} :{}p{i}, {}, {}", gantt_text(&p.title), gantt_tag(p.status), s, e)]
            }
            _ => Vec::new(),
        };
        let marks: Vec<String> = p
            .milestones
            .iter()
            .enumerate()
            .filter_map(|(j, m)| {
                m.due.as_ref().map(|d| {
                    format!("  {} :{}milestone, p{i}m{j}, {}, 0d", gantt_text(&m.title), gantt_tag(m.status), d)
                })
            })
            .collect();
        if bars.is_empty() && marks.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  section {}", gantt_text(&p.title));
        for line in bars.into_iter().chain(marks) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Some(out)
}

/// The timeline from git history ([`timeline::rows`]): per phase its
/// planned span, its open changes from creation to their last commit
/// (`active`; `crit` when stale) and its finished ones folded into one
/// `done` row; then unplanned open work; then finished work outside phases,
/// a row per month, newest first. At most [`timeline::MAX_ROWS`] rows.
/// `None` when no change has a dated commit.
pub fn gantt_actual(roadmap: &Roadmap, history: &crate::analyse::history::History) -> Option<String> {
    let rows = timeline::rows(&timeline::phases(roadmap), history);
    if rows.is_empty() {
        return None;
    }
    let mut out = String::new();
    let _ =
        writeln!(out, "gantt\n  title {}\n  dateFormat YYYY-MM-DD\n  axisFormat %Y-%m-%d", gantt_text(&roadmap.title));
    let mut section = None;
    for (n, r) in rows.iter().enumerate() {
        if section != Some(&r.section) {
            let _ = writeln!(out, "  section {}", gantt_text(&r.section));
            section = Some(&r.section);
        }
        let tag = match &r.kind {
            RowKind::Planned => "",
            RowKind::Open { stale: true, .. } => "crit, ",
            RowKind::Open { .. } | RowKind::Folded { open: true, .. } => "active, ",
            RowKind::Folded { .. } => "done, ",
        };
        // A bar needs a length: one that starts and ends on a day lasts that day.
        let end = if r.end <= r.start { "1d".to_owned() } else { r.end.to_string() };
        let _ = writeln!(out, "  {} :{tag}r{n}, {}, {end}", gantt_text(&r.label), r.start);
    }
    Some(out)
}

/// The architecture: the hosts in a box on the left; on the right a box per
/// group of module folders that the same hosts run ([`folder_groups`]),
/// with a box per top-level folder in it (or one node when it holds one
/// folder); one arrow from each host to each group it runs, one from the
/// hosts' box to the folders every host runs. Folders are coloured by open
/// work (in progress), finished work (complete) or none (untouched, white),
/// and a legend names every colour used. `None` when there is no host.
pub fn architecture(hosts: &[HostFolders]) -> Option<String> {
    if hosts.is_empty() {
        return None;
    }
    let mut out = String::from(
        "flowchart LR
",
    );
    out.push_str("  subgraph hs [\"Hosts\"]\n");
    for (i, h) in hosts.iter().enumerate() {
        let _ = writeln!(out, "    h{i}[\"{}\"]", label(&h.host));
    }
    out.push_str("  end\n");
    let groups = folder_groups(hosts);
    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    members.insert("host", (0..hosts.len()).map(|i| format!("h{i}")).collect());
    let mut m = 0;
    for (g, group) in groups.iter().enumerate() {
        let title = if group.all {
            format!("every host ({})", hosts.len())
        } else {
            group.hosts.iter().map(|&i| hosts[i].host.as_str()).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(out, "  subgraph g{g} [\"{}\"]", label(&title));
        for (l, (level, folders)) in group.levels.iter().enumerate() {
            let top = if level == "." { "./".to_owned() } else { format!("{level}/") };
            let single = folders.len() == 1;
            if !single {
                let _ = writeln!(out, "    subgraph g{g}l{l} [\"{}\"]", label(&top));
            }
            for (f, work) in folders {
                let name = match f.strip_prefix(level.as_str()).and_then(|r| r.strip_prefix('/')) {
                    Some(rest) if single => format!("{top}{rest}/"),
                    Some(rest) => format!("{rest}/"),
                    None if single => format!("{top}*.nix"),
                    None => "*.nix".to_owned(),
                };
                let indent = if single { "    " } else { "      " };
                let _ = writeln!(out, "{indent}m{m}[\"{}\"]", label(&name));
                let class = match work {
                    Some(true) => "inprogress",
                    Some(false) => "complete",
                    None => "untouched",
                };
                members.entry(class).or_default().push(format!("m{m}"));
                m += 1;
            }
            if !single {
                out.push_str("    end\n");
            }
        }
        out.push_str("  end\n");
    }
    for (g, group) in groups.iter().enumerate() {
        if group.all {
            let _ = writeln!(out, "  hs --> g{g}");
        } else {
            for i in &group.hosts {
                let _ = writeln!(out, "  h{i} --> g{g}");
            }
        }
    }
    // The legend: one node per colour used.
    const KEY: [(&str, &str, &str); 4] = [
        ("host", "fill:#cfe2ff,stroke:#3a5a99,color:#0b1f44", "host"),
        ("inprogress", "fill:#ffe066,stroke:#b08900,color:#3d2e00", "open work: a change still open touches it"),
        ("complete", "fill:#b7e4c7,stroke:#2d6a4f,color:#081c15", "finished work: only finished changes touch it"),
        ("untouched", "fill:#ffffff,stroke:#868e96,color:#343a40", "untouched: no change touches it"),
    ];
    // Tied to the last host by an invisible link, so that the layout puts
    // it below the groups rather than beside the hosts (which it widens).
    let _ = writeln!(out, "  h{} ~~~ key", hosts.len() - 1);
    out.push_str("  subgraph key [\"Legend\"]\n");
    let used: Vec<(usize, &str, &str)> = KEY
        .iter()
        .enumerate()
        .filter(|(_, (c, _, _))| members.contains_key(c))
        .map(|(k, (c, _, w))| (k, *c, *w))
        .collect();
    for (k, class, words) in used {
        let _ = writeln!(out, "    k{k}[\"{words}\"]");
        members.entry(class).or_default().push(format!("k{k}"));
    }
    out.push_str("  end\n");
    for (class, style, _) in KEY.iter().filter(|(c, _, _)| members.contains_key(c)) {
        let _ = writeln!(out, "  classDef {class} {style}");
    }
    for (class, _, _) in KEY {
        if let Some(ids) = members.get(class) {
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architecture_groups_folders_and_draws_an_arrow_per_host_group() {
        let hosts = [
            HostFolders {
                host: "rog".into(),
                folders: vec![
                    ("hosts/rog".into(), None),
                    ("modules/desktop".into(), None),
                    ("modules/services".into(), Some(true)),
                ],
            },
            HostFolders {
                host: "a\"b".into(),
                folders: vec![("hosts/ab".into(), None), ("modules/services".into(), Some(false))],
            },
        ];
        let m = architecture(&hosts).unwrap();
        assert!(m.contains("h1[\"a#quot;b\"]"), "{m}");
        // The folders both hosts run, then each host's own; one node for a
        // level with one folder, a box for a level with several.
        assert!(m.contains("  subgraph g0 [\"every host (2)\"]\n    m0[\"modules/services/\"]\n  end\n"), "{m}");
        assert!(
            m.contains("  subgraph g1 [\"rog\"]\n    m1[\"hosts/rog/\"]\n    m2[\"modules/desktop/\"]\n  end\n"),
            "{m}"
        );
        assert!(m.contains("  hs --> g0\n  h0 --> g1\n  h1 --> g2\n  h1 ~~~ key\n"), "{m}");
        assert_eq!(m.matches("-->").count(), 3, "{m}");
        assert!(m.contains("class m0,k1 inprogress"), "{m}");
        assert!(m.contains("class m1,m2,m3,k3 untouched"), "{m}");
        // A legend names every colour used, and only those.
        assert!(m.contains("k1[\"open work: a change still open touches it\"]"), "{m}");
        assert!(m.contains("k3[\"untouched: no change touches it\"]"), "{m}");
        assert!(!m.contains("finished work"), "{m}");
        assert!(m.contains("classDef untouched fill:#ffffff"), "{m}");
        assert_eq!(architecture(&[]), None);
        // Several folders under one level: a box for the level.
        let one = [HostFolders {
            host: "h".into(),
            folders: vec![("modules".into(), None), ("modules/a".into(), Some(false))],
        }];
        let m = architecture(&one).unwrap();
        assert!(
            m.contains("    subgraph g0l0 [\"modules/\"]\n      m0[\"*.nix\"]\n      m1[\"a/\"]\n    end\n"),
            "{m}"
        );
        assert!(m.contains("  h0 --> g0\n"), "{m}");
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b#c<d>`e`&"), "a#quot;b#35;c#lt;d#gt;#96;e#96;#38;");
        assert_eq!(label("zz%%{x"), "zz#37;#37;{x");
        assert_eq!(label("x%%{init: {'theme':'dark'}}%%"), "x#37;#37;{init: {'theme':'dark'}}#37;#37;");
        assert_eq!(label("q\"]\nclick c0 call alert()\r\u{1b}"), "q#quot;] click c0 call alert()  ");
        assert_eq!(gantt_text("Phase: one; #2"), "Phase one 2");
    }

    #[test]
    fn gantt_text_is_never_a_statement() {
        for plain in ["Phase one", "Titles and headings", "Recall", "2FA"] {
            assert_eq!(gantt_text(plain), plain);
        }
        assert_eq!(gantt_text("Call for papers"), "#67;all for papers");
        assert_eq!(gantt_text("title Owned"), "#116;itle Owned");
        assert_eq!(gantt_text("ganttish"), "#103;anttish");
        assert_eq!(gantt_text("accDescr { x"), "#97;ccDescr { x");
        assert_eq!(gantt_text("2024-01-01 launch"), "#50;024-01-01 launch");
        assert_eq!(gantt_text("%% x %%{init: {}}%%"), "#37;#37; x #37;#37;{init {}}#37;#37;");
        assert_eq!(gantt_text("5% ```<!-- spec:end -->"), "5#37; #96;#96;#96;#lt;!-- spec end --#gt;");
        assert_eq!(gantt_text("a\nb\u{1b}c"), "a b c");
        assert_eq!(gantt_text(" :;# "), "(untitled)");
    }

    #[test]
    fn architecture_labels_are_escaped() {
        let hosts = [HostFolders {
            host: "h\"]\nclick h0 call alert()%%{init: {}}%%".into(),
            folders: vec![("m<!-- spec:end -->".into(), None)],
        }];
        let m = architecture(&hosts).unwrap();
        assert!(m.contains("    h0[\"h#quot;] click h0 call alert()#37;#37;{init: {}}#37;#37;\"]\n"), "{m}");
        assert!(m.contains("    m0[\"m#lt;!-- spec:end --#gt;/*.nix\"]\n"), "{m}");
    }
}
