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
    /// Read as a module, it sets configuration (`config.x = ...`, or
    /// top-level attributes other than `imports`, `options` and the like).
    /// False for an overlay (`final: prev: { ... }`), a package (`{ stdenv,
    /// ... }: stdenv.mkDerivation { ... }`), and a module that only imports
    /// or only declares options: editing those changes a host only through
    /// what uses them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub configures: bool,
    /// The file is encrypted with git-crypt (it starts with `\0GITCRYPT`): not read.
    pub encrypted: bool,
    /// Folders whose files this file loads wholesale (`import-tree ./modules`,
    /// `lib.filesystem.listFilesRecursive ./x`, `builtins.readDir ./x`, haumea's `load`).
    pub trees: Vec<TreeRef>,
    /// Named modules this file defines for the flake: flake-parts
    /// `flake.modules.<class>.<name>` (the "dendritic" pattern) and
    /// `nixosModules.<name>` (and the darwin and home kinds) outputs.
    pub aspects: Vec<Aspect>,
    /// Named modules of this flake it uses (`inputs.self.modules.nixos.base`,
    /// `self.nixosModules.default`); a name may hold a helper's parameter.
    pub aspect_uses: Vec<Aspect>,
    /// Functions defined here that call a system builder, which other files
    /// may call by name (`inputs.self.lib.hosts.nixosSystem "x86_64-linux" "freya"`).
    pub helpers: Vec<HelperDef>,
    /// Frameworks that make hosts out of folders by convention, that this file sets up.
    pub conventions: Vec<Convention>,
    /// Imports that leave the repository: an absolute path
    /// (`/etc/nixos/hardware-configuration.nix`) or a relative one climbing
    /// above the root (`../../x.nix`): line and the path as written. Not
    /// followed.
    pub outside: Vec<(usize, String)>,
}

/// A folder loaded wholesale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeRef {
    /// Repo-relative folder (`.` for the root).
    pub dir: String,
    pub line: usize,
    /// Every file below (`import-tree`, `listFilesRecursive`, haumea), or
    /// only the folder's own entries (`readDir`: `x.nix` and `x/default.nix`).
    pub recursive: bool,
    /// Paths with a segment starting with `_` are left out (`import-tree`).
    pub skip_underscore: bool,
}

/// A named module: its class (`nixos`, `darwin`, `homeManager`, ...) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Aspect {
    pub class: String,
    pub name: String,
    pub line: usize,
    /// The file it is, when its value is a path (`nixosModules.default = ./module.nix;`).
    pub file: Option<String>,
}

/// A function that builds a system, as other files see it: its name, its
/// parameters, and what its build reads with each parameter left as a
/// [`param`] marker, to fill in per call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelperDef {
    /// The last name it is bound to (`nixosSystem` in `flake.lib.hosts.nixosSystem = ...`).
    pub name: String,
    pub line: usize,
    pub kind: HostKind,
    /// Its parameters in order: a name (`name:`), or the field names of a set pattern (`{ hostname, ... }:`).
    pub params: Vec<Param>,
    /// Module paths of its builder call (templates).
    pub modules: Vec<String>,
    /// Other paths its body reads (templates).
    pub reads: Vec<String>,
    /// Named modules it uses (templates).
    pub aspects: Vec<(String, String)>,
}

/// A helper's parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Param {
    Name(String),
    Fields(Vec<String>),
}

/// The marker a helper's parameter stands as in a template.
pub fn param(name: &str) -> String {
    format!("\u{1}{name}\u{1}")
}

/// Fill a template's markers from `values` (parameter, value); `None` when one is left.
pub fn fill(template: &str, values: &[(String, String)]) -> Option<String> {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&param(name), value);
    }
    (!out.contains('\u{1}')).then_some(out)
}

/// A call of a helper defined in another file: its name and the string
/// values of its arguments (positional, and the fields of set arguments).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HelperCall {
    pub name: String,
    pub args: Vec<Option<String>>,
    pub fields: Vec<(String, String)>,
}

/// A framework whose hosts are folders by convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Convention {
    /// nixos-unified's `autoWire`: `configurations/{nixos,darwin}/<host>`,
    /// `configurations/home/<user@host>.nix`.
    NixosUnified,
    /// snowfall-lib's `mkFlake`: `systems/<arch>-<os>/<host>`, `homes/<arch>-<os>/<user@host>`,
    /// below its source folder.
    Snowfall { root: String },
    /// easy-hosts' `autoConstruct`: `<path>/<arch>-<os>/<host>`, or `<path>/<host>`
    /// with `onlySystem` (darwin when it names darwin).
    EasyHosts { path: String, only: Option<HostKind> },
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
    /// The option an import depends on (`lib.optional cfg.develop ./develop.nix`,
    /// `if config.x.enable then [ ./x.nix ] else [ ]`): the build reads the
    /// file only where that option is `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl HostDef {
    /// A host with nothing read yet.
    pub fn new(name: String, kind: HostKind, line: usize) -> Self {
        HostDef {
            name,
            kind,
            line,
            modules: Vec::new(),
            reads: Vec::new(),
            sets: Vec::new(),
            aspects: Vec::new(),
            via: None,
        }
    }
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

    /// The module class of its named modules (`flake.modules.<class>`).
    pub fn class(self) -> &'static str {
        match self {
            HostKind::Nixos => "nixos",
            HostKind::Home => "homeManager",
            HostKind::Darwin => "darwin",
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
    /// Named modules of the flake its definition uses.
    pub aspects: Vec<(String, String)>,
    /// The helper from another file it is made by, when it is.
    pub via: Option<HelperCall>,
}
