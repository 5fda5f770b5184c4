#!/usr/bin/env bash
# What attribution kept current costs (docs/attribution.md, "Computed
# incrementally"), and a geographic experiment's result, at EVENTS events
# over the last 80 days (5 programs, 50 campaigns, a client pool per
# program so that exposures lead to uptake; 90 % engagement, three
# quarters of it with a client; 10 % uptake; camp-0…camp-4 run a message
# test): a release cmp-aggregator and cmp-api on their own ClickHouse.
# Prints, one run side by side:
#   load      INSERT … SELECT of the events through every view, and the
#             disk the ledger and attribution's tables take;
#   catch-up  the aggregator computing every slice from nothing (its first
#             pass, then until a pass finds nothing changed);
#   live      passes while 1,000 events a second arrive for 30 s;
#   routes    wrk on attribution (30 days; by channel), the message test and
#             the experiment, and the rows each request reads
#             (system.query_log);
#   baseline  the query-time join the routes ran before (the program's
#             uptake, then its clients' exposures, from the ledger) on the
#             same data, timed on the server.
# Asserts nothing. Usage: deploy/bench/attribution.sh [EVENTS=10000000] [SECONDS=15] [CONNECTIONS=4]
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EVENTS="${1:-10000000}" SECS="${2:-15}" CONNECTIONS="${3:-4}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

bash "$REPO/deploy/local/install.sh"
if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --locked -p cmp-aggregator -p cmp-api --bins
BIN="$CARGO_TARGET_DIR/release"

export CMP_RUN_DIR; CMP_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-bench-attr.XXXXXX")"
unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1 || true
  rm -rf "$CMP_RUN_DIR"
}
trap cleanup EXIT
bash "$REPO/deploy/local/services.sh" start clickhouse
# shellcheck disable=SC1091
source "$CMP_RUN_DIR/env.sh"
# Every query in system.query_log: ClickHouse reloads users.xml when its
# modification time changes (to the second: wait for the next one), which
# the default profile then shows.
sleep 1.1
sed -i 's#<load_balancing>random</load_balancing>#&<log_queries>1</log_queries>#' \
  "$CMP_RUN_DIR/clickhouse/users.xml"
for _ in $(seq 60); do
  [[ $(curl -fsS "$CMP_CLICKHOUSE_URL/" --data-binary "SELECT value FROM system.settings WHERE name = 'log_queries'") == 1 ]] && break
  sleep 0.5
done
export CMP_CLICKHOUSE_DATABASE=bench_attribution
"$BIN/cmp-aggregator" migrate >/dev/null
q() { curl -fsS "$CMP_CLICKHOUSE_URL/?database=$CMP_CLICKHOUSE_DATABASE" --data-binary "$1"; }
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR ? a[int((NR + 1) / 2)] : "n/a")}'; }
since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN {printf "%.1f", a - b}'; }

TODAY="$(date -u +%F)"
day() { date -u -d "$TODAY $1 days" +%F; }
PROGRAMS="['oas','ei','cpp','gis','passport']"
q "INSERT INTO campaigns (campaign_id, name_en, name_fr, program, start_date, end_date, budget_cents, changed_by, changed_at) SELECT concat('camp-', toString(number)), 'Campaign', 'Campagne', ${PROGRAMS}[number % 5 + 1], toDate('$(day -100)'), toDate('$(day 60)'), 100000000, 'bench', now() FROM system.numbers LIMIT 50"

