//! `hosts.html` and `hosts/<name>.html`: which hosts run which module
//! folders, and each host's changes and modules.

use super::common::{Layout, Links, host_path, layout};
use super::{SiteHost, SiteHosts, SiteInput};
use crate::render::escape::html as esc;
use crate::render::svg::{self, SvgEdge, SvgGroup, SvgNode};
use askama::Template;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Template)]
#[template(path = "site/page.html")]
struct Page {
    layout: Layout,
    title: String,
    crumbs: Option<String>,
    body: String,
}

/// `hosts.html`: the architecture drawn as SVG and a row per host.
pub(super) fn page(input: &SiteInput<'_>, name: &str, hosts: &SiteHosts) -> String {
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
pub(super) fn host_page(input: &SiteInput<'_>, name: &str, links: &Links, h: &SiteHost) -> String {
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
