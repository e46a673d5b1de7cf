//! One function per sub-command: load what it needs, analyse, render, and
//! say what to print and which exit code to return. [`crate::run`] picks one.

use crate::analyse::{self, Loaded, Plan};
use crate::cli::{
    CheckArgs, CheckFormat, CodeArgs, DiffArgs, GraphArgs, GraphFormat, HistoryArgs, HostsArgs, ImpactArgs, LinksArgs,
    ListArgs, RoadmapArgs, ShowArgs, SiteArgs, WalkArgs,
};
use crate::config::Config;
use crate::discover::git;
use crate::error::{Error, Result, exit};
use crate::model::Day;
use crate::model::{Diagnostic, Level};
use crate::render::json;
use crate::render::terminal::{self, Style};
use crate::render::{markdown, mermaid};
use crate::{Outcome, model, output};
use serde::Serialize;

impl Outcome {
    fn new() -> Self {
        Outcome { stdout: String::new(), stderr: String::new(), code: exit::OK }
    }

    /// Problems met reading files, on stderr (info-level ones are left for `spec check`).
    fn reading_problems(mut self, loaded: &[Loaded]) -> Self {
        for d in loaded.iter().flat_map(|l| &l.diagnostics).filter(|d| d.level != Level::Info) {
            self.stderr.push_str(&crate::render::diagnostic::text(d, &Style::plain()));
            self.stderr.push('\n');
        }
        self
    }
}

/// Active, unfinished changes with no commit in the last `stale_after_days`
/// (the roadmap file's, default 30) before the newest commit, and no
/// uncommitted work. Empty outside git. Reads only that window of history.
fn stale_changes(l: &Loaded, config: &Config) -> std::collections::BTreeSet<String> {
    let path = config.roadmap_file.clone().unwrap_or_else(|| l.tree.dir.join("roadmap/roadmap.yaml"));
    let (file, _) = crate::discover::read_file(&config.root, &path);
    let days =
        file.and_then(|f| crate::parse::roadmap::parse(&f.text).ok()).and_then(|r| r.stale_after_days).unwrap_or(30);
    let open: Vec<(&str, &str)> = l
        .project
        .active()
        .filter(|c| matches!(c.status, model::ChangeStatus::InProgress | model::ChangeStatus::Draft))
        .map(|c| (c.id.as_str(), c.path.rsplit('/').next().unwrap_or(&c.path)))
        .collect();
    let openspec = l.tree.dir.join(&l.project.openspec_dir);
    let Ok(repo) = git::open(&l.tree.dir) else { return Default::default() };
    let folders: Vec<&str> = open.iter().map(|(_, f)| *f).collect();
    let Ok((_, recent)) = git::recent_activity(&repo, &openspec, &folders, days) else { return Default::default() };
    let dirty = git::dirty_folders(&repo, &openspec.join("changes")).unwrap_or_default();
    open.iter()
        .filter(|(_, f)| !recent.contains_key(*f) && !dirty.contains(*f))
        .map(|(id, _)| (*id).to_owned())
        .collect()
}

pub fn status(loaded: &[Loaded], config: &Config, as_json: bool, style: &Style) -> Outcome {
    let statuses: Vec<analyse::Status> = loaded
        .iter()
        .map(|l| {
            let mut st = analyse::status(l);
            let stale = stale_changes(l, config);
            for c in st.in_progress.iter_mut().chain(st.draft.iter_mut()) {
                c.stale = stale.contains(&c.id);
            }
            st.hosts = status_hosts(l);
            st
        })
        .collect();
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = if as_json {
        json::to_string(&json::StatusReport { projects: &statuses })
    } else {
        statuses.iter().map(|s| terminal::status(s, style)).collect::<Vec<_>>().join("\n")
    };
    out
}

pub fn list(loaded: &[Loaded], args: &ListArgs, style: &Style) -> Outcome {
    let multi = loaded.len() > 1;
    let mut out = Outcome::new().reading_problems(loaded);
    if args.specs {
        let specs: Vec<(&str, &model::Spec)> =
            loaded.iter().flat_map(|l| l.project.specs.iter().map(move |s| (l.project.name.as_str(), s))).collect();
        out.stdout = if args.json.json {
            json::to_string(&json::SpecList { specs: specs.iter().map(|(p, s)| json::ListedSpec::of(p, s)).collect() })
        } else {
            terminal::list_specs(&specs, multi, style)
        };
    } else {
        let changes: Vec<(&str, &model::Change)> = loaded
            .iter()
            .flat_map(|l| l.project.changes.iter().map(move |c| (l.project.name.as_str(), c)))
            .filter(|(_, c)| args.all || c.archived == args.archived)
            .collect();
        out.stdout = if args.json.json {
            json::to_string(&json::ChangeList {
                changes: changes.iter().map(|(p, c)| json::ListedChange::of(p, c)).collect(),
            })
        } else {
            terminal::list_changes(&changes, multi, style)
        };
    }
    out
}

pub fn show(loaded: &[Loaded], args: &ShowArgs, style: &Style) -> Result<Outcome> {
    let shown = find_item(loaded, &args.id)?;
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = match (&shown, args.json.json) {
        (_, true) => json::to_string(&shown),
        (json::Shown::Change { change, .. }, false) => terminal::show_change(change, style),
        (json::Shown::Spec { spec, .. }, false) => terminal::show_spec(spec, style),
    };
    Ok(out)
}

pub fn check(loaded: &[Loaded], config: &Config, args: &CheckArgs, style: &Style) -> Outcome {
    let format = if args.json { CheckFormat::Json } else { args.format };
    let mut items: Vec<(&str, analyse::validate::ItemReport)> = Vec::new();
    let mut findings: Vec<Diagnostic> = Vec::new();
    for l in loaded {
        let name = l.project.name.as_str();
        items.extend(analyse::validate::validate_all(&l.tree, args.strict).into_iter().map(|r| (name, r)));
        findings.extend(l.diagnostics.iter().cloned());
        findings.extend(analyse::findings(&l.project));
        findings.extend(plan(l, config).findings(l));
        if let Ok(ctx) = code_context(l, &args.code, Evidence::History, None) {
            findings.extend(ctx.findings(l));
        }
    }
    analyse::sort_diagnostics(&mut findings);
    let failed = items.iter().filter(|(_, i)| !i.valid).count();
    let errors = findings.iter().any(|d| d.level == Level::Error);
    let mut out = Outcome::new();
    out.stdout = match format {
        CheckFormat::Text => terminal::check(&items, &findings, args.strict, style),
        CheckFormat::Json => json::to_string(&json::CheckReport {
            items: items.iter().map(|(p, r)| json::CheckedItem { project: p, report: r }).collect(),
            findings: &findings,
            summary: json::CheckSummary {
                items: items.len(),
                passed: items.len() - failed,
                failed,
                findings: findings.len(),
                strict: args.strict,
            },
        }),
        CheckFormat::Github => findings
            .iter()
            .cloned()
            .chain(items.iter().flat_map(|(_, i)| i.diagnostics()))
            .map(|d| crate::render::diagnostic::github(&d) + "\n")
            .collect(),
    };
    if failed > 0 || errors {
        out.code = exit::FINDINGS;
    }
    out
}

