//! Workflow schemas: which schema a name resolves to (the built-in
//! `spec-driven` or a project-local `openspec/schemas/<name>/schema.yaml`),
//! whether it loads, what it generates and which task files it tracks, as
//! the official resolver (`resolveSchemaForChange`, `listSchemas`,
//! `resolveTrackedTasksGlob`) decides it. Pure: the schema files' text comes
//! from the [`Tree`].

use super::yaml;
use crate::source::Tree;

/// `name.replace(/\.ya?ml$/, '')`, as the official schema resolver does.
pub fn strip_yaml_suffix(name: &str) -> &str {
    name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(name)
}

/// Whether a schema name resolves: the built-in `spec-driven` or a
/// project-local `openspec/schemas/<name>/schema.yaml`.
pub fn known(tree: &Tree, name: &str) -> bool {
    name == "spec-driven" || tree.project_schema(name).is_some()
}

/// Whether a schema name is listed and loads, as `readSkipSpecsMarker`
/// checks it (`listSchemas`, then `resolveSchema`), or the official reason
/// it does not (unknown, or a project `schema.yaml` that fails to parse or
/// validate, named by its absolute path).
pub fn resolve(tree: &Tree, name: &str) -> std::result::Result<(), String> {
    if !known(tree, name) {
        return Err(format!("schema: unknown schema '{name}'"));
    }
    let normalized = strip_yaml_suffix(name);
    let Some(file) = tree.project_schema(normalized) else {
        if normalized == "spec-driven" {
            return Ok(());
        }
        let mut available: Vec<&str> =
            tree.schemas.iter().filter(|(_, f)| f.is_some()).map(|(n, _)| n.as_str()).collect();
        available.insert(0, "spec-driven");
        return Err(format!("Schema '{normalized}' not found. Available schemas: {}", available.join(", ")));
    };
    let path = tree.dir.join("openspec").join("schemas").join(normalized).join("schema.yaml");
    match yaml::parse_value(&file.text) {
        Err(e) => Err(format!("Failed to parse schema at '{}': {}", path.display(), e.message)),
        Ok(value) => match yaml::schema_problem(&value) {
            Some(problem) => Err(format!("Invalid schema at '{}': {problem}", path.display())),
            None => Ok(()),
        },
    }
}

/// The outputs (`generates`) of every artifact of a schema that
/// resolves: the built-in `spec-driven` or a valid project schema.
pub fn outputs(tree: &Tree, name: &str) -> Option<Vec<String>> {
    let name = strip_yaml_suffix(name);
    match tree.project_schema(name) {
        Some(file) => yaml::schema_outputs(&file.text),
        None if name == "spec-driven" => {
            Some(["proposal.md", "specs/**/*.md", "design.md", "tasks.md"].map(String::from).to_vec())
        }
        None => None,
    }
}

/// Whether a change resolved to `schema` uses the package's own
/// `spec-driven` schema (`usesBuiltInSpecDrivenSchema`): the name, less a
/// `.yaml`/`.yml` suffix, is `spec-driven` and no project schema shadows it.
pub fn builtin_spec_driven(tree: &Tree, schema: &str) -> bool {
    let name = strip_yaml_suffix(schema);
    name == "spec-driven" && tree.project_schema(name).is_none()
}

/// The tracked task glob of a schema (`resolveTrackedTasksGlob`): a project
/// schema's own, else `tasks.md` for the built-in `spec-driven`; none for a
/// schema that does not resolve.
pub fn tracked_glob(tree: &Tree, schema: &str) -> Option<String> {
    let name = strip_yaml_suffix(schema);
    if let Some(file) = tree.project_schema(name) {
        return yaml::schema_tracked_glob(&file.text).ok().flatten();
    }
    (name == "spec-driven").then(|| "tasks.md".into())
}

/// The project's default schema: `schema:` of `openspec/config.yaml`, else
/// `spec-driven`.
pub fn default_schema(tree: &Tree) -> String {
    tree.config
        .as_ref()
        .and_then(|c| yaml::project_config(&c.path, &c.text).ok())
        .and_then(|c| c.schema)
        .unwrap_or_else(|| "spec-driven".to_owned())
}

/// The schema a change resolves to and whether it resolves
/// (`resolveSchemaForChange` after `readChangeMetadata`): a present
/// `.openspec.yaml` must parse, pass the metadata schema and name a listed
/// schema; without one, the project's default applies.
pub fn for_change(
    tree: &Tree,
    default_schema: &str,
    metadata: Option<&Result<crate::model::Metadata, crate::source::YamlError>>,
) -> (String, bool) {
    let named = match metadata {
        None => Ok(None),
        Some(parsed) => parsed
            .as_ref()
            .ok()
            .filter(|m| m.invalid.is_none() && m.schema.as_deref().is_some_and(|s| known(tree, s)))
            .map(|m| m.schema.clone())
            .ok_or(()),
    };
    let resolves = named.is_ok();
    (named.ok().flatten().unwrap_or_else(|| default_schema.to_owned()), resolves)
}

/// Which of a change folder's files hold its tasks, as the counters read
/// them: the files its schema's tracked `glob` names ([`tracked_glob`];
/// `resolveTaskFilesForChange`: a path, or every file matching a glob,
/// sorted), else a bare `tasks.md`. `files`
/// lists every file of the folder (paths relative to it) and is called only
/// for a glob. The second value says whether the files are tracked ones.
/// Discovery decides on disk with the same rules; history decides with
/// this at every commit, on the schema files of that commit.
pub fn task_files(
    glob: Option<&str>,
    exists: &dyn Fn(&str) -> bool,
    files: &dyn Fn() -> Vec<String>,
) -> (Vec<String>, bool) {
    let tracked: Vec<String> = match glob {
        None => Vec::new(),
        Some(pattern) if !crate::glob::is_glob(pattern) => {
            if exists(pattern) {
                vec![pattern.to_owned()]
            } else {
                Vec::new()
            }
        }
        Some(pattern) => {
            let mut matched: Vec<String> = files().into_iter().filter(|f| crate::glob::matches(pattern, f)).collect();
            matched.sort();
            matched
        }
    };
    if !tracked.is_empty() {
        return (tracked, true);
    }
    (if exists("tasks.md") { vec!["tasks.md".to_owned()] } else { Vec::new() }, false)
}
