//! The official validation rules (`openspec validate --all`, 1.13.x), ported
//! so that `spec check` gives every change and spec the same verdict and the
//! same issues as the official CLI, each with its file and, where it can be
//! known, its line.
//!
//! Sources: `core/validation/validator.ts` (`validateSpec`,
//! `validateChangeDeltaSpecs`), `task-checkboxes.ts`, `task-numbering.ts`,
//! `purpose-placeholder.ts`, `spec-structure.ts`.

use super::keys::{FoldIndex, OrderedSet};
use super::merge;
use crate::model::Spec;
use crate::model::{Diagnostic, Level};
use crate::parse::delta::{self, DeltaPlan};
use crate::parse::markdown::fold_requirement_name;
use crate::parse::spec::{self as spec_parse, RequirementBlock};
use crate::parse::yaml::{self, Marker};
use crate::parse::{js, markdown, tasks};
use crate::source::{ChangeDir, Tree};
use serde::Serialize;
use std::collections::BTreeSet;

/// An official validation issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// `ERROR`, `WARNING` or `INFO`.
    pub level: Level,
    /// The official `path` field (relative to the change's `specs/`, or a
    /// field path like `requirements[0]` for specs).
    pub path: String,
    /// The file the issue is about, relative to the root.
    pub file: String,
    /// The line, when known (the official line, or one `spec` located).
    pub line: Option<usize>,
    pub message: String,
}

/// The verdict on one change or spec.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ItemKind,
    pub valid: bool,
    pub issues: Vec<Issue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Change,
    Spec,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Change => "change",
            ItemKind::Spec => "spec",
        }
    }
}

impl ItemReport {
    fn new(id: &str, kind: ItemKind, issues: Vec<Issue>, strict: bool) -> Self {
        let counts = |level| issues.iter().filter(|i| i.level == level).count();
        let valid = counts(Level::Error) == 0 && (!strict || counts(Level::Warning) == 0);
        ItemReport { id: id.to_owned(), kind, valid, issues }
    }

    /// The issues as diagnostics.
    pub fn diagnostics(&self) -> impl Iterator<Item = Diagnostic> + '_ {
        self.issues.iter().map(|i| Diagnostic::new(i.level, i.file.clone(), i.line, i.message.clone()))
    }
}

/// Validate every active change (dot folders excluded, as the official
/// `validate` excludes them) and every main spec, sorted by id then type.
pub fn validate_all(tree: &Tree, strict: bool) -> Vec<ItemReport> {
    use rayon::prelude::*;
    let mut reports: Vec<ItemReport> = tree
        .changes
        .par_iter()
        .filter(|c| !c.archived && !c.hidden)
        .map(|c| validate_change(tree, c, strict))
        .chain(tree.specs.par_iter().map(|s| validate_spec(&s.id, &s.file.path, &s.file.text, strict)))
        .collect();
    reports.sort_by(|a, b| a.id.cmp(&b.id).then(a.kind.cmp(&b.kind)));
    reports
}

