#!/usr/bin/env bash
# The Nix benchmark: `spec hosts --json` (walk, read, parse every .nix file,
# build the graph) against the floor of reading the same files (`cat`), on a
# generated flake of 10,000 modules and 20 hosts (bench/gen_nix.rs), plus
# the in-process figure for parse + graph alone (bench/nix_bench.rs).
#
#   bench/nix.sh
#
# Needs hyperfine (installed with apt when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh gen_nix nix_bench
tree="$work/nix-10000"
[ -d "$tree" ] || "$target/release/examples/gen_nix" "$tree" >/dev/null
mkdir -p "$tree/openspec/changes"
"$target/release/examples/nix_bench" "$tree"
(cd "$tree" && hyperfine --style none --warmup 1 --runs 10 --export-json "$OLDPWD/bench/out/nix.json" \
  -n cat "find . -name '*.nix' -exec cat {} + > /dev/null" \
  -n spec-hosts "$target/release/spec hosts --json > /dev/null" >/dev/null)
python3 - bench/out/nix.json <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"spec hosts {r['spec-hosts']*1000:.1f} ms = {r['spec-hosts']/r['cat']:.2f}x cat of the same .nix files ({r['cat']*1000:.1f} ms)")
PY
