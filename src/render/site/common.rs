//! What every page of the site shares: the layout the base template reads,
//! the progress bar, status words and classes, and where each page lives.

use crate::analyse::roadmap::ChangeView;
use crate::model::roadmap::PhaseStatus;
use crate::model::{Change, ChangeStatus, Spec};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The longest page name [`slug`] makes, in bytes: with `.html` well below
/// the 255 bytes of a file name on common file systems (and the 143 of
/// eCryptfs).
const MAX_SLUG: usize = 120;

/// A file name for an id: `[A-Za-z0-9._-]` kept, everything else (and `~`)
/// as `~XX` bytes, so any id maps to one safe, distinct name. A name that
/// would be longer than `MAX_SLUG` (120) bytes is cut after a whole
/// character and ends in `~h` and a hash of the whole id
/// ([`crate::model::short_hash`]): still stable and distinct, and never
/// equal to an uncut name, where `~` is always followed by two capital hex
/// digits. Every page name and link comes from here.
pub fn slug(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        push_escaped(&mut out, c);
    }
    if out.is_empty() {
        return "~".into();
    }
    if out.len() <= MAX_SLUG {
        return out;
    }
    let suffix = format!("~h{}", crate::model::short_hash(id.as_bytes()));
    let mut cut = String::with_capacity(MAX_SLUG);
    for c in id.chars() {
        let before = cut.len();
        push_escaped(&mut cut, c);
        if cut.len() + suffix.len() > MAX_SLUG {
            cut.truncate(before);
            break;
        }
    }
    cut + &suffix
}

/// One character of an id, as [`slug`] writes it after `out`.
fn push_escaped(out: &mut String, c: char) {
    let mut buf = [0; 4];
    for &b in c.encode_utf8(&mut buf).as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_') || (b == b'.' && !out.is_empty()) {
            out.push(b as char);
        } else {
            let _ = write!(out, "~{b:02X}");
        }
    }
}

/// The part of every page the base template reads.
pub(super) struct Layout {
    pub(super) root: &'static str,
    pub(super) project: String,
    pub(super) source: Vec<String>,
    pub(super) nav: Vec<(&'static str, &'static str, bool)>,
}

const NAV: [(&str, &str); 5] = [
    ("Dashboard", "index.html"),
    ("Dependencies", "graph.html"),
    ("Timeline", "timeline.html"),
    ("Archive", "archive.html"),
    ("Search", "search.html"),
];

pub(super) fn layout(root: &'static str, project: &str, source: &[String], hosts: bool, current: &str) -> Layout {
    let mut nav: Vec<(&'static str, &'static str, bool)> =
        NAV.iter().map(|(label, href)| (*label, *href, *href == current)).collect();
    if hosts {
        nav.insert(3, ("Hosts", "hosts.html", current == "hosts.html"));
    }
    Layout { root, project: project.to_owned(), source: source.to_vec(), nav }
}

/// Filters of the page templates.
pub(super) mod filters {
    use askama::Values;
    use askama::filters::Safe;

    /// `{{ value|esc }}`: the value escaped by [`crate::render::escape::html`],
    /// the escaper of every fragment the site built in Rust before the
    /// templates drew them (askama's own writes `&#38;` where it writes
    /// `&amp;`, so the pages keep their bytes).
    #[askama::filter_fn]
    pub fn esc(value: impl std::fmt::Display, _: &dyn Values) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::render::escape::html(&value.to_string())))
    }
}

/// A diagram drawn twice, wide and for a phone (`svg::gantt` and
/// `svg::gantt_narrow`, ...): the stylesheet shows the one that suits the
/// screen (`.wide`, `.narrow`); the other is `display: none`, for screen
/// readers too. Both are SVG from `render::svg`, which escapes its text.
pub(super) fn wide_and_narrow(wide: String, narrow: String) -> String {
    format!("<div class=\"wide\">{wide}</div>\n<div class=\"narrow\">{narrow}</div>")
}

/// A progress bar: `percent` wide, with a text label; the `bar` macro of
/// `templates/site/partials/macros.html` draws it.
pub(super) struct Bar {
    pub(super) percent: usize,
    pub(super) label: String,
}

/// A progress bar with a text label.
pub(super) fn bar(done: usize, total: usize, percent: usize, what: &str) -> Bar {
    let label = if total == 0 { format!("no {what} yet") } else { format!("{done}/{total} {what} · {percent}%") };
    Bar { percent, label }
}

