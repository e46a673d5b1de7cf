//! Hostile text: folder names, titles, tasks and roadmap entries that try to
//! be control sequences, workflow commands, mermaid statements, Markdown or
//! HTML, or the markers of ROADMAP.md's managed block. Each output target has
//! one escaper (see docs/security.md, "Escaping"); each test here feeds one
//! target such text through the real binary and checks that it stays text.

use crate::harness::{GitRepo, SpecTest};
use regex::Regex;
use serde_json::json;

/// A folder name that ends its line and starts a GitHub workflow command.
const NEWLINE_ID: &str = "x\n::error file=README.md,line=1::owned";

/// A folder name that writes the clipboard (OSC 52) and rings the bell.
const ESC_ID: &str = "esc\u{1b}]52;c;aGk=\u{7}id";

/// A title that clears the screen, colours, writes the clipboard (OSC 52),
/// rings the bell, sends a C1 CSI and reverses what follows.
const ANSI_TITLE: &str = "Evil \u{1b}[2J\u{1b}[31mred\u{1b}]52;c;aGVsbG8=\u{7} bell\u{7} \u{9b}31m \u{202e}rtl\r\nline";

/// Markup for GitHub: closes the collapsible, adds an image, pings, links
/// elsewhere, and forges the managed block's end marker.
const MARKUP: &str = "</details><img src=x onerror=alert(1)> @octocat and @org/team see https://evil.example \
     www.evil.example [x](https://evil.example) ![i](https://evil.example/i.png) <https://evil.example> \
     &#64;entity <!-- spec:end --> | cell";

/// Ids that break a mermaid diagram or re-theme it.
const MERMAID_IDS: [&str; 3] =
    ["zz%%{x", "x%%{init: {'theme':'dark'}}%%", "q\"]\nclick c0 href \"javascript:alert(1)\""];

/// A tree with every hostile name and title, a roadmap file among them.
fn hostile_tree() -> SpecTest {
    let mut t = SpecTest::new()
        .file(
            &format!("openspec/changes/{NEWLINE_ID}/proposal.md"),
            format!("# Change: {ANSI_TITLE}\n\n## Why\n{ANSI_TITLE}\n"),
        )
        .file(
            &format!("openspec/changes/{NEWLINE_ID}/tasks.md"),
            format!("## 1. {ANSI_TITLE}\n- [ ] 1.1 {ANSI_TITLE}\n"),
        )
        .file(&format!("openspec/changes/{NEWLINE_ID}/.openspec.yaml"), "dependsOn: [unterminated\n")
        .file("openspec/changes/markup/proposal.md", format!("# Change: {MARKUP}\n"))
        .file("openspec/changes/markup/tasks.md", format!("- [ ] 1.1 {MARKUP}\n"))
        .file("openspec/changes/tick`id/tasks.md", "- [ ] 1.1 t\n")
        .file(&format!("openspec/changes/{ESC_ID}/tasks.md"), "- [ ] 1.1 t\n")
        .file("openspec/changes/<!-- spec:end -->/tasks.md", "- [x] 1.1 t\n")
        .file(
            "openspec/specs/evil/spec.md",
            format!("# {ANSI_TITLE}\n\n## Purpose\n{ANSI_TITLE}\n\n## Requirements\n"),
        );
    for id in MERMAID_IDS {
        t = t.file(&format!("openspec/changes/{id}/tasks.md"), "- [ ] 1.1 t\n");
    }
    let roadmap = json!({
        "title": format!("Call me {MARKUP} %%{{init: {{}}}}%%"),
        "summary": format!("Prose with {MARKUP}\n```\nunclosed fence\n"),
        "goals": [MARKUP, "```"],
        "phases": [
            {
                "id": "one",
                "title": format!("\"]\nclick g0 call alert()\n%%{{init: {{'theme':'dark'}}}}%% {MARKUP}"),
                "start": "2024-01-01", "end": "2024-02-01",
                "changes": [NEWLINE_ID, "markup", "tick`id", "<!-- spec:end -->"],
                "milestones": [
                    {"title": "Call for papers", "due": "2024-01-15", "blocked_by": MARKUP},
                    {"title": "%% a comment", "due": "2024-01-16"},
                    {"title": "```", "due": "2024-01-17"},
                    {"title": "2024-01-01 is a date", "due": "2024-01-18"},
                    {"title": "title Owned", "due": "2024-01-19"},
                ]
            },
            {"id": "two", "title": "Section 2 `<!-- spec:end -->`", "start": "2024-02-01", "end": "2024-03-01",
             "changes": MERMAID_IDS},
        ]
    });
    t.file("roadmap/roadmap.yaml", serde_json::to_string_pretty(&roadmap).unwrap())
}

