//! Diagnostics: every problem `spec` reports, from an unreadable file to a
//! failed validation rule, with the file and line it is about, rendered like
//! a compiler (`file:line: level: message`), as JSON or as GitHub annotations.

use serde::Serialize;
use std::fmt::Write as _;

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

    /// `file:line: level: message`, then `  = help: ...` when there is help.
    pub fn render(&self, style: &crate::render::terminal::Style) -> String {
        let mut out = String::new();
        match (&self.file, self.line) {
            (Some(file), Some(line)) => {
                let _ = write!(out, "{}: ", style.path(&format!("{file}:{line}")));
            }
            (Some(file), None) => {
                let _ = write!(out, "{}: ", style.path(file));
            }
            _ => {}
        }
        let level = match self.level {
            Level::Error => style.error("error"),
            Level::Warning => style.warning("warning"),
            Level::Info => style.info("info"),
        };
        let _ = write!(out, "{level}: {}", self.message);
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  = help: {help}");
        }
        out
    }

    /// A GitHub Actions workflow command (`::error file=…,line=…::message`).
    pub fn github(&self) -> String {
        let command = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &self.file {
            props.push(format!("file={}", escape_property(file)));
        }
        if let Some(line) = self.line {
            props.push(format!("line={line}"));
        }
        let mut message = self.message.clone();
        if let Some(help) = &self.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        format!("::{command} {}::{}", props.join(","), escape_data(&message))
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::terminal::Style;

    #[test]
    fn renders_like_a_compiler() {
        let d = Diagnostic::error(Some("a/b.md".into()), Some(3), "bad").with_help("fix it");
        assert_eq!(d.render(&Style::plain()), "a/b.md:3: error: bad\n  = help: fix it");
        let d = Diagnostic::warning(None, None, "w");
        assert_eq!(d.render(&Style::plain()), "warning: w");
    }

    #[test]
    fn github_annotations_escape() {
        let d = Diagnostic::error(Some("a,b.md".into()), Some(1), "x\ny 100%");
        assert_eq!(d.github(), "::error file=a%2Cb.md,line=1::x%0Ay 100%25");
    }
}