/// The roadmap file and dependency graph of a project, as configured.
fn plan(loaded: &Loaded, config: &Config) -> Plan {
    Plan::new(loaded, &config.root, config.roadmap_file.as_deref().zip(config.roadmap_shown.as_deref()), config.infer)
}

/// A project's history from git, with the roadmap's phases for the burn-up.
/// The working tree is the last point when it differs from `HEAD`.
/// The steps it was built from come along, for the code links' git evidence.
pub fn history_of(
    l: &Loaded,
    roadmap: Option<&analyse::roadmap::Roadmap>,
    stale_after_days: Option<u32>,
    walk: &WalkArgs,
) -> std::result::Result<(git::Walk, analyse::history::History), git::NoHistory> {
    let repo = git::open(&l.tree.dir)?;
    let openspec = l.tree.dir.join(&l.project.openspec_dir);
    let mut found = git::walk(&repo, &openspec, git::WalkOptions { all_parents: walk.all_parents })?;
    if git::dirty(&repo, &openspec)?
        && let Some(step) = git::worktree_step(&found.at_head, &git::worktree(&l.tree))
    {
        found.steps.push(step);
    }
    let phases: Vec<(String, String, Vec<String>)> = match roadmap.filter(|r| r.planned) {
        Some(roadmap) => roadmap
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.title.clone(), p.changes.iter().map(|c| c.id.clone()).collect()))
            .collect(),
        None => Vec::new(),
    };
    let history = analyse::history::build(&analyse::history::Inputs {
        steps: &found.steps,
        commits: found.commits,
        head: found.head.as_ref(),
        shallow: found.shallow.as_ref(),
        phases: &phases,
        today: parse_day(&walk.date).ok().flatten(),
        stale_after_days: stale_after_days.unwrap_or(30),
    });
    Ok((found, history))
}

/// `--date`, checked: a calendar day or nothing.
fn parse_day(day: &Option<String>) -> Result<Option<Day>> {
    match day {
        None => Ok(None),
        Some(d) => Day::parse(d)
            .map(Some)
            .ok_or_else(|| Error::Usage(format!("--date {d}: not a calendar day; write it as YYYY-MM-DD"))),
    }
}

pub fn history(loaded: &[Loaded], config: &Config, args: &HistoryArgs, style: &Style) -> Result<Outcome> {
    parse_day(&args.walk.date)?;
    let l = one(loaded, "history")?;
    let mut out = Outcome::new().reading_problems(loaded);
    let plan = plan(l, config);
    let roadmap = analyse::roadmap::build(l, &plan.graph, plan.file(), None);
    let stale = plan.source.as_ref().and_then(|s| s.file.stale_after_days);
    let (_, history) = history_of(l, Some(&roadmap), stale, &args.walk).map_err(|e| match e {
        git::NoHistory::Failed(m) => Error::Diagnostics(format!("error: reading git history failed: {m}")),
        other => Error::Usage(format!("{other}: `spec history` needs the project in a git repository with commits")),
    })?;
    if let Some(shallow) = &history.shallow_from {
        out.stderr.push_str(&format!(
            "note: this is a shallow clone; history starts at {} ({}). Fetch all of it with `git fetch --unshallow` \
             (in GitHub Actions: actions/checkout with `fetch-depth: 0`).\n",
            shallow.label(),
            shallow.commit.as_deref().map_or("", |c| &c[..c.len().min(10)])
        ));
    }
    match &args.change {
        Some(id) => {
            let Some(c) = history.change(id) else {
                let known: Vec<&str> = history.changes.iter().map(|c| c.id.as_str()).collect();
                return Err(Error::Usage(format!(
                    "no change `{id}` in the history of {}/{}",
                    l.project.openspec_dir,
                    did_you_mean(&known, id)
                )));
            };
            out.stdout = if args.json { json::to_string(c) } else { terminal::change_history(c, style) };
        }
        None => {
            out.stdout = if args.json { json::to_string(&history) } else { terminal::history(&history, style) };
        }
    }
    Ok(out)
}

/// One side of `spec diff`: a project read from a revision (written to a
/// scratch folder first) or the working tree.
struct DiffState {
    _scratch: tempfile::TempDir,
    label: String,
    commit: Option<String>,
    loaded: Loaded,
    plan: Plan,
}

fn diff_state(
    repo: &git2::Repository,
    l: &Loaded,
    config: &Config,
    rev: &str,
) -> std::result::Result<DiffState, String> {
    let commit = git::resolve(repo, rev)?;
    let project: Vec<String> = git::repo_path(repo, &l.tree.dir).map_err(|e| e.to_string())?;
    let in_repo = |parts: &[&str]| -> String {
        project.iter().map(String::as_str).chain(parts.iter().copied()).collect::<Vec<_>>().join("/")
    };
    // The roadmap file comes from the revision too when it lives in the project.
    let roadmap_rel = match &config.roadmap_file {
        Some(f) => f.strip_prefix(&l.tree.dir).ok().map(|r| r.to_string_lossy().replace('\\', "/")),
        None => Some("roadmap/roadmap.yaml".to_owned()),
    };
    let scratch = tempfile::Builder::new().prefix("spec-diff-").tempdir().map_err(|e| e.to_string())?;
    let mut paths = vec![in_repo(&["openspec"])];
    if let Some(r) = &roadmap_rel {
        paths.push(in_repo(&[r.as_str()]));
    }
    git::materialise(repo, &commit.id, &paths, scratch.path())?;
    let dir = scratch.path().join(project.join("/"));
    // A revision from before the project adopted OpenSpec is an empty project.
    std::fs::create_dir_all(dir.join("openspec")).map_err(|e| e.to_string())?;
    let tree = crate::discover::load(&dir, ".").map_err(|e| e.to_string())?;
    let loaded = Loaded::new(tree);
    let explicit = match (&roadmap_rel, &config.roadmap_file) {
        (Some(r), _) => Some((dir.join(r), r.clone())),
        (None, Some(f)) => Some((f.clone(), config.roadmap_shown.clone().unwrap_or_default())),
        (None, None) => None,
    };
    let plan = Plan::new(&loaded, &dir, explicit.as_ref().map(|(p, s)| (p.as_path(), s.as_str())), config.infer);
    Ok(DiffState { _scratch: scratch, label: rev.to_owned(), commit: Some(commit.id), loaded, plan })
}

pub fn diff(loaded: &[Loaded], config: &Config, args: &DiffArgs) -> Result<Outcome> {
    let l = one(loaded, "diff")?;
    let repo = git::open(&l.tree.dir).map_err(|e| Error::Usage(format!("{e}: `spec diff` compares git revisions")))?;
    let base = diff_state(&repo, l, config, &args.base).map_err(Error::Usage)?;
    let head = args.head.as_deref().map(|rev| diff_state(&repo, l, config, rev)).transpose().map_err(Error::Usage)?;
    let worktree_plan;
    let (head_loaded, head_plan, head_label, head_commit) = match &head {
        Some(h) => (&h.loaded, &h.plan, h.label.clone(), h.commit.clone()),
        None => {
            worktree_plan = plan(l, config);
            (l, &worktree_plan, "working tree".to_owned(), None)
        }
    };
    let base_roadmap = analyse::roadmap::build(&base.loaded, &base.plan.graph, base.plan.file(), None);
    let head_roadmap = analyse::roadmap::build(head_loaded, &head_plan.graph, head_plan.file(), None);
    let moved = analyse::diff::diff(
        &analyse::diff::Side {
            label: base.label.clone(),
            commit: base.commit.clone(),
            project: &base.loaded.project,
            graph: &base.plan.graph,
            roadmap: &base_roadmap,
        },
        &analyse::diff::Side {
            label: head_label,
            commit: head_commit,
            project: &head_loaded.project,
            graph: &head_plan.graph,
            roadmap: &head_roadmap,
        },
    );
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = if args.json { json::to_string(&moved) } else { markdown::diff(&moved) };
    Ok(out)
}

