//! Nix files: what one `.nix` file of a flake repository says about the
//! repository's structure, read with rnix (error-tolerant, so a file with a
//! syntax error still yields what parsed).
//!
//! The reader recognises the idioms NixOS flakes are
//! written in: relative path literals and whether they sit in an `imports` (or
//! a system builder's `modules`) list, hosts under `nixosConfigurations`,
//! `homeConfigurations` and `darwinConfigurations` (flake outputs, flake-parts
//! `flake.*`, helper calls such as `mkHost "rog"`, `genAttrs [ "rog" ] mkHost`
//! and `genAttrs (attrNames users) (name: ...)`), flake inputs, modules taken
//! from inputs, a module's enable gate (`config = mkIf cfg.enable { ... }`) and
//! the options it sets to `true`. Names are resolved through string
//! bindings in scope (`let hostname = "kaito";`) and the arguments of a helper
//! defined in the same file, so `./hosts/${hostname}` resolves. Host sets
//! this reading cannot take apart (`genAttrs` over a filtered
//! `builtins.readDir`, helpers of other files) go to `eval`, a small bounded
//! evaluator over the repository's files.
//!
//! Folder paths stay folders here (`hosts/rog`): the parser does not know the
//! file list, so the graph ([`super::graph`]) turns them into
//! `hosts/rog/default.nix`.
//!
//! The reader, by file: `shape` decides from the bytes whether rnix may
//! parse the file (and on which stack); this file parses it, reports syntax
//! errors and holds the budget (depth, lookups, string and scope sizes) and
//! the one walker's state, `Cx`, whose walks live beside it: `scope`
//! reads strings and paths through bindings, `paths` finds path literals
//! and where they are listed, `module` a module's gate and the options it
//! sets, `inputs` a flake's inputs and the modules taken from them,
//! `hosts` the hosts a file defines and what their builds read, `eval`
//! the values it cannot read without evaluating; `edit` which lines of a
//! flake its hosts evaluate (for an edit's reach);
//! `syntax` has the free helpers over rnix's tree they all use.

mod edit;
mod eval;
mod hosts;
mod inputs;
mod module;
mod paths;
mod scope;
mod shape;
mod syntax;
mod wiring;

pub use edit::reaches_hosts;
pub use paths::resolve;

use super::facts::{Aspect, NixFacts, PathRef};
use paths::{import_context, path_expr};
use rnix::{SyntaxKind, SyntaxKind::*, SyntaxNode};
use shape::{MAX_NESTING, Shape, shape};
use syntax::{find, unwrap};

/// Read one file. `path` is its repo-relative path (`/`-separated), used to
/// resolve relative paths; the text is never read from disk. Never fails:
/// syntax errors are in [`NixFacts::errors`], and a file nested too deeply
/// to parse safely gives only an error.
pub fn parse(path: &str, text: &str) -> NixFacts {
    parse_in(path, text, &NoRepo)
}

/// Another file of the repository by repo-relative path, when it can be
/// read: what `import ./settings.nix` and `builtins.pathExists` see.
pub type Fetch<'f> = dyn Fn(&str) -> Option<String> + Sync + 'f;

/// What a file's reader may see of the rest of the repository.
pub trait Repo: Sync {
    /// Another file's text by repo-relative path, when it can be read.
    fn read(&self, path: &str) -> Option<String>;
    /// The entries of a folder (`.` for the root): each name, and whether it
    /// is a folder. What `builtins.readDir` sees.
    fn list(&self, _dir: &str) -> Vec<(String, bool)> {
        Vec::new()
    }
    /// The `.nix` files that bind `name` (`name = ...`), sorted: where a
    /// function reached through a module argument (`lib.builders.mkSystem`)
    /// may be defined.
    fn defining(&self, _name: &str) -> Vec<String> {
        Vec::new()
    }
}

/// A repository with nothing else in it.
pub struct NoRepo;

impl Repo for NoRepo {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }
}

/// [`parse`], with the other files of the repository at hand: names that
/// come from an imported file (`"${settings.hostname}"` with `settings =
/// import ./settings.nix;`) resolve.
pub fn parse_in(path: &str, text: &str, fetch: &dyn Repo) -> NixFacts {
    if text.as_bytes().starts_with(b"\0GITCRYPT") {
        return NixFacts { encrypted: true, ..NixFacts::default() };
    }
    match shape(text) {
        Shape::Plain => read(path, text, fetch),
        Shape::Long => {
            // Deep enough for a chain as long as the file, in debug builds too.
            let stack = (16 << 20) + 128 * text.len();
            let thread = std::thread::scope(|s| {
                let reader = std::thread::Builder::new().stack_size(stack).spawn_scoped(s, || read(path, text, fetch));
                reader.map(|r| r.join())
            });
            match thread {
                Ok(Ok(facts)) => facts,
                Ok(Err(panic)) => std::panic::resume_unwind(panic),
                Err(_) => refused(text, 0, "the file is too large to read"),
            }
        }
        Shape::Deep(offset) => {
            refused(text, offset, &format!("nesting deeper than {MAX_NESTING} levels; the file was not read"))
        }
    }
}

