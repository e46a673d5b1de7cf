//! The site folder. A build is made whole in a folder beside the output
//! (`.spec-site-XXXXXX.tmp/site`, with a locked marker file naming the
//! output), the files of the old folder that stay are linked into it, and
//! it is swapped in with one rename (`RENAME_EXCHANGE` where the system has
//! it): a failure or a kill leaves the previous site as it was, and the
//! next run removes what a killed one left beside it.
//!
//! What may be removed is decided by the manifest, `.spec-site-manifest`:
//! the SHA-256 and path of every file spec wrote. A listed file that is no
//! longer produced is removed only while its content still has the listed
//! hash, so a manifest spec did not write (committed to the repository, say)
//! can remove only files whose exact content its author already had. Every
//! other file is kept. See `docs/security.md`.

use super::fs::{self, Kind};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The file in a site folder listing what `spec site` wrote there.
pub const MANIFEST: &str = ".spec-site-manifest";
const MANIFEST_HEADER: &str = "# Written by `spec site`: the SHA-256 and path of each file it wrote (`sha256sum -c` checks \
them).\n# It removes a listed file only while the file still has that content, and never any other file.\n";

/// A build folder beside the output is `.spec-site-XXXXXX.tmp`...
const BUILD_PREFIX: &str = ".spec-site-";
const BUILD_SUFFIX: &str = ".tmp";
/// ... holding this marker (locked while the build runs), the new site in
/// `site/`, and after a swap without `RENAME_EXCHANGE` the old one in `old/`.
const MARKER: &str = "spec-site-build";

/// What writing a site did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SiteReport {
    /// Files new or with another content than before (`written_pages`).
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Files the manifest lists that are no longer produced but were kept:
    /// changed since spec wrote them, or listed without a hash.
    pub kept: usize,
    /// The paths of the written files, in path order.
    pub written_pages: Vec<String>,
}

/// Write a site's files into `dir` (a path from [`super::resolve`]),
/// replacing the folder whole. Files an earlier `spec site` wrote (listed in
/// the manifest with the content they still have) and no longer produced
/// are removed; every other file is kept. A non-empty folder without a
/// manifest is refused unless `force` (then files are added and
/// overwritten, nothing removed). A symbolic link on the way to any file
/// spec writes or removes, or a FIFO or device where it writes, is refused.
/// Files are read back only up to `limit` bytes. `tick` is called once per
/// file. [`SiteWriter`] does the same while the files are being made.
pub fn write_site(
    dir: &Path,
    files: &[(String, String)],
    force: bool,
    limit: u64,
    tick: &(dyn Fn() + Sync),
) -> Result<SiteReport> {
    Plan::new(files)?;
    SiteWriter::begin(dir, force, limit)?.finish(files, tick)
}

/// A site being written into its build folder while its pages are made:
/// [`SiteWriter::begin`] checks the output folder and makes the build
/// folder beside it, [`SiteWriter::write`] hands a page, as soon as it is
/// made (from any thread), to one thread that writes the pages in turn, and
/// [`SiteWriter::finish`] writes the rest, then checks, carries over and
/// swaps in as [`write_site`] does. Dropped without `finish`, it leaves the
/// output folder as it was.
///
/// One writing thread, not the threads that render: files created in one
/// folder at once wait for the folder's lock, and a thread that waits
/// spins on it, which is time taken from the rendering.
pub struct SiteWriter {
    dir: PathBuf,
    /// The output folder as it was, when there was one.
    before: Option<std::fs::Metadata>,
    listed: BTreeMap<String, Option<String>>,
    limit: u64,
    /// Taken by `finish`.
    build: Option<Build>,
    site: PathBuf,
    /// The pages handed so far, with their SHA-256.
    written: std::sync::Mutex<BTreeMap<String, String>>,
    /// The first page refused.
    failed: std::sync::Mutex<Option<Error>>,
    /// To the writing thread, and the thread (it returns the first write
    /// that failed); taken by `finish` or on drop.
    queue: Option<std::sync::mpsc::Sender<(String, String)>>,
    writer: Option<std::thread::JoinHandle<Result<()>>>,
}

