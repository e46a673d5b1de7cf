#!/usr/bin/env bash
# The git benchmark of `spec check`: on a generated git repository of CHANGES
# changes and SPECS specs over COMMITS commits (bench/gen_check.rs), `spec
# check` with its `.git` against the same tree copied without `.git`. The
# figure is the ratio of the two, measured in the same run; what git costs
# `check` beside reading and validating the tree.
#
#   bench/check.sh [CHANGES [SPECS [COMMITS]]]      (default: 450 380 1500)
#
# SPEC_BEFORE=/path/to/spec adds another build's binary (say, of an older
# commit) to the same run, on both trees.
#
# The repository is generated once into
# ${SPEC_BENCH_DIR:-/tmp/spec-bench}/check-<CHANGES>-<SPECS>-<COMMITS> (and
# its copy, `-nogit`), then reused. Its index is refreshed a second after the
# checkout, as in a repository worked in: a racily clean index makes every
# status hash every file again. Needs git and hyperfine (installed with apt
# when missing). Results: bench/out/check-<...>.json and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
changes=${1:-450}
specs=${2:-380}
commits=${3:-1500}
source bench/common.sh gen_check
gen="$target/release/examples/gen_check"

name="check-$changes-$specs-$commits"
repo="$work/$name"
if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo" "$repo-nogit"
  "$gen" "$repo" "$changes" "$specs" "$commits" >/dev/null
  sleep 1
  git -C "$repo" update-index -q --really-refresh
fi
if [ ! -d "$repo-nogit/openspec" ]; then
  cp -a "$repo" "$repo-nogit"
  rm -rf "$repo-nogit/.git"
fi

out="bench/out/$name.json"
cmds=(-n git "cd $repo && $spec check --format json > /dev/null"
  -n nogit "cd $repo-nogit && $spec check --format json > /dev/null")
if [ -n "${SPEC_BEFORE:-}" ]; then
  cmds+=(-n before-git "cd $repo && $SPEC_BEFORE check --format json > /dev/null"
    -n before-nogit "cd $repo-nogit && $SPEC_BEFORE check --format json > /dev/null")
fi
# Exit 1 is `check` finding something: the run still counts.
hyperfine --style none --warmup 2 --runs 20 -i --export-json "$out" "${cmds[@]}" >/dev/null
python3 - "$name" "$out" <<'PY'
import json, statistics, sys
name, path = sys.argv[1:]
r = {x["command"]: x for x in json.load(open(path))["results"]}
def ms(k):
    return f"{r[k]['mean'] * 1000:7.1f} ms (median {statistics.median(r[k]['times']) * 1000:7.1f})"
print(f"{name}: spec check with .git against the same tree without")
for label, git, nogit in (("after", "git", "nogit"), ("before", "before-git", "before-nogit")):
    if git in r:
        ratio = r[git]["mean"] / r[nogit]["mean"]
        print(f"  {label:<6}  git {ms(git)}  no git {ms(nogit)}  = {ratio:5.2f}x")
PY
