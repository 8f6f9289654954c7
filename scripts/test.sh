#!/usr/bin/env bash
# Installs what the tests need (Debian packages) and runs every test of the package.
# This is the README's test command; .ci/run calls it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KDELTA_ROOT"
ensure_apt_packages
say "building (debug) and running the tests"
with_swift swift build --build-tests
with_swift swift test --skip-build "$@"
