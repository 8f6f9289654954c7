#!/usr/bin/env bash
# Installs what the tests need (Debian packages) and runs every test of the package.
# This is the README's test command; .ci/run calls it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KDELTA_ROOT"
ensure_apt_packages
say "building (debug) and running the tests"
with_swift swift build --build-tests
# The run is kept in .build/test-logs/; after a failure its issues are printed again at the
# end, where a CI page that keeps only the tail shows them.
mkdir -p .build/test-logs
log=.build/test-logs/swift-test.log
rc=0
with_swift swift test --skip-build "$@" 2>&1 | tee "$log" || rc=$?
if [ "$rc" -ne 0 ]; then
  say "the tests failed (exit $rc); their issues (whole run in $log):"
  bash scripts/test-failures.sh "$log"
fi
exit "$rc"