/// What linking changes to code needs about the repository.
pub struct CodeContext {
    pub files: analyse::links::Files,
    pub from: crate::discover::code::FilesFrom,
    /// Files changed with each change (by current change id).
    pub co: analyse::links::CoChanges,
    /// Hosts, for bare file names and for hosts a change names.
    pub hosts: Vec<String>,
    repo: Option<git2::Repository>,
    /// The project folder relative to the repository root (`""` at the root).
    prefix: String,
    /// When each change was created and completed, from git.
    history: Option<(git::Walk, analyse::history::History)>,
    /// The Nix graph, when the project has `.nix` files.
    pub nix: Option<analyse::nix::NixGraph>,
    /// Where modules of flake inputs are used.
    pub input_modules: Vec<InputModule>,
    /// The links of every change (not nested), once computed.
    all_links: std::cell::OnceCell<Vec<Vec<analyse::links::Link>>>,
}

impl CodeContext {
    /// What git says about the paths that do not exist now.
    fn fates(&self, missing: &std::collections::BTreeSet<String>) -> analyse::links::Fates {
        let Some(repo) = &self.repo else { return Default::default() };
        let full = |p: &str| if self.prefix.is_empty() { p.to_owned() } else { format!("{}/{p}", self.prefix) };
        let wanted: std::collections::BTreeSet<String> = missing.iter().map(|p| full(p)).collect();
        let fates = git::path_fates(repo, &wanted).unwrap_or_default();
        let local = |p: &str| p.strip_prefix(&format!("{}/", self.prefix)).unwrap_or(p).to_owned();
        fates
            .into_iter()
            .map(|(from, to)| (if self.prefix.is_empty() { from } else { local(&from) }, to.map(|t| local(&t))))
            .collect()
    }

    /// What resolving one change's links needs.
    fn input<'a>(&'a self, l: &'a Loaded, c: &'a model::Change) -> analyse::links::ChangeInput<'a> {
        let dir = l.tree.changes.iter().find(|d| d.path == c.path);
        let meta_path = dir.and_then(|d| d.metadata.as_ref()).map_or("", |m| m.path.as_str());
        let declared: Vec<(&str, &str)> = c
            .metadata
            .iter()
            .flat_map(|m| m.touches.iter().chain(&m.affected_areas))
            .map(|v| (meta_path, v.as_str()))
            .collect();
        analyse::links::ChangeInput {
            id: &c.id,
            documents: documents(l, c),
            declared,
            co_changed: self.co.get(&c.id),
            inputs: self.nix.as_ref().map_or(&[], |g| g.inputs()),
        }
    }

    /// The links of every change of the project that is not a namespace
    /// folder, in project order; computed once.
    pub fn all_links(&self, l: &Loaded) -> &[Vec<analyse::links::Link>] {
        self.all_links.get_or_init(|| {
            let changes: Vec<&model::Change> = l.project.changes.iter().filter(|c| c.nested.is_empty()).collect();
            self.links(l, &changes)
        })
    }

    /// The links of each change, in two passes: the second knows what git
    /// says about the paths the first found missing (one history walk for all).
    pub fn links(&self, l: &Loaded, changes: &[&model::Change]) -> Vec<Vec<analyse::links::Link>> {
        let inputs: Vec<analyse::links::ChangeInput<'_>> = changes.iter().map(|c| self.input(l, c)).collect();
        let resolve = |fates: &analyse::links::Fates| -> Vec<Vec<analyse::links::Link>> {
            inputs.iter().map(|i| analyse::links::resolve(i, &self.files, fates, &self.hosts)).collect()
        };
        let first = resolve(&Default::default());
        let missing: std::collections::BTreeSet<String> = first
            .iter()
            .flatten()
            .filter(|l| l.state == analyse::links::State::Planned)
            .map(|l| l.path.trim_end_matches('/').to_owned())
            .collect();
        let fates = self.fates(&missing);
        if fates.is_empty() { first } else { resolve(&fates) }
    }
}

impl CodeContext {
    /// `spec check`'s findings about code: references to files that were
    /// renamed or deleted, and complete changes none of whose files changed
    /// after the change was created ("ticked without evidence"). Git only.
    pub fn findings(&self, l: &Loaded) -> Vec<Diagnostic> {
        let mut out = self.nix_findings();
        out.extend(self.git_findings(l));
        out
    }

    /// Dangling imports and syntax errors (warnings), modules no host
    /// imports (info).
    fn nix_findings(&self) -> Vec<Diagnostic> {
        let Some(graph) = &self.nix else { return Vec::new() };
        let mut out = Vec::new();
        for (file, line, missing) in graph.dangling() {
            out.push(
                Diagnostic::warning(file, Some(line), format!("imports `{missing}`, which does not exist"))
                    .with_help("fix the path, or create the module"),
            );
        }
        for (file, line, message) in graph.errors() {
            out.push(
                Diagnostic::warning(file, Some(line), format!("Nix syntax error: {message}"))
                    .with_help("the rest of the file was still read for imports and hosts"),
            );
        }
        for file in graph.orphans() {
            out.push(
                Diagnostic::new(Level::Info, file, None, "no host imports this module")
                    .with_help("import it from a host's modules, or delete it"),
            );
        }
        out
    }

    fn git_findings(&self, l: &Loaded) -> Vec<Diagnostic> {
        use analyse::links::{Source, State};
        let (Some(repo), Some((_, history))) = (&self.repo, &self.history) else { return Vec::new() };
        let active: Vec<&model::Change> = l.project.active().filter(|c| c.nested.is_empty()).collect();
        let mut out = Vec::new();
        for (c, links) in active.iter().zip(self.links(l, &active)) {
            for link in links.iter().filter(|k| k.source == Source::Declared) {
                let Some(at) = link.evidence.iter().find(|e| e.line.is_some()) else { continue };
                let message = match &link.state {
                    State::Renamed(to) => format!("`{}` was renamed to `{to}`", link.path),
                    State::Deleted => format!("`{}` was deleted", link.path),
                    _ => continue,
                };
                out.push(
                    Diagnostic::warning(at.file.clone(), at.line, format!("{message} (named by change {})", c.id))
                        .with_help("update the reference, or say why the old path still matters"),
                );
            }
            if c.status != model::ChangeStatus::Complete {
                continue;
            }
            let named: Vec<String> = links
                .iter()
                .filter(|k| k.source == Source::Declared && k.state == State::Exists && !k.path.ends_with('/'))
                .map(|k| if self.prefix.is_empty() { k.path.clone() } else { format!("{}/{}", self.prefix, k.path) })
                .collect();
            let Some(created) = history.change(&c.id).and_then(|h| h.created.commit.clone()) else { continue };
            if named.is_empty() || history.change(&c.id).is_some_and(|h| h.created_before_history) {
                continue;
            }
            let Ok(changed) = git::changed_since(repo, &created, &named) else { continue };
            if changed.is_empty() {
                let tasks = l.tree.changes.iter().find(|d| d.path == c.path).and_then(|d| d.task_files.first());
                let file = tasks.map_or_else(|| c.path.clone(), |f| f.path.clone());
                out.push(
                    Diagnostic::warning(
                        file,
                        None,
                        format!(
                            "change {} is complete, but none of the {} file{} it names changed since it was created ({}): ticked without evidence?",
                            c.id,
                            named.len(),
                            if named.len() == 1 { "" } else { "s" },
                            &created[..created.len().min(10)]
                        ),
                    )
                    .with_help("check that the work landed, or name the files it changed"),
                );
            }
        }
        out
    }
}