impl Drop for SiteWriter {
    /// The writing thread is done before the build folder is removed.
    fn drop(&mut self) {
        self.queue.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl SiteWriter {
    /// Check the output folder `dir` (as [`write_site`] does) and make the
    /// build folder beside it.
    pub fn begin(dir: &Path, force: bool, limit: u64) -> Result<Self> {
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return Err(Error::Usage(format!("{} cannot hold a site: choose a folder with a name", dir.display())));
        };
        clean_leftovers(parent, name);
        let before = match fs::kind(dir)? {
            Kind::Missing => None,
            Kind::Dir(meta) => Some(meta),
            Kind::Symlink => return Err(fs::symlink_refused(dir)),
            Kind::File(_) | Kind::Special(_) => {
                return Err(Error::Usage(format!("{} is not a folder: choose another --out", dir.display())));
            }
        };
        if let Some(meta) = &before
            && let Ok(Kind::Dir(above)) = fs::kind(parent)
            && !same_device(meta, &above)
        {
            return Err(Error::Usage(format!(
                "{} is a mount point, and the site is built beside its folder and swapped in: choose a folder inside it, like --out {}",
                dir.display(),
                dir.join("site").display()
            )));
        }
        let listed = match &before {
            None => BTreeMap::new(),
            Some(_) => {
                let path = dir.join(MANIFEST);
                match fs::read_regular(&path, limit)? {
                    Some(bytes) => parse_manifest(&path, &String::from_utf8_lossy(&bytes))?,
                    None if force || is_empty(dir)? => BTreeMap::new(),
                    None => {
                        return Err(Error::Usage(format!(
                            "{} is not empty and was not made by `spec site` (no {MANIFEST}); choose another --out, or pass --force to write into it (spec never deletes files it did not write)",
                            dir.display()
                        )));
                    }
                }
            }
        };
        let build = Build::new(parent, name)?;
        let site = build.site();
        let (queue, pages) = std::sync::mpsc::channel::<(String, String)>();
        let into = site.clone();
        let writer = std::thread::spawn(move || {
            let mut first = Ok(());
            let mut folders = BTreeSet::new();
            for (path, contents) in pages {
                if first.is_ok() {
                    first = write_page(&into, &path, &contents, &mut folders);
                }
            }
            first
        });
        Ok(SiteWriter {
            dir: dir.to_path_buf(),
            before,
            listed,
            limit,
            build: Some(build),
            site,
            written: std::sync::Mutex::default(),
            failed: std::sync::Mutex::default(),
            queue: Some(queue),
            writer: Some(writer),
        })
    }

    /// Hand one page to be written now; it is hashed here, on the caller's
    /// thread. A path spec does not write (absolute, with `..`, ...) is not
    /// written; what fails is reported by [`SiteWriter::finish`].
    pub fn write(&self, path: &str, contents: &str) {
        let refused = if bad_path(path).is_some() {
            Some(format!("refusing to write outside the site folder: {path}"))
        } else {
            let hash = fs::sha256_hex(contents.as_bytes());
            let twice = self.written.lock().expect("not poisoned").insert(path.to_owned(), hash).is_some();
            twice.then(|| format!("two files of the site would be written to {path}"))
        };
        match refused {
            Some(why) => {
                self.failed.lock().expect("not poisoned").get_or_insert(Error::Usage(why));
            }
            // The writing thread ends only once `finish` drops the queue.
            None => {
                let queue = self.queue.as_ref().expect("not finished");
                queue.send((path.to_owned(), contents.to_owned())).expect("the writing thread runs");
            }
        }
    }

    /// Finish the site of `files` (every file, sorted by path, the pages
    /// already written among them): write the others and the manifest,
    /// carry over what stays of the old folder, and swap the site in.
    /// `tick` is called once per file written here.
    pub fn finish(mut self, files: &[(String, String)], tick: &(dyn Fn() + Sync)) -> Result<SiteReport> {
        use rayon::prelude::*;
        self.queue.take();
        let writer = self.writer.take().expect("not finished");
        let pages = writer.join().expect("the writing thread does not panic");
        let plan = Plan::new(files)?;
        if let Some(e) = self.failed.lock().expect("not poisoned").take() {
            return Err(e);
        }
        pages?;
        let mut written = std::mem::take(&mut *self.written.lock().expect("not poisoned"));
        if let Some(path) = written.keys().find(|p| !plan.pages.contains_key(p.as_str())) {
            return Err(Error::Usage(format!("{path} was written but is not a file of the site")));
        }
        for folder in &plan.folders {
            let path = self.site.join(folder);
            std::fs::create_dir_all(&path).map_err(|source| Error::Write { path, source })?;
        }
        let rest: Vec<(String, String)> = files
            .par_iter()
            .filter(|(path, _)| !written.contains_key(path))
            .map(|(path, contents)| {
                create_new(&self.site.join(path), contents.as_bytes())?;
                tick();
                Ok((path.clone(), fs::sha256_hex(contents.as_bytes())))
            })
            .collect::<Result<_>>()?;
        written.extend(rest);
        let mut manifest = String::with_capacity(MANIFEST_HEADER.len() + written.len() * 128);
        manifest.push_str(MANIFEST_HEADER);
        for (path, _) in files {
            manifest.push_str(&format!("{}  {path}\n", written[path]));
        }
        create_new(&self.site.join(MANIFEST), manifest.as_bytes())?;
        let mut report = SiteReport::default();
        let unchanged = match &self.before {
            Some(meta) => carry_over(&self.dir, &self.site, &plan, &self.listed, self.limit, meta, &mut report)?,
            None => BTreeSet::new(),
        };
        report.unchanged = unchanged.len();
        report.written_pages = plan.pages.keys().filter(|p| !unchanged.contains(*p)).map(|p| (*p).to_owned()).collect();
        report.written = report.written_pages.len();
        sync_site(&self.site)?;
        self.build.take().expect("not finished").swap_in(&self.dir, self.before.as_ref())?;
        Ok(report)
    }
}

/// Whether a folder has no entry.
fn is_empty(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(|source| Error::Read { path: dir.to_path_buf(), source })?;
    Ok(entries.next().is_none())
}

/// Why a relative path (of a page or a manifest entry) is not one spec
/// writes, if it is not: spec's paths are `/`-separated names below the
/// site folder.
fn bad_path(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("is empty")
    } else if path.starts_with('/') {
        Some("is absolute")
    } else if path.chars().any(char::is_control) {
        Some("holds a control character")
    } else if path.split('/').any(|part| part == "..") {
        Some("contains `..`")
    } else if path.split('/').any(|part| part.is_empty() || part == ".") {
        Some("has an empty or `.` component")
    } else {
        None
    }
}

