//! The dependency graph between changes (petgraph): which change waits for
//! which, where each edge was declared or inferred, cycles, what can start
//! next, what is blocked, and the critical path.
//!
//! Edges come from `.openspec.yaml` (`x-depends-on`, `x-parent`,
//! `x-requires` matched to another change's `x-provides`, or their bare
//! spellings; an edge's `via` names the field, not the spelling), from the roadmap
//! file's `depends_on`, and, marked *inferred*, from proposal and design prose
//! that names another change on a line about dependencies ("Depends on",
//! "Requires", "Blocked by", "after `x`", a `## Dependencies` section).

use crate::model::roadmap::RoadmapSource;
use crate::model::{ChangeStatus, Progress, Project};
use crate::model::{Diagnostic, Level};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A change in the graph.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: String,
    pub title: String,
    pub status: ChangeStatus,
    pub tasks: Progress,
    pub path: String,
}

impl Node {
    /// Complete or archived: a dependency on it is met.
    pub fn done(&self) -> bool {
        matches!(self.status, ChangeStatus::Complete | ChangeStatus::Archived)
    }

    /// Open tasks, at least 1 for unfinished work (a draft still has work).
    pub fn weight(&self) -> usize {
        if self.done() { 0 } else { (self.tasks.total - self.tasks.done).max(1) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// Written down as a dependency (metadata or roadmap file).
    Declared,
    /// Read from prose that names another change.
    Inferred,
}

/// `from` depends on `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// Where it came from: `dependsOn`, `parent`, `requires`, `roadmap`, `prose`.
    pub via: String,
    pub file: String,
    pub line: Option<usize>,
}

/// The graph of one project.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Every change, sorted by id (an active change hides an archived one with the same id).
    pub nodes: Vec<Node>,
    /// Edges between existing changes, sorted by (from, to); one per pair,
    /// declared preferred over inferred.
    pub edges: Vec<Edge>,
    /// Edges whose target is not a change.
    pub dangling: Vec<Edge>,
    index: HashMap<String, usize>,
    graph: DiGraph<usize, usize>,
}

/// Options for building the graph.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Read dependencies from prose.
    pub infer: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { infer: true }
    }
}

impl Graph {
    /// Build the graph of a project.
    pub fn build(project: &Project, roadmap: Option<&RoadmapSource>, options: Options) -> Self {
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        // Archived first, so an active change with the same id replaces it.
        for change in project.archived().chain(project.active()) {
            if !change.nested.is_empty() {
                continue;
            }
            nodes.insert(
                change.id.clone(),
                Node {
                    id: change.id.clone(),
                    title: change.title.clone(),
                    status: change.status,
                    tasks: change.tasks,
                    path: change.path.clone(),
                },
            );
        }
        let ids = Ids::new(nodes.keys().map(String::as_str));
        let mut raw: Vec<Edge> = Vec::new();
        let mut providers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for change in project.active().chain(project.archived()) {
            if let Some(meta) = &change.metadata {
                for marker in &meta.provides {
                    providers.entry(marker.as_str()).or_default().push(change.id.as_str());
                }
            }
        }
        for change in &project.changes {
            let Some(node) = nodes.get(&change.id) else { continue };
            if node.path != change.path {
                continue; // an archived copy hidden by an active change
            }
            if let Some(meta) = &change.metadata {
                let mut declared = |to: &str, via: &str, needle: &str| {
                    raw.push(Edge {
                        from: change.id.clone(),
                        to: to.to_owned(),
                        kind: EdgeKind::Declared,
                        via: via.to_owned(),
                        file: meta.path.clone(),
                        line: meta.lines.get(needle).copied(),
                    })
                };
                for dep in &meta.depends_on {
                    declared(dep, "dependsOn", dep);
                }
                if let Some(parent) = &meta.parent {
                    declared(parent, "parent", parent);
                }
                for marker in &meta.requires {
                    for provider in providers.get(marker.as_str()).into_iter().flatten() {
                        if *provider != change.id {
                            declared(provider, "requires", marker);
                        }
                    }
                }
            }
            if options.infer {
                let documents = change.proposal.as_ref().map(|p| (&p.path, &p.text));
                let documents = documents.into_iter().chain(change.design.as_ref().map(|d| (&d.path, &d.text)));
                for (path, text) in documents {
                    for (line, to) in prose_dependencies(text, &change.id, &ids) {
                        raw.push(Edge {
                            from: change.id.clone(),
                            to,
                            kind: EdgeKind::Inferred,
                            via: "prose".into(),
                            file: path.clone(),
                            line: Some(line),
                        });
                    }
                }
            }
        }
        if let Some(source) = roadmap {
            for (from, deps) in &source.file.depends_on {
                for dep in deps {
                    raw.push(Edge {
                        from: from.clone(),
                        to: dep.clone(),
                        kind: EdgeKind::Declared,
                        via: "roadmap".into(),
                        file: source.path.clone(),
                        line: source.line_of(&format!("{from}:")),
                    });
                }
            }
        }
        raw.sort_by(|a, b| (&a.from, &a.to, a.kind, &a.file, a.line).cmp(&(&b.from, &b.to, b.kind, &b.file, b.line)));
        raw.dedup_by(|b, a| a.from == b.from && a.to == b.to);
        let (edges, dangling): (Vec<Edge>, Vec<Edge>) =
            raw.into_iter().partition(|e| nodes.contains_key(&e.to) && nodes.contains_key(&e.from));
        let nodes: Vec<Node> = nodes.into_values().collect();
        let index: HashMap<String, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        let mut graph = DiGraph::with_capacity(nodes.len(), edges.len());
        for i in 0..nodes.len() {
            graph.add_node(i);
        }
        for (e, edge) in edges.iter().enumerate() {
            graph.add_edge(NodeIndex::new(index[&edge.from]), NodeIndex::new(index[&edge.to]), e);
        }
        Graph { nodes, edges, dangling, index, graph }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index.get(id).map(|&i| &self.nodes[i])
    }

