//! The static progress site: askama page templates (`templates/site/`),
//! Markdown from the repository rendered with pulldown-cmark and sanitised
//! with ammonia, diagrams drawn as SVG by [`super::svg`], and an offline
//! search index. Pure: [`build`] returns every file's path and bytes; writing
//! them is [`crate::output`]'s job.
//!
//! Rules the pages keep: relative links only (the site works from `file://`
//! and any sub-path), no external resource, no script from content (only the
//! site's own files, marked `data-spec`), one `<h1>` and `<main>` per page,
//! headings that never skip a level.

use super::escape::html as esc;
use super::svg::{self, BurnupPoint, GanttRow, SvgEdge, SvgGroup, SvgNode};
use crate::analyse::graph::{EdgeKind, Graph};
use crate::analyse::history::{BurnPoint, ChangeHistory, History, Presence};
use crate::analyse::roadmap::{ChangeView, Roadmap};
use crate::model::roadmap::PhaseStatus;
use crate::model::{Change, ChangeStatus, Project, Requirement, Spec};
use askama::Template;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The stylesheet and the search script, compiled into the binary.
pub const STYLE_CSS: &str = include_str!("../../assets/style.css");
pub const SEARCH_JS: &str = include_str!("../../assets/search.js");

/// A file name for an id: `[A-Za-z0-9._-]` kept, everything else (and `~`)
/// as `~XX` bytes, so any id maps to one safe, distinct name.
pub fn slug(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') || (b == b'.' && !out.is_empty()) {
            out.push(b as char);
        } else {
            let _ = write!(out, "~{b:02X}");
        }
    }
    if out.is_empty() { "~".into() } else { out }
}

/// Sanitiser for Markdown from the repository: no script, style, frame,
/// form, image or event handler; only http(s) and mailto links; relative
/// links (to repository files the site does not have) lose their target.
fn cleaner() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"));
    b
}

thread_local! {
    static CLEANER: ammonia::Builder<'static> = cleaner();
}

/// Render Markdown to safe HTML. Headings start at level `base` and never
/// skip a level (the page's outline stays valid); `drop_title` removes a
/// leading `# ` heading that repeats the page title.
pub fn markdown(text: &str, base: u8, drop_title: bool) -> String {
    let mut last_md = 0u8;
    let mut last_out = base - 1;
    let mut skipping = false;
    let mut first = true;
    let events =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS)
            .filter_map(|event| {
                let starts_block = matches!(event, Event::Start(_));
                match event {
                    Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                        let md = level as u8;
                        if first && drop_title && md == 1 {
                            skipping = true;
                            first = false;
                            return None;
                        }
                        first = false;
                        let out = if md > last_md {
                            (last_out + 1).min(6)
                        } else {
                            (base + md - 1).clamp(base, last_out).min(6)
                        };
                        last_md = md;
                        last_out = out;
                        Some(Event::Start(Tag::Heading { level: heading(out), id, classes, attrs }))
                    }
                    Event::End(TagEnd::Heading(_)) if skipping => {
                        skipping = false;
                        None
                    }
                    Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Heading(heading(last_out)))),
                    Event::Html(h) | Event::InlineHtml(h) => {
                        if starts_block {
                            first = false;
                        }
                        (!skipping).then_some(Event::Html(h))
                    }
                    other => {
                        if starts_block {
                            first = false;
                        }
                        (!skipping).then_some(other)
                    }
                }
            });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    CLEANER.with(|c| c.clean(&html).to_string())
}

fn heading(level: u8) -> HeadingLevel {
    match level {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The part of every page the base template reads.
struct Layout {
    root: &'static str,
    project: String,
    source: Vec<String>,
    nav: Vec<(&'static str, &'static str, bool)>,
}

const NAV: [(&str, &str); 5] = [
    ("Dashboard", "index.html"),
    ("Dependencies", "graph.html"),
    ("Timeline", "timeline.html"),
    ("Archive", "archive.html"),
    ("Search", "search.html"),
];

fn layout(root: &'static str, project: &str, source: &[String], hosts: bool, current: &str) -> Layout {
    let mut nav: Vec<(&'static str, &'static str, bool)> =
        NAV.iter().map(|(label, href)| (*label, *href, *href == current)).collect();
    if hosts {
        nav.insert(3, ("Hosts", "hosts.html", current == "hosts.html"));
    }
    Layout { root, project: project.to_owned(), source: source.to_vec(), nav }
}

/// A progress bar with a text label.
fn bar(done: usize, total: usize, percent: usize, what: &str) -> String {
    let label = if total == 0 { format!("no {what} yet") } else { format!("{done}/{total} {what} · {percent}%") };
    format!(
        "<div class=\"progress\"><span class=\"track\" role=\"progressbar\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"{percent}\" aria-label=\"{}\"><span class=\"fill\" style=\"width:{percent}%\"></span></span><span class=\"label\">{}</span></div>",
        esc(&label),
        esc(&label)
    )
}

fn status_class(c: &ChangeView) -> &'static str {
    match c.status {
        Some(ChangeStatus::Complete) => "complete",
        Some(ChangeStatus::Archived) => "archived",
        None => "missing",
        _ if c.started() => "inprogress",
        _ => "planned",
    }
}

fn status_word(class: &str) -> &'static str {
    match class {
        "complete" => "complete",
        "archived" => "archived",
        "missing" => "missing",
        "inprogress" => "in progress",
        "blocked" => "blocked",
        "research" => "research",
        _ => "planned",
    }
}

