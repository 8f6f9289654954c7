#!/usr/bin/env bash
# Times a bulk import of one CSV file into KoruDelta Edge and into SQLite, on the same
# machine in the same run, so the ratio holds even when the figures are noisy.
#
#   scripts/bench-import.sh [--readings N] [--runs N] [--work DIR] [--time rfc3339|ms] [--keep]
#
# It writes a CSV of N readings (default 1,000,000) over 1,000 keys, header
# `key,time,value`, times in RFC 3339 (or Unix ms with --time ms), two-decimal values,
# then runs each import --runs times (default 3), each into a fresh directory:
#   (a) kdelta-edge put --batch FILE --data-dir NEW --fsync interval:1000
#   (b) sqlite3's own .import into a WAL-mode table with an index on (key, time),
#       synchronous=NORMAL (the match of interval:1000: a power cut may lose the last
#       commits, a process crash loses nothing).
# and prints the median wall times and the ratio. Each time covers the whole command,
# start to exit, including the final sync and SQLite's closing checkpoint.
#
# The kdelta-edge binary is .build/release/kdelta-edge (built if missing), or
# $KDELTA_EDGE_BIN. sqlite3 is installed with apt-get if missing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readings=1000000
runs=3
work=/var/tmp/kdelta-bench-import
time_format=rfc3339
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --readings) readings="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --time) time_format="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1'; see --help" ;;
  esac
done
case "$readings" in ''|*[!0-9]*) die "--readings '$readings' is not a number" ;; esac
case "$runs" in ''|*[!0-9]*|0) die "--runs '$runs' is not a positive number" ;; esac
[ "$readings" -ge 1000 ] && [ "$readings" -le 86400000 ] || die "--readings must be from 1,000 to 86,400,000 (one day of times)"
case "$time_format" in rfc3339|ms) ;; *) die "--time must be rfc3339 or ms" ;; esac

# Only sqlite3 is needed here (plus the build's packages if kdelta-edge must be built).
KDELTA_APT_PACKAGES="sqlite3" ensure_apt_packages

bin="${KDELTA_EDGE_BIN:-$KDELTA_ROOT/.build/release/kdelta-edge}"
if [ ! -x "$bin" ]; then
  [ -z "${KDELTA_EDGE_BIN:-}" ] || die "KDELTA_EDGE_BIN=$bin is not an executable"
  say "building kdelta-edge (release): $bin is missing"
  ensure_apt_packages
  (cd "$KDELTA_ROOT" && with_swift swift build -c release --product kdelta-edge)
fi
[ -x "$bin" ] || die "$bin is missing; build it with: swift build -c release --product kdelta-edge"

mkdir -p "$work"
fs_type=$(findmnt -no FSTYPE -T "$work" 2>/dev/null || stat -f -c %T "$work")
say "work dir $work ($fs_type); sqlite3 $(sqlite3 --version | cut -d' ' -f1); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
case "$fs_type" in tmpfs|ramfs) say "warning: $work is a $fs_type: fsync is free there; pass --work on a real disk" ;; esac

# The CSV: key k gets one reading a second; the k-th key's time is offset by k ms so that
# times differ across keys. Values are a two-decimal random walk per key, like a
# thermometer's.
csv="$work/readings-$readings-$time_format.csv"
if [ ! -s "$csv" ]; then
  say "writing $csv ($readings readings over 1,000 keys)"
  awk -v n="$readings" -v fmt="$time_format" 'BEGIN {
    srand(20250101)
    print "key,time,value"
    t0 = 1735689600000  # 2025-01-01T00:00:00Z
    for (k = 0; k < 1000; k++) cents[k] = 1500 + int(rand() * 1500)
    for (i = 0; i < n; i++) {
      k = i % 1000; r = int(i / 1000)
      cents[k] += int(rand() * 11) - 5
      if (cents[k] < 1000) cents[k] = 1000
      if (cents[k] > 3500) cents[k] = 3500
      if (fmt == "ms") t = sprintf("%d", t0 + r * 1000 + k)
      else t = sprintf("2025-01-01T%02d:%02d:%02d.%03dZ", int(r / 3600), int(r / 60) % 60, r % 60, k)
      printf "sensors/site-%d/node-%03d/temperature,%s,%d.%02d\n", int(k / 100), k % 100, t, int(cents[k] / 100), cents[k] % 100
    }
  }' > "$csv.tmp"
  mv "$csv.tmp" "$csv"
fi
say "$(head -2 "$csv" | tail -1)   ($(du -h "$csv" | cut -f1))"

now_ns() { date +%s%N; }

# Runs "$@" and prints its wall time in seconds.
timed() {
  local start end
  start=$(now_ns)
  "$@"
  end=$(now_ns)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

import_kdelta() {
  "$bin" put --batch "$csv" --data-dir "$1" --fsync interval:1000 >/dev/null
}

import_sqlite() {
  sqlite3 "$1" >/dev/null <<EOF
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE r(key TEXT, time TEXT, value REAL);
CREATE INDEX r_key_time ON r(key, time);
.mode csv
.import --skip 1 $csv r
EOF
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

kdelta_times=()
sqlite_times=()
for run in $(seq 1 "$runs"); do
  dir="$work/kdelta-data-$run"
  db="$work/sqlite-$run.db"
  rm -rf "$dir" "$db" "$db-wal" "$db-shm"
  sync
  t=$(timed import_kdelta "$dir")
  stored=$("$bin" stats --data-dir "$dir" --json | tr -d ' ' | sed -n 's/.*"versions":\([0-9]*\).*/\1/p')
  [ "$stored" = "$readings" ] || die "kdelta-edge stored '$stored' versions, expected $readings"
  kdelta_times+=("$t")
  sync
  s=$(timed import_sqlite "$db")
  rows=$(sqlite3 "$db" 'SELECT count(*) FROM r')
  [ "$rows" = "$readings" ] || die "sqlite3 imported $rows rows, expected $readings"
  sqlite_times+=("$s")
  say "run $run: kdelta-edge ${t} s, sqlite3 .import ${s} s"
  if [ "$keep" -eq 0 ]; then rm -rf "$dir" "$db" "$db-wal" "$db-shm"; fi
done

k=$(median "${kdelta_times[@]}")
s=$(median "${sqlite_times[@]}")
awk -v k="$k" -v s="$s" -v n="$readings" -v runs="$runs" 'BEGIN {
  printf "\nimport of %d readings, median of %d runs:\n", n, runs
  printf "  kdelta-edge put --batch (fsync interval:1000)   %8.3f s  %10.0f readings/s\n", k, n / k
  printf "  sqlite3 .import (WAL, synchronous=NORMAL, index) %7.3f s  %10.0f readings/s\n", s, n / s
  printf "  ratio (sqlite3 time / kdelta-edge time)          %7.2fx\n", s / k
}'
