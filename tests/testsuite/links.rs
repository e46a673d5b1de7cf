//! `spec links`: code named by changes, resolved against the repository's
//! files (a git repository built here, and the real corpus's TREE.txt).

use crate::harness::{GitRepo, corpus, run_in};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn link<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["path"] == path)
        .unwrap_or_else(|| panic!("no link {path} in {report:#}"))
}

#[test]
fn declared_git_and_renamed_links() {
    let r = GitRepo::new();
    r.write(&[
        ("flake.nix", Some("{ }\n")),
        ("hosts/yoga/default.nix", Some("{ }\n")),
        ("modules/a.nix", Some("{ a = 1; }\n")),
        ("modules/old.nix", Some("{ old = \"a long enough body for rename detection\"; }\n")),
        ("modules/gone.nix", Some("{ }\n")),
    ]);
    r.commit("01-01", "Start");
    r.write(&[
        (
            "openspec/changes/x/proposal.md",
            Some(
                "# Change: X\n\n## What Changes\n- Edit `modules/a.nix` and `modules/old.nix`\n- Drop `modules/gone.nix`\n- Add `modules/future.nix`\n- `hosts/yoga/default.nix` remains unchanged\n",
            ),
        ),
        ("openspec/changes/x/tasks.md", Some("- [ ] 1.1 Do it\n")),
        ("openspec/changes/y/tasks.md", Some("- [ ] 1.1 Other\n")),
        ("openspec/changes/y/proposal.md", Some("# Change: Y\n\n- Rework `flake.nix`\n")),
    ]);
    r.commit("01-02", "Propose x and y");
    r.write(&[("openspec/changes/x/tasks.md", Some("- [x] 1.1 Do it\n")), ("modules/b.nix", Some("{ b = 1; }\n"))]);
    r.commit("01-03", "Work on it");
    r.write(&[
        ("openspec/changes/x/tasks.md", Some("- [x] 1.1 Do it\n- [ ] 1.2 More\n")),
        ("openspec/changes/y/tasks.md", Some("- [x] 1.1 Other\n")),
        ("modules/c.nix", Some("{ c = 1; }\n")),
    ]);
    r.commit("01-04", "Sweep over two changes");
    r.write(&[("modules/d.nix", Some("{ d = 1; }\n"))]);
    r.commit("01-05", "x: the d module");
    r.rename("modules/old.nix", "modules/new.nix");
    r.write(&[("modules/gone.nix", None)]);
    r.commit("01-06", "Rename and delete");

    let run = r.run(&["links", "x", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let x: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(x["change"], "x");
    assert_eq!(link(&x, "modules/a.nix")["state"], "exists");
    assert_eq!(link(&x, "modules/a.nix")["source"], "declared");
    assert_eq!(link(&x, "modules/old.nix")["state"], "renamed");
    assert_eq!(link(&x, "modules/old.nix")["to"], "modules/new.nix");
    assert_eq!(link(&x, "modules/gone.nix")["state"], "deleted");
    assert_eq!(link(&x, "modules/future.nix")["state"], "planned");
    let git = |p: &str| (link(&x, p)["source"].clone(), link(&x, p)["confidence"].as_f64().unwrap());
    assert_eq!(git("modules/b.nix"), ("git".into(), 1.0));
    assert_eq!(git("modules/c.nix"), ("git".into(), 0.5), "a commit over two changes counts half");
    assert_eq!(git("modules/d.nix"), ("git".into(), 1.0), "the message names the change");
    let paths: Vec<&str> = x["links"].as_array().unwrap().iter().map(|l| l["path"].as_str().unwrap()).collect();
    assert!(!paths.contains(&"hosts/yoga/default.nix"), "unchanged lines do not link: {paths:?}");

    let text = r.run(&["links", "x"]).stdout;
    assert!(text.contains("renamed → modules/new.nix"), "{text}");
    let all = r.run(&["links"]).stdout;
    assert!(all.contains("Code links of 2 changes"), "{all}");
    let missing = r.run(&["links", "z"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no change `z`; did you mean x?") || missing.stderr.contains("no change `z`"));

    // `spec check`: the renamed and deleted references, and y, complete
    // although `flake.nix` never changed after it was proposed.
    let check = r.run(&["check"]);
    let out = check.stdout.replace('\\', "/");
    assert!(
        out.contains("openspec/changes/x/proposal.md:4: warning: `modules/old.nix` was renamed to `modules/new.nix`"),
        "{out}"
    );
    assert!(out.contains("openspec/changes/x/proposal.md:5: warning: `modules/gone.nix` was deleted"), "{out}");
    assert!(
        out.contains("change y is complete, but none of the 1 file it names changed since it was created"),
        "{out}"
    );
    assert!(!out.contains("change x is complete"), "{out}");

    // The site lists them on the change page.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    assert_eq!(r.run(&["site", "--out", site.to_str().unwrap()]).code, 0);
    let page = std::fs::read_to_string(site.join("changes/x.html")).unwrap();
    assert!(page.contains("<h2 id=\"code\">Code</h2>"), "{page}");
    assert!(page.contains("<td><code>modules/old.nix</code></td><td>declared</td><td><span class=\"status status-inprogress\">renamed to <code>modules/new.nix</code></span></td>"), "{page}");

    // Without git: the same declared links, no git ones, and no renames.
    let plain = r.run(&["links", "x", "--json", "--no-git"]);
    let x: Value = serde_json::from_str(&plain.stdout).unwrap();
    assert_eq!(link(&x, "modules/old.nix")["state"], "planned");
    assert!(x["links"].as_array().unwrap().iter().all(|l| l["source"] != "git"));
}

/// Issue 12: git evidence weighed by what a commit means, what is not code
/// kept out, examples not planned, and `--all` showing what the floor hides.
#[test]
fn links_a_user_can_trust_and_what_all_shows_below_the_floor() {
    let r = GitRepo::new();
    r.write(&[
        ("flake.nix", Some("{ }\n")),
        ("modules/a.nix", Some("{ a = 1; }\n")),
        (".gitignore", Some("result\n.direnv/\nsecrets.nix\n")),
    ]);
    r.commit("01-01", "Start");
    // The proposal, in a commit that also changes unrelated code: it did no work.
    r.write(&[
        (
            "openspec/changes/tune-a/proposal.md",
            Some("# Change: Tune a\n\n## Impact\n- `modules/a.nix`\n"),
        ),
        ("openspec/changes/tune-a/tasks.md", Some("- [ ] 1.1 Tune `modules/a.nix`\n")),
        (
            "openspec/changes/tune-a/specs/a/spec.md",
            Some("## ADDED Requirements\n### Requirement: A\nIt is tuned.\n\n#### Scenario: a host\n- **WHEN** `hosts/demo/default.nix` imports it\n- **THEN** it builds\n"),
        ),
        ("modules/unrelated.nix", Some("{ u = 1; }\n")),
    ]);
    r.commit("01-02", "Propose tune-a");
    // The work lands in a bulk commit: 120 vendored files, an agent's
    // prompts, a committed direnv profile and an ignored file.
    let mut files: Vec<(String, String)> =
        (0..120).map(|i| (format!("vendor/lib/f{i}.nix"), format!("{{ f = {i}; }}\n"))).collect();
    files.extend((0..30).map(|i| (format!(".opencode/command/c{i}.md"), "# c\n".to_owned())));
    files.push(("openspec/changes/tune-a/tasks.md".into(), "- [x] 1.1 Tune `modules/a.nix`\n".into()));
    files.push(("modules/a.nix".into(), "{ a = 2; }\n".into()));
    let refs: Vec<(&str, Option<&str>)> = files.iter().map(|(p, t)| (p.as_str(), Some(t.as_str()))).collect();
    r.write(&refs);
    r.write(&[(".direnv/flake-profile", Some("profile\n")), ("modules/secrets.nix", Some("{ }\n"))]);
    let mut index = r.repo.index().unwrap();
    for ignored in [".direnv/flake-profile", "modules/secrets.nix"] {
        index.add_path(std::path::Path::new(ignored)).unwrap();
    }
    index.write().unwrap();
    r.commit("01-03", "Tune a, vendor lib, import agent config");
    // The archive, with another unrelated edit: a move is no work either.
    r.rename("openspec/changes/tune-a", "openspec/changes/archive/2024-01-04-tune-a");
    r.write(&[("modules/other.nix", Some("{ o = 1; }\n"))]);
    r.commit("01-04", "Archive tune-a");

    let run = r.run(&["links", "tune-a", "--json", "--all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let paths = |key: &str| -> Vec<String> {
        v[key].as_array().unwrap().iter().map(|l| l["path"].as_str().unwrap().to_owned()).collect()
    };
    let (links, below) = (paths("links"), paths("below_floor"));
    assert_eq!(links, ["modules/a.nix"], "{v:#}");
    let a = link(&v, "modules/a.nix");
    // Named in the Impact (0.95) and changed by the bulk commit (40/121).
    assert_eq!((a["source"].as_str(), a["confidence"].as_f64()), (Some("declared"), Some(0.97)));
    assert!(a["evidence"].as_array().unwrap().iter().any(|e| e["file"] == "git"), "{a:#}");
    // A commit that only adds or archives the folder gives no code evidence.
    for p in ["modules/unrelated.nix", "modules/other.nix"] {
        assert!(!below.contains(&p.to_owned()), "{p} in {below:?}");
    }
    // The bulk commit's files are candidates, far below the floor.
    let bulk = v["below_floor"].as_array().unwrap().iter().find(|l| l["path"] == "vendor/lib/f7.nix").unwrap();
    assert!(bulk["confidence"].as_f64().unwrap() < 0.2, "{bulk:#}");
    let said = bulk["evidence"][0]["text"].as_str().unwrap();
    assert!(said.starts_with("changed by ") && said.ends_with(" (121 files), which worked on the change"), "{said}");
    // Tools' folders and ignored files are not code, committed or not.
    for (p, why) in [
        (".direnv/flake-profile", "`.direnv` is a tool's folder, not code"),
        (".opencode/command/c3.md", "`.opencode` is a tool's folder, not code"),
        ("modules/secrets.nix", "matched by `secrets.nix` in .gitignore, not code"),
    ] {
        let l = v["below_floor"].as_array().unwrap().iter().find(|l| l["path"] == p).unwrap_or_else(|| panic!("{p}"));
        assert_eq!(l["evidence"].as_array().unwrap().last().unwrap()["text"], why);
        assert!(l["confidence"].as_f64().unwrap() <= 0.1);
    }
    // A path in a scenario is not a planned file.
    let demo = v["below_floor"].as_array().unwrap().iter().find(|l| l["path"] == "hosts/demo/default.nix").unwrap();
    assert_eq!(demo["state"], "planned");
    assert_eq!(v["floor"], 0.5);

    // Without --all: the links only, and no `below_floor`.
    let plain: Value = serde_json::from_str(&r.run(&["links", "tune-a", "--json"]).stdout).unwrap();
    assert_eq!(plain["links"], v["links"]);
    assert!(plain.get("below_floor").is_none());
    let text = r.run(&["links", "tune-a", "--all"]).stdout;
    assert!(text.contains("Below the floor (0.50): candidates no view uses"), "{text}");
    assert!(text.contains("rules: matched by `secrets.nix` in .gitignore, not code"), "{text}");
    assert!(!r.run(&["links", "tune-a"]).stdout.contains("vendor/lib"));
    let summary = r.run(&["links", "--all"]).stdout;
    assert!(summary.contains("1 exist, 153 below the floor"), "{summary}");
}

/// Every change of a corpus tree, its links resolved against its TREE.txt,
/// with the candidates below the floor (`--all`).
fn corpus_links(name: &str) -> Vec<Value> {
    let dir = corpus(name);
    let tree = dir.join("TREE.txt");
    let run = run_in(&dir, &["links", "--json", "--all", "--files", tree.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    v["changes"].as_array().unwrap().clone()
}

#[test]
fn the_corpus_declared_paths_resolve_against_its_tree() {
    // The older and the newer commit of the same repository.
    let older: BTreeSet<String> = std::fs::read_to_string(corpus("pantheros-20cbe1f").join("TREE.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let changes = corpus_links("pantheros-fa3d6fa");
    let count = |key: &str| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &changes {
            for l in c[key].as_array().unwrap().iter().filter(|l| l["source"] == "declared") {
                let state = l["state"].as_str().unwrap();
                let path = l["path"].as_str().unwrap();
                // A path missing now that the older tree had: it drifted.
                let key = match state {
                    "planned" if older.contains(path) => "drifted",
                    other => other,
                };
                *counts.entry(key).or_default() += 1;
            }
        }
        counts
    };
    // Measured on the corpus; a change in resolution shows here. Above the
    // floor: the files that exist, 5 `configuration.nix` that are
    // `default.nix` now, and the few files still planned by open changes'
    // tasks or Impact.
    let links = count("links");
    assert_eq!(links.values().sum::<usize>(), 118, "{links:?}");
    assert_eq!(
        links,
        [("drifted", 1), ("exists", 106), ("planned", 6), ("renamed", 5)].into_iter().collect::<BTreeMap<_, _>>()
    );
    // Below it: names several files have (`disko.nix`, `facter.json` in
    // changes that compare hosts), files done changes planned and never
    // wrote, examples in specs, paths on a machine (`dms/binds.kdl`).
    let below = count("below_floor");
    assert_eq!(below, [("ambiguous", 22), ("drifted", 2), ("planned", 43)].into_iter().collect::<BTreeMap<_, _>>());
    let planned_in_spec = changes
        .iter()
        .flat_map(|c| c["links"].as_array().unwrap())
        .filter(|l| l["state"] == "planned")
        .filter(|l| l["evidence"].as_array().unwrap().iter().all(|e| e["file"].as_str().unwrap().ends_with("/spec.md")))
        .count();
    assert_eq!(planned_in_spec, 0, "no file is planned by a spec alone");
}

/// The fixture flake with an `openspec/` folder of three changes.
fn flake() -> crate::harness::SpecTest {
    crate::harness::SpecTest::fixture("flake")
        .file(
            "openspec/changes/nightly-backups/proposal.md",
            "# Change: Nightly backups\n\n## What Changes\n- Tune `modules/services/backup.nix` for kumo and rog\n",
        )
        .file("openspec/changes/nightly-backups/tasks.md", "- [x] 1.1 Schedule\n- [ ] 1.2 Prune\n")
        .file(
            "openspec/changes/harden-ssh/proposal.md",
            "# Change: Harden SSH\n\n## What Changes\n- Edit `modules/services/ssh.nix`\n",
        )
        .file("openspec/changes/harden-ssh/tasks.md", "- [x] 1.1 Keys only\n")
        .file(
            "openspec/changes/repartition-yuki/proposal.md",
            "# Change: Repartition yuki\n\n## What Changes\n- New layout in `disko.nix` on yuki\n",
        )
        .file("openspec/changes/repartition-yuki/tasks.md", "- [ ] 1.1 Layout\n")
        .file("openspec/changes/bump-inputs/proposal.md", "# Change: Bump inputs\n\n- Update `flake.nix`\n")
        .file("openspec/changes/bump-inputs/tasks.md", "- [ ] 1.1 Update\n")
}

#[test]
fn hosts_affected_follow_imports_and_enable_gates() {
    let t = flake();
    let run = t.run(&["links", "nightly-backups", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    // backup.nix is imported by every host through modules/default.nix, but
    // only rog switches it on; the change names kumo too.
    assert_eq!(v["hosts"], serde_json::json!(["rog"]));
    assert_eq!(v["hosts_named"], serde_json::json!(["kumo", "rog"]));
    let text = t.run(&["links", "nightly-backups"]).stdout;
    assert!(text.contains("named but no linked code runs there: kumo"), "{text}");

    let ssh: Value = serde_json::from_str(&t.run(&["links", "harden-ssh", "--json"]).stdout).unwrap();
    assert_eq!(ssh["hosts"], serde_json::json!(["kaito", "kumo", "rog", "yuki"]));
    // A change that names a flake input touches flake.nix.
    let t2 = flake().file(
        "openspec/changes/bump-home-manager/proposal.md",
        "# Change: Bump home-manager\n\nFollow home-manager's release branch.\n",
    );
    // Alone, that is a candidate below the floor.
    let bump: Value = serde_json::from_str(&t2.run(&["links", "bump-home-manager", "--json", "--all"]).stdout).unwrap();
    assert_eq!(bump["links"], serde_json::json!([]));
    let below = &bump["below_floor"][0];
    assert_eq!((below["path"].as_str(), below["source"].as_str()), (Some("flake.nix"), Some("inferred")));
    assert_eq!(below["evidence"][0]["text"], "`home-manager` is a flake input");

    // A bare `disko.nix` placed by the host the change names.
    let yuki: Value = serde_json::from_str(&t.run(&["links", "repartition-yuki", "--json"]).stdout).unwrap();
    assert_eq!(link(&yuki, "hosts/yuki/disko.nix")["source"], "inferred");
    assert_eq!(yuki["hosts"], serde_json::json!(["yuki"]));
}

#[test]
fn impact_hosts_and_nix_findings() {
    let t = flake();
    let run = t.run(&["impact", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let host = |name: &str| v["hosts"].as_array().unwrap().iter().find(|h| h["host"] == name).unwrap().clone();
    let ids = |h: &Value, k: &str| {
        h[k].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&host("rog"), "open"), ["nightly-backups"]);
    // ssh.nix runs on every NixOS host, not on the home configuration.
    assert_eq!(ids(&host("rog"), "done"), ["harden-ssh"]);
    assert_eq!(ids(&host("alice@rog"), "done"), Vec::<String>::new());
    assert_eq!(ids(&host("yuki"), "open"), ["repartition-yuki"]);
    // Backups are off on kumo, but the change names kumo and kumo's build
    // reads the module: it is work there.
    assert_eq!(ids(&host("kumo"), "open"), ["nightly-backups"]);
    // Only `flake.nix`, and no host named: all hosts alike, listed once.
    assert_eq!(ids(&v["shared"], "open"), ["bump-inputs"]);
    assert!(v["hosts"].as_array().unwrap().iter().all(|h| ids(h, "open") != ["bump-inputs"]));
    let one = t.run(&["impact", "--host", "kumu"]);
    assert_eq!(one.code, 2);
    assert!(one.stderr.contains("did you mean kumo?"), "{}", one.stderr);
    assert!(t.run(&["impact", "--host", "yuki"]).stdout.contains("◉ repartition-yuki"));

    // A template flake in a subfolder defines none of the project's hosts.
    let t = t.file(
        "templates/demo/flake.nix",
        "{ outputs = { nixpkgs, ... }: { nixosConfigurations.tmpl = nixpkgs.lib.nixosSystem { modules = [ ./c.nix ]; }; }; }\n",
    );
    let hosts: Value = serde_json::from_str(&t.run(&["hosts", "--json"]).stdout).unwrap();
    let names: Vec<&str> = hosts["hosts"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alice@rog", "kaito", "kumo", "rog", "yuki"]);
    assert_eq!(hosts["orphans"], serde_json::json!(["modules/legacy/old-vpn.nix"]));
    let uses = hosts["input_modules"].as_array().unwrap();
    assert!(
        uses.iter().any(|u| u["input"] == "disko" && u["module"] == "disko" && u["file"] == "flake.nix"),
        "{uses:?}"
    );
    assert_eq!(hosts["dangling"][0]["missing"], "hosts/yuki/gpu.nix");
    let rog = hosts["hosts"].as_array().unwrap().iter().find(|h| h["name"] == "rog").unwrap();
    assert!(rog["closure"].as_array().unwrap().iter().any(|f| f == "modules/services/backup.nix"));

    let status = t.run(&["status"]).stdout;
    assert!(status.contains("Hosts (5)"), "{status}");
    assert!(
        status.lines().any(|l| l.contains("rog") && l.contains("1 open") && l.contains("nightly-backups")),
        "{status}"
    );
    let json: Value = serde_json::from_str(&t.run(&["status", "--json"]).stdout).unwrap();
    let yuki = json["projects"][0]["hosts"].as_array().unwrap().iter().find(|h| h["host"] == "yuki").unwrap().clone();
    assert_eq!(yuki["open"], serde_json::json!(["repartition-yuki"]));

    let check = t.run(&["check"]).stdout;
    assert!(
        check.contains("hosts/yuki/default.nix:7: warning: imports `hosts/yuki/gpu.nix`, which does not exist"),
        "{check}"
    );
    assert!(check.contains("modules/legacy/old-vpn.nix: info: no host imports this module"), "{check}");
    assert!(check.contains("modules/desktop/default.nix:7: warning: Nix syntax error"), "{check}");

    // Without Nix, the commands say why they cannot answer.
    let plain = crate::harness::SpecTest::fixture("basic");
    let run = plain.run(&["hosts"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("needs Nix: no .nix file in the project"), "{}", run.stderr);
}

#[test]
fn roadmap_has_a_host_table_and_architecture() {
    let t = flake();
    let run = t.run(&["roadmap", "--stdout"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hosts =
        &run.stdout[run.stdout.find("## Hosts").expect("a Hosts section")..run.stdout.find("## Legend").unwrap()];
    insta::assert_snapshot!("roadmap_hosts", hosts);
    // Without a flake there is no Hosts section.
    let plain = crate::harness::SpecTest::fixture("basic").run(&["roadmap", "--stdout"]);
    assert!(!plain.stdout.contains("## Hosts"));
}

#[test]
fn the_site_has_host_pages() {
    let t = flake();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = t.run(&["site", "--out", site.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hosts = std::fs::read_to_string(site.join("hosts.html")).unwrap();
    assert!(hosts.contains("<a href=\"hosts/rog.html\">rog</a>"), "{hosts}");
    assert!(hosts.contains("class=\"spec-hosts"), "the architecture is drawn: {hosts}");
    let rog = std::fs::read_to_string(site.join("hosts/rog.html")).unwrap();
    assert!(rog.contains("<a href=\"../changes/nightly-backups.html\"><code>nightly-backups</code></a>"), "{rog}");
    let yuki = std::fs::read_to_string(site.join("hosts/yuki.html")).unwrap();
    assert!(yuki.contains("<li><del><code>modules/services/backup.nix</code></del>"), "gated off on yuki: {yuki}");
    let change = std::fs::read_to_string(site.join("changes/nightly-backups.html")).unwrap();
    let runs_on =
        "<strong>Runs on:</strong> <a href=\"../hosts/kumo.html\">kumo</a>, <a href=\"../hosts/rog.html\">rog</a></p>";
    assert!(change.contains(runs_on), "{change}");
    // Shared work is listed once, on the hosts page, and change pages point there.
    assert!(hosts.contains("<h2 id=\"shared\">All hosts (shared)</h2>"), "{hosts}");
    assert!(hosts.contains("<a href=\"changes/bump-inputs.html\"><code>bump-inputs</code></a>"), "{hosts}");
    let ssh = std::fs::read_to_string(site.join("changes/bump-inputs.html")).unwrap();
    assert!(ssh.contains("<a href=\"../hosts.html#shared\">all hosts</a>"), "{ssh}");
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("<a href=\"hosts.html\">Hosts</a>"), "{index}");
}

#[test]
fn a_generated_roadmap_is_output_not_code() {
    // Two changes both say they update ROADMAP.md and docs/ROADMAP-notes.md;
    // the first is spec's output (its marker), the second hand-written.
    let proposal =
        "# Change: X\n\n## Why\nBecause.\n\n## Impact\n- Affected code: `ROADMAP.md`, `docs/roadmap-notes.md`\n";
    let t = crate::harness::SpecTest::new()
        .file("openspec/changes/one/proposal.md", proposal)
        .file("openspec/changes/two/proposal.md", proposal)
        .file("ROADMAP.md", "<!-- spec:begin -->\n# R\n<!-- spec:end -->\n")
        .file("docs/roadmap-notes.md", "# Notes by hand\n");
    let report = t.run(&["links", "one", "--json"]).json();
    let paths: Vec<&str> = report["links"].as_array().unwrap().iter().map(|l| l["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["docs/roadmap-notes.md"], "{report:#}");
    let overlaps = t.run(&["overlaps", "--json"]).json();
    assert_eq!(overlaps, serde_json::json!([{"a": "one", "b": "two", "kind": "file", "key": "docs/roadmap-notes.md"}]));
}

#[test]
fn an_archived_change_whose_files_never_changed_is_work_on_no_host() {
    let flake = "{ outputs = { nixpkgs, ... }: {
  nixosConfigurations.web = nixpkgs.lib.nixosSystem { modules = [ ./hosts/web ]; };
  nixosConfigurations.db = nixpkgs.lib.nixosSystem { modules = [ ./hosts/db ]; };
}; }";
    let change = |title: &str, file: &str| format!("## Why\n{title}\n\n## What Changes\n- Edit `{file}`\n");
    let repo = GitRepo::new();
    repo.write(&[
        ("flake.nix", Some(flake)),
        ("hosts/web/default.nix", Some("{ services.nginx.enable = true; }\n")),
        ("hosts/db/default.nix", Some("{ services.postgresql.enable = true; }\n")),
    ]);
    repo.commit("01-01", "flake");
    repo.write(&[
        ("openspec/changes/tune-web/proposal.md", Some(&change("Tune nginx.", "hosts/web/default.nix"))),
        ("openspec/changes/tune-web/tasks.md", Some("- [ ] 1.1 Tune it\n- [ ] 1.2 Test it\n")),
        ("openspec/changes/tune-db/proposal.md", Some(&change("Tune postgres.", "hosts/db/default.nix"))),
        ("openspec/changes/tune-db/tasks.md", Some("- [ ] 1.1 Tune it\n- [ ] 1.2 Test it\n")),
    ]);
    repo.commit("01-02", "propose tune-web and tune-db");
    // Only the database's file is ever changed.
    repo.write(&[("hosts/db/default.nix", Some("{ services.postgresql.enable = true; x = 1; }\n"))]);
    repo.commit("01-03", "postgres settings");
    repo.rename("openspec/changes/tune-web", "openspec/changes/archive/2024-01-04-tune-web");
    repo.rename("openspec/changes/tune-db", "openspec/changes/archive/2024-01-04-tune-db");
    repo.commit("01-04", "archive both, tasks left open");
    let run = repo.run(&["impact", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let on = |host: &str| -> Vec<String> {
        let h = json["hosts"].as_array().unwrap().iter().find(|h| h["host"] == host).unwrap();
        h["unfinished"]
            .as_array()
            .map(|l| l.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    assert_eq!(on("db"), ["tune-db"], "changed between proposal and archive: archived unfinished work on db");
    assert!(on("web").is_empty(), "never changed: planned, not done, on no host: {json}");
    // Without the history, what its documents name is all there is to go by.
    let run = repo.run(&["impact", "--json", "--no-git"]);
    let json = run.json();
    let web = json["hosts"].as_array().unwrap().iter().find(|h| h["host"] == "web").unwrap().clone();
    assert_eq!(web["unfinished"][0]["id"], "tune-web", "{json}");
}

#[test]
fn a_flake_edit_only_to_dev_shells_is_work_on_no_host() {
    let flake = |shell: &str, input: &str| {
        format!(
            "{{\n  inputs.nixpkgs.url = \"{input}\";\n  outputs = {{ nixpkgs, ... }}: {{\n    nixosConfigurations.web = nixpkgs.lib.nixosSystem {{ modules = [ ./hosts/web ]; }};\n    nixosConfigurations.db = nixpkgs.lib.nixosSystem {{ modules = [ ./hosts/db ]; }};\n    devShells.x86_64-linux.default = nixpkgs.legacyPackages.x86_64-linux.mkShell {{\n      packages = [ {shell} ];\n    }};\n  }};\n}}\n"
        )
    };
    let proposal = "## Why\nFix it.\n\n## Impact\n- `flake.nix`\n";
    let repo = GitRepo::new();
    repo.write(&[
        ("flake.nix", Some(&flake("git", "github:nixos/nixpkgs"))),
        ("hosts/web/default.nix", Some("{ services.nginx.enable = true; }\n")),
        ("hosts/db/default.nix", Some("{ services.postgresql.enable = true; }\n")),
        ("openspec/changes/fix-shell/proposal.md", Some(proposal)),
        ("openspec/changes/fix-shell/tasks.md", Some("- [ ] 1.1 Fix the dev shell\n")),
        ("openspec/changes/bump-nixpkgs/proposal.md", Some(proposal)),
        ("openspec/changes/bump-nixpkgs/tasks.md", Some("- [ ] 1.1 Bump nixpkgs\n")),
    ]);
    repo.commit("01-01", "flake and two proposals");
    repo.write(&[
        ("flake.nix", Some(&flake("git age", "github:nixos/nixpkgs"))),
        ("openspec/changes/fix-shell/tasks.md", Some("- [x] 1.1 Fix the dev shell\n")),
    ]);
    repo.commit("01-02", "fix the dev shell");
    repo.write(&[
        ("flake.nix", Some(&flake("git age", "github:nixos/nixpkgs/nixos-unstable"))),
        ("openspec/changes/bump-nixpkgs/tasks.md", Some("- [x] 1.1 Bump nixpkgs\n")),
    ]);
    repo.commit("01-03", "bump nixpkgs");
    let run = repo.run(&["impact", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let shared: Vec<&str> =
        json["shared"]["done"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    // An input every host builds from: all hosts alike.
    assert_eq!(shared, ["bump-nixpkgs"], "{json}");
    // The dev shell is no host's build.
    assert!(!json.to_string().contains("fix-shell"), "{json}");
    // Without the history there is no telling which part of flake.nix it edited.
    let json = repo.run(&["impact", "--json", "--no-git"]).json();
    assert!(json["shared"]["done"].to_string().contains("fix-shell"), "{json}");
}

#[test]
fn a_merge_counts_for_a_change_only_with_the_work_it_brings() {
    let repo = GitRepo::new();
    repo.write(&[
        ("flake.nix", Some("{ outputs = { nixpkgs, ... }: { nixosConfigurations.web = nixpkgs.lib.nixosSystem { modules = [ ./web.nix ]; }; }; }\n")),
        ("web.nix", Some("{ }\n")),
    ]);
    repo.commit("01-01", "flake");
    repo.branch("tune-web");
    repo.write(&[
        ("openspec/changes/tune-web/proposal.md", Some("## Why\nTune it.\n")),
        ("openspec/changes/tune-web/tasks.md", Some("- [x] 1.1 Tune it\n")),
        ("web.nix", Some("{ services.nginx.enable = true; }\n")),
    ]);
    repo.commit("01-02", "tune-web: tune nginx");
    repo.checkout("main");
    repo.write(&[("unrelated.nix", Some("{ }\n"))]);
    repo.commit("01-03", "something else on main");
    // The main line merged into the change's branch: main's work, not the change's.
    repo.checkout("tune-web");
    repo.merge_as("main", "01-04", "Merge branch 'main' into tune-web");
    let run = repo.run(&["links", "tune-web", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let paths = |json: &serde_json::Value| -> Vec<String> {
        json["links"].as_array().unwrap().iter().map(|l| l["path"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(paths(&run.json()), ["web.nix"]);
    // The change's branch merged into main: the pull request brings its work.
    repo.checkout("main");
    repo.branch("tune-db");
    repo.write(&[
        ("openspec/changes/tune-db/proposal.md", Some("## Why\nTune it.\n")),
        ("openspec/changes/tune-db/tasks.md", Some("- [x] 1.1 Tune it\n")),
        ("db.nix", Some("{ services.postgresql.enable = true; }\n")),
    ]);
    repo.commit("01-05", "add a database");
    repo.checkout("main");
    repo.merge_as("tune-db", "01-06", "Merge pull request #2 from me/tune-db");
    let json = repo.run(&["links", "tune-db", "--json"]).json();
    assert_eq!(paths(&json), ["db.nix"], "{json}");
}
