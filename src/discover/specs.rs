//! Spec files: the main specs under `openspec/specs/` and a change's delta
//! specs under its `specs/`, found as the official `discoverSpecFiles`
//! finds them (dot entries skipped, symlinked folders not followed), with
//! the facts about a change's `specs/` folder that validation needs.

use super::read::{Reader, name_of, unreadable};
use crate::model::Diagnostic;
use crate::source::{SpecFile, SpecsDir};
use std::fs;
use std::io;
use std::path::Path;

/// Every `spec.md` at depth ≥ 1 under `specs_root` (`discoverSpecFiles`):
/// dot entries skipped, symlinked folders not followed, sorted by id.
pub(super) fn spec_files(reader: &Reader, specs_root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<SpecFile> {
    let mut out = Vec::new();
    walk_specs(reader, specs_root, &mut Vec::new(), &mut out, problems);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

pub(super) fn walk_specs(
    reader: &Reader,
    dir: &Path,
    segments: &mut Vec<String>,
    out: &mut Vec<SpecFile>,
    problems: &mut Vec<Diagnostic>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound || e.kind() == io::ErrorKind::NotADirectory => return,
        Err(e) => {
            problems.push(unreadable(&reader.rel(dir), &e));
            return;
        }
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = name_of(&entry.file_name());
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            segments.push(name);
            walk_specs(reader, &entry.path(), segments, out, problems);
            segments.pop();
        } else if name == "spec.md"
            && !segments.is_empty()
            && let Some(file) = reader.read(&entry.path(), problems)
        {
            out.push(SpecFile { id: segments.join("/"), file });
        }
    }
}

/// A change's `specs/` folder in one walk (name order, dot entries
/// skipped): its delta `spec.md` files, the facts validation needs beyond
/// them, and what would make the official spec discovery throw.
pub(super) fn scan_change_specs(
    reader: &Reader,
    specs: &Path,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<SpecFile>, SpecsDir) {
    let mut deltas = Vec::new();
    let mut facts = SpecsDir::default();
    if fs::symlink_metadata(specs).is_ok_and(|m| m.file_type().is_symlink()) && !reader.folder(specs, problems) {
        return (deltas, facts);
    }
    if !specs.is_dir() {
        // `hasAnyFileUnder` throws on anything but a missing `specs/` (a plain
        // file there, say), and validate then fails closed: it counts as files.
        facts.has_any_file = fs::symlink_metadata(specs).is_ok();
        return (deltas, facts);
    }
    scan_specs(reader, specs, specs, &mut Vec::new(), &mut deltas, &mut facts, problems);
    deltas.sort_by(|a, b| a.id.cmp(&b.id));
    (deltas, facts)
}

pub(super) fn scan_specs(
    reader: &Reader,
    root: &Path,
    dir: &Path,
    segments: &mut Vec<String>,
    deltas: &mut Vec<SpecFile>,
    facts: &mut SpecsDir,
    problems: &mut Vec<Diagnostic>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(unreadable(&reader.rel(dir), &e));
            facts.has_any_file = true;
            return;
        }
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = name_of(&entry.file_name());
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            segments.push(name);
            scan_specs(reader, root, &path, segments, deltas, facts, problems);
            segments.pop();
            continue;
        }
        facts.has_any_file = true;
        if name == "spec.md" && segments.is_empty() {
            // `fs.stat` follows a symlinked `specs/spec.md` to its file.
            facts.root_spec = fs::metadata(&path).is_ok_and(|m| m.is_file());
        } else if name == "spec.md" {
            if kind.is_symlink() && facts.discovery_error.is_none() {
                facts.discovery_error = linked_spec_error(root, dir, &path);
            }
            if let Some(file) = reader.read(&path, problems) {
                deltas.push(SpecFile { id: segments.join("/"), file });
            }
        } else if name.to_lowercase().ends_with(".md")
            && let Some(file) = reader.read(&path, problems)
        {
            facts.other_markdown.push(file);
        }
    }
}

/// Why the official `discoverSpecFiles` throws on a symlinked `spec.md` in
/// a capability folder: its target is a file outside both the `specs/` root
/// and its folder (`assertDiscoveredSpecPath`), or `stat` fails other than
/// by a missing target (a loop). The message is the official error's.
pub(super) fn linked_spec_error(root: &Path, dir: &Path, path: &Path) -> Option<String> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            let within = |base: &Path| {
                let (Ok(target), Ok(base)) = (fs::canonicalize(path), fs::canonicalize(base)) else {
                    return false;
                };
                target.starts_with(base)
            };
            (!within(root) && !within(dir))
                .then(|| format!("Path is outside the allowed directory: {}", path.display()))
        }
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) if e.raw_os_error() == Some(40) => {
            Some(format!("ELOOP: too many symbolic links encountered, stat '{}'", path.display()))
        }
        Err(e) => Some(format!("{e}, stat '{}'", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_specs_file_counts_as_spec_content() {
        // Official 1.13.2: `hasAnyFileUnder(specs)` throws ENOTDIR on a file,
        // which validate takes as "files exist" (skip_specs conflict).
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("specs"), "not a folder\n").unwrap();
        let (_, facts) = scan_change_specs(
            &Reader { root: dir.path().to_path_buf(), canonical_root: dir.path().to_path_buf() },
            &dir.path().join("specs"),
            &mut Vec::new(),
        );
        assert!(facts.has_any_file);
        assert!(!facts.root_spec);
    }
    #[cfg(unix)]
    #[test]
    fn delta_spec_linked_out_of_its_capability() {
        // Official 1.13.2 `validate --all`: a delta `spec.md` symlinked to the
        // main spec aborts the change's validation with this one error; a
        // link inside its capability folder is fine.
        let dir = tempfile::tempdir().unwrap();
        let specs = dir.path().join("changes/c/specs");
        fs::create_dir_all(specs.join("auth")).unwrap();
        fs::create_dir_all(dir.path().join("main/auth")).unwrap();
        fs::write(dir.path().join("main/auth/spec.md"), "# x\n").unwrap();
        fs::write(specs.join("auth/real.md"), "# x\n").unwrap();
        std::os::unix::fs::symlink("real.md", specs.join("auth/spec.md")).unwrap();
        let reader = Reader { root: dir.path().to_path_buf(), canonical_root: dir.path().to_path_buf() };
        let discovery_error = |specs: &Path| scan_change_specs(&reader, specs, &mut Vec::new()).1.discovery_error;
        assert_eq!(discovery_error(&specs), None);
        fs::create_dir_all(specs.join("b")).unwrap();
        std::os::unix::fs::symlink("../../../../main/auth/spec.md", specs.join("b/spec.md")).unwrap();
        assert_eq!(
            discovery_error(&specs),
            Some(format!("Path is outside the allowed directory: {}", specs.join("b/spec.md").display()))
        );
    }
}
