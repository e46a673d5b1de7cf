//! Task files (`tasks.md`): which lines are tasks and which are done, exactly
//! as the official CLI counts them (`utils/task-progress.ts`, 1.13.x), plus the
//! structure `spec` adds on top: each task's line, depth and section heading.
//!
//! The official rule is a per-line pattern with no Markdown structure at all:
//! a task inside a code fence or an HTML comment still counts, and so does a
//! task under any heading. Sections and depth are read separately and never
//! change the count.

use super::js;
use crate::model::{Task, TaskFile, TaskSection};

/// One line recognised as a task by the official pattern
/// `^\s*(?:[-*+]|\d{1,9}[.)])\s*\[(?:\s*([^\]\s]?)\s*\](?![([])|\s+\])\s*(.*)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskLine<'a> {
    /// Leading whitespace before the list marker.
    pub indent: &'a str,
    /// The character inside the box, if any (`x`, `X`, `~`, ...).
    pub mark: Option<char>,
    /// The description: the rest of the line up to a line terminator, trimmed.
    pub text: &'a str,
}

impl TaskLine<'_> {
    /// Only `x` or `X` in the box means done.
    pub fn done(&self) -> bool {
        matches!(self.mark, Some('x' | 'X'))
    }
}

/// Match one line (without its `\n`) against the official task pattern.
pub fn match_task_line(line: &str) -> Option<TaskLine<'_>> {
    let rest = js::trim_start(line);
    let indent = &line[..line.len() - rest.len()];
    let rest = strip_list_marker(rest)?;
    let rest = js::trim_start(rest);
    let rest = rest.strip_prefix('[')?;
    let (mark, after) = match box_with_mark(rest) {
        Some(found) => found,
        // Second alternative: `\s+\]`, with no guard against a following link.
        None => {
            let inner = js::trim_start(rest);
            if inner.len() == rest.len() {
                return None;
            }
            (None, inner.strip_prefix(']')?)
        }
    };
    let after = js::trim_start(after);
    let end = after.find(js::is_line_terminator).unwrap_or(after.len());
    Some(TaskLine { indent, mark, text: js::trim(&after[..end]) })
}

