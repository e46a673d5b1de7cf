//! Commands on the `basic` fixture: output snapshots, exit codes, root and
//! project discovery, colour and pipes.

use crate::harness::{SpecTest, run_in};

#[test]
fn status_dashboard() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout.replace(&t.path().file_name().unwrap().to_string_lossy().into_owned(), "[DIR]"));
}

#[test]
fn no_subcommand_is_status() {
    let t = SpecTest::fixture("basic");
    assert_eq!(t.run(&[]).stdout, t.run(&["status"]).stdout);
}

#[test]
fn list_changes_specs_archived_all() {
    let t = SpecTest::fixture("basic");
    insta::assert_snapshot!("list", t.run(&["list"]).stdout);
    insta::assert_snapshot!("list_specs", t.run(&["list", "--specs"]).stdout);
    insta::assert_snapshot!("list_archived", t.run(&["list", "--archived"]).stdout);
    let all = t.run(&["list", "--all", "--json"]).json();
    let ids: Vec<&str> = all["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["add-2fa", "add-login", "draft-idea", "init-repo"]);
}

#[test]
fn show_change_groups_tasks_by_section() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["show", "add-login"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn show_spec_and_archived_change() {
    let t = SpecTest::fixture("basic");
    insta::assert_snapshot!("show_spec", t.run(&["show", "auth"]).stdout);
    let archived = t.run(&["show", "init-repo", "--json"]).json();
    assert_eq!(archived["archived_on"], "2025-01-10");
    let by_folder = t.run(&["show", "2025-01-10-init-repo", "--json"]).json();
    assert_eq!(archived, by_folder);
}

#[test]
fn show_unknown_id_suggests() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["show", "add-log"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no change or spec with id `add-log`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean: add-login"), "{}", run.stderr);
}

#[test]
fn check_text_and_exit_code() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["check"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn check_github_annotations() {
    let t = SpecTest::fixture("basic");
    let run = t.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=openspec/changes/draft-idea::Change must have at least one delta")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.lines().all(|l| l.starts_with("::")));
}

#[test]
fn check_clean_tree_exits_zero() {
    let t = SpecTest::fixture("basic");
    std::fs::remove_dir_all(t.path().join("openspec/changes/draft-idea")).unwrap();
    let run = t.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("ok: 3 passed, 0 failed (3 items)"), "{}", run.stdout);
}

#[test]
fn strict_fails_on_warnings() {
    let t = SpecTest::fixture("basic").file(
        "openspec/changes/add-login/specs/auth/spec.md",
        "## ADDED Requirements\n### Requirement: Soft\nThe system limits logins.\n\n#### Scenario: s\n- ok\n",
    );
    std::fs::remove_dir_all(t.path().join("openspec/changes/draft-idea")).unwrap();
    assert_eq!(t.run(&["check"]).code, 0);
    let strict = t.run(&["check", "--strict", "--json"]);
    assert_eq!(strict.code, 1);
    let items = strict.json()["items"].clone();
    let login = items.as_array().unwrap().iter().find(|i| i["id"] == "add-login").unwrap();
    assert_eq!(login["valid"], false);
    assert_eq!(login["issues"][0]["level"], "WARNING");
}

#[test]
fn root_is_found_from_a_subfolder() {
    let t = SpecTest::fixture("basic");
    let run = run_in(&t.path().join("openspec/changes/add-login"), &["list", "--json"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.json()["changes"].as_array().unwrap().len(), 3);
}

#[test]
fn no_openspec_folder_is_exit_2_and_says_where() {
    let t = SpecTest::new();
    let run = t.run(&["status"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no OpenSpec project in [ROOT] or its parents"), "{}", run.stderr);
    assert!(run.stderr.contains("--root DIR"), "{}", run.stderr);
    let run = t.run(&["--root", "missing", "status"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a directory"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let t = SpecTest::fixture("basic");
    assert_eq!(t.run(&["list", "--specs", "--archived"]).code, 2);
    assert_eq!(t.run(&["frobnicate"]).code, 2);
}

#[test]
fn monorepo_projects() {
    let t = SpecTest::new()
        .file("openspec/changes/root-change/tasks.md", "- [x] a\n")
        .file("packages/api/openspec/changes/api-change/tasks.md", "- [ ] a\n- [x] b\n")
        .file("packages/web/openspec/specs/ui/spec.md", "## Purpose\nThe user interface of the product, for everyone.\n## Requirements\n### Requirement: Render\nIt SHALL render.\n#### Scenario: r\n- ok\n")
        .file("node_modules/dep/openspec/changes/ignored/tasks.md", "- [ ] x\n");
    let all = t.run(&["list", "--json"]).json();
    let got: Vec<(&str, &str)> = all["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["project"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(".", "root-change"), ("packages/api", "api-change")]);
    let one = t.run(&["--project", "packages/api", "list", "--json"]).json();
    assert_eq!(one["changes"].as_array().unwrap().len(), 1);
    let specs = t.run(&["--project", "./packages/web/", "list", "--specs", "--json"]).json();
    assert_eq!(specs["specs"][0]["id"], "ui");
    let status = t.run(&["status", "--json"]).json();
    assert_eq!(status["projects"].as_array().unwrap().len(), 3);
    let bad = t.run(&["--project", "packages/nope", "list"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("projects found: ., packages/api, packages/web"), "{}", bad.stderr);
}

#[test]
fn colour_is_off_in_pipes_and_with_no_color() {
    let t = SpecTest::fixture("basic");
    assert!(!t.run(&["status"]).stdout.contains('\x1b'));
    assert!(t.run(&["--color", "always", "status"]).stdout.contains("\x1b[1m"));
    assert!(!t.run(&["--color", "never", "status"]).stdout.contains('\x1b'));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_spec"))
        .args(["--color", "auto", "status"])
        .current_dir(t.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&run.stdout).contains('\x1b'));
}

#[test]
fn json_never_has_colour() {
    let t = SpecTest::fixture("basic");
    assert!(!t.run(&["--color", "always", "list", "--json"]).stdout.contains('\x1b'));
}

#[test]
fn broken_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // A tree big enough that the output overflows a pipe buffer.
    let mut t = SpecTest::new();
    for i in 0..800 {
        t = t.file(&format!("openspec/changes/change-{i:04}/tasks.md"), "- [ ] a\n");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_spec"))
        .args(["list", "--json"])
        .current_dir(t.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(status.success(), "exit {status:?}, stderr: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn output_is_deterministic() {
    let t = SpecTest::fixture("basic");
    for args in [
        &["list", "--all", "--json"][..],
        &["status", "--json"],
        &["check", "--json"],
        &["show", "add-login", "--json"],
    ] {
        let a = t.run(args).stdout;
        let b = t.run(args).stdout;
        assert_eq!(a, b, "{args:?}");
    }
}

#[test]
fn help_and_version() {
    let t = SpecTest::new();
    let help = t.run(&["--help"]);
    assert_eq!(help.code, 0);
    for cmd in ["list", "show", "status", "check"] {
        assert!(help.stdout.contains(cmd), "{}", help.stdout);
    }
    assert!(t.run(&["--version"]).stdout.starts_with("spec "));
}

#[test]
fn an_openspec_folder_without_specs_changes_or_config_is_not_a_project() {
    // An uninitialised submodule (`references/openspec`, empty) and a
    // skill's schema-only `openspec/` belong to the project above; the
    // official CLI walks past them too.
    let t = SpecTest::fixture("basic")
        .dir("references/openspec")
        .file("skills/x/install_assets/openspec/schemas/mine/schema.yaml", "name: mine\n");
    let projects = t.run(&["status", "--json"]).json();
    assert_eq!(projects["projects"].as_array().unwrap().len(), 1, "{projects}");
    for command in [&["roadmap", "--stdout"][..], &["site", "--out", "out"], &["graph"]] {
        let run = t.run(command);
        assert_eq!(run.code, 0, "{command:?}: {}", run.stderr);
    }
    // From inside the skill's folder the root is the project above.
    let inside = run_in(&t.path().join("skills/x/install_assets"), &["list", "--json"]);
    assert_eq!(inside.code, 0, "{}", inside.stderr);
    assert_eq!(inside.json()["changes"].as_array().unwrap().len(), 3);
    // An empty openspec/ alone is no project: exit 2, saying what one is.
    let empty = SpecTest::new().dir("openspec");
    let run = empty.run(&["status"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("a project is an openspec/ folder with specs/, changes/ or config.yaml"),
        "{}",
        run.stderr
    );
    // A config file alone makes one (a freshly initialised project).
    let config_only = SpecTest::new().file("openspec/config.yaml", "schema: spec-driven\n");
    assert_eq!(config_only.run(&["status"]).code, 0);
}

#[test]
fn outside_a_git_work_tree_nothing_below_is_searched() {
    // `cd / && spec list` must not read every checkout on the machine.
    let t = SpecTest::new().file("deep/er/openspec/changes/x/tasks.md", "- [ ] a\n");
    let run = t.run(&["list"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("not inside a git work tree"), "{}", run.stderr);
    assert!(run.stderr.contains("--root DIR"), "{}", run.stderr);
    // `--root` still searches below it.
    assert_eq!(t.run(&["--root", ".", "list", "--json"]).json()["changes"].as_array().unwrap().len(), 1);
}

#[test]
fn inside_a_git_work_tree_projects_below_its_top_are_found_and_gitignore_is_honoured() {
    let t = SpecTest::new()
        .file(".gitignore", "scratch/\n")
        .file("packages/api/openspec/changes/api-change/tasks.md", "- [ ] a\n")
        .file("scratch/openspec/changes/ignored/tasks.md", "- [ ] a\n")
        .dir("docs/guide");
    git2::Repository::init(t.path()).unwrap();
    // From a folder of the monorepo that is no project: the work tree's top is the root.
    let run = run_in(&t.path().join("docs/guide"), &["list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let ids: Vec<&str> = json["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["api-change"]);
}

#[test]
fn a_root_named_openspec_is_the_folder_that_holds_openspec() {
    // A clone of a project into a folder called `openspec`.
    let t = SpecTest::new().file("openspec/openspec/changes/x/tasks.md", "- [x] a\n");
    let run = t.run(&["--root", "openspec", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["changes"][0]["id"], "x");
    let inside = run_in(&t.path().join("openspec"), &["list", "--json"]);
    assert_eq!(inside.json()["changes"][0]["id"], "x");
}

#[test]
fn next_and_blocked_agree_when_nothing_is_left() {
    let done = SpecTest::new().file("openspec/changes/a/tasks.md", "- [x] a\n");
    assert_eq!(done.run(&["next"]).stdout, "Nothing to do: every change is complete or archived.\n");
    assert_eq!(done.run(&["blocked"]).stdout, "Nothing is blocked.\n");
    // A cycle: nothing can start, and `blocked` says what waits.
    let cycle = SpecTest::new()
        .file("openspec/changes/a/tasks.md", "- [ ] a\n")
        .file("openspec/changes/a/.openspec.yaml", "schema: spec-driven\ndependsOn: [b]\n")
        .file("openspec/changes/b/tasks.md", "- [ ] b\n")
        .file("openspec/changes/b/.openspec.yaml", "schema: spec-driven\ndependsOn: [a]\n");
    assert!(cycle.run(&["next"]).stdout.starts_with("Nothing can start: every unfinished change waits"));
    let blocked = cycle.run(&["blocked"]).stdout;
    assert!(blocked.contains("a waits for b") && blocked.contains("b waits for a"), "{blocked}");
}

#[test]
fn several_projects_make_one_diagram_and_say_which_project_each_line_is() {
    let t = SpecTest::new()
        .file("openspec/changes/root-change/tasks.md", "- [ ] a\n")
        .file("packages/api/openspec/changes/api-change/tasks.md", "- [ ] a\n")
        .file("packages/api/openspec/changes/api-next/tasks.md", "- [ ] a\n")
        .file(
            "packages/api/openspec/changes/api-next/.openspec.yaml",
            "schema: spec-driven\ndependsOn: [api-change]\n",
        );
    let graph = t.run(&["graph"]).stdout;
    assert_eq!(graph.matches("graph TD").count(), 1, "{graph}");
    assert!(graph.contains("subgraph p0[\".\"]") && graph.contains("subgraph p1[\"packages/api\"]"), "{graph}");
    assert!(graph.contains("p1c0 --> p1c1"), "{graph}");
    let defs: Vec<&str> = graph.lines().filter(|l| l.trim_start().starts_with("classDef ")).collect();
    let names: std::collections::BTreeSet<&str> = defs.iter().map(|l| l.split_whitespace().nth(1).unwrap()).collect();
    assert_eq!(names.len(), defs.len(), "each class is defined once: {graph}");
    let dot = t.run(&["graph", "--format", "dot"]).stdout;
    assert_eq!(dot.matches("digraph").count(), 1, "{dot}");
    assert!(
        dot.contains("subgraph cluster_1") && dot.contains("\"packages/api/api-change\" -> \"packages/api/api-next\""),
        "{dot}"
    );
    let next = t.run(&["next"]).stdout;
    assert!(next.lines().all(|l| l.starts_with(".             ") || l.starts_with("packages/api  ")), "{next}");
    assert!(next.contains("packages/api    1. api-change"), "{next}");
    let blocked = t.run(&["blocked"]).stdout;
    assert!(blocked.contains("packages/api  api-next waits for api-change"), "{blocked}");
    assert!(blocked.contains(".             Nothing is blocked."), "{blocked}");
}

#[test]
fn problems_of_archived_changes_are_one_line_outside_check() {
    let mut t = SpecTest::fixture("basic");
    for i in 0..3 {
        t = t.file(
            &format!("openspec/changes/archive/2024-01-0{}-old-{i}/.openspec.yaml", i + 1),
            "schema: [unclosed\n",
        );
        t = t.file(&format!("openspec/changes/archive/2024-01-0{}-old-{i}/tasks.md", i + 1), "- [x] a\n");
    }
    let list = t.run(&["list"]);
    assert_eq!(list.code, 0);
    let lines: Vec<&str> = list.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "warning: 3 archived changes in openspec/changes/archive/ have invalid metadata (3 files); `spec check` lists them"
        ],
        "{}",
        list.stderr
    );
    let check = t.run(&["check"]).stdout;
    assert_eq!(check.matches("invalid YAML").count(), 3, "{check}");
}