pub(super) fn status_word(class: &str) -> &'static str {
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

pub(super) fn phase_class(status: PhaseStatus) -> &'static str {
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
pub(super) struct Links {
    pub(super) by_id: BTreeMap<String, String>,
}

impl Links {
    pub(super) fn new(changes: &[Change]) -> Self {
        let mut by_id = BTreeMap::new();
        for c in changes.iter().filter(|c| c.archived) {
            by_id.insert(c.id.clone(), change_path(c));
        }
        for c in changes.iter().filter(|c| !c.archived) {
            by_id.insert(c.id.clone(), change_path(c));
        }
        Links { by_id }
    }

    /// A change, linked from a page at `root` to its page when it has one.
    pub(super) fn change(&self, root: &str, id: &str) -> ChangeLink {
        ChangeLink { href: self.by_id.get(id).map(|path| format!("{root}{path}")), id: id.to_owned() }
    }
}

/// A change's id, as a link to its page (`href`, from the page that shows
/// it) or, when it has none, as code marked missing; the `change` macro of
/// `templates/site/partials/macros.html` draws it.
pub(super) struct ChangeLink {
    pub(super) href: Option<String>,
    pub(super) id: String,
}

/// A line about a change in a list: its link, a text after it (a title, what
/// a change does to a spec) and a muted note; the `entry` macro draws it.
pub(super) struct Entry {
    pub(super) link: ChangeLink,
    pub(super) text: Option<String>,
    pub(super) note: String,
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

/// The page of a host, relative to the site root.
pub(super) fn host_path(name: &str) -> String {
    format!("hosts/{}.html", slug(name))
}

/// `1 word`, `n words`.
pub(super) fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// A change's progress in a few words: `3/5`, `no tasks yet`, ...
pub(super) fn progress_text(c: &ChangeView) -> String {
    match c.status {
        None => "missing".into(),
        Some(ChangeStatus::Draft) => "no tasks yet".into(),
        Some(ChangeStatus::Archived) => "archived".into(),
        _ => format!("{}/{}", c.tasks.done, c.tasks.total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    #[derive(Template)]
    #[template(
        source = "{% import \"site/partials/macros.html\" as m %}{{ s|esc }} {{ s }} {% call m::change(l) %}{% endcall %}",
        ext = "html"
    )]
    struct Probe {
        s: &'static str,
        l: ChangeLink,
    }

    #[test]
    fn esc_is_the_site_escaper_not_askamas() {
        let l = ChangeLink { href: None, id: "x&'y".into() };
        let html = Probe { s: "a&'\"<>", l }.render().unwrap();
        assert_eq!(html, "a&amp;&#39;&quot;&lt;&gt; a&#38;&#39;&#34;&#60;&#62; <code>x&amp;&#39;y</code> (missing)");
        let l = ChangeLink { href: Some("../changes/a~26b.html".into()), id: "a&b".into() };
        let html = Probe { s: "", l }.render().unwrap();
        assert_eq!(html, "  <a href=\"../changes/a~26b.html\"><code>a&amp;b</code></a>");
    }

    #[test]
    fn slugs_are_safe_and_distinct() {
        assert_eq!(slug("add-x_1.2"), "add-x_1.2");
        assert_eq!(slug("a/b"), "a~2Fb");
        assert_eq!(slug("~"), "~7E");
        assert_eq!(slug(".hidden"), "~2Ehidden");
        assert_ne!(slug("a b"), slug("a_b"));
    }

    #[test]
    fn long_slugs_are_cut_stable_and_distinct() {
        let id = "日本語".repeat(11)[..93].to_owned();
        let s = slug(&id);
        assert!(s.len() <= MAX_SLUG && s.contains("~h"), "{s}");
        assert_eq!(s, slug(&id), "stable");
        assert!(s.starts_with("~E6~97~A5~E6~9C~AC"), "cut after whole characters: {s}");
        assert_ne!(s, slug(&format!("{id}x")));
        let ascii = "a".repeat(200);
        assert_eq!(slug(&ascii).len(), MAX_SLUG);
        assert_eq!(slug(&"a".repeat(MAX_SLUG)), "a".repeat(MAX_SLUG), "names that fit are kept whole");
    }
}
