//! The roadmap file's content (`roadmap/roadmap.yaml`): the phases,
//! milestones, goals and extra dependencies a team declares. Parsed by
//! `parse::roadmap`, which rejects unknown keys and dates that are not
//! calendar days, with their line.

/// The marker that opens the block `spec roadmap` writes (and that tells
/// a generated ROADMAP.md from a hand-written one).
pub const GENERATED_BEGIN: &str = "<!-- spec:begin -->";

use super::Day;
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
    pub start: Option<Day>,
    /// Planned end, `YYYY-MM-DD`.
    pub end: Option<Day>,
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
    pub due: Option<Day>,
}

/// A parsed roadmap file and where it came from.
#[derive(Debug, Clone)]
pub struct RoadmapSource {
    pub file: RoadmapFile,
    /// Path relative to the root (or as the command line named it).
    pub path: String,
    /// The file's text, for line numbers.
    pub text: String,
}

impl RoadmapSource {
    /// 1-based line of the first line of the file containing `needle`.
    pub fn line_of(&self, needle: &str) -> Option<usize> {
        self.text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
    }
}
