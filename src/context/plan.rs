//! The roadmap file and the dependency graph: what the planning commands
//! (`roadmap`, `graph`, `next`, `blocked`, `site`, `diff`) need beyond the
//! model.

use super::Loaded;
use crate::analyse::graph::{self, Graph};
use crate::analyse::roadmap::{self, Roadmap};
use crate::config::Config;
use crate::model::roadmap::RoadmapSource;
use crate::model::{Day, Diagnostic, Project};
use std::path::Path;

/// The default roadmap file, relative to the project folder.
pub const ROADMAP_FILE: &str = "roadmap/roadmap.yaml";

/// A project's roadmap file (if any), its dependency graph, and the
/// problems met reading the file.
pub struct Plan {
    pub source: Option<RoadmapSource>,
    pub graph: Graph,
    pub diagnostics: Vec<Diagnostic>,
}

impl Plan {
    /// The plan of a loaded project as the configuration says: the roadmap
    /// file given with `--config`, else the project's own.
    pub fn of(loaded: &Loaded, config: &Config) -> Self {
        // A file inside the project is named relative to the folder the project was read from.
        let inside = config.roadmap_file.as_deref().filter(|f| f.starts_with(&loaded.tree.dir));
        let shown = inside.map(|f| crate::discover::relative(&loaded.tree.root, f));
        let explicit = config.roadmap_file.as_deref().zip(shown.as_deref().or(config.roadmap_shown.as_deref()));
        Plan::new(loaded, &loaded.tree.root, explicit, config.infer)
    }

    /// Read the roadmap file (`explicit`, else `roadmap/roadmap.yaml` in the
    /// project's folder; `explicit` is the file's path and the name outputs
    /// give it) and build the graph.
    pub fn new(loaded: &Loaded, root: &Path, explicit: Option<(&Path, &str)>, infer: bool) -> Self {
        let (source, diagnostics) = read_roadmap(loaded, root, explicit);
        let graph = Graph::build(&loaded.project, source.as_ref(), graph::Options { infer });
        Plan { source, graph, diagnostics }
    }

    /// The roadmap: phases, progress, next actions.
    pub fn roadmap(&self, project: &Project, date: Option<Day>) -> Roadmap {
        roadmap::build(project, &self.graph, self.source.as_ref(), date)
    }

    /// The roadmap file's `stale_after_days`, when it sets one.
    pub fn stale_after_days(&self) -> Option<u32> {
        self.source.as_ref().and_then(|s| s.file.stale_after_days)
    }

    /// Every planning finding: reading the file, the graph, the file's content.
    pub fn findings(&self, project: &Project) -> Vec<Diagnostic> {
        let mut out = self.diagnostics.clone();
        out.extend(self.graph.findings(project));
        if let Some(s) = &self.source {
            out.extend(roadmap::findings(project, s));
        }
        out
    }
}

/// Read and parse the roadmap file: `explicit` (path, and the name outputs
/// give it), else `roadmap/roadmap.yaml` in the project's folder. `None`
/// when there is none; a file that does not parse is an error diagnostic.
pub fn read_roadmap(
    loaded: &Loaded,
    root: &Path,
    explicit: Option<(&Path, &str)>,
) -> (Option<RoadmapSource>, Vec<Diagnostic>) {
    let path = explicit.map_or_else(|| loaded.tree.dir.join(ROADMAP_FILE), |(p, _)| p.to_path_buf());
    let (mut file, mut diagnostics) = crate::discover::read_file(root, &path);
    if let (Some(f), Some((_, shown))) = (file.as_mut(), explicit) {
        f.path = shown.to_owned();
    }
    let source = file.and_then(|f| match crate::parse::roadmap::parse(&f.text) {
        Ok(file) => Some(RoadmapSource { file, path: f.path, text: f.text }),
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(f.path.clone(), e.line, format!("invalid roadmap file: {}", e.message))
                    .with_help("see docs/roadmap.md for the fields a roadmap file may have"),
            );
            None
        }
    });
    (source, diagnostics)
}
