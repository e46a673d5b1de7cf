//! `roadmap/roadmap.yaml`: the phases, milestones, goals and extra
//! dependencies a team declares for its roadmap. Unknown keys are rejected
//! with the line they are on, so a typo (`change:` for `changes:`) cannot
//! silently drop a phase's changes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A status a phase or milestone can be forced to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseStatus {
    Planned,
    Research,
    InProgress,
    Complete,
    Blocked,
}

impl PhaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseStatus::Planned => "planned",
            PhaseStatus::Research => "research",
            PhaseStatus::InProgress => "in-progress",
            PhaseStatus::Complete => "complete",
            PhaseStatus::Blocked => "blocked",
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadmapFile {
    pub title: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub non_goals: Vec<String>,
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Extra declared edges: change id → the changes it depends on.
    #[serde(default)]
    pub depends_on: BTreeMap<String, Vec<String>>,
    /// Days without activity after which open work is flagged stale (default 30).
    pub stale_after_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: String,
    pub title: Option<String>,
    pub goal: Option<String>,
    /// Forces the phase's status instead of deriving it from its changes.
    pub status: Option<PhaseStatus>,
    /// Planned start, `YYYY-MM-DD`.
    pub start: Option<Date>,
    /// Planned end, `YYYY-MM-DD`.
    pub end: Option<Date>,
    #[serde(default)]
    pub changes: Vec<String>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub title: String,
    #[serde(default)]
    pub changes: Vec<String>,
    /// Free text: what the milestone waits for outside the repository.
    pub blocked_by: Option<String>,
    pub status: Option<PhaseStatus>,
    /// Planned date, `YYYY-MM-DD`.
    pub due: Option<Date>,
}

/// A `YYYY-MM-DD` date, checked when read (YAML 1.2 keeps it a string).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Date(pub String);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if is_date(&s) {
            Ok(Date(s))
        } else {
            Err(serde::de::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
        }
    }
}

/// `YYYY-MM-DD` with a month 01–12 and a day 01–31.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(1..=12), Some(1..=31)))
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A problem in the roadmap file, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadmapError {
    pub line: Option<usize>,
    pub message: String,
}

/// Parse the roadmap file.
pub fn parse(text: &str) -> Result<RoadmapFile, RoadmapError> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if body.trim().is_empty() {
        return Ok(RoadmapFile::default());
    }
    serde_yaml::from_str::<RoadmapFile>(body).map_err(|e| {
        let line = e.location().map(|l| l.line());
        let mut message = e.to_string();
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        RoadmapError { line, message }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "title: PantherOS Project Roadmap\nsummary: One paragraph.\ngoals: [\"Declarative\"]\nnon_goals: [Gaming]\nphases:\n  - id: foundation\n    title: Foundation\n    goal: Establish core\n    status: research\n    start: 2024-11-01\n    end: 2024-11-15\n    changes: [create-modular-config, add-home-manager-setup]\n    milestones:\n      - title: Zephyrus laptop configuration\n        changes: [add-personal-device-hosts]\n        blocked_by: hardware access\ndepends_on:\n  add-niri-window-manager: [add-dank-material-shell]\n";

    #[test]
    fn reads_the_documented_schema() {
        let r = parse(FILE).unwrap();
        assert_eq!(r.title.as_deref(), Some("PantherOS Project Roadmap"));
        assert_eq!(r.phases[0].status, Some(PhaseStatus::Research));
        assert_eq!(r.phases[0].start, Some(Date("2024-11-01".into())));
        assert_eq!(r.phases[0].milestones[0].blocked_by.as_deref(), Some("hardware access"));
        assert_eq!(r.depends_on["add-niri-window-manager"], ["add-dank-material-shell"]);
    }

    #[test]
    fn unknown_keys_name_their_line() {
        let err = parse("phases:\n  - id: a\n    change: [x]\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("unknown field `change`"), "{}", err.message);
    }

    #[test]
    fn bad_dates_and_statuses() {
        let err = parse("phases:\n  - id: a\n    start: 2024-13-01\n").unwrap_err();
        assert!(err.message.contains("not a date"), "{}", err.message);
        let err = parse("phases:\n  - id: a\n    status: done\n").unwrap_err();
        assert!(err.message.contains("unknown variant `done`"), "{}", err.message);
        assert_eq!(parse("").unwrap(), RoadmapFile::default());
    }
}
