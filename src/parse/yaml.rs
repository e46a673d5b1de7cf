//! YAML files: a change's `.openspec.yaml`, the project's `config.yaml` and
//! a workflow schema's `schema.yaml`, read with serde_norway (YAML 1.2, like the
//! official CLI's `yaml` package: `created: 2025-01-02` stays a string).
//!
//! `.openspec.yaml` is checked the way the official zod schema checks it, so
//! `spec` knows when the official CLI would refuse the file, and with which
//! message. Unknown keys are kept, never fatal.

use crate::model::{BareKey, Initiative, Metadata, ProjectConfig};
use crate::source::YamlError;
use serde_norway::Value;
use std::collections::BTreeMap;

/// Parse YAML text into a value (an empty document is null).
///
/// The official CLI's `yaml` package breaks lines at `\n` (and `\r\n`) only:
/// a lone `\r`, U+0085, U+2028 or U+2029 is an ordinary character of the
/// scalar or key it sits in (`schema: spec-driven\r` names the schema
/// `spec-driven\r`). libyaml would break the line there, so each is parsed
/// as a private-use stand-in and put back into every string afterwards.
///
/// The `yaml` package also takes a line of blanks holding a tab, or a
/// comment indented with one, as nothing, where libyaml refuses the tab: such
/// lines are emptied first. A tagged scalar libyaml leaves unresolved (`! x`,
/// `!custom x`) is the plain string the `yaml` package makes of it.
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let untabbed = blank_tab_lines(body);
    let body = untabbed.as_deref().unwrap_or(body);
    if let Some((line, column)) = flow_too_deep(body) {
        // libyaml's scanner is quadratic in flow nesting before serde_norway's
        // recursion limit (128) stops it: `[` × 40,000 took seconds. Refuse
        // what that limit would refuse anyway, in one linear pass.
        return Err(YamlError { line: Some(line), column: Some(column), message: "recursion limit exceeded".into() });
    }
    let parsed = match stand_ins(body) {
        Some(map) => serde_norway::from_str::<Value>(&replace_breaks(body, &map)).map(|v| restore_breaks(v, &map)),
        None => serde_norway::from_str::<Value>(body),
    }
    .map(untag);
    parsed.map_err(|e| {
        let location = e.location();
        let mut message = e.to_string();
        // serde_norway appends " at line L column C"; the location is reported separately.
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        YamlError { line: location.as_ref().map(|l| l.line()), column: location.map(|l| l.column()), message }
    })
}

/// How deep flow collections (`[`, `{`) may nest before the text is refused
/// unread: far above serde_norway's recursion limit (128), so nothing it would
/// accept is refused, low enough that the scan stays linear.
const MAX_FLOW_DEPTH: usize = 1024;

/// The 1-based line and column where `[`/`{` nesting first passes
/// [`MAX_FLOW_DEPTH`], outside quoted scalars and comments; `None` when it
/// never does.
pub(crate) fn flow_too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column, comment) = (line + 1, 0, false);
            previous = c;
            continue;
        }
        match quote {
            _ if comment => {}
            Some('"') if c == '\\' => {
                chars.next();
                column += 1;
            }
            Some('\'') if c == '\'' && chars.peek() == Some(&'\'') => {
                chars.next();
                column += 1;
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '#' if previous.is_whitespace() => comment = true,
                '"' | '\'' => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((line, column));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = c;
    }
    None
}

/// Empty every line that is only blanks and comment with a tab among the
/// blanks; `None` when there is none. The `yaml` package still refuses such a
/// line inside a block scalar, or where a value is pending (`key:` or `-`
/// above it) and the line is the unterminated last one or is followed by a
/// line no deeper than the key; those stay for libyaml to refuse too.
fn blank_tab_lines(text: &str) -> Option<String> {
    let tabbed = |line: &str| {
        let rest = line.trim_start_matches([' ', '\t']);
        let lead = &line[..line.len() - rest.len()];
        lead.contains('\t') && (rest.is_empty() || rest == "\r" || rest.starts_with('#'))
    };
    let mut lines: Vec<&str> = text.split('\n').collect();
    if !lines.iter().any(|l| tabbed(l)) {
        return None;
    }
    let is_content = |l: &str| {
        let t = l.trim_matches([' ', '\t', '\r']);
        !t.is_empty() && !t.starts_with('#')
    };
    let head = |l: &str| l.split(" #").next().unwrap_or_default().trim_end_matches([' ', '\t', '\r']).to_owned();
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let content: Vec<usize> = (0..lines.len()).filter(|&i| is_content(lines[i])).collect();
    let mut block_scalar = false;
    let mut keep = vec![false; lines.len()];
    for i in 0..lines.len() {
        let line = lines[i];
        if is_content(line) {
            let h = head(line);
            let indicator = h.rsplit([' ', '\t']).next().unwrap_or_default();
            let opens = indicator.starts_with(['|', '>'])
                && indicator[1..].chars().all(|c| c == '+' || c == '-' || c.is_ascii_digit());
            if opens {
                block_scalar = true;
            } else if !line.starts_with([' ', '\t']) {
                block_scalar = false;
            }
            continue;
        }
        if !tabbed(line) {
            continue;
        }
        let before = content.iter().rev().find(|&&c| c < i).copied();
        let after = content.iter().find(|&&c| c > i).copied();
        let pending = before.is_some_and(|b| {
            let h = head(lines[b]);
            h.ends_with(':') || h.trim_start() == "-" || h.ends_with(" -")
        });
        let refused = pending
            && match after {
                None => i + 1 == lines.len(),
                Some(a) => indent(lines[a]) <= before.map_or(0, |b| indent(lines[b])),
            };
        keep[i] = block_scalar || refused;
    }
    for (i, line) in lines.iter_mut().enumerate() {
        if tabbed(line) && !keep[i] {
            *line = "";
        }
    }
    Some(lines.join("\n"))
}