fn phase_class(status: PhaseStatus) -> &'static str {
    match status {
        PhaseStatus::Complete => "complete",
        PhaseStatus::InProgress => "inprogress",
        PhaseStatus::Planned => "planned",
        PhaseStatus::Research => "research",
        PhaseStatus::Blocked => "blocked",
    }
}

/// Where each change's page is, by id: active changes by id, archived ones
/// under `archive/` by folder name; an id links to its active page if there
/// is one, else its latest archived page.
struct Links {
    by_id: BTreeMap<String, String>,
}

impl Links {
    fn new(changes: &[Change]) -> Self {
        let mut by_id = BTreeMap::new();
        for c in changes.iter().filter(|c| c.archived) {
            by_id.insert(c.id.clone(), change_path(c));
        }
        for c in changes.iter().filter(|c| !c.archived) {
            by_id.insert(c.id.clone(), change_path(c));
        }
        Links { by_id }
    }

    /// `<a>` to a change (from a page at `root`), or the id as code when it has no page.
    fn change(&self, root: &str, id: &str) -> String {
        match self.by_id.get(id) {
            Some(path) => format!("<a href=\"{root}{}\"><code>{}</code></a>", esc(path), esc(id)),
            None => format!("<code>{}</code> (missing)", esc(id)),
        }
    }
}

/// The page of a change, relative to the site root.
pub fn change_path(c: &Change) -> String {
    let folder = c.path.rsplit('/').next().unwrap_or(&c.id);
    if c.archived { format!("archive/{}.html", slug(folder)) } else { format!("changes/{}.html", slug(&c.id)) }
}

/// The page of a spec, relative to the site root.
pub fn spec_path(s: &Spec) -> String {
    format!("specs/{}.html", slug(&s.id))
}

#[derive(Template)]
#[template(path = "site/index.html")]
struct IndexPage {
    layout: Layout,
    title: String,
    summary: Option<String>,
    tasks: String,
    changes: String,
    specs: String,
    archived: String,
    bar: String,
    phases: Vec<PhaseCard>,
    next: Vec<String>,
    blocked: Vec<String>,
    recent: Vec<String>,
}

struct PhaseCard {
    id: String,
    title: String,
    status: String,
    class: &'static str,
    goal: Option<String>,
    bar: String,
    counts: String,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "site/change.html")]
struct ChangePage {
    layout: Layout,
    id: String,
    title: String,
    class: &'static str,
    status: &'static str,
    facts: Vec<String>,
    bar: String,
    depends_on: Vec<String>,
    dependents: Vec<String>,
    sections: Vec<TaskSectionView>,
    deltas: Vec<DeltaView>,
    history: Option<String>,
    code: Option<String>,
    proposal: Option<String>,
    design: Option<String>,
}

struct TaskSectionView {
    anchor: String,
    title: String,
    count: String,
    tasks: Vec<TaskView>,
}

struct TaskView {
    depth: usize,
    done: bool,
    text: String,
}

struct DeltaView {
    anchor: String,
    spec_link: String,
    requirements: Vec<DeltaRequirement>,
}

struct DeltaRequirement {
    op: &'static str,
    op_class: &'static str,
    name: String,
    body: String,
}

#[derive(Template)]
#[template(path = "site/spec.html")]
struct SpecPage {
    layout: Layout,
    id: String,
    title: String,
    counts: String,
    error: Option<String>,
    purpose: Option<String>,
    requirements: Vec<RequirementView>,
    changed_by: Vec<String>,
}

struct RequirementView {
    anchor: String,
    name: String,
    body: String,
}

#[derive(Template)]
#[template(path = "site/graph.html")]
struct GraphPage {
    layout: Layout,
    graph: String,
    critical: Option<String>,
    legend: Vec<(&'static str, &'static str)>,
    gantt: Option<String>,
}

#[derive(Template)]
#[template(path = "site/archive.html")]
struct ArchivePage {
    layout: Layout,
    caption: String,
    rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "site/search.html")]
struct SearchPage {
    layout: Layout,
}

/// Inline Markdown (a task's text) to safe HTML without a paragraph.
fn inline_markdown(text: &str) -> String {
    let html = markdown(text, 3, false);
    let trimmed = html.trim();
    trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")).unwrap_or(trimmed).to_owned()
}

/// A requirement's text and scenarios as HTML, the scenarios under headings
/// one level below `level`.
fn requirement_body(r: &Requirement, level: u8) -> String {
    let mut out = markdown(&r.text, level + 1, false);
    for sc in &r.scenarios {
        let h = (level + 1).min(6);
        let _ = write!(
            out,
            "<div class=\"scenario\"><h{h}>Scenario: {}</h{h}>{}</div>",
            esc(&sc.name),
            markdown(&sc.text, (level + 2).min(6), false)
        );
    }
    out
}

fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

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
}

/// What the site shows about hosts.
pub struct SiteHosts {
    pub hosts: Vec<SiteHost>,
    /// Per change path, the hosts whose build runs its code.
    pub by_change: BTreeMap<String, Vec<String>>,
    /// Hosts and the module folders they run, for the architecture drawing.
    pub architecture: Vec<crate::nix::HostFolders>,
}

