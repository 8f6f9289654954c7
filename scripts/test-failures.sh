#!/usr/bin/env bash
# scripts/test-failures.sh LOG...: prints what failed in test logs, with each issue's detail
# lines, at most 60 lines. scripts/test.sh and cross/test print it after a failed run, so the
# end of the output (all that a CI page may keep) says what went wrong, not just that it did.
# Swift Testing: "✘ Test NAME recorded an issue at FILE:LINE: ..." and its "↳" lines;
# XCTest: "FILE:LINE: error: ..." lines.
set -uo pipefail
for log in "$@"; do
  [ -f "$log" ] || continue
  awk '
    /(✘|[^ ]+) Test .* recorded an issue/ { print; keep = 1; next }
    keep && /^ *↳/ { print; next }
    { keep = 0 }
    /: error: / { print }
  ' "$log"
done | head -n 60