/// Tagged values libyaml did not resolve become what the `yaml` package
/// makes of an unknown tag: the scalar as a string.
fn untag(value: Value) -> Value {
    match value {
        Value::Tagged(t) => match t.value {
            Value::Null => Value::String(String::new()),
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Number(n) => Value::String(n.to_string()),
            other => untag(other),
        },
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(untag).collect()),
        Value::Mapping(map) => Value::Mapping(map.into_iter().map(|(k, v)| (untag(k), untag(v))).collect()),
        other => other,
    }
}

/// Characters libyaml (YAML 1.1) breaks lines at but the `yaml` package
/// (YAML 1.2) reads as ordinary text: a lone `\r`, U+0085, U+2028, U+2029.
/// Each present one gets a private-use stand-in absent from the text.
fn stand_ins(text: &str) -> Option<Vec<(char, char)>> {
    let lone_cr = text.match_indices('\r').any(|(i, _)| !text[i + 1..].starts_with('\n'));
    let wanted: Vec<char> = ['\r', '\u{85}', '\u{2028}', '\u{2029}']
        .into_iter()
        .filter(|&c| if c == '\r' { lone_cr } else { text.contains(c) })
        .collect();
    if wanted.is_empty() {
        return None;
    }
    let mut free = ('\u{E000}'..='\u{F8FF}').filter(|c| !text.contains(*c));
    wanted.into_iter().map(|c| free.next().map(|stand_in| (c, stand_in))).collect()
}

fn replace_breaks(text: &str, map: &[(char, char)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let swap =
            if c == '\r' && chars.peek() == Some(&'\n') { None } else { map.iter().find(|(from, _)| *from == c) };
        out.push(swap.map_or(c, |(_, to)| *to));
    }
    out
}

fn restore_breaks(value: Value, map: &[(char, char)]) -> Value {
    let fix = |s: String| {
        map.iter().fold(s, |s, (from, to)| if s.contains(*to) { s.replace(*to, &from.to_string()) } else { s })
    };
    match value {
        Value::String(s) => Value::String(fix(s)),
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(|v| restore_breaks(v, map)).collect()),
        Value::Mapping(m) => {
            Value::Mapping(m.into_iter().map(|(k, v)| (restore_breaks(k, map), restore_breaks(v, map))).collect())
        }
        Value::Tagged(mut t) => {
            t.value = restore_breaks(t.value, map);
            Value::Tagged(t)
        }
        other => other,
    }
}

/// What the official CLI's zod schema calls a value's type.
fn received(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        // zod names a non-finite number by its value.
        Some(Value::Number(n)) if n.as_f64().is_some_and(f64::is_nan) => "NaN",
        Some(Value::Number(n)) if n.as_f64() == Some(f64::INFINITY) => "Infinity",
        Some(Value::Number(n)) if n.as_f64() == Some(f64::NEG_INFINITY) => "-Infinity",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Sequence(_)) => "array",
        Some(Value::Mapping(_)) => "object",
        Some(Value::Tagged(t)) => received(Some(&t.value)),
    }
}

fn expected(path: &str, want: &str, value: Option<&Value>) -> String {
    let issue = format!("Invalid input: expected {want}, received {}", received(value));
    if path.is_empty() { issue } else { format!("{path}: {issue}") }
}

/// `^[a-z0-9]+(-[a-z0-9]+)*$`
pub fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn key<'a>(map: &'a serde_norway::Mapping, name: &str) -> Option<&'a Value> {
    map.get(Value::String(name.to_owned()))
}

/// A list of strings: a sequence of strings, or a single string.
fn string_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_string).collect(),
        _ => Vec::new(),
    }
}

fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Field names OpenSpec defines.
const OFFICIAL: &[&str] =
    &["schema", "created", "goal", "affected_areas", "initiative", "skip_specs", "retire_capabilities"];

/// The stacking fields `spec` reads, each under its names: the `x-` names
/// first (OpenSpec 1.14.2+ reserves top-level `x-` keys for tools, so
/// `validate --strict` passes them), then the bare names of the upstream
/// proposal, which OpenSpec 1.14+ `validate --strict` rejects as unknown.
pub const STACKING: &[Stacking] = &[
    Stacking { field: "dependsOn", tool: &["x-depends-on", "x-dependsOn"], bare: &["dependsOn", "depends_on"] },
    Stacking { field: "provides", tool: &["x-provides"], bare: &["provides"] },
    Stacking { field: "requires", tool: &["x-requires"], bare: &["requires"] },
    Stacking { field: "touches", tool: &["x-touches"], bare: &["touches"] },
    Stacking { field: "parent", tool: &["x-parent"], bare: &["parent"] },
];

/// One stacking field and the keys that declare it.
pub struct Stacking {
    /// The field's name in `spec`'s JSON and graph (`via`).
    pub field: &'static str,
    /// The recommended `x-` keys, kebab case first.
    pub tool: &'static [&'static str],
    /// The bare keys, still read.
    pub bare: &'static [&'static str],
}

impl Stacking {
    fn keys(&self) -> impl Iterator<Item = &'static str> {
        self.tool.iter().chain(self.bare).copied()
    }
}

fn stacking(field: &str) -> &'static Stacking {
    STACKING.iter().find(|s| s.field == field).expect("a stacking field")
}

fn known(name: &str) -> bool {
    OFFICIAL.contains(&name) || STACKING.iter().any(|s| s.keys().any(|k| k == name))
}