/// One host's page.
pub struct SiteHost {
    pub name: String,
    pub kind: String,
    pub file: String,
    pub line: usize,
    /// `(change id, its files this host runs)`.
    pub open: Vec<(String, Vec<String>)>,
    pub done: Vec<(String, Vec<String>)>,
    /// Every `.nix` file of its closure, and whether it is switched on there.
    pub closure: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "site/page.html")]
struct Page {
    layout: Layout,
    title: String,
    crumbs: Option<String>,
    body: String,
}

fn host_path(name: &str) -> String {
    format!("hosts/{}.html", slug(name))
}

/// `hosts.html`: the architecture drawn as SVG and a row per host.
fn hosts_page(input: &SiteInput<'_>, name: &str, hosts: &SiteHosts) -> String {
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
    let mut body = String::from(
        "<p>Which machines run which module folders, from the flake's imports and enable gates. A folder is yellow when a change still open touches it, green when only finished changes do.</p>\n",
    );
    let _ = writeln!(body, "<figure class=\"diagram\">\n{drawing}\n</figure>");
    body.push_str("<table>\n<thead><tr><th scope=\"col\">Host</th><th scope=\"col\">Kind</th><th scope=\"col\">Open changes</th><th scope=\"col\">Done changes</th><th scope=\"col\">Modules</th></tr></thead>\n<tbody>\n");
    for h in &hosts.hosts {
        let _ = writeln!(
            body,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&host_path(&h.name)),
            esc(&h.name),
            esc(&h.kind),
            h.open.len(),
            h.done.len(),
            h.closure.len()
        );
    }
    body.push_str("</tbody>\n</table>\n");
    Page { layout: layout("", name, &input.source, true, "hosts.html"), title: "Hosts".into(), crumbs: None, body }
        .render()
        .expect("hosts page renders")
}

/// `hosts/<name>.html`: the changes whose code the host runs, and its modules.
fn host_page(input: &SiteInput<'_>, name: &str, links: &Links, h: &SiteHost) -> String {
    let root = "../";
    let mut body = format!(
        "<p class=\"meta\"><code>{}</code> · defined in <code>{}:{}</code></p>\n",
        esc(&h.kind),
        esc(&h.file),
        h.line
    );
    for (title, list) in [("Open changes", &h.open), ("Done changes", &h.done)] {
        let _ = writeln!(body, "<h2>{title}</h2>");
        if list.is_empty() {
            body.push_str("<p>None.</p>\n");
            continue;
        }
        body.push_str("<ul>\n");
        for (id, files) in list {
            let files: Vec<String> = files.iter().map(|f| format!("<code>{}</code>", esc(f))).collect();
            let _ =
                writeln!(body, "<li>{} <span class=\"muted\">{}</span></li>", links.change(root, id), files.join(", "));
        }
        body.push_str("</ul>\n");
    }
    let _ = writeln!(
        body,
        "<h2>Modules</h2>\n<p>The {} <code>.nix</code> files its build reads; struck-through ones are enable-gated modules no module of this host switches on.</p>\n<ul class=\"columns\">",
        h.closure.len()
    );
    for (file, active) in &h.closure {
        if *active {
            let _ = writeln!(body, "<li><code>{}</code></li>", esc(file));
        } else {
            let _ = writeln!(body, "<li><del><code>{}</code></del> <span class=\"muted\">off</span></li>", esc(file));
        }
    }
    body.push_str("</ul>\n");
    Page {
        layout: layout(root, name, &input.source, true, ""),
        title: h.name.clone(),
        crumbs: Some(format!("<a href=\"{root}hosts.html\">Hosts</a> › host")),
        body,
    }
    .render()
    .expect("host page renders")
}

/// One search entry: title, kind, URL (from the site root), text.
#[derive(serde::Serialize)]
struct SearchEntry {
    t: String,
    k: &'static str,
    u: String,
    x: String,
}

