#!/usr/bin/env bash
# The forecast backtest: replay repositories' histories, forecast at past
# days with `spec forecast --date DAY --json` (history up to that day only),
# and compare each change's p50 and p80 with the day it really finished.
#
#   bench/forecast.sh [STEP_DAYS]     (default: every 7 days)
#
# Repositories: the flake bundles of ${SPEC_CORPUS:-../shared/corpus}/flakes/
# that plan with OpenSpec (DaRacci and alisabryant at their heads, caelx at
# a89e51b7, the last commit with its openspec/ folder), this repository, and
# a generated one (bench/gen_history.rs), reported apart.
# A change "really finished" on the day `spec history` gives it as completed
# (every task checked from then on), else archived. Scoring, per forecast of a
# change at a day:
#   - it finished within the history: scored; covered when it finished by
#     its p80; the p50 error is |finish - p50| in days;
#   - it never finished and its p80 passed within the history: a miss;
#   - it never finished and its p80 lies beyond the history: censored, not scored.
#   - it has no p80 (its p80 lies beyond the three-year horizon, mostly
#     because too many runs stop it for good): not scored, counted apart,
#     with how many of those did finish within the history.
# Prints, per repository and overall: forecasts scored, distinct changes,
# p80 coverage, median p50 error, censored, without a p80 (and of those,
# finished). SPEC_BIN scores another build.
set -euo pipefail
cd "$(dirname "$0")/.."
step=${1:-7}
corpus=${SPEC_CORPUS:-../shared/corpus}
set -- gen_history   # common.sh builds these examples
source bench/common.sh
spec=${SPEC_BIN:-$spec}
out=bench/out/forecast
mkdir -p "$out"
scratch=$(mktemp -d "$work/forecast.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

repos=()
add() { # name, source (bundle or folder), commit or ""
  git clone -q "$2" "$scratch/$1" 2>/dev/null
  if [ -n "$3" ]; then git -C "$scratch/$1" checkout -q "$3"; fi
  repos+=("$1")
}
add DaRacci "$corpus/flakes/DaRacci__nix-config.bundle" ""
add alisabryant "$corpus/flakes/alisabryant__workstation-setup.bundle" ""
add caelx "$corpus/flakes/caelx__nixos-config.bundle" a89e51b7
add spec "$PWD" ""
# A generated repository (bench/gen_history.rs: 3,000 commits about an hour
# apart, 150 changes, many open at once), the one set with enough changes
# open across days; its pace is synthetic, so it is reported apart.
"$target/release/examples/gen_history" "$scratch/generated" 3000 150 > /dev/null 2>&1
repos+=(generated)

for name in "${repos[@]}"; do
  dir="$scratch/$name"
  (cd "$dir" && "$spec" history --json) > "$out/$name.history.json"
  first=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); days=sorted(p["day"] for c in d["changes"] for p in c["series"] if p.get("day") and p["done"]>0); print(days[0] if days else "")' "$out/$name.history.json")
  last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reference_day"] or "")' "$out/$name.history.json")
  [ -n "$first" ] && [ -n "$last" ] || continue
  : > "$out/$name.forecasts.jsonl"
  day=$(date -u -d "$first + 7 days" +%F)
  while [[ "$day" < "$last" ]]; do
    (cd "$dir" && "$spec" forecast --date "$day" --json) | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))' >> "$out/$name.forecasts.jsonl"
    day=$(date -u -d "$day + $step days" +%F)
  done
done

python3 - "$out" "${repos[@]}" <<'PY' | tee "$out/score.txt"
import json, sys, statistics
from datetime import date
out, names = sys.argv[1], sys.argv[2:]
d = lambda s: date.fromisoformat(s)
keys = ("scored", "covered", "censored", "forecasts", "open", "late")
rows, total = [], {"scored": 0, "covered": 0, "errors": [], "changes": set(), "censored": 0, "forecasts": 0, "open": 0, "late": 0}
for name in names:
    try:
        history = json.load(open(f"{out}/{name}.history.json"))
        forecasts = [json.loads(l) for l in open(f"{out}/{name}.forecasts.jsonl")]
    except FileNotFoundError:
        continue
    end = d(history["reference_day"])
    finish = {}
    for c in history["changes"]:
        at = (c.get("completed") or {}).get("day") or (c.get("archived") or {}).get("day")
        if at:
            finish[c["id"]] = d(at)
    s = {"scored": 0, "covered": 0, "errors": [], "changes": set(), "censored": 0, "forecasts": 0, "open": 0, "late": 0}
    for f in forecasts:
        as_of = d(f["as_of"])
        for c in f["changes"]:
            done = finish.get(c["id"])
            if not c["p80"]:
                if c["p50"] or "runs never finish" in c["basis"] or "not within" in c["basis"]:
                    if done is None or done > as_of:
                        s["open"] += 1; s["late"] += done is not None
                continue
            s["forecasts"] += 1
            p50, p80 = d(c["p50"]), d(c["p80"])
            if done is not None and done <= as_of:
                continue  # finished by then in history: the forecast saw stale counts
            if done is None:
                if p80 <= end:
                    s["scored"] += 1; s["changes"].add(name + ":" + c["id"])
                else:
                    s["censored"] += 1
                continue
            s["scored"] += 1; s["changes"].add(name + ":" + c["id"])
            s["covered"] += done <= p80
            s["errors"].append(abs((done - p50).days))
    for k in keys:
        total[k] += s[k]
    total["errors"] += s["errors"]; total["changes"] |= s["changes"]
    rows.append((name, s))
rows.append(("all", total))
real = [s for n, s in rows if n not in ("generated", "all")]
if real:
    r = {k: sum(x[k] for x in real) for k in keys}
    r["errors"] = [e for x in real for e in x["errors"]]
    r["changes"] = set().union(*(x["changes"] for x in real))
    rows.insert(len(rows) - 1, ("real repos", r))
print(f"{'repository':<12} {'forecasts':>9} {'scored':>6} {'changes':>7} {'p80 coverage':>12} {'median |p50 error|':>18} {'censored':>8} {'no p80 (finished)':>17}")
for name, s in rows:
    cov = f"{s['covered'] / s['scored']:.2f}" if s["scored"] else "-"
    err = f"{statistics.median(s['errors']):.1f} days" if s["errors"] else "-"
    nop = f"{s['open']} ({s['late']})"
    print(f"{name:<12} {s['forecasts']:>9} {s['scored']:>6} {len(s['changes']):>7} {cov:>12} {err:>18} {s['censored']:>8} {nop:>17}")
PY