/// Parse `.openspec.yaml`. A syntax error is returned as an error; a
/// well-formed file that breaks the official schema is returned with
/// `invalid` set to the first official complaint.
pub fn metadata(path: &str, text: &str) -> Result<Metadata, YamlError> {
    let value = parse_value(text)?;
    let mut meta = Metadata { path: path.to_owned(), ..Metadata::default() };
    meta.invalid = official_problem(&value);
    let Value::Mapping(map) = &value else { return Ok(meta) };
    let string = |name: &str| key(map, name).and_then(scalar_string);
    meta.schema = string("schema");
    meta.created = string("created");
    meta.goal = string("goal");
    meta.affected_areas = string_list(key(map, "affected_areas"));
    meta.skip_specs = key(map, "skip_specs").and_then(Value::as_bool);
    meta.retire_capabilities = key(map, "retire_capabilities").and_then(Value::as_bool);
    if let Some(Value::Mapping(init)) = key(map, "initiative")
        && let (Some(store), Some(id)) =
            (key(init, "store").and_then(scalar_string), key(init, "id").and_then(scalar_string))
    {
        meta.initiative = Some(Initiative { store, id });
    }
    let list = |field: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for value in stacking(field).keys().flat_map(|k| string_list(key(map, k))) {
            if !out.contains(&value) {
                out.push(value);
            }
        }
        out
    };
    meta.depends_on = list("dependsOn");
    meta.provides = list("provides");
    meta.requires = list("requires");
    meta.touches = list("touches");
    meta.parent = stacking("parent").keys().find_map(|k| key(map, k).and_then(scalar_string));
    meta.lines = declared_lines(text, &meta);
    meta.bare_keys = bare_keys(text, map);
    for (k, v) in map {
        let Some(name) = k.as_str() else { continue };
        if !known(name)
            && let Ok(json) = serde_json::to_value(v)
        {
            meta.extra.insert(name.to_owned(), json);
        }
    }
    Ok(meta)
}

/// The line of each declared dependency value: the first line, from the
/// line of the key that declares it on, where the value stands as a whole
/// word (not part of a longer id); else the first line containing it.
fn declared_lines(text: &str, meta: &Metadata) -> BTreeMap<String, usize> {
    let lines: Vec<&str> = text.lines().collect();
    let key_line = |keys: &[&str]| {
        lines
            .iter()
            .position(|l| keys.iter().any(|k| l.trim_start().strip_prefix(k).is_some_and(|r| r.starts_with(':'))))
    };
    let word = |line: &str, value: &str| {
        let id_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
        line.match_indices(value).any(|(at, _)| {
            !line[..at].chars().next_back().is_some_and(id_char)
                && !line[at + value.len()..].chars().next().is_some_and(id_char)
        })
    };
    let mut out = BTreeMap::new();
    let fields: [(&str, Vec<&String>); 3] = [
        ("dependsOn", meta.depends_on.iter().collect()),
        ("requires", meta.requires.iter().collect()),
        ("parent", meta.parent.iter().collect()),
    ];
    for (field, values) in fields {
        let keys: Vec<&str> = stacking(field).keys().collect();
        let from = key_line(&keys).unwrap_or(0);
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            let line = (from..lines.len())
                .find(|&i| word(lines[i], value))
                .or_else(|| lines.iter().position(|l| l.contains(value.as_str())));
            if let Some(i) = line {
                out.entry(value.clone()).or_insert(i + 1);
            }
        }
    }
    out
}

/// The bare stacking keys a file uses, each with its `x-` replacement and
/// the line of the key (top-level keys only).
fn bare_keys(text: &str, map: &serde_norway::Mapping) -> Vec<BareKey> {
    let mut out = Vec::new();
    for field in STACKING {
        for &bare in field.bare {
            if key(map, bare).is_none() {
                continue;
            }
            let line = text
                .lines()
                .position(|l| l.strip_prefix(bare).is_some_and(|r| r.trim_start().starts_with(':')))
                .map(|i| i + 1);
            out.push(BareKey { key: bare.to_owned(), replacement: field.tool[0].to_owned(), line });
        }
    }
    out
}

/// The first issue the official `ChangeMetadataSchema` reports, formatted as
/// `path: message` (or `None` when the value passes).
pub fn official_problem(value: &Value) -> Option<String> {
    let Value::Mapping(map) = value else { return Some(expected("", "object", Some(value))) };
    match key(map, "schema") {
        Some(Value::String(s)) if s.is_empty() => return Some("schema: schema is required".into()),
        Some(Value::String(_)) => {}
        other => return Some(expected("schema", "string", other)),
    }
    match key(map, "created") {
        None => {}
        Some(Value::String(s)) if !is_iso_date(s) => return Some("created: created must be YYYY-MM-DD format".into()),
        Some(Value::String(_)) => {}
        other => return Some(expected("created", "string", other)),
    }
    match key(map, "goal") {
        None => {}
        Some(Value::String(s)) if s.is_empty() => {
            return Some("goal: Too small: expected string to have >=1 characters".into());
        }
        Some(Value::String(_)) => {}
        other => return Some(expected("goal", "string", other)),
    }
    match key(map, "affected_areas") {
        None => {}
        Some(Value::Sequence(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) if s.is_empty() => {
                        return Some(format!("affected_areas.{i}: Too small: expected string to have >=1 characters"));
                    }
                    Value::String(_) => {}
                    other => return Some(expected(&format!("affected_areas.{i}"), "string", Some(other))),
                }
            }
        }
        other => return Some(expected("affected_areas", "array", other)),
    }
    match key(map, "initiative") {
        None => {}
        Some(Value::Mapping(init)) => {
            for (field, label) in [("store", "Store id"), ("id", "Initiative id")] {
                match key(init, field) {
                    Some(Value::String(s)) if !is_kebab(s) => {
                        return Some(format!(
                            "initiative.{field}: {label} must be kebab-case with lowercase letters, numbers, and single hyphen separators"
                        ));
                    }
                    Some(Value::String(_)) => {}
                    other => return Some(expected(&format!("initiative.{field}"), "string", other)),
                }
            }
            if let Some(extra) = init.keys().filter_map(Value::as_str).find(|k| *k != "store" && *k != "id") {
                return Some(format!("initiative: Unrecognized key: \"{extra}\""));
            }
        }
        other => return Some(expected("initiative", "object", other)),
    }
    for field in ["skip_specs", "retire_capabilities"] {
        match key(map, field) {
            None | Some(Value::Bool(_)) => {}
            other => return Some(expected(field, "boolean", other)),
        }
    }
    None
}

