//! What a user installs beside the binary: shell completions and man pages,
//! generated from the command-line definition; both work outside any
//! repository.

use crate::harness::SpecTest;
use std::process::Command;

const SUBCOMMANDS: &[&str] = &[
    "list",
    "show",
    "status",
    "check",
    "roadmap",
    "graph",
    "next",
    "blocked",
    "site",
    "history",
    "diff",
    "links",
    "impact",
    "hosts",
    "overlaps",
    "blame",
    "forecast",
    "completions",
    "man",
];

#[test]
fn bash_completion_registers_and_completes() {
    let t = SpecTest::new();
    let run = t.run(&["completions", "bash"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = t.path().join("spec.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    // A real bash sources the script, shows the registration and asks it
    // to complete `spec ch` and `spec check --fo`.
    let probe = r#"source "$1"
complete -p spec
COMP_WORDS=(spec ch); COMP_CWORD=1; _spec spec ch spec; echo "words: ${COMPREPLY[*]}"
COMP_WORDS=(spec check --fo); COMP_CWORD=2; _spec spec --fo check; echo "flags: ${COMPREPLY[*]}""#;
    let out = Command::new("bash").args(["-c", probe, "probe"]).arg(&script).output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let registered = stdout.lines().next().unwrap_or_default();
    assert!(
        registered.starts_with("complete ") && registered.contains("-F _spec") && registered.ends_with(" spec"),
        "{stdout}"
    );
    assert!(stdout.contains("words: check"), "{stdout}");
    assert!(stdout.contains("flags: --format"), "{stdout}");
}

#[test]
fn every_shell_gets_a_script() {
    let t = SpecTest::new();
    for (shell, marker) in [
        ("zsh", "#compdef spec"),
        ("fish", "complete -c spec"),
        ("elvish", "edit:completion:arg-completer[spec]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = t.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}:\n{}", run.stdout);
        for sub in SUBCOMMANDS {
            assert!(run.stdout.contains(sub), "{shell} misses {sub}");
        }
    }
    let bad = t.run(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("possible values: bash, elvish, fish, powershell, zsh"), "{}", bad.stderr);
}

#[test]
fn man_page_names_every_subcommand() {
    let t = SpecTest::new();
    let run = t.run(&["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH spec 1"), "{}", run.stdout);
    for sub in SUBCOMMANDS {
        assert!(run.stdout.contains(&format!("spec\\-{}(1)", sub.replace('-', "\\-"))), "spec.1 misses {sub}");
    }
    let dir = t.run(&["man", "--dir", "man1"]);
    assert_eq!(dir.code, 0, "{}", dir.stderr);
    let mut pages: Vec<String> = std::fs::read_dir(t.path().join("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let mut want: Vec<String> = SUBCOMMANDS.iter().map(|s| format!("spec-{s}.1")).chain(["spec.1".into()]).collect();
    want.sort();
    assert_eq!(pages, want);
    let check = std::fs::read_to_string(t.path().join("man1/spec-check.1")).unwrap();
    assert!(
        check.contains(".TH spec-check 1") && check.contains("\\fBspec check\\fR") && check.contains("\\-\\-strict")
    );
}
