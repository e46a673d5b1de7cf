//! The careful file reader of discovery: every file `spec` reads goes
//! through [`Reader::read`], which never fails the run. Unreadable files,
//! non-UTF-8 bytes, files over [`MAX_FILE_BYTES`], symlink loops and links
//! out of the root become diagnostics; each file costs one `stat`, one
//! `open` and one `read`.

use super::relative;
use crate::model::{Diagnostic, Level};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Files larger than this are not read (a diagnostic says so).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads files under one root, collecting problems instead of failing.
pub(super) struct Reader {
    pub(super) root: PathBuf,
    pub(super) canonical_root: PathBuf,
}

impl Reader {
    /// A reader of the files under `root`.
    pub(super) fn new(root: &Path) -> Self {
        Reader {
            root: root.to_path_buf(),
            canonical_root: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    pub(super) fn rel(&self, path: &Path) -> String {
        relative(&self.root, path)
    }

    /// Whether a folder `spec` is about to walk may be read: a real folder,
    /// or a symlink to a folder inside the root. A link that leaves the root
    /// (`openspec/specs -> /`), is broken or loops is reported once and not
    /// followed, as file links are. `false` for a missing path too.
    pub(super) fn folder(&self, path: &Path, problems: &mut Vec<Diagnostic>) -> bool {
        let Ok(meta) = fs::symlink_metadata(path) else { return false };
        if !meta.file_type().is_symlink() {
            return meta.is_dir();
        }
        let rel = self.rel(path);
        match fs::canonicalize(path) {
            Ok(real) if real.starts_with(&self.canonical_root) => real.is_dir(),
            Ok(real) => {
                problems.push(
                    Diagnostic::warning(
                        rel,
                        None,
                        format!("symlinked folder points outside the root (to {}); not followed", real.display()),
                    )
                    .with_help("copy the folder into the repository or remove the link"),
                );
                false
            }
            Err(_) => {
                problems.push(
                    Diagnostic::warning(rel, None, "broken or looping folder symlink; not followed")
                        .with_help("fix or remove the link"),
                );
                false
            }
        }
    }

    /// Read a text file that may be absent. Symlinks are followed only to
    /// files inside the root.
    pub(super) fn read(&self, path: &Path, problems: &mut Vec<Diagnostic>) -> Option<SourceFile> {
        let rel = self.rel(path);
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                problems.push(unreadable(&rel, &e));
                return None;
            }
        };
        let size = if meta.file_type().is_symlink() {
            match fs::metadata(path) {
                Ok(target) if target.is_file() => {
                    match fs::canonicalize(path) {
                        Ok(real) if real.starts_with(&self.canonical_root) => {}
                        Ok(real) => {
                            problems.push(
                                Diagnostic::warning(
                                    rel,
                                    None,
                                    format!("symlink points outside the root (to {}); not followed", real.display()),
                                )
                                .with_help("copy the file into the repository or remove the link"),
                            );
                            return None;
                        }
                        Err(e) => {
                            problems.push(unreadable(&rel, &e));
                            return None;
                        }
                    }
                    target.len()
                }
                Ok(_) => return None,
                Err(e) if e.raw_os_error() == Some(40) || e.to_string().contains("symbolic links") => {
                    problems.push(
                        Diagnostic::warning(rel, None, "symlink loop; not followed")
                            .with_help("fix or remove the link"),
                    );
                    return None;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    problems.push(Diagnostic::warning(rel, None, "broken symlink; ignored"));
                    return None;
                }
                Err(e) => {
                    problems.push(unreadable(&rel, &e));
                    return None;
                }
            }
        } else if meta.is_file() {
            meta.len()
        } else {
            problems.push(
                Diagnostic::warning(rel, None, "not a regular file; ignored")
                    .with_help("replace it with a Markdown or YAML file"),
            );
            return None;
        };
        if size > MAX_FILE_BYTES {
            problems.push(
                Diagnostic::error(
                    rel,
                    None,
                    format!(
                        "file is {:.1} MiB, over the {} MiB limit; not read, so its tasks and requirements are missing from every count",
                        size as f64 / 1048576.0,
                        MAX_FILE_BYTES / 1048576
                    ),
                )
                .with_help("split the file or remove generated content from it"),
            );
            return None;
        }
        match read_sized(path, size) {
            Ok(bytes) => Some(decode(rel, bytes, problems)),
            Err(e) => {
                problems.push(unreadable(&rel, &e));
                None
            }
        }
    }
}

