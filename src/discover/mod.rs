//! Stage 1, discovery: find the `openspec/` folders under a root and read
//! every file `spec` needs from them. This is the only module that touches the
//! file system (besides writing outputs); everything after it works on the
//! [`Tree`] it returns.
//!
//! It follows the official CLI's rules for what is a change and what is a
//! spec (`list.ts`, `item-discovery.ts`, `spec-discovery.ts`) and is calm on
//! real-world mess: unreadable files, non-UTF-8 bytes, huge files, symlink
//! loops and links out of the root all become diagnostics, never panics.

pub mod code;

use crate::error::{Error, Result};
use crate::glob::{self, is_glob};
use crate::model::{Diagnostic, Level};
use crate::parse::{self, schema};
pub use crate::source::{ChangeDir, SourceFile, SpecFile, SpecsDir, Tree};
use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Files larger than this are not read (a diagnostic says so).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Directory names not searched for nested `openspec/` folders: build
/// output, dependencies, and folders that hold test data or vendored code
/// (whose `openspec/` folders are fixtures, not projects). Hidden folders are
/// skipped too. `--project PATH` still reaches any of them.
pub const SKIP_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "result",
    "dist",
    "build",
    "vendor",
    "third_party",
    "tests",
    "test",
    "testdata",
    "fixtures",
    "__fixtures__",
    "examples",
];

/// How deep below the root nested `openspec/` folders are looked for.
const MAX_PROJECT_DEPTH: usize = 6;

/// Find the root: `explicit` when given, else the nearest ancestor of `cwd`
/// that has an `openspec/` folder, else `cwd` when folders exist below it.
pub fn find_root(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        let dir = if dir.is_absolute() { dir.to_path_buf() } else { cwd.join(dir) };
        if !dir.is_dir() {
            return Err(Error::NoRoot(format!("--root {} is not a directory", dir.display())));
        }
        return Ok(dir);
    }
    for dir in cwd.ancestors() {
        if dir.join("openspec").is_dir() {
            return Ok(dir.to_path_buf());
        }
    }
    if !find_projects(cwd).is_empty() {
        return Ok(cwd.to_path_buf());
    }
    Err(Error::NoRoot(format!(
        "no openspec/ folder found in {} or any of its parents; run spec inside an OpenSpec repository or pass --root DIR",
        cwd.display()
    )))
}

/// Every directory under `root` (the root first) that holds an `openspec/`
/// folder, as `/`-separated paths relative to the root (`.` for the root).
pub fn find_projects(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(MAX_PROJECT_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(SKIP_DIRS.contains(&name.as_ref()) || (name.starts_with('.') && e.file_type().is_dir()))
        });
    while let Some(entry) = walker.next() {
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_dir() && entry.file_name() == "openspec" {
            let parent = entry.path().parent().unwrap_or(root);
            found.push(relative(root, parent));
            // Its changes and specs are read by `load`; no project hides in them.
            walker.skip_current_dir();
        }
    }
    found.sort_by(|a, b| (a != ".").cmp(&(b != ".")).then(a.cmp(b)));
    found
}

