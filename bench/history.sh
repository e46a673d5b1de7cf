#!/usr/bin/env bash
# The history benchmark: `spec history --json` against the floor of listing the
# commits that changed openspec/ (`git log --oneline -- openspec | wc -l`), on a
# generated git repository of COMMITS commits and CHANGES changes. The figure
# is the ratio of the two, measured in the same run.
#
#   bench/history.sh [COMMITS [CHANGES]]      (default: 10000 1000)
#
# The repository is generated once (bench/gen_history.rs) into
# ${SPEC_BENCH_DIR:-/tmp/spec-bench}/history-<COMMITS> and reused after.
# Needs git and hyperfine (installed with apt when missing). Results:
# bench/out/history-<COMMITS>.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
commits=${1:-10000}
changes=${2:-1000}
source bench/common.sh gen_history
gen="$target/release/examples/gen_history"

repo="$work/history-$commits"
[ -d "$repo/.git" ] || "$gen" "$repo" "$commits" "$changes" >/dev/null
touching=$(git -C "$repo" log --oneline -- openspec | wc -l)
runs=10; [ "$commits" -ge 100000 ] && runs=3
(cd "$repo" && hyperfine --style none --warmup 1 --runs "$runs" --export-json "$OLDPWD/bench/out/history-$commits.json" \
  -n git-log "git log --oneline -- openspec | wc -l" \
  -n spec-history "$spec history --json > /dev/null" >/dev/null)
python3 - "$commits" "$touching" "bench/out/history-$commits.json" <<'PY'
import json, sys
commits, touching, path = sys.argv[1:]
r = {x["command"]: x["mean"] for x in json.load(open(path))["results"]}
ms = lambda k: f"{r[k]*1000:8.1f} ms"
floor = r["git-log"]
print(f"{commits:>6} commits ({touching} touch openspec/), git log floor {ms('git-log')}")
print(f"        history  spec {ms('spec-history')} = {r['spec-history']/floor:5.2f}x git log")
PY
