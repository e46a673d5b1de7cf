//! The command line, as clap sees it: flags and sub-commands only, no logic.
//! [`crate::config::Config`] turns it into resolved settings.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The truth about your roadmap, read from OpenSpec.
///
/// `spec` reads a repository's `openspec/` folder (specs, changes, tasks,
/// archived changes) exactly as the official OpenSpec CLI does and tells you
/// where the work stands.
#[derive(Debug, Parser)]
#[command(name = "spec", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Directory to read: the folder that holds `openspec/`, whatever its own
    /// name (default: the nearest ancestor of the working directory whose
    /// `openspec/` has `specs/`, `changes/` or a config file; else the top of
    /// the enclosing git work tree, searched below).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Only this project: the path, relative to the root, of the folder that
    /// holds an `openspec/` folder (for monorepos with several).
    #[arg(long, global = true, value_name = "PATH")]
    pub project: Option<String>,

    /// The roadmap file (default: `roadmap/roadmap.yaml` in the project's folder).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Do not read dependencies from proposal and design prose; use only
    /// declared ones (`.openspec.yaml`, the roadmap file).
    #[arg(long, global = true)]
    pub no_infer: bool,

    /// When to use colours. `auto` uses them on a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List changes (or specs) with their task progress and status.
    List(ListArgs),
    /// Show everything parsed for one change or spec.
    Show(ShowArgs),
    /// The dashboard: totals, changes grouped by status with progress bars, specs.
    Status(StatusArgs),
    /// Validate every change and spec with the official OpenSpec rules, plus
    /// spec's own checks of the files it read.
    ///
    /// Exit code 0 when clean, 1 when an item fails or a finding is an error,
    /// 2 on usage or I/O errors.
    Check(CheckArgs),
    /// Write ROADMAP.md from the changes, their tasks and the roadmap file,
    /// or with `--check` fail when the committed one is stale.
    Roadmap(RoadmapArgs),
    /// The dependency graph between changes (mermaid, dot or JSON).
    Graph(GraphArgs),
    /// Changes that can be worked on now: unfinished, every dependency met;
    /// in phase order, then dependency order.
    Next(JsonArg),
    /// Unfinished changes waiting for others, and what they wait for.
    Blocked(JsonArg),
    /// Build the static progress site: a dashboard, a page per change and
    /// spec, the dependency graph, the archive and an offline search.
    Site(SiteArgs),
    /// What happened, from git: when each change was created, first had a
    /// task checked, was completed and archived; its task counts over time;
    /// the burn-up of each phase and of the project.
    History(HistoryArgs),
    /// What moved between two revisions, as Markdown for a pull-request
    /// comment: changes added, completed, archived and removed, tasks checked
    /// and unchecked, phase progress before → after, dependencies.
    Diff(DiffArgs),
    /// The code a change touches: files its documents name (declared), files
    /// changed in the same commits (git), files placed by inference; each
    /// with its state (exists, renamed, deleted, planned) and confidence.
    Links(LinksArgs),
    /// Per host, the changes (open and done) that are work on it; once, as
    /// all hosts (shared), those whose only code every host runs.
    Impact(ImpactArgs),
    /// The hosts the flake defines, their module closures, and modules no
    /// host imports (also in a flake without an openspec/ folder).
    Hosts(HostsArgs),
    /// Where each requirement of a spec came from: the archived changes that
    /// added, modified, renamed or removed it, oldest first; requirements no
    /// archived change names were written by hand into the main spec.
    Blame(BlameArgs),
    /// When open work will finish: p50 and p80 days for each open change with
    /// tasks, each phase and the project, from the pace of open changes in
    /// git history (Monte Carlo, dependencies respected).
    Forecast(ForecastArgs),
    /// Pairs of active changes that overlap: their delta specs name the same
    /// requirement (ADDED, MODIFIED, REMOVED or RENAMED from; names folded as
    /// the official CLI folds them), or they declare links to the same file.
    Overlaps(OverlapsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// Install, e.g.: `spec completions bash > ~/.local/share/bash-completion/completions/spec`,
    /// `spec completions zsh > "${fpath[1]}/_spec"`,
    /// `spec completions fish > ~/.config/fish/completions/spec.fish`.
    Completions(CompletionsArgs),
    /// Print the man page (roff), or with `--dir` write one page per
    /// sub-command (`spec.1`, `spec-check.1`, ...) into a folder.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// Forecast as of this day, from history up to it and the work open in
    /// git on that day (default: today, from the project as it is now).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Print JSON: `{as_of, changes, phases, project}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct OverlapsArgs {
    #[command(flatten)]
    pub code: CodeArgs,
    /// Print JSON: an array of `{a, b, kind, key}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `spec.1` and a `spec-<command>.1` for each sub-command into this
    /// folder (created if missing) instead of printing `spec.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ImpactArgs {
    /// Only this host.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    #[command(flatten)]
    pub code: CodeArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct HostsArgs {
    #[command(flatten)]
    pub code: CodeArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct LinksArgs {
    /// The change (active or archived); without it, a summary of every change.
    #[arg(value_name = "CHANGE")]
    pub change: Option<String>,
    #[command(flatten)]
    pub code: CodeArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also show the candidates below the confidence floor, with their
    /// evidence (in JSON: `below_floor`).
    #[arg(long)]
    pub all: bool,
}

/// Where the repository's files come from.
#[derive(Debug, Clone, clap::Args)]
pub struct CodeArgs {
    /// The repository's files, one path per line relative to the project
    /// folder (`git ls-files` output, say), instead of reading the work tree.
    #[arg(long, value_name = "FILE")]
    pub files: Option<PathBuf>,
    /// Do not read git history (no co-change links, no renames).
    #[arg(long)]
    pub no_git: bool,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The revision to compare from (a branch, tag, commit or `HEAD~3`;
    /// in a pull request, the merge base: `$(git merge-base origin/main HEAD)`).
    #[arg(value_name = "BASE")]
    pub base: String,
    /// The revision to compare to (default: the working tree, uncommitted work included).
    #[arg(value_name = "HEAD")]
    pub head: Option<String>,
    /// Print JSON instead of Markdown.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Only this change: its dates and every point where its counts moved.
    #[arg(long, value_name = "ID")]
    pub change: Option<String>,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Print JSON (with the full series) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// How history is read from git.
#[derive(Debug, Clone, clap::Args)]
pub struct WalkArgs {
    /// Read every commit reachable from HEAD, not only the first-parent line
    /// (work on merged branches then counts at its own commit dates).
    #[arg(long)]
    pub all_parents: bool,
    /// The day "stale" is measured from (default: the newest commit's day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// Where to write the site (default: `site/` in the project's folder). It
    /// is built beside that folder and swapped in whole; a symlink on the way
    /// is refused.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into a folder that `spec site` did not create (nothing there is deleted).
    #[arg(long)]
    pub force: bool,
    /// Keep running: rebuild the site each time a file under `openspec/`,
    /// the roadmap file or (in a flake) a `.nix` file changes, and print the
    /// pages each rebuild wrote. An error (a file saved half-way) is printed
    /// and the watch goes on. Ctrl-C, SIGTERM or SIGHUP ends it with exit
    /// code 0 once the build in progress is swapped in or dropped whole.
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, clap::Args)]
pub struct RoadmapArgs {
    /// Where to write (default: ROADMAP.md in the project's folder). `-` or
    /// `/dev/stdout` prints it; a symlink, device or FIFO at the path is
    /// refused, never replaced.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write nothing; print a diff and exit 1 when the file is not current.
    #[arg(long)]
    pub check: bool,
    /// Show an "Updated" date (today in UTC, or the date given). Without it
    /// the output has no date, so it only changes when the data does.
    #[arg(long, value_name = "YYYY-MM-DD", num_args = 0..=1, default_missing_value = "today")]
    pub date: Option<String>,
    /// Draw the timeline from git history (when each change was created,
    /// completed, archived) and flag stale work. The dates belong to commits,
    /// so such a file changes with every commit to openspec/: check it on the
    /// main branch, not on pull requests (docs/roadmap.md).
    #[arg(long)]
    pub history: bool,
    /// Add a Forecast section: p50 and p80 finish days per phase and for the
    /// project, from the pace in git history, as of `--date` or the newest
    /// commit's day (`spec forecast` explains how).
    #[arg(long)]
    pub forecast: bool,
    /// Print the roadmap to stdout instead of writing a file.
    #[arg(long, conflicts_with_all = ["out", "check"])]
    pub stdout: bool,
    /// Keep running: rewrite the file each time a file under `openspec/`,
    /// the roadmap file or (in a flake) a `.nix` file changes, saying
    /// whether it changed. An error (a file saved half-way) is printed and
    /// the watch goes on. Ctrl-C, SIGTERM or SIGHUP ends it with exit code
    /// 0 once the write in progress is done. Not with `--check`, `--stdout`
    /// or `--out -`, which write no file.
    #[arg(long, conflicts_with_all = ["check", "stdout"])]
    pub watch: bool,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Only the changes of this phase (and what they depend on).
    #[arg(long, value_name = "ID")]
    pub phase: Option<String>,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Add a line per phase with its p50 and p80 finish days (`spec
    /// forecast`). It reads the whole git history, so it is off by default:
    /// the dashboard alone stays a matter of milliseconds on big histories.
    #[arg(long)]
    pub forecast: bool,
    /// Keep running: each time a file under `openspec/`, the roadmap file
    /// or (in a flake) a `.nix` file changes, draw the dashboard again if
    /// it changed. On a terminal it is redrawn in place;
    /// otherwise each dashboard is printed followed by a line `---`. An
    /// error (a file saved half-way) is printed and the watch goes on.
    /// Ctrl-C, SIGTERM or SIGHUP ends it with exit code 0. Not with `--json`.
    #[arg(long, conflicts_with = "json")]
    pub watch: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, clap::Args)]
pub struct JsonArg {
    /// Print JSON (the model, serialised; see docs/json.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// List specs instead of changes.
    #[arg(long)]
    pub specs: bool,
    /// List archived changes only.
    #[arg(long, conflicts_with_all = ["all", "specs"])]
    pub archived: bool,
    /// List active and archived changes.
    #[arg(long, conflicts_with = "specs")]
    pub all: bool,
    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A change id (active or archived, with or without its date prefix) or a spec id.
    pub id: String,
    /// What the id names, when it names both an active change and a spec.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<ItemType>,
    #[command(flatten)]
    pub json: JsonArg,
}

/// `spec show --type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ItemType {
    Change,
    Spec,
}

#[derive(Debug, clap::Args)]
pub struct BlameArgs {
    /// A spec id.
    pub spec: String,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Fail items on warnings too (`openspec validate --strict`).
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    #[command(flatten)]
    pub code: CodeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Compiler-style lines: `file:line: level: message`.
    Text,
    /// Every item as `{id, type, valid, issues}` plus spec's own findings.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…::…`).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
