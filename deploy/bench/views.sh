#!/usr/bin/env bash
# What each materialized view adds to a ledger INSERT (issues 14 and 15:
# the rollups the reads need are written on the ingest path). On a
# ClickHouse of its own, migrated by this checkout's cmp-aggregator (or the
# one in CMP_BENCH_BIN), EVENTS heavy-tailed events (heavy.sh) are INSERTed
# into `events` in one INSERT … SELECT: with every view detached (the
# ledger alone), with each view attached alone, and with all of them. Each
# figure is the median of RUNS such INSERTs; a view's cost is its INSERT's
# time minus the ledger's alone. The events happen over SPREAD seconds from
# 2026-04-01 (the default: the flights' 248 days, a backfill's INSERT
# across 9 months; 3600: one hour, as live ingest's INSERTs). Asserts
# nothing.
#
# Usage: deploy/bench/views.sh [EVENTS=1000000] [RUNS=3] [SPREAD=21400000]
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EVENTS="${1:-1000000}" RUNS="${2:-3}" SPREAD="${3:-21400000}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
if [[ -n ${CMP_BENCH_BIN:-} ]]; then
  BIN="$CMP_BENCH_BIN"
else
  cargo build --release --locked -p cmp-aggregator --bins
  BIN="$CARGO_TARGET_DIR/release"
fi
export CMP_CLICKHOUSE_DATABASE=bench_views
# shellcheck source=deploy/bench/clickhouse_up.sh
source "$HERE/clickhouse_up.sh"
start_clickhouse "$BIN/cmp-aggregator"
# shellcheck source=deploy/bench/heavy.sh
source "$HERE/heavy.sh"

mapfile -t VIEWS < <(q "SELECT name FROM system.tables WHERE database = '$CMP_CLICKHOUSE_DATABASE' AND engine = 'MaterializedView' ORDER BY name")
for v in "${VIEWS[@]}"; do q "DETACH TABLE $v"; done

# Seconds of one INSERT of EVENTS events (offsets from the first argument,
# so no two INSERTs repeat an event), times over SPREAD seconds.
NEXT=0
insert() {
  local start
  start=$(date +%s.%N)
  q "INSERT INTO events $(EVENT_SELECT "$NEXT" "toDateTime('2026-04-01 04:00:00') + toUInt32(floor($SPREAD * $(u 16)))") FROM (SELECT number FROM system.numbers LIMIT $EVENTS)"
  NEXT=$((NEXT + EVENTS))
  echo "$(date +%s.%N) - $start" | bc
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
runs() { for _ in $(seq "$RUNS"); do insert; done | median; }

alone=$(runs)
printf 'INSERT of %s events, median of %s:\n%-24s %6.2f s\n' "$EVENTS" "$RUNS" "ledger alone" "$alone"
for v in "${VIEWS[@]}"; do
  q "ATTACH TABLE $v"
  t=$(runs)
  q "DETACH TABLE $v"
  printf '%-24s %6.2f s (+%.2f s)\n' "$v" "$t" "$(echo "$t - $alone" | bc)"
done
for v in "${VIEWS[@]}"; do q "ATTACH TABLE $v"; done
t=$(runs)
printf '%-24s %6.2f s (+%.2f s)\n' "every view" "$t" "$(echo "$t - $alone" | bc)"
