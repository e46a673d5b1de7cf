#!/usr/bin/env bash
# The site benchmark: `spec site` built from an empty folder against
# `spec list --json` on the same tree, on generated trees of 1,000 and
# 10,000 changes (bench/gen_corpus.rs; not git repositories), and on a
# generated git repository of 3,000 commits and 150 changes
# (bench/gen_history.rs), whose site also reads the history, the code links
# and the forecast. Figures are ratios measured in the same run.
#
#   bench/site.sh [SIZE...]          (default: 1000 10000)
#
# Each timed build starts with no output folder. The previous one is moved
# aside before each run, not deleted, and the moved folders are deleted at
# the end: on ext4 without a journal the kernel does not reuse an inode
# deleted in the last few minutes and, for every file it creates, steps
# over each such inode of the block group (ialloc.c, recently_deleted), so
# a build right after `rm -rf` of a 13,000-file site times that (seconds),
# not spec.
#
# Needs hyperfine (installed with apt when missing). Results:
# bench/out/site-<size>.json, bench/out/site-history.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh gen_corpus gen_history
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
aside="$work/site-aside"
mkdir -p "$aside"
trap 'rm -rf "$aside"' EXIT
# A command for --prepare: the folder `$1` moved aside, if it is there.
aside() { echo "if [ -e $1 ]; then mv $1 $aside/\$(date +%s%N); fi"; }

time_site() { # name, folder to run in, number of runs
  local out="$work/site-$1"
  (cd "$2" && hyperfine --style none --warmup 1 --runs "$3" --export-json "$OLDPWD/bench/out/site-$1.json" \
    --prepare "$(aside "$out")" \
    -n list "$spec list --json > /dev/null" \
    -n site "$spec site --out $out 2> /dev/null" >/dev/null)
  python3 - "$1" "bench/out/site-$1.json" <<'PY'
import json, sys
name, path = sys.argv[1:]
r = {x["command"]: x for x in json.load(open(path))["results"]}
ms = lambda k: f"{r[k]['mean']*1000:8.1f} ms ± {r[k]['stddev']*1000:5.1f}"
print(f"{name:>8}  site {ms('site')} | list --json {ms('list')} | site = {r['site']['mean']/r['list']['mean']:5.2f}x list")
PY
}

for n in "${sizes[@]}"; do
  tree="$work/tree-$n"
  [ -d "$tree/openspec" ] || "$target/release/examples/gen_corpus" "$tree" "$n" >/dev/null
  runs=10
  [ "$n" -ge 10000 ] && runs=5
  time_site "$n" "$tree" "$runs"
done
repo="$work/history-3000-150"
[ -d "$repo/.git" ] || "$target/release/examples/gen_history" "$repo" 3000 150 >/dev/null 2>&1
time_site history "$repo" 10