# Event n: campaign camp-(n % 50), whose program is n % 5; a client of that
# program's pool of EVENTS / 20; one event in ten (by a hash) an uptake of
# the program naming the campaign; times uniform over the last 80 days
# (milliseconds).
POOL=$(( EVENTS / 20 > 1000 ? EVENTS / 20 : 1000 ))
echo "== load: $EVENTS events, a pool of $POOL clients per program"
start=$(date +%s.%N)
q "INSERT INTO events (src_topic, src_partition, src_offset, kind, event_id, event_time, event_ms, campaign_id, channel, action, count, cost_cents, program, service_channel, stage, segment, region, language, client_hash, ingested_at, variant, office_id, fsa)
SELECT 'bench', number % 4, number, if(intHash32(number + 9) % 10 = 0, 'uptake', 'engagement'), concat('b-', toString(number)),
    toDateTime(intDiv(ms, 1000)), ms, concat('camp-', toString(number % 50)),
    ['web','social','search','display','video','tv','radio','print','signage','email','outreach'][intHash32(number) % 11 + 1],
    ['impression','impression','click','engagement','share','video_complete','visit','click'][intHash32(number + 1) % 8 + 1],
    1, 25, ${PROGRAMS}[number % 5 + 1], ['online','online','phone','in_person','mail'][intHash32(number + 2) % 5 + 1],
    ['started','submitted','completed'][intHash32(number + 3) % 3 + 1],
    ['seniors','newcomers','youth','families','indigenous','rural','unspecified'][intHash32(number + 4) % 7 + 1],
    ['AB','BC','MB','NB','NL','NS','ON','PE','QC','SK'][intHash32(number + 5) % 10 + 1], ['en','fr'][intHash32(number + 6) % 2 + 1],
    if(intHash32(number + 7) % 4 = 0, '', hex(cityHash64(number % 5, intHash64(number) % $POOL))), now(),
    if(number % 50 < 5 AND intHash32(number + 9) % 10 != 0, ['control','b'][intHash32(number + 8) % 2 + 1], ''), '', ''
FROM (SELECT number, toInt64(toUnixTimestamp(toDateTime('$TODAY 00:00:00')) - 80 * 86400) * 1000 + toInt64(intHash64(number) % (80 * 86400000)) AS ms FROM system.numbers LIMIT $EVENTS)"
echo "inserted in $(since "$start") s"
q "SELECT table, sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS disk FROM system.parts WHERE active AND database = '$CMP_CLICKHOUSE_DATABASE' AND table IN ('events', 'engagement_hourly', 'uptake_hourly', 'uptake_touches', 'exposure_touches', 'attribution_marks') GROUP BY table ORDER BY table FORMAT PrettyCompactMonoBlock"

echo
echo "== catch-up: every slice computed from nothing"
AGG_METRICS="127.0.0.1:$(free_port)"
CMP_METRICS_ADDR="$AGG_METRICS" CMP_HISTORY_INTERVAL_SECS=3600 "$BIN/cmp-aggregator" >"$CMP_RUN_DIR/aggregator.log" 2>&1 &
PIDS+=($!)
metric() { curl -fsS "http://$AGG_METRICS/metrics" 2>/dev/null | awk -v m="$1" '$1 == m {print $2}'; }
start=$(date +%s.%N)
until [[ "$(metric cmp_aggregator_attribution_passes_total)" =~ ^[1-9] ]]; do sleep 0.2; done
echo "first pass: $(metric cmp_aggregator_attribution_pass_seconds) s for $(metric cmp_aggregator_attribution_changed_slices) slices"
first=$(metric cmp_aggregator_attribution_passes_total)
until (( $(metric cmp_aggregator_attribution_passes_total) >= first + 1 )) && [[ $(metric cmp_aggregator_attribution_changed_slices) == 0 ]]; do sleep 0.2; done
echo "current after $(since "$start") s"
q "SELECT table, sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS disk FROM system.parts WHERE active AND database = '$CMP_CLICKHOUSE_DATABASE' AND table IN ('attribution_credits', 'attribution_slices') GROUP BY table ORDER BY table FORMAT PrettyCompactMonoBlock"
# The first computations are recorded unsettled: 60 s on, each is computed
# once more (refresh.rs); let that pass go by before the live part.
sleep 65
until [[ $(metric cmp_aggregator_attribution_changed_slices) == 0 ]]; do sleep 0.5; done
echo "settling pass: $(metric cmp_aggregator_attribution_pass_seconds) s"

