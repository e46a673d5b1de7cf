//! The static progress site: askama page templates (`templates/site/`),
//! Markdown from the repository rendered with pulldown-cmark and sanitised
//! with ammonia (or, without raw HTML, written as ammonia would write it:
//! `direct`), diagrams drawn as SVG by [`super::svg`], and an offline
//! search index. Pure: [`build`] returns every file's path and bytes; writing
//! them is [`crate::output`]'s job.
//!
//! Rules the pages keep: relative links only (the site works from `file://`
//! and any sub-path), no external resource, no script from content (only the
//! site's own files, marked `data-spec`), one `<h1>` and `<main>` per page,
//! headings that never skip a level.
//!
//! One file per page family (`index`, `change`, `spec`, `graph`,
//! `timeline`, `archive`, `hosts`, `search`), each a page struct for its
//! template and the function that fills it; `common` holds what every page
//! shares (layout, progress bar, status words, page paths) and `markdown`
//! the sanitised Markdown.

use crate::analyse::graph::Graph;
use crate::analyse::history::History;
use crate::analyse::roadmap::Roadmap;
use crate::model::Project;
use common::Links;
use rayon::prelude::*;
use std::collections::BTreeMap;

mod archive;
mod change;
mod common;
mod direct;
mod graph;
mod hosts;
mod index;
mod lookup;
mod markdown;
mod search;
mod spec;
mod timeline;

pub use common::{change_path, slug, spec_path};
pub use markdown::markdown;

/// The stylesheet and the search script, compiled into the binary.
pub const STYLE_CSS: &str = include_str!("../../../assets/style.css");
pub const SEARCH_JS: &str = include_str!("../../../assets/search.js");

/// Inputs of a site build.
pub struct SiteInput<'a> {
    pub project: &'a Project,
    pub graph: &'a Graph,
    pub roadmap: &'a Roadmap,
    /// What the footer says the site was made from (paths, shown as code).
    pub source: Vec<String>,
    /// History from git, or why there is none.
    pub history: std::result::Result<&'a History, String>,
    /// Code links per change path (`openspec/changes/x`).
    pub links: &'a BTreeMap<String, Vec<crate::analyse::links::Link>>,
    /// The flake's hosts, when the project is one.
    pub hosts: Option<&'a SiteHosts>,
    /// Pairs of active changes naming the same requirement or file.
    pub overlaps: &'a [crate::analyse::overlaps::Overlap],
    /// When the open work will finish, when history allows a forecast.
    pub forecast: Option<&'a crate::analyse::forecast::Forecast>,
    /// Called with the path and contents of each page of a change or spec
    /// and of the search index ([`pages`] of them) as soon as it is made,
    /// from any thread: to write it while the others render, and count it.
    pub page: &'a (dyn Fn(&str, &str) + Sync),
}

/// What the site shows about hosts.
pub struct SiteHosts {
    pub hosts: Vec<SiteHost>,
    /// Per change path, the hosts it is work on.
    pub by_change: BTreeMap<String, Vec<String>>,
    /// Paths of the changes whose only code every host shares.
    pub shared: std::collections::BTreeSet<String>,
    /// Those changes under their headings: `(change id, its files)`.
    pub all_hosts: [(&'static str, Vec<ChangeFiles>); 3],
    /// Hosts and the module folders they run, for the architecture drawing.
    pub architecture: Vec<crate::nix::HostFolders>,
}

/// A change id and the files of it a host runs.
pub type ChangeFiles = (String, Vec<String>);

/// One host's page.
pub struct SiteHost {
    pub name: String,
    pub kind: String,
    pub file: String,
    pub line: usize,
    /// `(change id, its files this host runs)`.
    pub open: Vec<ChangeFiles>,
    pub done: Vec<ChangeFiles>,
    /// Archived with tasks still open.
    pub unfinished: Vec<ChangeFiles>,
    /// Every `.nix` file of its closure, and whether it is switched on there.
    pub closure: Vec<(String, bool)>,
}

/// How many files [`build`] hands to [`SiteInput::page`]: one page per
/// change and per spec, and the search index.
pub fn pages(project: &Project) -> usize {
    project.changes.len() + project.specs.len() + 1
}

/// The site's search index (`assets/search-index.js`), which needs only
/// the project: to be made while the rest of [`SiteInput`] is.
pub fn search_index(project: &Project) -> String {
    search::index(project)
}

/// Every file of the site, sorted by path: `(path, contents)`;
/// `search_index` is [`search_index`]'s for the project.
pub fn build(input: &SiteInput<'_>, search_index: String) -> Vec<(String, String)> {
    let project = &input.project;
    let name = input.roadmap.title.trim_end_matches(" Roadmap").to_owned();
    let links = Links::new(&project.changes);
    let lookup = lookup::Lookup::new(input);
    // The search index (the largest file: handed first, to be written
    // while the pages render) and the pages of the whole project, beside
    // the pages of each change and spec.
    let (mut files, (changes, specs)) = rayon::join(
        || {
            let mut files = vec![handed(input, ("assets/search-index.js".into(), search_index))];
            files.extend([
                ("assets/style.css".into(), STYLE_CSS.into()),
                ("assets/search.js".into(), SEARCH_JS.into()),
                ("index.html".into(), index::page(input, &name, &links)),
                ("graph.html".into(), graph::page(input, &name, &links)),
                ("archive.html".into(), archive::page(input, &name)),
                ("timeline.html".into(), timeline::page(input, &name, &links)),
                ("search.html".into(), search::page(input, &name)),
            ]);
            if let Some(hosts) = input.hosts {
                files.push(("hosts.html".into(), hosts::page(input, &name, &links, hosts)));
                for h in &hosts.hosts {
                    files.push((common::host_path(&h.name), hosts::host_page(input, &name, &links, h)));
                }
            }
            files
        },
        || {
            let changes: Vec<(String, String)> = project
                .changes
                .par_iter()
                .map(|c| handed(input, (change_path(c), change::page(input, &lookup, &name, &links, c))))
                .collect();
            let specs: Vec<(String, String)> = project
                .specs
                .par_iter()
                .map(|s| handed(input, (spec_path(s), spec::page(input, &lookup, &name, s))))
                .collect();
            (changes, specs)
        },
    );
    files.extend(changes);
    files.extend(specs);
    // Sorted, duplicates kept: two pages at one path are the writer's
    // error to report, never one page silently dropped.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// A page, once handed to [`SiteInput::page`].
fn handed(input: &SiteInput<'_>, (path, page): (String, String)) -> (String, String) {
    (input.page)(&path, &page);
    (path, page)
}
