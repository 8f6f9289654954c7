# shellcheck shell=bash
# Shared functions of the cross/ scripts. Sourced, never run.
#
# Layout of the cache (outside the clone; KDELTA_CROSS_CACHE overrides the default):
#   $CACHE/.lock                   held (exclusive) while cross/setup builds or removes a key
#   $CACHE/debs/{amd64,arm64}/     downloaded .debs, kept across keys (a rebuild downloads less)
#   $CACHE/<key>/                  one build root per key = hash(cross/setup-steps.sh, cross/packages-*.txt)
#   $CACHE/<key>/root/             Debian trixie amd64 build root with swiftlang 6.0.3
#   $CACHE/<key>/root/sysroot-arm64   the aarch64 sysroot (seen as /sysroot-arm64 inside the root)
#   $CACHE/<key>/.inuse            held (shared) by every script that uses this key's build root
#   $CACHE/current -> <key>        the newest complete key
#
# SAFETY: the build root gets /dev (an rbind of the host's /dev), /proc, /sys, the Swift package
# mirror and the clone mounted into it. Deleting the build root while they are mounted would wipe
# the host's /dev or the clone. Therefore:
#   1. every mount is made inside a private mount namespace (unshare --mount): the host never sees
#      them, and the kernel drops them when the last process of the namespace exits, even on
#      SIGKILL;
#   2. inside that namespace an EXIT trap unmounts them again (belt and braces);
#   3. safe_rm checks /proc/self/mounts and every process's mountinfo before deleting anything,
#      refuses paths outside the cache, and deletes with rm --one-file-system.

set -euo pipefail

