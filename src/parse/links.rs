//! Mentions of repository files in a change's prose: proposal, design,
//! tasks and delta specs. Pure: text in, mentions out; resolving them
//! against the repository's files is [`crate::analyse::links`]' job.
//!
//! What counts, from what real changes write:
//!
//! - a path with a folder and a known file extension, backticked or bare:
//!   `hosts/yoga/disko.nix`, `/flake.nix` (a leading `/` or `./` means the
//!   repository root), `scripts/verify-*.sh` (a glob);
//! - a folder, written with a trailing `/` (`hosts/servers/contabo-vps/`);
//! - a bare file name with a known extension (`disko.nix`, `facter.json`),
//!   or one of the [`KNOWN_NAMES`] without one (`Justfile`, `Makefile`):
//!   ambiguous on its own, so it carries the last folder mentioned before it
//!   in the same section (task lists say "Create `hosts/x/`" and then
//!   "Create `meta.nix`"), for the resolver to try first;
//! - a path without an extension (`/var/lib/containers`, `Attic/ci-token`)
//!   only when its first folder exists in the repository: the parser keeps
//!   it as `rooted_only` and the resolver decides.
//!
//! What does not: URLs, option paths (`programs.niri.enable`), lines that
//! say the thing stays as it is ("remain unchanged", "not affected", "no
//! changes to"), sections of references or context ("## References",
//! "## Context", "## Background", "## Related", "## See also", "## Prior art"),
//! and code fences.
//!
//! Each mention also says where it stands ([`Place`]): in a section that
//! lists what the change affects ("## Impact", "Affected code:"), in a
//! scenario or an example ("#### Scenario:", "WHEN"/"THEN" steps, "##
//! Example output"), where a path illustrates behaviour rather than names
//! work, or in other prose.

use serde::Serialize;

/// File extensions that mark a word as a file name.
pub const EXTENSIONS: &[&str] = &[
    "nix", "md", "sh", "bash", "fish", "zsh", "yaml", "yml", "toml", "json", "jsonc", "lock", "lua", "py", "rs", "go",
    "js", "ts", "mjs", "css", "scss", "html", "kdl", "conf", "cfg", "ini", "el", "vim", "txt", "age", "sops", "tf",
    "hcl", "service", "rules", "patch", "desktop", "xml", "sql", "env", "pub", "key",
];

/// Files named without an extension that are still plainly files: build
/// and task runners, containers, package lists.
pub const KNOWN_NAMES: &[&str] = &[
    "Justfile",
    "justfile",
    "Makefile",
    "GNUmakefile",
    "Dockerfile",
    "Containerfile",
    "Caddyfile",
    "Vagrantfile",
    "Brewfile",
    "Procfile",
    "Gemfile",
    "Rakefile",
    "Taskfile",
];

/// How a mention names its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MentionKind {
    /// `dir/file.ext` (a file path).
    Path,
    /// `dir/sub/` (a folder).
    Folder,
    /// `dir/*.nix` (a glob).
    Glob,
    /// `file.ext` with no folder.
    BareName,
    /// `dir/name` with no extension: a repository path only if `dir` exists.
    Rooted,
}

/// Where in its document a mention stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// Ordinary prose, a task, a requirement.
    Prose,
    /// A section (or line) listing what the change affects: "## Impact",
    /// "## Files", "Affected code:".
    Impact,
    /// A scenario, an example or sample output: it shows behaviour, it does
    /// not name work.
    Example,
}

/// One mention of a file or folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// The path as written, normalised: no leading `/` or `./`, `/`-separated.
    pub path: String,
    pub kind: MentionKind,
    /// 1-based line in the file.
    pub line: usize,
    pub backticked: bool,
    /// Written with a leading `/`: for a path without an extension that is
    /// a system path (`/var/lib/x`, `/home/me/dev`) unless the repository has it.
    pub absolute: bool,
    /// For a bare name: the last folder mentioned before it in the same section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    pub place: Place,
}

/// Phrases that mark a line as saying something stays as it is.
const UNCHANGED: &[&str] = &[
    "unchanged",
    "not affected",
    "unaffected",
    "no changes to",
    "no change to",
    "untouched",
    "no impact on",
    "not modified",
    "stays the same",
    "remain the same",
    "remains the same",
];