/// Parse `openspec/config.yaml`. Bad fields are dropped, as the official CLI
/// drops them; only a syntax error is an error.
pub fn project_config(path: &str, text: &str) -> Result<ProjectConfig, YamlError> {
    let value = parse_value(text)?;
    let mut config = ProjectConfig { path: path.to_owned(), ..ProjectConfig::default() };
    if let Value::Mapping(map) = &value {
        config.schema = key(map, "schema").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        config.context = key(map, "context").and_then(Value::as_str).map(str::to_owned);
    }
    Ok(config)
}

/// The task files a workflow schema tracks: the `generates` of the artifact
/// whose `generates` equals `apply.tracks`, else (no `apply.tracks`) of the
/// artifact with id `tasks`. `None` when the schema is not one the official
/// `parseSchema` accepts, since the official CLI then tracks nothing.
pub fn schema_tracked_glob(text: &str) -> Result<Option<String>, YamlError> {
    let value = parse_value(text)?;
    if !valid_schema(&value) {
        return Ok(None);
    }
    let Value::Mapping(map) = &value else { return Ok(None) };
    let artifacts = match key(map, "artifacts") {
        Some(Value::Sequence(items)) => items.as_slice(),
        _ => &[],
    };
    let generates = |a: &Value| a.get("generates").and_then(Value::as_str).map(str::to_owned);
    let tracks = key(map, "apply").and_then(|a| a.get("tracks")).and_then(Value::as_str);
    Ok(match tracks {
        Some(tracks) => artifacts.iter().filter_map(generates).find(|g| g == tracks),
        None => artifacts.iter().find(|a| a.get("id").and_then(Value::as_str) == Some("tasks")).and_then(generates),
    })
}

/// Every artifact's `generates` of a `schema.yaml` the official
/// `parseSchema` accepts; `None` otherwise.
pub fn schema_outputs(text: &str) -> Option<Vec<String>> {
    let value = parse_value(text).ok()?;
    if !valid_schema(&value) {
        return None;
    }
    let artifacts = value.get("artifacts")?.as_sequence()?;
    Some(artifacts.iter().filter_map(|a| a.get("generates").and_then(Value::as_str).map(str::to_owned)).collect())
}

/// Whether a `schema.yaml` passes the official `parseSchema`.
pub fn valid_schema(value: &Value) -> bool {
    schema_problem(value).is_none()
}