/// Facts that only say why the file was not read.
fn refused(text: &str, offset: usize, message: &str) -> NixFacts {
    let cx = Cx::new("", text, &NoRepo);
    NixFacts { errors: vec![(cx.line_at(offset), message.to_owned())], ..NixFacts::default() }
}

fn read(path: &str, text: &str, fetch: &dyn Repo) -> NixFacts {
    let mut cx = Cx::new(path, text, fetch);
    let mut facts = NixFacts::default();
    let parse = rnix::Root::parse(text);
    let root = parse.syntax();
    for e in parse.errors() {
        facts.errors.push(error(e, text, &cx));
    }
    // One per line: the first; the others on it are mostly knock-on errors.
    facts.errors.sort_by_key(|(line, _)| *line);
    facts.errors.dedup_by_key(|(line, _)| *line);
    cx.collect(&root, text, &mut facts);
    let top = root.first_child().map(|n| unwrap(&n));
    if let Some(top) = &top {
        let is_flake =
            top.kind() == NODE_ATTR_SET && cx.entries(top).any(|(k, _)| k.first().is_some_and(|k| k == "outputs"));
        if is_flake {
            facts.inputs = cx.inputs(top);
        } else {
            let mut sets = Vec::new();
            facts.gate = cx.module(top, &mut sets, 0);
            facts.configures = cx.configures(top);
            facts.sets = sorted(sets);
        }
        // Every host form names its output (`nixosConfigurations`, ...)
        // literally, and every named module `modules` or `...Modules`.
        if text.contains("Configurations") || text.contains("odules") {
            cx.outputs(top, &mut Vec::new(), &mut facts, 0);
        }
    }
    if text.contains("System") || text.contains("Configuration") {
        facts.helpers = cx.helpers(&root);
    }
    cx.conventions(&root, text, &mut facts);
    wiring::finish(&mut facts);
    facts
}

/// Deepest expression nesting followed (rnix itself stops at 512).
const MAX_DEPTH: usize = 128;

/// Names looked up per file (for strings, paths and option paths).
const FUEL: u32 = 100_000;

/// Longest string value kept (names and paths are short).
const MAX_STRING: usize = 4096;

/// How far up a name is looked for.
const MAX_SCOPE: usize = 1024;

/// How far up from a path its `imports` binding is looked for.
const MAX_CONTEXT: usize = 64;

/// The reader of one file: where it is, its lines, the arguments bound
/// while a helper's body is read, and the lookups left.
struct Cx<'a> {
    /// The file's folder, repo-relative (empty at the root).
    dir: &'a str,
    /// Byte offset of each line's start.
    lines: Vec<usize>,
    /// String arguments bound while reading a helper's body: lambda, parameter, value.
    subst: Vec<(SyntaxNode, String, String)>,
    /// Name lookups left for the file (`a = "${b}${b}"; b = ...` doubles
    /// at each step).
    fuel: std::cell::Cell<u32>,
    /// The file, repo-relative.
    file: &'a str,
    /// The repository's other files.
    fetch: &'a dyn Repo,
    /// Other files imported for their values, left for this file.
    imports_left: std::cell::Cell<u32>,
    /// The evaluator's state ([`eval`]), for hosts built from computed values.
    eval: eval::EvalState,
}

/// Other files one file may import for their values.
const MAX_IMPORTS: u32 = 16;

impl<'a> Cx<'a> {
    fn new(file: &'a str, text: &str, fetch: &'a dyn Repo) -> Self {
        Cx {
            dir: file.rsplit_once('/').map_or("", |(d, _)| d),
            file,
            lines: line_starts(text),
            subst: Vec::new(),
            fuel: std::cell::Cell::new(FUEL),
            fetch,
            imports_left: std::cell::Cell::new(MAX_IMPORTS),
            eval: eval::EvalState::default(),
        }
    }

    /// Take one lookup; false once the file's budget is spent.
    fn step(&self) -> bool {
        let left = self.fuel.get();
        self.fuel.set(left.saturating_sub(1));
        left > 0
    }

    fn line(&self, node: &SyntaxNode) -> usize {
        self.line_at(usize::from(node.text_range().start()))
    }

    fn line_at(&self, offset: usize) -> usize {
        self.lines.partition_point(|&s| s <= offset).max(1)
    }

