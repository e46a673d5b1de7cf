//! Watching a project for `--watch`: which files a command's output is
//! made of ([`Targets`]: each project's `openspec/` folder, its roadmap
//! file and, in a flake, its `.nix` files; never the command's own output,
//! spec's temporary files, `.git/` or `target/`), and a debounced
//! file-system watcher over them ([`Watcher`], on `notify`) that also wakes
//! on Ctrl-C, SIGTERM and SIGHUP. Files opened or read are no change: the
//! command's own reading would otherwise start it again.
//!
//! A stop is only a message: the command finishes what it is writing
//! (every write is a temporary file renamed into place) and returns. A
//! second signal before the first one is acted on ends the process at once
//! with exit code 130, for a cycle that hangs.

use crate::config::Config;
use crate::context::plan::ROADMAP_FILE;
use crate::error::{Error, Result};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long the files must be quiet before a change counts: an editor's
/// save (a temporary file, a rename, a second write) is one change.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// The exit code of a second signal, which does not wait for the cycle.
pub const INTERRUPTED: i32 = 130;

/// Folders never watched, at any depth: version control, build output,
/// dependencies, Nix's build links.
const SKIPPED: &[&str] = &[".git", ".jj", ".hg", ".direnv", "target", "node_modules", "result"];

/// What spec's own writers name their temporary files and site builds.
const TEMPORARY: &str = ".spec-";

