#!/usr/bin/env bash
# The speed benchmark: `spec list --json` against the floor of reading every
# file (`cat`) and against the official OpenSpec CLI, on generated trees of
# 100, 1,000 and 10,000 changes. Figures are ratios measured in the same run.
#
#   bench/run.sh [SIZE...]          (default: 100 1000 10000)
#
# Also times `spec check` against `openspec validate --all`, and `spec status`,
# `spec roadmap` and `spec site` (built from an empty folder) against the same floor.
#
# Needs hyperfine (installed with apt when missing) and npm (for the official
# CLI, installed into a scratch folder). Results: bench/out/<size>.json and a
# table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
work=${SPEC_BENCH_DIR:-/tmp/spec-bench}
mkdir -p "$work" bench/out

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
official="$work/openspec-cli/node_modules/.bin/openspec"
[ -x "$official" ] || npm install --silent --prefix "$work/openspec-cli" @fission-ai/openspec@1.13 >/dev/null
export OPENSPEC_TELEMETRY=0

cargo build --release --locked --quiet --bin spec --example gen_corpus
spec="$PWD/target/release/spec"
gen="$PWD/target/release/examples/gen_corpus"

# A site built from nothing: the previous one moved aside, not deleted, and
# deleted at the end (see site.sh: a build right after deleting 13,000 files
# on ext4 without a journal times the kernel stepping over their inodes).
aside="$work/site-aside"
mkdir -p "$aside"
trap 'rm -rf "$aside"' EXIT

for n in "${sizes[@]}"; do
  tree="$work/tree-$n"
  [ -d "$tree/openspec" ] || "$gen" "$tree" "$n"
  files=$(find "$tree/openspec" -type f | wc -l)
  runs=10; [ "$n" -ge 10000 ] && runs=3
  # Reading: spec against the floor (cat every file) and the official CLI.
  (cd "$tree" && hyperfine --style none --warmup 1 --runs "$runs" --export-json "$OLDPWD/bench/out/$n.json" \
    -n cat "find openspec -type f -exec cat {} + > /dev/null" \
    -n spec "$spec list --json > /dev/null" \
    -n openspec "$official list --json > /dev/null" >/dev/null)
  # Validation: `spec check` against `openspec validate --all` (same rules).
  (cd "$tree" && hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$OLDPWD/bench/out/$n-check.json" \
    -n spec-check "$spec check --format json > /dev/null" \
    -n openspec-validate "$official validate --all --json > /dev/null" >/dev/null)
  # Outputs: ROADMAP.md, and the site built from nothing (folder moved aside first).
  (cd "$tree" && hyperfine --style none --warmup 1 --runs "$runs" --export-json "$OLDPWD/bench/out/$n-out.json" \
    --prepare "if [ -e $work/site-$n ]; then mv $work/site-$n $aside/\$(date +%s%N); fi" \
    -n status "$spec status > /dev/null" \
    -n roadmap "$spec roadmap --out $work/roadmap-$n.md 2> /dev/null" \
    -n site "$spec site --out $work/site-$n 2> /dev/null" >/dev/null)
  python3 - "$n" "$files" bench/out/$n.json bench/out/$n-check.json bench/out/$n-out.json <<'PY'
import json, sys
n, files, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
r = {x["command"]: x["mean"] for p in paths for x in json.load(open(p))["results"]}
ms = lambda k: f"{r[k]*1000:8.1f} ms"
cat = r["cat"]
print(f"{n:>6} changes ({files} files), cat floor {ms('cat')}")
print(f"        list     spec {ms('spec')} = {r['spec']/cat:5.2f}x cat | openspec list     {ms('openspec')} = {r['openspec']/r['spec']:5.1f}x spec")
print(f"        check    spec {ms('spec-check')} = {r['spec-check']/cat:5.2f}x cat | openspec validate {ms('openspec-validate')} = {r['openspec-validate']/r['spec-check']:5.1f}x spec")
for k in ("status", "roadmap", "site"):
    print(f"        {k:<8} spec {ms(k)} = {r[k]/cat:5.2f}x cat")
PY
done