/// Every file of the site, sorted by path: `(path, contents)`.
pub fn build(input: &SiteInput<'_>) -> Vec<(String, String)> {
    let project = &input.project;
    let name = input.roadmap.title.trim_end_matches(" Roadmap").to_owned();
    let links = Links::new(&project.changes);
    let mut files: Vec<(String, String)> = vec![
        ("assets/style.css".into(), STYLE_CSS.into()),
        ("assets/search.js".into(), SEARCH_JS.into()),
        ("index.html".into(), index_page(input, &name, &links)),
        ("graph.html".into(), graph_page(input, &name, &links)),
        ("archive.html".into(), archive_page(input, &name, &links)),
        ("timeline.html".into(), timeline_page(input, &name, &links)),
        (
            "search.html".into(),
            SearchPage { layout: layout("", &name, &input.source, input.hosts.is_some(), "search.html") }
                .render()
                .expect("search page renders"),
        ),
    ];
    let changes: Vec<(String, String)> =
        project.changes.par_iter().map(|c| (change_path(c), change_page(input, &name, &links, c))).collect();
    files.extend(changes);
    let specs: Vec<(String, String)> =
        project.specs.par_iter().map(|s| (spec_path(s), spec_page(input, &name, &links, s))).collect();
    files.extend(specs);
    files.push(("assets/search-index.js".into(), search_index(project)));
    if let Some(hosts) = input.hosts {
        files.push(("hosts.html".into(), hosts_page(input, &name, hosts)));
        for h in &hosts.hosts {
            files.push((host_path(&h.name), host_page(input, &name, &links, h)));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|b, a| a.0 == b.0);
    files
}

fn index_page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let r = input.roadmap;
    let project = &input.project;
    let phases = r
        .phases
        .iter()
        .map(|p| PhaseCard {
            id: slug(&p.id),
            title: p.title.clone(),
            status: status_word(phase_class(p.status)).to_owned(),
            class: phase_class(p.status),
            goal: p.goal.clone(),
            bar: bar(p.tasks.done, p.tasks.total, p.percent, "tasks"),
            counts: format!("{} of {} done", p.changes_done, count(p.changes.len(), "change")),
            changes: p
                .changes
                .iter()
                .map(|c| format!("{} <span class=\"muted\">{}</span>", links.change("", &c.id), esc(&progress_text(c))))
                .collect(),
        })
        .collect();
    let next = r
        .next
        .iter()
        .map(|n| {
            let what = match n.status {
                ChangeStatus::Draft => "write its tasks".to_owned(),
                _ if n.tasks.done == 0 => format!("start: {} tasks", n.tasks.total),
                _ => format!("continue: {} of {} tasks done", n.tasks.done, n.tasks.total),
            };
            format!(
                "{} {} <span class=\"muted\">({})</span>",
                links.change("", &n.id),
                esc(if n.title == n.id { "" } else { &n.title }),
                esc(&what)
            )
        })
        .collect();
    let blocked = r
        .blocked
        .iter()
        .map(|b| {
            format!(
                "{} waits for {}",
                links.change("", &b.id),
                b.waits_for.iter().map(|w| links.change("", w)).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    let mut recent: Vec<String> = project
        .active()
        .filter(|c| c.status == ChangeStatus::Complete)
        .map(|c| {
            format!(
                "{} {} <span class=\"muted\">(complete, ready to archive)</span>",
                links.change("", &c.id),
                esc(&c.title)
            )
        })
        .collect();
    recent.extend(r.archived.iter().take(10).map(|c| {
        format!(
            "<a href=\"{}\"><code>{}</code></a> <span class=\"muted\">(archived {})</span>",
            esc(&archived_path(project, c)),
            esc(&c.id),
            esc(&c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()))
        )
    }));
    IndexPage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "index.html"),
        title: r.title.clone(),
        summary: r.summary.clone(),
        tasks: format!("{}/{} ({}%)", r.tasks.done, r.tasks.total, r.percent),
        changes: format!("{}/{}", r.changes_done, r.changes_total),
        specs: project.specs.len().to_string(),
        archived: r.archived.len().to_string(),
        bar: bar(r.tasks.done, r.tasks.total, r.percent, "tasks across active changes"),
        phases,
        next,
        blocked,
        recent,
    }
    .render()
    .expect("index renders")
}

/// The page of an archived change view (by its folder, found in the project).
fn archived_path(project: &crate::model::Project, c: &ChangeView) -> String {
    project
        .archived()
        .filter(|a| a.id == c.id && a.archived_on == c.archived_on)
        .map(change_path)
        .next()
        .unwrap_or_default()
}

fn progress_text(c: &ChangeView) -> String {
    match c.status {
        None => "missing".into(),
        Some(ChangeStatus::Draft) => "no tasks yet".into(),
        Some(ChangeStatus::Archived) => "archived".into(),
        _ => format!("{}/{}", c.tasks.done, c.tasks.total),
    }
}

fn graph_page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let r = input.roadmap;
    let mut groups: Vec<SvgGroup> = Vec::new();
    let mut nodes: Vec<SvgNode> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let add = |c: &ChangeView, group: Option<usize>, nodes: &mut Vec<SvgNode>, index: &mut BTreeMap<String, usize>| {
        if index.contains_key(&c.id) {
            return;
        }
        index.insert(c.id.clone(), nodes.len());
        nodes.push(SvgNode {
            label: c.id.clone(),
            sublabel: progress_text(c),
            class: status_class(c),
            href: links.by_id.get(&c.id).cloned(),
            group,
            title: format!("{} ({})", c.title, status_word(status_class(c))),
        });
    };
    let mut owned: BTreeMap<String, usize> = BTreeMap::new();
    for p in &r.phases {
        groups.push(SvgGroup { title: p.title.clone() });
        let g = groups.len() - 1;
        for c in &p.changes {
            add(c, Some(g), &mut nodes, &mut owned);
        }
    }
    if !r.unplanned.is_empty() {
        groups.push(SvgGroup { title: "Unplanned".into() });
        let g = groups.len() - 1;
        for c in &r.unplanned {
            add(c, Some(g), &mut nodes, &mut owned);
        }
    }
    let archived: BTreeMap<&str, &ChangeView> = r.archived.iter().map(|c| (c.id.as_str(), c)).collect();
    for e in &r.edges {
        if owned.contains_key(&e.from)
            && !owned.contains_key(&e.to)
            && let Some(c) = archived.get(e.to.as_str())
        {
            add(c, None, &mut nodes, &mut owned);
        }
    }
    index.extend(owned.iter().map(|(k, v)| (k.as_str(), *v)));
    let edges: Vec<SvgEdge> = r
        .edges
        .iter()
        .filter_map(|e| {
            Some(SvgEdge {
                from: *index.get(e.to.as_str())?,
                to: *index.get(e.from.as_str())?,
                dashed: e.kind == EdgeKind::Inferred,
            })
        })
        .collect();
    let graph = svg::dependency_graph(&nodes, &edges, &groups, "Dependency graph of the changes");
    let critical = (!r.critical_path.is_empty()).then(|| {
        format!(
            "{} <span class=\"muted\">({} open tasks)</span>",
            r.critical_path.iter().map(|c| links.change("", c)).collect::<Vec<_>>().join(" → "),
            r.critical_weight
        )
    });
    let mut rows: Vec<GanttRow> = Vec::new();
    for p in &r.phases {
        if let (Some(s), Some(e)) = (&p.start, &p.end) {
            rows.push(GanttRow {
                label: p.title.clone(),
                start: *s,
                end: *e,
                class: phase_class(p.status),
                milestone: false,
                href: Some(format!("index.html#phase-{}", slug(&p.id))),
                section: p.title.clone(),
            });
        }
        for m in &p.milestones {
            if let Some(d) = &m.due {
                rows.push(GanttRow {
                    label: m.title.clone(),
                    start: *d,
                    end: *d,
                    class: phase_class(m.status),
                    milestone: true,
                    href: None,
                    section: p.title.clone(),
                });
            }
        }
    }
    let gantt = (!rows.is_empty()).then(|| svg::gantt(&rows, "Planned timeline of the phases"));
    let _ = input;
    GraphPage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "graph.html"),
        graph,
        critical,
        legend: vec![
            ("complete", "complete"),
            ("inprogress", "in progress"),
            ("planned", "planned"),
            ("archived", "archived"),
            ("missing", "named but missing"),
        ],
        gantt,
    }
    .render()
    .expect("graph page renders")
}