/// An editor's scratch file (Vim's swap files and write test, Emacs's lock
/// and autosave files, backups ending in `~`): written while one types,
/// never read by spec. The save itself is a change of the real file.
fn scratch(name: &str) -> bool {
    [".swp", ".swo", ".swx", "~"].iter().any(|end| name.ends_with(end))
        || name.starts_with(".#")
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// The files a command's output is made of, and the outputs it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    projects: Vec<ProjectFiles>,
    outputs: Vec<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ProjectFiles {
    dir: PathBuf,
    openspec: PathBuf,
    roadmap: PathBuf,
    /// The project has a `flake.nix`: its `.nix` files count.
    flake: bool,
}

impl Targets {
    /// The targets of the projects `config` selects; `outputs` are the
    /// files and folders the command writes, whose changes never count.
    pub fn new(config: &Config, outputs: &[PathBuf]) -> Self {
        let projects = config
            .projects
            .iter()
            .map(|name| {
                let dir = canonical(&if name == "." { config.root.clone() } else { config.root.join(name) });
                let roadmap = config.roadmap_file.as_deref().map_or_else(|| dir.join(ROADMAP_FILE), canonical);
                ProjectFiles { openspec: dir.join("openspec"), flake: dir.join("flake.nix").is_file(), roadmap, dir }
            })
            .collect();
        Targets { projects, outputs: outputs.iter().map(|o| canonical(o)).collect() }
    }

    /// What the summary line names: `openspec/`, the roadmap file, `*.nix`,
    /// relative to `root`.
    pub fn describe(&self, root: &Path) -> String {
        let root = canonical(root);
        let mut parts: Vec<String> = Vec::new();
        for p in &self.projects {
            let mut add = |s: String| {
                if !parts.contains(&s) {
                    parts.push(s);
                }
            };
            add(format!("{}/", crate::discover::relative(&root, &p.openspec)));
            add(crate::discover::relative(&root, &p.roadmap));
            if p.flake {
                add(match crate::discover::relative(&root, &p.dir).as_str() {
                    "." => "*.nix".to_owned(),
                    dir => format!("{dir}/**/*.nix"),
                });
            }
        }
        parts.join(", ")
    }

    /// Whether a change at `path` (absolute, canonical) can change the
    /// output: it is in `openspec/`, is the roadmap file or a folder on the
    /// way to it, or in a flake a `.nix` file; and it is not an output,
    /// spec's temporary file, or inside `.git/`, `target/` and the like.
    pub fn relevant(&self, path: &Path) -> bool {
        if self.outputs.iter().any(|o| path.starts_with(o)) {
            return false;
        }
        self.projects.iter().any(|p| {
            if path == p.roadmap {
                return true;
            }
            let Ok(rel) = path.strip_prefix(&p.dir) else { return false };
            let skipped = rel.components().any(|c| {
                let name = c.as_os_str().to_string_lossy();
                SKIPPED.contains(&name.as_ref()) || name.starts_with(TEMPORARY)
            });
            if skipped || rel.as_os_str().is_empty() || path.file_name().is_some_and(|n| scratch(&n.to_string_lossy()))
            {
                return false;
            }
            path.starts_with(&p.openspec)
                || p.roadmap.starts_with(path)
                || (p.flake && path.extension().is_some_and(|e| e == "nix"))
        })
    }

    /// The folders to watch, and whether each is watched with what it
    /// holds: the project folder itself (for `flake.nix`, a roadmap file or
    /// `openspec/` made later), `openspec/` whole, the folder of the roadmap
    /// file, and in a flake each top-level folder whole but hidden,
    /// skipped and output ones. Only folders that exist.
    fn watches(&self) -> BTreeMap<PathBuf, bool> {
        let mut out: BTreeMap<PathBuf, bool> = BTreeMap::new();
        for p in self.projects.iter().filter(|p| p.dir.is_dir()) {
            out.insert(p.dir.clone(), false);
            if p.openspec.is_dir() {
                out.insert(p.openspec.clone(), true);
            }
            if let Some(folder) = p.roadmap.ancestors().skip(1).find(|a| a.is_dir())
                && !folder.starts_with(&p.openspec)
            {
                out.entry(folder.to_path_buf()).or_insert(false);
            }
            if !p.flake {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&p.dir) else { continue };
            for entry in entries.flatten() {
                let (path, name) = (entry.path(), entry.file_name().to_string_lossy().into_owned());
                let wanted = entry.file_type().is_ok_and(|t| t.is_dir())
                    && !name.starts_with('.')
                    && !SKIPPED.contains(&name.as_str())
                    && path != p.openspec
                    && !self.outputs.iter().any(|o| path.starts_with(o));
                if wanted {
                    out.insert(path, true);
                }
            }
        }
        // A folder inside one watched whole is watched already.
        let whole: Vec<PathBuf> = out.iter().filter(|(_, r)| **r).map(|(p, _)| p.clone()).collect();
        out.retain(|path, _| !whole.iter().any(|w| path != w && path.starts_with(w)));
        out
    }
}

/// A path made absolute and free of links as far as it exists; the rest
/// kept as given (a file spec has not written yet).
fn canonical(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return missing.iter().rev().fold(real, |p, name| p.join(name));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Why a watcher woke up.
#[derive(Debug)]
pub enum Wake {
    /// Files that can change the output changed (the relevant ones, sorted;
    /// empty when the system lost track and everything may have changed).
    Changed(Vec<PathBuf>),
    /// Ctrl-C, SIGTERM or SIGHUP.
    Stop,
    /// The file-system watcher reported a problem; it goes on.
    Trouble(String),
}

enum Message {
    File(notify::Result<notify::Event>),
    Stop,
}

/// A watcher over a command's [`Targets`], debounced (a change counts once
/// the files have been quiet for [`DEBOUNCE`]), which also wakes on a
/// signal to stop.
pub struct Watcher {
    watcher: RecommendedWatcher,
    messages: Receiver<Message>,
    targets: Targets,
    /// What is watched: folder → (whole, the folder's identity when armed).
    watched: BTreeMap<PathBuf, (bool, Option<(u64, u64)>)>,
}

/// However busy the files, a change counts after this long.
const MAX_WAIT: Duration = Duration::from_secs(2);

impl Watcher {
    /// Watch `targets`, and take over Ctrl-C, SIGTERM and SIGHUP for the
    /// rest of the process.
    pub fn new(targets: Targets) -> Result<Self> {
        let (tx, messages) = channel();
        on_stop(tx.clone())?;
        let watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(Message::File(event));
        })
        .map_err(|e| Error::Watch(format!("cannot start watching files: {e}")))?;
        let mut watcher = Watcher { watcher, messages, targets, watched: BTreeMap::new() };
        watcher.arm()?;
        Ok(watcher)
    }

    /// What is watched, for the summary line.
    pub fn targets(&self) -> &Targets {
        &self.targets
    }

    /// Watch what `targets` needs now: folders made since are added, and a
    /// folder removed or replaced is watched again where it is now.
    pub fn retarget(&mut self, targets: Targets) -> Result<()> {
        self.targets = targets;
        self.arm()
    }

    fn arm(&mut self) -> Result<()> {
        let wanted = self.targets.watches();
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|(path, (whole, id))| wanted.get(*path) != Some(whole) || identity(path) != *id)
            .map(|(path, _)| path.clone())
            .collect();
        for path in stale {
            let _ = self.watcher.unwatch(&path);
            self.watched.remove(&path);
        }
        for (path, whole) in wanted {
            if self.watched.contains_key(&path) {
                continue;
            }
            let mode = if whole { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            self.watcher
                .watch(&path, mode)
                .map_err(|e| Error::Watch(format!("cannot watch {}: {e}", path.display())))?;
            let id = identity(&path);
            self.watched.insert(path, (whole, id));
        }
        Ok(())
    }

    /// The paths of an event that can change the output: none for a file
    /// opened or read (spec's own reading, an editor's), `Some(empty)` when
    /// the system lost events and anything may have changed.
    fn counts(&self, event: &notify::Event) -> Option<Vec<PathBuf>> {
        use notify::event::{AccessKind, AccessMode, EventKind};
        if event.need_rescan() {
            return Some(Vec::new());
        }
        if matches!(event.kind, EventKind::Access(kind) if kind != AccessKind::Close(AccessMode::Write)) {
            return None;
        }
        let paths: Vec<PathBuf> = event.paths.iter().filter(|p| self.targets.relevant(p)).cloned().collect();
        (!paths.is_empty()).then_some(paths)
    }

    /// Wait for a change that counts, then for the files to be quiet for
    /// [`DEBOUNCE`] (at most 2 s); or for a stop, which wins over
    /// changes, or a problem of the watcher.
    pub fn wait(&mut self) -> Wake {
        let mut changed = Vec::new();
        loop {
            match self.messages.recv() {
                Err(_) | Ok(Message::Stop) => return stopped(),
                Ok(Message::File(Err(e))) => return Wake::Trouble(e.to_string()),
                Ok(Message::File(Ok(event))) => {
                    if let Some(paths) = self.counts(&event) {
                        changed.extend(paths);
                        break;
                    }
                }
            }
        }
        let started = Instant::now();
        let mut quiet_at = started + DEBOUNCE;
        loop {
            let now = Instant::now();
            let message = match self.messages.recv_timeout(quiet_at.saturating_duration_since(now)) {
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) | Ok(Message::Stop) => return stopped(),
                Ok(message) => message,
            };
            if let Message::File(Ok(event)) = message
                && let Some(paths) = self.counts(&event)
            {
                changed.extend(paths);
                quiet_at = (Instant::now() + DEBOUNCE).min(started + MAX_WAIT);
            }
        }
        changed.sort();
        changed.dedup();
        Wake::Changed(changed)
    }
}

