//! How a [`Diagnostic`] looks: compiler style for a terminal
//! (`file:line: level: message`, then `= help:`), or a GitHub Actions
//! workflow command (`::error file=…,line=…::message`). File names and
//! messages come from the repository: both forms escape them
//! ([`super::escape::terminal`], then GitHub's own escaping for a workflow
//! command). A workflow command is one line whatever they hold; as text, a
//! message of several lines keeps them, each continued with `  | `.

use super::escape::terminal as esc;
use super::style::Style;
use crate::model::{Diagnostic, Level};
use std::fmt::Write as _;

/// `file:line: level: message`, then `  = help: ...` when there is help.
pub fn text(d: &Diagnostic, style: &Style) -> String {
    let mut out = String::new();
    match (&d.file, d.line) {
        (Some(file), Some(line)) => {
            let _ = write!(out, "{}: ", style.path(&format!("{}:{line}", esc(file))));
        }
        (Some(file), None) => {
            let _ = write!(out, "{}: ", style.path(&esc(file)));
        }
        _ => {}
    }
    let level = match d.level {
        Level::Error => style.error("error"),
        Level::Warning => style.warning("warning"),
        Level::Info => style.info("info"),
    };
    // A message of several lines (the official archive check writes one a
    // problem) keeps them, each escaped and led by `  | `, so no line of it
    // can pass for a diagnostic or a workflow command of its own.
    let lines: Vec<String> = d.message.split('\n').map(|l| esc(l).into_owned()).collect();
    let _ = write!(out, "{level}: {}", lines.join("\n  | "));
    if let Some(help) = &d.help {
        let _ = write!(out, "\n  = help: {}", esc(help));
    }
    out
}

/// A GitHub Actions workflow command (`::error file=…,line=…::message`), on
/// one line: the file and the message are first escaped as for a terminal
/// (the runner's log shows escape sequences as a terminal would), then as
/// GitHub reads a command (`escape_data`, `escape_property`).
pub fn github(d: &Diagnostic) -> String {
    let command = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "notice",
    };
    let mut props = Vec::new();
    if let Some(file) = &d.file {
        props.push(format!("file={}", escape_property(&esc(file))));
    }
    if let Some(line) = d.line {
        props.push(format!("line={line}"));
    }
    let mut message = esc(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&esc(help));
    }
    format!("::{command} {}::{}", props.join(","), escape_data(&message))
}

/// A command's message as the runner reads it back (`@actions/core`'s
/// `escapeData`): `%`, `\r` and `\n` percent-encoded, `%` first.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value (`escapeProperty`): as [`escape_data`], and
/// `:` and `,`, which end a value, percent-encoded too.
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
        let d = Diagnostic::error(Some("a,b.md".into()), Some(1), "x y 100%").with_help("see a:b");
        assert_eq!(github(&d), "::error file=a%2Cb.md,line=1::x y 100%25%0Ahelp: see a:b");
    }

    #[test]
    fn repository_text_cannot_break_a_diagnostic() {
        let file = "changes/x\n::error file=README.md,line=1::owned/tasks.md".to_owned();
        let d = Diagnostic::warning(Some(file), Some(2), "bad \x1b]52;c;aGk=\x07\r\n::notice::hi %0A")
            .with_help("\u{9b}2J");
        let gh = github(&d);
        assert_eq!(
            gh,
            "::warning file=changes/x\\n%3A%3Aerror file=README.md%2Cline=1%3A%3Aowned/tasks.md,line=2::bad \\x1b]52;c;aGk=\\x07\\r\\n::notice::hi %250A%0Ahelp: \\u{9b}2J"
        );
        let text = text(&d, &Style::plain());
        assert_eq!(
            text,
            "changes/x\\n::error file=README.md,line=1::owned/tasks.md:2: warning: bad \\x1b]52;c;aGk=\\x07\\r\n  | ::notice::hi %0A\n  = help: \\u{9b}2J"
        );
        for out in [&gh, &text] {
            assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        }
        // Every line of the text after the first is a continuation or help.
        assert!(text.lines().skip(1).all(|l| l.starts_with("  | ") || l.starts_with("  = help: ")), "{text}");
    }
}