/// The site's files and the folders on the way to them.
struct Plan<'a> {
    pages: BTreeMap<&'a str, &'a str>,
    folders: BTreeSet<&'a str>,
}

impl<'a> Plan<'a> {
    fn new(files: &'a [(String, String)]) -> Result<Self> {
        let mut pages = BTreeMap::new();
        for (path, contents) in files {
            if bad_path(path).is_some() {
                return Err(Error::Usage(format!("refusing to write outside the site folder: {path}")));
            }
            if pages.insert(path.as_str(), contents.as_str()).is_some() {
                return Err(Error::Usage(format!("two files of the site would be written to {path}")));
            }
        }
        let folders = folders_of(pages.keys().copied());
        if let Some(both) = pages.keys().find(|p| folders.contains(*p)) {
            return Err(Error::Usage(format!("{both} would be both a page and a folder of the site")));
        }
        Ok(Plan { pages, folders })
    }
}

/// Every folder on the way to `paths` (`a` and `a/b` for `a/b/c`).
fn folders_of<'a>(paths: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    let mut folders = BTreeSet::new();
    for path in paths {
        folders.extend(path.match_indices('/').map(|(i, _)| &path[..i]));
    }
    folders
}

/// The manifest's entries: path → hash (`None` for a line without one, as
/// earlier versions of spec wrote them, which authorises nothing). An entry that is
/// absolute, contains `..` or is listed twice is an error: spec never
/// writes one, so someone else wrote this manifest.
fn parse_manifest(path: &Path, text: &str) -> Result<BTreeMap<String, Option<String>>> {
    let mut entries = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (hash, entry) = match line.split_once("  ") {
            Some((h, p)) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => {
                (Some(h.to_owned()), p)
            }
            _ => (None, line),
        };
        let why = bad_path(entry).or_else(|| entries.contains_key(entry).then_some("is listed twice"));
        if let Some(why) = why {
            return Err(Error::Usage(format!(
                "{}:{}: the entry `{entry}` {why}; spec never writes such an entry, so this manifest is not \
                 spec's: remove the line, or the manifest after checking what the folder holds",
                path.display(),
                i + 1
            )));
        }
        entries.insert(entry.to_owned(), hash);
    }
    Ok(entries)
}