CROSS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# The SwiftPM package: the clone this cross/ folder is in (KDELTA_CROSS_PACKAGE_DIR: another
# package, to try the toolchain on a small test package).
REPO=$(cd "${KDELTA_CROSS_PACKAGE_DIR:-$CROSS_DIR/..}" && pwd -P)
CACHE=${KDELTA_CROSS_CACHE:-/var/cache/kdelta-cross}
MIRROR=${KDELTA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${KDELTA_DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
SUITE=trixie
SDK_NAME=trixie-aarch64                       # the name given to --swift-sdk
TARGET_TRIPLE=aarch64-unknown-linux-gnu
SR_IN_ROOT=/sysroot-arm64                     # the sysroot's path as seen inside the build root
SWIFT_RUNTIME_DIR=/usr/libexec/swift/lib/swift/linux   # where Debian keeps the Swift .so files
QEMU=/usr/bin/qemu-aarch64-static
SCRATCH_REL=.build-aarch64                    # cross-build scratch path, inside the clone
ME=$(basename "$0")

# ---------------------------------------------------------------- messages -------------------
log()  { [ -n "${KDELTA_CROSS_QUIET:-}" ] || printf '[%s] %s\n' "$ME" "$*" >&2; }
say()  { printf '[%s] %s\n' "$ME" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "$ME" "$*" >&2; }
# die "what happened" ["what to do"]
die() {
  printf '[%s] error: %s\n' "$ME" "$1" >&2
  [ $# -lt 2 ] || printf '[%s]   what to do: %s\n' "$ME" "$2" >&2
  exit 1
}
fmt_secs() { local s=$1; if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s/60)) $((s%60)); else printf '%ds' "$s"; fi; }

# run_step "description" LOGFILE command args...
# Runs the command with its output appended to LOGFILE and prints one line:
#   [setup] description ... ok (12s)
# On failure prints the tail of the log, its path, and exits.
run_step() {
  local desc=$1 logf=$2; shift 2
  local t0=$SECONDS rc
  if [ -n "${KDELTA_CROSS_VERBOSE:-}" ]; then
    say "$desc ..."
    set +e; ( set -euo pipefail; "$@" ) 2>&1 | tee -a "$logf" >&2; rc=${PIPESTATUS[0]}; set -e
  else
    [ -n "${KDELTA_CROSS_QUIET:-}" ] || printf '[%s] %s ... ' "$ME" "$desc" >&2
    set +e; ( set -euo pipefail; "$@" ) >>"$logf" 2>&1 </dev/null; rc=$?; set -e
  fi
  local dt=$((SECONDS - t0))
  if [ "$rc" -ne 0 ]; then
    [ -n "${KDELTA_CROSS_QUIET:-}" ] || [ -n "${KDELTA_CROSS_VERBOSE:-}" ] || printf 'FAILED after %s\n' "$(fmt_secs $dt)" >&2
    printf '[%s] error: step "%s" failed (exit %d). Last lines of %s:\n' "$ME" "$desc" "$rc" "$logf" >&2
    tail -n 40 "$logf" | sed 's/^/    | /' >&2
    printf '[%s]   what to do: read the full log (%s); rerun with KDELTA_CROSS_VERBOSE=1 to see it live.\n' "$ME" "$logf" >&2
    exit "$rc"
  fi
  if [ -n "${KDELTA_CROSS_VERBOSE:-}" ]; then say "$desc: ok ($(fmt_secs $dt))"
  elif [ -z "${KDELTA_CROSS_QUIET:-}" ]; then printf 'ok (%s)\n' "$(fmt_secs $dt)" >&2; fi
}

# ---------------------------------------------------------------- checks ---------------------
need_root() {
  [ "$(id -u)" -eq 0 ] || die "$ME needs root: it runs debootstrap, chroot and mount." \
    "run it as root (sudo $0 $*)."
}
need_linux_amd64() {
  [ "$(uname -s)" = Linux ] && [ "$(uname -m)" = x86_64 ] || \
    die "the cross build runs on an x86_64 Linux host (this is $(uname -s) $(uname -m))." \
        "use an amd64 Debian/Ubuntu machine (the Pi itself can use the native trixie swiftlang)."
}
check_cache_path() {
  case $CACHE in
    /*) ;; *) die "KDELTA_CROSS_CACHE must be an absolute path (got '$CACHE')." "export KDELTA_CROSS_CACHE=/some/absolute/dir";;
  esac
  case $CACHE in
    *[[:space:]]*) die "the cache path '$CACHE' contains white space; the qemu wrapper passed to the tests is space-separated." "choose a KDELTA_CROSS_CACHE without spaces.";;
  esac
  case $CACHE/ in
    "$REPO"/*) die "the cache ($CACHE) must be outside the clone ($REPO)." "choose another KDELTA_CROSS_CACHE.";;
  esac
  [ "$CACHE" != / ] || die "KDELTA_CROSS_CACHE=/ is not allowed."
  CACHE=$(realpath -m "$CACHE")
  [ "$CACHE" != / ] || die "KDELTA_CROSS_CACHE resolves to /: not allowed."
}

# ---------------------------------------------------------------- key ------------------------
# The key: a hash of what determines the build root's content.
cache_key() {
  {
    cat "$CROSS_DIR/setup-steps.sh" "$CROSS_DIR/packages-buildroot.txt" "$CROSS_DIR/packages-sysroot.txt"
    printf '%s\n' "$MIRROR" "$SECURITY_MIRROR" "$SUITE" "$SDK_NAME"
  } | sha256sum | cut -c1-16
}
init_paths() {
  check_cache_path
  KEY=$(cache_key)
  KEYDIR=$CACHE/$KEY
  ROOT=$KEYDIR/root
  SYSROOT=$ROOT$SR_IN_ROOT
}
# Package names from a list file: drop comments and blank lines.
read_pkgs() { sed -e 's/#.*//' "$1" | tr -s ' \t\n' ' ' | sed -e 's/^ //' -e 's/ $//'; }

# ---------------------------------------------------------------- mounts and deletion --------
# Mount points at or below $1 in this process's mount namespace (deepest first).
mounts_under() {
  local p=${1%/}
  awk -v p="$p" '{
      m = $2; gsub(/\\040/, " ", m); gsub(/\\011/, "\t", m); gsub(/\\134/, "\\", m)
      if (m == p || index(m, p "/") == 1) print m
    }' /proc/self/mounts | sort -r
}
# "PID MOUNTPOINT" for any process (any mount namespace) that has a mount at or below $1.
foreign_mounts_under() {
  local p=${1%/} f
  for f in /proc/[0-9]*/mountinfo; do
    awk -v p="$p" -v f="$f" '{
        m = $5; gsub(/\\040/, " ", m)
        if (m == p || index(m, p "/") == 1) { split(f, a, "/"); print a[3], m; exit }
      }' "$f" 2>/dev/null || true
  done
  # a process chrooted into it (its mountinfo shows paths relative to its own root)
  local d r
  for d in /proc/[0-9]*; do
    r=$(readlink "$d/root" 2>/dev/null) || continue
    case $r/ in "$p"/*) echo "${d#/proc/} (chrooted in $r)";; esac
  done
}
# Unmount everything at or below $1 (deepest first). Lazy as a last resort.
umount_under() {
  local m
  while read -r m; do
    [ -n "$m" ] || continue
    umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null || true
  done < <(mounts_under "$1")
}
# safe_rm PATH: delete a folder of the cache, never anything mounted.
safe_rm() {
  local p=$1
  [ -e "$p" ] || [ -L "$p" ] || return 0
  p=$(realpath -m "$p")
  case $p/ in
    "$CACHE"/?*/) ;;
    *) die "refusing to delete '$p': it is not inside the cache ($CACHE).";;
  esac
  local left
  left=$(mounts_under "$p")
  if [ -n "$left" ]; then
    umount_under "$p"
    left=$(mounts_under "$p")
    [ -z "$left" ] || die "refusing to delete '$p': still mounted there: $(echo $left)" \
      "unmount them (umount -R -l MOUNTPOINT), check 'grep $p /proc/mounts' is empty, then rerun."
  fi
  left=$(foreign_mounts_under "$p")
  [ -z "$left" ] || die "refusing to delete '$p': a process still has mounts there (pid mountpoint: $(echo $left))." \
    "wait for that cross/ command to finish (or stop it), then rerun."
  rm -rf --one-file-system -- "$p"
}