/// A stop, taken: a later signal is a first one again.
fn stopped() -> Wake {
    STOPPING.store(false, Ordering::SeqCst);
    Wake::Stop
}

/// A folder's device and inode: a folder removed and made again is another.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<(u64, u64)> {
    path.is_dir().then_some((0, 0))
}

/// Where a signal is sent: the newest watcher's channel.
static STOP_TO: OnceLock<Mutex<Option<Sender<Message>>>> = OnceLock::new();
/// A stop was sent and not yet taken: a second signal does not wait.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Send a stop to `tx` on Ctrl-C, SIGTERM or SIGHUP (the handler is
/// installed once; a later watcher takes it over).
fn on_stop(tx: Sender<Message>) -> Result<()> {
    let mut installed = Ok(());
    let slot = STOP_TO.get_or_init(|| {
        installed = ctrlc::set_handler(|| {
            if STOPPING.swap(true, Ordering::SeqCst) {
                std::process::exit(INTERRUPTED);
            }
            let sent = STOP_TO
                .get()
                .and_then(|slot| slot.lock().ok()?.as_ref().map(|tx| tx.send(Message::Stop).is_ok()))
                .unwrap_or(false);
            if !sent {
                std::process::exit(INTERRUPTED);
            }
        });
        Mutex::new(None)
    });
    installed.map_err(|e| Error::Watch(format!("cannot take over Ctrl-C: {e}")))?;
    *slot.lock().map_err(|_| Error::Watch("the signal handler failed".into()))? = Some(tx);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(dir: &Path, flake: bool, outputs: &[&str]) -> Targets {
        Targets {
            projects: vec![ProjectFiles {
                dir: dir.to_path_buf(),
                openspec: dir.join("openspec"),
                roadmap: dir.join(ROADMAP_FILE),
                flake,
            }],
            outputs: outputs.iter().map(|o| dir.join(o)).collect(),
        }
    }

    #[test]
    fn only_the_plans_and_a_flakes_nix_files_count_never_the_outputs() {
        let dir = Path::new("/p");
        let t = targets(dir, false, &["site", "ROADMAP.md"]);
        for yes in ["openspec/changes/a/tasks.md", "openspec", "roadmap/roadmap.yaml", "roadmap"] {
            assert!(t.relevant(&dir.join(yes)), "{yes}");
        }
        for no in [
            "",
            "ROADMAP.md",
            "site/index.html",
            ".spec-abc.tmp",
            ".spec-site-x.tmp/site/index.html",
            "openspec/.spec-x.tmp",
            "openspec/changes/a/.tasks.md.swp",
            "openspec/changes/a/tasks.md~",
            "openspec/changes/a/.#tasks.md",
            "openspec/changes/a/#tasks.md#",
            "openspec/changes/a/4913",
            "roadmap/other.yaml",
            "src/main.rs",
            "hosts/a.nix",
            "/elsewhere/openspec/x.md",
        ] {
            assert!(!t.relevant(&dir.join(no)), "{no}");
        }
        let f = targets(dir, true, &["site"]);
        assert!(f.relevant(&dir.join("hosts/a/default.nix")) && f.relevant(&dir.join("flake.nix")));
        for no in [".git/x.nix", "target/x.nix", "result/x.nix", "site/x.nix", "hosts/notes.md"] {
            assert!(!f.relevant(&dir.join(no)), "{no}");
        }
    }

    #[test]
    fn folders_are_watched_once_and_outputs_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = canonical(tmp.path());
        for d in ["openspec/changes", "roadmap", "hosts/a", "site", ".git", "target"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        let plain: Vec<(String, bool)> = targets(&dir, false, &["site"])
            .watches()
            .into_iter()
            .map(|(p, r)| (crate::discover::relative(&dir, &p), r))
            .collect();
        assert_eq!(plain, [(".".into(), false), ("openspec".into(), true), ("roadmap".into(), false)]);
        let flake: Vec<String> =
            targets(&dir, true, &["site"]).watches().into_keys().map(|p| crate::discover::relative(&dir, &p)).collect();
        assert_eq!(flake, [".", "hosts", "openspec", "roadmap"]);
    }

    #[test]
    fn a_path_not_yet_made_is_canonical_as_far_as_it_exists() {
        let tmp = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(canonical(&tmp.path().join("a/b.md")), real.join("a/b.md"));
    }
}
