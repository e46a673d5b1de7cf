//! A revision as files: resolving a name and writing its tree to a scratch
//! folder for `spec diff`, file by file.

use super::*;

/// Resolve a revision (`main`, `HEAD~3`, a commit id, `origin/main`).
pub fn resolve(repo: &Repository, rev: &str) -> Result<CommitInfo, String> {
    let object =
        repo.revparse_single(rev).map_err(|e| format!("no revision `{rev}` in this repository ({})", e.message()))?;
    let commit = object.peel_to_commit().map_err(|_| format!("`{rev}` does not name a commit"))?;
    Ok(commit_info(&commit))
}

/// The paths of every file at commit `id` below the folder `prefix`
/// (repository-relative parts; empty for the root), relative to it.
pub fn files_at(repo: &Repository, id: &str, prefix: &[String]) -> Result<Vec<String>, String> {
    let fail = |e: git2::Error| format!("reading commit {id}: {}", e.message());
    let commit = repo.find_commit(Oid::from_str(id).map_err(fail)?).map_err(fail)?;
    let root = commit.tree().map_err(fail)?;
    if prefix.is_empty() {
        return Ok(reader::blob_paths(&root));
    }
    let Ok(entry) = root.get_path(Path::new(&prefix.join("/"))) else { return Ok(Vec::new()) };
    let Ok(tree) = entry.to_object(repo).and_then(|o| o.peel_to_tree()) else { return Ok(Vec::new()) };
    Ok(reader::blob_paths(&tree))
}

/// A file or folder [`materialise`] could not write: read as missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwritten {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// Why: git's or the operating system's message, naming no path.
    pub reason: String,
}

/// Write the files below each of `paths` (work-tree relative, `/`-separated)
/// at commit `id` into `dest`, keeping their relative paths. A path missing
/// at that commit is skipped. Symlinks and submodules are not written.
///
/// It degrades per file: an object that cannot be read (missing from the
/// object store) or a file or folder that cannot be created (a name the file
/// system refuses) is left out and listed, sorted by path, and the rest is
/// written. Only a commit or root tree that cannot be read is an error. No
/// message names `dest`.
pub fn materialise(repo: &Repository, id: &str, paths: &[String], dest: &Path) -> Result<Vec<Unwritten>, String> {
    let fail = |e: git2::Error| format!("reading commit {id}: {}", e.message());
    let commit = repo.find_commit(Oid::from_str(id).map_err(fail)?).map_err(fail)?;
    let root = commit.tree().map_err(fail)?;
    let mut unwritten = Vec::new();
    for path in paths {
        let Ok(entry) = root.get_path(Path::new(path)) else { continue };
        write_entry(repo, &entry, path, &dest.join(path), &mut unwritten);
    }
    unwritten.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(unwritten)
}

/// Write one tree entry (`path` in the repository) to `target`, listing
/// in `unwritten` what could not be.
pub(super) fn write_entry(
    repo: &Repository,
    entry: &git2::TreeEntry<'_>,
    path: &str,
    target: &Path,
    unwritten: &mut Vec<Unwritten>,
) {
    let mut skip = |reason: String| unwritten.push(Unwritten { path: path.to_owned(), reason });
    // Regular files and folders only: no symlink can lead the reader out of
    // the scratch folder, nor a later write through it.
    if entry.filemode() == 0o120000 || entry.kind() == Some(ObjectType::Commit) {
        return;
    }
    let object = match entry.to_object(repo) {
        Ok(o) => o,
        Err(e) => return skip(e.message().to_owned()),
    };
    match object.kind() {
        Some(ObjectType::Blob) => {
            let content = object.as_blob().map(git2::Blob::content).unwrap_or_default();
            let written = match target.parent() {
                Some(parent) => std::fs::create_dir_all(parent),
                None => Ok(()),
            }
            .and_then(|()| create_new(target))
            .and_then(|mut file| std::io::Write::write_all(&mut file, content));
            if let Err(e) = written {
                skip(io_reason(&e));
            }
        }
        Some(ObjectType::Tree) => {
            // A tree listing a name twice merges into one real folder, never
            // into whatever else is there.
            let made = match std::fs::create_dir(target) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match std::fs::symlink_metadata(target) {
                    Ok(m) if m.is_dir() => Ok(()),
                    _ => Err(e),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(target),
                other => other,
            };
            if let Err(e) = made {
                return skip(io_reason(&e));
            }
            for child in object.as_tree().expect("a tree").iter() {
                let bytes = child.name_bytes();
                if bytes.is_empty() || bytes.contains(&b'/') || bytes.contains(&0) || bytes == b".." || bytes == b"." {
                    continue;
                }
                // Written under its own bytes, so names that are not UTF-8
                // stay apart (discovery names them distinctly).
                let name = crate::model::name_text(bytes);
                write_entry(repo, &child, &format!("{path}/{name}"), &target.join(file_name(bytes)), unwritten);
            }
        }
        _ => {}
    }
}

/// A tree entry's name as a file name: its bytes where the system takes
/// any, else the UTF-8 reading of them.
pub(super) fn file_name(bytes: &[u8]) -> std::ffi::OsString {
    #[cfg(unix)]
    {
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes).to_owned()
    }
    #[cfg(not(unix))]
    {
        String::from_utf8_lossy(bytes).into_owned().into()
    }
}

/// Create a file that must not exist yet, never through a symbolic link.
pub(super) fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    options.open(path)
}

/// An I/O error's reason without the path it was about (`std::io::Error`
/// names none, but an error built elsewhere may).
pub(super) fn io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(_) => e.to_string(),
        None => e.kind().to_string(),
    }
}
