//! Score `spec links --json` against hand labels of what changes touch.
//!
//!     cargo run --release --example links_score -- <LABELS_DIR> <OUT_DIR>
//!
//! For each `<LABELS_DIR>/<repo>.yaml` (one repository: per change `id`,
//! `files`, `planned`, `deleted`; see the README.md beside them) it reads
//! `<OUT_DIR>/<repo>.default.json` (`spec links --json`) and
//! `<OUT_DIR>/<repo>.all.json` (`spec links --json --all`: `links` and
//! `below_floor`), and prints, per repository and over all of them, the
//! precision and recall of the default output and of `--all`, then the
//! precision and recall of the candidates kept at each confidence cut-off.
//!
//! The rules (bench/links.sh says the same):
//!
//! - only the labelled changes count;
//! - a link is right when its path, or its `to` when renamed, is one of the
//!   change's `files`, `planned` or `deleted`; a folder link (ending in `/`)
//!   is right when one of them lies below it; an ambiguous link is wrong;
//! - a labelled path is found when a link is it (or was renamed to it), or
//!   is a folder it lies below; recall is found over labelled, summed over
//!   the changes.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// One candidate link: where it points and how sure `spec` is.
struct Candidate {
    paths: Vec<String>,
    confidence: f64,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    links: usize,
    right: usize,
    labelled: usize,
    found: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.links += o.links;
        self.right += o.right;
        self.labelled += o.labelled;
        self.found += o.found;
    }

    fn precision(&self) -> f64 {
        if self.links == 0 { 1.0 } else { self.right as f64 / self.links as f64 }
    }

    fn recall(&self) -> f64 {
        if self.labelled == 0 { 1.0 } else { self.found as f64 / self.labelled as f64 }
    }

    fn row(&self) -> String {
        format!(
            "{:>5} links {:>5} right  precision {:.2}   {:>4}/{:<4} found  recall {:.2}",
            self.links,
            self.right,
            self.precision(),
            self.found,
            self.labelled,
            self.recall()
        )
    }
}

fn strings(v: &serde_norway::Value) -> Vec<String> {
    v.as_sequence().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The paths a link points at: its own, and where it was renamed to.
fn candidate(link: &Value) -> Candidate {
    let mut paths = vec![link["path"].as_str().unwrap_or_default().to_owned()];
    if link["state"] == "renamed"
        && let Some(to) = link["to"].as_str()
    {
        paths.push(to.to_owned());
    }
    if link["state"] == "ambiguous" {
        paths.clear();
    }
    Candidate { paths, confidence: link["confidence"].as_f64().unwrap_or(0.0) }
}

fn covers(path: &str, labelled: &str) -> bool {
    path == labelled || (path.ends_with('/') && labelled.starts_with(path))
}

fn tally(candidates: &[&Candidate], truth: &BTreeSet<String>) -> Tally {
    let right = candidates.iter().filter(|c| c.paths.iter().any(|p| truth.iter().any(|t| covers(p, t)))).count();
    let found = truth.iter().filter(|t| candidates.iter().any(|c| c.paths.iter().any(|p| covers(p, t)))).count();
    Tally { links: candidates.len(), right, labelled: truth.len(), found }
}

/// Per change id: its candidates, from `links` and (with `below`) `below_floor`.
fn read_output(path: &Path, below: bool) -> Result<BTreeMap<String, Vec<Candidate>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for c in v["changes"].as_array().into_iter().flatten() {
        let id = c["change"].as_str().unwrap_or_default().to_owned();
        let keys: &[&str] = if below { &["links", "below_floor"] } else { &["links"] };
        let links: Vec<Candidate> =
            keys.iter().flat_map(|k| c[*k].as_array().into_iter().flatten()).map(candidate).collect();
        out.insert(id, links);
    }
    Ok(out)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [labels, out] = args.as_slice() else {
        return Err("usage: links_score <LABELS_DIR> <OUT_DIR>".into());
    };
    let mut names: Vec<String> = std::fs::read_dir(labels)
        .map_err(|e| format!("{labels}: {e}"))?
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    names.sort();
    let cuts: Vec<f64> = (1..=20).map(|i| f64::from(i) * 0.05).collect();
    let (mut default_all, mut all_all) = (Tally::default(), Tally::default());
    let mut curve = vec![Tally::default(); cuts.len()];
    let mut report = String::new();
    let mut changes_total = 0;
    for name in &names {
        let path = Path::new(labels).join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc: serde_norway::Value = serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let default = read_output(&Path::new(out).join(format!("{name}.default.json")), false)?;
        let all = read_output(&Path::new(out).join(format!("{name}.all.json")), true)?;
        let (mut d, mut a) = (Tally::default(), Tally::default());
        let mut n = 0;
        let none = Vec::new();
        for change in doc["changes"].as_sequence().into_iter().flatten() {
            let id = change["id"].as_str().unwrap_or_default();
            let truth: BTreeSet<String> =
                ["files", "planned", "deleted"].iter().flat_map(|k| strings(&change[*k])).collect();
            n += 1;
            let dc: Vec<&Candidate> = default.get(id).unwrap_or(&none).iter().collect();
            let ac: Vec<&Candidate> = all.get(id).unwrap_or(&none).iter().collect();
            d.add(tally(&dc, &truth));
            a.add(tally(&ac, &truth));
            for (i, cut) in cuts.iter().enumerate() {
                let kept: Vec<&Candidate> = ac.iter().copied().filter(|c| c.confidence >= cut - 1e-9).collect();
                curve[i].add(tally(&kept, &truth));
            }
        }
        changes_total += n;
        let _ = writeln!(report, "{name} ({n} changes)\n  default  {}\n  --all    {}", d.row(), a.row());
        default_all.add(d);
        all_all.add(a);
    }
    let _ = writeln!(
        report,
        "overall ({} repositories, {changes_total} changes)\n  default  {}\n  --all    {}",
        names.len(),
        default_all.row(),
        all_all.row()
    );
    let _ = writeln!(report, "\ncandidates (--all) kept at confidence >= cut-off, overall");
    for (cut, t) in cuts.iter().zip(&curve) {
        let _ = writeln!(report, "  >= {cut:.2}  {}", t.row());
    }
    print!("{report}");
    Ok(())
}