/// Section titles whose mentions are references, not work.
const REFERENCE_SECTIONS: &[&str] =
    &["references", "reference", "context", "background", "related", "see also", "prior art", "resources", "links"];

/// A Markdown heading: its level and title.
pub(crate) fn is_heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&level) && t[level..].starts_with([' ', '\t']) {
        Some((level, t[level..].trim()))
    } else {
        None
    }
}

/// A heading title, lowercased, without its number and trailing colon.
fn title_words(title: &str) -> String {
    let t = title.trim_end_matches(':').trim().to_lowercase();
    t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ').to_owned()
}

/// Is this a section of references or context, whose mentions are not work?
pub(crate) fn reference_title(title: &str) -> bool {
    let t = title_words(title);
    REFERENCE_SECTIONS.iter().any(|r| {
        t == *r
            || t.strip_prefix(r).is_some_and(|rest| rest.starts_with(' '))
            || t.strip_suffix(r).is_some_and(|rest| rest.ends_with(' '))
    })
}

/// Words of a heading that make its section a list of what the change affects.
const IMPACT_WORDS: &[&str] = &["impact", "affected", "files", "changes"];

/// Words of a heading that make its section an illustration.
const EXAMPLE_WORDS: &[&str] = &["scenario", "scenarios", "example", "examples", "sample", "output", "usage"];

/// What a heading makes of its section, if anything.
fn title_place(title: &str) -> Option<Place> {
    let t = title_words(title);
    let has = |words: &[&str]| t.split(|c: char| !c.is_alphanumeric()).any(|w| words.contains(&w));
    if has(EXAMPLE_WORDS) {
        Some(Place::Example)
    } else if has(IMPACT_WORDS) {
        Some(Place::Impact)
    } else {
        None
    }
}

/// What a line says of itself: a scenario step (`- **WHEN** ...`,
/// `GIVEN`, `THEN`, `AND`) is an example; "Affected code:" lists the impact.
fn line_place(line: &str) -> Option<Place> {
    let t = line.trim_start().trim_start_matches(['-', '*', '+', ' ']).trim_start_matches(['*', '_']);
    let first = t.split(|c: char| !c.is_alphabetic()).next().unwrap_or_default();
    if matches!(first, "WHEN" | "THEN" | "GIVEN" | "AND" | "Given" | "When" | "Then") {
        return Some(Place::Example);
    }
    let lower = t.to_lowercase();
    ["affected code", "affected files", "code:", "files:"]
        .iter()
        .any(|p| lower.starts_with(p) || lower.starts_with(&format!("**{p}")))
        .then_some(Place::Impact)
}

/// Every mention in a Markdown text, in order.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    // The reference section we are in, as its heading level; the folder of
    // the current section for bare names.
    let mut skipping: Option<usize> = None;
    let mut folder: Option<String> = None;
    let mut fence: Option<&str> = None;
    // The headings that set a place, innermost last: (level, place).
    let mut places: Vec<(usize, Place)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        if let Some((level, title)) = is_heading(line) {
            folder = None;
            places.retain(|(l, _)| *l < level);
            if let Some(place) = title_place(title) {
                places.push((level, place));
            }
            match skipping {
                Some(l) if level > l => continue,
                _ => skipping = reference_title(title).then_some(level),
            }
            if skipping.is_some() {
                continue;
            }
        }
        // Every mention has a `/` or a `.` (an extension), or is a known
        // name: other lines have none.
        if skipping.is_some()
            || !line.bytes().any(|b| b == b'/' || b == b'.') && !KNOWN_NAMES.iter().any(|n| line.contains(n))
        {
            continue;
        }
        let found: Vec<Mention> =
            words(line).into_iter().filter_map(|(w, backticked)| classify(w, backticked)).collect();
        if found.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        if UNCHANGED.iter().any(|p| lower.contains(p)) {
            continue;
        }
        // The line's own place, else the innermost section's; an example
        // inside an impact section is still an example.
        let place = line_place(line).or_else(|| places.last().map(|(_, p)| *p)).unwrap_or(Place::Prose);
        let place = if places.iter().any(|(_, p)| *p == Place::Example) { Place::Example } else { place };
        for mut m in found {
            m.line = i + 1;
            m.place = place;
            match m.kind {
                MentionKind::Folder => folder = Some(m.path.clone()),
                MentionKind::BareName => m.context = folder.clone(),
                _ => {}
            }
            out.push(m);
        }
    }
    out
}

