//! Stage 5, output: where rendered text goes. Files are written atomically
//! (a temporary file in the same folder, then a rename), so a crash or a full
//! disk never leaves a half-written ROADMAP.md; `--check` compares instead of
//! writing and shows a unified diff.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Write `contents` to `path` atomically, creating its folder if needed.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |source: std::io::Error| Error::Write { path: path.to_path_buf(), source };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new().prefix(".spec-").suffix(".tmp").tempfile_in(dir).map_err(fail)?;
    tmp.write_all(contents.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    // Keep the permissions of the file being replaced.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Read a file that may not exist yet.
pub fn read_existing(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read { path: path.to_path_buf(), source }),
    }
}

/// A unified diff from `old` to `new`, labelled with `name`.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/ROADMAP.md");
        write_atomic(&path, "one\n").unwrap();
        write_atomic(&path, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
        let names: Vec<_> =
            std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["ROADMAP.md"]);
    }

    #[test]
    fn diffs_are_unified() {
        let d = unified_diff("a\nb\n", "a\nc\n", "ROADMAP.md");
        assert!(d.contains("--- a/ROADMAP.md\n+++ b/ROADMAP.md\n"), "{d}");
        assert!(d.contains("-b\n+c\n"), "{d}");
    }
}
