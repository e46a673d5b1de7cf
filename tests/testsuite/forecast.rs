//! `spec forecast` on a generated history with a known pace: one change got
//! exactly two tasks checked every day for five weeks; a second change
//! waits for a third. The forecast as of the last day is then arithmetic,
//! `--date` replays an earlier day from history alone, and thin history
//! says why instead of guessing.

use crate::harness::GitRepo;
use serde_json::json;

const PROPOSAL: &str = "# Change: X\n\n## Why\nA change of the generated history, long enough to read.\n";

fn tasks(done: usize, total: usize) -> String {
    (0..total).map(|i| format!("- [{}] {} task\n", if i < done { "x" } else { " " }, i + 1)).collect()
}

/// Day `n` of January or February 2024 as `MM-DD`.
fn day(n: usize) -> String {
    if n <= 31 { format!("01-{n:02}") } else { format!("02-{:02}", n - 31) }
}

/// `steady` gets 2 tasks a day on days 2..=36 (70 of 78 tasks); `next`
/// (6 tasks) waits for `first` (4 tasks), both proposed on day 1.
fn generated() -> GitRepo {
    let r = GitRepo::new();
    let meta = "schema: spec-driven\nx-depends-on: [first]\n";
    r.write(&[
        ("openspec/changes/steady/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/steady/tasks.md", Some(&tasks(0, 78))),
        ("openspec/changes/first/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/first/tasks.md", Some(&tasks(0, 4))),
        ("openspec/changes/next/proposal.md", Some(PROPOSAL)),
        ("openspec/changes/next/tasks.md", Some(&tasks(0, 6))),
        ("openspec/changes/next/.openspec.yaml", Some(meta)),
    ]);
    r.commit(&day(1), "Propose");
    for n in 2..=36 {
        r.write(&[("openspec/changes/steady/tasks.md", Some(&tasks(2 * (n - 1), 78)))]);
        r.commit(&day(n), "Two more");
    }
    r
}

#[test]
fn a_known_pace_gives_known_days() {
    let r = generated();
    let run = r.run(&["forecast", "--date", "2024-02-05", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let f = run.json();
    assert_eq!(f["as_of"], "2024-02-05");
    let change = |id: &str| f["changes"].as_array().unwrap().iter().find(|c| c["id"] == id).cloned().unwrap();
    // `steady` has 8 tasks left. It has more than two weeks of its own at 2
    // a day, so its draws are its own: 4 days.
    let (p50, p80) = (change("steady")["p50"].clone(), change("steady")["p80"].clone());
    assert!(("2024-02-09"..="2024-02-10").contains(&p50.as_str().unwrap()), "{p50}");
    assert!(("2024-02-09"..="2024-02-11").contains(&p80.as_str().unwrap()) && p80.as_str() >= p50.as_str(), "{p80}");
    // `first` and `next` have no pace of their own: they draw from all open
    // change-days (2 tasks on steady's, 0 on theirs), so they come later,
    // and `next` only after `first`.
    let (first, next) = (change("first"), change("next"));
    assert!(first["p50"].as_str().unwrap() > "2024-02-07", "{first}");
    assert!(next["p50"].as_str().unwrap() > first["p50"].as_str().unwrap(), "{first} {next}");
    assert!(next["p80"].as_str().unwrap() >= next["p50"].as_str().unwrap());
    // The project finishes with its last change, run by run.
    assert!(f["project"]["p80"].as_str().unwrap() >= next["p80"].as_str().unwrap(), "{f}");
    let basis = f["project"]["basis"].as_str().unwrap();
    assert!(
        basis.starts_with("70 tasks checked over 105 change-days of open work in the 35 days up to 2024-02-05"),
        "{basis}"
    );
    // The same history gives the same forecast.
    assert_eq!(r.run(&["forecast", "--date", "2024-02-05", "--json"]).stdout, run.stdout);
}

#[test]
fn a_past_day_uses_only_history_up_to_it() {
    let r = generated();
    let f = r.run(&["forecast", "--date", "2024-01-29", "--json"]).json();
    let steady = f["changes"].as_array().unwrap().iter().find(|c| c["id"] == "steady").cloned().unwrap();
    // On Jan 29, 56 of 78 were checked: 22 left, 11 days at its own 2 a day
    // (with 27 days of its own, its draws are all its own).
    let p50 = steady["p50"].as_str().unwrap();
    assert!(("2024-02-09"..="2024-02-12").contains(&p50), "{p50}");
    let text = r.run(&["forecast", "--date", "2024-01-29"]).stdout;
    assert!(text.starts_with("Forecast as of 2024-01-29\n"), "{text}");
    assert!(text.contains(&format!("steady    22 left  p50 {p50}")), "{text}");
}

#[test]
fn thin_history_says_why() {
    let r = generated();
    let f = r.run(&["forecast", "--date", "2024-01-04", "--json"]).json();
    assert_eq!(
        f["project"],
        json!({
            "p50": null,
            "p80": null,
            "basis": "too little history: 6 tasks of open work checked over the 3 days up to 2024-01-04 (a forecast needs at least 5 tasks over 28 days)"
        })
    );
    assert!(f["changes"].as_array().unwrap().iter().all(|c| c["p50"].is_null()));
    let none = crate::harness::SpecTest::fixture("basic").run(&["forecast"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("`spec forecast` needs the project in a git repository"), "{}", none.stderr);
}

#[test]
fn roadmap_forecast_is_opt_in() {
    let r = generated();
    let plain = r.run(&["roadmap", "--stdout"]).stdout;
    assert!(!plain.contains("## Forecast"));
    let with = r.run(&["roadmap", "--stdout", "--forecast", "--date", "2024-02-05"]).stdout;
    assert!(
        with.contains("## Forecast\n\nAs of 2024-02-05, from the repository's own pace in git history (70 tasks"),
        "{with}"
    );
    assert!(with.contains("| **Project** | "), "{with}");
}

#[test]
fn status_forecast_is_opt_in() {
    let r = generated();
    let plain = r.run(&["status"]).stdout;
    assert!(!plain.contains("Forecast"), "{plain}");
    let with = r.run(&["status", "--forecast"]).stdout;
    // As of today, long after the generated history: too little recent history.
    assert!(with.contains("Forecast too little history: 0 tasks of open work checked"), "{with}");
}
