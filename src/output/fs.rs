//! The file-system steps every write goes through. The repository is
//! untrusted input, so none of them follows a symbolic link it did not
//! resolve itself: a path is looked at with `lstat`, read only when it is a
//! regular file (opened with `O_NOFOLLOW | O_NONBLOCK`, so neither a link
//! swapped in nor a FIFO can make it block or leave the folder), and never
//! more than a caller's limit.

use crate::error::{Error, Result};
use std::fs::{self, Metadata};
use std::io::{self, Read as _};
use std::path::{Component, Path, PathBuf};

/// What is at a path, without following a symbolic link there.
pub(super) enum Kind {
    Missing,
    File(Metadata),
    Dir(Metadata),
    Symlink,
    /// A FIFO, socket or device, named.
    Special(&'static str),
}

/// Look at `path` with `lstat`.
pub(super) fn kind(path: &Path) -> Result<Kind> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(kind_of(meta)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Kind::Missing),
        Err(source) => Err(Error::Read { path: path.to_path_buf(), source }),
    }
}

fn kind_of(meta: Metadata) -> Kind {
    let t = meta.file_type();
    if t.is_symlink() {
        Kind::Symlink
    } else if t.is_file() {
        Kind::File(meta)
    } else if t.is_dir() {
        Kind::Dir(meta)
    } else {
        Kind::Special(special_name(&t))
    }
}

#[cfg(unix)]
fn special_name(t: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_name(_: &fs::FileType) -> &'static str {
    "not a regular file"
}

/// The refusal for a symbolic link where spec reads, writes or deletes.
pub(super) fn symlink_refused(path: &Path) -> Error {
    Error::Usage(format!(
        "{} is a symbolic link; spec never reads, writes or deletes through a link (it could lead anywhere on \
         this machine): replace it with a regular file or folder, or choose another --out",
        path.display()
    ))
}

/// The refusal for a FIFO, socket, device or folder where spec wants a file.
pub(super) fn not_a_file(path: &Path, what: &str) -> Error {
    Error::Usage(format!(
        "{} is {what}, not a regular file; spec reads and replaces only regular files: remove it, or choose \
         another --out",
        path.display()
    ))
}

/// A regular file's bytes, `None` when nothing is there. A symbolic link,
/// FIFO, device or folder is refused, and so is a file over `limit` bytes
/// (checked before reading and again while reading, since `/proc` files
/// say they are empty).
pub(super) fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>> {
    match read_limited(path, limit)? {
        Read::Missing => Ok(None),
        Read::Bytes(bytes) => Ok(Some(bytes)),
        Read::TooLarge => Err(Error::Usage(format!(
            "{} is larger than {} MiB; spec does not read files that large: remove it, or choose another --out",
            path.display(),
            limit / 1024 / 1024
        ))),
    }
}

/// What [`read_limited`] found.
pub(super) enum Read {
    Missing,
    Bytes(Vec<u8>),
    TooLarge,
}

