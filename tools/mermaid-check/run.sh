#!/usr/bin/env bash
# Render every mermaid block `spec` generates in real mermaid (headless
# Chromium): this repository's ROADMAP.md, the corpus roadmap with the seed's
# phases, all graph and phase views, a tree of changes with hostile names, and
# the timelines drawn from git history.
# Installs Debian's chromium and the npm packages when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
spec=${SPEC_BIN:-$repo/target/debug/spec}
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
[ -d "$here/node_modules/mermaid" ] || (cd "$here" && npm ci --silent --no-audit --no-fund)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

corpus="$repo/../shared/corpus/pantheros-20cbe1f"
config="$repo/tests/fixtures/pantheros/roadmap.yaml"
"$spec" --root "$corpus" --config "$config" roadmap --stdout > "$work/pantheros.md"
for phase in foundation personal-devices ci-cd servers desktop advanced; do
  { echo '```mermaid'; "$spec" --root "$corpus" --config "$config" graph --phase "$phase"; echo '```'; } > "$work/phase-$phase.md"
done

# Change ids and titles that could break a diagram if anything were unescaped.
odd="$work/odd"
names=('quote"id' 'hash#tag' 'angle<b>x' 'back`tick' 'ünïcödé-名前' 'semi;colon:x' 'end' 'subgraph' 'class' 'a--b' 'x-->y' '[brackets]' '(parens)' '{braces}' 'pipe|bar' 'amp&nbsp;')
mkdir -p "$odd/roadmap"
{
  echo 'title: "Odd: names; #1 <script>alert(1)</script>"'
  echo 'phases:'
  echo '  - id: odd'
  echo '    title: "Phase: #1 \"quoted\" <b>"'
  echo '    start: 2025-01-01'
  echo '    end: 2025-02-01'
  echo '    milestones:'
  echo '      - title: "Milestone: end; #x"'
  echo '        due: 2025-01-15'
  echo '    changes:'
  for n in "${names[@]}"; do printf '      - %s\n' "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$n")"; done
} > "$odd/roadmap/roadmap.yaml"
prev=""
for n in "${names[@]}"; do
  d="$odd/openspec/changes/$n"
  mkdir -p "$d"
  printf '# Change: Title with "quotes", `code`, #hash, <tag> & %s\n' "$n" > "$d/proposal.md"
  printf -- '- [x] one\n- [ ] two\n' > "$d/tasks.md"
  if [ -n "$prev" ]; then printf 'schema: spec-driven\ndependsOn: [%s]\n' "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$prev")" > "$d/.openspec.yaml"; fi
  prev=$n
done
"$spec" --root "$odd" roadmap --stdout > "$work/odd.md"
{ echo '```mermaid'; "$spec" --root "$odd" graph; echo '```'; } > "$work/odd-graph.md"

# The history timeline (`roadmap --history`): the odd tree committed on two
# days (one change re-opened, one archived), and this repository's own history.
g() { GIT_AUTHOR_DATE="$1T12:00:00Z" GIT_COMMITTER_DATE="$1T12:00:00Z" git -C "$odd" -c user.name=t -c user.email=t@example.org "${@:2}"; }
git -C "$odd" init -q -b main
g 2025-01-02 add -A && g 2025-01-02 commit -qm one
printf -- '- [x] one\n- [x] two\n' > "$odd/openspec/changes/end/tasks.md"
mkdir -p "$odd/openspec/changes/archive" && mv "$odd/openspec/changes/class" "$odd/openspec/changes/archive/2025-01-20-class"
g 2025-01-20 add -A && g 2025-01-20 commit -qm two
"$spec" --root "$odd" roadmap --history --stdout > "$work/odd-history.md"
grep -q ':done, ' "$work/odd-history.md" || { echo "mermaid-check: no done bar in the history timeline" >&2; exit 1; }
# The hosts architecture of a flake (ROADMAP.md's Hosts section).
flake="$work/flake"
cp -r "$repo/tests/fixtures/flake" "$flake"
mkdir -p "$flake/openspec/changes/backups"
printf '# Change: Backups\n- Edit `modules/services/backup.nix` and `hosts/rog/default.nix`\n' > "$flake/openspec/changes/backups/proposal.md"
printf -- '- [x] one\n- [ ] two\n' > "$flake/openspec/changes/backups/tasks.md"
"$spec" --root "$flake" roadmap --stdout > "$work/flake.md"
grep -q '^## Hosts' "$work/flake.md" || { echo "mermaid-check: no Hosts section for the fixture flake" >&2; exit 1; }
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
  "$spec" --root "$repo" roadmap --history --stdout > "$work/repo-history.md"
fi

node "$here/check.mjs" "$repo/ROADMAP.md" "$work"/*.md