/// Why the official `parseSchema` rejects a parsed `schema.yaml`, in its
/// words: `Invalid schema: <path>: <message>, ...` for every zod issue of
/// `SchemaYamlSchema` (name, positive integer version, 1 to 1000 artifacts
/// with id, relative `generates` and `template`, description; an optional
/// `apply` with at least one `requires`), else the first graph error
/// (duplicate artifact id, unknown `requires` or `apply.requires`
/// reference, dependency cycle). `None` when it loads.
pub fn schema_problem(value: &Value) -> Option<String> {
    let type_issue =
        |want: &str, v: Option<&Value>| format!("Invalid input: expected {want}, received {}", received(v));
    let Value::Mapping(map) = value else {
        return Some(format!("Invalid schema: : {}", type_issue("object", Some(value))));
    };
    let mut issues: Vec<String> = Vec::new();
    let mut push = |path: &str, message: String| issues.push(format!("{path}: {message}"));
    // zod 4 still runs a length check after a type error when the value has
    // a `.length` (an empty array where a string is due, `''` where an array
    // is due), so `min(1)` complains twice.
    let too_short = |v: Option<&Value>| js_length(v).is_some_and(|l| l < 1.0);
    // A string; `required` is the custom `min(1)` message, if any.
    let string_field =
        |path: &str, v: Option<&Value>, required: Option<&str>, push: &mut dyn FnMut(&str, String)| match (v, required)
        {
            (Some(Value::String(s)), Some(message)) if s.is_empty() => push(path, message.to_owned()),
            (Some(Value::String(_)), _) => {}
            (other, _) => {
                push(path, type_issue("string", other));
                if let Some(message) = required.filter(|_| too_short(other)) {
                    push(path, message.to_owned());
                }
            }
        };
    let relative_field = |path: &str, label: &str, v: Option<&Value>, push: &mut dyn FnMut(&str, String)| match v {
        Some(Value::String(s)) if s.is_empty() => push(path, format!("{label} is required")),
        Some(Value::String(s)) if !is_relative_path(s) => {
            push(path, format!("{label} must be a relative path inside its allowed directory"))
        }
        Some(Value::String(_)) => {}
        other => {
            push(path, type_issue("string", other));
            if too_short(other) {
                push(path, format!("{label} is required"));
            }
        }
    };
    let optional_string = |path: &str, v: Option<&Value>, push: &mut dyn FnMut(&str, String)| {
        if !matches!(v, None | Some(Value::String(_))) {
            push(path, type_issue("string", v));
        }
    };
    let string_list = |path: &str, v: Option<&Value>, push: &mut dyn FnMut(&str, String)| match v {
        Some(Value::Sequence(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !matches!(item, Value::String(_)) {
                    push(&format!("{path}.{i}"), type_issue("string", Some(item)));
                }
            }
        }
        other => push(path, type_issue("array", other)),
    };
    string_field("name", key(map, "name"), Some("Schema name is required"), &mut push);
    match key(map, "version") {
        Some(Value::Number(n)) if n.as_f64().is_some_and(f64::is_finite) => {
            const MAX_SAFE: f64 = 9007199254740991.0;
            let v = n.as_f64().unwrap_or_default();
            if v.fract() != 0.0 {
                push("version", "Invalid input: expected int, received number".into());
            } else {
                if v > MAX_SAFE {
                    push("version", "Too big: expected int to be <=9007199254740991".into());
                } else if v < -MAX_SAFE {
                    push("version", "Too small: expected int to be >=-9007199254740991".into());
                }
                if v <= 0.0 {
                    push("version", "Version must be a positive integer".into());
                }
            }
        }
        other => push("version", type_issue("number", other)),
    }
    optional_string("description", key(map, "description"), &mut push);
    let mut graph: Vec<(String, Vec<String>)> = Vec::new();
    match key(map, "artifacts") {
        Some(Value::Sequence(artifacts)) => {
            for (i, artifact) in artifacts.iter().enumerate() {
                let at = |field: &str| format!("artifacts.{i}.{field}");
                let Value::Mapping(a) = artifact else {
                    push(&format!("artifacts.{i}"), type_issue("object", Some(artifact)));
                    continue;
                };
                string_field(&at("id"), key(a, "id"), Some("Artifact ID is required"), &mut push);
                relative_field(&at("generates"), "generates field", key(a, "generates"), &mut push);
                string_field(&at("description"), key(a, "description"), None, &mut push);
                relative_field(&at("template"), "template field", key(a, "template"), &mut push);
                optional_string(&at("instruction"), key(a, "instruction"), &mut push);
                if key(a, "requires").is_some() {
                    string_list(&at("requires"), key(a, "requires"), &mut push);
                }
                let id = key(a, "id").and_then(Value::as_str).unwrap_or_default().to_owned();
                let deps = match key(a, "requires") {
                    Some(Value::Sequence(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                    _ => Vec::new(),
                };
                graph.push((id, deps));
            }
            if artifacts.is_empty() {
                push("artifacts", "At least one artifact required".into());
            } else if artifacts.len() > 1000 {
                push("artifacts", "A schema may declare at most 1000 artifacts".into());
            }
        }
        other => {
            push("artifacts", type_issue("array", other));
            match js_length(other) {
                Some(l) if l < 1.0 => push("artifacts", "At least one artifact required".into()),
                Some(l) if l > 1000.0 => push("artifacts", "A schema may declare at most 1000 artifacts".into()),
                _ => {}
            }
        }
    }
    let mut apply_requires: Vec<String> = Vec::new();
    match key(map, "apply") {
        None => {}
        Some(Value::Mapping(apply)) => {
            let requires = key(apply, "requires");
            string_list("apply.requires", requires, &mut push);
            if too_short(requires) {
                push("apply.requires", "At least one required artifact".into());
            }
            if let Some(Value::Sequence(items)) = requires {
                apply_requires = items.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            }
            match key(apply, "tracks") {
                None | Some(Value::Null) => {}
                tracks => relative_field("apply.tracks", "apply.tracks", tracks, &mut push),
            }
            optional_string("apply.instruction", key(apply, "instruction"), &mut push);
        }
        other => push("apply", type_issue("object", other)),
    }
    if !issues.is_empty() {
        return Some(format!("Invalid schema: {}", issues.join(", ")));
    }
    graph_problem(&graph, &apply_requires)
}

/// What JavaScript's `value.length` is for a YAML value, as a number: a
/// string's UTF-16 length, an array's length, an object's `length` key
/// coerced; `None` where it is undefined (or `null`/`undefined` itself).
fn js_length(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::String(s) => Some(s.encode_utf16().count() as f64),
        Value::Sequence(items) => Some(items.len() as f64),
        Value::Mapping(map) => match key(map, "length")? {
            Value::Number(n) => n.as_f64(),
            Value::Null => Some(0.0),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            Value::String(s) if s.trim().is_empty() => Some(0.0),
            Value::String(s) => Some(s.trim().parse().unwrap_or(f64::NAN)),
            _ => None,
        },
        _ => None,
    }
}

/// `validateNoDuplicateIds`, `validateRequiresReferences`,
/// `validateApplyReferences` and `validateNoCycles`, in that order.
fn graph_problem(graph: &[(String, Vec<String>)], apply_requires: &[String]) -> Option<String> {
    let ids: Vec<&str> = graph.iter().map(|(id, _)| id.as_str()).collect();
    if let Some(i) = (0..ids.len()).find(|&i| ids[..i].contains(&ids[i])) {
        return Some(format!("Duplicate artifact ID: {}", ids[i]));
    }
    for (id, deps) in graph {
        if let Some(dep) = deps.iter().find(|d| !ids.contains(&d.as_str())) {
            return Some(format!("Invalid dependency reference in artifact '{id}': '{dep}' does not exist"));
        }
    }
    if let Some(dep) = apply_requires.iter().find(|d| !ids.contains(&d.as_str())) {
        return Some(format!(
            "Invalid apply.requires reference: '{dep}' does not exist (artifacts: {})",
            ids.join(", ")
        ));
    }
    find_cycle(graph).map(|cycle| format!("Cyclic dependency detected: {}", cycle.join(" \u{2192} ")))
}

/// The first dependency cycle a depth-first walk in artifact order meets,
/// spelled as the official `validateNoCycles` spells it (`a → b → a`).
fn find_cycle(graph: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    struct Walk<'a> {
        graph: &'a [(String, Vec<String>)],
        visited: Vec<&'a str>,
        stack: Vec<&'a str>,
        parent: Vec<(&'a str, &'a str)>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, id: &'a str) -> Option<Vec<String>> {
            self.visited.push(id);
            self.stack.push(id);
            let deps = self.graph.iter().find(|(n, _)| n == id).map(|(_, d)| d.as_slice()).unwrap_or_default();
            for dep in deps {
                let dep = dep.as_str();
                if !self.visited.contains(&dep) {
                    self.parent.push((dep, id));
                    if let Some(cycle) = self.visit(dep) {
                        return Some(cycle);
                    }
                } else if self.stack.contains(&dep) {
                    let mut path = vec![dep.to_owned()];
                    let mut current = id;
                    while current != dep {
                        path.insert(0, current.to_owned());
                        current = self.parent.iter().rev().find(|(c, _)| *c == current).map_or(dep, |(_, p)| p);
                    }
                    path.insert(0, dep.to_owned());
                    return Some(path);
                }
            }
            self.stack.retain(|s| *s != id);
            None
        }
    }
    let mut walk = Walk { graph, visited: Vec::new(), stack: Vec::new(), parent: Vec::new() };
    for (id, _) in graph {
        if !walk.visited.contains(&id.as_str())
            && let Some(cycle) = walk.visit(id)
        {
            return Some(cycle);
        }
    }
    None
}

