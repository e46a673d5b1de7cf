#!/usr/bin/env bash
# Run every fuzz target for MINUTES (default 10) each; print a summary line per target.
set -euo pipefail
cd "$(dirname "$0")"
minutes=${1:-10}
export RUSTC_BOOTSTRAP=1
seed() {
  local target=$1; shift
  mkdir -p "corpus/$target"
  local i=0
  for f in "$@"; do i=$((i + 1)); cp "$f" "corpus/$target/seed-$i" 2>/dev/null || true; done
}
shared=../../shared/corpus
seed tasks $(find ../tests/fixtures "$shared" -name tasks.md 2>/dev/null)
seed spec $(find ../tests/fixtures "$shared" -path '*openspec/specs/*' -name spec.md 2>/dev/null)
seed delta $(find ../tests/fixtures "$shared" -path '*changes/*/specs/*' -name spec.md 2>/dev/null)
seed proposal $(find ../tests/fixtures "$shared" \( -name proposal.md -o -name design.md \) 2>/dev/null)
seed yaml $(find ../tests/fixtures ../openspec -name '*.yaml' 2>/dev/null)
seed nix $(find ../tests/fixtures -name '*.nix' 2>/dev/null)
seed links $(find ../tests/fixtures "$shared" \( -name proposal.md -o -name design.md -o -name tasks.md \) 2>/dev/null)
cargo fuzz build -O
for target in ${FUZZ_TARGETS:-tasks spec delta proposal yaml nix links}; do
  log=$(mktemp)
  if cargo fuzz run -O "$target" -- -max_total_time=$((minutes * 60)) -max_len=65536 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    echo "$target: ${minutes} min, no crash ($(grep -o 'Done [0-9]* runs' "$log" | tail -1))"
  else
    echo "$target: FAILED, see $log and fuzz/artifacts/$target/"
  fi
done
