//! Broken and hostile input: every case gives a clear diagnostic naming the
//! file (and line where there is one), and never a panic.

use crate::harness::SpecTest;

fn assert_no_panic(run: &crate::harness::Run) {
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_ne!(run.code, 101, "{}", run.stderr);
}

fn finding<'a>(check: &'a serde_json::Value, file_suffix: &str) -> &'a serde_json::Value {
    check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"].as_str().is_some_and(|p| p.ends_with(file_suffix)))
        .unwrap_or_else(|| panic!("no finding for {file_suffix}: {check:#}"))
}

#[test]
fn broken_yaml_names_file_and_line() {
    let t = SpecTest::new()
        .file("openspec/changes/a/tasks.md", "- [x] one\n- [ ] two\n")
        .file("openspec/changes/a/.openspec.yaml", "schema: spec-driven\ndependsOn: [b,\n  created: nope\n");
    let list = t.run(&["list", "--json"]);
    assert_no_panic(&list);
    assert_eq!(list.code, 0);
    assert_eq!(list.json()["changes"][0]["tasks"], serde_json::json!({"done": 1, "total": 2}));
    assert!(list.stderr.contains("openspec/changes/a/.openspec.yaml:"), "{}", list.stderr);
    let check = t.run(&["check", "--json"]);
    assert_eq!(check.code, 1);
    let f = finding(&check.json(), ".openspec.yaml").clone();
    assert_eq!(f["level"], "ERROR");
    assert!(f["line"].as_u64().is_some(), "{f}");
    assert!(f["message"].as_str().unwrap().starts_with("invalid YAML"), "{f}");
    let text = t.run(&["check"]);
    assert!(text.stdout.contains("openspec/changes/a/.openspec.yaml:"), "{}", text.stdout);
}

#[test]
fn broken_config_yaml() {
    let t = SpecTest::new().file("openspec/config.yaml", "schema: [\n").dir("openspec/changes");
    let run = t.run(&["check", "--json"]);
    assert_no_panic(&run);
    let f = finding(&run.json(), "openspec/config.yaml").clone();
    assert_eq!(f["line"], 2);
}

#[test]
fn crlf_and_bom_count_like_lf() {
    let lf = "## 1. A\n- [x] 1.1 a\n- [ ] 1.2 b\n";
    let spec = "## Purpose\nA purpose long enough to satisfy the validator rules.\n\n## Requirements\n### Requirement: R\nIt SHALL r.\n\n#### Scenario: s\n- ok\n";
    let t = SpecTest::new()
        .file("openspec/changes/crlf/tasks.md", lf.replace('\n', "\r\n"))
        .file("openspec/changes/bom/tasks.md", format!("\u{feff}{lf}"))
        .file("openspec/specs/crlf/spec.md", spec.replace('\n', "\r\n"))
        .file("openspec/specs/bom/spec.md", format!("\u{feff}{spec}"));
    let list = t.run(&["list", "--json"]).json();
    for c in list["changes"].as_array().unwrap() {
        assert_eq!(c["tasks"], serde_json::json!({"done": 1, "total": 2}), "{c}");
    }
    let specs = t.run(&["list", "--specs", "--json"]).json();
    for s in specs["specs"].as_array().unwrap() {
        assert_eq!((s["requirements"].as_u64(), s["scenarios"].as_u64()), (Some(1), Some(1)), "{s}");
    }
    let show = t.run(&["show", "crlf", "--type", "change", "--json"]).json();
    assert_eq!(show["task_files"][0]["tasks"][0]["text"], "1.1 a");
}

#[test]
fn non_utf8_bytes_are_reported_with_line() {
    let t = SpecTest::new().file("openspec/changes/a/tasks.md", b"- [x] caf\xe9\n- [ ] ok\n".as_slice());
    let list = t.run(&["list", "--json"]);
    assert_no_panic(&list);
    assert_eq!(list.json()["changes"][0]["tasks"], serde_json::json!({"done": 1, "total": 2}));
    assert!(
        list.stderr.contains("openspec/changes/a/tasks.md:1: warning: not valid UTF-8 (byte 0xe9 at column 10)"),
        "{}",
        list.stderr
    );
}