/// `relativePathSchema`: non-empty, not absolute (POSIX, Windows or a drive
/// letter), no `..` segment, no NUL.
fn is_relative_path(path: &str) -> bool {
    let drive = path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && path.as_bytes().get(1) == Some(&b':');
    !path.is_empty()
        && !path.starts_with(['/', '\\'])
        && !drive
        && !path.split(['/', '\\']).any(|segment| segment == "..")
        && !path.contains('\0')
}

/// The `skip_specs` marker as the official `readSkipSpecsMarker` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    NotDeclared,
    Declared,
    /// Mentioned but cannot be honoured, with the reason.
    Invalid(String),
}

/// Read a boolean marker (`skip_specs`, `retire_capabilities`) from
/// `.openspec.yaml` text. `resolve` says whether a schema name is listed and
/// loads (`listSchemas` then `resolveSchema`), or why not.
pub fn read_marker(text: &str, field: &str, resolve: impl Fn(&str) -> Result<(), String>) -> Marker {
    let value = match parse_value(text) {
        Ok(v) => v,
        Err(_) => {
            return if mentions(text, field) {
                Marker::Invalid("the file is not valid YAML".into())
            } else {
                Marker::NotDeclared
            };
        }
    };
    match official_problem(&value) {
        None => {
            let map = value.as_mapping().expect("validated as a mapping");
            if key(map, field) != Some(&Value::Bool(true)) {
                return Marker::NotDeclared;
            }
            let schema = key(map, "schema").and_then(Value::as_str).unwrap_or_default();
            match resolve(schema) {
                Ok(()) => Marker::Declared,
                Err(reason) => Marker::Invalid(sanitize(&reason)),
            }
        }
        Some(problem) => {
            let mentioned = value.as_mapping().and_then(|m| key(m, field)).is_some_and(|v| v != &Value::Bool(false));
            if mentioned { Marker::Invalid(sanitize(&problem)) } else { Marker::NotDeclared }
        }
    }
}

/// `^\s*(['"]?)field\1\s*:` on any line.
fn mentions(text: &str, field: &str) -> bool {
    text.split(['\n', '\r', '\u{2028}', '\u{2029}']).any(|line| {
        let rest = crate::parse::js::trim_start(line);
        let (quote, rest) = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => (Some(q), &rest[1..]),
            _ => (None, rest),
        };
        let Some(rest) = rest.strip_prefix(field) else { return false };
        let rest = match quote {
            Some(q) => match rest.strip_prefix(q) {
                Some(r) => r,
                None => return false,
            },
            None => rest,
        };
        crate::parse::js::trim_start(rest).starts_with(':')
    })
}