#[derive(Template)]
#[template(path = "site/timeline.html")]
struct TimelinePage {
    layout: Layout,
    unavailable: Option<String>,
    summary: String,
    project_chart: String,
    phases: Vec<(String, String, String)>,
    gantt: Option<String>,
    stale: Vec<String>,
    stale_days: u32,
    reference: String,
}

fn burnup_points(series: &[BurnPoint]) -> Vec<BurnupPoint> {
    series.iter().filter_map(|b| b.at.day.map(|d| BurnupPoint { day: d, done: b.done, total: b.total })).collect()
}

fn timeline_page(input: &SiteInput<'_>, name: &str, links: &Links) -> String {
    let mut page = TimelinePage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "timeline.html"),
        unavailable: None,
        summary: String::new(),
        project_chart: String::new(),
        phases: Vec::new(),
        gantt: None,
        stale: Vec::new(),
        stale_days: 0,
        reference: String::new(),
    };
    let h = match &input.history {
        Ok(h) => h,
        Err(why) => {
            page.unavailable = Some(format!("No history: {why}."));
            return page.render().expect("timeline renders");
        }
    };
    let first = h.project.iter().find_map(|b| b.at.day);
    page.summary = format!(
        "From {} commits{}{}.",
        h.commits,
        match (&first, h.head.as_ref().and_then(|e| e.day)) {
            (Some(a), Some(b)) => format!(", {a} to {b}"),
            _ => String::new(),
        },
        match &h.shallow_from {
            Some(s) => format!(" (a shallow clone: history before {} is missing)", s.label()),
            None => String::new(),
        }
    );
    page.project_chart = svg::burnup(&burnup_points(&h.project), &format!("Burn-up of {name}"));
    page.phases = h
        .phases
        .iter()
        .filter(|p| !p.series.is_empty())
        .map(|p| {
            let chart = svg::burnup(&burnup_points(&p.series), &format!("Burn-up of the phase {}", p.title));
            (format!("phase-{}", slug(&p.id)), p.title.clone(), chart)
        })
        .collect();
    // Rows: each phase's planned span, then its changes by start date.
    let r = input.roadmap;
    let phase_of: BTreeMap<&str, &str> =
        r.phases.iter().flat_map(|p| p.changes.iter().map(move |c| (c.id.as_str(), p.title.as_str()))).collect();
    let mut rows: Vec<(usize, String, GanttRow)> = Vec::new();
    for (i, p) in r.phases.iter().enumerate() {
        if let (Some(s), Some(e)) = (&p.start, &p.end) {
            rows.push((
                i,
                String::new(),
                GanttRow {
                    label: format!("{} (planned)", p.title),
                    start: *s,
                    end: *e,
                    class: "planned",
                    milestone: false,
                    href: Some(format!("index.html#phase-{}", slug(&p.id))),
                    section: p.title.clone(),
                },
            ));
        }
    }
    let order: BTreeMap<&str, usize> = r.phases.iter().enumerate().map(|(i, p)| (p.title.as_str(), i)).collect();
    for c in h.changes.iter().filter(|c| c.presence != Presence::Removed) {
        let Some(start) = c.created.day else { continue };
        let end = [&c.archived, &c.completed].into_iter().flatten().find_map(|e| e.day);
        let class = match (c.presence, &c.completed) {
            (Presence::Archived, _) => "archived",
            (_, Some(_)) => "complete",
            _ if c.first_checked.is_some() => "inprogress",
            _ => "planned",
        };
        let end = end.or(c.last_activity.day).unwrap_or(start);
        let section = match phase_of.get(c.id.as_str()) {
            Some(t) => (*t).to_owned(),
            None if c.presence == Presence::Archived => "Archived".to_owned(),
            None => "Unplanned".to_owned(),
        };
        let rank = order.get(section.as_str()).copied().unwrap_or(usize::MAX - usize::from(section == "Archived"));
        let open = c.completed.is_none() && c.presence == Presence::Active;
        rows.push((
            rank,
            start.to_string(),
            GanttRow {
                label: if open { format!("{} (active)", c.id) } else { c.id.clone() },
                start,
                end,
                class,
                milestone: false,
                href: links.by_id.get(&c.id).cloned(),
                section,
            },
        ));
    }
    rows.sort_by(|a, b| (a.0, &a.1, &a.2.label).cmp(&(b.0, &b.1, &b.2.label)));
    let rows: Vec<GanttRow> = rows.into_iter().map(|r| r.2).collect();
    page.gantt = (!rows.is_empty()).then(|| svg::gantt(&rows, "When each change was worked on, from git history"));
    page.stale = h
        .changes
        .iter()
        .filter(|c| c.stale)
        .map(|c| {
            format!(
                "{} <span class=\"muted\">last change {}</span>",
                links.change("", &c.id),
                esc(&c.last_activity.label())
            )
        })
        .collect();
    page.stale_days = h.stale_after_days;
    page.reference = h.reference_day.map(|d| d.to_string()).unwrap_or_default();
    page.render().expect("timeline renders")
}

