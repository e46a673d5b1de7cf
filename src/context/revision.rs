//! A project as it was at a git revision, for `spec diff`: its files
//! written to a scratch folder (git objects only, nothing run), then read by
//! the usual discovery, with its roadmap file from the same revision when
//! that lives in the project.
//!
//! A file that cannot be written (an object missing from the store, a name
//! the file system refuses) is read as missing, with a warning naming its
//! repository path and the revision, never the scratch folder.

use super::{CodeContext, CodeSource, Evidence, Loaded, Plan, plan::ROADMAP_FILE};
use crate::analyse::overlaps::Overlap;
use crate::config::Config;
use crate::git;
use crate::model::{Diagnostic, Level};

/// One side of a comparison: a project read from a revision.
pub struct Revision {
    /// Deleted when the revision is dropped.
    scratch: tempfile::TempDir,
    /// The revision as given (`main`, `HEAD~3`).
    pub label: String,
    /// Full commit id.
    pub commit: String,
    /// The project's folder in the repository, as path parts.
    project: Vec<String>,
    pub loaded: Loaded,
    pub plan: Plan,
    /// What could not be read at this revision, as warnings (sorted by path).
    pub warnings: Vec<Diagnostic>,
}

impl Revision {
    /// The overlaps between its active changes, their declared links
    /// resolved against the files of the commit.
    pub fn overlaps(&self, repo: &git2::Repository) -> Result<Vec<Overlap>, String> {
        let files = git::files_at(repo, &self.commit, &self.project)?;
        let list = self.scratch.path().join(".spec-files");
        std::fs::write(&list, files.join("\n")).map_err(|e| e.to_string())?;
        let source = CodeSource { files: Some(&list), no_git: true };
        let ctx = CodeContext::read(&self.loaded, source, Evidence::Files, None).map_err(|e| e.to_string())?;
        Ok(ctx.overlaps(&self.loaded))
    }

    /// Read the project `l` as it was at `rev`. The message says what failed.
    pub fn read(repo: &git2::Repository, l: &Loaded, config: &Config, rev: &str) -> Result<Self, String> {
        let commit = git::resolve(repo, rev)?;
        let project: Vec<String> = git::repo_path(repo, &l.tree.dir).map_err(|e| e.to_string())?;
        let in_repo = |parts: &[&str]| -> String {
            project.iter().map(String::as_str).chain(parts.iter().copied()).collect::<Vec<_>>().join("/")
        };
        // The roadmap file comes from the revision too when it lives in the project.
        let roadmap_rel = match &config.roadmap_file {
            Some(f) => f.strip_prefix(&l.tree.dir).ok().map(|r| r.to_string_lossy().replace('\\', "/")),
            None => Some(ROADMAP_FILE.to_owned()),
        };
        let scratch = tempfile::Builder::new().prefix("spec-diff-").tempdir().map_err(|e| e.to_string())?;
        let mut paths = vec![in_repo(&["openspec"])];
        if let Some(r) = &roadmap_rel {
            paths.push(in_repo(&[r.as_str()]));
        }
        let short = &commit.id[..commit.id.len().min(7)];
        let warnings = git::materialise(repo, &commit.id, &paths, scratch.path())?
            .into_iter()
            .map(|u| {
                let message = format!("{} at {short}: {}; read as missing", u.path, u.reason);
                Diagnostic::new(Level::Warning, None, None, message)
            })
            .collect();
        let dir = scratch.path().join(project.join("/"));
        // What fails from here on is said of the revision, not of the scratch folder.
        let scratch_path = scratch.path().to_string_lossy().into_owned();
        let hide = |e: String| format!("reading `{rev}`: {}", e.replace(&scratch_path, "."));
        // A revision from before the project adopted OpenSpec is an empty project.
        std::fs::create_dir_all(dir.join("openspec")).map_err(|e| hide(e.to_string()))?;
        let tree = crate::discover::load(&dir, ".").map_err(|e| hide(e.to_string()))?;
        let mut loaded = Loaded::new(tree);
        // Named as the project is, not as the scratch folder is.
        loaded.project.name.clone_from(&l.project.name);
        loaded.project.display_name.clone_from(&l.project.display_name);
        let explicit = match (&roadmap_rel, &config.roadmap_file) {
            (Some(r), _) => Some((dir.join(r), r.clone())),
            (None, Some(f)) => Some((f.clone(), config.roadmap_shown.clone().unwrap_or_default())),
            (None, None) => None,
        };
        let plan = Plan::new(&loaded, &dir, explicit.as_ref().map(|(p, s)| (p.as_path(), s.as_str())), config.infer);
        Ok(Revision { scratch, label: rev.to_owned(), commit: commit.id, project, loaded, plan, warnings })
    }
}