/// Candidate words of a line: backticked spans whole, and the other text
/// split at whitespace and punctuation that never ends a path.
fn words(line: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    for (n, part) in line.split('`').enumerate() {
        if n % 2 == 1 {
            out.push((part.trim(), true));
            continue;
        }
        for w in part.split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '"' | '\'' | '<' | '>' | '|')
        }) {
            let w =
                w.trim_end_matches([':', '.', '!', '?']).trim_start_matches(['*', '_']).trim_end_matches(['*', '_']);
            if !w.is_empty() {
                out.push((w, false));
            }
        }
    }
    out
}

fn extension(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() || name.starts_with('.')).then_some(ext)
}

fn known_extension(name: &str) -> bool {
    extension(name).is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()) || e == "*")
}

/// What a word is, if it names a repository path.
fn classify(word: &str, backticked: bool) -> Option<Mention> {
    if KNOWN_NAMES.contains(&word) {
        return Some(Mention {
            path: word.to_owned(),
            kind: MentionKind::BareName,
            line: 0,
            backticked,
            absolute: false,
            context: None,
            place: Place::Prose,
        });
    }
    // A path has a folder or an extension (or is a known name).
    if !word.contains(['/', '.'])
        || word.contains("://")
        || word.contains(' ')
        || word.starts_with('~')
        || word.starts_with('$')
    {
        return None;
    }
    // `path:12` and `path#L3` name lines of a file.
    let word = word.split_once('#').map_or(word, |(p, _)| p);
    let word = match word.rsplit_once(':') {
        Some((p, line)) if line.chars().all(|c| c.is_ascii_digit()) => p,
        _ => word,
    };
    if !word.chars().all(|c| c.is_alphanumeric() || "/._-+*?@{},=".contains(c)) || word.contains("..") {
        return None;
    }
    let absolute = word.starts_with('/');
    let path = word.trim_start_matches("./").trim_start_matches('/');
    if path.is_empty() || path.starts_with('.') && !path.contains('/') && extension(path).is_none() {
        return None;
    }
    let mention = |kind, path: &str| {
        Some(Mention { path: path.to_owned(), kind, line: 0, backticked, absolute, context: None, place: Place::Prose })
    };
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    if path.contains(['*', '?', '{']) {
        return path.contains('/').then(|| mention(MentionKind::Glob, path)).flatten();
    }
    if path.ends_with('/') {
        let dir = path.trim_end_matches('/');
        // `foo/` alone is too vague unless backticked.
        return (dir.contains('/') || backticked).then(|| mention(MentionKind::Folder, dir)).flatten();
    }
    if path.contains('/') {
        return if known_extension(last) {
            mention(MentionKind::Path, path)
        } else {
            // Option paths and the like have no slash; this may be a folder
            // or an extension-less file (`Makefile`, `hosts/yoga`).
            mention(MentionKind::Rooted, path)
        };
    }
    known_extension(path).then(|| mention(MentionKind::BareName, path)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<(String, MentionKind, usize, Option<String>)> {
        mentions(text).into_iter().map(|m| (m.path, m.kind, m.line, m.context)).collect()
    }

    #[test]
    fn backticked_and_bare_paths() {
        let got = paths(
            "- Modified: `flake.nix` (add contabo-vps to nixosConfigurations)\n\
             - New: `hosts/servers/contabo-vps/` (disko.nix, hardware.nix, meta.nix)\n\
             See hosts/yoga/default.nix and /modules/ci/attic.nix:12 for details.\n",
        );
        assert_eq!(
            got,
            [
                ("flake.nix".into(), MentionKind::BareName, 1, None),
                ("hosts/servers/contabo-vps".into(), MentionKind::Folder, 2, None),
                ("disko.nix".into(), MentionKind::BareName, 2, Some("hosts/servers/contabo-vps".into())),
                ("hardware.nix".into(), MentionKind::BareName, 2, Some("hosts/servers/contabo-vps".into())),
                ("meta.nix".into(), MentionKind::BareName, 2, Some("hosts/servers/contabo-vps".into())),
                ("hosts/yoga/default.nix".into(), MentionKind::Path, 3, None),
                ("modules/ci/attic.nix".into(), MentionKind::Path, 3, None),
            ]
        );
    }

    #[test]
    fn bare_names_take_the_folder_of_their_section() {
        let got = paths(
            "## 2. Files\n- [ ] 2.1 Create `hosts/x/` directory\n- [ ] 2.2 Create `meta.nix`\n\n## 3. Flake\n- [ ] 3.1 Update `flake.nix`\n",
        );
        assert_eq!(got[1], ("meta.nix".into(), MentionKind::BareName, 3, Some("hosts/x".into())));
        assert_eq!(got[2], ("flake.nix".into(), MentionKind::BareName, 6, None));
    }

    #[test]
    fn what_is_not_a_repository_path() {
        let text = "Set `programs.niri.enable = true` and `programs.niri.enable`.\n\
                    See https://example.org/a/b.nix and `~/.config/niri/config.kdl`, $HOME/x.nix.\n\
                    Use `nix build .#foo` and `nixos-rebuild switch`.\n\
                    The `..` folder and `a/../b.nix` are out.\n";
        assert_eq!(paths(text), []);
    }

    #[test]
    fn unchanged_lines_and_reference_sections_do_not_link() {
        let text = "- `hosts/servers/hetzner-vps/default.nix` remains unchanged\n\
                    - Other hosts are not affected (`hosts/yoga/disko.nix`)\n\
                    - Edit `modules/a.nix`\n\
                    ## References\n\
                    - `scripts/verify-hetzner-deployment.sh`\n\
                    ### Sub-section of references\n\
                    - `scripts/other.sh`\n\
                    ## Tasks\n\
                    - `scripts/new.sh`\n";
        let got: Vec<String> = mentions(text).into_iter().map(|m| m.path).collect();
        assert_eq!(got, ["modules/a.nix", "scripts/new.sh"]);
    }

    #[test]
    fn code_fences_are_skipped() {
        let got: Vec<String> =
            mentions("```nix\nimports = [ ./hosts/a.nix ];\n```\n`b/c.nix`\n").into_iter().map(|m| m.path).collect();
        assert_eq!(got, ["b/c.nix"]);
    }

    #[test]
    fn globs_folders_rooted_paths_and_line_suffixes() {
        let got: Vec<(String, MentionKind)> = mentions(
            "`scripts/verify-hetzner-deployment.*` `/var/lib/containers` `Attic/ci-token` `modules/` hosts/yoga/ `src/a.rs:10` `docs/x.md#part`\n",
        )
        .into_iter()
        .map(|m| (m.path, m.kind))
        .collect();
        assert_eq!(
            got,
            [
                ("scripts/verify-hetzner-deployment.*".into(), MentionKind::Glob),
                ("var/lib/containers".into(), MentionKind::Rooted),
                ("Attic/ci-token".into(), MentionKind::Rooted),
                ("modules".into(), MentionKind::Folder),
                ("hosts/yoga".into(), MentionKind::Folder),
                ("src/a.rs".into(), MentionKind::Path),
                ("docs/x.md".into(), MentionKind::Path),
            ]
        );
    }

    #[test]
    fn each_mention_says_where_it_stands() {
        let text = "## Why\n`a/why.nix`\n## Impact\n- Affected code: `a/b.nix`\n### Example output\n`a/shown.nix`\n\
                    ## Requirements\n#### Scenario: it builds\n- **WHEN** `hosts/demo/default.nix` is set\n\
                    ## Tasks\n- **WHEN** writing, see `a/c.nix`\n- Code: `a/d.nix`\n- Build with `Justfile` and the Makefile.\n";
        let got: Vec<(String, Place)> = mentions(text).into_iter().map(|m| (m.path, m.place)).collect();
        assert_eq!(
            got,
            [
                ("a/why.nix".into(), Place::Prose),
                ("a/b.nix".into(), Place::Impact),
                ("a/shown.nix".into(), Place::Example),
                ("hosts/demo/default.nix".into(), Place::Example),
                ("a/c.nix".into(), Place::Example),
                ("a/d.nix".into(), Place::Impact),
                ("Justfile".into(), Place::Prose),
                ("Makefile".into(), Place::Prose),
            ]
        );
        assert_eq!(mentions("The makefile and a Makefiles list\n"), []);
    }
}
