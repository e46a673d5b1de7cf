//! The repository's files, for linking changes to code: from git (tracked,
//! plus untracked files that are not ignored), from a list the user gives
//! (`--files`), or by walking the folder when there is no git.

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

/// Every file of the project folder `dir`, `/`-separated and relative to
/// it, without the sites `spec site` wrote (folders with its manifest).
pub fn files(dir: &Path, list: Option<&Path>, repo: Option<&git2::Repository>) -> Result<(Vec<String>, FilesFrom)> {
    let (mut files, from) = all_files(dir, list, repo)?;
    let sites: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_suffix(crate::output::MANIFEST).map(str::to_owned))
        .filter(|d| d.is_empty() || d.ends_with('/'))
        .collect();
    if !sites.is_empty() {
        files.retain(|f| !sites.iter().any(|d| f.starts_with(d.as_str())));
    }
    Ok((files, from))
}

fn all_files(dir: &Path, list: Option<&Path>, repo: Option<&git2::Repository>) -> Result<(Vec<String>, FilesFrom)> {
    if let Some(list) = list {
        let text = std::fs::read_to_string(list).map_err(|source| Error::Read { path: list.to_path_buf(), source })?;
        let mut files: Vec<String> = text
            .lines()
            .map(|l| l.trim().trim_start_matches("./").to_owned())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        files.sort();
        files.dedup();
        return Ok((files, FilesFrom::List(list.display().to_string())));
    }
    if let Some(repo) = repo {
        let prefix = crate::git::repo_path(repo, dir).map(|p| p.join("/")).unwrap_or_default();
        if let Ok(all) = crate::git::work_tree_files(repo) {
            let files = all
                .into_iter()
                .filter_map(|f| {
                    if prefix.is_empty() { Some(f) } else { f.strip_prefix(&format!("{prefix}/")).map(str::to_owned) }
                })
                .collect();
            return Ok((files, FilesFrom::Git));
        }
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        // The plans are read by `load`; links never point into them.
        e.depth() == 0 || !(NOT_CODE.contains(&name.as_ref()) || (e.depth() == 1 && name == "openspec"))
    });
    for entry in walker.flatten() {
        if !entry.file_type().is_dir() {
            files.push(super::relative(dir, entry.path()));
        }
    }
    Ok((files, FilesFrom::Walk))
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
        let (files, from) = files(dir.path(), None, None).unwrap();
        assert_eq!(from, FilesFrom::Walk);
        assert_eq!(files, [".github/workflows/ci.yml", "flake.nix", "hosts/a/default.nix"]);
        // A site `spec site` wrote is not code.
        std::fs::create_dir_all(dir.path().join("site")).unwrap();
        std::fs::write(dir.path().join("site/.spec-site-manifest"), "index.html\n").unwrap();
        std::fs::write(dir.path().join("site/index.html"), "x").unwrap();
        assert_eq!(super::files(dir.path(), None, None).unwrap().0.len(), 3);
        let list = dir.path().join("TREE.txt");
        std::fs::write(&list, "b.nix\n./a.nix\n\n# comment\nb.nix\n").unwrap();
        let (files, from) = super::files(dir.path(), Some(&list), None).unwrap();
        assert_eq!(files, ["a.nix", "b.nix"]);
        assert!(matches!(from, FilesFrom::List(_)));
    }
}