#[test]
fn empty_openspec_project() {
    let t = SpecTest::new().dir("openspec/changes");
    let run = t.run(&["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Nothing here yet"), "{}", run.stdout);
    assert_eq!(t.run(&["list", "--json"]).json(), serde_json::json!({"changes": []}));
    let check = t.run(&["check"]);
    assert_eq!(check.code, 0);
    assert!(check.stdout.contains("0 passed, 0 failed (0 items)"), "{}", check.stdout);
}

#[test]
fn change_without_proposal() {
    let t = SpecTest::new().file("openspec/changes/bare/tasks.md", "- [ ] a\n");
    let check = t.run(&["check", "--json"]).json();
    let f = finding(&check, "openspec/changes/bare").clone();
    assert_eq!(f["level"], "WARNING");
    assert!(f["message"].as_str().unwrap().contains("has no proposal.md"));
    let show = t.run(&["show", "bare"]);
    assert!(show.stdout.contains("no proposal.md"), "{}", show.stdout);
}

#[test]
fn tasks_file_with_only_headings() {
    let t = SpecTest::new()
        .file("openspec/changes/h/proposal.md", "# Change: H\n")
        .file("openspec/changes/h/tasks.md", "# Tasks\n\n## 1. Later\n");
    let list = t.run(&["list", "--json"]).json();
    assert_eq!(list["changes"][0]["status"], "draft");
    let check = t.run(&["check", "--json"]).json();
    let f = finding(&check, "tasks.md").clone();
    assert_eq!((f["level"].as_str(), f["line"].as_u64()), (Some("INFO"), Some(1)));
}