/// A page of the writing thread: its folder made if it is not in
/// `folders` yet, then the file.
fn write_page(site: &Path, path: &str, contents: &str, folders: &mut BTreeSet<PathBuf>) -> Result<()> {
    let to = site.join(path);
    if let Some(folder) = to.parent()
        && !folders.contains(folder)
    {
        std::fs::create_dir_all(folder).map_err(|source| Error::Write { path: folder.to_path_buf(), source })?;
        folders.insert(folder.to_path_buf());
    }
    create_new(&to, contents.as_bytes())
}

/// A new file with `bytes`. On Linux it is not synced here: [`sync_site`]
/// flushes the whole folder at once.
fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let fail = |source: io::Error| Error::Write { path: path.to_path_buf(), source };
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    file.sync_all().map_err(fail)?;
    Ok(())
}

/// Make the new site folder durable before the one rename that swaps it in,
/// so that a crash or power loss after the swap cannot leave a site of
/// empty or half-written files (a kill needs nothing: what was written is
/// in the page cache). Nothing sees the folder before the swap, so its
/// files need no sync of their own as they are written: on Linux one
/// `syncfs` on the folder's file system flushes every file and folder of it
/// at once (one flush instead of one `fsync` per file, which on a site of
/// 10,000 pages was most of the build's time). Elsewhere each file was
/// synced as it was written ([`create_new`]).
fn sync_site(site: &Path) -> Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let fail = |source: io::Error| Error::Write { path: site.to_path_buf(), source };
        let dir = std::fs::File::open(site).map_err(fail)?;
        rustix::fs::syncfs(&dir).map_err(|e| fail(e.into()))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = site;
        Ok(())
    }
}

/// Bring into the new site `site` what stays of the old folder `dir`: its
/// files that spec neither writes now nor may remove (linked, not copied,
/// where the file system allows), the modes of its folders and of the files
/// spec replaces. Counts removed and kept files into `report`, and returns
/// the pages whose content is unchanged. Nothing of `dir` is changed.
fn carry_over<'p>(
    dir: &Path,
    site: &Path,
    plan: &Plan<'p>,
    listed: &BTreeMap<String, Option<String>>,
    limit: u64,
    top: &std::fs::Metadata,
    report: &mut SiteReport,
) -> Result<BTreeSet<&'p str>> {
    let mut unchanged = BTreeSet::new();
    let listed_folders = folders_of(listed.keys().map(String::as_str));
    let needed = |key: &str| {
        plan.pages.contains_key(key)
            || plan.folders.contains(key)
            || listed.contains_key(key)
            || listed_folders.contains(key)
    };
    let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let from = dir.join(&rel);
        let read = |source| Error::Read { path: from.clone(), source };
        let mut names: Vec<std::ffi::OsString> = std::fs::read_dir(&from)
            .map_err(read)?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()
            .map_err(read)?;
        names.sort();
        for name in names {
            let (rel, path) = (rel.join(&name), from.join(&name));
            let to = site.join(&rel);
            let key = rel.to_str().unwrap_or_default();
            match fs::kind(&path)? {
                Kind::Missing => {}
                Kind::Symlink if needed(key) => return Err(fs::symlink_refused(&path)),
                Kind::Symlink => copy_link(&path, &to)?,
                Kind::Dir(meta) => {
                    if !same_device(&meta, top) {
                        return Err(Error::Usage(format!(
                            "{} is a mount point; the site folder is replaced whole, so it must not hold one",
                            path.display()
                        )));
                    }
                    if plan.pages.contains_key(key) {
                        return Err(fs::not_a_file(&path, "a folder"));
                    }
                    if !plan.folders.contains(key) {
                        std::fs::create_dir(&to).map_err(|source| Error::Write { path: to.clone(), source })?;
                    }
                    set_mode(&to, &meta)?;
                    stack.push(rel);
                }
                Kind::File(meta) if key == MANIFEST => set_mode(&to, &meta)?,
                Kind::File(meta) if plan.pages.contains_key(key) => {
                    if let Some((page, contents)) = plan.pages.get_key_value(key)
                        && matches!(fs::read_limited(&path, limit)?, fs::Read::Bytes(old) if old == contents.as_bytes())
                    {
                        unchanged.insert(*page);
                    }
                    set_mode(&to, &meta)?;
                }
                Kind::File(_) | Kind::Special(_) if plan.folders.contains(key) => {
                    return Err(Error::Usage(format!(
                        "{} is a file where the site needs a folder: move it away",
                        path.display()
                    )));
                }
                Kind::File(meta) => match listed.get(key) {
                    Some(Some(hash)) if has_hash(&path, hash, limit)? => {
                        report.removed += 1;
                        emptied.insert(rel.parent().map(Path::to_path_buf).unwrap_or_default());
                    }
                    other => {
                        report.kept += usize::from(other.is_some());
                        link_or_copy(&path, &to, &meta)?;
                    }
                },
                Kind::Special(what) if plan.pages.contains_key(key) => return Err(fs::not_a_file(&path, what)),
                Kind::Special(_) => {
                    std::fs::hard_link(&path, &to).map_err(|source| Error::Write { path: to.clone(), source })?
                }
            }
        }
    }
    // Folders that held only removed files go too, as they would have
    // before: deepest first, up to the site folder.
    for rel in emptied.iter().rev() {
        let mut folder = Some(rel.as_path());
        while let Some(f) = folder.filter(|f| !f.as_os_str().is_empty()) {
            if f.to_str().is_some_and(|k| plan.folders.contains(k)) || std::fs::remove_dir(site.join(f)).is_err() {
                break;
            }
            folder = f.parent();
        }
    }
    Ok(unchanged)
}