    /// Path literals and (when the text names one of the outputs in
    /// `inputs::MODULE_OUTPUTS`) input modules, in source order.
    fn collect(&self, root: &SyntaxNode, text: &str, facts: &mut NixFacts) {
        let selects = text.contains("odules");
        let rooted = text.contains("self");
        let mut kinds = vec![NODE_PATH_REL, NODE_PATH_ABS];
        if selects {
            kinds.extend([NODE_SELECT, NODE_WITH]);
        }
        if rooted {
            kinds.push(NODE_STRING);
        }
        for node in find(root, &kinds) {
            let start = match node.kind() {
                NODE_PATH_ABS | NODE_STRING => match paths::rooted_start(&node) {
                    Some(start) => Some(start),
                    None => {
                        // `/etc/nixos/x.nix` imported: outside the repository.
                        if node.kind() == NODE_PATH_ABS && import_context(&path_expr(&node)).is_some() {
                            facts.outside.push((self.line(&node), path_expr(&node).text().to_string()));
                        }
                        continue;
                    }
                },
                _ => None,
            };
            match node.kind() {
                NODE_PATH_REL | NODE_PATH_ABS | NODE_STRING => {
                    let expr = path_expr(start.as_ref().unwrap_or(&node));
                    let in_imports = import_context(&expr).is_some();
                    let when = if in_imports { self.import_condition(&expr) } else { None };
                    let line = self.line(&node);
                    match self.path_of(&expr) {
                        Some(path) => {
                            if let Some(tree) = self.tree(&expr, &path, line) {
                                facts.trees.push(tree);
                            }
                            facts.paths.push(PathRef { path, line, in_imports, when });
                        }
                        // A relative path that climbs above the root.
                        None if in_imports && self.leaves_root(&expr) => {
                            facts.outside.push((line, expr.text().to_string()));
                        }
                        None => {}
                    }
                }
                NODE_WITH => {
                    for (class, name, line) in self.aspects_with(&node) {
                        facts.aspect_uses.push(Aspect { class, name, line, file: None });
                    }
                }
                _ => {
                    if let Some((input, module)) = self.input_module(&node) {
                        facts.input_modules.push((input, module, self.line(&node)));
                    } else if let Some((class, name)) = self.aspect_use(&node) {
                        facts.aspect_uses.push(Aspect { class, name, line: self.line(&node), file: None });
                    }
                }
            }
        }
    }
}

/// Byte offsets where lines start.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
    starts
}

/// A parse error as a line and a message without byte offsets.
fn error(e: &rnix::ParseError, text: &str, cx: &Cx) -> (usize, String) {
    use rnix::ParseError as E;
    let eof = cx.line_at(text.trim_end().len());
    let at = |r: &rnix::TextRange| cx.line_at(usize::from(r.start()));
    let snippet = |r: &rnix::TextRange| {
        let s = &text[usize::from(r.start())..usize::from(r.end())];
        let s = s.lines().next().unwrap_or("").trim();
        let mut end = s.len().min(40);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        if end < s.len() { format!("{}…", &s[..end]) } else { s.to_owned() }
    };
    let wanted = |kinds: &[SyntaxKind]| {
        if kinds.len() > 3 && kinds.contains(&TOKEN_L_PAREN) {
            return "an expression".to_owned();
        }
        kinds.iter().map(|k| token_name(*k)).collect::<Vec<_>>().join(" or ")
    };
    match e {
        E::Unexpected(r) => (at(r), format!("unexpected `{}`", snippet(r))),
        E::UnexpectedExtra(r) => (at(r), format!("unexpected `{}` after the end of the expression", snippet(r))),
        E::UnexpectedWanted(got, r, kinds) => {
            (at(r), format!("unexpected {}, expected {}", token_name(*got), wanted(kinds)))
        }
        E::UnexpectedDoubleBind(r) => (at(r), "a pattern is bound twice with `@`".to_owned()),
        E::UnexpectedEOF => (eof, "unexpected end of file".to_owned()),
        E::UnexpectedEOFWanted(kinds) => (eof, format!("unexpected end of file, expected {}", wanted(kinds))),
        E::DuplicatedArgs(r, name) => (at(r), format!("argument `{name}` is duplicated")),
        E::RecursionLimitExceeded => (eof, "nesting too deep to read".to_owned()),
        _ => (eof, e.to_string()),
    }
}