/// Control characters never reach a terminal.
fn sanitize(s: &str) -> String {
    s.chars().map(|c| if (c as u32) < 0x20 || c == '\u{7f}' { '?' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_values_keep_their_lines() {
        // `a` also stands inside `schema` and `spec-driven`: only the word
        // under its key counts.
        let text = "schema: spec-driven\ngoal: a plan\ndependsOn:\n  - a\n  - add-x\nrequires: [api]\nparent: add\n";
        let meta = metadata(".openspec.yaml", text).unwrap();
        let line = |v: &str| meta.lines.get(v).copied();
        assert_eq!((line("a"), line("add-x"), line("api"), line("add")), (Some(4), Some(5), Some(6), Some(7)));
        let flow = metadata("m.yaml", "depends_on: [x, y]\n").unwrap();
        assert_eq!((flow.lines.get("x"), flow.lines.get("y")), (Some(&1), Some(&1)));
    }

    #[test]
    fn official_fields_and_stacking() {
        let text = "schema: spec-driven\ncreated: 2025-01-02\ndependsOn: [a, b]\nparent: p\nowner: me\n";
        let meta = metadata(".openspec.yaml", text).unwrap();
        assert_eq!(meta.created.as_deref(), Some("2025-01-02"));
        assert_eq!(meta.depends_on, ["a", "b"]);
        assert_eq!(meta.parent.as_deref(), Some("p"));
        assert_eq!(meta.extra["owner"], serde_json::json!("me"));
        assert_eq!(meta.invalid, None);
    }

    #[test]
    fn tool_keys_are_read_and_bare_keys_named() {
        let text = "schema: spec-driven\nx-depends-on: [a]\nx-dependsOn: b\nx-provides: [api]\nx-requires: [db]\nx-touches: [m.nix]\nx-parent: p\nx-owner: me\n";
        let meta = metadata(".openspec.yaml", text).unwrap();
        assert_eq!(meta.depends_on, ["a", "b"]);
        assert_eq!(
            (meta.provides.as_slice(), meta.requires.as_slice()),
            (&["api".to_owned()][..], &["db".to_owned()][..])
        );
        assert_eq!((meta.touches.as_slice(), meta.parent.as_deref()), (&["m.nix".to_owned()][..], Some("p")));
        assert_eq!((meta.lines.get("a"), meta.lines.get("db")), (Some(&2), Some(&5)));
        assert!(meta.bare_keys.is_empty());
        // Another tool's `x-` key is kept, not read.
        assert_eq!(meta.extra.keys().collect::<Vec<_>>(), ["x-owner"]);
        assert_eq!(meta.invalid, None);

        let bare = metadata("m.yaml", "schema: s\ndependsOn: [a]\nx-depends-on: [a, c]\nparent: p\n").unwrap();
        assert_eq!(bare.depends_on, ["a", "c"], "the same id under two keys is one dependency");
        let named: Vec<_> = bare.bare_keys.iter().map(|b| (b.key.as_str(), b.replacement.as_str(), b.line)).collect();
        assert_eq!(named, [("dependsOn", "x-depends-on", Some(2)), ("parent", "x-parent", Some(4))]);
    }

    #[test]
    fn zod_messages() {
        let check = |t: &str| official_problem(&parse_value(t).unwrap());
        assert_eq!(check("{}").unwrap(), "schema: Invalid input: expected string, received undefined");
        assert_eq!(check("schema: ''").unwrap(), "schema: schema is required");
        assert_eq!(check("schema: x\ncreated: 2024-1-1").unwrap(), "created: created must be YYYY-MM-DD format");
        assert_eq!(
            check("schema: x\nskip_specs: 'yes'").unwrap(),
            "skip_specs: Invalid input: expected boolean, received string"
        );
        assert_eq!(check("[]").unwrap(), "Invalid input: expected object, received array");
        assert_eq!(check("").unwrap(), "Invalid input: expected object, received null");
        assert_eq!(
            check("schema: x\ninitiative: {store: a, id: b, x: 1}").unwrap(),
            "initiative: Unrecognized key: \"x\""
        );
        assert_eq!(check("schema: x\nskip_specs: true"), None);
        // Official 1.13.2 (zod 4.6): non-finite numbers are named by value.
        assert_eq!(
            check("schema: x\nskip_specs: .inf").unwrap(),
            "skip_specs: Invalid input: expected boolean, received Infinity"
        );
        assert_eq!(
            check("schema: x\nskip_specs: -.inf").unwrap(),
            "skip_specs: Invalid input: expected boolean, received -Infinity"
        );
        assert_eq!(
            check("schema: x\nskip_specs: .nan").unwrap(),
            "skip_specs: Invalid input: expected boolean, received NaN"
        );
    }

    #[test]
    fn lone_carriage_returns_are_not_line_breaks() {
        // Official 1.13.2 (`yaml` 2.9): `\r` alone stays inside the scalar.
        let value = parse_value("schema: spec-driven\r").unwrap();
        assert_eq!(key(value.as_mapping().unwrap(), "schema"), Some(&Value::String("spec-driven\r".into())));
        assert!(parse_value("schema: spec-driven\rskip_specs: true").is_err());
        let value = parse_value("\rskip_specs: true\r\nschema: x\r\n").unwrap();
        assert!(key(value.as_mapping().unwrap(), "\rskip_specs").is_some());
        assert_eq!(key(value.as_mapping().unwrap(), "schema"), Some(&Value::String("x".into())));
        // Nor are U+0085, U+2028 and U+2029 (YAML 1.1 breaks, not 1.2 ones).
        assert_eq!(parse_value("skip_specs:\u{2028}").unwrap(), Value::String("skip_specs:\u{2028}".into()));
        let value = parse_value("a: x\u{85}y\n").unwrap();
        assert_eq!(key(value.as_mapping().unwrap(), "a"), Some(&Value::String("x\u{85}y".into())));
    }

    #[test]
    fn tab_blank_lines_and_unknown_tags() {
        // Official 1.13.2 (`yaml` 2.9) accepts all three; libyaml refuses the tabs.
        let map = |t: &str| parse_value(t).unwrap().as_mapping().cloned().unwrap();
        assert_eq!(map("a: 1\n\t\nb: 2").len(), 2);
        assert_eq!(map("a: x\n\t# comment\n").len(), 1);
        // ...but not as the indentation of a value still pending at the end,
        // nor inside a block scalar.
        assert!(parse_value("d:\n\t").is_err());
        assert!(parse_value("d:\n\t\nx: 1").is_err());
        assert_eq!(map("d:\n\t\n").len(), 1);
        assert_eq!(map("a:\n\t\n  b: 1").len(), 1);
        assert!(parse_value("a: |\n  x\n\t\n").is_err());
        assert_eq!(key(&map("schema: ! spec-driven\n"), "schema"), Some(&Value::String("spec-driven".into())));
        assert_eq!(key(&map("a: !custom 1\n"), "a"), Some(&Value::String("1".into())));
        assert_eq!(
            read_marker("schema: x\ty\nskip_specs: true\n", "skip_specs", builtin_only),
            Marker::Invalid("schema: unknown schema 'x?y'".into())
        );
    }

    #[test]
    fn syntax_errors_have_lines() {
        let err = metadata("m", "schema: x\nlist: [a,\n  b: c\n").unwrap_err();
        assert!(err.line.is_some());
    }

    fn builtin_only(name: &str) -> Result<(), String> {
        if name == "spec-driven" { Ok(()) } else { Err(format!("schema: unknown schema '{name}'")) }
    }

    #[test]
    fn skip_specs_marker() {
        let known = builtin_only;
        assert_eq!(read_marker("schema: spec-driven\nskip_specs: true\n", "skip_specs", known), Marker::Declared);
        assert_eq!(read_marker("schema: spec-driven\n", "skip_specs", known), Marker::NotDeclared);
        assert_eq!(
            read_marker("schema: other\nskip_specs: true\n", "skip_specs", known),
            Marker::Invalid("schema: unknown schema 'other'".into())
        );
        assert_eq!(
            read_marker("skip_specs: [\n", "skip_specs", known),
            Marker::Invalid("the file is not valid YAML".into())
        );
        assert_eq!(read_marker("a: [\n", "skip_specs", known), Marker::NotDeclared);
        // Official 1.13.2: the `yaml` package reads a leading BOM as nothing.
        assert_eq!(
            read_marker("\u{FEFF}schema: spec-driven\nskip_specs: true\n", "skip_specs", known),
            Marker::Declared
        );
        assert_eq!(
            read_marker("skip_specs: true\n", "skip_specs", known),
            Marker::Invalid("schema: Invalid input: expected string, received undefined".into())
        );
    }

    #[test]
    fn deep_flow_nesting_is_refused_in_one_pass() {
        let deep = format!("schema: spec-driven\nx: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        let e = parse_value(&deep).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (Some(2), "recursion limit exceeded"));
        // Brackets in quotes and comments do not count; shallow nesting parses.
        let quoted = format!(
            "a: '{}'\nb: \"{}\" # {}\nc: [[1], {{d: [2]}}]\n",
            "[".repeat(2000),
            "{".repeat(2000),
            "[".repeat(2000)
        );
        assert!(parse_value(&quoted).is_ok());
        assert_eq!(flow_too_deep(&quoted), None);
    }

    #[test]
    fn schema_tracking() {
        let schema = |artifacts: &str, apply: &str| format!("name: x\nversion: 1\nartifacts:\n{artifacts}{apply}");
        let plan = "  - id: plan\n    generates: plan/*.md\n    description: d\n    template: t.md\n";
        let tasks =
            "  - id: tasks\n    generates: tasks.md\n    description: d\n    template: t.md\n    requires: [plan]\n";
        let both = format!("{plan}{tasks}");
        let glob = |text: String| schema_tracked_glob(&text).unwrap();
        assert_eq!(
            glob(schema(&both, "apply:\n  requires: [tasks]\n  tracks: plan/*.md\n")).as_deref(),
            Some("plan/*.md")
        );
        assert_eq!(glob(schema(&both, "")).as_deref(), Some("tasks.md"));
        // `apply.tracks` matching no `generates` tracks nothing (no fallback).
        assert_eq!(glob(schema(&both, "apply:\n  requires: [tasks]\n  tracks: x.md\n")), None);
        // Official 1.13.2 `parseSchema` rejects each of these, so nothing is tracked.
        assert_eq!(glob(schema(&both, "apply:\n  requires: []\n")), None);
        assert_eq!(glob(schema(&both.replace("template: t.md\n    requires", "requires"), "")), None);
        assert_eq!(glob(schema(&both.replace("[plan]", "[nope]"), "")), None);
        assert_eq!(glob(schema(&format!("{both}{tasks}"), "")), None);
        assert_eq!(glob(schema(&both.replace("tasks.md\n", "../tasks.md\n"), "")), None);
        assert_eq!(
            glob(schema(&format!("{}{tasks}", plan.replace("t.md\n", "t.md\n    requires: [tasks]\n")), "")),
            None
        );
        assert_eq!(glob(schema(&both, "").replace("version: 1", "version: 1.5")), None);
        assert_eq!(glob(schema(&both, "").replace("version: 1", "version: 2.0")).as_deref(), Some("tasks.md"));
    }

    #[test]
    fn schema_problems_in_official_words() {
        // Each message as official 1.13.2 `parseSchema` (zod 4.6) words it.
        let problem = |t: &str| schema_problem(&parse_value(t).unwrap());
        let art = "artifacts:\n  - id: a\n    generates: a.md\n    description: d\n    template: t.md\n";
        assert_eq!(problem("").unwrap(), "Invalid schema: : Invalid input: expected object, received null");
        assert_eq!(
            problem("name: x").unwrap(),
            "Invalid schema: version: Invalid input: expected number, received undefined, artifacts: Invalid input: expected array, received undefined"
        );
        assert_eq!(
            problem(&format!("name: x\nversion: -1.5\n{art}")).unwrap(),
            "Invalid schema: version: Invalid input: expected int, received number"
        );
        assert_eq!(
            problem(&format!("name: ''\nversion: 9007199254740993\n{art}")).unwrap(),
            "Invalid schema: name: Schema name is required, version: Too big: expected int to be <=9007199254740991"
        );
        assert_eq!(
            problem(
                "name: x\nversion: 1\nartifacts:\n  - id: ''\n    generates: ''\n    template: ../t\n    requires: [1]"
            )
            .unwrap(),
            "Invalid schema: artifacts.0.id: Artifact ID is required, artifacts.0.generates: generates field is required, artifacts.0.description: Invalid input: expected string, received undefined, artifacts.0.template: template field must be a relative path inside its allowed directory, artifacts.0.requires.0: Invalid input: expected string, received number"
        );
        assert_eq!(
            problem(&format!("name: x\nversion: 1\n{art}apply: {{requires: [], tracks: /x}}")).unwrap(),
            "Invalid schema: apply.requires: At least one required artifact, apply.tracks: apply.tracks must be a relative path inside its allowed directory"
        );
        assert_eq!(
            problem(&format!("name: x\nversion: 1\n{art}apply: {{requires: [b]}}")).unwrap(),
            "Invalid apply.requires reference: 'b' does not exist (artifacts: a)"
        );
        let cyclic = "name: x\nversion: 1\nartifacts:\n  - id: a\n    generates: a.md\n    description: d\n    template: t\n    requires: [b]\n  - id: b\n    generates: a.md\n    description: d\n    template: t\n    requires: [a]";
        assert_eq!(problem(cyclic).unwrap(), "Cyclic dependency detected: a \u{2192} b \u{2192} a");
        assert_eq!(problem(&format!("name: x\nversion: 2.0\n{art}")), None);
        // zod 4 runs `min(1)` on anything with a `.length` after a type error.
        assert_eq!(
            problem(&format!("name: []\nversion: 1\n{art}apply:\n  requires: ''\n  tracks: {{length: 0}}\n")).unwrap(),
            "Invalid schema: name: Invalid input: expected string, received array, name: Schema name is required, apply.requires: Invalid input: expected array, received string, apply.requires: At least one required artifact, apply.tracks: Invalid input: expected string, received object, apply.tracks: apply.tracks is required"
        );
    }
}