/// Read what linking needs: the file list, and from git the files changed
/// with each change's folder or in commits whose message names it.
/// How much git evidence a command's code links need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// The file list only: outputs that must be a function of the checkout.
    Files,
    /// History too: renames, deletions, when changes were created.
    History,
    /// And files changed together with each change (a diff per commit).
    CoChange,
}

/// `known` is the project's history when the caller read it already.
pub fn code_context(
    l: &Loaded,
    args: &CodeArgs,
    evidence: Evidence,
    known: Option<(git::Walk, analyse::history::History)>,
) -> Result<CodeContext> {
    let repo = if args.no_git { None } else { git::open(&l.tree.dir).ok() };
    let (files, from) = crate::discover::code::files(&l.tree.dir, args.files.as_deref(), repo.as_ref())?;
    // The plans themselves are not code a change touches.
    let files = analyse::links::Files::new(files.into_iter().filter(|f| !f.starts_with("openspec/")));
    let prefix =
        repo.as_ref().and_then(|r| git::repo_path(r, &l.tree.dir).ok()).map(|p| p.join("/")).unwrap_or_default();
    let mut co = Default::default();
    let mut history = None;
    if let Some(repo) = &repo
        && evidence >= Evidence::History
        && let Some(h) = known.or_else(|| history_of(l, None, None, &WalkArgs { all_parents: false, date: None }).ok())
    {
        if evidence == Evidence::CoChange {
            co = co_changes(repo, l, &h, &prefix).unwrap_or_default();
        }
        history = Some(h);
    }
    let (nix, input_modules) = match nix_graph(&l.tree.dir, &files) {
        Some((g, uses)) => (Some(g), uses),
        None => (None, Vec::new()),
    };
    // Hosts from the flake; without Nix files, by folder: `hosts/<name>/default.nix`,
    // or `hosts/<group>/<name>/default.nix` when the group is not itself a host.
    let mut hosts: Vec<String> = match &nix {
        Some(g) if !g.hosts().is_empty() => g.hosts().iter().map(|h| h.name.clone()).collect(),
        _ => Vec::new(),
    };
    hosts.extend(if !hosts.is_empty() {
        Vec::new()
    } else {
        files
            .iter()
            .filter_map(|f| {
                let parts: Vec<&str> = f.split('/').collect();
                match parts.as_slice() {
                    ["hosts", name, "default.nix"] => Some((*name).to_owned()),
                    ["hosts", group, name, "default.nix"] if !files.contains(&format!("hosts/{group}/default.nix")) => {
                        Some((*name).to_owned())
                    }
                    _ => None,
                }
            })
            .collect::<Vec<String>>()
    });
    hosts.sort();
    hosts.dedup();
    Ok(CodeContext {
        files,
        from,
        co,
        hosts,
        repo,
        prefix,
        history,
        nix,
        input_modules,
        all_links: std::cell::OnceCell::new(),
    })
}

/// Parse every `.nix` file of the project (in parallel) and build the graph;
/// `None` unless the project folder has a `flake.nix`. Hosts count only when
/// the root flake reaches the file that defines them (a fixture or template
/// flake in a subfolder defines none of the project's hosts). Files that
/// cannot be read are left out.
/// A use of a module a flake input provides (`disko.nixosModules.disko`).
#[derive(Debug, Clone, Serialize)]
pub struct InputModule {
    pub file: String,
    pub line: usize,
    pub input: String,
    pub module: String,
}

pub fn nix_graph(
    dir: &std::path::Path,
    files: &analyse::links::Files,
) -> Option<(analyse::nix::NixGraph, Vec<InputModule>)> {
    use rayon::prelude::*;
    if !files.contains("flake.nix") {
        return None;
    }
    let paths: Vec<String> = files.iter().filter(|f| f.ends_with(".nix")).cloned().collect();
    let (read, _) = crate::discover::read_files(dir, &paths);
    // A file list without the files (`--files` for a tree not checked out) has no graph.
    if !read.iter().any(|f| f.path == "flake.nix") {
        return None;
    }
    let mut facts: Vec<(String, crate::parse::nix::NixFacts)> =
        read.par_iter().map(|f| (f.path.clone(), crate::parse::nix::parse(&f.path, &f.text))).collect();
    // Files the root flake reaches over path literals (a folder is its default.nix).
    let by_path: std::collections::HashMap<&str, usize> =
        facts.iter().enumerate().map(|(i, (p, _))| (p.as_str(), i)).collect();
    let mut reached = vec![false; facts.len()];
    let mut queue: Vec<usize> = by_path.get("flake.nix").copied().into_iter().collect();
    while let Some(i) = queue.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        for p in &facts[i].1.paths {
            let target = if p.path.ends_with(".nix") {
                p.path.clone()
            } else {
                format!("{}/default.nix", p.path.trim_start_matches("./"))
            };
            let target = target.trim_start_matches("./").to_owned();
            if let Some(&j) = by_path.get(target.as_str()).or_else(|| by_path.get(p.path.as_str())) {
                queue.push(j);
            }
        }
    }
    for (i, (_, f)) in facts.iter_mut().enumerate() {
        if !reached[i] {
            f.hosts.clear();
        }
    }
    let all: std::collections::BTreeSet<String> = files.iter().cloned().collect();
    let uses: Vec<InputModule> = facts
        .iter()
        .flat_map(|(file, f)| {
            f.input_modules.iter().map(move |(input, module, line)| InputModule {
                file: file.clone(),
                line: *line,
                input: input.clone(),
                module: module.clone(),
            })
        })
        .collect();
    Some((analyse::nix::build(&facts, &all), uses))
}