/// Whether the regular file at `path` still has the content `hash` names.
fn has_hash(path: &Path, hash: &str, limit: u64) -> Result<bool> {
    Ok(matches!(fs::read_limited(path, limit)?, fs::Read::Bytes(bytes) if fs::sha256_hex(&bytes) == hash))
}

fn set_mode(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    std::fs::set_permissions(path, meta.permissions())
        .map_err(|source| Error::Write { path: path.to_path_buf(), source })
}

#[cfg(unix)]
fn same_device(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev()
}

#[cfg(not(unix))]
fn same_device(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// A symbolic link kept as it is: the link, not what it points to.
fn copy_link(from: &Path, to: &Path) -> Result<()> {
    let target = std::fs::read_link(from).map_err(|source| Error::Read { path: from.to_path_buf(), source })?;
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(&target, to);
    #[cfg(not(unix))]
    let made: io::Result<()> = Err(io::Error::other(format!("cannot keep the link to {}", target.display())));
    made.map_err(|source| Error::Write { path: to.to_path_buf(), source })
}

/// A kept file: a hard link to it, or where the file system refuses one a
/// copy with its mode (read without following a link, as every read is).
fn link_or_copy(from: &Path, to: &Path, meta: &std::fs::Metadata) -> Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    let bytes = fs::read_regular(from, u64::MAX)?.unwrap_or_default();
    create_new(to, &bytes)?;
    set_mode(to, meta)
}

/// The folder a build is made in, beside the output; removed (with the old
/// site, once swapped out) when dropped.
struct Build {
    dir: tempfile::TempDir,
    /// The marker, locked while the build lives.
    _marker: std::fs::File,
}

impl Drop for Build {
    /// The sites first, the marker last, so that a kill while removing
    /// leaves a folder the next run still knows as a build's.
    fn drop(&mut self) {
        for sub in ["site", "old"] {
            let _ = std::fs::remove_dir_all(self.dir.path().join(sub));
        }
    }
}

fn marker_text(output: &OsStr) -> String {
    format!("spec site build of {}\n", output.to_string_lossy())
}

