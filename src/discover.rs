//! Stage 1, discovery: find the `openspec/` folders under a root and read
//! every file `spec` needs from them. This is the only module that touches the
//! file system (besides writing outputs); everything after it works on the
//! [`Tree`] it returns.
//!
//! It follows the official CLI's rules for what is a change and what is a
//! spec (`list.ts`, `item-discovery.ts`, `spec-discovery.ts`) and is calm on
//! real-world mess: unreadable files, non-UTF-8 bytes, huge files, symlink
//! loops and links out of the root all become diagnostics, never panics.

use crate::diagnostic::{Diagnostic, Level};
use crate::error::{Error, Result};
use crate::parse;
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

/// A text file read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub path: String,
    /// Contents, decoded as UTF-8 (invalid bytes replaced, as Node.js does).
    pub text: String,
}

/// A spec file: main spec or delta spec.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// Capability id: the folder path below `specs/`, `/`-joined.
    pub id: String,
    pub file: SourceFile,
}

/// What lies under a change's `specs/` besides the `spec.md` files.
#[derive(Debug, Clone, Default)]
pub struct SpecsDir {
    /// `specs/spec.md` is a regular file (a delta with no capability).
    pub root_spec: bool,
    /// Other `.md` files under `specs/` (candidates for "unread delta" errors).
    pub other_markdown: Vec<SourceFile>,
    /// Any non-dot file exists under `specs/` (symlinks count).
    pub has_any_file: bool,
}

/// One change folder, active or archived.
#[derive(Debug, Clone, Default)]
pub struct ChangeDir {
    /// The folder name.
    pub name: String,
    /// Folder path relative to the root.
    pub path: String,
    pub archived: bool,
    /// The name starts with `.` (listed by `openspec list`, skipped by `validate`).
    pub hidden: bool,
    pub proposal: Option<SourceFile>,
    pub design: Option<SourceFile>,
    pub metadata: Option<SourceFile>,
    /// Existing task files the change's schema tracks, sorted by path.
    pub task_files: Vec<SourceFile>,
    /// The workflow schema the change resolves to.
    pub schema: String,
    pub deltas: Vec<SpecFile>,
    pub specs_dir: SpecsDir,
    /// Nested change folders, when this folder only wraps others.
    pub nested: Vec<String>,
}

/// One project: an `openspec/` folder and what was read from it.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// Directory holding `openspec/`, relative to the root (`.` for the root).
    pub name: String,
    /// Absolute path of that directory.
    pub dir: PathBuf,
    pub openspec_dir: String,
    pub project_md: bool,
    pub config: Option<SourceFile>,
    /// Project-local workflow schemas: name and `schema.yaml`, when readable.
    pub schemas: Vec<(String, Option<SourceFile>)>,
    pub specs: Vec<SpecFile>,
    /// Active changes sorted by name, then archived ones sorted by name.
    pub changes: Vec<ChangeDir>,
    /// Problems met while reading.
    pub problems: Vec<Diagnostic>,
}

impl Tree {
    /// Whether a schema name resolves: the built-in `spec-driven` or a
    /// project-local `openspec/schemas/<name>/schema.yaml`.
    pub fn schema_known(&self, name: &str) -> bool {
        name == "spec-driven" || self.schemas.iter().any(|(n, f)| n == name && f.is_some())
    }
}

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
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(MAX_PROJECT_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(SKIP_DIRS.contains(&name.as_ref()) || (name.starts_with('.') && e.file_type().is_dir()))
        });
    for entry in walker.flatten() {
        if entry.file_type().is_dir() && entry.file_name() == "openspec" {
            let parent = entry.path().parent().unwrap_or(root);
            found.push(relative(root, parent));
        }
    }
    found.sort_by(|a, b| (a != ".").cmp(&(b != ".")).then(a.cmp(b)));
    found
}

/// `path` relative to `root`, `/`-separated, `.` for the root itself.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
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
        match fs::read(path) {
            Ok(bytes) => Some(decode(rel, bytes, problems)),
            Err(e) => {
                problems.push(unreadable(&rel, &e));
                None
            }
        }
    }
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

/// Facts about a change's `specs/` folder beyond its `spec.md` files.
fn specs_dir_facts(reader: &Reader, specs: &Path, problems: &mut Vec<Diagnostic>) -> SpecsDir {
    let mut facts = SpecsDir {
        root_spec: fs::symlink_metadata(specs.join("spec.md")).is_ok_and(|m| m.is_file()),
        ..SpecsDir::default()
    };
    if !specs.is_dir() {
        return facts;
    }
    let walker = walkdir::WalkDir::new(specs)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| reader.rel(p)).unwrap_or_else(|| reader.rel(specs));
                problems.push(Diagnostic::error(path, None, format!("cannot read: {e}")));
                facts.has_any_file = true;
                continue;
            }
        };
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        facts.has_any_file = true;
        let name = entry.file_name().to_string_lossy();
        if name != "spec.md"
            && name.to_lowercase().ends_with(".md")
            && let Some(file) = reader.read(entry.path(), problems)
        {
            facts.other_markdown.push(file);
        }
    }
    facts
}