/// The Code section of a change page: a table of its links.
fn code_links(links: &[crate::analyse::links::Link]) -> String {
    use crate::analyse::links::{Source, State};
    let mut rows = String::new();
    for l in links {
        let source = match l.source {
            Source::Declared => "declared",
            Source::Git => "git",
            Source::Inferred => "inferred",
        };
        let (class, state) = match &l.state {
            State::Exists => ("complete", "exists".to_owned()),
            State::Renamed(to) => ("inprogress", format!("renamed to <code>{}</code>", esc(to))),
            State::Deleted => ("blocked", "deleted".to_owned()),
            State::Planned => ("planned", "planned".to_owned()),
            State::Ambiguous(c) => ("archived", format!("ambiguous ({} files)", c.len())),
        };
        let at = l
            .evidence
            .first()
            .map(|e| match e.line {
                Some(n) => format!("{}:{n}", e.file),
                None => e.text.clone(),
            })
            .unwrap_or_default();
        let _ = writeln!(
            rows,
            "<tr><td><code>{}</code></td><td>{source}</td><td><span class=\"status status-{class}\">{state}</span></td><td>{:.2}</td><td class=\"muted\">{}</td></tr>",
            esc(&l.path),
            l.confidence,
            esc(&at)
        );
    }
    format!(
        "<div class=\"table\"><table>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Source</th><th scope=\"col\">State</th><th scope=\"col\">Confidence</th><th scope=\"col\">Where</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table></div>\n"
    )
}

/// The History section of a change page.
fn change_history(c: &ChangeHistory) -> String {
    let mut rows = Vec::new();
    let mut row = |what: &str, e: Option<&crate::analyse::history::Event>| {
        if let Some(e) = e {
            rows.push(format!("<dt>{what}</dt><dd>{}</dd>", esc(&e.label())));
        }
    };
    row(if c.created_before_history { "Created (on or before)" } else { "Created" }, Some(&c.created));
    row("First task checked", c.first_checked.as_ref());
    row("Completed", c.completed.as_ref());
    row("Archived", c.archived.as_ref());
    row("Removed", c.removed.as_ref());
    row("Last change", Some(&c.last_activity));
    let mut out = format!("<dl class=\"dates\">{}</dl>\n", rows.join(""));
    if !c.renamed_from.is_empty() {
        out.push_str(&format!("<p>Renamed from <code>{}</code>.</p>\n", esc(&c.renamed_from.join(" → "))));
    }
    if c.stale {
        out.push_str(
            "<p><span class=\"status status-blocked\">stale</span> No commit has touched it for a long while.</p>\n",
        );
    }
    let points: Vec<BurnupPoint> = c
        .series
        .iter()
        .filter_map(|p| p.at.day.map(|d| BurnupPoint { day: d, done: u64::from(p.done), total: u64::from(p.total) }))
        .collect();
    if points.len() > 1 {
        out.push_str(&format!(
            "<figure class=\"diagram\">\n{}\n</figure>\n",
            svg::burnup(&points, &format!("Tasks of {} over time", c.id))
        ));
    }
    out
}

fn archive_page(input: &SiteInput<'_>, name: &str, _links: &Links) -> String {
    let project = &input.project;
    let mut archived: Vec<&Change> = project.archived().collect();
    archived.sort_by(|a, b| b.archived_on.cmp(&a.archived_on).then_with(|| a.path.cmp(&b.path)));
    let rows = archived
        .iter()
        .map(|c| {
            (
                format!(
                    "<a href=\"{}\"><code>{}</code></a> {}",
                    esc(&change_path(c)),
                    esc(&c.id),
                    esc(if c.title == c.id { "" } else { &c.title })
                ),
                c.archived_on.map_or_else(|| "undated".to_owned(), |d| d.to_string()),
                format!("{}/{}", c.tasks.done, c.tasks.total),
            )
        })
        .collect();
    ArchivePage {
        layout: layout("", name, &input.source, input.hosts.is_some(), "archive.html"),
        caption: format!("{}, most recent first", count(archived.len(), "archived change")),
        rows,
    }
    .render()
    .expect("archive renders")
}