/// Files changed with each change, from git (see [`analyse::links::co_changes`]).
fn co_changes(
    repo: &git2::Repository,
    l: &Loaded,
    (walk, history): &(git::Walk, analyse::history::History),
    prefix: &str,
) -> std::result::Result<analyse::links::CoChanges, git::NoHistory> {
    // Old folder names map to the change's id now (archive moves, renames).
    let mut current: std::collections::BTreeMap<String, String> = Default::default();
    for c in &l.project.changes {
        current.insert(c.id.clone(), c.id.clone());
    }
    for h in &history.changes {
        for old in &h.renamed_from {
            current.insert(old.clone(), h.id.clone());
        }
    }
    let openspec_rel = if prefix.is_empty() { "openspec/".to_owned() } else { format!("{prefix}/openspec/") };
    let outside = |files: Vec<String>| -> Vec<String> {
        files
            .into_iter()
            .filter(|f| !f.starts_with(&openspec_rel))
            .filter_map(|f| {
                if prefix.is_empty() { Some(f) } else { f.strip_prefix(&format!("{prefix}/")).map(str::to_owned) }
            })
            .collect()
    };
    let ids: std::collections::BTreeSet<String> = current.keys().cloned().collect();
    let mut by_commit: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    for step in &walk.steps {
        let Some(commit) = &step.commit else { continue };
        let entry = by_commit.entry(commit.id.clone()).or_default();
        for d in &step.deltas {
            let id = analyse::history::change_id(&d.key);
            entry.insert(current.get(id).cloned().unwrap_or_else(|| id.to_owned()));
        }
    }
    for (commit, message) in git::messages(repo, git::WalkOptions::default())? {
        for id in analyse::links::ids_in_message(&message, &ids) {
            by_commit.entry(commit.clone()).or_default().insert(current[id].clone());
        }
    }
    let mut commits = Vec::new();
    for (commit, changes) in by_commit {
        let files = outside(git::changed_files(repo, &commit)?);
        if !files.is_empty() {
            commits.push((changes.into_iter().collect(), files));
        }
    }
    Ok(analyse::links::co_changes(&commits))
}

pub fn links(loaded: &[Loaded], _config: &Config, args: &LinksArgs, style: &Style) -> Result<Outcome> {
    let l = one(loaded, "links")?;
    let changes: Vec<&model::Change> = match &args.change {
        Some(id) => match find_change(l, id) {
            Some(c) => vec![c],
            None => {
                let known: Vec<&str> = l.project.changes.iter().map(|c| c.id.as_str()).collect();
                return Err(Error::Usage(format!("no change `{id}`{}", did_you_mean(&known, id))));
            }
        },
        None => l.project.changes.iter().filter(|c| c.nested.is_empty()).collect(),
    };
    let ctx = code_context(l, &args.code, Evidence::CoChange, None)?;
    let reports: Vec<LinksReport<'_>> = changes
        .iter()
        .zip(ctx.links(l, &changes))
        .map(|(c, links)| LinksReport {
            change: &c.id,
            path: &c.path,
            hosts: ctx.nix.as_ref().map(|g| analyse::links::hosts_affected(&links, &ctx.files, g)).unwrap_or_default(),
            links,
            hosts_named: analyse::links::hosts_named(&documents(l, c), &ctx.hosts),
        })
        .collect();
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout = match (&args.change, args.json) {
        (Some(_), true) => json::to_string(&reports[0]),
        (Some(_), false) => {
            let r = &reports[0];
            terminal::links(r.change, &r.links, ctx.nix.as_ref().map(|_| r.hosts.as_slice()), &r.hosts_named, style)
        }
        (None, true) => json::to_string(&serde_json::json!({ "files": ctx.files.len(), "changes": reports })),
        (None, false) => terminal::links_summary(
            &reports.iter().map(|r| (r.change, r.path, r.links.as_slice())).collect::<Vec<_>>(),
            ctx.files.len(),
            style,
        ),
    };
    Ok(out)
}

/// One change as `spec impact` lists it under a host.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactChange {
    pub id: String,
    pub status: model::ChangeStatus,
    pub tasks: model::Progress,
    /// The change's `.nix` files that the host's build runs.
    pub files: Vec<String>,
}

/// A host and the changes whose code it runs.
#[derive(Debug, Clone, Serialize)]
pub struct HostImpact {
    pub host: String,
    pub open: Vec<ImpactChange>,
    pub done: Vec<ImpactChange>,
}

/// Per host of the graph, the changes whose linked `.nix` files its build
/// runs (open: not complete; done: complete or archived).
pub fn host_impact(l: &Loaded, ctx: &CodeContext, graph: &analyse::nix::NixGraph) -> Vec<HostImpact> {
    let changes: Vec<&model::Change> = l.project.changes.iter().filter(|c| c.nested.is_empty()).collect();
    let links = ctx.all_links(l);
    let mut names: Vec<String> = graph.hosts().iter().map(|h| h.name.clone()).collect();
    names.dedup();
    names
        .into_iter()
        .map(|host| {
            let mut impact = HostImpact { host: host.clone(), open: Vec::new(), done: Vec::new() };
            for (c, links) in changes.iter().zip(links) {
                let files: Vec<String> = analyse::links::nix_files(links, &ctx.files)
                    .into_iter()
                    .filter(|f| graph.active_on(f, &host))
                    .map(str::to_owned)
                    .collect();
                if files.is_empty() {
                    continue;
                }
                let entry = ImpactChange { id: c.id.clone(), status: c.status, tasks: c.tasks, files };
                if matches!(c.status, model::ChangeStatus::Complete | model::ChangeStatus::Archived) {
                    impact.done.push(entry);
                } else {
                    impact.open.push(entry);
                }
            }
            impact
        })
        .collect()
}

/// Per host, the changes whose code it runs, and the module folders its
/// build runs with the work in each (for the architecture drawings).
fn host_views(
    l: &Loaded,
    ctx: &CodeContext,
    graph: &analyse::nix::NixGraph,
) -> (Vec<HostImpact>, Vec<mermaid::HostFolders>) {
    let impact = host_impact(l, ctx, graph);
    let folder = |f: &str| -> String {
        let parts: Vec<&str> = f.split('/').collect();
        match parts.len() {
            0 | 1 => ".".to_owned(),
            2 => parts[0].to_owned(),
            _ => format!("{}/{}", parts[0], parts[1]),
        }
    };
    let mut diagram = Vec::new();
    for h in &impact {
        let work = |changes: &[ImpactChange]| -> std::collections::BTreeSet<String> {
            changes.iter().flat_map(|c| c.files.iter().map(|f| folder(f))).collect()
        };
        let (open, done) = (work(&h.open), work(&h.done));
        let folders: std::collections::BTreeSet<String> = graph
            .closure(&h.host)
            .into_iter()
            .filter(|f| f.ends_with(".nix") && f != "flake.nix" && graph.active_on(f, &h.host))
            .map(|f| folder(&f))
            .collect();
        diagram.push(mermaid::HostFolders {
            host: h.host.clone(),
            folders: folders
                .into_iter()
                .map(|f| {
                    let w = if open.contains(&f) { Some(true) } else { done.contains(&f).then_some(false) };
                    (f, w)
                })
                .collect(),
        });
    }
    (impact, diagram)
}

/// `spec status`'s hosts: only for a project with a `flake.nix`, from the
/// work tree's files (no history, so it stays fast).
fn status_hosts(l: &Loaded) -> Vec<analyse::HostSummary> {
    if !l.tree.dir.join("flake.nix").is_file() {
        return Vec::new();
    }
    let Ok(ctx) = checkout_context(l) else { return Vec::new() };
    let Some(graph) = ctx.nix.as_ref() else { return Vec::new() };
    let ids = |v: &[ImpactChange]| v.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    host_impact(l, &ctx, graph)
        .iter()
        .map(|h| analyse::HostSummary { host: h.host.clone(), open: ids(&h.open), done: ids(&h.done) })
        .collect()
}

