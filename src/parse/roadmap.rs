//! Parsing `roadmap/roadmap.yaml` into [`RoadmapFile`]. Unknown keys are
//! rejected with the line they are on, so a typo (`change:` for `changes:`)
//! cannot silently drop a phase's changes; a date that is not a calendar day
//! (`2024-02-31`) is rejected with its line too.

use crate::model::roadmap::RoadmapFile;

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
    if let Some((line, _)) = super::yaml::flow_too_deep(body) {
        return Err(RoadmapError { line: Some(line), message: "recursion limit exceeded".into() });
    }
    serde_norway::from_str::<RoadmapFile>(body).map_err(|e| {
        let mut line = e.location().map(|l| l.line());
        let mut message = e.to_string();
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        // A bad value is reported at the mapping that holds it; point at the
        // value itself (the first line from there on that has it).
        if let Some(value) = message.split('`').nth(1).filter(|_| message.contains("is not a date")) {
            let from = line.unwrap_or(1);
            let hit = body.lines().enumerate().skip(from - 1).find(|(_, l)| l.contains(value));
            line = hit.map(|(i, _)| i + 1).or(line);
        }
        RoadmapError { line, message }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Day;
    use crate::model::roadmap::PhaseStatus;

    const FILE: &str = "title: PantherOS Project Roadmap\nsummary: One paragraph.\ngoals: [\"Declarative\"]\nnon_goals: [Gaming]\nphases:\n  - id: foundation\n    title: Foundation\n    goal: Establish core\n    status: research\n    start: 2024-11-01\n    end: 2024-11-15\n    changes: [create-modular-config, add-home-manager-setup]\n    milestones:\n      - title: Zephyrus laptop configuration\n        changes: [add-personal-device-hosts]\n        blocked_by: hardware access\ndepends_on:\n  add-niri-window-manager: [add-dank-material-shell]\n";

    #[test]
    fn reads_the_documented_schema() {
        let r = parse(FILE).unwrap();
        assert_eq!(r.title.as_deref(), Some("PantherOS Project Roadmap"));
        assert_eq!(r.phases[0].status, Some(PhaseStatus::Research));
        assert_eq!(r.phases[0].start, Day::parse("2024-11-01"));
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
        // A month has only so many days: this was accepted once, and the
        // gantt then dropped the row without a word.
        let err = parse("phases:\n  - id: a\n    start: 2024-02-01\n    end: 2024-02-31\n").unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(err.message.contains("`2024-02-31` is not a date"), "{}", err.message);
        let err = parse("phases:\n  - id: a\n    status: done\n").unwrap_err();
        assert!(err.message.contains("unknown variant `done`"), "{}", err.message);
        assert_eq!(parse("").unwrap(), RoadmapFile::default());
    }
}
