//! Score `spec impact --json` against hand labels of which hosts each
//! change is work on.
//!
//!     cargo run --release --example impact_score -- <LABELS_DIR> <OUT_DIR>
//!
//! For each `<LABELS_DIR>/<repo>.yaml` (per change `id` and `hosts`: a
//! list, `all`, or `[]`; the repository's `hosts`; see the README.md beside
//! them) it reads `<OUT_DIR>/<repo>.impact.json` and prints, per change, the
//! hosts the labels give and the hosts `spec` gives, and per repository and
//! overall the share of changes whose hosts are right.
//!
//! A change's hosts in `spec`'s output are the hosts whose open, done or
//! archived-unfinished lists hold it, or all hosts when `shared` holds it.
//! They are right when they are the labelled hosts; `all` in the labels is
//! every host the labels list for the repository.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn ids(list: &Value) -> impl Iterator<Item = &str> {
    ["open", "done", "unfinished"]
        .into_iter()
        .flat_map(move |k| list[k].as_array().into_iter().flatten().filter_map(|c| c["id"].as_str()))
}

fn strings(v: &serde_norway::Value) -> BTreeSet<String> {
    v.as_sequence().map(|s| s.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [labels, out] = args.as_slice() else {
        eprintln!("usage: impact_score LABELS_DIR OUT_DIR");
        std::process::exit(2);
    };
    let mut files: Vec<_> = std::fs::read_dir(labels)
        .expect("labels folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let (mut right_all, mut total_all) = (0, 0);
    for file in files {
        let label: serde_norway::Value = serde_norway::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let repo = label["repo"].as_str().unwrap_or_default().to_owned();
        let every = strings(&label["hosts"]);
        let path = Path::new(out).join(format!("{repo}.impact.json"));
        let impact: Value = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(|| serde_json::json!({ "hosts": [], "shared": {} }));
        let found_hosts: BTreeSet<String> = impact["hosts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h["host"].as_str().map(str::to_owned))
            .collect();
        let (mut right, mut total) = (0, 0);
        println!("{repo}: hosts found {} of {} labelled", found_hosts.intersection(&every).count(), every.len());
        for change in label["changes"].as_sequence().into_iter().flatten() {
            let id = change["id"].as_str().unwrap_or_default();
            let want: BTreeSet<String> =
                if change["hosts"].as_str() == Some("all") { every.clone() } else { strings(&change["hosts"]) };
            let mut got: BTreeSet<String> = impact["hosts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|h| ids(h).any(|c| c == id))
                .filter_map(|h| h["host"].as_str().map(str::to_owned))
                .collect();
            let shared = ids(&impact["shared"]).any(|c| c == id);
            if shared {
                got.extend(found_hosts.iter().cloned());
            }
            total += 1;
            let ok = got == want;
            right += usize::from(ok);
            let show = |s: &BTreeSet<String>| {
                if !s.is_empty() && *s == every {
                    "all".to_owned()
                } else {
                    s.iter().cloned().collect::<Vec<_>>().join(",")
                }
            };
            println!(
                "  {} {id}: labels [{}] spec [{}]{}",
                if ok { "ok  " } else { "MISS" },
                show(&want),
                show(&got),
                if shared { " (shared)" } else { "" }
            );
        }
        println!("  right {right}/{total} ({:.2})", right as f64 / total.max(1) as f64);
        right_all += right;
        total_all += total;
    }
    println!(
        "overall: impact right for {right_all}/{total_all} changes ({:.2})",
        right_all as f64 / total_all.max(1) as f64
    );
}
