//! Requirement provenance: `spec show <spec> --json`, `spec blame` and the
//! site's spec pages, on a fixture whose archive adds, modifies (in another
//! case and spacing), renames and removes requirements, and whose main spec
//! has one requirement no archived change names. An active change shares
//! the spec's id, so `spec show` needs `--type` as the official CLI does.

use crate::harness::{SpecTest, fixtures, run_in};
use serde_json::json;

#[test]
fn show_gives_each_requirement_its_provenance() {
    let run = run_in(&fixtures().join("provenance"), &["show", "auth", "--type", "spec", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let spec = run.json();
    let provenance: Vec<(String, serde_json::Value)> = spec["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().to_owned(), r["provenance"].clone()))
        .collect();
    let step = |change: &str, op: &str, day: &str| json!({"change": change, "op": op, "archived_on": day});
    assert_eq!(
        provenance,
        [
            (
                "User Login".to_owned(),
                json!([step("first-auth", "ADDED", "2026-01-01"), step("tune-login", "MODIFIED", "2026-02-01")])
            ),
            (
                "Sign Out".to_owned(),
                json!([step("first-auth", "ADDED", "2026-01-01"), step("rename-logout", "RENAMED", "2026-03-01")])
            ),
            ("Audit".to_owned(), json!([])),
        ]
    );
}

#[test]
fn an_id_of_a_change_and_a_spec_needs_a_type() {
    let dir = fixtures().join("provenance");
    let both = run_in(&dir, &["show", "auth"]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr
            .contains("ambiguous item `auth`: it names both a change and a spec; pass --type change or --type spec"),
        "{}",
        both.stderr
    );
    let change = run_in(&dir, &["show", "auth", "--type", "change", "--json"]).json();
    assert_eq!((change["type"].as_str(), change["id"].as_str()), (Some("change"), Some("auth")));
    // An archived change does not make a spec id ambiguous (the official CLI knows active changes only).
    let spec = run_in(&dir, &["show", "auth", "--type", "spec"]);
    assert_eq!(spec.code, 0, "{}", spec.stderr);
    let missing = run_in(&dir, &["show", "first-auth", "--type", "spec"]);
    assert!(missing.stderr.contains("no spec with id `first-auth`"), "{}", missing.stderr);
}

#[test]
fn blame_prints_it_and_flags_hand_written_requirements() {
    let run = run_in(&fixtures().join("provenance"), &["blame", "auth"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "auth 3 requirements · 2 explained by archived changes · 1 written by hand

  User Login  openspec/specs/auth/spec.md:7
    2026-01-01  ADDED     first-auth
    2026-02-01  MODIFIED  tune-login

  Sign Out  openspec/specs/auth/spec.md:14
    2026-01-01  ADDED     first-auth
    2026-03-01  RENAMED   rename-logout  from Logout

  Audit  openspec/specs/auth/spec.md:21
    written by hand into the main spec (no archived change names it)
"
    );
    let not_a_spec = run_in(&fixtures().join("provenance"), &["blame", "nope"]);
    assert_eq!(not_a_spec.code, 2);
}

#[test]
fn spec_pages_show_provenance_with_links() {
    let t = SpecTest::fixture("provenance");
    assert_eq!(t.run(&["site"]).code, 0);
    let page = std::fs::read_to_string(t.path().join("site/specs/auth.html")).unwrap();
    assert!(
        page.contains(
            "<li><time>2026-03-01</time> RENAMED by <a href=\"../archive/2026-03-01-rename-logout.html\"><code>rename-logout</code></a> <span class=\"muted\">(from Logout)</span></li>"
        ),
        "{page}"
    );
    assert!(page.contains("Provenance: written by hand into the main spec"), "{page}");
}