/// `[-*+]` or one to nine ASCII digits followed by `.` or `)`.
fn strip_list_marker(s: &str) -> Option<&str> {
    let first = s.as_bytes().first()?;
    if matches!(first, b'-' | b'*' | b'+') {
        return Some(&s[1..]);
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    match s.as_bytes().get(digits) {
        Some(b'.' | b')') => Some(&s[digits + 1..]),
        _ => None,
    }
}

/// First alternative: `\s*([^\]\s]?)\s*\](?![([])`, after the `[`.
/// JS matches one UTF-16 code unit, so a character outside the Basic
/// Multilingual Plane (an emoji) cannot be the mark.
fn box_with_mark(s: &str) -> Option<(Option<char>, &str)> {
    let s = js::trim_start(s);
    let (mark, s) = match s.chars().next()? {
        ']' => (None, s),
        c if (c as u32) <= 0xFFFF => (Some(c), js::trim_start(&s[c.len_utf8()..])),
        _ => return None,
    };
    let after = s.strip_prefix(']')?;
    match after.as_bytes().first() {
        Some(b'(' | b'[') => None,
        _ => Some((mark, after)),
    }
}

/// Visual indentation in columns, a tab advancing to the next multiple of four.
pub fn indent_columns(indent: &str) -> usize {
    indent.chars().fold(0, |col, c| if c == '\t' { col + 4 - col % 4 } else { col + 1 })
}

/// An ATX heading outside code: `#` to `######` at column 0..3 followed by
/// whitespace or the end of the line. Returns level and trimmed title, with a
/// closing `#` run removed.
fn heading(line: &str) -> Option<(u8, &str)> {
    let body = line.strip_suffix('\r').unwrap_or(line);
    let lead = body.len() - body.trim_start_matches(' ').len();
    if lead > 3 {
        return None;
    }
    let body = &body[lead..];
    let level = body.len() - body.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &body[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut title = rest.trim_matches([' ', '\t']);
    let closed = title.trim_end_matches('#');
    if closed.is_empty() || closed.ends_with([' ', '\t']) {
        title = closed.trim_end_matches([' ', '\t']);
    }
    Some((level as u8, title))
}

/// The leading task number of a description (`1.2`, `3.1a`), the id the
/// official numbering check reads (`^(\d+(?:\.\d+)+(?:[A-Za-z]+)?)(?=\s|$)`).
pub fn task_number(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if i == 0 {
        return None;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            break;
        }
        i += 1 + digits;
        groups += 1;
    }
    if groups == 0 {
        return None;
    }
    i += b[i..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let next = text[i..].chars().next();
    (next.is_none() || next.is_some_and(js::is_space)).then(|| &text[..i])
}

/// Count `(done, total)` exactly as the official `countTasksFromContent`.
pub fn count(content: &str) -> (usize, usize) {
    content
        .split('\n')
        .filter_map(match_task_line)
        .fold((0, 0), |(done, total), task| (done + usize::from(task.done()), total + 1))
}

/// Parse a task file: every task with its line, depth and section.
///
/// Sections are the Markdown headings of the file (outside code fences); a
/// task belongs to the last heading above it. Depth is the nesting level of
/// the task among the list items above it in the same section: 0 for a
/// top-level task, 1 for a sub-task, and so on.
pub fn parse(path: &str, content: &str) -> TaskFile {
    let mut file = TaskFile { path: path.to_owned(), ..TaskFile::default() };
    let lines: Vec<&str> = content.split('\n').collect();
    let fenced = js::fence_mask(&lines);
    // Indent columns of the open list items above, innermost last.
    let mut stack: Vec<usize> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let number = index + 1;
        let stripped = if index == 0 { line.strip_prefix('\u{FEFF}').unwrap_or(line) } else { line };
        if !fenced[index]
            && let Some((level, title)) = heading(stripped)
        {
            file.sections.push(TaskSection { title: title.to_owned(), level, line: number, done: 0, total: 0 });
            stack.clear();
            continue;
        }
        if let Some(task) = match_task_line(line) {
            let column = indent_columns(task.indent);
            while stack.last().is_some_and(|&open| open >= column) {
                stack.pop();
            }
            let depth = stack.len();
            stack.push(column);
            let section = file.sections.len().checked_sub(1);
            if let Some(s) = section.map(|s| &mut file.sections[s]) {
                s.total += 1;
                s.done += usize::from(task.done());
            }
            file.done += usize::from(task.done());
            file.total += 1;
            file.tasks.push(Task {
                line: number,
                depth,
                done: task.done(),
                mark: task.mark.map(String::from).unwrap_or_default(),
                number: task_number(task.text).map(str::to_owned),
                text: task.text.to_owned(),
                section,
            });
        } else if !fenced[index] && is_list_item(line) {
            let column = indent_columns(&line[..line.len() - js::trim_start(line).len()]);
            while stack.last().is_some_and(|&open| open >= column) {
                stack.pop();
            }
            stack.push(column);
        }
    }
    file
}

/// `^\s*(?:[-*+]|\d{1,9}[.)])\s+\S`: a list item with text (the official
/// `LIST_ITEM` of `task-checkboxes.ts`).
pub fn is_list_item(line: &str) -> bool {
    let Some(rest) = strip_list_marker(js::trim_start(line)) else {
        return false;
    };
    let text = js::trim_start(rest);
    text.len() < rest.len() && !text.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: &str) -> Option<(bool, &str)> {
        match_task_line(line).map(|t| (t.done(), t.text))
    }

    #[test]
    fn official_table() {
        // Rows of the table in FORMAT.md §2, verified against 1.13.2.
        assert_eq!(m("- [ ] a"), Some((false, "a")));
        assert_eq!(m("  - [ ] a"), Some((false, "a")));
        assert_eq!(m("\t- [x] a"), Some((true, "a")));
        assert_eq!(m("* [x] a"), Some((true, "a")));
        assert_eq!(m("+ [x] a"), Some((true, "a")));
        assert_eq!(m("1. [x] a"), Some((true, "a")));
        assert_eq!(m("1) [ ] a"), Some((false, "a")));
        assert_eq!(m("-[x] a"), Some((true, "a")));
        assert_eq!(m("1.[x] a"), Some((true, "a")));
        assert_eq!(m("        - [x] a"), Some((true, "a")));
        assert_eq!(m("- [~] a"), Some((false, "a")));
        assert_eq!(m("- [] a"), Some((false, "a")));
        assert_eq!(m("- [✓] a"), Some((false, "a")));
        assert_eq!(m("- [1] a"), Some((false, "a")));
        assert_eq!(m("- [ x ] a"), Some((true, "a")));
        assert_eq!(m("- [X] a"), Some((true, "a")));
        assert_eq!(m("- [x]"), Some((true, "")));
        assert_eq!(m("- [x]done"), Some((true, "done")));
        assert_eq!(m("- [ ](x)"), Some((false, "(x)")));
        assert_eq!(m("- [x] a\r"), Some((true, "a")));
        assert_eq!(m("\u{FEFF}- [ ] a"), Some((false, "a")));
        for not in [
            "- [x](http://e)",
            "- [A](x)",
            "- [1][ref]",
            "- [WIP] a",
            "-- [ ] a",
            "** [ ] a",
            "> - [ ] a",
            "## [ ] a",
            "– [ ] a",
            "1234567890. [ ] a",
            "- a",
            "1. a",
            "- [🚧] a",
        ] {
            assert_eq!(m(not), None, "{not:?}");
        }
    }

    #[test]
    fn description_stops_at_line_terminators() {
        assert_eq!(m("- [ ] a\u{2028}b"), Some((false, "a")));
    }

    #[test]
    fn counts_inside_fences_like_the_cli() {
        let text = "# T\n```\n- [x] example\n```\n<!-- - [ ] hidden -->\n- [ ] real\n";
        assert_eq!(count(text), (1, 2));
    }

    #[test]
    fn sections_and_depth() {
        let text = "# Tasks\n\n## 1. Setup\n- [x] 1.1 a\n  - [ ] 1.1.1 b\n    - [x] c\n- [ ] 1.2 d\n\n## 2. Ship\n1. [x] 2.1 e\n";
        let file = parse("tasks.md", text);
        assert_eq!((file.done, file.total), (3, 5));
        let titles: Vec<_> = file.sections.iter().map(|s| (s.title.as_str(), s.done, s.total)).collect();
        assert_eq!(titles, [("Tasks", 0, 0), ("1. Setup", 2, 4), ("2. Ship", 1, 1)]);
        let depths: Vec<_> = file.tasks.iter().map(|t| t.depth).collect();
        assert_eq!(depths, [0, 1, 2, 0, 0]);
        assert_eq!(file.tasks[0].number.as_deref(), Some("1.1"));
        assert_eq!(file.tasks[2].number, None);
        assert_eq!(file.tasks[4].line, 10);
    }

    #[test]
    fn headings_in_fences_are_not_sections() {
        let file = parse("tasks.md", "## A\n```\n## B\n```\n- [ ] x\n");
        assert_eq!(file.sections.len(), 1);
        assert_eq!(file.tasks[0].section, Some(0));
    }

    #[test]
    fn task_numbers() {
        assert_eq!(task_number("1.1 Do it"), Some("1.1"));
        assert_eq!(task_number("2.3a Do"), Some("2.3a"));
        assert_eq!(task_number("1. Do"), None);
        assert_eq!(task_number("1.2.3"), Some("1.2.3"));
        assert_eq!(task_number("1.2:"), None);
    }

    #[test]
    fn list_items() {
        assert!(is_list_item("- a"));
        assert!(is_list_item("   12) a"));
        assert!(!is_list_item("-a"));
        assert!(!is_list_item("- "));
        assert!(!is_list_item("---"));
    }
}