#[test]
fn hundred_megabyte_file_is_refused_not_read() {
    let t = SpecTest::new().file("openspec/changes/big/proposal.md", "# Change: Big\n");
    let big = std::fs::File::create(t.path().join("openspec/changes/big/tasks.md")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    let run = t.run(&["check", "--json"]);
    assert_no_panic(&run);
    assert_eq!(run.code, 1);
    let f = finding(&run.json(), "openspec/changes/big/tasks.md").clone();
    assert_eq!(f["level"], "ERROR");
    assert!(f["message"].as_str().unwrap().contains("100.0 MiB, over the 16 MiB limit"), "{f}");
    let list = t.run(&["list", "--json"]);
    assert_eq!(list.code, 0);
    assert!(list.stderr.contains("over the 16 MiB limit"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_link_outside_root_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("tasks.md"), "- [x] secret\n").unwrap();
    let t = SpecTest::new().dir("openspec/changes/loop").dir("openspec/changes/out").dir("openspec/specs");
    symlink("tasks.md", t.path().join("openspec/changes/loop/tasks.md")).unwrap();
    symlink(outside.path().join("tasks.md"), t.path().join("openspec/changes/out/tasks.md")).unwrap();
    symlink("..", t.path().join("openspec/specs/up")).unwrap();
    let run = t.run(&["check", "--json"]);
    assert_no_panic(&run);
    let check = run.json();
    assert!(finding(&check, "loop/tasks.md")["message"].as_str().unwrap().contains("symlink loop"));
    assert!(finding(&check, "out/tasks.md")["message"].as_str().unwrap().contains("outside the root"));
    let list = t.run(&["list", "--json"]).json();
    for c in list["changes"].as_array().unwrap() {
        assert_eq!(c["tasks"]["total"], 0, "{c}");
    }
}

#[cfg(unix)]
#[test]
fn link_inside_root_is_followed() {
    use std::os::unix::fs::symlink;
    let t = SpecTest::new().file("shared/tasks.md", "- [x] a\n").dir("openspec/changes/linked");
    symlink(t.path().join("shared/tasks.md"), t.path().join("openspec/changes/linked/tasks.md")).unwrap();
    let list = t.run(&["list", "--json"]).json();
    assert_eq!(list["changes"][0]["tasks"], serde_json::json!({"done": 1, "total": 1}));
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let t = SpecTest::new().file("openspec/changes/a/tasks.md", "- [x] a\n").dir("openspec/changes/b/tasks.md");
    let path = t.path().join("openspec/changes/a/tasks.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_reads_anyway = std::fs::read(&path).is_ok();
    let check = t.run(&["check", "--json"]);
    assert_no_panic(&check);
    let check = check.json();
    if root_reads_anyway {
        // Running as root: permissions do not stop reads, so the file counts.
        let list = t.run(&["list", "--json"]).json();
        assert_eq!(list["changes"][0]["tasks"]["done"], 1);
    } else {
        let f = finding(&check, "a/tasks.md");
        assert!(f["message"].as_str().unwrap().starts_with("cannot read"), "{f}");
    }
    // A folder where a file should be cannot be read by anyone.
    let f = finding(&check, "b/tasks.md");
    assert!(f["message"].as_str().unwrap().contains("not a regular file"), "{f}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn namespace_folder_is_not_a_change() {
    let t = SpecTest::new().file("openspec/changes/mobile/login/proposal.md", "# Change: Login\n");
    let check = t.run(&["check", "--json"]).json();
    let item = &check["items"][0];
    assert_eq!((item["id"].as_str(), item["valid"].as_bool()), (Some("mobile"), Some(false)));
    assert!(
        item["issues"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is not a change: it is a folder wrapping openspec/changes/mobile/login/")
    );
}

#[test]
fn hostile_markdown_does_not_panic() {
    let mut nasty = String::new();
    for i in 0..2000 {
        nasty.push_str(&"#".repeat(i % 9));
        nasty.push_str(if i % 3 == 0 { " Requirement: x\n" } else { "```\n- [ \u{2028}] \r\n" });
        nasty.push_str(&"[".repeat(i % 50));
        nasty.push('\n');
    }
    let t = SpecTest::new()
        .file("openspec/specs/nasty/spec.md", &nasty)
        .file("openspec/changes/n/tasks.md", &nasty)
        .file("openspec/changes/n/proposal.md", &nasty)
        .file("openspec/changes/n/design.md", &nasty)
        .file("openspec/changes/n/specs/nasty/spec.md", &nasty);
    for args in [&["check", "--json"][..], &["status"], &["show", "n"], &["show", "nasty"]] {
        assert_no_panic(&t.run(args));
    }
}

#[cfg(unix)]
#[test]
fn folder_symlinks_out_of_the_root_are_not_followed() {
    // `openspec/specs`, `changes/archive` and a change's `specs/` pointing
    // elsewhere: nothing of theirs is parsed, listed or published.
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let o = outside.path();
    std::fs::create_dir_all(o.join("specs/secret")).unwrap();
    std::fs::write(o.join("specs/secret/spec.md"), "## Purpose\nSecret things kept outside the repository.\n## Requirements\n### Requirement: Hidden\nIt SHALL hide.\n#### Scenario: s\n- ok\n").unwrap();
    std::fs::create_dir_all(o.join("archive/2024-01-01-leaked")).unwrap();
    std::fs::write(o.join("archive/2024-01-01-leaked/tasks.md"), "- [x] leaked\n").unwrap();
    let t = SpecTest::new().file("openspec/changes/a/tasks.md", "- [ ] a\n").file("openspec/project.md", "# P\n");
    symlink(o.join("specs"), t.path().join("openspec/specs")).unwrap();
    symlink(o.join("archive"), t.path().join("openspec/changes/archive")).unwrap();
    symlink(o.join("specs"), t.path().join("openspec/changes/a/specs")).unwrap();
    let list = t.run(&["list", "--all", "--json"]);
    assert_no_panic(&list);
    let ids: Vec<String> =
        list.json()["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["a"]);
    assert!(t.run(&["list", "--specs", "--json"]).json()["specs"].as_array().unwrap().is_empty());
    let check = t.run(&["check", "--json"]).json();
    for f in ["openspec/specs", "openspec/changes/archive", "openspec/changes/a/specs"] {
        assert!(finding(&check, f)["message"].as_str().unwrap().contains("outside the root"), "{f}: {check}");
    }
    assert_eq!(t.run(&["site", "--out", "site"]).code, 0);
    for entry in walkdir::WalkDir::new(t.path().join("site")).into_iter().flatten().filter(|e| e.file_type().is_file())
    {
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
        assert!(!text.contains("Secret things") && !text.contains("leaked"), "{}", entry.path().display());
    }
    // A link that stays inside the root is followed.
    let inside = SpecTest::new().file("elsewhere/2024-01-01-kept/tasks.md", "- [x] a\n").dir("openspec/changes");
    symlink(inside.path().join("elsewhere"), inside.path().join("openspec/changes/archive")).unwrap();
    let ids = inside.run(&["list", "--archived", "--json"]).json();
    assert_eq!(ids["changes"][0]["id"], "kept");
}

/// Nix that would make a naive reader loop or overflow: modules importing
/// each other in a cycle, a 10,000-element list, nesting 5,000 and 20,000
/// deep. `spec hosts` ends, reads the cycle as one closure, and names the
/// files it would not read.
#[test]
fn nix_import_cycles_huge_lists_and_deep_nesting_are_bounded() {
    let list: Vec<String> = (0..10_000).map(|i| format!("\"e{i}\"")).collect();
    let t = SpecTest::new()
        .file(
            "flake.nix",
            "{ outputs = { self, nixpkgs }: { nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./hosts/a ]; }; }; }\n",
        )
        .file("hosts/a/default.nix", "{ ... }: { imports = [ ./one.nix ./big.nix ]; }\n")
        .file("hosts/a/one.nix", "{ ... }: { imports = [ ./two.nix ]; }\n")
        .file("hosts/a/two.nix", "{ ... }: { imports = [ ./one.nix ./default.nix ]; }\n")
        .file("hosts/a/big.nix", format!("{{ ... }}: {{ x = [ {} ]; imports = [ ./one.nix ]; }}\n", list.join(" ")))
        .file("hosts/a/deep.nix", format!("{{ ... }}: {{ y = {}{}; }}\n", "[".repeat(5_000), "]".repeat(5_000)))
        .file("hosts/a/deeper.nix", format!("{{ ... }}: {{ z = {}1{}; }}\n", "(".repeat(20_000), ")".repeat(20_000)));
    let run = t.run(&["hosts", "--json"]);
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let host = &json["hosts"][0];
    assert_eq!(host["name"], "a", "{json}");
    let errors: Vec<(String, String)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["file"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned()))
        .collect();
    let deep = |f: &str| (format!("hosts/a/{f}"), "nesting deeper than 200 levels; the file was not read".to_owned());
    assert_eq!(errors, [deep("deep.nix"), deep("deeper.nix")]);
}

#[test]
fn nix_imports_outside_the_repository_are_named_and_not_followed() {
    let t = SpecTest::new()
        .dir("openspec/specs")
        .file(
            "flake.nix",
            "{ outputs = { self, nixpkgs }: { nixosConfigurations.a = nixpkgs.lib.nixosSystem { modules = [ ./hosts/a /etc/nixos/hardware-configuration.nix ]; }; }; }\n",
        )
        .file("hosts/a/default.nix", "{ ... }: {\n  imports = [\n    ../../../outside.nix\n    ./ok.nix\n  ];\n  x = /etc/passwd;\n}\n")
        .file("hosts/a/ok.nix", "{ ... }: { }\n");
    let run = t.run(&["check"]);
    assert_no_panic(&run);
    assert!(
        run.stdout.contains("flake.nix:1: warning: imports `/etc/nixos/hardware-configuration.nix`, an absolute path: spec does not follow it"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("hosts/a/default.nix:3: warning: imports `../../../outside.nix`, a path above the repository's root: spec does not follow it"),
        "{}",
        run.stdout
    );
    // A path that is not imported says nothing; the host still has what it can read.
    assert!(!run.stdout.contains("/etc/passwd"), "{}", run.stdout);
    let hosts = t.run(&["hosts", "--json"]).json();
    assert_eq!(hosts["hosts"][0]["closure"], serde_json::json!(["flake.nix", "hosts/a/default.nix", "hosts/a/ok.nix"]));
    assert_eq!(
        hosts["outside"],
        serde_json::json!([
            { "file": "flake.nix", "line": 1, "path": "/etc/nixos/hardware-configuration.nix" },
            { "file": "hosts/a/default.nix", "line": 3, "path": "../../../outside.nix" }
        ])
    );
    assert!(hosts["dangling"].as_array().unwrap().is_empty(), "{hosts}");
}

#[test]
fn the_hostile_nix_seeds_are_read_with_named_findings() {
    // The fuzz seeds of tests/fixtures/nix-hostile, read as the flake they are.
    let run =
        crate::harness::run_in(&crate::harness::fixtures().join("nix-hostile"), &["--root", ".", "hosts", "--json"]);
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let outside: Vec<&str> = json["outside"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert_eq!(
        outside,
        ["/etc/nixos/hardware-configuration.nix", "../../../../outside.nix", "./. + \"/../../../../x.nix\""]
    );
    assert_eq!(json["errors"][0]["message"], "nesting deeper than 200 levels; the file was not read");
    assert_eq!(json["hosts"][0]["closure"].as_array().unwrap().len(), 6, "{json}");
}
