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
