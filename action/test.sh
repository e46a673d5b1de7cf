#!/usr/bin/env bash
# Runs the action's shell steps (action/run.sh) locally, as far as a machine
# without GitHub allows: the cache key, the install (cached path, and a real
# `cargo install` when SPEC_ACTION_TEST_INSTALL=1), the checks against this
# repository and against a stale copy, and the pull-request comment against
# a git repository built here. GitHub's API is the one thing not reachable
# offline: a `gh` stand-in on PATH records the calls the comment step makes
# and answers the comment list as GitHub would after the --jq filter.
#
#   action/test.sh [SPEC_BIN]     (default: target/debug/spec, built if missing)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
spec=${1:-$here/target/debug/spec}
[ -x "$spec" ] || (cd "$here" && cargo build --locked --quiet)
spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")   # absolute: the checks cd elsewhere
run=$here/action/run.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "action test FAILED: $*" >&2; exit 1; }

echo "-- key: stable, names the platform"
k1=$("$run" key); k2=$("$run" key)
[ "$k1" = "$k2" ] || fail "key changes between runs: $k1 vs $k2"
[[ "$k1" =~ ^spec-$(uname -s)-$(uname -m)-[0-9a-f]{16}$ ]] || fail "key looks wrong: $k1"
cp -r Cargo.toml Cargo.lock src templates assets "$scratch/" 2>/dev/null
mkdir -p "$scratch/action" && cp action/run.sh "$scratch/action/"
echo "// changed" >> "$scratch/src/lib.rs"
[ "$(SPEC_ACTION_PATH=$scratch "$run" key)" != "$k1" ] || fail "key ignores a source change"

echo "-- install: a cached binary is used as it is"
mkdir -p "$scratch/install/bin" && cp "$spec" "$scratch/install/bin/spec"
out=$(SPEC_INSTALL_ROOT=$scratch/install "$run" install)
[[ "$out" == "spec: cached spec "* ]] || fail "cached install: $out"
echo "-- install: cargo install from the action's folder"
CARGO_TARGET_DIR=$here/target SPEC_CARGO_FLAGS="--debug --quiet" SPEC_INSTALL_ROOT=$scratch/fresh "$run" install
[ "$("$scratch/fresh/bin/spec" --version)" = "$("$spec" --version)" ] || fail "installed spec has another version"

echo "-- checks on this repository: pass"
SPEC_BIN=$spec SPEC_ROOT=. "$run" checks > "$scratch/checks.log" || { cat "$scratch/checks.log"; fail "checks failed on this repository"; }
grep -q '^::group::spec check' "$scratch/checks.log" || fail "no check group"
grep -q '^::group::spec roadmap --check' "$scratch/checks.log" || fail "no roadmap group"
SPEC_BIN=$spec SPEC_ROOT=. SPEC_STRICT=true SPEC_CHECKS=check "$run" checks > /dev/null || fail "strict check failed on this repository"

echo "-- checks on a stale copy: fail with an annotation"
stale=$scratch/stale
mkdir -p "$stale" && cp -r openspec roadmap ROADMAP.md "$stale/"
# A change proposed after ROADMAP.md was written (the repository may have none open).
mkdir -p "$stale/openspec/changes/added-after-roadmap"
printf -- '## Why\nProposed after ROADMAP.md was written.\n' > "$stale/openspec/changes/added-after-roadmap/proposal.md"
printf -- '- [ ] 1.1 A task added after ROADMAP.md was written\n' > "$stale/openspec/changes/added-after-roadmap/tasks.md"
if SPEC_BIN=$spec SPEC_ROOT=$stale SPEC_CHECKS=roadmap "$run" checks > "$scratch/stale.log" 2>&1; then
  fail "a stale ROADMAP.md passed"
fi
grep -q '^::error title=ROADMAP.md is stale::' "$scratch/stale.log" || fail "no stale annotation"
if SPEC_BIN=$spec SPEC_ROOT=. SPEC_CHECKS="roadmap lint" "$run" checks > "$scratch/unknown.log"; then
  fail "an unknown check passed"
fi
grep -q "unknown check 'lint'" "$scratch/unknown.log" || fail "unknown check not named"

echo "-- comment: posted once, then updated in place"
repo=$scratch/pr
cp -r tests/fixtures/basic "$repo"
git -C "$repo" init -q -b main
git -C "$repo" -c user.name=t -c user.email=t@t add -A
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm base
git -C "$repo" checkout -q -b work
sed -i '0,/- \[ \]/s//- [x]/' "$repo/openspec/changes/add-login/tasks.md"
git -C "$repo" -c user.name=t -c user.email=t@t commit -qam "tick a task"
mkdir -p "$scratch/gh-bin"
cat > "$scratch/gh-bin/gh" <<'GH'
#!/usr/bin/env bash
# Stand-in for GitHub's CLI: records each call and the body it would send.
echo "gh $*" >> "$GH_LOG"
for a in "$@"; do case "$a" in body=@*) cp "${a#body=@}" "$GH_LOG.body";; esac; done
case " $* " in *" -X "*) ;; *" --jq "*) printf '%s\n' "${GH_EXISTING:-}";; esac
GH
chmod +x "$scratch/gh-bin/gh"
export GH_LOG=$scratch/gh.log
comment() { PATH=$scratch/gh-bin:$PATH SPEC_BIN=$spec SPEC_ROOT=$repo GITHUB_REPOSITORY=o/r PR_NUMBER=7 GH_EXISTING=$1 "$run" comment main work; }
[ "$(comment '')" = "spec: commented on #7" ] || fail "first comment not posted"
grep -q '^gh api -X POST repos/o/r/issues/7/comments -F body=@' "$GH_LOG" || fail "no POST: $(cat "$GH_LOG")"
head -n1 "$GH_LOG.body" | grep -qx '<!-- spec-diff -->' || fail "body lacks the marker"
grep -q 'add-login' "$GH_LOG.body" || fail "body does not name the change: $(cat "$GH_LOG.body")"
[ "$(comment 4242)" = "spec: updated comment 4242 on #7" ] || fail "second comment not an update"
grep -q '^gh api -X PATCH repos/o/r/issues/comments/4242 -F body=@' "$GH_LOG" || fail "no PATCH: $(cat "$GH_LOG")"
echo "action test passed"
