#!/usr/bin/env bash
# The speed benchmark: `spec list --json` against the floor of reading every
# file (`cat`) and against the official OpenSpec CLI, on generated trees of
# 100, 1,000 and 10,000 changes. Figures are ratios measured in the same run.
#
#   bench/run.sh [SIZE...]          (default: 100 1000 10000)
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

for n in "${sizes[@]}"; do
  tree="$work/tree-$n"
  [ -d "$tree/openspec" ] || "$gen" "$tree" "$n"
  files=$(find "$tree/openspec" -type f | wc -l)
  runs=10; [ "$n" -ge 10000 ] && runs=3
  (cd "$tree" && hyperfine --style none --warmup 1 --runs "$runs" --export-json "$OLDPWD/bench/out/$n.json" \
    -n cat "find openspec -type f -exec cat {} + > /dev/null" \
    -n spec "$spec list --json > /dev/null" \
    -n openspec "$official list --json > /dev/null" >/dev/null)
  python3 - "$n" "$files" "bench/out/$n.json" <<'PY'
import json, sys
n, files, path = sys.argv[1], sys.argv[2], sys.argv[3]
r = {x["command"]: x["mean"] for x in json.load(open(path))["results"]}
print(f"{n:>6} changes ({files} files): cat {r['cat']*1000:8.1f} ms | spec {r['spec']*1000:8.1f} ms "
      f"= {r['spec']/r['cat']:.2f}x cat | openspec {r['openspec']*1000:9.1f} ms = {r['openspec']/r['spec']:.1f}x slower than spec")
PY
done