impl Build {
    fn new(parent: &Path, output: &OsStr) -> Result<Self> {
        fs::create_dirs(parent)?;
        let fail = |source: io::Error| Error::Write { path: parent.to_path_buf(), source };
        let dir =
            tempfile::Builder::new().prefix(BUILD_PREFIX).suffix(BUILD_SUFFIX).tempdir_in(parent).map_err(fail)?;
        let mut marker =
            std::fs::OpenOptions::new().write(true).create_new(true).open(dir.path().join(MARKER)).map_err(fail)?;
        lock(&marker, true);
        marker.write_all(marker_text(output).as_bytes()).map_err(fail)?;
        std::fs::create_dir(dir.path().join("site")).map_err(fail)?;
        Ok(Build { dir, _marker: marker })
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Put the new site at `dir`, where `before` was (if anything was).
    fn swap_in(self, dir: &Path, before: Option<&std::fs::Metadata>) -> Result<()> {
        let site = self.site();
        let fail = |source: io::Error| Error::Write { path: dir.to_path_buf(), source };
        let Some(before) = before else { return std::fs::rename(&site, dir).map_err(fail) };
        std::fs::set_permissions(&site, before.permissions()).map_err(fail)?;
        match fs::kind(dir)? {
            Kind::Dir(now) if same_folder(&now, before) => {}
            _ => return Err(Error::Usage(format!("{} changed while the site was built; run again", dir.display()))),
        }
        match exchange(&site, dir) {
            Ok(()) => Ok(()),
            Err(e) if exchange_unsupported(&e) => {
                // Two renames; a kill between them leaves the old site in
                // `old/`, which the next run puts back.
                let old = self.dir.path().join("old");
                std::fs::rename(dir, &old).map_err(fail)?;
                std::fs::rename(&site, dir).map_err(|e| {
                    let _ = std::fs::rename(&old, dir);
                    fail(e)
                })
            }
            Err(e) => Err(fail(e)),
        }
    }
}

#[cfg(unix)]
fn same_folder(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_folder(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// Swap two folders in one step.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The file system or kernel cannot swap in one step.
fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let raw = e.raw_os_error();
        [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].iter().any(|n| raw == Some(n.raw_os_error()))
            || e.kind() == io::ErrorKind::Unsupported
    }
    #[cfg(not(unix))]
    {
        e.kind() == io::ErrorKind::Unsupported
    }
}

/// Take the marker's lock (`wait`ing for it, or not): whether it was taken.
#[cfg(unix)]
fn lock(file: &std::fs::File, wait: bool) -> bool {
    use rustix::fs::{FlockOperation, flock};
    let op = if wait { FlockOperation::LockExclusive } else { FlockOperation::NonBlockingLockExclusive };
    flock(file, op).is_ok()
}

#[cfg(not(unix))]
fn lock(_: &std::fs::File, _: bool) -> bool {
    true
}

/// Remove the build folders that runs for `output` left in `parent` when
/// they were killed: named `.spec-site-*.tmp`, a real folder, holding the
/// marker that names `output`, and not locked (a build still running holds
/// its lock). A previous site that a kill left in `old/` is put back first.
/// A run killed before its marker was written leaves such a folder empty,
/// or holding only an empty marker: that is removed file by file, which
/// cannot remove anything else. Nothing else is touched, and what cannot be
/// removed is left.
fn clean_leftovers(parent: &Path, output: &OsStr) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| n.starts_with(BUILD_PREFIX) && n.ends_with(BUILD_SUFFIX));
        if !ours || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let build = entry.path();
        let marker = build.join(MARKER);
        let text = match fs::read_regular(&marker, 4096) {
            Ok(Some(text)) => text,
            Ok(None) => {
                let _ = std::fs::remove_dir(&build);
                continue;
            }
            Err(_) => continue,
        };
        if text != marker_text(output).as_bytes() && !text.is_empty() {
            continue;
        }
        let Ok(file) = std::fs::File::open(&marker) else { continue };
        if !lock(&file, false) {
            continue;
        }
        if text.is_empty() {
            if std::fs::read_dir(&build).is_ok_and(|e| e.count() == 1) && std::fs::remove_file(&marker).is_ok() {
                let _ = std::fs::remove_dir(&build);
            }
            continue;
        }
        let old = build.join("old");
        let target = parent.join(output);
        if matches!(fs::kind(&old), Ok(Kind::Dir(_)))
            && matches!(fs::kind(&target), Ok(Kind::Missing))
            && std::fs::rename(&old, &target).is_err()
        {
            continue;
        }
        let _ = std::fs::remove_dir_all(&build);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(p, c)| ((*p).to_owned(), (*c).to_owned())).collect()
    }

    fn write(dir: &Path, list: &[(&str, &str)], force: bool) -> Result<SiteReport> {
        write_site(dir, &files(list), force, 1 << 20, &|| {})
    }

    fn report(written: usize, unchanged: usize, removed: usize, kept: usize, pages: &[&str]) -> SiteReport {
        let written_pages = pages.iter().map(|p| (*p).to_owned()).collect();
        SiteReport { written, unchanged, removed, kept, written_pages }
    }

    #[test]
    fn the_report_names_the_pages_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        write(&site, &[("a.html", "a"), ("b.html", "b")], false).unwrap();
        let r = write(&site, &[("a.html", "a"), ("b.html", "B"), ("c.html", "c")], false).unwrap();
        assert_eq!(r, report(2, 1, 0, 0, &["b.html", "c.html"]));
    }

    #[test]
    fn site_writes_removes_only_its_own_files_and_refuses_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let r = write(&site, &[("index.html", "a"), ("changes/x.html", "x")], false).unwrap();
        assert_eq!(r, report(2, 0, 0, 0, &["changes/x.html", "index.html"]));
        std::fs::write(site.join("mine.txt"), "user file").unwrap();
        let r = write(&site, &[("index.html", "a")], false).unwrap();
        assert_eq!(r, report(0, 1, 1, 0, &[]));
        assert!(!site.join("changes").exists(), "emptied folder removed");
        assert!(site.join("mine.txt").exists(), "user file kept");

        let foreign = dir.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("keep.md"), "x").unwrap();
        let err = write(&foreign, &[("index.html", "a")], false).unwrap_err();
        assert!(err.to_string().contains("was not made by `spec site`"), "{err}");
        write(&foreign, &[("index.html", "a")], true).unwrap();
        assert!(foreign.join("keep.md").exists() && foreign.join("index.html").exists());
        assert!(write(&site, &[("../escape", "x")], false).is_err());
        let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside.len(), 2, "no build folder left: {beside:?}");
    }

    #[test]
    fn a_listed_file_is_removed_only_while_it_has_the_listed_content() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        write(&site, &[("a.html", "a"), ("b.html", "b")], false).unwrap();
        std::fs::write(site.join("b.html"), "edited").unwrap();
        let r = write(&site, &[], false).unwrap();
        assert_eq!(r, report(0, 0, 1, 1, &[]));
        assert!(!site.join("a.html").exists());
        assert_eq!(std::fs::read_to_string(site.join("b.html")).unwrap(), "edited");
    }

    #[test]
    fn two_files_at_one_path_are_an_error_not_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let err = write(&site, &[("a.html", "x"), ("a.html", "y")], false).unwrap_err();
        assert!(err.to_string().contains("two files of the site would be written to a.html"), "{err}");
        assert!(write(&site, &[("a", "x"), ("a/b.html", "y")], false).is_err());
        assert!(!site.exists());
    }

    #[test]
    fn pages_handed_while_made_end_as_the_same_site() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("one"), dir.path().join("two"));
        let list = files(&[("a.html", "a"), ("changes/x.html", "x"), ("changes/y.html", "y"), ("z.css", "z")]);
        write_site(&one, &list, false, 1 << 20, &|| {}).unwrap();
        let writer = SiteWriter::begin(&two, false, 1 << 20).unwrap();
        writer.write("changes/y.html", "y");
        writer.write("changes/x.html", "x");
        let r = writer.finish(&list, &|| {}).unwrap();
        assert_eq!(r, report(4, 0, 0, 0, &["a.html", "changes/x.html", "changes/y.html", "z.css"]));
        for name in [MANIFEST, "a.html", "changes/x.html", "changes/y.html", "z.css"] {
            assert_eq!(std::fs::read(one.join(name)).unwrap(), std::fs::read(two.join(name)).unwrap(), "{name}");
        }

        let three = dir.path().join("three");
        let writer = SiteWriter::begin(&three, false, 1 << 20).unwrap();
        writer.write("../escape", "x");
        let err = writer.finish(&files(&[("a.html", "a")]), &|| {}).unwrap_err();
        assert!(err.to_string().contains("refusing to write outside the site folder"), "{err}");
        SiteWriter::begin(&three, false, 1 << 20).unwrap().write("a.html", "a");
        assert!(!three.exists() && !dir.path().join("escape").exists());
        let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside.len(), 2, "no build folder left: {beside:?}");
    }

    #[test]
    fn manifests_spec_never_writes_are_errors() {
        let text = |line: &str| parse_manifest(Path::new("m"), &format!("# x\n{line}\n"));
        assert!(text("../x").is_err());
        assert!(text("/etc/passwd").is_err());
        assert!(text("a//b").is_err());
        assert!(text(&format!("{}  a/../b", "0".repeat(64))).is_err());
        assert!(text("a\na").is_err());
        let ok = text(&format!("{}  a b", "0".repeat(64))).unwrap();
        assert_eq!(ok["a b"].as_deref(), Some("0".repeat(64).as_str()));
        assert_eq!(text("old/style.html").unwrap()["old/style.html"], None);
    }
}
