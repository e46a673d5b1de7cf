//! `hosts.html` and `hosts/<name>.html`: which hosts run which module
//! folders, and each host's changes and modules.

use super::common::{ChangeLink, Layout, Links, filters, host_path, layout};
use super::{SiteHost, SiteHosts, SiteInput};
use crate::render::svg::{self, SvgEdge, SvgGroup, SvgNode};
use askama::Template;
use std::collections::BTreeMap;

#[derive(Template)]
#[template(path = "site/hosts.html")]
struct HostsPage<'a> {
    layout: Layout,
    /// Hosts and module folders, as SVG.
    drawing: String,
    rows: Vec<HostRow>,
    /// Changes that are work on every host alike, under their headings.
    shared: Vec<(&'static str, HostChanges<'a>)>,
}

struct HostRow {
    href: String,
    name: String,
    kind: String,
    open: usize,
    done: usize,
    modules: usize,
}

#[derive(Template)]
#[template(path = "site/host.html")]
struct HostPage<'a> {
    layout: Layout,
    host: &'a SiteHost,
    /// Open changes, then done ones, under their headings.
    groups: Vec<(&'static str, HostChanges<'a>)>,
}

/// Changes whose code a host runs, each with the files of it the host runs.
type HostChanges<'a> = Vec<(ChangeLink, &'a [String])>;

/// `hosts.html`: the architecture drawn as SVG and a row per host.
pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links, hosts: &SiteHosts) -> String {
    let mut nodes: Vec<SvgNode> = Vec::new();
    let mut edges: Vec<SvgEdge> = Vec::new();
    let mut folder_index: BTreeMap<&str, usize> = BTreeMap::new();
    let groups = vec![SvgGroup { title: "Hosts".into() }, SvgGroup { title: "Module folders".into() }];
    for h in &hosts.architecture {
        nodes.push(SvgNode {
            label: h.host.clone(),
            sublabel: String::new(),
            class: "planned",
            href: Some(host_path(&h.host)),
            group: Some(0),
            title: format!("host {}", h.host),
        });
    }
    for (i, h) in hosts.architecture.iter().enumerate() {
        for (folder, work) in &h.folders {
            let n = *folder_index.entry(folder.as_str()).or_insert_with(|| {
                nodes.push(SvgNode {
                    label: format!("{folder}/"),
                    sublabel: String::new(),
                    class: "archived",
                    href: None,
                    group: Some(1),
                    title: String::new(),
                });
                nodes.len() - 1
            });
            match work {
                Some(true) => nodes[n].class = "inprogress",
                Some(false) if nodes[n].class != "inprogress" => nodes[n].class = "complete",
                _ => {}
            }
            edges.push(SvgEdge { from: i, to: n, dashed: false });
        }
    }
    for n in nodes.iter_mut().filter(|n| n.group == Some(1)) {
        n.title = format!(
            "{}: {}",
            n.label,
            match n.class {
                "inprogress" => "open work",
                "complete" => "finished work",
                _ => "no change touches it",
            }
        );
    }
    let drawing = svg::dependency_graph(&nodes, &edges, &groups, "Hosts and the module folders their builds run");
    HostsPage {
        layout: layout("", name, &input.source, true, "hosts.html"),
        drawing,
        rows: hosts
            .hosts
            .iter()
            .map(|h| HostRow {
                href: host_path(&h.name),
                name: h.name.clone(),
                kind: h.kind.clone(),
                open: h.open.len(),
                done: h.done.len(),
                modules: h.closure.len(),
            })
            .collect(),
        shared: hosts
            .all_hosts
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(title, list)| {
                (*title, list.iter().map(|(id, files)| (links.change("", id), files.as_slice())).collect())
            })
            .collect(),
    }
    .render()
    .expect("hosts page renders")
}

/// `hosts/<name>.html`: the changes whose code the host runs, and its modules.
pub(super) fn host_page<'a>(input: &SiteInput<'_>, name: &str, links: &Links, h: &'a SiteHost) -> String {
    let root = "../";
    let changes = |list: &'a [(String, Vec<String>)]| -> HostChanges<'a> {
        list.iter().map(|(id, files)| (links.change(root, id), files.as_slice())).collect()
    };
    HostPage {
        layout: layout(root, name, &input.source, true, ""),
        host: h,
        groups: [("Open changes", &h.open), ("Done changes", &h.done), ("Archived unfinished", &h.unfinished)]
            .into_iter()
            .filter(|(title, list)| !list.is_empty() || !title.starts_with("Archived"))
            .map(|(title, list)| (title, changes(list)))
            .collect(),
    }
    .render()
    .expect("host page renders")
}
