//! `--watch`: each watcher is started on a copy of a fixture, a task is
//! checked in a tasks.md, the new output is waited for (polled, up to 20 s
//! on a loaded machine, returning as soon as it is there), and the watcher
//! is stopped with a signal: it exits 0 and leaves no temporary file.

use crate::harness::SpecTest;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Long enough for a loaded 2-core machine; polled, so a pass is quick.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running `spec ... --watch` and what it printed so far.
struct Watching {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// Read a pipe to its end into a shared buffer, in a thread.
fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let into = Arc::clone(&buffer);
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            into.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    buffer
}

impl Watching {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_spec"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spec starts");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Watching { child, stdout, stderr }
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Wait until `done` holds of (stdout, stderr); fail naming `what`.
    fn wait_for(&mut self, what: &str, done: impl Fn(&str, &str) -> bool) {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if done(&self.stdout(), &self.stderr()) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("spec exited ({status}) before {what}:\n{}\n{}", self.stdout(), self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("no {what} within {PATIENCE:?}:\nstdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
    }

    /// Send `signal` and wait for the exit code.
    fn stop(self, signal: rustix::process::Signal) -> (i32, String, String) {
        rustix::process::kill_process(rustix::process::Pid::from_child(&self.child), signal).unwrap();
        self.exit()
    }

    /// Wait for the process to end: its exit code and what it printed.
    fn exit(mut self) -> (i32, String, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("spec did not stop:\n{}\n{}", self.stdout(), self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The readers see the pipes close once the process is gone.
        std::thread::sleep(Duration::from_millis(50));
        (status.code().unwrap_or(-1), self.stdout(), self.stderr())
    }
}

/// Save `path` with `edit` applied as an editor does (a new file renamed
/// over it), so that no run can see it half-written however slow the
/// machine.
fn save(path: &Path, edit: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let new = edit(&text);
    assert_ne!(new, text, "the edit changes {}", path.display());
    let tmp = path.with_extension("saving");
    std::fs::write(&tmp, new).unwrap();
    std::fs::rename(tmp, path).unwrap();
}

/// Check task `number` of add-login (unchecked in the fixture).
fn check_task(t: &SpecTest, number: &str) {
    let (unchecked, checked) = (format!("- [ ] {number} "), format!("- [x] {number} "));
    save(&t.path().join("openspec/changes/add-login/tasks.md"), |text| text.replace(&unchecked, &checked));
}

/// Names in `dir` (recursively) that spec's writers give temporary files
/// and build folders; the site's manifest is no temporary file.
fn temporary_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".spec-") && n != ".spec-site-manifest")
        .collect()
}

/// `spec <args>` watching a copy of the basic fixture, once its first run
/// printed what `first` looks for in (stdout, stderr).
fn watch_basic(args: &[&str], first: impl Fn(&str, &str) -> bool) -> (SpecTest, Watching) {
    let t = SpecTest::fixture("basic");
    let mut w = Watching::start(t.path(), args);
    w.wait_for("the first run's output", first);
    (t, w)
}

/// The dashboards printed so far: each is followed by a line `---`.
fn dashboards(stdout: &str) -> Vec<&str> {
    stdout.split_terminator("---\n").collect()
}

#[test]
fn status_watch_prints_the_dashboard_again_when_a_task_is_checked() {
    let (t, mut w) = watch_basic(&["status", "--watch"], |out, _| dashboards(out).len() == 1);
    assert!(dashboards(&w.stdout())[0].contains("add-login   ██████████░░░░░░░░░░     2/4"), "{}", w.stdout());
    check_task(&t, "2.1");
    w.wait_for("dashboard with 3/4", |out, _| dashboards(out).last().is_some_and(|d| d.contains("3/4     75%")));
    // Ctrl-C: the same clean stop.
    let (code, stdout, stderr) = w.stop(rustix::process::Signal::INT);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "watching openspec/, roadmap/roadmap.yaml for changes; Ctrl-C stops\n");
    // A dashboard is printed when it changed, not on every event.
    assert_eq!(dashboards(&stdout).len(), 2, "{stdout}");
}