/// Characters a terminal or a log acts on: C0 (the line break is the line
/// structure of the output itself), DEL, C1, separators, bidi controls.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Nothing but text: no character a terminal acts on (spec's own colours
/// aside, when `colour` says they are on), no line that is a workflow command.
fn assert_terminal_text(what: &str, text: &str, colour: bool) {
    let ours = Regex::new("\u{1b}\\[(0|1|2|32|33|1;31|1;33|1;36)m").unwrap();
    let text = if colour { ours.replace_all(text, "").into_owned() } else { text.to_owned() };
    if let Some(c) = text.chars().find(|c| acts(*c)) {
        panic!("{what}: {c:?} reaches the terminal:\n{text}");
    }
    assert!(!text.lines().any(|l| l.trim_start().starts_with("::")), "{what}: a workflow command:\n{text}");
}

#[test]
fn hostile_names_and_titles_stay_text_on_a_terminal() {
    let t = hostile_tree();
    let commands: [&[&str]; 12] = [
        &["status"],
        &["list"],
        &["list", "--specs"],
        &["next"],
        &["blocked"],
        &["check"],
        &["show", NEWLINE_ID],
        &["show", "evil"],
        &["show", "markup"],
        &["roadmap", "--check"],
        &["show", "x"],
        &["graph", "--format", "dot"],
    ];
    for args in commands {
        for colour in [false, true] {
            let mut args = args.to_vec();
            if colour {
                args.extend(["--color", "always"]);
            }
            let run = t.run(&args);
            assert!(run.code <= 2, "{args:?}: {}", run.stderr);
            assert_terminal_text(&format!("{args:?} stdout"), &run.stdout, colour);
            assert_terminal_text(&format!("{args:?} stderr"), &run.stderr, colour);
        }
    }
    // The escapes are visible, and spec's own colours still work.
    let list = t.run(&["list", "--color", "always"]);
    assert!(list.stdout.contains("x\\n::error file=README.md,line=1::owned"), "{}", list.stdout);
    assert!(
        list.stdout.contains("Evil \\x1b[2J\\x1b[31mred\\x1b]52;c;aGVsbG8=\\x07 bell\\x07 \\u{9b}31m \\u{202e}rtl")
    );
    assert!(list.stdout.contains("\u{1b}[33min progress\u{1b}[0m"), "{}", list.stdout);
    // The broken metadata of the hostile folder is a warning on stderr, on one line.
    let roadmap = t.run(&["roadmap", "--check"]);
    assert!(roadmap.stderr.contains("openspec/changes/x\\n::error file=README.md,line=1::owned/.openspec.yaml"));
}

#[test]
fn hostile_names_stay_text_in_history() {
    let r = GitRepo::new();
    r.write(&[
        (&format!("openspec/changes/{NEWLINE_ID}/proposal.md"), Some(&format!("# Change: {ANSI_TITLE}\n"))),
        (&format!("openspec/changes/{NEWLINE_ID}/tasks.md"), Some("- [ ] 1.1 t\n")),
    ]);
    r.commit("03-01", "Hostile");
    for args in [&["history"][..], &["history", "--change", NEWLINE_ID], &["history", "--change", "x"]] {
        let run = r.run(args);
        assert_terminal_text(&format!("{args:?} stdout"), &run.stdout, false);
        assert_terminal_text(&format!("{args:?} stderr"), &run.stderr, false);
    }
}

#[test]
fn hostile_names_cannot_forge_github_annotations() {
    let run = hostile_tree().run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.chars().any(acts), "{}", run.stdout);
    let command = Regex::new("^::(error|warning|notice) ([a-z]+=[^:,]*)(,[a-z]+=[^:,]*)*::").unwrap();
    for line in run.stdout.lines() {
        assert!(command.is_match(line), "not one workflow command: {line}");
    }
    assert!(
        run.stdout.contains("file=openspec/changes/x\\n%3A%3Aerror file=README.md%2Cline=1%3A%3Aowned/"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("::error file=README.md"), "{}", run.stdout);
    assert!(run.stdout.contains("change `esc\\x1b]52;c;aGk=\\x07id` has no proposal.md"), "{}", run.stdout);
}

/// The mermaid blocks of a Markdown text.
fn mermaid_blocks(markdown: &str) -> Vec<String> {
    markdown.split("```mermaid\n").skip(1).map(|b| b.split("\n```").next().unwrap().to_owned()).collect()
}

/// Words the gantt lexer reads at the start of a task as a statement.
const GANTT_KEYWORDS: &[&str] = &[
    "accdescr",
    "acctitle",
    "axisformat",
    "call",
    "click",
    "dateformat",
    "excludes",
    "gantt",
    "href",
    "includes",
    "inclusiveenddates",
    "section",
    "tickinterval",
    "title",
    "todaymarker",
    "topaxis",
    "weekday",
    "weekend",
];

