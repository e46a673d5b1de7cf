#!/usr/bin/env bash
# Self-test of the site checker: selftest/good must pass (with screenshots),
# selftest/bad must fail with every expected problem. Deterministic; ~10 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
bad() { echo "selftest: $*" >&2; status=1; }

# The good site passes, from disk and from a sub-path, with all screenshots.
if "$here/run.sh" "$here/selftest/good" --screenshots "$work/shots" > "$work/good.out" 2>&1; then
  grep -q '^OK: no failures$' "$work/good.out" || bad "good: no OK line"
  grep -q '^pages checked: *7 x 2 ' "$work/good.out" || bad "good: expected 7 pages checked twice"
  grep -q '^widths: .*390px (phone, 7 loads)' "$work/good.out" || bad "good: expected 7 pages measured at phone width"
  grep -q '^  https://github.com/example/self-test  <- index.html$' "$work/good.out" || bad "good: external link not listed"
  for page in index timeline graph hosts; do
    for s in light dark phone phone-dark; do
      [ -s "$work/shots/$page-$s.png" ] || bad "good: screenshot $page-$s.png missing"
    done
  done
  for s in change-light change-dark spec-light spec-dark; do
    [ -s "$work/shots/$s.png" ] || bad "good: screenshot $s.png missing"
  done
else
  bad "good site failed:"; cat "$work/good.out" >&2
fi

# The bad site fails (exit 1) and names each problem.
set +e
"$here/run.sh" "$here/selftest/bad" > "$work/bad.out" 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || bad "bad: exit code $code, want 1"
expect=(
  'console: errors.html: console.error: selftest console error'
  "page-error: errors.html: uncaught TypeError: Cannot read properties of null (reading 'selftest')"
  'request-failed: external.html: image missing.png: '
  'network: external.html: image non-local request: https://tracker.example/pixel.png'
  'external-resource: external.html: <img> src="https://tracker.example/pixel.png" references a non-local resource'
  'broken-link: index.html: href="missing.html" -> missing.html does not exist'
  'broken-link: external.html: <img> src="missing.png" -> missing.png does not exist'
  'missing-anchor: index.html: href="#nowhere": no element with id "nowhere" on this page'
  'missing-anchor: index.html: href="a11y.html#no-such-id": a11y.html has no element with id "no-such-id"'
  'script-ran: script.html: content script set window.__spec_pwned = 1 (while loading)'
  'script-ran: handler.html: content script set window.__spec_pwned = '
  'hostile-markup: handler.html: <p onmouseover="window.__spec_pwned = 7">: event-handler attribute onmouseover'
  'hostile-markup: handler.html: <a href="javascript:window.__spec_pwned = 3">: javascript: URL in href'
  'script-contract: script.html: inline <script> without data-spec: "window.__spec_pwned = 1"'
  'style-contract: style.html: inline <style> without data-spec: "nav { display: none }"'
  'duplicate-id: a11y.html: id "twice" is used 2 times'
  'a11y: a11y.html: 2 <h1> elements (want exactly 1)'
  'a11y: a11y.html: <img src="assets/dot.svg"> has no alt attribute'
  'a11y: a11y.html: heading level skipped: h2 -> h4'
  'overflow: overflow.html: <svg class="fixed"> #1 is 2000px wide at a 1280px viewport'
  'overflow: overflow.html: <svg class="fixed"> #1 is 2000px wide at a 390px viewport [phone only]'
  'overflow: overflow.html: <svg class="cut"> #2 is 900px wide, wider than the <div> holding it (600px) at a 1280px viewport'
  'overflow: overflow.html: the page is 2240px wide at a 1280px viewport: it scrolls horizontally; furthest: <svg class="fixed"> to 2240px'
  'overflow: phone.html: the page is 616px wide at a 390px viewport: it scrolls horizontally; furthest: <img> to 616px; the layout viewport grew to 616px [phone only]'
  'keyboard: index.html: 5 of 5 Tab stops show no focus indicator'
)
for e in "${expect[@]}"; do
  grep -qF -- "  $e" "$work/bad.out" || bad "bad: missing failure: $e"
done
for c in console page-error request-failed network external-resource broken-link missing-anchor script-ran \
  hostile-markup script-contract style-contract duplicate-id a11y overflow keyboard; do
  grep -q "^  $c: [0-9]" "$work/bad.out" || bad "bad: category $c not in the summary"
done
# Nothing else: the pages of the bad site that have no planted problem stay clean.
grep -q '^pages: *0 clean, 9 with failures$' "$work/bad.out" || bad "bad: expected all 9 pages to fail"
if grep -E '^  (setup|load):' "$work/bad.out" >&2; then bad "bad: unexpected setup/load failure"; fi

if [ "$status" -ne 0 ]; then
  echo "--- good" >&2; cat "$work/good.out" >&2
  echo "--- bad" >&2; cat "$work/bad.out" >&2
  exit 1
fi
echo "selftest: ok (good site passes; bad site fails with ${#expect[@]} expected problems in 15 categories)"
