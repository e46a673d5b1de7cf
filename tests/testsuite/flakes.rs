//! The public flakes of `../shared/corpus/flakes/` (git bundles with full
//! history), one per common way of defining hosts: every host found, no
//! false host, in each. The true hosts are those the corpus README lists
//! with the file and line that name them.

use crate::harness::run_in;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh clone of a corpus bundle, at `commit` when given. Its absence is
/// a failure, not a skip.
pub fn clone_flake(name: &str, commit: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/flakes").join(format!("{name}.bundle"));
    assert!(bundle.is_file(), "the shared corpus is missing: {} (tests need ../shared/corpus)", bundle.display());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    let git = |args: &[&str], cwd: &Path| {
        let out = Command::new("git").args(args).current_dir(cwd).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["clone", "-q", bundle.to_str().unwrap(), dir.to_str().unwrap()], tmp.path());
    if let Some(c) = commit {
        git(&["-c", "advice.detachedHead=false", "checkout", "-q", c], &dir);
    }
    (tmp, dir)
}

/// `spec hosts --json` in a clone, with no Nix syntax error reported.
fn hosts_json(name: &str, commit: Option<&str>) -> serde_json::Value {
    let (_tmp, dir) = clone_flake(name, commit);
    let run = run_in(&dir, &["hosts", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let errors = json["errors"].as_array().unwrap();
    assert!(errors.is_empty(), "{name}: Nix syntax errors reported: {errors:?}");
    json
}

/// (kind, name) of every host of `spec hosts --json`, sorted.
fn kinds_and_names(json: &serde_json::Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["kind"].as_str().unwrap().to_owned(), h["name"].as_str().unwrap().to_owned()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// `spec hosts --json` in a clone: (kind, name) of every host, sorted.
fn hosts(name: &str, commit: Option<&str>) -> Vec<(String, String)> {
    kinds_and_names(&hosts_json(name, commit))
}

fn expect(kinds: &[(&str, &[&str])]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        kinds.iter().flat_map(|(k, names)| names.iter().map(move |n| (k.to_string(), n.to_string()))).collect();
    v.sort();
    v
}

#[test]
fn plain_nixos_system_in_flake_outputs() {
    assert_eq!(hosts("Mozart409__homelab-nix", None), expect(&[("nixos", &["pinchflat"])]));
}

#[test]
fn a_helper_per_host_in_flake_nix() {
    let want = expect(&[("nixos", &["armored-armadillo", "boomer-kuwanger", "chill-penguin", "launch-octopus"])]);
    assert_eq!(hosts("caelx__nixos-config", None), want);
    assert_eq!(hosts("caelx__nixos-config", Some("a89e51b7")), want);
}

#[test]
fn dendritic_import_tree_with_a_helper_taking_the_name_as_a_string() {
    let want = expect(&[("nixos", &["freya", "odin", "thor"]), ("darwin", &["imac"])]);
    assert_eq!(hosts("edrobertsrayne__nilfheim", None), want);
}

#[test]
fn nixos_unified_autowiring_hosts_are_folders_by_convention() {
    let want = expect(&[
        ("nixos", &["myolai", "naiveintent", "pureintent"]),
        ("darwin", &["infinitude-macos"]),
        ("home", &["srid@sincereintent", "srid@thismoment", "srid@zest", "toor@kolu-bot"]),
    ]);
    assert_eq!(hosts("srid__nixos-config", None), want);
}

#[test]
fn host_names_computed_from_an_imported_settings_file() {
    let want = expect(&[("darwin", &["laptop-hostname", "studio-hostname"]), ("home", &["localhost"])]);
    assert_eq!(hosts("alisabryant__workstation-setup", None), want);
}

#[test]
fn hosts_generated_from_a_directory_listing_through_library_helpers() {
    // `genAttrs hostNames (hostName: mkSystem hostName { deviceType = ...; })`
    // in a flake-parts partition module, the names from `readDir hosts/<type>`
    // through helpers of lib/builders, reached as `lib.builders.*`.
    let json = hosts_json("DaRacci__nix-config", None);
    let found = kinds_and_names(&json);
    let servers = ["nixai", "nixarr", "nixcloud", "nixdev", "nixio", "nixmon", "nixserv"];
    let nixos: Vec<&str> = std::iter::once("nixmi").chain(servers).collect();
    assert_eq!(found, expect(&[("home", &["racci"]), ("nixos", &nixos)]));
    // Each host's modules follow its own type: `"${self}/modules/nixos/${deviceType}"`.
    let modules = |host: &str| -> Vec<String> {
        let h = json["hosts"].as_array().unwrap().iter().find(|h| h["name"] == host).unwrap();
        h["modules"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect()
    };
    let nixio = modules("nixio");
    assert!(nixio.contains(&"hosts/server/nixio/default.nix".to_owned()), "{nixio:?}");
    assert!(nixio.contains(&"modules/nixos/server/default.nix".to_owned()), "{nixio:?}");
    let nixmi = modules("nixmi");
    assert!(nixmi.contains(&"modules/nixos/desktop/default.nix".to_owned()), "{nixmi:?}");
    assert!(!nixmi.iter().any(|m| m.starts_with("modules/nixos/server")), "{nixmi:?}");
}