echo
echo "== live: 1,000 events a second for 30 s (2,000 every 2 s, happening now)"
seen="$CMP_RUN_DIR/passes.txt"
: >"$seen"
( last=""
  while true; do
    n=$(metric cmp_aggregator_attribution_passes_total)
    if [[ -n $n && $n != "$last" ]]; then
      echo "$(metric cmp_aggregator_attribution_pass_seconds) $(metric cmp_aggregator_attribution_changed_slices)" >>"$seen"
      last=$n
    fi
    sleep 0.2
  done ) &
WATCH=$!
PIDS+=("$WATCH")
live_start=$(q "SELECT toUnixTimestamp(now())")
for i in $(seq 0 14); do
  q "INSERT INTO events (src_topic, src_partition, src_offset, kind, event_id, event_time, event_ms, campaign_id, channel, action, count, cost_cents, program, service_channel, stage, segment, region, language, client_hash, ingested_at, variant, office_id, fsa)
  SELECT 'live', 0, $EVENTS + $i * 2000 + number, if(intHash32(number + 9) % 10 = 0, 'uptake', 'engagement'), concat('l-$i-', toString(number)), now(), toInt64(toUnixTimestamp(now())) * 1000 + number % 1000,
      concat('camp-', toString(number % 50)), 'web', 'click', 1, 25, ${PROGRAMS}[number % 5 + 1], 'online', 'completed', 'unspecified', 'ON', 'en',
      hex(cityHash64(number % 5, intHash64(number + $i) % $POOL)), now(), '', '', ''
  FROM system.numbers LIMIT 2000"
  sleep 2
done
sleep 8
kill "$WATCH" 2>/dev/null || true
q "SYSTEM FLUSH LOGS" >/dev/null
echo "what the aggregator's queries cost during the live part (system.query_log):"
q "SELECT substring(replaceRegexpAll(replaceRegexpAll(query, '--[^\\n]*\\n', ''), '[ \\t\\n]+', ' '), 1, 70) AS statement, count() AS n, round(avg(query_duration_ms)) AS avg_ms, round(avg(read_rows)) AS avg_rows FROM system.query_log WHERE type = 2 AND event_time >= toDateTime($live_start) AND query NOT LIKE '%INSERT INTO events%' AND query NOT LIKE '%system.%' AND query NOT LIKE 'SYSTEM%' GROUP BY statement ORDER BY sum(query_duration_ms) DESC LIMIT 8 FORMAT PrettyCompactMonoBlock"
echo "passes during the live part: $(wc -l <"$seen"); seconds per pass: median $(cut -d' ' -f1 "$seen" | median), max $(cut -d' ' -f1 "$seen" | sort -g | tail -n1); slices changed per pass: median $(cut -d' ' -f2 "$seen" | median)"

echo
echo "== routes: a release cmp-api, wrk for $SECS s with $CONNECTIONS connections"
TOKEN="bench-admin-token"
printf '[[token]]\nname = "bench"\nsha256 = "%s"\nrole = "admin"\n' \
  "$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)" >"$CMP_RUN_DIR/tokens.toml"
CMP_DISCLOSURE_KEY="$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(32))')"
API_ADDR="127.0.0.1:$(free_port)"
CMP_API_TOKENS_FILE="$CMP_RUN_DIR/tokens.toml" CMP_DISCLOSURE_KEY="$CMP_DISCLOSURE_KEY" \
  CMP_API_ADDR="$API_ADDR" CMP_METRICS_ADDR="127.0.0.1:$(free_port)" \
  "$BIN/cmp-api" >"$CMP_RUN_DIR/api.log" 2>&1 &
