//! Diagnostics: every problem `spec` reports, from an unreadable file to a
//! failed validation rule, with the file and line it is about, rendered like
//! a compiler (`file:line: level: message`), as JSON or as GitHub annotations.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    /// File relative to the root, when the finding is about one.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<usize>,
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(level: Level, file: impl Into<Option<String>>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic { level, file: file.into(), line, message: message.into(), help: None }
    }

    pub fn error(file: impl Into<Option<String>>, line: Option<usize>, message: impl Into<String>) -> Self {
        Self::new(Level::Error, file, line, message)
    }

    pub fn warning(file: impl Into<Option<String>>, line: Option<usize>, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, file, line, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Sort by file, line, level and message, and drop exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.level, &a.message).cmp(&(&b.file, b.line, b.level, &b.message)));
    diagnostics.dedup();
}
