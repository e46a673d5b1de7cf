#!/usr/bin/env bash
# The code-links benchmark: how right `spec links` is, against hand labels of
# what changes of real flakes touch (tests/fixtures/labels/, one YAML per
# repository, the rule in its README.md).
#
#   bench/links.sh [LABELS_DIR]      (default: tests/fixtures/labels)
#
# For each labelled repository: its bundle (${SPEC_CORPUS:-../shared/corpus}/flakes/
# <bundle>) is cloned into a scratch folder and checked out at the label's
# commit, and `spec links --json` (the default output) and `spec links --json
# --all` (the candidates below the floor too) are run there. links_score
# (bench/links_score.rs) then prints, per repository and overall, the
# precision and recall of both, and of the candidates kept at each confidence
# cut-off, the curve the floor is chosen from. A link is right when its path,
# or its `to` when renamed, is one of the change's labelled files, planned or
# deleted files; a folder link when one of them lies below it. Recall is the
# labelled files found (a link to it, or to a folder above it) over all of
# them.
#
# SPEC_BIN=/path/to/spec scores another build (one without `--all` is scored
# on its only output). Needs git. Outputs: bench/out/links/<repo>.{default,all}.json
# and the table on stdout (also bench/out/links/score.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
labels=${1:-tests/fixtures/labels}
corpus=${SPEC_CORPUS:-../shared/corpus}
source bench/common.sh links_score
spec=${SPEC_BIN:-$spec}
score="$target/release/examples/links_score"
out=bench/out/links
mkdir -p "$out"
scratch=$(mktemp -d "$work/links.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

field() { sed -n "s/^$1: *//p" "$2" | head -n1 | tr -d '"'"'"; }
for label in "$labels"/*.yaml; do
  name=$(basename "$label" .yaml)
  bundle=$(field bundle "$label")
  commit=$(field commit "$label")
  repo="$scratch/$name"
  git -c init.defaultBranch=main clone -q "$corpus/flakes/$bundle" "$repo"
  git -C "$repo" -c advice.detachedHead=false checkout -q "$commit"
  (cd "$repo" && "$spec" links --json) >"$out/$name.default.json"
  if ! (cd "$repo" && "$spec" links --json --all) >"$out/$name.all.json" 2>/dev/null; then
    cp "$out/$name.default.json" "$out/$name.all.json"
  fi
done
"$score" "$labels" "$out" | tee "$out/score.txt"
