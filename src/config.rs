//! Resolved settings: the raw [`crate::cli::Cli`] turned once into
//! absolute paths, the chosen projects and a colour decision.

use crate::cli::{Cli, ColorChoice};
use crate::discover;
use crate::error::{Error, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub struct Config {
    /// The root all paths are shown relative to.
    pub root: PathBuf,
    /// Projects to read, as paths relative to the root (`.` for the root).
    pub projects: Vec<String>,
    /// Whether terminal output is coloured.
    pub color: bool,
    /// The roadmap file given with `--config`, absolute.
    pub roadmap_file: Option<PathBuf>,
    /// How outputs name `roadmap_file`: relative to the root when it is under
    /// it, else as given on the command line (never an absolute path the
    /// machine chose, so generated files stay byte-identical across checkouts).
    pub roadmap_shown: Option<String>,
    /// Read dependencies from prose.
    pub infer: bool,
    /// No OpenSpec project, but a flake at the root: a command that reads
    /// only Nix (`spec hosts`) runs on it as a project with no plans.
    pub bare_flake: bool,
}

impl Config {
    pub fn from_cli(cli: &Cli, cwd: &Path) -> Result<Self> {
        let nix_only = matches!(cli.command, Some(crate::cli::Command::Hosts(_))) && cli.project.is_none();
        let root = match discover::find_root(cli.root.as_deref(), cwd) {
            // `spec hosts` in a flake that plans nothing with OpenSpec: the
            // nearest folder with a `flake.nix`.
            Err(_) if nix_only && let Some(flake) = cwd.ancestors().find(|d| d.join("flake.nix").is_file()) => {
                flake.to_path_buf()
            }
            // `--project PATH` names a folder below the working directory
            // when no project encloses it: run from a parent of checkouts.
            Err(_)
                if cli.root.is_none()
                    && cli.project.as_deref().is_some_and(|p| cwd.join(p).join("openspec").is_dir()) =>
            {
                cwd.to_path_buf()
            }
            found => found?,
        };
        let found = discover::find_projects(&root);
        let bare_flake = nix_only && found.is_empty() && root.join("flake.nix").is_file();
        let projects = match &cli.project {
            None if bare_flake => vec![".".to_owned()],
            None if found.is_empty() => {
                return Err(Error::NoRoot(format!(
                    "no OpenSpec project in {} or below it (a project is an openspec/ folder with specs/, \
                     changes/ or config.yaml); pass --root DIR to read another folder",
                    root.display()
                )));
            }
            None => found,
            Some(wanted) => {
                let wanted = normalize_project(wanted);
                let dir = if wanted == "." { root.clone() } else { root.join(&wanted) };
                if !found.contains(&wanted) && !dir.join("openspec").is_dir() {
                    let known = if found.is_empty() { "none".to_owned() } else { found.join(", ") };
                    return Err(Error::Usage(format!(
                        "no project `{wanted}` under {}: projects found: {known}",
                        root.display()
                    )));
                }
                vec![wanted]
            }
        };
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        };
        let roadmap_file = cli.config.as_ref().map(|p| if p.is_absolute() { p.clone() } else { cwd.join(p) });
        if let Some(file) = &roadmap_file
            && !file.is_file()
        {
            return Err(Error::Usage(format!("--config {}: no such file", file.display())));
        }
        let roadmap_shown = cli.config.as_ref().zip(roadmap_file.as_ref()).map(|(given, file)| {
            if file.starts_with(&root) {
                crate::discover::relative(&root, file)
            } else if given.is_absolute() {
                // An absolute path is this machine's: name the file only.
                file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned())
            } else {
                given.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
            }
        });
        Ok(Config { root, projects, color, roadmap_file, roadmap_shown, infer: !cli.no_infer, bare_flake })
    }
}

/// `./packages/a/` → `packages/a`; `` and `./` → `.`.
fn normalize_project(p: &str) -> String {
    let parts: Vec<&str> = p.split(['/', '\\']).filter(|s| !s.is_empty() && *s != ".").collect();
    let joined = parts.join("/");
    let joined = joined.strip_suffix("/openspec").or_else(|| (joined == "openspec").then_some("")).unwrap_or(&joined);
    if joined.is_empty() { ".".into() } else { joined.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names() {
        assert_eq!(normalize_project("./packages/a/"), "packages/a");
        assert_eq!(normalize_project("."), ".");
        assert_eq!(normalize_project("packages/a/openspec"), "packages/a");
        assert_eq!(normalize_project("openspec"), ".");
    }
}
