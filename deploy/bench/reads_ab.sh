#!/usr/bin/env bash
# Two builds side by side under the same live reads: deploy/bench/reads.sh
# with the binaries in BEFORE, then in AFTER, one after the other on this
# machine (each on a ledger and ClickHouse of its own, migrated by its own
# cmp-aggregator). Asserts nothing.
#
# Usage: deploy/bench/reads_ab.sh BEFORE-DIR AFTER-DIR [EVENTS=1000000]
# [SECONDS=20] [READERS=16] [RUNS=2], each DIR holding cmp-api and
# cmp-aggregator (e.g. `cargo build --release` of each commit, copied).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
(($# >= 2)) || { echo "usage: $0 BEFORE-DIR AFTER-DIR [EVENTS] [SECONDS] [READERS] [RUNS]" >&2; exit 2; }
BEFORE="$1" AFTER="$2"
shift 2
for side in before after; do
  dir="$BEFORE"
  [[ $side == after ]] && dir="$AFTER"
  echo "=== $side: $dir"
  CMP_BENCH_BIN="$dir" bash "$HERE/reads.sh" "${1:-1000000}" "${2:-20}" "${3:-16}" "${4:-2}"
done
