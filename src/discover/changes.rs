//! Change folders: what the official CLI counts as a change
//! (`looksLikeChange`), namespace folders of nested changes
//! (`findNestedChangesIn`), and reading one change folder to the depth a
//! command needs, with the task files its schema tracks.

use super::read::{Reader, name_of};
use super::specs::scan_change_specs;
use super::{Depth, relative};
use crate::glob::{self, is_glob};
use crate::model::Diagnostic;
use crate::parse::{self, schema};
use crate::source::{ChangeDir, Tree};
use std::fs;
use std::path::Path;

/// Files a change root may hold that mark it as a change.
pub(super) const CHANGE_MARKERS: &[&str] = &[".openspec.yaml", "proposal.md", "tasks.md", "design.md"];

/// `looksLikeChange`: a marker file, any file under `specs/`, or an output
/// of the schema the folder would resolve to (`outputs`; with no
/// `.openspec.yaml`, which is a marker, that is the project's default).
pub(super) fn looks_like_change(dir: &Path, outputs: Option<&[String]>) -> bool {
    CHANGE_MARKERS.iter().any(|m| dir.join(m).is_file())
        || has_any_file(&dir.join("specs"))
        || outputs.is_some_and(|globs| globs.iter().any(|g| output_exists(dir, g)))
}

/// `artifactOutputExists`: a file at the path, or any file matching the glob.
pub(super) fn output_exists(dir: &Path, pattern: &str) -> bool {
    if !is_glob(pattern) {
        return dir.join(pattern).is_file();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .flatten()
        .any(|e| e.file_type().is_file() && glob::matches(pattern, &relative(dir, e.path())))
}

pub(super) fn has_any_file(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else { return false };
    entries.flatten().any(|e| {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            return false;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => has_any_file(&e.path()),
            Ok(_) => true,
            Err(_) => false,
        }
    })
}

/// Nested change folders under a folder that holds no file of its own
/// (`findNestedChangesIn`, up to three levels deep).
pub(super) fn nested_changes(dir: &Path, name: &str, outputs: Option<&[String]>) -> Vec<String> {
    // `findNestedChangesIn` never probes a dot folder (nor `archive`).
    if name.starts_with('.') || looks_like_change(dir, outputs) {
        return Vec::new();
    }
    let own_file = fs::read_dir(dir).map(|entries| {
        entries
            .flatten()
            .any(|e| !e.file_name().to_string_lossy().starts_with('.') && !e.file_type().is_ok_and(|t| t.is_dir()))
    });
    if own_file.unwrap_or(true) {
        return Vec::new();
    }
    let mut found = Vec::new();
    collect_nested(dir, name, 1, outputs, &mut found);
    // Sorted as whole paths (`ns/a-b` before `ns/a/c`), as the official list is.
    found.sort();
    found
}

pub(super) fn collect_nested(
    dir: &Path,
    prefix: &str,
    depth: usize,
    outputs: Option<&[String]>,
    found: &mut Vec<String>,
) {
    if depth > 3 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut children: Vec<_> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| name_of(&e.file_name()))
        .collect();
    children.sort();
    for child in children {
        let path = dir.join(&child);
        let id = format!("{prefix}/{child}");
        if looks_like_change(&path, outputs) {
            found.push(id);
        } else {
            collect_nested(&path, &id, depth + 1, outputs, found);
        }
    }
}

pub(super) fn load_change(
    reader: &Reader,
    tree: &Tree,
    default_schema: &str,
    name: &str,
    dir: &Path,
    archived: bool,
    depth: Depth,
) -> (ChangeDir, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut change = ChangeDir {
        name: name.to_owned(),
        path: reader.rel(dir),
        archived,
        hidden: name.starts_with('.'),
        ..ChangeDir::default()
    };
    change.proposal = reader.read(&dir.join("proposal.md"), &mut problems);
    if depth == Depth::Full {
        change.design = reader.read(&dir.join("design.md"), &mut problems);
    }
    change.metadata = reader.read(&dir.join(".openspec.yaml"), &mut problems);
    // `readChangeMetadata`: a present file must parse, pass the metadata
    // schema and name a listed schema, else schema resolution throws.
    change.parsed_metadata = change.metadata.as_ref().map(|m| parse::yaml::metadata(&m.path, &m.text));
    (change.schema, change.schema_resolves) = schema::for_change(tree, default_schema, change.parsed_metadata.as_ref());
    let glob = if change.schema_resolves { schema::tracked_glob(tree, &change.schema) } else { None };
    // On disk the reader decides what is there (and says why a file that is
    // there cannot be read): a path that is missing reads as nothing.
    let (paths, tracked) = schema::task_files(glob.as_deref(), &|_| true, &|| files_below(dir));
    change.task_files = paths.iter().filter_map(|p| reader.read(&dir.join(p), &mut problems)).collect();
    change.tracked = tracked && !change.task_files.is_empty();
    if tracked && !change.tracked {
        // Tracked files that could not be read: the counters fall back to `tasks.md`.
        change.task_files.extend(reader.read(&dir.join("tasks.md"), &mut problems));
    }
    change.tracked_escapes = glob.as_deref().is_some_and(|pattern| outputs_escape(dir, pattern));
    // Active changes' deltas also for progress: status shows their overlaps.
    if depth == Depth::Full || !archived {
        (change.deltas, change.specs_dir) = scan_change_specs(reader, &dir.join("specs"), &mut problems);
    }
    // A folder with a marker file or spec content is a change; only one
    // without either can be a namespace of nested changes.
    let marked = change.proposal.is_some()
        || change.design.is_some()
        || change.metadata.is_some()
        || change.task_files.iter().any(|f| f.path.ends_with("/tasks.md"))
        || change.specs_dir.has_any_file;
    if !archived && !marked {
        change.nested = nested_changes(dir, name, schema::outputs(tree, default_schema).as_deref());
    }
    (change, problems)
}