#[test]
fn status_watch_in_a_flake_follows_its_nix_files() {
    let t = SpecTest::fixture("flake")
        .file(
            "openspec/changes/nightly-backups/proposal.md",
            "# Change: Nightly backups\n\n## What Changes\n- Tune `modules/services/backup.nix`\n",
        )
        .file("openspec/changes/nightly-backups/tasks.md", "- [x] 1.1 Schedule\n- [ ] 1.2 Prune\n");
    let kumo =
        |d: &str| d.lines().any(|l| l.starts_with("  kumo ") && l.contains("1 open") && l.contains("nightly-backups"));
    let mut w = Watching::start(t.path(), &["status", "--watch"]);
    w.wait_for("first dashboard", |out, _| dashboards(out).len() == 1);
    assert!(!kumo(&w.stdout()), "{}", w.stdout());
    // Only rog switches backups on; now kumo does too.
    save(&t.path().join("hosts/kumo/default.nix"), |text| {
        text.replace("  system.stateVersion", "  services.backup.enable = true;\n  system.stateVersion")
    });
    w.wait_for("kumo with the change", |out, _| dashboards(out).last().is_some_and(|d| kumo(d)));
    let (code, _, stderr) = w.stop(rustix::process::Signal::TERM);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("*.nix"), "{stderr}");
}

#[test]
fn site_watch_rebuilds_the_pages_that_changed_and_says_which() {
    let (t, mut w) = watch_basic(&["site", "--watch"], |_, err| err.contains("site: rebuilt "));
    let page = t.path().join("site/changes/add-login.html");
    assert!(std::fs::read_to_string(&page).unwrap().contains("2/4 tasks"));
    let archive = std::fs::read(t.path().join("site/archive.html")).unwrap();
    check_task(&t, "2.1");
    w.wait_for("the page with 3/4", |_, _| std::fs::read_to_string(&page).is_ok_and(|p| p.contains("3/4 tasks")));
    w.wait_for("the report of the rebuild", |_, err| err.matches("site: rebuilt ").count() == 2);
    let (code, _, stderr) = w.stop(rustix::process::Signal::TERM);
    assert_eq!(code, 0, "{stderr}");
    let second = stderr.lines().filter(|l| l.starts_with("site: rebuilt ")).nth(1).unwrap();
    assert!(second.contains("changes/add-login.html") && second.contains("index.html"), "{second}");
    assert!(!second.contains("archive.html"), "{second}");
    assert_eq!(std::fs::read(t.path().join("site/archive.html")).unwrap(), archive);
    assert_eq!(temporary_files(t.path()), Vec::<String>::new());
}

#[test]
fn roadmap_watch_rewrites_roadmap_md_and_outlives_a_broken_file() {
    let (t, mut w) = watch_basic(&["roadmap", "--watch"], |_, err| err.contains("wrote ROADMAP.md\n"));
    let roadmap = t.path().join("ROADMAP.md");
    assert!(std::fs::read_to_string(&roadmap).unwrap().contains("`add-login`: Add login rate limiting (2/4 tasks)"));
    // A roadmap file saved half-way: the error is printed, the watch goes on.
    std::fs::create_dir(t.path().join("roadmap")).unwrap();
    std::fs::write(t.path().join("roadmap/roadmap.yaml"), "phases: [\n").unwrap();
    w.wait_for("the error", |_, err| err.contains("invalid roadmap file"));
    std::fs::remove_file(t.path().join("roadmap/roadmap.yaml")).unwrap();
    w.wait_for("a run after the fix", |_, err| err.ends_with("ROADMAP.md is up to date\n"));
    check_task(&t, "2.1");
    w.wait_for("ROADMAP.md with 3/4", |_, _| {
        std::fs::read_to_string(&roadmap).is_ok_and(|r| r.contains("Add login rate limiting (3/4 tasks)"))
    });
    let (code, _, stderr) = w.stop(rustix::process::Signal::TERM);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("wrote ROADMAP.md\n").count(), 2, "{stderr}");
    assert_eq!(temporary_files(t.path()), Vec::<String>::new());
}

#[test]
fn watch_refuses_what_writes_no_file_or_prints_json() {
    let t = SpecTest::fixture("basic").file("notes/keep.md", "mine\n");
    // Each ends at once (a watch that started would fail the wait).
    let refused = |args: &[&str], why: &str| {
        let (code, _, stderr) = Watching::start(t.path(), args).exit();
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    };
    refused(&["status", "--watch", "--json"], "cannot be used with");
    refused(&["roadmap", "--watch", "--check"], "cannot be used with");
    refused(&["roadmap", "--watch", "--stdout"], "cannot be used with");
    refused(&["roadmap", "--watch", "--out", "-"], "--out names stdout");
    // A folder spec site refuses is no edit to wait for.
    refused(&["site", "--watch", "--out", "notes"], "not made by `spec site`");
}
