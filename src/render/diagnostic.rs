//! How a [`Diagnostic`] looks: compiler style for a terminal
//! (`file:line: level: message`, then `= help:`), or a GitHub Actions
//! workflow command (`::error file=…,line=…::message`).

use super::style::Style;
use crate::model::{Diagnostic, Level};
use std::fmt::Write as _;

/// `file:line: level: message`, then `  = help: ...` when there is help.
pub fn text(d: &Diagnostic, style: &Style) -> String {
    let mut out = String::new();
    match (&d.file, d.line) {
        (Some(file), Some(line)) => {
            let _ = write!(out, "{}: ", style.path(&format!("{file}:{line}")));
        }
        (Some(file), None) => {
            let _ = write!(out, "{}: ", style.path(file));
        }
        _ => {}
    }
    let level = match d.level {
        Level::Error => style.error("error"),
        Level::Warning => style.warning("warning"),
        Level::Info => style.info("info"),
    };
    let _ = write!(out, "{level}: {}", d.message);
    if let Some(help) = &d.help {
        let _ = write!(out, "\n  = help: {help}");
    }
    out
}

/// A GitHub Actions workflow command (`::error file=…,line=…::message`).
pub fn github(d: &Diagnostic) -> String {
    let command = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "notice",
    };
    let mut props = Vec::new();
    if let Some(file) = &d.file {
        props.push(format!("file={}", escape_property(file)));
    }
    if let Some(line) = d.line {
        props.push(format!("line={line}"));
    }
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::{command} {}::{}", props.join(","), escape_data(&message))
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

    #[test]
    fn renders_like_a_compiler() {
        let d = Diagnostic::error(Some("a/b.md".into()), Some(3), "bad").with_help("fix it");
        assert_eq!(text(&d, &Style::plain()), "a/b.md:3: error: bad\n  = help: fix it");
        let d = Diagnostic::warning(None, None, "w");
        assert_eq!(text(&d, &Style::plain()), "warning: w");
    }

    #[test]
    fn github_annotations_escape() {
        let d = Diagnostic::error(Some("a,b.md".into()), Some(1), "x\ny 100%");
        assert_eq!(github(&d), "::error file=a%2Cb.md,line=1::x%0Ay 100%25");
    }
}