# Host folder of the Swift package mirror: the one the system git url.insteadOf rules point at.
mirror_dir() {
  if [ -n "${SWIFT_PACKAGE_MIRROR:-}" ]; then echo "${SWIFT_PACKAGE_MIRROR%/}"; return; fi
  git config --system --get-regexp '^url\..*\.insteadof$' 2>/dev/null \
    | sed -nE 's#^url\.(file://)?(/[^ ]*)\.insteadof .*#\2#p' | sed 's#/$##' | sort -u | head -n1
}

# in_root [options] -- COMMAND ARGS...: run a command inside the build root.
#   --src       bind-mount the clone at its own path (read-write)
#   --tmp       bind-mount the host's /tmp
#   --debs      bind-mount $CACHE/debs/{amd64,arm64} at /var/cache/apt/archives and /opt/sr-apt/archives
#   --overlay-build   bind $REPO/.build-trixie over $REPO/.build (with --src)
#   --cwd DIR   working directory inside the root (default /)
#   --env K=V   extra environment variable (repeatable)
#   --pass-env  pass the caller's environment (minus PATH, HOME, LD_*, SHELL) instead of a clean one
# All mounts live in a private mount namespace and vanish with it.
in_root() {
  local opts=() 
  while [ $# -gt 0 ]; do
    case $1 in
      --) shift; break;;
      --cwd|--env) opts+=("$1" "$2"); shift 2;;
      *) opts+=("$1"); shift;;
    esac
  done
  [ -d "$ROOT/usr" ] || die "no build root at $ROOT." "run cross/setup."
  unshare --mount --propagation private -- \
    bash "$CROSS_DIR/lib.sh" __ns_run "$ROOT" "$REPO" "$CACHE" "${opts[@]}" -- "$@"
}

