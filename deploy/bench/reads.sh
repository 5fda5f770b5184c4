#!/usr/bin/env bash
# Reads under live data (issue 14): p50/p99 of the API's report routes with
# READERS concurrent readers (wrk) while the ledger takes a small INSERT
# every half second, so every campaign's data changes between two answers
# (the live case), and the rows ClickHouse reads per report
# (system.query_log), and freshness: produce -> visible through the
# performance route while the readers read. Asserts nothing.
#
# The ledger: EVENTS events over 50 campaigns, generated inside ClickHouse
# by INSERT … SELECT from numbers() (the rollups fill through their views,
# as in production) with heavy tails: campaign sizes, segments, regions and
# channels skewed (a power of a uniform draw picks the index), bulk
# impressions (counts up to 5 000), 80 % engagement, clients drawn from a
# skewed pool per campaign (a quarter without one), times over the flights
# from 2026-04-01 to 2026-12-05.
#
# Usage: deploy/bench/reads.sh [EVENTS=1000000] [SECONDS=20] [READERS=16] [RUNS=3]
# (RUNS wrk passes per route, one after the other, on the same ledger).
# CMP_BENCH_BIN=DIR runs the cmp-api and cmp-aggregator found in DIR (e.g.
# binaries built from an earlier commit, for a before/after) instead of
# building this checkout's.
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EVENTS_WANTED="${1:-1000000}" SECS="${2:-20}" READERS="${3:-16}" RUNS="${4:-3}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
command -v wrk >/dev/null || { echo "reads.sh needs wrk (apt-get install wrk)" >&2; exit 2; }

if [[ -n ${CMP_BENCH_BIN:-} ]]; then
  BIN="$CMP_BENCH_BIN"
else
  cargo build --release --locked -p cmp-aggregator -p cmp-api --bins
  BIN="$CARGO_TARGET_DIR/release"
fi
EVENTS="$EVENTS_WANTED"
export CMP_CLICKHOUSE_DATABASE=bench_reads
# shellcheck source=deploy/bench/clickhouse_up.sh
source "$HERE/clickhouse_up.sh"
start_clickhouse "$BIN/cmp-aggregator"
q "INSERT INTO campaigns (campaign_id, name_en, name_fr, program, start_date, end_date, budget_cents, changed_by, changed_at) SELECT concat('camp-', toString(number)), 'Campaign', 'Campagne', ['oas','ei','cpp','gis','passport'][number % 5 + 1], toDate('2026-04-01'), toDate('2027-03-31'), 100000000, 'bench', now() FROM system.numbers LIMIT 50"

# The API's queries go to system.query_log (users.xml is reloaded live).
sed -i 's#<load_balancing>random</load_balancing>#<load_balancing>random</load_balancing><log_queries>1</log_queries>#' \
  "$CMP_RUN_DIR/clickhouse/users.xml"

# shellcheck source=deploy/bench/heavy.sh
source "$HERE/heavy.sh"
load_start=$(date +%s)
# In steps of 2 M rows (a bounded INSERT each).
for ((from = 0; from < EVENTS; from += 2000000)); do
  n=$(( EVENTS - from < 2000000 ? EVENTS - from : 2000000 ))
  q "INSERT INTO events $(EVENT_SELECT 0 "toDateTime('2026-04-01 04:00:00') + toUInt32(floor(21400000 * $(u 16)))") FROM (SELECT number + $from AS number FROM system.numbers LIMIT $n)"
done
echo "loaded $EVENTS events in $(( $(date +%s) - load_start )) s (the views filled the rollups)"
# Background merges of the load settle first (at most 10 min): readers are
# measured against the steady state, not against the load's merge backlog.
settle_start=$(date +%s)
for _ in $(seq 600); do
  [[ $(q "SELECT count() FROM system.merges WHERE database = '$CMP_CLICKHOUSE_DATABASE'") == 0 ]] && break
  sleep 1
done
echo "merges settled in $(( $(date +%s) - settle_start )) s; active parts: $(q "SELECT count() FROM system.parts WHERE database = '$CMP_CLICKHOUSE_DATABASE' AND active")"
q "SELECT table, sum(rows) AS rows FROM system.parts WHERE database = '$CMP_CLICKHOUSE_DATABASE' AND active AND (table LIKE '%hourly' OR table LIKE '%daily' OR table = 'events') GROUP BY table ORDER BY table"

# shellcheck source=deploy/bench/api_up.sh
source "$HERE/api_up.sh"
API_PID=""
TRICKLE_PID=""
# (set -e holds in the trap too: no command of it may fail before the last.)
trap 'set +e; [[ -n $TRICKLE_PID ]] && kill "$TRICKLE_PID"; kill -TERM "$API_PID"; wait "$API_PID"; bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1; rm -rf "$CMP_RUN_DIR"' EXIT
start_api "$BIN/cmp-api"

set_targets

# Live data: 200 events of the same mix, happening now, every 0.5 s.
trickle() {
  local offset=$((EVENTS + 1))
  while true; do
    q "INSERT INTO events $(EVENT_SELECT "$offset" "now() - toUInt32(floor(60 * $(u 16)))") FROM (SELECT number FROM system.numbers LIMIT 200)" || true
    offset=$((offset + 200))
    sleep 0.5
  done
}

