# Shared by scripts/demo.sh and scripts/test.sh. Sourced, not run.
set -euo pipefail

# The repository root, whatever the caller's working directory.
KDELTA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the package builds and tests against (the C libraries of
# ARCHITECTURE.md that the code uses so far, sqlite3 for the reference benchmark, xz-utils
# for the .xz datasets, zstd for comparing with the column codecs).
KDELTA_APT_PACKAGES="pkg-config libssl-dev libsqlite3-dev sqlite3 xz-utils libzstd-dev zstd libyaml-dev"

# Installs whichever of KDELTA_APT_PACKAGES (plus any arguments) are missing.
ensure_apt_packages() {
  local missing=() p
  for p in $KDELTA_APT_PACKAGES "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Runs a command that needs Swift: directly when the machine has a Swift toolchain,
# otherwise inside the Debian trixie build root with its swiftlang 6.0.3 (cross/with-swift).
with_swift() {
  if command -v swift >/dev/null 2>&1; then
    "$@"
  else
    "$KDELTA_ROOT/cross/with-swift" "$@"
  fi
}
