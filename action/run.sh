#!/usr/bin/env bash
# The shell steps of the `spec` GitHub Action (action.yml), one sub-command
# each, so they can be run and tested outside GitHub (.ci/run runs
# action/test.sh, which drives this script against this repository).
#
#   run.sh key                   print the cache key of the spec build (sources of the action's ref)
#   run.sh install               cargo install spec from the action's own folder, unless cached
#   run.sh checks                run the checks named in SPEC_CHECKS ("check roadmap")
#   run.sh comment BASE HEAD     post or update the `spec diff` comment on the pull request
#
# Inputs come as environment variables, never spliced into the script:
# SPEC_ROOT (default .), SPEC_PROJECT, SPEC_CHECKS, SPEC_STRICT (true/false),
# SPEC_BIN (the binary; default: spec on PATH), SPEC_INSTALL_ROOT (install
# folder), SPEC_CARGO_FLAGS (extra `cargo install` flags), SPEC_ACTION_PATH
# (the action's source), GITHUB_REPOSITORY, PR_NUMBER.
set -euo pipefail

action_path=${SPEC_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
spec=${SPEC_BIN:-spec}
marker='<!-- spec-diff -->'

global_args() {
  args=(--root "${SPEC_ROOT:-.}")
  if [ -n "${SPEC_PROJECT:-}" ]; then args+=(--project "$SPEC_PROJECT"); fi
}

case "${1:-}" in
  key)
    # The build depends on the manifest, the lock file and the sources.
    sum=$(cd "$action_path" && find Cargo.toml Cargo.lock src templates assets -type f -print0 2>/dev/null \
      | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
    echo "spec-$(uname -s)-$(uname -m)-$sum"
    ;;
  install)
    bin="${SPEC_INSTALL_ROOT:?SPEC_INSTALL_ROOT is not set}/bin/spec"
    if [ -x "$bin" ]; then
      echo "spec: cached $("$bin" --version)"
    else
      # SPEC_CARGO_FLAGS: extra flags (action/test.sh passes --debug to reuse a dev build).
      # shellcheck disable=SC2086
      cargo install --locked --path "$action_path" --root "$SPEC_INSTALL_ROOT" ${SPEC_CARGO_FLAGS:-}
    fi
    ;;
  checks)
    global_args
    failed=0
    for check in ${SPEC_CHECKS:-check roadmap}; do
      case "$check" in
        check)
          strict=()
          if [ "${SPEC_STRICT:-false}" = true ]; then strict=(--strict); fi
          echo "::group::spec check"
          "$spec" "${args[@]}" check --format github "${strict[@]}" || failed=1
          echo "::endgroup::"
          ;;
        roadmap)
          echo "::group::spec roadmap --check"
          if ! "$spec" "${args[@]}" roadmap --check; then
            echo "::error title=ROADMAP.md is stale::run \`spec roadmap\` and commit ROADMAP.md"
            failed=1
          fi
          echo "::endgroup::"
          ;;
        *)
          echo "::error title=spec action::unknown check '$check' (known: check, roadmap)"
          failed=1
          ;;
      esac
    done
    exit "$failed"
    ;;
  comment)
    base=${2:?usage: run.sh comment BASE HEAD}
    head=${3:?usage: run.sh comment BASE HEAD}
    repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
    pr=${PR_NUMBER:?PR_NUMBER is not set (comments are for pull_request events)}
    global_args
    body=$(mktemp)
    trap 'rm -f "$body"' EXIT
    merge_base=$(git -C "${SPEC_ROOT:-.}" merge-base "$base" "$head")
    "$spec" "${args[@]}" diff "$merge_base" "$head" > "$body"
    if [ "$(head -n1 "$body")" != "$marker" ]; then
      echo "error: spec diff did not start with $marker; not posting" >&2
      exit 1
    fi
    id=$(gh api "repos/$repo/issues/$pr/comments" --paginate \
      --jq "[.[] | select(.body | startswith(\"$marker\"))][0].id // empty")
    if [ -n "$id" ]; then
      gh api -X PATCH "repos/$repo/issues/comments/$id" -F "body=@$body" > /dev/null
      echo "spec: updated comment $id on #$pr"
    else
      gh api -X POST "repos/$repo/issues/$pr/comments" -F "body=@$body" > /dev/null
      echo "spec: commented on #$pr"
    fi
    ;;
  *)
    echo "usage: run.sh key|install|checks|comment BASE HEAD" >&2
    exit 2
    ;;
esac