/// Read a file whose size is known, without the extra `stat`, `lseek` and
/// end-of-file `read` that `fs::read` makes (half the system calls on a tree
/// of 50,000 files): the file as it was when its size was taken, or less if
/// it shrank since.
pub(super) fn read_sized(path: &Path, size: u64) -> io::Result<Vec<u8>> {
    let mut file = fs::File::open(path)?;
    let mut bytes = vec![0u8; usize::try_from(size).unwrap_or(0)];
    let mut len = 0;
    while len < bytes.len() {
        match io::Read::read(&mut file, &mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(len);
    Ok(bytes)
}

pub(super) fn unreadable(rel: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error(rel.to_owned(), None, format!("cannot read: {e}")).with_help("check the file's permissions")
}

/// Decode bytes as UTF-8, replacing invalid sequences (as Node.js does) and
/// reporting the first one.
pub fn decode(path: String, bytes: Vec<u8>, problems: &mut Vec<Diagnostic>) -> SourceFile {
    match String::from_utf8(bytes) {
        Ok(text) => SourceFile { path, text },
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let column = valid - bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            problems.push(
                Diagnostic::warning(
                    path.clone(),
                    Some(line),
                    format!(
                        "not valid UTF-8 (byte 0x{:02x} at column {column}); invalid bytes were read as U+FFFD",
                        bytes[valid]
                    ),
                )
                .with_help("re-save the file as UTF-8"),
            );
            SourceFile { path, text: String::from_utf8_lossy(&bytes).into_owned() }
        }
    }
}

/// A file or folder name as text ([`crate::model::name_text`]: one that is
/// not UTF-8 gets a hash of its bytes, so such names stay distinct).
pub(super) fn name_of(name: &std::ffi::OsStr) -> String {
    crate::model::name_text(name.as_encoded_bytes())
}

/// Sub-directories of `dir` (not following symlinks), sorted by name.
/// Symlinked directories are reported once and skipped; names that are not
/// UTF-8 are warned about ([`name_of`]).
/// Entries named in `apart` are the caller's to read (the archive inside
/// `changes/`): neither listed nor noted.
pub(super) fn subdirs(
    reader: &Reader,
    dir: &Path,
    apart: &[&str],
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            problems.push(unreadable(&reader.rel(dir), &e));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        let name = name_of(&entry.file_name());
        if apart.contains(&name.as_str()) {
            continue;
        }
        if kind.is_dir() {
            if entry.file_name().to_str().is_none() {
                problems.push(
                    Diagnostic::warning(
                        reader.rel(&entry.path()),
                        None,
                        "folder name is not valid UTF-8; read with a hash of its bytes after it",
                    )
                    .with_help("rename the folder to UTF-8"),
                );
            }
            out.push((name, entry.path()));
        } else if kind.is_symlink() && entry.path().is_dir() {
            problems.push(Diagnostic::new(
                Level::Info,
                reader.rel(&entry.path()),
                None,
                "symlinked folder not followed (the official CLI skips it too)",
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Read many files under `root` (paths relative to it) in parallel, with the
/// same rules as the tree; missing ones are skipped.
pub fn read_files(root: &Path, paths: &[String]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let reader = Reader::new(root);
    let read: Vec<(Option<SourceFile>, Vec<Diagnostic>)> = paths
        .par_iter()
        .map(|p| {
            let mut problems = Vec::new();
            (reader.read(&root.join(p), &mut problems), problems)
        })
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (f, mut p) in read {
        files.extend(f);
        problems.append(&mut p);
    }
    (files, problems)
}

/// Read one more file under the root (the roadmap file, say) with the same
/// rules as the tree: symlinks out of the root, oversized files and
/// non-UTF-8 bytes become diagnostics. `None` when it does not exist.
pub fn read_file(root: &Path, path: &Path) -> (Option<SourceFile>, Vec<Diagnostic>) {
    let reader = Reader::new(root);
    let mut problems = Vec::new();
    let file = reader.read(path, &mut problems);
    (file, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reports_first_bad_byte() {
        let mut problems = Vec::new();
        let file = decode("t.md".into(), b"ok\nab\xffc\n".to_vec(), &mut problems);
        assert_eq!(file.text, "ok\nab\u{FFFD}c\n");
        assert_eq!(problems[0].line, Some(2));
        assert!(problems[0].message.contains("0xff at column 3"));
    }
}