/// Every line of the diagram is one statement `spec` writes, and every text
/// in it is a label that cannot end itself: the strict reading of mermaid's
/// grammar that hostile text could otherwise break.
fn assert_mermaid_statements(diagram: &str) {
    assert!(!diagram.contains("%%"), "a comment or directive:\n{diagram}");
    assert!(!diagram.contains('`'), "a Markdown fence or string:\n{diagram}");
    assert!(!diagram.contains('<') || diagram.matches('<').count() == diagram.matches("<br/>").count(), "{diagram}");
    assert!(!diagram.contains("<!--"), "a marker:\n{diagram}");
    let label = r#""[^"\n]*""#;
    let id = r"(p\d+)?(c|g|h|m)(\d+|x)";
    let flowchart = Regex::new(&format!(
        r"^(graph TD|flowchart LR|\s*end|\s*subgraph ({id}|hosts|modules) ?\[{label}\]|\s*{id}\[{label}(<br/>{label})?\]|\s*{id} (-->|-\.->) {id}|\s*classDef [a-z]+ [a-z0-9:#,. -]+|\s*class [a-z0-9,]+ [a-z]+)$"
    ))
    .unwrap();
    let gantt = Regex::new(r"^(gantt|  title [^#;\n]+|  dateFormat YYYY-MM-DD|  axisFormat %Y-%m-%d|  section [^:#;%\n]+|  ([^:#;%\n]+) :[a-z0-9, -]+)$").unwrap();
    let is_gantt = diagram.starts_with("gantt");
    // Mermaid reads entity codes before the diagram, as `ﬂ°…¶ß`: text.
    let entities = Regex::new(r"#\w+;").unwrap();
    let date = Regex::new(r"^\d{4}-\d\d-\d\d").unwrap();
    for line in diagram.lines() {
        let line = &*entities.replace_all(line, "ﬂ°E¶ß");
        if is_gantt {
            let caps = gantt.captures(line).unwrap_or_else(|| panic!("not a gantt statement: {line:?}\n{diagram}"));
            if let Some(task) = caps.get(2) {
                let task = task.as_str().to_ascii_lowercase();
                assert!(!GANTT_KEYWORDS.iter().any(|k| task.starts_with(k)), "a task read as a keyword: {line:?}");
                assert!(!date.is_match(&task), "a task read as a date: {line:?}");
            }
        } else {
            assert!(flowchart.is_match(line), "not a flowchart statement: {line:?}\n{diagram}");
        }
    }
}

