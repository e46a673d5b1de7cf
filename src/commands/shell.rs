//! `spec completions <shell>` and `spec man`: generated from the same clap
//! definition as the parser ([`crate::cli::Cli`]), so they list exactly the
//! commands and flags `spec` has. Neither reads a repository.

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::{Error, Result};
use crate::output;
use clap::CommandFactory as _;

pub fn completions(args: &CompletionsArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "spec", &mut script);
    let mut out = Outcome::new();
    out.stdout = text(script)?;
    Ok(out)
}

pub fn man(args: &ManArgs) -> Result<Outcome> {
    let mut cmd = Cli::command();
    // Built, the sub-commands carry the version and their full names (`spec check`).
    cmd.build();
    let mut out = Outcome::new();
    let Some(dir) = &args.dir else {
        out.stdout = page(clap_mangen::Man::new(cmd))?;
        return Ok(out);
    };
    let mut pages = vec![("spec.1".to_owned(), page(clap_mangen::Man::new(cmd.clone()))?)];
    let source = format!("spec {}", cmd.get_version().unwrap_or_default());
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("spec-{}", sub.get_name());
        pages.push((format!("{name}.1"), page(clap_mangen::Man::new(sub.clone()).title(name).source(source.clone()))?));
    }
    for (file, text) in &pages {
        output::write_atomic(&dir.join(file), text)?;
    }
    out.stderr = format!("man: {} pages in {}\n", pages.len(), dir.display());
    Ok(out)
}

fn page(man: clap_mangen::Man) -> Result<String> {
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    text(roff)
}

fn text(bytes: Vec<u8>) -> Result<String> {
    // clap writes what the definition holds, which is UTF-8 source text.
    String::from_utf8(bytes).map_err(|e| Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}
