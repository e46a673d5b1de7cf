//! Stage 5, output: where rendered text goes. The repository it comes from
//! is untrusted, so every path is resolved once ([`resolve`]) and nothing
//! is read, written or deleted through a symbolic link or as a FIFO or
//! device (`fs.rs`); see `docs/security.md`.
//!
//! - this file: ROADMAP.md and other single files, written atomically (a
//!   temporary file in the same folder, then a rename), so a crash or a full
//!   disk never leaves a half-written file; `--check` diffs;
//! - `site.rs`: the site, built in a folder beside its output and swapped in
//!   whole, with the manifest that says which files spec wrote.

mod fs;
mod site;

pub use fs::resolve;
pub use site::{MANIFEST, SiteReport, SiteWriter, write_site};

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Whether `--out` asks for stdout (`-` or `/dev/stdout`): what is written
/// there is printed, and nothing at that path is read or replaced.
pub fn is_stdout(out: &Path) -> bool {
    out == Path::new("-") || out == Path::new("/dev/stdout")
}

/// Write `contents` to `path` atomically, creating its folder if needed.
/// `path` comes from [`resolve`]. What is there must be a regular file (its
/// mode is kept) or nothing (the file is created as `File::create` would,
/// `0666` less the umask); a symbolic link, FIFO, device or folder there is
/// refused, never replaced.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |source: std::io::Error| Error::Write { path: path.to_path_buf(), source };
    fs::create_dirs(dir)?;
    let keep = match fs::kind(path)? {
        fs::Kind::Missing => None,
        fs::Kind::File(meta) => Some(meta.permissions()),
        fs::Kind::Symlink => return Err(fs::symlink_refused(path)),
        fs::Kind::Dir(_) => return Err(fs::not_a_file(path, "a folder")),
        fs::Kind::Special(what) => return Err(fs::not_a_file(path, what)),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".spec-").suffix(".tmp");
    // `0666` less the umask, as `File::create` makes (tempfile's own is `0600`).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(contents.as_bytes()).map_err(fail)?;
    if let Some(permissions) = keep {
        tmp.as_file().set_permissions(permissions).map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Read back a file spec writes (ROADMAP.md), which may not exist yet: only
/// a regular file, never through a symbolic link, at most `limit` bytes
/// (the rules of `fs.rs`). Invalid UTF-8 is read as U+FFFD.
pub fn read_existing(path: &Path, limit: u64) -> Result<Option<String>> {
    Ok(fs::read_regular(path, limit)?.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
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
        assert_eq!(read_existing(&path, 100).unwrap().as_deref(), Some("one\n"));
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
