//! What `spec` writes and deletes when the repository it reads is hostile
//! (CI on a pull request): committed manifests and symbolic links, FIFOs
//! and devices where it reads back, `--out` at a special file, file modes,
//! builds that fail or are killed, page names a file system refuses, and
//! revisions whose trees try to write outside the scratch folder. Each test
//! failed before the fix it guards. See `docs/security.md`.

use crate::harness::{GitRepo, Run, SpecTest};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run `spec` in `dir` after the shell lines `setup` (a umask, a memory
/// limit), with `env` added, and kill it after 30 s: a hang fails the test
/// instead of stalling the suite.
fn run_sh(dir: &Path, setup: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{setup}\nexec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_spec"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.is_some(), "`spec {}` hung and was killed after 30 s", args.join(" "));
    let root = dir.to_string_lossy().into_owned();
    let clean = |b: Vec<u8>| String::from_utf8_lossy(&b).replace(&root, "[ROOT]");
    Run {
        stdout: clean(stdout.join().unwrap()),
        stderr: clean(stderr.join().unwrap()),
        code: status.unwrap().code().unwrap_or(-1),
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_sh(dir, "", &[], args)
}

/// Every file below `dir` (not following links) and its bytes.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Names in `dir` (one level), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).unwrap().file_type().is_fifo()
}

// 1. A committed manifest and symbolic links.

#[cfg(unix)]
#[test]
fn a_committed_manifest_and_a_linked_folder_cannot_delete_or_write_elsewhere() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("precious.txt"), "mine\n").unwrap();
    let t = SpecTest::fixture("basic").file(
        "site/.spec-site-manifest",
        format!(
            "# Files written by `spec site`; it removes only files listed here.\nchanges/precious.txt\n{}  changes/precious.txt2\n",
            "0".repeat(64)
        ),
    );
    symlink(elsewhere.path(), t.path().join("site/changes"));
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[ROOT]/site/changes is a symbolic link"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("precious.txt")).unwrap(), "mine\n");
    assert_eq!(names(elsewhere.path()), ["precious.txt"], "no page written through the link");
}

#[cfg(unix)]
#[test]
fn the_output_folder_may_not_be_a_link() {
    let elsewhere = tempfile::tempdir().unwrap();
    let t = SpecTest::fixture("basic");
    symlink(elsewhere.path(), t.path().join("site"));
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[ROOT]/site is a symbolic link") && r.stderr.contains("--out"), "{}", r.stderr);
    assert!(names(elsewhere.path()).is_empty());
    // Nor a folder on the way to it, inside the repository.
    std::fs::remove_file(t.path().join("site")).unwrap();
    symlink(elsewhere.path(), t.path().join("docs"));
    let r = run(t.path(), &["site", "--out", "docs/site"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[ROOT]/docs is a symbolic link"), "{}", r.stderr);
    assert!(names(elsewhere.path()).is_empty());
}

#[test]
fn manifest_entries_outside_the_folder_are_errors_not_instructions() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "keep\n").unwrap();
    let t = SpecTest::fixture("basic");
    assert_eq!(run(t.path(), &["site"]).code, 0);
    let up = format!("../{}", t.path().file_name().unwrap().to_string_lossy());
    for entry in [victim.to_string_lossy().into_owned(), "../victim.txt".into(), format!("changes/../{up}/x")] {
        std::fs::write(t.path().join("site/.spec-site-manifest"), format!("# x\n{entry}\n")).unwrap();
        let r = run(t.path(), &["site"]);
        assert_eq!(r.code, 2, "{entry}: {}", r.stderr);
        assert!(r.stderr.contains(".spec-site-manifest:2: the entry"), "{}", r.stderr);
        assert!(victim.is_file());
    }
}

