//! OpenSpec 1.14+ metadata end to end: stacking fields under `x-` keys
//! (`x-depends-on`, `x-dependsOn`, `x-provides`, `x-requires`, `x-touches`,
//! `x-parent`) drive the graph, `next`, ROADMAP.md and the site as the bare
//! keys do; a bare key still works and `spec check` names its `x-` form.

use crate::harness::{SpecTest, fixtures, run_in};

#[test]
fn tool_keys_drive_the_graph() {
    let run = run_in(&fixtures().join("stacking"), &["graph", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let edges: Vec<(String, String, String, u64)> = json["projects"][0]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("from"), s("to"), s("file"), e["line"].as_u64().unwrap())
        })
        .collect();
    let edge = |from: &str, to: &str, line: u64| {
        (from.to_owned(), to.to_owned(), format!("openspec/changes/{from}/.openspec.yaml"), line)
    };
    assert_eq!(
        edges,
        [edge("add-sync", "add-store", 4), edge("add-sync-ui", "add-sync", 3), edge("legacy-keys", "add-store", 3)]
    );
    assert_eq!(json["projects"][0]["critical_path"], serde_json::json!(["add-sync", "add-sync-ui"]));
}

#[test]
fn tool_keys_reach_next_roadmap_and_site() {
    let t = SpecTest::fixture("stacking");
    let next = t.run(&["next"]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    assert!(!next.stdout.contains("add-sync-ui"), "add-sync-ui waits for add-sync:\n{}", next.stdout);
    assert!(next.stdout.contains("add-sync"), "{}", next.stdout);

    let roadmap = t.run(&["roadmap", "--stdout"]);
    assert_eq!(roadmap.code, 0, "{}", roadmap.stderr);
    assert!(roadmap.stdout.contains("`add-sync-ui` (0/2 tasks), waits for `add-sync`"), "{}", roadmap.stdout);
    assert!(roadmap.stdout.contains("`add-sync` → `add-sync-ui`"), "{}", roadmap.stdout);

    let site = t.run(&["site"]);
    assert_eq!(site.code, 0, "{}", site.stderr);
    let page = std::fs::read_to_string(t.path().join("site/changes/add-sync-ui.html")).unwrap();
    assert!(
        page.contains(
            "<a href=\"../changes/add-sync.html\"><code>add-sync</code></a> <span class=\"muted\">(declared in <code>openspec/changes/add-sync-ui/.openspec.yaml:3</code>)"
        ),
        "{page}"
    );
}

#[test]
fn tool_keys_in_json_and_links() {
    let dir = fixtures().join("stacking");
    let show = run_in(&dir, &["show", "add-sync-ui", "--json"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let meta = &show.json()["metadata"];
    assert_eq!(
        (&meta["depends_on"], &meta["parent"]),
        (&serde_json::json!(["add-sync"]), &serde_json::json!("add-sync"))
    );
    // Another tool's `x-` key is kept as it was, not read as a stacking field.
    assert_eq!(meta["extra"], serde_json::json!({"x-reviewer": "someone-else"}));
    let store = run_in(&dir, &["show", "add-store", "--json"]).json();
    assert_eq!(store["metadata"]["provides"], serde_json::json!(["note-store"]));
    let links = run_in(&dir, &["links", "add-store", "--json"]);
    assert!(links.stdout.contains("src/store.rs"), "x-touches is a declared link:\n{}", links.stdout);
}

#[test]
fn bare_keys_warn_with_the_fix_in_every_format() {
    let dir = fixtures().join("stacking");
    let text = run_in(&dir, &["check"]);
    assert_eq!(text.code, 0, "a warning does not fail check:\n{}", text.stdout);
    assert!(
        text.stdout.contains(
            "openspec/changes/legacy-keys/.openspec.yaml:3: warning: OpenSpec 1.14+ `validate --strict` rejects `dependsOn`; write `x-depends-on`"
        ),
        "{}",
        text.stdout
    );
    let github = run_in(&dir, &["check", "--format", "github"]);
    assert!(
        github.stdout.contains("::warning file=openspec/changes/legacy-keys/.openspec.yaml,line=3"),
        "{}",
        github.stdout
    );
}