/// [`read_regular`], with a file over `limit` told apart from an error.
pub(super) fn read_limited(path: &Path, limit: u64) -> Result<Read> {
    match kind(path)? {
        Kind::Missing => return Ok(Read::Missing),
        Kind::File(meta) if meta.len() > limit => return Ok(Read::TooLarge),
        Kind::File(_) => {}
        Kind::Symlink => return Err(symlink_refused(path)),
        Kind::Dir(_) => return Err(not_a_file(path, "a folder")),
        Kind::Special(what) => return Err(not_a_file(path, what)),
    }
    let fail = |source: io::Error| Error::Read { path: path.to_path_buf(), source };
    let file = open_no_follow(path).map_err(|e| if is_loop(&e) { symlink_refused(path) } else { fail(e) })?;
    // The path could have changed between the look and the open.
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(not_a_file(path, "not a regular file any more"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(fail)?;
    if bytes.len() as u64 > limit {
        return Ok(Read::TooLarge);
    }
    Ok(Read::Bytes(bytes))
}

/// Open for reading without following a final symbolic link and without
/// waiting for a FIFO's writer.
fn open_no_follow(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    options.open(path)
}

/// `ELOOP`: what `O_NOFOLLOW` answers on a symbolic link.
fn is_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Resolve an output path once, before anything is read or written there.
///
/// Symbolic links on the way are followed only outside `repository` (the
/// machine's own layout, `/tmp -> /private/tmp` say); one inside it, or
/// the output path itself being a link, is refused, since the repository is
/// untrusted and a committed link would send spec's writes and deletions
/// anywhere. Components that do not exist yet are kept as given (spec
/// creates them). The result has no `.` or `..` and no link up to the
/// first missing component.
pub fn resolve(path: &Path, repository: &Path) -> Result<PathBuf> {
    let repository = fs::canonicalize(repository).unwrap_or_else(|_| repository.to_path_buf());
    let parts: Vec<Component<'_>> = path.components().collect();
    let mut resolved = PathBuf::new();
    let mut missing = false;
    for (i, part) in parts.iter().enumerate() {
        match part {
            Component::Prefix(_) | Component::RootDir => resolved.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if missing {
                    continue;
                }
                let last = i + 1 == parts.len();
                match kind(&resolved)? {
                    Kind::Missing => missing = true,
                    Kind::Dir(_) => {}
                    Kind::File(_) | Kind::Special(_) if last => {}
                    Kind::File(_) | Kind::Special(_) => {
                        return Err(Error::Usage(format!(
                            "{} is a file where a folder is expected on the way to {}",
                            resolved.display(),
                            path.display()
                        )));
                    }
                    Kind::Symlink if last || resolved.starts_with(&repository) => {
                        return Err(symlink_refused(&resolved));
                    }
                    Kind::Symlink => {
                        resolved = fs::canonicalize(&resolved)
                            .map_err(|source| Error::Read { path: resolved.clone(), source })?;
                    }
                }
            }
        }
    }
    Ok(resolved)
}

/// Create `dir` and its missing parents, refusing a symbolic link among
/// them (a path from [`resolve`] has none, but this is also used below it).
pub(super) fn create_dirs(dir: &Path) -> Result<()> {
    let fail = |source: io::Error| Error::Write { path: dir.to_path_buf(), source };
    match kind(dir)? {
        Kind::Dir(_) => Ok(()),
        Kind::Missing => {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                create_dirs(parent)?;
            }
            match fs::create_dir(dir) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => create_dirs(dir),
                other => other.map_err(fail),
            }
        }
        Kind::Symlink => Err(symlink_refused(dir)),
        Kind::File(_) => Err(Error::Usage(format!("{} is a file where a folder is needed", dir.display()))),
        Kind::Special(what) => Err(Error::Usage(format!("{} is {what} where a folder is needed", dir.display()))),
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_repository_are_refused_and_outside_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        fs::create_dir_all(repo.join("real")).unwrap();
        std::os::unix::fs::symlink(repo.join("real"), repo.join("link")).unwrap();
        std::os::unix::fs::symlink(&repo, dir.path().join("outside")).unwrap();
        assert!(resolve(&repo.join("link/site"), &repo).is_err());
        assert!(resolve(&repo.join("link"), &repo).is_err());
        let canonical = fs::canonicalize(&repo).unwrap();
        assert_eq!(resolve(&repo.join("real/./x/../site"), &repo).unwrap(), canonical.join("real/site"));
        // A link of the machine (outside the repository) leads into it: what
        // lies below is checked as the repository's.
        assert_eq!(resolve(&dir.path().join("outside/real/s"), &repo).unwrap(), canonical.join("real/s"));
        assert!(resolve(&dir.path().join("outside/link/s"), &repo).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read_and_only_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "12345").unwrap();
        assert_eq!(read_regular(&file, 5).unwrap().unwrap(), b"12345");
        assert!(read_regular(&file, 4).unwrap_err().to_string().contains("larger than"));
        assert!(read_regular(&dir.path().join("none"), 4).unwrap().is_none());
        std::os::unix::fs::symlink(&file, dir.path().join("l")).unwrap();
        assert!(read_regular(&dir.path().join("l"), 9).unwrap_err().to_string().contains("symbolic link"));
        assert!(read_regular(dir.path(), 9).unwrap_err().to_string().contains("a folder"));
    }
}
