//! `spec check`: the official validation of every change and spec, plus
//! `spec`'s own findings (reading, planning, code), as text, JSON or GitHub
//! annotations. Exit 1 when an item fails or a finding is an error.
//!
//! From git, `check` reads only what its code findings need
//! ([`CodeContext::findings`] says what and why): what became of the
//! declared paths missing from the work tree, when the complete changes that
//! name existing files were created, and whether those files changed since.
//! No history walk, task count or co-change (`spec history`, `spec links`
//! and the site read those); nothing at all with `--no-git`.

use super::Outcome;
use crate::analyse::{self, overlaps, validate};
use crate::cli::{CheckArgs, CheckFormat};
use crate::config::Config;
use crate::context::{CodeContext, Evidence, Loaded, Plan};
use crate::error::exit;
use crate::model::{Diagnostic, Level, diagnostic};
use crate::render::{self, json, style::Style, terminal};

pub fn run(loaded: &[Loaded], config: &Config, args: &CheckArgs, style: &Style) -> Outcome {
    let format = if args.json { CheckFormat::Json } else { args.format };
    let mut items: Vec<(&str, validate::ItemReport)> = Vec::new();
    let mut findings: Vec<Diagnostic> = Vec::new();
    for l in loaded {
        let name = l.project.name.as_str();
        items.extend(validate::validate_all(&l.tree, args.strict).into_iter().map(|r| (name, r)));
        findings.extend(l.diagnostics.iter().cloned());
        findings.extend(analyse::findings(&l.project));
        findings.extend(Plan::of(l, config).findings(&l.project));
        if let Ok(ctx) = CodeContext::read(l, (&args.code).into(), Evidence::History, None) {
            findings.extend(ctx.findings(l));
            findings.extend(overlaps::diagnostics(&ctx.overlaps(l)));
        }
    }
    diagnostic::sort(&mut findings);
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
            .map(|d| render::diagnostic::github(&d) + "\n")
            .collect(),
    };
    if failed > 0 || errors {
        out.code = exit::FINDINGS;
    }
    out
}
