//! Rust side of the differential tester (`tools/difftest/`): reads JSON lines
//! `{"kind": ..., "text": ...}` on stdin and prints, per line, what the `spec`
//! library makes of the text, in the same JSON shape as
//! `tools/difftest/official.mjs` prints for the official CLI.
//!
//! ```text
//! cargo run --release --example difftest < cases.jsonl
//! ```

use serde_json::{Value, json};
use spec::analyse::validate;
use spec::parse::spec::RequirementBlock;
use spec::parse::{delta, markdown, spec as spec_parse, tasks, yaml};
use spec::source::{ChangeDir, SourceFile, Tree};
use std::io::{BufRead, Write};

fn delta_block(block: &RequirementBlock) -> Value {
    let body = delta::block_body(&block.raw);
    let scenarios = markdown::scenario_blocks(&body);
    let full = scenarios.iter().filter(|s| !spec::parse::js::is_blank(&s.body)).count();
    json!([block.name, block.raw, markdown::requirement_body(&body), full, scenarios.len() - full])
}

/// A YAML value as the `yaml` package hands it to JavaScript: mapping keys
/// become strings, tags are dropped.
fn yaml_json(value: &serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => json!(b),
        Y::Number(n) => n.as_i64().map(|i| json!(i)).or_else(|| n.as_f64().map(|f| json!(f))).unwrap_or(Value::Null),
        Y::String(s) => json!(s),
        Y::Sequence(items) => Value::Array(items.iter().map(yaml_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match yaml_json(k) {
                        Value::String(s) => s,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (key, yaml_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => yaml_json(&t.value),
    }
}

/// What `spec list --json`, `list --specs --json` and `check --json` report
/// for a tree given as `{"files": {path: text, "dir/": ""}}`.
fn tree(text: &str) -> Value {
    let case: Value = serde_json::from_str(text).expect("tree case");
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, content) in case["files"].as_object().expect("files") {
        let path = dir.path().join(rel);
        if rel.ends_with('/') {
            std::fs::create_dir_all(&path).expect("mkdir");
            continue;
        }
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content.as_str().unwrap_or_default()).expect("write");
    }
    std::fs::create_dir_all(dir.path().join("openspec")).expect("mkdir");
    let tree = spec::discover::load(dir.path(), ".").expect("load");
    let (project, _) = spec::parse::project(&tree);
    let mut changes = serde_json::Map::new();
    for c in project.changes.iter().filter(|c| !c.archived) {
        let status = match c.status {
            spec::model::ChangeStatus::Draft => "no-tasks",
            other => other.as_str(),
        };
        let nested = if c.nested.is_empty() { Value::Null } else { json!(c.nested) };
        changes.insert(c.id.clone(), json!([c.tasks.done, c.tasks.total, status, nested]));
    }
    let specs: serde_json::Map<String, Value> =
        project.specs.iter().map(|s| (s.id.clone(), json!(s.requirements.len()))).collect();
    // Messages may name files by absolute path: compare them root-relative.
    let root = dir.path().display().to_string();
    let items: serde_json::Map<String, Value> = validate::validate_all(&tree, false)
        .into_iter()
        .map(|mut r| {
            for i in &mut r.issues {
                i.message = i.message.replace(&root, "<root>");
            }
            (format!("{}/{}", r.kind.as_str(), r.id), json!([r.valid, r.issues.iter().map(issue).collect::<Vec<_>>()]))
        })
        .collect();
    json!({ "changes": changes, "specs": specs, "items": items })
}

fn issue(i: &validate::Issue) -> Value {
    json!([i.level, i.path, i.message, i.line])
}

fn run(kind: &str, text: &str) -> Value {
    match kind {
        "tasks" => {
            let found: Vec<Value> =
                text.split('\n').filter_map(tasks::match_task_line).map(|t| json!([t.done(), t.text])).collect();
            json!({ "tasks": found })
        }
        "spec" => {
            let spec = spec_parse::parse("x", "x/spec.md", text);
            match spec.parse_error {
                Some(error) => json!({ "error": error }),
                None => json!({
                    "overview": spec.purpose.unwrap_or_default(),
                    "reqs": spec.requirements.iter().map(|r| json!([r.text, r.scenarios.iter().map(|s| &s.text).collect::<Vec<_>>()])).collect::<Vec<_>>(),
                }),
            }
        }
        "delta" => {
            let p = delta::parse_plan(text);
            json!({
                "added": p.added.iter().map(delta_block).collect::<Vec<_>>(),
                "modified": p.modified.iter().map(delta_block).collect::<Vec<_>>(),
                "removed": p.removed.iter().map(|r| &r.name).collect::<Vec<_>>(),
                "removedBlocks": p.removed_blocks.iter().map(|b| json!([b.name, b.raw])).collect::<Vec<_>>(),
                "renamed": p.renamed.iter().map(|r| json!([r.from, r.to])).collect::<Vec<_>>(),
                "unpaired": p.unpaired_renames.iter().map(|u| json!([u.side, u.name, u.line])).collect::<Vec<_>>(),
                "orphans": p.orphans.iter().map(|o| json!([o.name, o.section, o.line])).collect::<Vec<_>>(),
                "skipped": p.skipped_headers.iter().map(|s| json!([s.header, s.section, s.line])).collect::<Vec<_>>(),
                "presence": p.presence,
            })
        }
        "structure" => {
            let issues: Vec<Value> =
                spec_parse::structure_issues(text).iter().map(|i| json!([i.line, i.message])).collect();
            json!({ "issues": issues })
        }
        "reqblocks" => {
            let blocks: Vec<Value> =
                spec_parse::requirement_blocks(text).iter().map(|b| json!([b.name, b.raw])).collect();
            json!({ "blocks": blocks })
        }
        "specval" => {
            let report = validate::validate_spec("x", "x/spec.md", text, false);
            json!({ "valid": report.valid, "issues": report.issues.iter().map(issue).collect::<Vec<_>>() })
        }
        "placeholder" => {
            let spec = spec_parse::parse("x", "x/spec.md", text);
            if spec.parse_error.is_some() {
                return json!({ "placeholder": null });
            }
            let overview = spec.purpose.unwrap_or_default();
            json!({ "placeholder": spec_parse::purpose_placeholder(&overview, text).map(|line| json!([line])) })
        }
        "tasklint" => {
            let tree = Tree::default();
            let change = ChangeDir {
                name: "c".into(),
                path: "c".into(),
                schema: "spec-driven".into(),
                schema_resolves: true,
                tracked: true,
                task_files: vec![SourceFile { path: "c/tasks.md".into(), text: text.to_owned() }],
                ..ChangeDir::default()
            };
            let issues: Vec<Value> =
                validate::task_file_issues(&tree, &change).iter().map(|i| json!([i.path, i.line, i.message])).collect();
            json!({ "issues": issues })
        }
        "scenarionames" => json!({ "names": spec::analyse::merge::scenario_names(text) }),
        "marker" => match yaml::read_marker(text, "skip_specs", |s| {
            if s == "spec-driven" { Ok(()) } else { Err(format!("schema: unknown schema '{s}'")) }
        }) {
            yaml::Marker::NotDeclared => json!({ "declared": false, "invalid": null }),
            yaml::Marker::Declared => json!({ "declared": true, "invalid": null }),
            yaml::Marker::Invalid(reason) => json!({ "declared": false, "invalid": reason }),
        },
        "metadata" => {
            let meta = yaml::metadata(".openspec.yaml", text)
                .ok()
                .filter(|m| m.invalid.is_none() && m.schema.as_deref() == Some("spec-driven"));
            match meta {
                Some(m) => json!({ "resolves": true, "schema": m.schema }),
                None => json!({ "resolves": false, "schema": null }),
            }
        }
        "yaml" => match yaml::parse_value(text) {
            Ok(value) => json!({ "value": yaml_json(&value) }),
            Err(_) => json!({ "error": true }),
        },
        "schema" => {
            let problem = match yaml::parse_value(text) {
                Ok(value) => yaml::schema_problem(&value),
                Err(_) => Some("<YAML syntax error>".to_owned()),
            };
            json!({
                "valid": problem.is_none(),
                "tracked": yaml::schema_tracked_glob(text).ok().flatten(),
                "problem": problem,
            })
        }
        "tree" => tree(text),
        "name" => json!({
            "normalized": markdown::normalize_requirement_name(text),
            "folded": markdown::fold_requirement_name(text),
        }),
        other => json!({ "unknown": other }),
    }
}

fn main() {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin is UTF-8");
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = serde_json::from_str(&line).expect("a JSON case per line");
        let kind = case["kind"].as_str().unwrap_or_default();
        let text = case["text"].as_str().unwrap_or_default();
        let result = run(kind, text);
        writeln!(out, "{result}").expect("stdout");
    }
}
