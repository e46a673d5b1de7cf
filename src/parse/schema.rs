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