fn change_page(input: &SiteInput<'_>, name: &str, links: &Links, c: &Change) -> String {
    let root = "../";
    let view = input
        .roadmap
        .phases
        .iter()
        .flat_map(|p| p.changes.iter())
        .chain(&input.roadmap.unplanned)
        .chain(&input.roadmap.archived)
        .find(|v| v.id == c.id && v.status == Some(c.status));
    let class = view.map_or_else(|| if c.archived { "archived" } else { "planned" }, status_class);
    let mut facts = Vec::new();
    if let Some(d) = &c.archived_on {
        facts.push(format!("archived {d}"));
    }
    if let Some(d) = c.metadata.as_ref().and_then(|m| m.created.as_ref()) {
        facts.push(format!("created {d}"));
    }
    facts.push(format!("<code>{}</code>", esc(&c.path)));
    let graph = input.graph;
    let shown_here = graph.node(&c.id).is_some_and(|n| n.path == c.path);
    let edge_line = |other: &str, kind: EdgeKind, file: &str, line: Option<usize>| {
        let how = if kind == EdgeKind::Inferred { "inferred from" } else { "declared in" };
        let at = line.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{} <span class=\"muted\">({how} <code>{}{at}</code>)</span>", links.change(root, other), esc(file))
    };
    let (depends_on, dependents) = if shown_here {
        (
            graph.dependencies(&c.id).iter().map(|e| edge_line(&e.to, e.kind, &e.file, e.line)).collect(),
            graph.dependents(&c.id).iter().map(|e| edge_line(&e.from, e.kind, &e.file, e.line)).collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let mut sections = Vec::new();
    for (f, file) in c.task_files.iter().enumerate() {
        let mut groups: Vec<(Option<usize>, Vec<&crate::model::Task>)> = Vec::new();
        for t in &file.tasks {
            match groups.last_mut() {
                Some((s, list)) if *s == t.section => list.push(t),
                _ => groups.push((t.section, vec![t])),
            }
        }
        for (i, (s, tasks)) in groups.into_iter().enumerate() {
            let title = s.map_or_else(
                || file.path.rsplit('/').next().unwrap_or("tasks").to_owned(),
                |s| file.sections[s].title.clone(),
            );
            let done = tasks.iter().filter(|t| t.done).count();
            sections.push(TaskSectionView {
                anchor: format!("tasks-{f}-{i}"),
                title,
                count: format!("{done}/{}", tasks.len()),
                tasks: tasks
                    .iter()
                    .map(|t| TaskView { depth: t.depth.min(4), done: t.done, text: inline_markdown(&t.text) })
                    .collect(),
            });
        }
    }
    let deltas = c
        .deltas
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let spec = input.project.specs.iter().find(|s| s.id == d.capability);
            let spec_link = match spec {
                Some(s) => format!("<a href=\"{root}{}\">{}</a>", esc(&spec_path(s)), esc(&d.capability)),
                None => format!("{} <span class=\"muted\">(new spec)</span>", esc(&d.capability)),
            };
            let mut requirements: Vec<DeltaRequirement> = Vec::new();
            for r in &d.added {
                requirements.push(DeltaRequirement {
                    op: "added",
                    op_class: "added",
                    name: r.name.clone(),
                    body: requirement_body(r, 4),
                });
            }
            for r in &d.modified {
                requirements.push(DeltaRequirement {
                    op: "modified",
                    op_class: "modified",
                    name: r.name.clone(),
                    body: requirement_body(r, 4),
                });
            }
            for r in &d.removed {
                requirements.push(DeltaRequirement {
                    op: "removed",
                    op_class: "removed",
                    name: r.name.clone(),
                    body: String::new(),
                });
            }
            for r in &d.renamed {
                requirements.push(DeltaRequirement {
                    op: "renamed",
                    op_class: "renamed",
                    name: format!("{} → {}", r.from, r.to),
                    body: String::new(),
                });
            }
            DeltaView { anchor: format!("delta-{i}"), spec_link, requirements }
        })
        .collect();
    ChangePage {
        layout: layout(root, name, &input.source, input.hosts.is_some(), ""),
        id: c.id.clone(),
        title: c.title.clone(),
        class,
        status: status_word(class),
        facts: facts.into_iter().map(|f| if f.starts_with('<') { f } else { esc(&f) }).collect(),
        bar: bar(c.tasks.done, c.tasks.total, c.tasks.percent(), "tasks"),
        depends_on,
        dependents,
        sections,
        deltas,
        history: input
            .history
            .as_ref()
            .ok()
            .and_then(|h| h.changes.iter().find(|x| x.folder_is(c)))
            .map(change_history),
        code: input.links.get(&c.path).filter(|l| !l.is_empty()).map(|l| {
            let hosts = input.hosts.and_then(|h| h.by_change.get(&c.path));
            let runs_on = match hosts {
                Some(hs) if !hs.is_empty() => {
                    let list: Vec<String> =
                        hs.iter().map(|h| format!("<a href=\"{root}{}\">{}</a>", esc(&host_path(h)), esc(h))).collect();
                    format!("<p><strong>Runs on:</strong> {}</p>\n", list.join(", "))
                }
                _ if input.hosts.is_some() => {
                    "<p><strong>Runs on:</strong> no host (none of its files is in a host's build)</p>\n".to_owned()
                }
                _ => String::new(),
            };
            runs_on + &code_links(l)
        }),
        proposal: c.proposal.as_ref().map(|p| markdown(&p.text, 3, true)),
        design: c.design.as_ref().map(|d| markdown(&d.text, 3, true)),
    }
    .render()
    .expect("change page renders")
}

