#!/usr/bin/env bash
# Host impact against hand labels: clones each labelled corpus flake
# (../shared/corpus/flakes/<repo>.bundle) into the scratch folder, checks out
# the labels' commit, runs `spec impact --json` there and scores it with
# bench/impact_score.rs (the share of labelled changes whose hosts are
# right). Labels and their rule: tests/fixtures/labels/README.md.
#
#   bench/impact.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh impact_score
labels=tests/fixtures/labels
out="$work/impact"
rm -rf "$out" && mkdir -p "$out"
for file in "$labels"/*.yaml; do
  repo=$(sed -n 's/^repo: *//p' "$file")
  commit=$(sed -n 's/^commit: *//p' "$file")
  clone="$out/$repo"
  git clone -q "../shared/corpus/flakes/$repo.bundle" "$clone"
  git -C "$clone" -c advice.detachedHead=false checkout -q "$commit"
  (cd "$clone" && "$spec" impact --json > "$out/$repo.impact.json")
done
"$target/release/examples/impact_score" "$labels" "$out" | tee bench/out/impact.txt