/// `validateSpec`.
pub fn validate_spec(id: &str, file: &str, content: &str, strict: bool) -> ItemReport {
    let issue = |level, path: &str, line, message: String| Issue {
        level,
        path: path.to_owned(),
        file: file.to_owned(),
        line,
        message,
    };
    let spec = spec_parse::parse(id, file, content);
    let mut issues = Vec::new();
    if let Some(error) = &spec.parse_error {
        issues.push(issue(Level::Error, "file", None, format!("{error}. {GUIDE_MISSING_SPEC_SECTIONS}")));
        return ItemReport::new(id, ItemKind::Spec, issues, strict);
    }
    zod_spec_issues(&spec, &mut issues, file);
    for s in spec_parse::structure_issues(content) {
        issues.push(issue(Level::Error, "file", Some(s.line), s.message));
    }
    let overview = spec.purpose.as_deref().unwrap_or_default();
    if let Some(line) = spec_parse::purpose_placeholder(overview, content) {
        issues.push(issue(Level::Warning, "overview", line, PURPOSE_IS_PLACEHOLDER.into()));
    } else if js::utf16_len(overview) < 50 {
        issues.push(issue(
            Level::Warning,
            "overview",
            None,
            "Purpose section is too brief (less than 50 characters)".into(),
        ));
    }
    for (i, req) in spec.requirements.iter().enumerate() {
        if js::utf16_len(&req.text) > 500 {
            issues.push(issue(
                Level::Info,
                &format!("requirements[{i}]"),
                Some(req.line),
                "Requirement text is very long (>500 characters). Consider breaking it down.".into(),
            ));
        }
        if req.scenarios.is_empty() {
            issues.push(issue(
                Level::Warning,
                &format!("requirements[{i}].scenarios"),
                Some(req.line),
                format!("Requirement must have at least one scenario. {GUIDE_SCENARIO_FORMAT}"),
            ));
        }
    }
    for (i, block) in spec_parse::requirement_blocks(content).iter().enumerate() {
        if let Some((level, message)) = shall_issue(&format!("Requirement \"{}\"", block.name), block, false) {
            issues.push(issue(level, &format!("requirements[{i}]"), Some(block.line), message));
        }
    }
    ItemReport::new(id, ItemKind::Spec, issues, strict)
}

/// The zod `SpecSchema` checks that can fail once the spec parsed.
fn zod_spec_issues(spec: &Spec, issues: &mut Vec<Issue>, file: &str) {
    let mut push = |path: String, line: Option<usize>, message: &str| {
        issues.push(Issue { level: Level::Error, path, file: file.to_owned(), line, message: message.to_owned() })
    };
    if spec.requirements.is_empty() {
        push("requirements".into(), None, "Spec must have at least one requirement");
    }
    for (i, req) in spec.requirements.iter().enumerate() {
        if req.text.is_empty() {
            push(format!("requirements.{i}.text"), Some(req.line), "Requirement text cannot be empty");
        }
        if req.scenarios.is_empty() {
            push(format!("requirements.{i}.scenarios"), Some(req.line), "Requirement must have at least one scenario");
        }
    }
}

/// The SHALL/MUST rule for one requirement block: an error when the body is
/// empty, a warning when it lacks the keyword.
fn shall_issue(prefix: &str, block: &RequirementBlock, delta_wording: bool) -> Option<(Level, String)> {
    let body = delta::block_body(&block.raw);
    let text = markdown::requirement_body(&body);
    if text.is_empty() {
        let message = if delta_wording && !js::contains_shall_or_must(&block.name) {
            format!("{prefix} is missing requirement text")
        } else {
            missing_shall_message(prefix, &block.name, false)
        };
        Some((Level::Error, message))
    } else if !js::contains_shall_or_must(&text) {
        Some((Level::Warning, missing_shall_message(prefix, &block.name, true)))
    } else {
        None
    }
}

fn missing_shall_message(prefix: &str, name: &str, guidance: bool) -> String {
    let base = format!("{prefix} {} contain SHALL or MUST", if guidance { "should" } else { "must" });
    let suffix = if guidance { " (RFC 2119 best practice for English specs)" } else { "" };
    if js::contains_shall_or_must(name) {
        format!(
            "{base} in the requirement body, not only in the header. Move the SHALL/MUST statement to the line immediately after the \"### Requirement: ...\" header.{suffix}"
        )
    } else {
        format!("{base}{suffix}")
    }
}