    /// The edges at a node in one direction, in the order of `edges`
    /// (sorted by `from`, then `to`): through the adjacency lists, never a
    /// scan of every edge.
    fn adjacent(&self, id: &str, direction: petgraph::Direction) -> Vec<&Edge> {
        let Some(&i) = self.index.get(id) else { return Vec::new() };
        let mut at: Vec<usize> = self.graph.edges_directed(NodeIndex::new(i), direction).map(|e| *e.weight()).collect();
        at.sort_unstable();
        at.into_iter().map(|e| &self.edges[e]).collect()
    }

    /// The changes `id` depends on, sorted.
    pub fn dependencies(&self, id: &str) -> Vec<&Edge> {
        self.adjacent(id, petgraph::Direction::Outgoing)
    }

    /// The changes that depend on `id`, sorted.
    pub fn dependents(&self, id: &str) -> Vec<&Edge> {
        self.adjacent(id, petgraph::Direction::Incoming)
    }

    /// The dependencies `id` names that do not exist (`dangling` is sorted
    /// by `from`: a binary search, not a scan).
    pub fn dangling_from(&self, id: &str) -> &[Edge] {
        let start = self.dangling.partition_point(|e| e.from.as_str() < id);
        let end = start + self.dangling[start..].partition_point(|e| e.from == id);
        &self.dangling[start..end]
    }

    /// Whether every dependency of `id` is complete or archived (and exists).
    pub fn ready(&self, id: &str) -> bool {
        self.dangling_from(id).is_empty()
            && self.dependencies(id).iter().all(|e| self.node(&e.to).is_some_and(Node::done))
    }