/// How an error message names a token.
fn token_name(kind: SyntaxKind) -> String {
    let s = match kind {
        TOKEN_SEMICOLON => "`;`",
        TOKEN_ASSIGN => "`=`",
        TOKEN_COLON => "`:`",
        TOKEN_COMMA => "`,`",
        TOKEN_DOT => "`.`",
        TOKEN_L_BRACE => "`{`",
        TOKEN_R_BRACE => "`}`",
        TOKEN_L_BRACK => "`[`",
        TOKEN_R_BRACK => "`]`",
        TOKEN_L_PAREN => "`(`",
        TOKEN_R_PAREN => "`)`",
        TOKEN_IN => "`in`",
        TOKEN_THEN => "`then`",
        TOKEN_ELSE => "`else`",
        TOKEN_IDENT | NODE_IDENT => "an identifier",
        TOKEN_STRING_END => "the end of the string",
        TOKEN_INTERPOL_END => "`}` closing the interpolation",
        NODE_ATTRPATH => "an attribute name",
        other => return format!("{other:?}").trim_start_matches("TOKEN_").trim_start_matches("NODE_").to_lowercase(),
    };
    s.to_owned()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn paths(facts: &NixFacts) -> Vec<(&str, usize, bool)> {
        facts.paths.iter().map(|p| (p.path.as_str(), p.line, p.in_imports)).collect()
    }

    #[test]
    fn syntax_errors_keep_what_parsed() {
        let facts = parse(
            "modules/desktop/default.nix",
            "{ pkgs, ... }:\n{\n  imports = [ ./fonts.nix ];\n\n  services.xserver.enable = true\n  programs.niri.enable = true;\n  a.enable = true;\n",
        );
        assert_eq!(paths(&facts), [("modules/desktop/fonts.nix", 3, true)]);
        assert!(!facts.errors.is_empty());
        assert_eq!(facts.errors[0], (6, "unexpected `=`, expected `;`".to_owned()));
        assert!(facts.errors.iter().any(|(_, m)| m.starts_with("unexpected end of file")), "{:?}", facts.errors);
        assert!(facts.sets.contains(&"a.enable".to_owned()), "{:?}", facts.sets);

        let garbage = parse("x.nix", "{ imports = [ ./a.nix ]; } }} ) ;; let in");
        assert_eq!(paths(&garbage), [("a.nix", 1, true)]);
        assert!(garbage.errors.iter().any(|(l, m)| *l == 1 && m.contains("after the end")), "{:?}", garbage.errors);
        assert_eq!(parse("x.nix", "").errors, [(1, "unexpected end of file".to_owned())]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}1{}", "[\n".repeat(5000), " ]".repeat(5000));
        let refused = (201, "nesting deeper than 200 levels; the file was not read".to_owned());
        assert_eq!(parse("x.nix", &deep).errors, [refused]);
        assert!(!parse("x.nix", &format!("{}1", "- ".repeat(5000))).errors.is_empty());
        assert!(!parse("x.nix", &format!("{}true", "!".repeat(5000))).errors.is_empty());
        // Just under the limit rnix copes, and the walkers stop at their own depth.
        let sets = format!("{{ a = {}true{}; }}", "{ b = ".repeat(190), "; }".repeat(190));
        assert!(parse("x.nix", &sets).sets.is_empty());
        let lists = format!("{{ imports = {}./a.nix{}; }}", "[ ".repeat(199), " ]".repeat(199));
        assert_eq!(parse("x.nix", &lists).paths.len(), 1);
        assert!(parse("x.nix", &format!("{}1", "- ".repeat(199))).errors.is_empty());
        // Long expressions, nested, are read on a thread with a large stack.
        let nested =
            format!("{{ imports = [ ({}./a.nix{}) ]; }}", "(f a a a a a a a a a a ".repeat(190), ")".repeat(190));
        assert_eq!(shape(&nested), Shape::Long);
        let facts = parse("x.nix", &nested);
        assert!(facts.errors.is_empty());
        // Found, but too far below `imports` to count as listed there.
        assert_eq!(paths(&facts), [("a.nix", 1, false)]);
        // Lists are flat: long ones are plain.
        let list = format!("{{ environment.systemPackages = [ {} ]; a.enable = true; }}", "pkgs.git ".repeat(10_000));
        assert_eq!(shape(&list), Shape::Plain);
        assert_eq!(parse("x.nix", &list).sets, ["a.enable"]);
        assert_eq!(shape("{ a = 1; b = [ 1 2 3 ]; }"), Shape::Plain);
        // A call with thousands of arguments would take rnix seconds.
        let call = format!("{{ a.enable = true;\n x = f {}; }}", "a ".repeat(100_000));
        assert_eq!(parse("x.nix", &call).errors[0].0, 2);
        assert!(matches!(shape(&format!("x = 1{}", "+1".repeat(3000))), Shape::Deep(_)));
        // Brackets, dashes and quotes in strings and comments do not count.
        let text = format!(
            "# {}\n{{ a = \"{}\\\"\"; b = ''{}''${{x}} '''' ''; /* {} */ c = true; }}",
            "-".repeat(500),
            "[".repeat(500),
            "(".repeat(500),
            "{".repeat(500)
        );
        let facts = parse("x.nix", &text);
        assert!(facts.errors.is_empty(), "{:?}", facts.errors);
        assert_eq!(facts.sets, ["c"]);
    }
}
