//! YAML files: a change's `.openspec.yaml`, the project's `config.yaml` and
//! a workflow schema's `schema.yaml`, read with serde_yaml (YAML 1.2, like the
//! official CLI's `yaml` package: `created: 2025-01-02` stays a string).
//!
//! `.openspec.yaml` is checked the way the official zod schema checks it, so
//! `spec` knows when the official CLI would refuse the file, and with which
//! message. Unknown keys are kept, never fatal.

use crate::model::{Initiative, Metadata, ProjectConfig};
use serde_yaml::Value;

/// A YAML syntax error with its 1-based line, if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Parse YAML text into a value (an empty document is null).
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    serde_yaml::from_str::<Value>(body).map_err(|e| {
        let location = e.location();
        let mut message = e.to_string();
        // serde_yaml appends " at line L column C"; the location is reported separately.
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        YamlError { line: location.as_ref().map(|l| l.line()), column: location.map(|l| l.column()), message }
    })
}

/// What the official CLI's zod schema calls a value's type.
fn received(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
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

fn key<'a>(map: &'a serde_yaml::Mapping, name: &str) -> Option<&'a Value> {
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

/// Field names OpenSpec defines, plus the stacking fields `spec` reads.
const KNOWN: &[&str] = &[
    "schema",
    "created",
    "goal",
    "affected_areas",
    "initiative",
    "skip_specs",
    "retire_capabilities",
    "dependsOn",
    "depends_on",
    "provides",
    "requires",
    "touches",
    "parent",
];

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
    meta.depends_on = string_list(key(map, "dependsOn"));
    meta.depends_on.extend(string_list(key(map, "depends_on")));
    meta.provides = string_list(key(map, "provides"));
    meta.requires = string_list(key(map, "requires"));
    meta.touches = string_list(key(map, "touches"));
    meta.parent = string("parent");
    for (k, v) in map {
        let Some(name) = k.as_str() else { continue };
        if !KNOWN.contains(&name)
            && let Ok(json) = serde_json::to_value(v)
        {
            meta.extra.insert(name.to_owned(), json);
        }
    }
    Ok(meta)
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
/// named by `apply.tracks`, else of the artifact with id `tasks`.
pub fn schema_tracked_glob(text: &str) -> Result<Option<String>, YamlError> {
    let value = parse_value(text)?;
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

/// The `skip_specs` marker as the official `readSkipSpecsMarker` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    NotDeclared,
    Declared,
    /// Mentioned but cannot be honoured, with the reason.
    Invalid(String),
}

/// Read a boolean marker (`skip_specs`, `retire_capabilities`) from
/// `.openspec.yaml` text. `schema_known` says whether a schema name resolves.
pub fn read_marker(text: &str, field: &str, schema_known: impl Fn(&str) -> bool) -> Marker {
    let value = match serde_yaml::from_str::<Value>(text) {
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
            if schema_known(schema) {
                Marker::Declared
            } else {
                Marker::Invalid(format!("schema: unknown schema '{schema}'"))
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
    }

    #[test]
    fn syntax_errors_have_lines() {
        let err = metadata("m", "schema: x\nlist: [a,\n  b: c\n").unwrap_err();
        assert!(err.line.is_some());
    }

    #[test]
    fn skip_specs_marker() {
        let known = |s: &str| s == "spec-driven";
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
        assert_eq!(
            read_marker("skip_specs: true\n", "skip_specs", known),
            Marker::Invalid("schema: Invalid input: expected string, received undefined".into())
        );
    }

    #[test]
    fn schema_tracking() {
        let text = "name: x\nartifacts:\n  - id: plan\n    generates: plan/*.md\n  - id: tasks\n    generates: tasks.md\napply:\n  tracks: plan/*.md\n";
        assert_eq!(schema_tracked_glob(text).unwrap().as_deref(), Some("plan/*.md"));
    }
}
