//! `hosts.html` and `hosts/<name>.html`: which hosts run which module
//! folders, and each host's changes and modules.

use super::common::{ChangeLink, Layout, Links, filters, host_path, layout, wide_and_narrow};
use super::{SiteHost, SiteHosts, SiteInput};
use crate::nix::{HostFolders, folder_groups};
use crate::render::svg::{self, MapCard, MapFolder, MapHost};
use askama::Template;
use std::collections::BTreeSet;

#[derive(Template)]
#[template(path = "site/hosts.html")]
struct HostsPage<'a> {
    layout: Layout,
    /// Hosts and module folders, as SVG.
    drawing: String,
    /// The colours the drawing uses: class, words, wide drawing only.
    legend: Vec<(&'static str, &'static str, bool)>,
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

/// The colours of the hosts drawing: class, words, and whether only the
/// wide drawing has it (the phone's has no host boxes), in the legend's order.
const LEGEND: [(&str, &str, bool); 4] = [
    ("planned", "host (select one to open its page)", true),
    ("inprogress", "open work: a change still open touches the folder", false),
    ("complete", "finished work: only finished changes touch it", false),
    ("untouched", "untouched: no change touches it", false),
];

/// A folder's colour and what it means.
fn folder_class(work: Option<bool>) -> (&'static str, &'static str) {
    match work {
        Some(true) => ("inprogress", "open work"),
        Some(false) => ("complete", "finished work"),
        None => ("untouched", "no change touches it"),
    }
}

/// The hosts and their folders as the drawing shows them: the hosts, then a
/// card per group of folders the same hosts run, a row per top-level
/// folder in it. Also the classes it uses.
fn drawing(architecture: &[HostFolders]) -> (Vec<MapHost>, Vec<MapCard>, BTreeSet<&'static str>) {
    let hosts: Vec<MapHost> =
        architecture.iter().map(|h| MapHost { label: h.host.clone(), href: Some(host_path(&h.host)) }).collect();
    let mut used = BTreeSet::from(["planned"]);
    let cards = folder_groups(architecture)
        .into_iter()
        .map(|g| {
            let title = if g.all {
                format!("every host ({})", architecture.len())
            } else {
                g.hosts.iter().map(|&i| architecture[i].host.as_str()).collect::<Vec<_>>().join(", ")
            };
            let rows = g
                .levels
                .iter()
                .map(|(level, folders)| {
                    let chips = folders
                        .iter()
                        .map(|(f, work)| {
                            let (class, meaning) = folder_class(*work);
                            used.insert(class);
                            let label = match f.strip_prefix(level.as_str()).and_then(|r| r.strip_prefix('/')) {
                                Some(rest) => format!("{rest}/"),
                                None => "*.nix".to_owned(),
                            };
                            let path = if f == "." { "the repository root".to_owned() } else { format!("{f}/") };
                            MapFolder { label, class, title: format!("{path}: {meaning}") }
                        })
                        .collect();
                    (if level == "." { "./".to_owned() } else { format!("{level}/") }, chips)
                })
                .collect();
            MapCard { title, hosts: if g.all { Vec::new() } else { g.hosts }, rows }
        })
        .collect();
    (hosts, cards, used)
}

/// `hosts.html`: the architecture drawn as SVG and a row per host.
pub(super) fn page(input: &SiteInput<'_>, name: &str, links: &Links, hosts: &SiteHosts) -> String {
    let (map_hosts, cards, used) = drawing(&hosts.architecture);
    let caption = "Hosts and the module folders their builds run";
    let drawing =
        wide_and_narrow(svg::host_map(&map_hosts, &cards, caption), svg::host_map_narrow(&map_hosts, &cards, caption));
    HostsPage {
        layout: layout("", name, &input.source, true, "hosts.html"),
        drawing,
        legend: LEGEND.iter().filter(|(class, _, _)| used.contains(class)).copied().collect(),
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
