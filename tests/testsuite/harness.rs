//! `SpecTest`: copy a fixture (or build a tree file by file) into a temp
//! directory, run the `spec` binary on it and look at what it printed.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SpecTest {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Folder of the fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The shared corpus of real OpenSpec trees. Its absence is a failure, not a skip.
pub fn corpus(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(name);
    assert!(
        path.join("openspec").is_dir(),
        "the shared corpus is missing: {} (tests need ../shared/corpus)",
        path.display()
    );
    path
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl SpecTest {
    /// An empty directory.
    pub fn new() -> Self {
        SpecTest { dir: tempfile::tempdir().unwrap() }
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let test = Self::new();
        copy_dir(&fixtures().join(name), test.path());
        test
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (creating folders).
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Create an empty folder.
    pub fn dir(self, rel: &str) -> Self {
        std::fs::create_dir_all(self.path().join(rel)).unwrap();
        self
    }

    /// Run `spec` with the temp directory as working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// Run `spec` in `dir` with colours off and the root normalised to `[ROOT]`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_spec"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("spec runs");
    let root = dir.to_string_lossy().into_owned();
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&root, "[ROOT]");
    Run { stdout: clean(&output.stdout), stderr: clean(&output.stderr), code: output.status.code().unwrap_or(-1) }
}

/// A git repository built inside a test with fixed signatures and times.
pub struct GitRepo {
    pub test: SpecTest,
    pub repo: git2::Repository,
    /// The work tree: the test folder, or a folder inside it.
    dir: PathBuf,
}

/// Seconds since the epoch of noon UTC on `2024-MM-DD` style `day` (`"01-05"`).
fn noon(day: &str) -> i64 {
    let (m, d): (i64, i64) = (day[..2].parse().unwrap(), day[3..].parse().unwrap());
    let before = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335]; // 2024 is a leap year
    (19_723 + before[(m - 1) as usize] + d - 1) * 86_400 + 12 * 3600
}

impl GitRepo {
    /// `git init` in a new temporary folder, with an `openspec/` folder.
    pub fn new() -> Self {
        Self::inside("")
    }

    /// [`GitRepo::new`] in the folder `rel` of a new temporary folder (which
    /// is not a repository).
    pub fn inside(rel: &str) -> Self {
        let dir_of = |p: &str| if rel.is_empty() { p.to_owned() } else { format!("{rel}/{p}") };
        let test = SpecTest::new().file(&dir_of("openspec/project.md"), "# Project\n").dir(&dir_of("openspec/changes"));
        let dir = if rel.is_empty() { test.path().to_path_buf() } else { test.path().join(rel) };
        let repo = git2::Repository::init(&dir).unwrap();
        repo.set_head("refs/heads/main").unwrap();
        GitRepo { test, repo, dir }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Write files (`Some`) and delete them (`None`) in the working tree.
    pub fn write(&self, files: &[(&str, Option<&str>)]) -> &Self {
        for (rel, contents) in files {
            let path = self.path().join(rel);
            match contents {
                Some(c) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, c).unwrap();
                }
                None if path.is_dir() => std::fs::remove_dir_all(&path).unwrap(),
                None => std::fs::remove_file(&path).unwrap(),
            }
        }
        self
    }

    /// Move a file or folder in the working tree.
    pub fn rename(&self, from: &str, to: &str) -> &Self {
        let to = self.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(self.path().join(from), to).unwrap();
        self
    }

    /// Commit everything in the working tree at noon UTC on 2024-`day`
    /// (`"03-14"`), on the current branch; returns the commit id.
    pub fn commit(&self, day: &str, message: &str) -> git2::Oid {
        let mut index = self.repo.index().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("Test", "test@example.org", &git2::Time::new(noon(day), 0)).unwrap();
        let parents: Vec<git2::Commit<'_>> =
            self.repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &refs).unwrap()
    }

    /// Start branch `name` at HEAD and switch to it.
    pub fn branch(&self, name: &str) -> &Self {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        self.repo.branch(name, &head, false).unwrap();
        self.checkout(name)
    }

    /// Switch to branch `name`, updating the working tree.
    pub fn checkout(&self, name: &str) -> &Self {
        let refname = format!("refs/heads/{name}");
        let tree = self.repo.revparse_single(&refname).unwrap();
        self.repo.checkout_tree(&tree, Some(git2::build::CheckoutBuilder::new().force())).unwrap();
        self.repo.set_head(&refname).unwrap();
        self
    }

    /// Merge branch `name` into the current one with a merge commit (no conflicts expected).
    pub fn merge(&self, name: &str, day: &str) -> git2::Oid {
        self.merge_as(name, day, &format!("Merge {name}"))
    }

    /// [`GitRepo::merge`] with this commit message.
    pub fn merge_as(&self, name: &str, day: &str, message: &str) -> git2::Oid {
        let ours = self.repo.head().unwrap().peel_to_commit().unwrap();
        let theirs = self.repo.revparse_single(&format!("refs/heads/{name}")).unwrap().peel_to_commit().unwrap();
        let mut index = self.repo.merge_commits(&ours, &theirs, None).unwrap();
        assert!(!index.has_conflicts(), "merge conflict");
        let tree = self.repo.find_tree(index.write_tree_to(&self.repo).unwrap()).unwrap();
        let sig = git2::Signature::new("Test", "test@example.org", &git2::Time::new(noon(day), 0)).unwrap();
        let id = self.repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &[&ours, &theirs]).unwrap();
        self.repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force())).unwrap();
        id
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.dir, args)
    }
}
