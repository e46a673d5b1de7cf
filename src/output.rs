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

/// The file in a site folder listing what `spec site` wrote there.
pub const MANIFEST: &str = ".spec-site-manifest";
const MANIFEST_HEADER: &str = "# Files written by `spec site`; it removes only files listed here.";

/// What writing a site did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SiteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Write a site's files into `dir`, each atomically and only when changed.
/// Files an earlier `spec site` wrote (listed in the manifest) and no longer
/// produced are removed; no other file is ever removed. A non-empty folder
/// without a manifest is refused unless `force` (then files are added and
/// overwritten, nothing removed). `tick` is called once per file.
pub fn write_site(dir: &Path, files: &[(String, String)], force: bool, tick: &(dyn Fn() + Sync)) -> Result<SiteReport> {
    let manifest_path = dir.join(MANIFEST);
    let previous: Vec<String> = match read_existing(&manifest_path)? {
        Some(text) => text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(str::to_owned).collect(),
        None => {
            let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
            if occupied && !force {
                return Err(Error::Usage(format!(
                    "{} is not empty and was not made by `spec site` (no {MANIFEST}); choose another --out, or pass --force to write into it (spec never deletes files it did not write)",
                    dir.display()
                )));
            }
            Vec::new()
        }
    };
    for (path, _) in files {
        if path.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return Err(Error::Usage(format!("refusing to write outside the site folder: {path}")));
        }
    }
    use rayon::prelude::*;
    let results: Vec<Result<bool>> = files
        .par_iter()
        .map(|(path, contents)| {
            let target = dir.join(path);
            let same = std::fs::read(&target).is_ok_and(|old| old == contents.as_bytes());
            let written = if same { false } else { write_atomic(&target, contents).map(|()| true)? };
            tick();
            Ok(written)
        })
        .collect();
    let mut report = SiteReport::default();
    for r in results {
        if r? {
            report.written += 1;
        } else {
            report.unchanged += 1;
        }
    }
    let current: std::collections::BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for old in previous.iter().filter(|p| !current.contains(p.as_str())) {
        if old.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            continue;
        }
        let path = dir.join(old);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                report.removed += 1;
                // Folders the site made and that are now empty go too.
                let mut parent = path.parent();
                while let Some(p) = parent.filter(|p| *p != dir) {
                    if std::fs::remove_dir(p).is_err() {
                        break;
                    }
                    parent = p.parent();
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Write { path, source }),
        }
    }
    let mut manifest = String::from(MANIFEST_HEADER);
    manifest.push('\n');
    for (path, _) in files {
        manifest.push_str(path);
        manifest.push('\n');
    }
    write_atomic(&manifest_path, &manifest)?;
    Ok(report)
}

#[cfg(test)]
mod site_tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(p, c)| ((*p).to_owned(), (*c).to_owned())).collect()
    }

    #[test]
    fn site_writes_removes_only_its_own_files_and_refuses_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let r = write_site(&site, &files(&[("index.html", "a"), ("changes/x.html", "x")]), false, &|| {}).unwrap();
        assert_eq!(r, SiteReport { written: 2, unchanged: 0, removed: 0 });
        std::fs::write(site.join("mine.txt"), "user file").unwrap();
        let r = write_site(&site, &files(&[("index.html", "a")]), false, &|| {}).unwrap();
        assert_eq!(r, SiteReport { written: 0, unchanged: 1, removed: 1 });
        assert!(!site.join("changes").exists(), "emptied folder removed");
        assert!(site.join("mine.txt").exists(), "user file kept");

        let foreign = dir.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("keep.md"), "x").unwrap();
        let err = write_site(&foreign, &files(&[("index.html", "a")]), false, &|| {}).unwrap_err();
        assert!(err.to_string().contains("was not made by `spec site`"), "{err}");
        write_site(&foreign, &files(&[("index.html", "a")]), true, &|| {}).unwrap();
        assert!(foreign.join("keep.md").exists() && foreign.join("index.html").exists());
        assert!(write_site(&site, &files(&[("../escape", "x")]), false, &|| {}).is_err());
    }
}
