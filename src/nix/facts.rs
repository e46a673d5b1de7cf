//! What the Nix reader ([`super::parse`]) finds in one file: path literals,
//! hosts, flake inputs, modules taken from inputs, an enable gate and the
//! options set to `true`. The graph ([`super::graph`]) is built from these.

use serde::Serialize;

/// What one Nix file says. Every list is in source order (so by line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NixFacts {
    /// Syntax errors: 1-based line and message, the first on each line (rnix
    /// is error-tolerant: the other fields hold what parsed).
    pub errors: Vec<(usize, String)>,
    /// Relative path literals, resolved to repo-relative `/`-separated paths
    /// (`.` is the repository's root folder). Paths leaving the repository and
    /// paths whose interpolations cannot be resolved are dropped.
    pub paths: Vec<PathRef>,
    /// Hosts this file defines.
    pub hosts: Vec<HostDef>,
    /// Flake inputs declared by this file (a flake's top-level `inputs`), sorted.
    pub inputs: Vec<String>,
    /// Uses of `<input>.nixosModules.<name>` (and `homeManagerModules`,
    /// `homeModules`, `darwinModules`): input name, module name, line.
    pub input_modules: Vec<(String, String, usize)>,
    /// The option that gates the whole module (`config = mkIf cfg.enable ...`
    /// with `cfg = config.a.b;` gives `a.b.enable`).
    pub gate: Option<String>,
    /// Option paths this file sets to `true` (through `mkDefault`, `mkForce`,
    /// `mkIf`, `mkMerge` and nested attribute sets), sorted, without duplicates.
    pub sets: Vec<String>,
}

/// A relative path literal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathRef {
    /// Repo-relative, `/`-separated, `..` resolved; `.` for the root folder.
    pub path: String,
    pub line: usize,
    /// Inside an `imports` list, or the `modules` list of a system builder
    /// (`nixosSystem`, `homeManagerConfiguration`, `darwinSystem`).
    pub in_imports: bool,
}

/// Which kind of configuration a host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKind {
    /// `nixosConfigurations`
    Nixos,
    /// `homeConfigurations` (Home Manager)
    Home,
    /// `darwinConfigurations` (nix-darwin)
    Darwin,
}

impl HostKind {
    /// The flake output attribute that holds hosts of this kind.
    pub fn output(self) -> &'static str {
        match self {
            HostKind::Nixos => "nixosConfigurations",
            HostKind::Home => "homeConfigurations",
            HostKind::Darwin => "darwinConfigurations",
        }
    }

    pub(crate) fn from_output(name: &str) -> Option<Self> {
        match name {
            "nixosConfigurations" => Some(HostKind::Nixos),
            "homeConfigurations" => Some(HostKind::Home),
            "darwinConfigurations" => Some(HostKind::Darwin),
            _ => None,
        }
    }
}

/// A host defined in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostDef {
    pub name: String,
    pub kind: HostKind,
    /// Line of the attribute that defines it.
    pub line: usize,
    /// Module paths listed for it (resolved like [`NixFacts::paths`]), in
    /// order: the builder's `modules` list, or for a helper call the paths in
    /// its arguments followed by the `modules` of the helper's own builder call.
    pub modules: Vec<String>,
    /// Other relative paths inside its definition (inline modules,
    /// `specialArgs`, ...), such as `import ./home/alice.nix`; in order.
    pub reads: Vec<String>,
    /// Options its inline modules (`modules = [ { a.enable = true; } ]`) set
    /// to `true`, sorted.
    pub sets: Vec<String>,
}
