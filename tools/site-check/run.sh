#!/usr/bin/env bash
# Check a built `spec site` in headless Chromium: every page from file:// and
# from an HTTP sub-path, links, anchors, network, hostile content, a11y basics.
#   tools/site-check/run.sh SITE_DIR [--screenshots OUT_DIR] [--hostile-marker NAME] [--jobs N] [--verbose]
# Installs Debian's chromium and the npm packages when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v chromium >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --silent --no-audit --no-fund)
exec node "$here/check.mjs" "$@"