/// `path` relative to `root`, `/`-separated, `.` for the root itself.
pub fn relative(root: &Path, path: &Path) -> String {
    let Ok(rel) = path.strip_prefix(root) else { return path.display().to_string() };
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

/// Reads files under one root, collecting problems instead of failing.
struct Reader {
    root: PathBuf,
    canonical_root: PathBuf,
}

impl Reader {
    fn rel(&self, path: &Path) -> String {
        relative(&self.root, path)
    }

    /// Read a text file that may be absent. Symlinks are followed only to
    /// files inside the root.
    fn read(&self, path: &Path, problems: &mut Vec<Diagnostic>) -> Option<SourceFile> {
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
fn read_sized(path: &Path, size: u64) -> io::Result<Vec<u8>> {
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

fn unreadable(rel: &str, e: &io::Error) -> Diagnostic {
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

/// Sub-directories of `dir` (not following symlinks), sorted by name.
/// Symlinked directories are reported once and skipped.
fn subdirs(reader: &Reader, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
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
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
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

/// Every `spec.md` at depth ≥ 1 under `specs_root` (`discoverSpecFiles`):
/// dot entries skipped, symlinked folders not followed, sorted by id.
fn spec_files(reader: &Reader, specs_root: &Path, problems: &mut Vec<Diagnostic>) -> Vec<SpecFile> {
    let mut out = Vec::new();
    walk_specs(reader, specs_root, &mut Vec::new(), &mut out, problems);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn walk_specs(
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
        let name = entry.file_name().to_string_lossy().into_owned();
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
fn scan_change_specs(reader: &Reader, specs: &Path, problems: &mut Vec<Diagnostic>) -> (Vec<SpecFile>, SpecsDir) {
    let mut deltas = Vec::new();
    let mut facts = SpecsDir::default();
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

fn scan_specs(
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
        let name = entry.file_name().to_string_lossy().into_owned();
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
fn linked_spec_error(root: &Path, dir: &Path, path: &Path) -> Option<String> {
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

/// Files a change root may hold that mark it as a change.
const CHANGE_MARKERS: &[&str] = &[".openspec.yaml", "proposal.md", "tasks.md", "design.md"];

/// `looksLikeChange`: a marker file, any file under `specs/`, or an output
/// of the schema the folder would resolve to (`outputs`; with no
/// `.openspec.yaml`, which is a marker, that is the project's default).
fn looks_like_change(dir: &Path, outputs: Option<&[String]>) -> bool {
    CHANGE_MARKERS.iter().any(|m| dir.join(m).is_file())
        || has_any_file(&dir.join("specs"))
        || outputs.is_some_and(|globs| globs.iter().any(|g| output_exists(dir, g)))
}

/// `artifactOutputExists`: a file at the path, or any file matching the glob.
fn output_exists(dir: &Path, pattern: &str) -> bool {
    if !is_glob(pattern) {
        return dir.join(pattern).is_file();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .flatten()
        .any(|e| e.file_type().is_file() && glob::matches(pattern, &relative(dir, e.path())))
}

fn has_any_file(dir: &Path) -> bool {
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
fn nested_changes(dir: &Path, name: &str, outputs: Option<&[String]>) -> Vec<String> {
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

fn collect_nested(dir: &Path, prefix: &str, depth: usize, outputs: Option<&[String]>, found: &mut Vec<String>) {
    if depth > 3 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut children: Vec<_> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()) && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name().to_string_lossy().into_owned())
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

/// How much of each change to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything: what validation, the roadmap and the site need.
    Full,
    /// What progress needs (proposal, metadata, task files, main specs),
    /// not `design.md` nor delta specs: for `spec list` and `spec status`,
    /// which show neither, on trees of thousands of changes.
    Progress,
}

/// Load one project: the folder `dir` (which holds `openspec/`).
pub fn load(root: &Path, name: &str) -> Result<Tree> {
    load_to(root, name, Depth::Full)
}

/// [`load`], reading changes to `depth`.
pub fn load_to(root: &Path, name: &str, depth: Depth) -> Result<Tree> {
    let dir = if name == "." { root.to_path_buf() } else { root.join(name) };
    let openspec = dir.join("openspec");
    if !openspec.is_dir() {
        return Err(Error::NoRoot(format!("no openspec/ folder in {}", dir.display())));
    }
    let reader = Reader {
        root: root.to_path_buf(),
        canonical_root: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
    };
    let mut tree = Tree {
        name: name.to_owned(),
        dir: dir.clone(),
        openspec_dir: reader.rel(&openspec),
        project_md: openspec.join("project.md").is_file(),
        ..Tree::default()
    };
    let mut problems = Vec::new();
    tree.config = reader
        .read(&openspec.join("config.yaml"), &mut problems)
        .or_else(|| reader.read(&openspec.join("config.yml"), &mut problems));
    for (schema, path) in subdirs(&reader, &openspec.join("schemas"), &mut problems) {
        let file = reader.read(&path.join("schema.yaml"), &mut problems);
        tree.schemas.push((schema, file));
    }
    tree.specs = spec_files(&reader, &openspec.join("specs"), &mut problems);
    let default_schema = tree
        .config
        .as_ref()
        .and_then(|c| parse::yaml::project_config(&c.path, &c.text).ok())
        .and_then(|c| c.schema)
        .unwrap_or_else(|| "spec-driven".to_owned());

    let changes_dir = openspec.join("changes");
    let mut folders: Vec<(String, PathBuf, bool)> = subdirs(&reader, &changes_dir, &mut problems)
        .into_iter()
        .filter(|(n, _)| n != "archive")
        .map(|(n, p)| (n, p, false))
        .collect();
    folders.extend(
        subdirs(&reader, &changes_dir.join("archive"), &mut problems)
            .into_iter()
            .filter(|(n, _)| !n.starts_with('.'))
            .map(|(n, p)| (n, p, true)),
    );
    let loaded: Vec<(ChangeDir, Vec<Diagnostic>)> = folders
        .par_iter()
        .map(|(n, p, archived)| load_change(&reader, &tree, &default_schema, n, p, *archived, depth))
        .collect();
    for (change, mut found) in loaded {
        problems.append(&mut found);
        tree.changes.push(change);
    }
    tree.problems = problems;
    Ok(tree)
}

fn load_change(
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
    let metadata = match &change.parsed_metadata {
        None => Ok(None),
        Some(parsed) => parsed
            .clone()
            .ok()
            .filter(|m| m.invalid.is_none() && m.schema.as_deref().is_some_and(|s| schema::known(tree, s)))
            .map(|m| m.schema)
            .ok_or(()),
    };
    change.schema_resolves = metadata.is_ok();
    change.schema = metadata.ok().flatten().unwrap_or_else(|| default_schema.to_owned());
    let glob = if change.schema_resolves { schema::tracked_glob(tree, &change.schema) } else { None };
    change.task_files = match glob.as_deref() {
        None => Vec::new(),
        Some(pattern) if !is_glob(pattern) => reader.read(&dir.join(pattern), &mut problems).into_iter().collect(),
        Some(pattern) => glob_files(reader, dir, pattern, &mut problems),
    };
    change.tracked = !change.task_files.is_empty();
    change.tracked_escapes = glob.as_deref().is_some_and(|pattern| outputs_escape(dir, pattern));
    if !change.tracked {
        change.task_files.extend(reader.read(&dir.join("tasks.md"), &mut problems));
    }
    if depth == Depth::Full {
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
fn outputs_escape(dir: &Path, pattern: &str) -> bool {
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

/// Files under `dir` whose relative path matches a glob, sorted
/// (`resolveArtifactOutputs` over fast-glob: files only, dot entries only
/// where the pattern names them).
fn glob_files(reader: &Reader, dir: &Path, pattern: &str, problems: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name();
    for entry in walker.into_iter().flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = relative(dir, entry.path());
        if glob::matches(pattern, &rel)
            && let Some(file) = reader.read(entry.path(), problems)
        {
            out.push(file);
        }
    }
    out
}

/// Read many files under `root` (paths relative to it) in parallel, with the
/// same rules as the tree; missing ones are skipped.
pub fn read_files(root: &Path, paths: &[String]) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let reader = Reader {
        root: root.to_path_buf(),
        canonical_root: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
    };
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
    let reader = Reader {
        root: root.to_path_buf(),
        canonical_root: fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
    };
    let mut problems = Vec::new();
    let file = reader.read(path, &mut problems);
    (file, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_metadata_leaves_tasks_md_untracked() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("openspec/changes/bad/.openspec.yaml", "schema: spec-driven\nskip_specs: 0x1\n");
        write("openspec/changes/bad/tasks.md", "- [ ] a\n");
        write("openspec/changes/good/.openspec.yaml", "schema: spec-driven\n");
        write("openspec/changes/good/tasks.md", "- [ ] a\n");
        write("openspec/changes/other/.openspec.yaml", "schema: nope\n");
        write("openspec/changes/yml/tasks.md", "- [ ] a\n");
        write("openspec/config.yaml", "schema: spec-driven.yml\n");
        let tree = load(dir.path(), ".").unwrap();
        let facts: Vec<_> =
            tree.changes.iter().map(|c| (c.name.as_str(), c.schema_resolves, c.tracked, c.task_files.len())).collect();
        // Official 1.13.2: `list` still counts the fallback tasks.md of `bad`,
        // but `validate` tracks no task file for it (schema resolution throws).
        assert_eq!(
            facts,
            [("bad", false, false, 1), ("good", true, true, 1), ("other", false, false, 0), ("yml", true, true, 1)]
        );
        assert!(schema::builtin_spec_driven(&tree, &tree.changes[3].schema));
    }

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

    #[test]
    fn broken_project_schema_is_named_by_its_path() {
        // Official 1.13.2 `readSkipSpecsMarker` on an empty project schema
        // that shadows `spec-driven`.
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("openspec/schemas/spec-driven")).unwrap();
        fs::write(dir.path().join("openspec/schemas/spec-driven/schema.yaml"), "").unwrap();
        let tree = load(dir.path(), ".").unwrap();
        let path = dir.path().join("openspec/schemas/spec-driven/schema.yaml");
        assert_eq!(
            schema::resolve(&tree, "spec-driven"),
            Err(format!(
                "Invalid schema at '{}': Invalid schema: : Invalid input: expected object, received null",
                path.display()
            ))
        );
        assert_eq!(schema::resolve(&tree, "x"), Err("schema: unknown schema 'x'".into()));
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

    #[test]
    fn decode_reports_first_bad_byte() {
        let mut problems = Vec::new();
        let file = decode("t.md".into(), b"ok\nab\xffc\n".to_vec(), &mut problems);
        assert_eq!(file.text, "ok\nab\u{FFFD}c\n");
        assert_eq!(problems[0].line, Some(2));
        assert!(problems[0].message.contains("0xff at column 3"));
    }
}