/// `validateChangeDeltaSpecs` with `mainSpecsDir` and `projectRoot` set, as
/// `validate --all` runs it.
pub fn validate_change(tree: &Tree, change: &ChangeDir, strict: bool) -> ItemReport {
    if !change.nested.is_empty() {
        let issue = Issue {
            level: Level::Error,
            path: "file".into(),
            file: change.path.clone(),
            line: None,
            message: describe_nested(&change.name, &change.nested),
        };
        return ItemReport { id: change.name.clone(), kind: ItemKind::Change, valid: false, issues: vec![issue] };
    }
    // The official spec discovery throws (a `spec.md` linked out of its
    // capability, a link loop), and `validate --all` reports that one error.
    if let Some(message) = &change.specs_dir.discovery_error {
        let issue = Issue {
            level: Level::Error,
            path: "file".into(),
            file: change.path.clone(),
            line: None,
            message: message.clone(),
        };
        return ItemReport { id: change.name.clone(), kind: ItemKind::Change, valid: false, issues: vec![issue] };
    }
    let specs_prefix = format!("{}/specs/", change.path);
    let mut issues: Vec<Issue> = Vec::new();
    let issue = |level, path: &str, file: &str, line, message: String| Issue {
        level,
        path: path.to_owned(),
        file: file.to_owned(),
        line,
        message,
    };
    let mut total_deltas = 0;
    let mut missing_header: Vec<(String, String)> = Vec::new();
    let mut empty_sections: Vec<(String, String, Vec<&str>)> = Vec::new();
    let root_spec_file = format!("{specs_prefix}spec.md");
    if change.specs_dir.root_spec {
        issues.push(issue(
            Level::Error,
            "spec.md",
            &root_spec_file,
            None,
            "Delta spec found at specs/spec.md. Delta specs must live under a capability path (e.g. specs/<capability-path>/spec.md) — a file at the specs/ root is ignored when the change is applied or archived.".into(),
        ));
    }
    let mut plans: Vec<(&str, String, DeltaPlan)> = Vec::new();
    for d in &change.deltas {
        let plan = delta::parse_plan(&d.file.text);
        let entry = format!("{}/spec.md", d.id);
        let file = d.file.path.as_str();
        for stray in &plan.skipped_headers {
            let nameless = stray.header.strip_suffix(':').unwrap_or(&stray.header).eq_ignore_ascii_case("requirement");
            let message = if nameless {
                format!(
                    "Header \"### {}\" in {} is missing a requirement name and is ignored by validation. Add a name, e.g. \"### Requirement: <name>\".",
                    stray.header, stray.section
                )
            } else {
                format!(
                    "Header \"### {h}\" in {s} is not a \"### Requirement:\" header and is ignored by validation. Use \"### Requirement: {h}\" if it should be validated as a requirement.",
                    h = stray.header,
                    s = stray.section
                )
            };
            issues.push(issue(Level::Info, &entry, file, Some(stray.line), message));
        }
        for u in &plan.unpaired_renames {
            let missing = if u.side == "FROM" { "TO" } else { "FROM" };
            issues.push(issue(
                Level::Error,
                &entry,
                file,
                Some(u.line),
                format!(
                    "RENAMED {}: \"{}\" has no matching {missing}: line. Write each rename as a FROM: line followed immediately by its TO: line.",
                    u.side, u.name
                ),
            ));
        }
        for o in &plan.orphans {
            let place = match o.section.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => format!("under \"## {s}\""),
                None => "above the first \"## \" section".into(),
            };
            issues.push(issue(
                Level::Warning,
                &entry,
                file,
                Some(o.line),
                format!(
                    "Requirement \"{}\" is {place}, which is not a delta section, so it is ignored. Move it under \"## ADDED Requirements\", \"## MODIFIED Requirements\", \"## REMOVED Requirements\", or \"## RENAMED Requirements\".",
                    o.name
                ),
            ));
        }
        if plan.entry_count() == 0 {
            if plan.has_sections() {
                let names = [
                    "## ADDED Requirements",
                    "## MODIFIED Requirements",
                    "## REMOVED Requirements",
                    "## RENAMED Requirements",
                ];
                let present = names.iter().zip(plan.presence).filter(|(_, p)| *p).map(|(n, _)| *n).collect();
                empty_sections.push((entry.clone(), file.to_owned(), present));
            } else {
                missing_header.push((entry.clone(), file.to_owned()));
            }
        }
        let mut added = OrderedSet::default();
        let mut modified = OrderedSet::default();
        for (kind, blocks, names) in [("ADDED", &plan.added, &mut added), ("MODIFIED", &plan.modified, &mut modified)] {
            for block in blocks {
                total_deltas += 1;
                if !names.insert(markdown::normalize_requirement_name(&block.name)) {
                    issues.push(issue(
                        Level::Error,
                        &entry,
                        file,
                        Some(block.line),
                        format!("Duplicate requirement in {kind}: \"{}\"", block.name),
                    ));
                }
                if let Some((level, message)) = shall_issue(&format!("{kind} \"{}\"", block.name), block, true) {
                    issues.push(issue(level, &entry, file, Some(block.line), message));
                }
                let body = delta::block_body(&block.raw);
                let scenarios = markdown::scenario_blocks(&body);
                if scenarios.iter().all(|s| js::is_blank(&s.body)) {
                    let hint = if scenarios.is_empty() {
                        ""
                    } else {
                        " (a scenario header with no body under it does not count; add its steps, e.g. \"- **WHEN** ...\" and \"- **THEN** ...\")"
                    };
                    issues.push(issue(
                        Level::Error,
                        &entry,
                        file,
                        Some(block.line),
                        format!("{kind} \"{}\" must include at least one scenario{hint}", block.name),
                    ));
                }
            }
            if kind == "MODIFIED"
                && !plan.modified.is_empty()
                && let Some(main) = main_spec(tree, &d.id)
            {
                for (line, message) in merge::scenario_loss(&plan.modified, &plan.renamed, main) {
                    issues.push(issue(Level::Error, &entry, file, line, message));
                }
            }
        }
        let mut removed = OrderedSet::default();
        for r in &plan.removed {
            total_deltas += 1;
            if !removed.insert(markdown::normalize_requirement_name(&r.name)) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    Some(r.line),
                    format!("Duplicate requirement in REMOVED: \"{}\"", r.name),
                ));
            }
        }
        let mut from_seen = OrderedSet::default();
        let mut to_seen = OrderedSet::default();
        for r in &plan.renamed {
            total_deltas += 1;
            let (from_key, to_key) =
                (markdown::normalize_requirement_name(&r.from), markdown::normalize_requirement_name(&r.to));
            if !from_seen.insert(from_key) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    Some(r.line),
                    format!("Duplicate FROM in RENAMED: \"{}\"", r.from),
                ));
            }
            if !to_seen.insert(to_key) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    Some(r.line),
                    format!("Duplicate TO in RENAMED: \"{}\"", r.to),
                ));
            }
        }
        for n in modified.iter() {
            if removed.contains(n) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    None,
                    format!("Requirement present in both MODIFIED and REMOVED: \"{n}\""),
                ));
            }
            if added.contains(n) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    None,
                    format!("Requirement present in both MODIFIED and ADDED: \"{n}\""),
                ));
            }
        }
        for n in added.iter() {
            if removed.contains(n) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    None,
                    format!("Requirement present in both ADDED and REMOVED: \"{n}\""),
                ));
            }
        }
        let removed_folds = FoldIndex::new(removed.iter(), fold_requirement_name);
        for r in &plan.renamed {
            let (from_key, to_key) =
                (markdown::normalize_requirement_name(&r.from), markdown::normalize_requirement_name(&r.to));
            if modified.contains(&from_key) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    Some(r.line),
                    format!("MODIFIED references old name from RENAMED. Use new header for \"{}\"", r.to),
                ));
            }
            if added.contains(&to_key) {
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    Some(r.line),
                    format!("RENAMED TO collides with ADDED for \"{}\"", r.to),
                ));
            }
            if let Some(hit) = removed_folds.first(&fold_requirement_name(&from_key)) {
                let spelled = if hit == from_key { String::new() } else { format!(" (REMOVED spells it \"{hit}\")") };
                issues.push(issue(
                    Level::Error,
                    &entry,
                    file,
                    Some(r.line),
                    format!("Requirement present in both RENAMED and REMOVED: \"{}\"{spelled}", r.from),
                ));
            }
        }
        plans.push((d.id.as_str(), file.to_owned(), plan));
    }
    // Archive's dry-run merge, reported as INFO for files not already rejected.
    let mut reported: BTreeSet<String> =
        issues.iter().filter(|i| i.level == Level::Error).map(|i| i.path.clone()).collect();
    reported.extend(missing_header.iter().map(|(p, _)| p.clone()));
    reported.extend(empty_sections.iter().map(|(p, _, _)| p.clone()));
    for (id, file, plan) in &plans {
        let entry = format!("{id}/spec.md");
        if reported.contains(&entry) {
            continue;
        }
        let main = main_spec(tree, id);
        if let Some(message) = merge::archive_blocker(id, &change.name, plan, main) {
            issues.push(issue(Level::Info, &entry, file, None, format!("Archive would refuse this delta: {message}")));
        }
    }
    let unread = unread_delta_files(change, &specs_prefix);
    for (path, file, expected) in &unread {
        issues.push(issue(
            Level::Error,
            path,
            file,
            None,
            format!(
                "Delta spec found at specs/{path}. Delta specs must be a spec.md inside a capability folder — this file is ignored when the change is applied or archived. Move its requirements into specs/{expected}."
            ),
        ));
    }
    for (path, file, sections) in &empty_sections {
        issues.push(issue(
            Level::Error,
            path,
            file,
            None,
            format!(
                "Delta sections {} were found, but no requirement entries parsed. Ensure each section includes at least one \"### Requirement:\" block (REMOVED may use bullet list syntax).",
                section_list(sections)
            ),
        ));
    }
    for (path, file) in &missing_header {
        issues.push(issue(
            Level::Error,
            path,
            file,
            None,
            "No delta sections found. Add headers such as \"## ADDED Requirements\" or move non-delta notes outside specs/.".into(),
        ));
    }
    let metadata_file = format!("{}/.openspec.yaml", change.path);
    let marker = match &change.metadata {
        Some(m) => yaml::read_marker(&m.text, "skip_specs", |s| crate::parse::schema::resolve(tree, s)),
        None => Marker::NotDeclared,
    };
    if let Marker::Invalid(reason) = &marker {
        issues.push(issue(
            Level::Error,
            ".openspec.yaml",
            &metadata_file,
            None,
            format!("skip_specs is set but .openspec.yaml is not valid change metadata, so the marker is not honored. Fix the metadata ({reason})"),
        ));
    }
    let skip = marker == Marker::Declared;
    let has_files = skip && change.specs_dir.has_any_file;
    if has_files {
        issues.push(issue(
            Level::Error,
            "file",
            &change.path,
            None,
            "skip_specs is set in .openspec.yaml but spec files exist under specs/. Remove skip_specs or delete the delta spec files".into(),
        ));
    }
    if total_deltas == 0 && !change.specs_dir.root_spec && unread.is_empty() {
        if skip && !has_files {
            issues.push(issue(
                Level::Info,
                "file",
                &change.path,
                None,
                "skip_specs is set in .openspec.yaml: change declares no spec-level behavior changes, zero deltas accepted".into(),
            ));
        } else if !skip {
            issues.push(issue(
                Level::Error,
                "file",
                &change.path,
                None,
                format!("Change must have at least one delta. {GUIDE_NO_DELTAS}"),
            ));
        }
    }
    issues.extend(task_file_issues(tree, change));
    ItemReport::new(&change.name, ItemKind::Change, issues, strict)
}

