#!/usr/bin/env bash
# The bounded-work benchmark: commands on hostile trees (bench/gen_hostile.rs)
# against the same command on the plain 1,000-change tree of bench/run.sh
# (bench/gen_corpus.rs), measured in the same run. Each hostile case must stay
# within a small multiple of the plain one; before the fixes they took
# 16 s to over 60 s.
#
#   bench/hostile.sh
#
# Needs hyperfine (installed with apt when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh gen_hostile gen_corpus
[ -d "$work/hostile/chain" ] || "$target/release/examples/gen_hostile" "$work/hostile" >/dev/null
[ -d "$work/tree-1000/openspec" ] || "$target/release/examples/gen_corpus" "$work/tree-1000" 1000 >/dev/null
h="$work/hostile"
hyperfine --style basic --warmup 1 --runs 3 -i --export-json bench/out/hostile.json \
  -n "plain: check (1,000 changes)" "cd $work/tree-1000 && $spec check > /dev/null" \
  -n "infer: check" "cd $h/infer && $spec check > /dev/null" \
  -n "chain: next" "cd $h/chain && $spec next > /dev/null" \
  -n "chain: graph --format json" "cd $h/chain && $spec graph --format json > /dev/null" \
  -n "yaml: list" "cd $h/yaml && $spec list > /dev/null 2>&1" \
  -n "markdown: site" "cd $h/markdown && rm -rf $work/hostile-site && $spec site --out $work/hostile-site > /dev/null"