#[test]
fn a_manifest_spec_did_not_write_authorises_nothing() {
    let t = SpecTest::fixture("basic")
        .file("site/.spec-site-manifest", format!("# committed\nnotes.txt\n{}  CNAME\n", "0".repeat(64)))
        .file("site/notes.txt", "my notes\n")
        .file("site/CNAME", "example.org\n");
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 removed; kept 2 listed files"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(t.path().join("site/notes.txt")).unwrap(), "my notes\n");
    assert!(t.path().join("site/CNAME").is_file());
    // What spec itself wrote, it removes; the manifest now has hashes.
    let manifest = std::fs::read_to_string(t.path().join("site/.spec-site-manifest")).unwrap();
    assert!(manifest.lines().any(|l| l.ends_with("  changes/draft-idea.html") && l.len() == 64 + 2 + 23), "{manifest}");
    std::fs::remove_dir_all(t.path().join("openspec/changes/draft-idea")).unwrap();
    let r = run(t.path(), &["site"]);
    assert!(r.stderr.contains("1 removed"), "{}", r.stderr);
    assert!(!t.path().join("site/changes/draft-idea.html").exists());
}

// 2. `--out`, and files read back, at special files and links.

#[test]
fn out_to_stdout_prints_and_replaces_nothing() {
    let t = SpecTest::fixture("basic");
    for out in ["-", "/dev/stdout"] {
        let r = run(t.path(), &["roadmap", "--out", out]);
        assert_eq!(r.code, 0, "{out}: {}", r.stderr);
        assert!(r.stdout.contains("<!-- spec:begin -->"), "{out}: {}", r.stdout);
        assert!(!t.path().join("-").exists() && !t.path().join("ROADMAP.md").exists());
        let r = run(t.path(), &["roadmap", "--check", "--out", out]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(run(t.path(), &["site", "--out", out]).code, 2);
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_where_spec_reads_back_is_refused_without_hanging() {
    let t = SpecTest::fixture("basic");
    mkfifo(&t.path().join("ROADMAP.md"));
    for args in [&["roadmap"][..], &["roadmap", "--check"]] {
        let r = run(t.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("[ROOT]/ROADMAP.md is a FIFO, not a regular file"), "{}", r.stderr);
    }
    assert!(is_fifo(&t.path().join("ROADMAP.md")), "left as it was");

    assert_eq!(run(t.path(), &["site"]).code, 0);
    let before = read_tree(&t.path().join("site"));
    std::fs::remove_file(t.path().join("site/graph.html")).unwrap();
    mkfifo(&t.path().join("site/graph.html"));
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("site/graph.html is a FIFO"), "{}", r.stderr);
    let mut after = read_tree(&t.path().join("site"));
    after.insert("graph.html".into(), before["graph.html"].clone());
    assert_eq!(after, before);
}

#[cfg(unix)]
#[test]
fn a_committed_roadmap_link_is_not_followed() {
    let t = SpecTest::fixture("basic");
    let link = t.path().join("ROADMAP.md");
    symlink("/proc/self/environ", &link);
    let secret = [("SPEC_TEST_SECRET", "hunter2-do-not-print")];
    for args in [&["roadmap", "--check"][..], &["roadmap"]] {
        let r = run_sh(t.path(), "", &secret, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("[ROOT]/ROADMAP.md is a symbolic link"), "{}", r.stderr);
        assert!(!r.stdout.contains("hunter2") && !r.stderr.contains("hunter2"), "{}{}", r.stdout, r.stderr);
    }
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("/proc/self/environ"), "the link is kept");
    // /dev/zero must not make spec allocate without bound: with 4 GiB of
    // address space a regression dies instead of taking the machine.
    std::fs::remove_file(&link).unwrap();
    symlink("/dev/zero", &link);
    for args in [&["roadmap", "--check"][..], &["roadmap"]] {
        let r = run_sh(t.path(), "ulimit -v 4194304", &[], args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("is a symbolic link"), "{}", r.stderr);
    }
    // An --out that is a link is refused too, not replaced.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("target.md"), "mine\n").unwrap();
    symlink(elsewhere.path().join("target.md"), t.path().join("out.md"));
    let r = run(t.path(), &["roadmap", "--out", "out.md"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(t.path().join("out.md")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(elsewhere.path().join("target.md")).unwrap(), "mine\n");
}

#[test]
fn a_roadmap_over_the_size_limit_is_refused() {
    let t = SpecTest::fixture("basic");
    let file = std::fs::File::create(t.path().join("ROADMAP.md")).unwrap();
    file.set_len(17 * 1024 * 1024).unwrap();
    let r = run(t.path(), &["roadmap", "--check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("larger than 16 MiB"), "{}", r.stderr);
}

// 3. Modes.

#[cfg(unix)]
#[test]
fn new_files_follow_the_umask_and_replaced_files_keep_their_mode() {
    let t = SpecTest::fixture("basic");
    assert_eq!(run_sh(t.path(), "umask 022", &[], &["roadmap"]).code, 0);
    assert_eq!(mode(&t.path().join("ROADMAP.md")), 0o644);
    assert_eq!(run_sh(t.path(), "umask 022", &[], &["site"]).code, 0);
    for (path, want) in [("site", 0o755), ("site/changes", 0o755), ("site/index.html", 0o644)] {
        assert_eq!(mode(&t.path().join(path)), want, "{path}");
    }
    // A file that is replaced keeps its mode, whatever the umask.
    std::fs::set_permissions(t.path().join("ROADMAP.md"), std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    std::fs::set_permissions(t.path().join("site/index.html"), std::os::unix::fs::PermissionsExt::from_mode(0o604))
        .unwrap();
    let tasks = t.path().join("openspec/changes/add-2fa/tasks.md");
    std::fs::write(&tasks, std::fs::read_to_string(&tasks).unwrap().replacen("- [ ]", "- [x]", 1)).unwrap();
    assert_eq!(run_sh(t.path(), "umask 077", &[], &["roadmap"]).code, 0);
    assert_eq!(run_sh(t.path(), "umask 077", &[], &["site"]).code, 0);
    assert_eq!(mode(&t.path().join("ROADMAP.md")), 0o640);
    assert_eq!(mode(&t.path().join("site/index.html")), 0o604);
    assert_eq!(mode(&t.path().join("site")), 0o755, "the folder's mode too");
    let fresh = SpecTest::fixture("basic");
    assert_eq!(run_sh(fresh.path(), "umask 027", &[], &["roadmap"]).code, 0);
    assert_eq!(mode(&fresh.path().join("ROADMAP.md")), 0o640);
}

// 4. The site swapped in whole.

/// No `.spec-` temporary file or folder anywhere below `dir` but the manifest.
fn no_temporary_files(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".spec-") || name == ".spec-site-manifest", "left behind: {name}");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let t = SpecTest::fixture("basic");
    assert_eq!(run(t.path(), &["site"]).code, 0);
    let tasks = t.path().join("openspec/changes/add-2fa/tasks.md");
    std::fs::write(&tasks, std::fs::read_to_string(&tasks).unwrap().replacen("- [ ]", "- [x]", 1)).unwrap();
    // A folder where a page goes makes the build fail.
    std::fs::remove_file(t.path().join("site/timeline.html")).unwrap();
    std::fs::create_dir(t.path().join("site/timeline.html")).unwrap();
    let before = read_tree(&t.path().join("site"));
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("site/timeline.html is a folder"), "{}", r.stderr);
    assert_eq!(read_tree(&t.path().join("site")), before, "not one page changed");
    no_temporary_files(t.path());
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_and_only_those() {
    let t = SpecTest::fixture("basic")
        .file(".spec-site-dead01.tmp/spec-site-build", "spec site build of site\n")
        .file(".spec-site-dead01.tmp/site/index.html", "half")
        .file(".spec-site-alien1.tmp/notes.txt", "not spec's\n")
        .file(".spec-site-docs01.tmp/spec-site-build", "spec site build of docs\n")
        // Killed before the marker was written.
        .file(".spec-site-early1.tmp/spec-site-build", "")
        .dir(".spec-site-early2.tmp")
        .file(".spec-site-early3.tmp/spec-site-build", "")
        .file(".spec-site-early3.tmp/notes.txt", "not spec's\n");
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let left: Vec<String> = names(t.path()).into_iter().filter(|n| n.starts_with(".spec-")).collect();
    assert_eq!(left, [".spec-site-alien1.tmp", ".spec-site-docs01.tmp", ".spec-site-early3.tmp"]);
    no_temporary_files(&t.path().join("site"));
}

/// A project of `n` changes, big enough that `spec site` takes a while.
fn big(n: usize) -> SpecTest {
    let mut t = SpecTest::new().file("openspec/project.md", "# P\n");
    for i in 0..n {
        t = t
            .file(&format!("openspec/changes/c{i:04}/proposal.md"), format!("# Change: C {i}\n\n## Why\nBecause.\n"))
            .file(&format!("openspec/changes/c{i:04}/tasks.md"), "## 1. Work\n- [ ] 1.1 One\n- [x] 1.2 Two\n");
    }
    t
}

/// Start `spec site` in `dir`, and kill it (SIGKILL) as soon as it has
/// written something there.
fn kill_mid_build(dir: &Path, before: &[String]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spec"))
        .arg("site")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(60) {
        // A new folder with something in it: pages (or their temporary
        // files) in the site, or the build folder's marker beside it.
        let new = names(dir).into_iter().filter(|n| !before.contains(n));
        if new.into_iter().any(|n| std::fs::read_dir(dir.join(n)).is_ok_and(|mut e| e.next().is_some())) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_killed_build_breaks_neither_the_site_nor_the_next_run() {
    let t = big(400);
    let before = names(t.path());
    kill_mid_build(t.path(), &before);
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 0, "after a killed first build: {}", r.stderr);
    assert_eq!(names(t.path()), [before.clone(), vec!["site".to_owned()]].concat(), "nothing left beside");
    let old = read_tree(&t.path().join("site"));

    // Killed while rebuilding: the site is the old one or the new one, whole.
    std::fs::write(t.path().join("openspec/changes/c0000/tasks.md"), "- [x] 1.1 One\n").unwrap();
    assert_eq!(run(t.path(), &["site", "--out", "new"]).code, 0);
    let new = read_tree(&t.path().join("new"));
    let before = names(t.path());
    kill_mid_build(t.path(), &before);
    let now = read_tree(&t.path().join("site"));
    assert!(now == old || now == new, "a killed rebuild left a mix");
    assert_eq!(run(t.path(), &["site"]).code, 0);
    assert_eq!(read_tree(&t.path().join("site")), new);
    assert_eq!(names(t.path()), before, "nothing left beside");
}

// 5. Page names.

#[test]
fn long_ids_get_page_names_a_file_system_takes() {
    let id = "日本語".repeat(11).chars().take(31).collect::<String>();
    assert_eq!(id.len(), 93);
    let t = SpecTest::fixture("basic")
        .file(&format!("openspec/changes/{id}/proposal.md"), "# Change: Long\n")
        .file(&format!("openspec/changes/{id}/tasks.md"), "- [ ] 1.1 One\n");
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pages = names(&t.path().join("site/changes"));
    let long: Vec<&String> = pages.iter().filter(|p| p.starts_with("~E6~97~A5")).collect();
    assert_eq!(long.len(), 1, "{pages:?}");
    assert!(long[0].len() <= 125 && long[0].contains("~h"), "{}", long[0]);
    let index = std::fs::read_to_string(t.path().join("site/index.html")).unwrap();
    assert!(index.contains(&format!("href=\"changes/{}\"", long[0])), "the index links to the same name");
    assert_eq!(run(t.path(), &["site"]).code, 0);
    assert_eq!(names(&t.path().join("site/changes")), pages, "stable");
}

#[cfg(unix)]
#[test]
fn ids_that_are_not_utf8_get_distinct_pages_and_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let t = SpecTest::new().file("openspec/project.md", "# P\n");
    for (i, name) in [&b"x\xff"[..], b"x\xfe", "x\u{fffd}".as_bytes()].iter().enumerate() {
        let dir = t.path().join("openspec/changes").join(std::ffi::OsStr::from_bytes(name));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("proposal.md"), format!("# Change: X {i}\n")).unwrap();
        std::fs::write(dir.join("tasks.md"), "- [ ] 1.1 One\n").unwrap();
    }
    let r = run(t.path(), &["site"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.matches("folder name is not valid UTF-8").count(), 2, "{}", r.stderr);
    let pages = names(&t.path().join("site/changes"));
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages.contains(&"x~EF~BF~BD.html".to_owned()), "{pages:?}");
    for i in 0..3 {
        let found = pages.iter().any(|p| {
            std::fs::read_to_string(t.path().join("site/changes").join(p)).unwrap().contains(&format!("X {i}"))
        });
        assert!(found, "change {i} has its own page: {pages:?}");
    }
}

// 6. Revisions materialised for `spec diff`.

/// A tree object written as given, even one git would not make (a name
/// twice): `(mode, name, id)`.
fn raw_tree(repo: &git2::Repository, entries: &[(&str, &[u8], git2::Oid)]) -> git2::Oid {
    let mut bytes = Vec::new();
    for (mode, name, id) in entries {
        bytes.extend_from_slice(mode.as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(name);
        bytes.push(0);
        bytes.extend_from_slice(id.as_bytes());
    }
    repo.odb().unwrap().write(git2::ObjectType::Tree, &bytes).unwrap()
}

fn commit_tree(r: &GitRepo, tree: git2::Oid) {
    let sig = git2::Signature::new("Test", "test@example.org", &git2::Time::new(1_710_000_000, 0)).unwrap();
    let parent = r.repo.head().unwrap().peel_to_commit().unwrap();
    let tree = r.repo.find_tree(tree).unwrap();
    r.repo.commit(Some("HEAD"), &sig, &sig, "hostile", &tree, &[&parent]).unwrap();
}

#[test]
fn a_revision_cannot_write_through_a_link_it_commits() {
    let outside = tempfile::tempdir().unwrap();
    let r = GitRepo::new();
    r.write(&[("openspec/changes/a/tasks.md", Some("- [ ] 1.1 One\n"))]);
    r.commit("03-01", "Base");
    let blob = |bytes: &[u8]| r.repo.blob(bytes).unwrap();
    let evil = raw_tree(
        &r.repo,
        &[("100644", b"proposal.md", blob(b"# Change: Evil\n")), ("100644", b"tasks.md", blob(b"- [ ] 1.1 x\n"))],
    );
    let changes = raw_tree(&r.repo, &[("40000", b"evil", evil)]);
    let link = blob(outside.path().to_string_lossy().as_bytes());
    // `changes` twice: a link out of the scratch folder, then a folder.
    let openspec = raw_tree(
        &r.repo,
        &[("120000", b"changes", link), ("40000", b"changes", changes), ("100644", b"project.md", blob(b"# P\n"))],
    );
    commit_tree(&r, raw_tree(&r.repo, &[("40000", b"openspec", openspec), ("120000", b"roadmap", link)]));
    let run = r.run(&["diff", "HEAD~1", "HEAD", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["added"], serde_json::json!(["evil"]), "the folder is read as a folder");
    assert!(names(outside.path()).is_empty(), "nothing written through the link");
}

#[cfg(unix)]
#[test]
fn revision_names_that_are_not_utf8_stay_apart() {
    let r = GitRepo::new();
    r.write(&[("openspec/project.md", Some("# P\n"))]);
    r.commit("03-01", "Base");
    let head = r.repo.head().unwrap().peel_to_tree().unwrap();
    let blob = |bytes: &[u8]| r.repo.blob(bytes).unwrap();
    let change = raw_tree(&r.repo, &[("100644", b"tasks.md", blob(b"- [ ] 1.1 One\n"))]);
    let changes = raw_tree(&r.repo, &[("40000", b"x\xfe", change), ("40000", b"x\xff", change)]);
    let project = head.get_path(Path::new("openspec/project.md")).unwrap().id();
    let openspec = raw_tree(&r.repo, &[("40000", b"changes", changes), ("100644", b"project.md", project)]);
    commit_tree(&r, raw_tree(&r.repo, &[("40000", b"openspec", openspec)]));
    let run = r.run(&["diff", "HEAD~1", "HEAD", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let added = run.json()["added"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2, "{added:?}");
}