/// The text of the main spec with this id (specs are sorted by id).
fn main_spec<'a>(tree: &'a Tree, id: &str) -> Option<&'a str> {
    tree.specs.binary_search_by(|s| s.id.as_str().cmp(id)).ok().map(|i| tree.specs[i].file.text.as_str())
}

fn section_list(sections: &[&str]) -> String {
    match sections {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// Markdown files under `specs/` other than `spec.md` that carry delta
/// sections (`findUnreadDeltaFiles`): (path below specs/, file, expected path).
fn unread_delta_files(change: &ChangeDir, specs_prefix: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = change
        .specs_dir
        .other_markdown
        .iter()
        .filter(|f| delta::parse_plan(&f.text).has_sections())
        .map(|f| {
            let rel = f.path.strip_prefix(specs_prefix).unwrap_or(&f.path).to_owned();
            let capability = match rel.rsplit_once('/') {
                Some((dir, _)) => dir.to_owned(),
                None => rel[..rel.len() - 3].to_owned(),
            };
            (rel, f.path.clone(), format!("{capability}/spec.md"))
        })
        .collect();
    out.sort();
    out
}

/// The task-file lint: tasks written without checkboxes, and (for the
/// built-in schema) numbering that points at the wrong group or repeats.
pub fn task_file_issues(tree: &Tree, change: &ChangeDir) -> Vec<Issue> {
    // The official task-file resolution threw (a tracked file linked out of
    // the change): `collectTaskFileIssues` then reports nothing.
    if change.tracked_escapes {
        return Vec::new();
    }
    let prefix = format!("{}/", change.path);
    let docs: Vec<(String, &str, &str)> = change
        .task_files
        .iter()
        .map(|f| (f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_owned(), f.path.as_str(), f.text.as_str()))
        .collect();
    let mut issues = Vec::new();
    let warn = |path: &str, file: &str, line: usize, message: String| Issue {
        level: Level::Warning,
        path: path.to_owned(),
        file: file.to_owned(),
        line: Some(line),
        message,
    };
    // Only the schema's tracked files are linted for checkboxes, never the
    // bare `tasks.md` fallback.
    if change.tracked && docs.iter().all(|(_, _, text)| tasks::count(text).1 == 0) {
        for (path, file, text) in &docs {
            if let Some(line) = first_list_item_line(text) {
                issues.push(warn(path, file, line, "This change counts as 0 tasks: no line in its tracked task files is a checkbox, so \"openspec list\" and \"openspec status\" report no work and \"openspec archive\" has nothing to flag as incomplete. Write each task as \"- [ ] 1.1 Description\".".into()));
            }
        }
    }
    let builtin = change.schema_resolves && crate::parse::schema::builtin_spec_driven(tree, &change.schema);
    if builtin {
        // Task id → (file, line) where it was first declared.
        let mut first: std::collections::HashMap<String, (String, usize)> = std::collections::HashMap::new();
        for (path, file, text) in &docs {
            let lines: Vec<&str> = text.split('\n').collect();
            if !lines.iter().any(|l| numbered_group(l).is_some()) {
                continue;
            }
            let mut group: Option<&str> = None;
            for (i, line) in lines.iter().enumerate() {
                if is_level_two(line) {
                    group = numbered_group(line);
                }
                let Some(current) = group else { continue };
                let Some(task) = tasks::match_task_line(line) else { continue };
                let Some(id) = tasks::task_number(task.text) else { continue };
                let number = i + 1;
                let task_group = id.split('.').next().unwrap_or_default();
                let strip = |s: &str| {
                    let t = s.trim_start_matches('0');
                    if t.is_empty() { "0".to_owned() } else { t.to_owned() }
                };
                if strip(task_group) != strip(current) {
                    issues.push(warn(path, file, number, format!(
                        "Task \"{id}\" is under group {current}, but its leading number points to group {task_group}. Move it to group {task_group} or renumber it."
                    )));
                }
                if let Some((p, l)) = first.get(id) {
                    let where_ = if p == path { format!("on line {l}") } else { format!("in {p} on line {l}") };
                    issues.push(warn(
                        path,
                        file,
                        number,
                        format!("Task ID \"{id}\" is duplicated; it was first declared {where_}."),
                    ));
                } else {
                    first.insert(id.to_owned(), (path.clone(), number));
                }
            }
        }
    }
    issues
}

/// `^ {0,3}##(?!#)(?:[ \t]+|[ \t]*\r?$)`.
fn is_level_two(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return false;
    }
    let Some(after) = rest.strip_prefix("##") else { return false };
    if after.starts_with('#') {
        return false;
    }
    after.starts_with([' ', '\t'])
        || after
            .trim_start_matches([' ', '\t'])
            .strip_suffix('\r')
            .unwrap_or(after.trim_start_matches([' ', '\t']))
            .is_empty()
}

/// `^ {0,3}##[ \t]+(\d+)\.(?:[ \t]|\r?$)`: the group number.
fn numbered_group(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let after = rest.strip_prefix("##")?;
    let digits_start = after.trim_start_matches([' ', '\t']);
    if digits_start.len() == after.len() {
        return None;
    }
    let n = digits_start.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    let tail = digits_start[n..].strip_prefix('.')?;
    (tail.is_empty() || tail == "\r" || tail.starts_with([' ', '\t'])).then(|| &digits_start[..n])
}

/// 1-based line of the first list item in rendered content: fences, HTML
/// comments, front matter and top-level indented code skipped.
fn first_list_item_line(content: &str) -> Option<usize> {
    let lines: Vec<&str> = content.split('\n').collect();
    let mut fence: Option<(char, usize)> = None;
    let mut in_comment = false;
    let mut index = skip_front_matter(&lines);
    while index < lines.len() {
        let line = lines[index];
        index += 1;
        if in_comment {
            if line.contains("-->") {
                in_comment = false;
            }
            continue;
        }
        if let Some((marker, len, rest)) = fence_line(line) {
            match fence {
                None => fence = Some((marker, len)),
                Some((m, l)) if m == marker && len >= l && js::is_blank(rest) => fence = None,
                _ => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let trimmed = js::trim_start(line);
        if trimmed.starts_with("<!--") {
            let open = line.find("<!--").unwrap_or(0) + 4;
            if !line[open..].contains("-->") {
                in_comment = true;
            }
            continue;
        }
        if tasks::is_list_item(line) && code_indent_columns(line) < 4 {
            return Some(index);
        }
    }
    None
}

/// Leading indentation in columns as the official `indentColumns` counts
/// it: only spaces and tabs (a tab to the next multiple of four); any other
/// character, even JS whitespace such as a BOM or NBSP, ends the indent.
fn code_indent_columns(line: &str) -> usize {
    let mut column = 0;
    for c in line.chars() {
        match c {
            ' ' => column += 1,
            '\t' => column += 4 - column % 4,
            _ => break,
        }
    }
    column
}

/// `^ {0,3}(`{3,}|~{3,})(.*)`.
fn fence_line(line: &str) -> Option<(char, usize, &str)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(marker).len();
    if len < 3 {
        return None;
    }
    let tail = &rest[len..];
    let end = tail.find(js::is_line_terminator).unwrap_or(tail.len());
    Some((marker, len, &tail[..end]))
}

fn skip_front_matter(lines: &[&str]) -> usize {
    let is_delim = |l: &str| {
        let t = js::trim_end(l);
        t == "---"
    };
    let first = lines.first().map(|l| l.strip_prefix('\u{FEFF}').unwrap_or(l));
    if !first.is_some_and(is_delim) {
        return 0;
    }
    (1..lines.len()).find(|&i| is_delim(lines[i])).map_or(0, |i| i + 1)
}

/// The official `describeNestedChange` message.
pub fn describe_nested(name: &str, nested: &[String]) -> String {
    let list = nested.iter().map(|n| format!("openspec/changes/{n}/")).collect::<Vec<_>>().join(", ");
    let example = nested.first().map(|n| n.replace('/', "-")).unwrap_or_default();
    format!(
        "\"{name}\" is not a change: it is a folder wrapping {list}. A change must be a directory directly under openspec/changes/, so those nested directories are invisible to OpenSpec while the folder around them is reported as a change. Nested paths are supported under openspec/specs/ only. Rename each nested change to a flat name (for example \"{example}\")."
    )
}

const GUIDE_MISSING_SPEC_SECTIONS: &str = "Missing required sections. Expected headers: \"## Purpose\" and \"## Requirements\". Example:\n## Purpose\n[brief purpose]\n\n## Requirements\n### Requirement: Clear requirement statement\nUsers SHALL ...\n\n#### Scenario: Descriptive name\n- **WHEN** ...\n- **THEN** ...";
const GUIDE_SCENARIO_FORMAT: &str = "Scenarios must use level-4 headers. Convert bullet lists into:\n#### Scenario: Short name\n- **WHEN** ...\n- **THEN** ...\n- **AND** ...";
const GUIDE_NO_DELTAS: &str = "No deltas found. Ensure your change has a specs/ directory with capability folders (e.g. specs/http-server/spec.md) containing .md files that use delta headers (## ADDED/MODIFIED/REMOVED/RENAMED Requirements) and that each requirement includes at least one \"#### Scenario:\" block. If this change intentionally modifies no specs (pure refactor, tooling, docs), set \"skip_specs: true\" in the change's .openspec.yaml instead. Tip: run \"openspec change show <change-id> --json --deltas-only\" to inspect parsed deltas.";
const PURPOSE_IS_PLACEHOLDER: &str = "Purpose section is still a placeholder rather than a Purpose anyone wrote (the sentence `openspec archive` writes for a new capability, or a `TBD`/`TODO` marker left in its place). Replace it with what this capability is for, editing the main spec directly: a `## Purpose` in a delta is read only when the capability is created, so it cannot replace this one.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_skip_code_and_comments() {
        assert_eq!(
            first_list_item_line(
                "---\ntags:\n- a\n---\n# T\n```\n- code\n```\n<!--\n- hidden\n-->\n    - indented\n- real\n"
            ),
            Some(13)
        );
        assert_eq!(first_list_item_line("no list\n"), None);
    }

    #[test]
    fn list_item_indent_stops_at_other_whitespace() {
        // Official 1.13.2: the BOM ends `indentColumns` at column 0, so this
        // line is a list item (LIST_ITEM's `\s*` skips the BOM), not code.
        assert_eq!(first_list_item_line("\u{FEFF}   + ["), Some(1));
        assert_eq!(first_list_item_line("\u{A0}    - a"), Some(1));
        assert_eq!(first_list_item_line("  \t- a\n"), None);
    }

    fn lint(tasks: &str, schema_resolves: bool, tracked: bool) -> Vec<String> {
        let change = ChangeDir {
            name: "c".into(),
            path: "c".into(),
            schema: "spec-driven".into(),
            schema_resolves,
            tracked,
            task_files: vec![crate::source::SourceFile { path: "c/tasks.md".into(), text: tasks.into() }],
            ..ChangeDir::default()
        };
        task_file_issues(&Tree::default(), &change).into_iter().map(|i| i.message).collect()
    }

    #[test]
    fn task_lint_needs_a_resolved_schema_and_tracked_files() {
        let text = "## 1. A\n- 2.1 plain item\n## 2. B\n- [ ] 1.1 x\n";
        assert_eq!(lint(text, true, true).len(), 1);
        // Official 1.13.2: an invalid `.openspec.yaml` (here `skip_specs: 0x1`)
        // makes schema resolution throw, so neither check runs.
        assert!(lint(text, false, false).is_empty());
        // Untracked fallback `tasks.md` (schema with no tasks artifact): no
        // checkbox warning, but numbering is still checked for spec-driven.
        assert!(lint("- a\n", true, false).is_empty());
        assert_eq!(lint("- a\n", true, true).len(), 1);
    }

    #[test]
    fn level_two_headings() {
        assert!(is_level_two("## 1. Setup"));
        assert!(is_level_two("##"));
        assert!(!is_level_two("### x"));
        assert_eq!(numbered_group("## 12. Ship"), Some("12"));
        assert_eq!(numbered_group("## 1.2 x"), None);
        assert_eq!(numbered_group("## Ship"), None);
    }
}