/// The code context for outputs that must be a function of the checkout:
/// the work tree's files, no history.
fn checkout_context(l: &Loaded) -> Result<CodeContext> {
    let mut ctx = code_context(l, &CodeArgs { files: None, no_git: false }, Evidence::Files, None)?;
    // No renames from history either.
    ctx.repo = None;
    Ok(ctx)
}

/// The Hosts section of ROADMAP.md, from the files in the work tree only
/// (no history, so the file stays a function of the checkout); `None`
/// without a flake that defines hosts.
fn roadmap_hosts(l: &Loaded) -> Result<Option<markdown::HostsMd>> {
    let ctx = checkout_context(l)?;
    let Some(graph) = ctx.nix.as_ref().filter(|g| !g.hosts().is_empty()) else { return Ok(None) };
    let (impact, diagram) = host_views(l, &ctx, graph);
    let ids = |v: &[ImpactChange]| v.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let rows: Vec<(String, Vec<String>, Vec<String>)> =
        impact.iter().map(|h| (h.host.clone(), ids(&h.open), ids(&h.done))).collect();
    Ok(Some(markdown::HostsMd::new(&rows, mermaid::architecture(&diagram))))
}

/// What the site shows about hosts; `None` without a flake that defines hosts.
fn site_hosts(l: &Loaded, ctx: &CodeContext) -> Option<crate::render::html::SiteHosts> {
    let graph = ctx.nix.as_ref().filter(|g| !g.hosts().is_empty())?;
    let (impact, architecture) = host_views(l, ctx, graph);
    let path_of = |id: &str| find_change(l, id).map(|c| c.path.clone());
    let mut by_change: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut hosts = Vec::new();
    for h in &impact {
        for c in h.open.iter().chain(&h.done) {
            if let Some(p) = path_of(&c.id) {
                by_change.entry(p).or_default().push(h.host.clone());
            }
        }
        let def = graph.hosts().iter().find(|d| d.name == h.host).expect("a host of the graph");
        let pairs = |v: &[ImpactChange]| v.iter().map(|c| (c.id.clone(), c.files.clone())).collect::<Vec<_>>();
        hosts.push(crate::render::html::SiteHost {
            name: h.host.clone(),
            kind: def.kind.output().trim_end_matches("Configurations").to_owned(),
            file: def.file.clone(),
            line: def.line,
            open: pairs(&h.open),
            done: pairs(&h.done),
            closure: graph
                .closure(&h.host)
                .into_iter()
                .filter(|f| f.ends_with(".nix"))
                .map(|f| {
                    let on = graph.active_on(&f, &h.host);
                    (f, on)
                })
                .collect(),
        });
    }
    for v in by_change.values_mut() {
        v.sort();
        v.dedup();
    }
    Some(crate::render::html::SiteHosts { hosts, by_change, architecture })
}

fn need_nix<'a>(ctx: &'a CodeContext, what: &str) -> Result<&'a analyse::nix::NixGraph> {
    ctx.nix.as_ref().ok_or_else(|| {
        Error::Usage(format!("{what} needs Nix: no .nix file in the project ({} files looked at)", ctx.files.len()))
    })
}

pub fn impact(loaded: &[Loaded], args: &ImpactArgs, style: &Style) -> Result<Outcome> {
    let l = one(loaded, "impact")?;
    let ctx = code_context(l, &args.code, Evidence::CoChange, None)?;
    let graph = need_nix(&ctx, "`spec impact`")?;
    let mut all = host_impact(l, &ctx, graph);
    if let Some(host) = &args.host {
        if !all.iter().any(|h| &h.host == host) {
            let known: Vec<&str> = all.iter().map(|h| h.host.as_str()).collect();
            return Err(Error::Usage(format!(
                "no host `{host}` in the flake (hosts: {}){}",
                known.join(", "),
                did_you_mean(&known, host)
            )));
        }
        all.retain(|h| &h.host == host);
    }
    let mut out = Outcome::new().reading_problems(loaded);
    out.stdout =
        if args.json { json::to_string(&serde_json::json!({ "hosts": all })) } else { terminal::impact(&all, style) };
    Ok(out)
}

#[derive(Serialize)]
struct HostReport<'a> {
    #[serde(flatten)]
    host: &'a analyse::nix::Host,
    /// Every `.nix` file its build reads.
    closure: Vec<String>,
}

pub fn hosts(loaded: &[Loaded], args: &HostsArgs, style: &Style) -> Result<Outcome> {
    let l = one(loaded, "hosts")?;
    let ctx = code_context(l, &args.code, Evidence::Files, None)?;
    let graph = need_nix(&ctx, "`spec hosts`")?;
    let hosts: Vec<HostReport<'_>> = graph
        .hosts()
        .iter()
        .map(|h| HostReport {
            host: h,
            closure: graph.closure(&h.name).into_iter().filter(|f| f.ends_with(".nix")).collect(),
        })
        .collect();
    let mut out = Outcome::new().reading_problems(loaded);
    let dangling: Vec<serde_json::Value> = graph
        .dangling()
        .into_iter()
        .map(|(file, line, missing)| serde_json::json!({ "file": file, "line": line, "missing": missing }))
        .collect();
    let errors: Vec<serde_json::Value> = graph
        .errors()
        .into_iter()
        .map(|(file, line, message)| serde_json::json!({ "file": file, "line": line, "message": message }))
        .collect();
    out.stdout = if args.json {
        json::to_string(&serde_json::json!({
            "hosts": hosts,
            "orphans": graph.orphans(),
            "dangling": dangling,
            "errors": errors,
            "inputs": graph.inputs(),
            "input_modules": ctx.input_modules,
        }))
    } else {
        let rows: Vec<(&analyse::nix::Host, usize)> = hosts.iter().map(|h| (h.host, h.closure.len())).collect();
        let mut text = terminal::hosts(&rows, &graph.orphans(), &graph.dangling(), &graph.errors(), style);
        if !ctx.input_modules.is_empty() {
            text.push_str(&format!(
                "\n{}\n",
                style.heading(&format!("Modules from flake inputs ({})", ctx.input_modules.len()))
            ));
            for u in &ctx.input_modules {
                text.push_str(&format!(
                    "  {}.{}  {}\n",
                    u.input,
                    u.module,
                    style.dim(&format!("{}:{}", u.file, u.line))
                ));
            }
        }
        text
    };
    Ok(out)
}

/// `(file, text)` of a change's documents: proposal, design, task files, delta specs.
fn documents<'a>(l: &'a Loaded, c: &model::Change) -> Vec<(&'a str, &'a str)> {
    l.tree
        .changes
        .iter()
        .find(|d| d.path == c.path)
        .map(|d| {
            d.proposal
                .iter()
                .chain(&d.design)
                .chain(&d.task_files)
                .chain(d.deltas.iter().map(|s| &s.file))
                .map(|f| (f.path.as_str(), f.text.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Serialize)]
struct LinksReport<'a> {
    change: &'a str,
    path: &'a str,
    links: Vec<analyse::links::Link>,
    /// Hosts whose build includes the linked code (from the Nix graph).
    hosts: Vec<String>,
    /// Hosts whose names the change's documents use.
    hosts_named: Vec<String>,
}

/// A change by id: the active one first, then the latest archived one
/// (named with or without its date prefix).
fn find_change<'a>(l: &'a Loaded, id: &str) -> Option<&'a model::Change> {
    l.project
        .active()
        .find(|c| c.id == id)
        .or_else(|| l.project.archived().filter(|c| c.id == id || c.path.ends_with(&format!("/{id}"))).last())
}

