//! The repository's files, for linking changes to code, when git does not
//! list them: from a list the user gives (`--files`), or by walking the
//! folder. (With git, the list is git's: tracked files plus untracked ones
//! that are not ignored, read by `git::work_tree_files`.)

use crate::error::{Error, Result};
use std::path::Path;

/// Folders a walk never enters: version control, dependencies, build output.
const NOT_CODE: &[&str] =
    &[".git", ".jj", ".hg", "node_modules", "target", "result", ".direnv", ".venv", "__pycache__"];

/// Where the file list came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilesFrom {
    Git,
    List(String),
    Walk,
}

/// The paths a list file names, one per line relative to the project
/// folder (`./` dropped, blank lines and `#` comments skipped), sorted,
/// without duplicates.
pub fn list(list: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(list).map_err(|source| Error::Read { path: list.to_path_buf(), source })?;
    let mut files: Vec<String> = text
        .lines()
        .map(|l| l.trim().trim_start_matches("./").to_owned())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

/// Every file below `dir`, `/`-separated and relative to it, in name order,
/// without version control, dependency and build folders, and without `openspec/` (the plans
/// are read by `load`; links never point into them).
pub fn walk(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !(NOT_CODE.contains(&name.as_ref()) || (e.depth() == 1 && name == "openspec"))
    });
    for entry in walker.flatten() {
        if !entry.file_type().is_dir() {
            files.push(super::relative(dir, entry.path()));
        }
    }
    files
}

/// `files` without those inside folders that hold `manifest` (the sites
/// `spec site` wrote are not code).
pub fn without_sites(mut files: Vec<String>, manifest: &str) -> Vec<String> {
    let sites: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_suffix(manifest).map(str::to_owned))
        .filter(|d| d.is_empty() || d.ends_with('/'))
        .collect();
    if !sites.is_empty() {
        files.retain(|f| !sites.iter().any(|d| f.starts_with(d.as_str())));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_without_git_and_reads_lists() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["flake.nix", "hosts/a/default.nix", "node_modules/x/y.js", "result/bin/z", ".github/workflows/ci.yml"]
        {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        assert_eq!(walk(dir.path()), [".github/workflows/ci.yml", "flake.nix", "hosts/a/default.nix"]);
        let list_file = dir.path().join("TREE.txt");
        std::fs::write(&list_file, "b.nix\n./a.nix\n\n# comment\nb.nix\n").unwrap();
        assert_eq!(list(&list_file).unwrap(), ["a.nix", "b.nix"]);
    }

    #[test]
    fn sites_are_not_code() {
        let files = ["a.nix", "site/.manifest", "site/index.html", "docs/site/x", ".manifest"].map(String::from);
        assert!(without_sites(files[..4].to_vec(), ".manifest") == ["a.nix", "docs/site/x"]);
        assert!(without_sites(files.to_vec(), ".manifest").is_empty(), "a site at the root covers everything");
    }
}