# Runs inside the private mount namespace (see in_root).
_ns_run() {
  local root=$1 repo=$2 cache=$3; shift 3
  local src= tmp= debs= overlay= cwd=/ passenv= envs=()
  while [ $# -gt 0 ]; do
    case $1 in
      --) shift; break;;
      --src) src=1;; --tmp) tmp=1;; --debs) debs=1;; --overlay-build) overlay=1;;
      --pass-env) passenv=1;;
      --cwd) cwd=$2; shift;;
      --env) envs+=("$2"); shift;;
      *) echo "in_root: unknown option $1" >&2; exit 2;;
    esac
    shift
  done
  # shellcheck disable=SC2064
  trap "umount_under '$root'" EXIT
  trap 'exit 130' INT TERM
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount --make-rslave "$root/dev"
  local mdir; mdir=$(mirror_dir)
  if [ -n "$mdir" ] && [ -d "$mdir" ]; then
    mkdir -p "$root$mdir"
    mount --bind "$mdir" "$root$mdir"
    mount -o remount,bind,ro "$root$mdir"
  fi
  # /tmp before the clone: a clone under /tmp stays visible.
  if [ -n "$tmp" ]; then mount --bind /tmp "$root/tmp"; fi
  if [ -n "$src" ]; then
    mkdir -p "$root$repo"
    mount --bind "$repo" "$root$repo"
    if [ -n "$overlay" ]; then
      mkdir -p "$repo/.build-trixie" "$repo/.build"
      mount --bind "$repo/.build-trixie" "$root$repo/.build"
    fi
  fi
  if [ -n "$debs" ]; then
    mkdir -p "$cache/debs/amd64/partial" "$cache/debs/arm64/partial" \
             "$root/var/cache/apt/archives" "$root/opt/sr-apt/archives"
    mount --bind "$cache/debs/amd64" "$root/var/cache/apt/archives"
    mount --bind "$cache/debs/arm64" "$root/opt/sr-apt/archives"
  fi
  local base=(HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
              "TERM=${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive)
  local envcmd=(/usr/bin/env -i)
  if [ -n "$passenv" ]; then
    envcmd=(/usr/bin/env -u PATH -u HOME -u LD_LIBRARY_PATH -u LD_PRELOAD -u SHELL -u TMPDIR
            -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR -u OLDPWD -u PWD)
  fi
  exec 8<&- 9>&-    # the callers' lock fds stay with the callers
  set +e
  chroot "$root" "${envcmd[@]}" "${base[@]}" "${envs[@]}" \
    /bin/bash -c 'cd "$1" || exit 1; shift; exec "$@"' in_root "$cwd" "$@"
  local rc=$?
  set -e
  exit "$rc"
}

# Key dir use lock: shared while a script uses a build root, exclusive to delete it.
hold_key_shared() { [ -e "$KEYDIR/.inuse" ] || : > "$KEYDIR/.inuse"; exec 8<"$KEYDIR/.inuse"; flock -s 8; }

# ensure_setup: run cross/setup (silent when cached), then init paths and hold the key.
ensure_setup() {
  KDELTA_CROSS_QUIET=${KDELTA_CROSS_QUIET-1} "$CROSS_DIR/setup" >&2
  init_paths
  [ -f "$KEYDIR/.complete" ] || die "cross/setup did not complete ($KEYDIR)." "rerun cross/setup and read its errors."
  hold_key_shared
  touch "$KEYDIR/.last-used" 2>/dev/null || true
}

# cross_swift ARGS...: run `swift ARGS` in the build root for the aarch64 SDK, with the clone
# bound at its own path, cwd = the clone, and pkg-config reading the sysroot's .pc files (the
# root also has amd64 -dev packages whose .pc files would otherwise win: -L/usr/lib/x86_64-linux-gnu).
cross_swift() {
  in_root --src --cwd "$REPO" \
    --env "PKG_CONFIG_PATH=$SR_IN_ROOT/usr/lib/aarch64-linux-gnu/pkgconfig:$SR_IN_ROOT/usr/share/pkgconfig" \
    --env "PKG_CONFIG_SYSROOT_DIR=$SR_IN_ROOT" \
    -- swift "$@"
}
SCRATCH=$REPO/$SCRATCH_REL
TRIPLE_DIR() { echo "$SCRATCH/$TARGET_TRIPLE/$1"; }

if [ "${1:-}" = __ns_run ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
  shift; _ns_run "$@"
fi