    /// Every cycle, each as the ids along it starting from its smallest id
    /// (the first id is not repeated at the end).
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for scc in petgraph::algo::tarjan_scc(&self.graph) {
            let self_loop = scc.len() == 1 && self.graph.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let members: BTreeSet<usize> = scc.iter().map(|n| n.index()).collect();
            let start = *members.iter().min_by_key(|&&i| &self.nodes[i].id).expect("non-empty");
            out.push(self.cycle_through(start, &members).into_iter().map(|i| self.nodes[i].id.clone()).collect());
        }
        out.sort();
        out
    }

    /// A shortest cycle from `start` back to itself inside `members`.
    fn cycle_through(&self, start: usize, members: &BTreeSet<usize>) -> Vec<usize> {
        let mut previous: HashMap<usize, usize> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let mut next: Vec<usize> = self.graph.neighbors(NodeIndex::new(n)).map(|x| x.index()).collect();
            next.sort_by_key(|&i| &self.nodes[i].id);
            for m in next {
                if !members.contains(&m) {
                    continue;
                }
                if m == start {
                    let mut path = vec![n];
                    let mut at = n;
                    while at != start {
                        at = previous[&at];
                        path.push(at);
                    }
                    path.reverse();
                    return path;
                }
                if let std::collections::hash_map::Entry::Vacant(v) = previous.entry(m) {
                    v.insert(n);
                    queue.push_back(m);
                }
            }
        }
        vec![start]
    }

    /// Every change in dependency order (a dependency before its dependents),
    /// ties broken by `rank` then id; changes in cycles come last, by rank and id.
    pub fn order(&self, rank: impl Fn(&str) -> usize) -> Vec<&str> {
        let n = self.nodes.len();
        let mut waiting: Vec<usize> = vec![0; n];
        for e in &self.edges {
            if e.from != e.to {
                waiting[self.index[&e.from]] += 1;
            }
        }
        let key = |i: usize| (rank(&self.nodes[i].id), self.nodes[i].id.clone());
        let mut ready: BTreeSet<((usize, String), usize)> =
            (0..n).filter(|&i| waiting[i] == 0).map(|i| (key(i), i)).collect();
        let mut out = Vec::with_capacity(n);
        let mut placed = vec![false; n];
        while let Some(first) = ready.pop_first() {
            let i = first.1;
            placed[i] = true;
            out.push(self.nodes[i].id.as_str());
            for e in self.graph.edges_directed(NodeIndex::new(i), petgraph::Direction::Incoming) {
                let dependent = e.source().index();
                if dependent == i {
                    continue;
                }
                waiting[dependent] -= 1;
                if waiting[dependent] == 0 {
                    ready.insert((key(dependent), dependent));
                }
            }
        }
        let mut rest: Vec<usize> = (0..n).filter(|&i| !placed[i]).collect();
        rest.sort_by_key(|&i| key(i));
        out.extend(rest.into_iter().map(|i| self.nodes[i].id.as_str()));
        out
    }

    /// Unfinished changes whose dependencies are all met, in phase then
    /// dependency order.
    pub fn next(&self, rank: impl Fn(&str) -> usize) -> Vec<&Node> {
        let mut ready: Vec<&Node> = self
            .order(&rank)
            .into_iter()
            .filter_map(|id| self.node(id))
            .filter(|n| !n.done() && self.ready(&n.id))
            .collect();
        // Phase first; the dependency order (already applied) breaks ties.
        ready.sort_by_key(|n| rank(&n.id));
        ready
    }

    /// Unfinished changes waiting for others, with what they wait for.
    pub fn blocked(&self) -> Vec<Blocked<'_>> {
        let mut out = Vec::new();
        for node in self.nodes.iter().filter(|n| !n.done()) {
            let mut waits: Vec<&Edge> =
                self.dependencies(&node.id).into_iter().filter(|e| !self.node(&e.to).is_some_and(Node::done)).collect();
            waits.extend(self.dangling_from(&node.id));
            if !waits.is_empty() {
                out.push(Blocked { node, waits_for: waits });
            }
        }
        out
    }

    /// The longest chain of unfinished changes, each waiting for the one
    /// before, weighted by open tasks (a draft counts 1). Changes in cycles
    /// are left out. Returns the chain (dependency first) and its weight.
    pub fn critical_path(&self) -> (Vec<&Node>, usize) {
        let order = self.order(|_| 0);
        let in_cycle: BTreeSet<String> = self.cycles().into_iter().flatten().collect();
        let mut best: HashMap<usize, (usize, Option<usize>)> = HashMap::new();
        for id in order {
            let i = self.index[id];
            let node = &self.nodes[i];
            if node.done() || in_cycle.contains(id) {
                continue;
            }
            let mut from_dep: (usize, Option<usize>) = (0, None);
            for e in self.dependencies(id) {
                let d = self.index[&e.to];
                if let Some(&(w, _)) = best.get(&d)
                    && (w > from_dep.0
                        || (w == from_dep.0 && from_dep.1.is_some_and(|p| self.nodes[d].id < self.nodes[p].id)))
                {
                    from_dep = (w, Some(d));
                }
            }
            best.insert(i, (from_dep.0 + node.weight(), from_dep.1));
        }
        let Some((&end, &(weight, _))) =
            best.iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| self.nodes[*b.0].id.cmp(&self.nodes[*a.0].id)))
        else {
            return (Vec::new(), 0);
        };
        let mut chain = vec![&self.nodes[end]];
        let mut at = best[&end].1;
        while let Some(i) = at {
            chain.push(&self.nodes[i]);
            at = best[&i].1;
        }
        chain.reverse();
        (chain, weight)
    }

    /// `spec check` findings: missing dependencies and cycles (errors), done
    /// work that depends on unfinished work (warnings), `requires` markers
    /// nobody provides (warnings).
    pub fn findings(&self, project: &Project) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for e in &self.dangling {
            let what = if self.node(&e.from).is_none() { &e.from } else { &e.to };
            out.push(
                Diagnostic::error(
                    e.file.clone(),
                    e.line,
                    format!(
                        "`{}` depends on `{}` ({}), but `{what}` is not a change, active or archived",
                        e.from, e.to, e.via
                    ),
                )
                .with_help("fix the change id, or remove the dependency"),
            );
        }
        for cycle in self.cycles() {
            let mut shown = cycle.clone();
            shown.push(cycle[0].clone());
            let to = cycle.get(1).unwrap_or(&cycle[0]);
            let first = self.dependencies(&cycle[0]).into_iter().find(|e| &e.to == to);
            out.push(
                Diagnostic::error(
                    first.map(|e| e.file.clone()),
                    first.and_then(|e| e.line),
                    format!("dependency cycle: {}", shown.join(" → ")),
                )
                .with_help("remove one of these dependencies so the changes can be ordered"),
            );
        }
        for e in &self.edges {
            let (from, to) = (&self.nodes[self.index[&e.from]], &self.nodes[self.index[&e.to]]);
            if from.done() && !to.done() && e.kind == EdgeKind::Declared {
                out.push(Diagnostic::new(
                    Level::Warning,
                    e.file.clone(),
                    e.line,
                    format!(
                        "`{}` is {} but depends on `{}`, which is {}",
                        from.id,
                        from.status.as_str(),
                        to.id,
                        to.status.as_str()
                    ),
                ));
            }
        }
        let provided: BTreeSet<&str> = project
            .changes
            .iter()
            .filter_map(|c| c.metadata.as_ref())
            .flat_map(|m| m.provides.iter().map(String::as_str))
            .collect();
        for change in project.active() {
            let Some(meta) = &change.metadata else { continue };
            for marker in meta.requires.iter().filter(|m| !provided.contains(m.as_str())) {
                out.push(
                    Diagnostic::warning(
                        meta.path.clone(),
                        None,
                        format!("`{}` requires `{marker}`, which no change provides", change.id),
                    )
                    .with_help("add `provides: [..]` to the change that delivers it, or fix the marker"),
                );
            }
        }
        out
    }
}