/// Files a change root may hold that mark it as a change.
const CHANGE_MARKERS: &[&str] = &[".openspec.yaml", "proposal.md", "tasks.md", "design.md"];

fn looks_like_change(dir: &Path) -> bool {
    CHANGE_MARKERS.iter().any(|m| dir.join(m).is_file()) || has_any_file(&dir.join("specs"))
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
fn nested_changes(dir: &Path, name: &str) -> Vec<String> {
    if looks_like_change(dir) {
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
    collect_nested(dir, name, 1, &mut found);
    found
}

fn collect_nested(dir: &Path, prefix: &str, depth: usize, found: &mut Vec<String>) {
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
        if looks_like_change(&path) {
            found.push(id);
        } else {
            collect_nested(&path, &id, depth + 1, found);
        }
    }
}

/// Load one project: the folder `dir` (which holds `openspec/`).
pub fn load(root: &Path, name: &str) -> Result<Tree> {
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
        .map(|(n, p, archived)| load_change(&reader, &tree, &default_schema, n, p, *archived))
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
    change.design = reader.read(&dir.join("design.md"), &mut problems);
    change.metadata = reader.read(&dir.join(".openspec.yaml"), &mut problems);
    change.schema = change
        .metadata
        .as_ref()
        .and_then(|m| parse::yaml::metadata(&m.path, &m.text).ok())
        .filter(|m| m.invalid.is_none() && m.schema.as_deref().is_some_and(|s| tree.schema_known(s)))
        .and_then(|m| m.schema)
        .unwrap_or_else(|| default_schema.to_owned());
    let glob = tracked_glob(tree, &change.schema);
    change.task_files = match glob.as_deref() {
        None | Some("tasks.md") => reader.read(&dir.join("tasks.md"), &mut problems).into_iter().collect(),
        Some(pattern) => glob_files(reader, dir, pattern, &mut problems),
    };
    if change.task_files.is_empty() && glob.as_deref().is_some_and(|g| g != "tasks.md") {
        change.task_files.extend(reader.read(&dir.join("tasks.md"), &mut problems));
    }
    let specs = dir.join("specs");
    change.deltas = spec_files(reader, &specs, &mut problems);
    change.specs_dir = specs_dir_facts(reader, &specs, &mut problems);
    if !archived {
        change.nested = nested_changes(dir, name);
    }
    (change, problems)
}

/// The tracked task glob of a schema: `tasks.md` for the built-in one.
fn tracked_glob(tree: &Tree, schema: &str) -> Option<String> {
    if schema == "spec-driven" && !tree.schemas.iter().any(|(n, _)| n == schema) {
        return Some("tasks.md".into());
    }
    let (_, file) = tree.schemas.iter().find(|(n, _)| n == schema)?;
    parse::yaml::schema_tracked_glob(&file.as_ref()?.text).ok().flatten()
}

/// Files under `dir` whose relative path matches a `*`/`**` glob, sorted.
fn glob_files(reader: &Reader, dir: &Path, pattern: &str, problems: &mut Vec<Diagnostic>) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name();
    for entry in walker.into_iter().flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = relative(dir, entry.path());
        if glob_match(pattern, &rel)
            && let Some(file) = reader.read(entry.path(), problems)
        {
            out.push(file);
        }
    }
    out
}

/// Match a `/`-separated path against a glob with `*`, `?` and `**`.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let parts: Vec<&str> = path.split('/').collect();
    match_segments(&pat, &parts)
}

fn match_segments(pat: &[&str], parts: &[&str]) -> bool {
    match pat.split_first() {
        None => parts.is_empty(),
        Some((&"**", rest)) => (0..=parts.len()).any(|i| match_segments(rest, &parts[i..])),
        Some((first, rest)) => parts
            .split_first()
            .is_some_and(|(p, tail)| match_segment(first.as_bytes(), p.as_bytes()) && match_segments(rest, tail)),
    }
}

fn match_segment(pat: &[u8], s: &[u8]) -> bool {
    match pat.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| match_segment(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && match_segment(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && match_segment(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("tasks.md", "tasks.md"));
        assert!(glob_match("plan/*.md", "plan/a.md"));
        assert!(!glob_match("plan/*.md", "plan/x/a.md"));
        assert!(glob_match("**/tasks.md", "a/b/tasks.md"));
        assert!(glob_match("**/tasks.md", "tasks.md"));
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