PIDS+=($!)
API="http://$API_ADDR"
for _ in $(seq 100); do curl -fsS "$API/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  "$API/api/v1/campaigns/camp-0/experiments/bench" --data-binary \
  "{\"unit\": \"region\", \"treated\": [\"ON\", \"QC\"], \"kpi\": \"program_uptake_completed\", \"pre_from\": \"$(day -70)\", \"pre_to\": \"$(day -36)\", \"from\": \"$(day -35)\", \"to\": \"$(day -1)\"}" >/dev/null
FROM="$(day -30)" TO="$(day -1)"
rows_read() { # path: the rows ClickHouse read for one request of it alone
  local t0
  sleep 1
  t0=$(q "SELECT toUnixTimestamp(now())")
  curl -sS -o "$CMP_RUN_DIR/one.json" -w '' -H "Authorization: Bearer $TOKEN" "$API$1"
  grep -q '"error"' "$CMP_RUN_DIR/one.json" && echo "($1: $(head -c 300 "$CMP_RUN_DIR/one.json"))" >&2
  sleep 1
  q "SYSTEM FLUSH LOGS" >/dev/null
  q "SELECT sum(read_rows) FROM system.query_log WHERE type = 2 AND event_time >= toDateTime($t0) AND query NOT LIKE '%query_log%' AND query NOT LIKE '%system.%' AND query NOT LIKE 'SELECT toUnixTimestamp%'"
}
run() { # label path-template campaigns
  cat >"$CMP_RUN_DIR/rotate.lua" <<LUA
n = 0
request = function()
  n = n + 1
  return wrk.format(nil, (string.gsub("$2", "{c}", "camp-" .. (n % $3))))
end
LUA
  echo
  echo "-- $1: $2"
  echo "rows read by one request: $(rows_read "${2//\{c\}/camp-0}")"
  wrk -t1 -c"$CONNECTIONS" -d"${SECS}s" --timeout 60s --latency -s "$CMP_RUN_DIR/rotate.lua" \
    -H "Authorization: Bearer $TOKEN" "$API" | grep -E '^ +(50|99)%|Requests/sec|Non-2xx|Socket errors' || true
}
run "attribution, last touch, 30 days" "/api/v1/campaigns/{c}/attribution?from=$FROM&to=$TO" 50
run "attribution, linear by channel, 30 days" "/api/v1/campaigns/{c}/attribution?from=$FROM&to=$TO&model=linear&by=channel" 50
run "message test, 30 days" "/api/v1/campaigns/{c}/variants?from=$FROM&to=$TO" 5
run "geographic experiment result" "/api/v1/campaigns/camp-0/experiments/bench" 1

echo
echo "== baseline: the query-time join of before, on the server (oas, 30 days, 30-day lookback)"
lo=$(date -u -d "$FROM" +%s) hi=$(date -u -d "$TO + 1 day" +%s)
ids="['camp-0','camp-5','camp-10','camp-15','camp-20','camp-25','camp-30','camp-35','camp-40','camp-45']"
times=()
for _ in 1 2 3 4 5; do
  s=$(date +%s.%N)
  q "SELECT count() FROM (SELECT event_id, event_ms, client_hash, campaign_id, stage, service_channel FROM events WHERE kind = 'uptake' AND program = 'oas' AND event_time >= toDateTime($lo) AND event_time < toDateTime($hi))" >/dev/null
  q "SELECT count() FROM (SELECT event_id, event_ms, client_hash, campaign_id, channel, action, variant, segment, region, language FROM events WHERE kind = 'engagement' AND has($ids, campaign_id) AND client_hash != '' AND event_time >= toDateTime($lo - 30 * 86400) AND event_time < toDateTime($hi) AND client_hash IN (SELECT client_hash FROM events WHERE kind = 'uptake' AND program = 'oas' AND client_hash != '' AND event_time >= toDateTime($lo) AND event_time < toDateTime($hi)))" >/dev/null
  times+=("$(since "$s")")
done
echo "seconds of ClickHouse per request (median of 5): $(printf '%s\n' "${times[@]}" | median)"