/// An unfinished change and the dependencies it waits for.
#[derive(Debug, Clone, Serialize)]
pub struct Blocked<'a> {
    #[serde(flatten)]
    pub node: &'a Node,
    pub waits_for: Vec<&'a Edge>,
}

/// Words that make a line about dependencies.
fn is_dependency_line(lower: &str) -> bool {
    [
        "depends on",
        "depend on",
        "dependency",
        "dependencies",
        "requires",
        "required",
        "blocked by",
        "prerequisite",
        "builds on",
        "after",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Change ids named on dependency lines of a proposal or design:
/// `(line, id)`, in order, without repeats and never `this`.
pub fn prose_dependencies(text: &str, this: &str, ids: &Ids<'_>) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut in_section = false;
    let mut in_fence = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let lower = line.to_lowercase();
        if trimmed.starts_with('#') {
            in_section = lower.contains("dependenc") || lower.contains("prerequisite");
            continue;
        }
        if !(in_section || is_dependency_line(&lower)) {
            continue;
        }
        // "after" alone is too common a word: only `after \`id\`` counts.
        let only_after = !in_section && !is_dependency_line(&lower.replace("after", ""));
        for (start, token) in id_tokens(line) {
            if only_after && !after_just_before(&line[..start]) {
                continue;
            }
            if let Some(id) = ids.resolve(token)
                && id != this
                && seen.insert(id)
            {
                out.push((i + 1, id.to_owned()));
            }
        }
    }
    out
}

/// Whether `before` ends with the word "after" (any case), then only
/// quotes, backticks and spaces. Looks at the end only: a token costs the
/// same on a 15 MB line as on a short one.
fn after_just_before(before: &str) -> bool {
    let end = before.trim_end_matches(['`', '"', '\'', ' ']);
    end.len() >= 5 && end.is_char_boundary(end.len() - 5) && end[end.len() - 5..].eq_ignore_ascii_case("after")
}

/// Tokens that look like change ids (`[a-z0-9]+(-[a-z0-9]+)+`), with offsets.
fn id_tokens(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let is_id = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    let mut i = 0;
    while i < bytes.len() {
        if is_id(bytes[i])
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'/'))
        {
            let start = i;
            while i < bytes.len() && is_id(bytes[i]) {
                i += 1;
            }
            let token = line[start..i].trim_matches('-');
            let ends_clean = i >= bytes.len()
                || !(bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'_'
                    || bytes[i] == b'/'
                    || bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric));
            if token.contains('-') && ends_clean {
                out.push((start, token));
            }
        } else {
            i += 1;
        }
    }
    out
}

