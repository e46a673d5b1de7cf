#!/usr/bin/env bash
# Capture the official OpenSpec CLI's output on the shared corpus as test
# fixtures (tests/fixtures/official/<tree>/*.json). Run once per OpenSpec
# release we match; CI only reads the captured files.
#
#   tools/capture-official.sh [OPENSPEC_BIN]
#
# Without an argument it installs @fission-ai/openspec@1.13 into a scratch
# folder. Volatile fields (lastModified, durationMs, root) are dropped.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus="$here/../shared/corpus"
bin=${1:-}
if [ -z "$bin" ]; then
  scratch=$(mktemp -d)
  npm install --silent --prefix "$scratch" @fission-ai/openspec@1.13 >/dev/null
  bin="$scratch/node_modules/.bin/openspec"
fi
export OPENSPEC_TELEMETRY=0
version=$("$bin" --version)
strip='import json,sys
d=json.load(sys.stdin)
d.pop("root",None)
for c in d.get("changes",[]): c.pop("lastModified",None)
for i in d.get("items",[]): i.pop("durationMs",None)
json.dump(d,sys.stdout,indent=2,ensure_ascii=False,sort_keys=True); print()'
for tree in "$corpus"/*/; do
  name=$(basename "$tree")
  out="$here/tests/fixtures/official/$name"
  mkdir -p "$out"
  (cd "$tree" && "$bin" list --json) | python3 -c "$strip" > "$out/list.json"
  (cd "$tree" && "$bin" list --specs --json) | python3 -c "$strip" > "$out/list-specs.json"
  (cd "$tree" && "$bin" validate --all --json || true) | python3 -c "$strip" > "$out/validate.json"
  echo "$version" > "$out/VERSION"
  echo "captured $name with openspec $version"
done
# OpenSpec 1.14+ metadata: stacking fields under `x-` keys keep 1.13's strict verdicts.
out="$here/tests/fixtures/official/stacking"
mkdir -p "$out"
(cd "$here/tests/fixtures/stacking" && "$bin" validate --all --strict --json || true) | python3 -c "$strip" > "$out/validate-strict.json"
echo "$version" > "$out/VERSION"
echo "captured stacking (strict) with openspec $version"