# The status and seconds of one request (a refusal or timeout is a figure too).
get() { curl -sS -o /dev/null -w '%{http_code} %{time_total} s' -H "Authorization: Bearer $TOKEN" "$API$1" || true; }
# Rows read by ClickHouse for one report computed alone: a new data version
# first (one INSERT), then the request; the queries since, from query_log
# (the data-version poll excluded).
rows_of() { # path
  q "INSERT INTO events $(EVENT_SELECT 999000000000 "now()") FROM (SELECT number FROM system.numbers LIMIT 1)"
  sleep 0.3
  local t0 took
  t0=$(q "SELECT toUInt64(now())")
  sleep 1
  took=$(get "$1")
  sleep 0.2
  q "SYSTEM FLUSH LOGS"
  q "SELECT concat('  ', '$1', ': ', toString(count()), ' queries, ', toString(sum(read_rows)), ' rows read, ', toString(max(query_duration_ms)), ' ms longest query; request: $took')
     FROM system.query_log
     WHERE type = 2 AND event_time >= toDateTime($t0) AND query NOT LIKE '%system.parts%'
       AND query NOT LIKE '%query_log%' AND query NOT LIKE 'INSERT%' AND query NOT LIKE '%toUInt64(now())%'"
}

ROUTES=(
  "performance, defaults (totals and 4 targets)|/api/v1/campaigns/{c}/performance"
  "performance, by=segment,channel, daily series|/api/v1/campaigns/{c}/performance?by=segment,channel&granularity=day"
  "portfolio, 50 campaigns, 200 targets|/api/v1/attainment?fiscal_year=2026-27"
)
echo
echo "== rows read per report (one request alone, fresh data version)"
for r in "${ROUTES[@]}"; do
  path="${r#*|}"
  rows_of "${path//\{c\}/camp-0}"
  rows_of "${path//\{c\}/camp-25}"
done

# Freshness through the route: one engagement event of 10,000,000
# impressions (unmistakable beside the trickle's) INSERTed for a campaign
# now, then its report read every 50 ms until the impressions include it;
# prints the seconds between the INSERT and that answer, one probe every
# 2 s (campaigns 0, 10, 25, 40 in turn: the largest, middling, small) until
# the file STOP exists.
impressions() { curl -sS -H "Authorization: Bearer $TOKEN" "$API/api/v1/campaigns/$1/performance" | jq '.totals.impressions // 0' 2>/dev/null || echo 0; }
PROBED=(0 10 25 40)
probe() { # stop-file
  local k=0 c before t0 offset=999500000000
  while [[ ! -e $1 ]]; do
    c="camp-${PROBED[k % 4]}"
    before=$(impressions "$c")
    t0=$(date +%s.%N)
    q "INSERT INTO events SELECT 'cmp.bench.v1', 0, $((offset + k)), 'engagement', 'probe-$k', now(), 0, '$c', 'web', 'impression', 10000000, 0, 'oas', 'online', 'started', 'unspecified', 'ON', 'en', '', now(), '', '', ''"
    until (( $(impressions "$c") >= before + 10000000 )); do
      (( $(echo "$(date +%s.%N) - $t0 > 300" | bc) )) && { echo "300 (not seen)"; return; }
      sleep 0.05
    done
    echo "$(date +%s.%N) - $t0" | bc
    k=$((k + 1))
    sleep 2
  done
}

trickle &
TRICKLE_PID=$!
for r in "${ROUTES[@]}"; do
  label="${r%%|*}" path="${r#*|}"
  rotate "$path" > "$CMP_RUN_DIR/rotate.lua"
  # Warm-up: every campaign's report asked once, one after the other (its
  # first computation, which a reader waits for); the passes then measure
  # the steady live state, where each answer is the newest computed.
  echo
  warm_start=$(date +%s.%N)
  refused=0
  for i in $(seq 0 49); do
    [[ $(get "${path//\{c\}/camp-$i}") == 200\ * ]] || refused=$((refused + 1))
  done
  echo "== warm-up: $label, asked 50 times in turn (camp-0 to camp-49): $(echo "$(date +%s.%N) - $warm_start" | bc) s, $refused answers not 200"
  fresh=""
  if [[ $path == */performance ]]; then
    fresh="$CMP_RUN_DIR/fresh.txt"
    : > "$fresh"
    probe "$CMP_RUN_DIR/stop" >> "$fresh" &
    PROBE_PID=$!
  fi
  for run in $(seq "$RUNS"); do
    echo "== live: $label, $READERS readers, ${SECS} s, an INSERT every 0.5 s (run $run of $RUNS)"
    wrk -t2 -c"$READERS" -d"${SECS}s" --timeout 60s --latency -s "$CMP_RUN_DIR/rotate.lua" \
      -H "Authorization: Bearer $TOKEN" "$API" | grep -E '^ +(50|90|99)%|Requests/sec|requests in|Non-2xx|Socket errors'
  done
  if [[ -n $fresh ]]; then
    touch "$CMP_RUN_DIR/stop"
    wait "$PROBE_PID" || true
    echo "== freshness through the route (INSERT -> answer with it), seconds, sorted: $(sort -n "$fresh" | awk '{printf "%.2f ", $1}')"
  fi
done
kill $TRICKLE_PID 2>/dev/null || true
TRICKLE_PID=""
echo
echo "ledger: $(q "SELECT count() FROM events") events"