/// What a token may name: every change id (itself), and every tail of one
/// after a `-` (`manager-setup` of `add-home-manager-setup`) with the one id
/// it names, or `None` when several end with it. A token resolves with one
/// lookup, however many changes there are.
pub struct Ids<'a> {
    names: HashMap<&'a str, Option<&'a str>>,
}

impl<'a> Ids<'a> {
    pub fn new(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let ids: BTreeSet<&'a str> = ids.into_iter().collect();
        let mut names: HashMap<&'a str, Option<&'a str>> = HashMap::new();
        for id in &ids {
            // A tail needs a dash of its own: `setup` alone names nothing.
            for (at, _) in id.match_indices('-').filter(|(at, _)| id[at + 1..].contains('-')) {
                names.entry(&id[at + 1..]).and_modify(|one| *one = None).or_insert(Some(id));
            }
        }
        // An id is itself first, whatever ends with it.
        names.extend(ids.iter().map(|id| (*id, Some(*id))));
        Ids { names }
    }

    /// The change a token names: the id itself, or the one id that ends with
    /// `-token` (`home-manager-setup` → `add-home-manager-setup`).
    fn resolve(&self, token: &str) -> Option<&'a str> {
        self.names.get(token).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&'static str]) -> Ids<'static> {
        Ids::new(list.iter().copied())
    }

    #[test]
    fn a_tail_names_the_one_id_that_ends_with_it() {
        let all = ids(&["add-home-setup", "rm-home-setup", "add-zed-ide", "zed-ide"]);
        assert_eq!(all.resolve("zed-ide"), Some("zed-ide"), "an id itself first");
        assert_eq!(all.resolve("home-setup"), None, "two ids end with it");
        assert_eq!(all.resolve("add-home-setup"), Some("add-home-setup"));
        assert_eq!(all.resolve("setup"), None, "a word without a dash never resolves by its tail");
        assert_eq!(all.resolve("ide"), None);
        assert!(after_just_before("Ship AFTER `") && !after_just_before("thereafter x ") && !after_just_before("é"));
    }

    #[test]
    fn prose_names_dependencies() {
        let all = ids(&["add-dank-material-shell", "add-home-manager-setup", "add-zed-ide", "this-change"]);
        let text = "# Change\n\n- **DEPENDENCY**: Requires `add-dank-material-shell` change to be completed first\n- Dependencies: Requires home-manager-setup to be completed first\n- Works after lunch with add-zed-ide\n- Ship after `add-zed-ide`\n```\nDepends on this-change\n```\n";
        let found = prose_dependencies(text, "this-change", &all);
        assert_eq!(
            found,
            [(3, "add-dank-material-shell".into()), (4, "add-home-manager-setup".into()), (6, "add-zed-ide".into())]
        );
    }

    #[test]
    fn dependency_sections_count_every_id() {
        let all = ids(&["a-one", "b-two"]);
        let text = "## Dependencies\n- `a-one` must land first\n\n## Other\n- b-two\n";
        assert_eq!(prose_dependencies(text, "x", &all), [(2, "a-one".into())]);
    }

    #[test]
    fn tokens_skip_paths_and_files() {
        let toks: Vec<_> =
            id_tokens("see hosts/yoga-laptop/disko.nix and add-x, not add-y.nix").into_iter().map(|t| t.1).collect();
        assert_eq!(toks, ["add-x"]);
    }
}