fn spec_page(input: &SiteInput<'_>, name: &str, links: &Links, s: &Spec) -> String {
    let root = "../";
    let mut changed_by: BTreeSet<(bool, String, String)> = BTreeSet::new();
    for c in &input.project.changes {
        for d in c.deltas.iter().filter(|d| d.capability == s.id) {
            let mut ops = Vec::new();
            for (n, op) in [
                (d.added.len(), "adds"),
                (d.modified.len(), "modifies"),
                (d.removed.len(), "removes"),
                (d.renamed.len(), "renames"),
            ] {
                if n > 0 {
                    ops.push(format!("{op} {}", count(n, "requirement")));
                }
            }
            let link = format!("<a href=\"{root}{}\"><code>{}</code></a>", esc(&change_path(c)), esc(&c.id));
            let state = if c.archived {
                format!("archived {}", c.archived_on.map(|d| d.to_string()).unwrap_or_default())
            } else {
                status_word(if c.status == ChangeStatus::Complete { "complete" } else { "planned" }).to_owned()
            };
            changed_by.insert((
                c.archived,
                c.path.clone(),
                format!("{link} {} <span class=\"muted\">({})</span>", esc(&ops.join(", ")), esc(state.trim())),
            ));
        }
    }
    let _ = links;
    SpecPage {
        layout: layout(root, name, &input.source, input.hosts.is_some(), ""),
        id: s.id.clone(),
        title: s.title.clone(),
        counts: format!("{}, {}", count(s.requirements.len(), "requirement"), count(s.scenario_count(), "scenario")),
        error: s.parse_error.clone(),
        purpose: s.purpose.as_deref().map(|p| markdown(p, 3, false)),
        requirements: s
            .requirements
            .iter()
            .enumerate()
            .map(|(i, r)| RequirementView {
                anchor: format!("req-{i}"),
                name: r.name.clone(),
                body: requirement_body(r, 3),
            })
            .collect(),
        changed_by: changed_by.into_iter().map(|(_, _, html)| html).collect(),
    }
    .render()
    .expect("spec page renders")
}

/// `window.SPEC_SEARCH = [...]`: changes, specs, requirements and tasks.
fn search_index(project: &crate::model::Project) -> String {
    let mut entries: Vec<SearchEntry> = Vec::new();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for c in &project.changes {
        let url = change_path(c);
        let why = c.proposal.as_ref().and_then(|p| p.why.clone()).unwrap_or_default();
        entries.push(SearchEntry {
            t: format!("{} ({})", c.title, c.id),
            k: if c.archived { "archived change" } else { "change" },
            u: url.clone(),
            x: squash(&why),
        });
        for (f, file) in c.task_files.iter().enumerate() {
            let _ = f;
            for t in &file.tasks {
                entries.push(SearchEntry {
                    t: squash(&t.text),
                    k: "task",
                    u: format!("{url}#tasks"),
                    x: format!("{} · {}", c.id, if t.done { "done" } else { "open" }),
                });
            }
        }
    }
    for s in &project.specs {
        let url = spec_path(s);
        entries.push(SearchEntry {
            t: format!("{} ({})", s.title, s.id),
            k: "spec",
            u: url.clone(),
            x: squash(s.purpose.as_deref().unwrap_or("")),
        });
        for (i, r) in s.requirements.iter().enumerate() {
            entries.push(SearchEntry {
                t: r.name.clone(),
                k: "requirement",
                u: format!("{url}#req-{i}"),
                x: squash(&r.text),
            });
        }
    }
    let json = serde_json::to_string(&entries).expect("index serialises");
    format!("window.SPEC_SEARCH = {json};\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markdown_is_inert() {
        let html = markdown(
            "# T\n<script>window.__spec_pwned=1</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[x](javascript:alert(1)) [y](./local.md) [z](https://example.org)\n\n<iframe src=\"https://evil\"></iframe><form action=\"/\"><input></form><svg onload=alert(1)></svg>",
            3,
            false,
        );
        for bad in ["<script", "onerror", "javascript:", "<iframe", "<form", "onload", "<img", "local.md"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("href=\"https://example.org\""), "{html}");
    }

    #[test]
    fn headings_start_at_base_and_never_skip() {
        let html = markdown("# A\n### B\n## C\n#### D\n", 3, false);
        assert_eq!(html.matches("<h3>").count(), 1, "{html}");
        assert!(html.contains("<h4>B</h4>") && html.contains("<h4>C</h4>") && html.contains("<h5>D</h5>"), "{html}");
        let dropped = markdown("# Change: X\n\n## Why\ntext\n", 3, true);
        assert!(!dropped.contains("Change: X") && dropped.contains("<h3>Why</h3>"), "{dropped}");
    }

    #[test]
    fn slugs_are_safe_and_distinct() {
        assert_eq!(slug("add-x_1.2"), "add-x_1.2");
        assert_eq!(slug("a/b"), "a~2Fb");
        assert_eq!(slug("~"), "~7E");
        assert_eq!(slug(".hidden"), "~2Ehidden");
        assert_ne!(slug("a b"), slug("a_b"));
    }
}