/// Whether resolving a schema output under a change folder trips the
/// official `assertPathWithin`: a matching file that is a symlink resolving
/// outside the folder, or a dangling one.
pub(super) fn outputs_escape(dir: &Path, pattern: &str) -> bool {
    // Only a symlink can escape: resolve paths (costly) only for one.
    let escapes = |path: &Path| match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let Ok(base) = fs::canonicalize(dir) else { return false };
            fs::canonicalize(path).map_or(true, |real| !real.starts_with(&base))
        }
        _ => false,
    };
    if !is_glob(pattern) {
        return escapes(&dir.join(pattern));
    }
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .any(|e| e.file_type().is_symlink() && glob::matches(pattern, &relative(dir, e.path())) && escapes(e.path()))
}

/// Every file below `dir` (not folders), as paths relative to it: what a
/// tracked task glob is matched against (`resolveArtifactOutputs` over
/// fast-glob: files only; dot entries only where the pattern names them,
/// which [`glob::matches`] decides).
pub(super) fn files_below(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| relative(dir, e.path()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_folders_are_never_namespace_folders() {
        // Official 1.13.2 `list --json`: `.draft/one/tasks.md` gives `.draft`
        // no `nested` entry, while `ns/one/tasks.md` does.
        let dir = tempfile::tempdir().unwrap();
        for name in [".draft", "ns"] {
            let child = dir.path().join(name).join("one");
            fs::create_dir_all(&child).unwrap();
            fs::write(child.join("tasks.md"), "- [ ] a\n").unwrap();
        }
        assert!(nested_changes(&dir.path().join(".draft"), ".draft", None).is_empty());
        assert_eq!(nested_changes(&dir.path().join("ns"), "ns", None), ["ns/one"]);
    }
    #[test]
    fn schema_outputs_mark_nested_changes() {
        // Official 1.13.2 with config `schema: custom` whose artifact
        // generates `*.md`: `ns/deep/three/notes.md` makes `ns/deep/three` a
        // nested change; without the schema it is nothing. Nested ids are
        // sorted as whole strings.
        let dir = tempfile::tempdir().unwrap();
        for child in ["deep/three", "a/b", "a-c"] {
            let path = dir.path().join("ns").join(child);
            fs::create_dir_all(&path).unwrap();
            fs::write(path.join("notes.md"), "x\n").unwrap();
        }
        let outputs = ["*.md".to_owned()];
        assert_eq!(nested_changes(&dir.path().join("ns"), "ns", Some(&outputs)), ["ns/a-c", "ns/a/b", "ns/deep/three"]);
        assert!(nested_changes(&dir.path().join("ns"), "ns", None).is_empty());
    }
    #[cfg(unix)]
    #[test]
    fn task_file_linked_out_of_its_change() {
        // Official 1.13.2: `tasks.md -> ../other/tasks.md` makes the tracked
        // output resolution throw (`validate` lints no task file, `list`
        // aborts); a link inside the change folder is fine.
        let dir = tempfile::tempdir().unwrap();
        let change = dir.path().join("c");
        fs::create_dir_all(&change).unwrap();
        fs::create_dir_all(dir.path().join("other")).unwrap();
        fs::write(dir.path().join("other/tasks.md"), "- a\n").unwrap();
        fs::write(change.join("real.md"), "- a\n").unwrap();
        std::os::unix::fs::symlink("real.md", change.join("tasks.md")).unwrap();
        assert!(!outputs_escape(&change, "tasks.md"));
        fs::remove_file(change.join("tasks.md")).unwrap();
        std::os::unix::fs::symlink("../other/tasks.md", change.join("tasks.md")).unwrap();
        assert!(outputs_escape(&change, "tasks.md"));
        assert!(outputs_escape(&change, "*.md"));
        fs::remove_file(change.join("tasks.md")).unwrap();
        std::os::unix::fs::symlink("nowhere.md", change.join("tasks.md")).unwrap();
        assert!(outputs_escape(&change, "tasks.md"));
    }
}