/// `; did you mean a, b?` for ids close to `wanted`, or nothing.
fn did_you_mean(known: &[&str], wanted: &str) -> String {
    let close = suggestions(known, wanted);
    if close.is_empty() { String::new() } else { format!("; did you mean {}?", close.join(", ")) }
}

fn one<'a>(loaded: &'a [Loaded], what: &str) -> Result<&'a Loaded> {
    match loaded {
        [one] => Ok(one),
        _ => Err(Error::Usage(format!(
            "{what} works on one project at a time; choose one with --project ({})",
            loaded.iter().map(|l| l.project.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

pub fn roadmap(loaded: &[Loaded], config: &Config, args: &RoadmapArgs) -> Result<Outcome> {
    if args.out.is_some() && loaded.len() > 1 {
        one(loaded, "--out")?;
    }
    let date = match args.date.as_deref() {
        None => None,
        Some("today") => Some(Day::today()),
        Some(d) if Day::parse(d).is_some() => Day::parse(d),
        Some(d) => return Err(Error::Usage(format!("--date {d}: expected YYYY-MM-DD"))),
    };
    let mut out = Outcome::new().reading_problems(loaded);
    for l in loaded {
        let plan = plan(l, config);
        let errors: Vec<String> = plan
            .diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .map(|d| crate::render::diagnostic::text(d, &Style::plain()))
            .collect();
        if !errors.is_empty() {
            return Err(Error::Diagnostics(errors.join("\n")));
        }
        let mut roadmap = analyse::roadmap::build(l, &plan.graph, plan.file(), date);
        let history = if args.history {
            let stale = plan.source.as_ref().and_then(|s| s.file.stale_after_days);
            let walk = WalkArgs { all_parents: false, date: date.map(|d| d.to_string()) };
            let (_, h) =
                history_of(l, Some(&roadmap), stale, &walk).map_err(|e| Error::Usage(format!("--history: {e}")))?;
            roadmap.mark_stale(&h);
            Some(h)
        } else {
            None
        };
        // The roadmap file's path is never this machine's (see `Config::roadmap_shown`).
        let source = match &plan.source {
            Some(s) => format!("{}/ and {}", l.project.openspec_dir, s.path),
            None => format!("{}/", l.project.openspec_dir),
        };
        let block = markdown::render(&roadmap, &source, history.as_ref(), roadmap_hosts(l)?);
        if args.stdout {
            out.stdout.push_str(&block);
            continue;
        }
        let target = match &args.out {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => std::env::current_dir().map_err(Error::Io)?.join(p),
            None => l.tree.dir.join("ROADMAP.md"),
        };
        let shown = crate::discover::relative(&config.root, &target);
        let existing = output::read_existing(&target)?;
        let wanted = markdown::splice(existing.as_deref(), &block);
        if args.check {
            match existing {
                Some(old) if old == wanted => out.stdout.push_str(&format!("{shown} is up to date\n")),
                Some(old) => {
                    out.stdout.push_str(&output::unified_diff(&old, &wanted, &shown));
                    out.stderr
                        .push_str(&format!("error: {shown} is stale; run `spec roadmap` and commit the result\n"));
                    out.code = exit::FINDINGS;
                }
                None => {
                    out.stderr.push_str(&format!(
                        "error: {shown} does not exist; run `spec roadmap` and commit the result\n"
                    ));
                    out.code = exit::FINDINGS;
                }
            }
        } else if existing.as_deref() == Some(wanted.as_str()) {
            out.stderr.push_str(&format!("{shown} is up to date\n"));
        } else {
            output::write_atomic(&target, &wanted)?;
            out.stderr.push_str(&format!("wrote {shown}\n"));
        }
    }
    Ok(out)
}

pub fn site(loaded: &[Loaded], config: &Config, args: &SiteArgs) -> Result<Outcome> {
    use std::io::IsTerminal;
    if args.out.is_some() && loaded.len() > 1 {
        one(loaded, "--out")?;
    }
    let mut out = Outcome::new().reading_problems(loaded);
    for l in loaded {
        let started = std::time::Instant::now();
        let plan = plan(l, config);
        if let Some(error) = plan.diagnostics.iter().find(|d| d.level == Level::Error) {
            return Err(Error::Diagnostics(crate::render::diagnostic::text(error, &Style::plain())));
        }
        let roadmap = analyse::roadmap::build(l, &plan.graph, plan.file(), None);
        let source = match &plan.source {
            Some(s) => vec![format!("{}/", l.project.openspec_dir), s.path.clone()],
            None => vec![format!("{}/", l.project.openspec_dir)],
        };
        let stale = plan.source.as_ref().and_then(|s| s.file.stale_after_days);
        let read = history_of(l, Some(&roadmap), stale, &WalkArgs { all_parents: false, date: None });
        let why = read.as_ref().err().map(ToString::to_string);
        // Code links, when the project has files besides its plans.
        let ctx = code_context(l, &CodeArgs { files: None, no_git: false }, Evidence::CoChange, read.ok())?;
        let history = ctx.history.as_ref().map(|(_, h)| h).ok_or_else(|| why.unwrap_or_default());
        let changes: Vec<&model::Change> = l.project.changes.iter().filter(|c| c.nested.is_empty()).collect();
        let links: std::collections::BTreeMap<String, Vec<analyse::links::Link>> = if ctx.files.is_empty() {
            Default::default()
        } else {
            changes.iter().map(|c| c.path.clone()).zip(ctx.all_links(l).iter().cloned()).collect()
        };
        let site_hosts = site_hosts(l, &ctx);
        let files = crate::render::html::build(&crate::render::html::SiteInput {
            loaded: l,
            graph: &plan.graph,
            roadmap: &roadmap,
            source,
            history,
            links: &links,
            hosts: site_hosts.as_ref(),
        });
        let dir = match &args.out {
            Some(p) if p.is_absolute() => p.clone(),
            Some(p) => std::env::current_dir().map_err(Error::Io)?.join(p),
            None => l.tree.dir.join("site"),
        };
        let bar = if std::io::stderr().is_terminal() && files.len() > 200 {
            let bar = indicatif::ProgressBar::new(files.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_message("writing site");
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let report = output::write_site(&dir, &files, args.force, &|| bar.inc(1))?;
        bar.finish_and_clear();
        out.stderr.push_str(&format!(
            "site: {} pages and assets in {} ({} written, {} unchanged, {} removed) in {} ms\n",
            files.len(),
            crate::discover::relative(&config.root, &dir),
            report.written,
            report.unchanged,
            report.removed,
            started.elapsed().as_millis()
        ));
    }
    Ok(out)
}

/// The graph as JSON.
#[derive(Serialize)]
struct GraphJson<'a> {
    project: &'a str,
    nodes: &'a [analyse::graph::Node],
    edges: &'a [analyse::graph::Edge],
    missing: &'a [analyse::graph::Edge],
    cycles: Vec<Vec<String>>,
    critical_path: Vec<&'a str>,
    critical_weight: usize,
}

pub fn graph(loaded: &[Loaded], config: &Config, args: &GraphArgs) -> Result<Outcome> {
    let format = if args.json { GraphFormat::Json } else { args.format };
    let mut out = Outcome::new().reading_problems(loaded);
    let mut docs = Vec::new();
    for l in loaded {
        let plan = plan(l, config);
        let roadmap = analyse::roadmap::build(l, &plan.graph, plan.file(), None);
        if let Some(phase) = &args.phase
            && !roadmap.phases.iter().any(|p| &p.id == phase)
        {
            let known = roadmap.phases.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ");
            return Err(Error::Usage(format!("no phase `{phase}`; phases: {known}")));
        }
        match format {
            GraphFormat::Mermaid => out.stdout.push_str(&mermaid::graph(&roadmap, args.phase.as_deref())),
            GraphFormat::Dot => out.stdout.push_str(&dot(&plan.graph)),
            GraphFormat::Json => {
                let (path, weight) = plan.graph.critical_path();
                docs.push(
                    serde_json::to_value(GraphJson {
                        project: &l.project.name,
                        nodes: &plan.graph.nodes,
                        edges: &plan.graph.edges,
                        missing: &plan.graph.dangling,
                        cycles: plan.graph.cycles(),
                        critical_path: path.iter().map(|n| n.id.as_str()).collect(),
                        critical_weight: weight,
                    })
                    .expect("graph serialises"),
                );
            }
        }
    }
    if format == GraphFormat::Json {
        out.stdout = json::to_string(&serde_json::json!({ "projects": docs }));
    }
    Ok(out)
}

/// Graphviz: `dependency -> dependent`, dashed when inferred.
fn dot(graph: &analyse::graph::Graph) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut s = String::from(
        "digraph changes {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white];\n",
    );
    for n in &graph.nodes {
        let fill = match n.status {
            model::ChangeStatus::Complete => "#b7e4c7",
            model::ChangeStatus::InProgress => "#ffe066",
            model::ChangeStatus::Draft => "#cfe2ff",
            model::ChangeStatus::Archived => "#e9ecef",
        };
        s.push_str(&format!("  {} [fillcolor=\"{fill}\", tooltip={}];\n", quote(&n.id), quote(&n.title)));
    }
    for e in &graph.edges {
        let style = if e.kind == analyse::graph::EdgeKind::Inferred { " [style=dashed]" } else { "" };
        s.push_str(&format!("  {} -> {}{style};\n", quote(&e.to), quote(&e.from)));
    }
    s.push_str("}\n");
    s
}

#[derive(Serialize)]
struct NextJson<'a> {
    project: &'a str,
    next: Vec<analyse::roadmap::NextAction>,
}

#[derive(Serialize)]
struct BlockedJson<'a> {
    project: &'a str,
    blocked: Vec<analyse::graph::Blocked<'a>>,
}

pub fn next(loaded: &[Loaded], config: &Config, as_json: bool) -> Outcome {
    let mut out = Outcome::new().reading_problems(loaded);
    let mut docs = Vec::new();
    for l in loaded {
        let plan = plan(l, config);
        let roadmap = analyse::roadmap::build(l, &plan.graph, plan.file(), None);
        if as_json {
            docs.push(
                serde_json::to_value(NextJson { project: &l.project.name, next: roadmap.next }).expect("serialises"),
            );
            continue;
        }
        if roadmap.next.is_empty() {
            out.stdout.push_str("Nothing can start: every unfinished change waits for another (see `spec blocked`).\n");
        }
        for (i, n) in roadmap.next.iter().enumerate() {
            let phase = n.phase.as_deref().map(|p| format!("  [{p}]")).unwrap_or_default();
            out.stdout.push_str(&format!(
                "{:>3}. {}  {}/{} tasks  {}{phase}\n",
                i + 1,
                n.id,
                n.tasks.done,
                n.tasks.total,
                if n.title == n.id { "" } else { &n.title }
            ));
        }
    }
    if as_json {
        out.stdout = json::to_string(&serde_json::json!({ "projects": docs }));
    }
    out
}

pub fn blocked(loaded: &[Loaded], config: &Config, as_json: bool) -> Outcome {
    let mut out = Outcome::new().reading_problems(loaded);
    let mut docs = Vec::new();
    for l in loaded {
        let plan = plan(l, config);
        let blocked = plan.graph.blocked();
        if as_json {
            docs.push(serde_json::to_value(BlockedJson { project: &l.project.name, blocked }).expect("serialises"));
            continue;
        }
        if blocked.is_empty() {
            out.stdout.push_str("Nothing is blocked.\n");
        }
        for b in &blocked {
            let waits: Vec<String> = b
                .waits_for
                .iter()
                .map(|e| {
                    let state = plan.graph.node(&e.to).map_or("missing", |n| n.status.as_str());
                    let how = if e.kind == analyse::graph::EdgeKind::Inferred { ", inferred" } else { "" };
                    format!("{} ({state}{how})", e.to)
                })
                .collect();
            out.stdout.push_str(&format!("{} waits for {}\n", b.node.id, waits.join(", ")));
        }
    }
    if as_json {
        out.stdout = json::to_string(&serde_json::json!({ "projects": docs }));
    }
    out
}

/// Find a change (active first, then archived, by id or folder name) or a
/// spec by id, in every loaded project.
fn find_item<'a>(loaded: &'a [Loaded], id: &str) -> Result<json::Shown<'a>> {
    let mut hits: Vec<json::Shown<'a>> = Vec::new();
    for l in loaded {
        let project = l.project.name.as_str();
        if let Some(change) = find_change(l, id) {
            hits.push(json::Shown::Change { project, change });
        } else if let Some(spec) = l.project.specs.iter().find(|s| s.id == id) {
            hits.push(json::Shown::Spec { project, spec });
        }
    }
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => {
            let mut known: Vec<&str> = loaded
                .iter()
                .flat_map(|l| {
                    l.project.changes.iter().map(|c| c.id.as_str()).chain(l.project.specs.iter().map(|s| s.id.as_str()))
                })
                .collect();
            known.sort_unstable();
            known.dedup();
            let close = suggestions(&known, id);
            let hint = if close.is_empty() {
                "run `spec list` or `spec list --specs` to see the ids".to_owned()
            } else {
                format!("did you mean: {}?", close.join(", "))
            };
            Err(Error::Usage(format!("no change or spec with id `{id}`; {hint}")))
        }
        _ => Err(Error::Usage(format!("`{id}` exists in several projects; choose one with --project"))),
    }
}

/// Up to three known ids close to `wanted` (edit distance), closest first.
fn suggestions<'a>(known: &[&'a str], wanted: &str) -> Vec<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    let mut close: Vec<(usize, &str)> =
        known.iter().map(|k| (strsim::levenshtein(k, wanted), *k)).filter(|(d, _)| *d <= limit).collect();
    close.sort();
    close.into_iter().take(3).map(|(_, k)| k).collect()
}