#[test]
fn hostile_ids_and_titles_cannot_break_a_mermaid_diagram() {
    let t = hostile_tree();
    let graph = t.run(&["graph"]);
    assert_eq!(graph.code, 0, "{}", graph.stderr);
    assert_mermaid_statements(&graph.stdout);
    assert!(graph.stdout.contains(r#"["zz#37;#37;{x<br/>0/1 tasks"]"#), "{}", graph.stdout);
    let phase = t.run(&["graph", "--phase", "two"]);
    assert_mermaid_statements(&phase.stdout);

    let roadmap = t.run(&["roadmap", "--stdout"]);
    assert_eq!(roadmap.code, 0, "{}", roadmap.stderr);
    let blocks = mermaid_blocks(&roadmap.stdout);
    assert_eq!(blocks.len(), 2, "a graph and a timeline:\n{}", roadmap.stdout);
    for block in &blocks {
        assert_mermaid_statements(block);
    }
    // Keywords and dates keep their text, the first character as an entity.
    for task in ["#67;all for papers :", "#50;024-01-01 is a date :", "#116;itle Owned :", "#37;#37; a comment :"] {
        assert!(blocks[1].contains(task), "{task}\n{}", blocks[1]);
    }
}

/// Raw markup GitHub would act on, anywhere in a Markdown text but its
/// mermaid blocks (code, which GitHub neither links nor reads mentions in).
fn assert_inert_markdown(what: &str, md: &str) {
    let mermaid = Regex::new("(?s)```mermaid\n.*?\n```").unwrap();
    let md = mermaid.replace_all(md, "```mermaid\n```");
    for raw in ["<img", "</details><img", "@octocat", "@org/team", "https://", "www.evil", "<https", " &#64;"] {
        assert!(!md.contains(raw), "{what}: {raw} is live:\n{md}");
    }
    // Raw HTML (the `<summary>` of a diff) is not read as Markdown: no link there.
    let link = Regex::new(r"(^|[^\\])\]\(").unwrap();
    assert!(!md.lines().any(|l| !l.starts_with("<details>") && link.is_match(l)), "{what}: a link:\n{md}");
    assert!(!md.chars().any(acts), "{what}: a control character:\n{md}");
    assert_eq!(md.matches("<details>").count(), md.matches("</details>").count(), "{what}:\n{md}");
}

#[test]
fn hostile_text_in_a_pull_request_comment_stays_text() {
    let r = GitRepo::new();
    r.write(&[("openspec/changes/base/tasks.md", Some("- [ ] 1.1 t\n"))]);
    r.commit("03-01", "Base");
    let title = format!("# Change: {MARKUP} {ANSI_TITLE}\n");
    let tasks = format!("- [x] 1.1 {MARKUP}\n- [ ] 1.2 {ANSI_TITLE}\n");
    r.write(&[
        ("openspec/changes/base/proposal.md", Some(&title)),
        ("openspec/changes/base/tasks.md", Some(&format!("- [x] 1.1 {MARKUP}\n"))),
        ("openspec/changes/tick`id/proposal.md", Some(&title)),
        ("openspec/changes/tick`id/tasks.md", Some(&tasks)),
        ("openspec/changes/tick`id/.openspec.yaml", Some("dependsOn: [base]\n")),
        ("openspec/changes/two``ticks/tasks.md", Some(&tasks)),
    ]);
    r.commit("03-02", "Hostile");
    let run = r.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    assert_inert_markdown("spec diff", &md);
    assert!(md.contains("- ✨ **Added** `` tick`id `` "), "{md}");
    assert!(md.contains("``` two``ticks ```"), "{md}");
    assert!(md.contains(
        "<details><summary><code>base</code> &lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; @&#8203;octocat"
    ));
    assert!(md.contains(
        "- [x] ~~1.1 t~~ → 1.1 &lt;/details>&lt;img src=x onerror=alert(1)> @&#8203;octocat and @&#8203;org/team"
    ));
    assert!(md.contains("- ➕ `` tick`id `` depends on `base`"), "{md}");
}

#[test]
fn hostile_text_in_roadmap_md_stays_text_and_cannot_forge_its_markers() {
    let t = hostile_tree();
    let first = t.run(&["roadmap"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let written = std::fs::read_to_string(t.path().join("ROADMAP.md")).unwrap();
    let second = t.run(&["roadmap"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.contains("ROADMAP.md is up to date"), "{}", second.stderr);
    assert_eq!(std::fs::read_to_string(t.path().join("ROADMAP.md")).unwrap(), written, "the second run changed it");
    let check = t.run(&["roadmap", "--check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    assert_eq!(written.matches("<!-- spec:begin -->").count(), 1, "{written}");
    assert_eq!(written.matches("<!-- spec:end -->").count(), 1, "{written}");
    assert!(written.ends_with("<!-- spec:end -->\n"), "{written}");
    // The summary is Markdown by design: its links stay (its HTML, mentions and fences do not).
    let summary = Regex::new("(?s)\nProse with .*?\n\n").unwrap();
    assert!(summary.is_match(&written), "{written}");
    assert_inert_markdown("ROADMAP.md", &summary.replace(&written, "\n"));
    // Hand-written text around the block survives a run.
    let framed = format!("# Intro\n\n{written}\nFooter\n");
    std::fs::write(t.path().join("ROADMAP.md"), &framed).unwrap();
    assert_eq!(t.run(&["roadmap", "--check"]).code, 0);
    // The summary's fence is escaped: the only fences are the diagrams'.
    assert!(written.contains("\\```\nunclosed fence"), "{written}");
    assert_eq!(written.matches("\n```").count(), 4, "{written}");
    // Table cells stay cells, ids with `<` or a backtick stay code.
    assert!(written.contains("<code>&lt;!-- spec:end --></code>"), "{written}");
    assert!(written.contains("`` tick`id ``"), "{written}");
    let progress = written.lines().find(|l| l.starts_with("| \"\\] click")).unwrap_or_default();
    let pipes = progress.char_indices().filter(|(i, c)| *c == '|' && !progress[..*i].ends_with('\\')).count();
    assert_eq!(pipes, 6, "five cells: {progress}");
}

#[test]
fn benign_names_and_titles_are_unchanged() {
    // Plain text goes through every escaper as it is.
    let t = SpecTest::new()
        .file("openspec/changes/add-auth/proposal.md", "# Change: Add auth & sessions (v2) -> done, for alice@rog\n")
        .file("openspec/changes/add-auth/tasks.md", "## 1. Work\n- [ ] 1.1 Write the *tests* with `cargo test`\n");
    let list = t.run(&["list"]);
    assert!(list.stdout.contains("Add auth & sessions (v2) -> done, for alice@rog"), "{}", list.stdout);
    let md = t.run(&["roadmap", "--stdout"]).stdout;
    assert!(md.contains("`add-auth`: Add auth & sessions (v2) -> done, for alice@rog (0/1 tasks)"), "{md}");
    assert!(md.contains("c0[\"add-auth<br/>0/1 tasks\"]"), "{md}");
}
