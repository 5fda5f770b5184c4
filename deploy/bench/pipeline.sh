#!/usr/bin/env bash
# The pipeline benchmark (BENCHMARKS.md): on this machine, broker and
# ClickHouse co-located, RUNS runs of each of
#   ceiling      `cmp-bench drain`: a bare rdkafka consumer reading the N
#                messages and dropping them;
#   ours         cmp-ingest until every one of the N messages is settled
#                (stored and rolled up, a duplicate, or in the DLQ);
#   alternative  ClickHouse's Kafka engine + materialized views into rollups
#                of the same shape (kafka_engine.sql), on a second
#                clickhouse-server (18.16 with a newer librdkafka);
# the N messages produced in advance (the generator's realistic mix); then
# the medians and ratios; then freshness: the generator at half our median
# throughput for FRESH_SECONDS, p50/p99 from send to visible in the rollups,
# and for the attributed uptake events from send to visible in the rollups
# and in the API's performance route (`cmp-bench freshness`, median of RUNS
# runs each).
# Usage: deploy/bench/pipeline.sh [N=1000000] [RUNS=3] [FRESH_SECONDS=30 (0: skip)]
# N=0 skips the throughput runs: freshness then runs at CMP_BENCH_FRESH_RATE.
# CMP_BENCH_FETCH_WAIT_MS sets fetch.wait.max.ms of the ceiling, ours
# (CMP_KAFKA_FETCH_WAIT_MS) and the alternative alike (default: librdkafka's
# 500 ms, cmp-ingest's default too); the broker's own ceiling (10 ms) is
# printed in any case. Other CMP_* settings of the environment reach
# cmp-ingest, e.g. CMP_DEDUP_CAPACITY_KIB to compare dedup capacities (its
# index bytes and ledger checks are printed).
# Takes about 20 minutes with the defaults on 2 cores. Not run in CI.
set -euo pipefail
# rustup installs cargo here; a non-login shell (CI) may not have it on PATH.
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
N="${1:-1000000}" RUNS="${2:-3}" FRESH_SECS="${3:-30}" FETCH_WAIT="${CMP_BENCH_FETCH_WAIT_MS:-}"
# Ours fetches as the ceiling and the alternative do.
[[ -n $FETCH_WAIT ]] && export CMP_KAFKA_FETCH_WAIT_MS="$FETCH_WAIT"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
BIN="$CARGO_TARGET_DIR/release"
TANSU="$CACHE/tansu-0.6.0/bin/tansu"

bash "$REPO/deploy/local/install.sh"
cargo build --release --locked -p cmp-ingest -p cmp-aggregator -p cmp-api -p cmp-loadgen -p cmp-bench

# Debian's ClickHouse 18.16 links Debian's librdkafka 2.0.2, which cannot talk
# to tansu; the one inside the confluent-kafka wheel can.
RDKAFKA="$CACHE/bench-librdkafka"
if [[ ! -e $RDKAFKA/librdkafka.so.1 ]]; then
  mkdir -p "$RDKAFKA"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$RDKAFKA" confluent-kafka
  python3 - "$RDKAFKA" <<'PY'
import glob, os, sys, zipfile
d = sys.argv[1]
wheel = zipfile.ZipFile(sorted(glob.glob(os.path.join(d, "confluent_kafka-*.whl")))[-1])
lib = next(n for n in wheel.namelist() if "/librdkafka" in n and ".so" in n)
with open(os.path.join(d, "librdkafka.so.1"), "wb") as out:
    out.write(wheel.read(lib))
PY
fi

# Two run folders: ours (ClickHouse + tansu) and the alternative's ClickHouse.
RUN="$(mktemp -d "${TMPDIR:-/tmp}/cmp-bench.XXXXXX")"
unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
cleanup() {
  [[ -n ${pid:-} ]] && kill -TERM "$pid" 2>/dev/null
  [[ -n ${api_pid:-} ]] && kill -TERM "$api_pid" 2>/dev/null
  CMP_RUN_DIR="$RUN/alt" bash "$REPO/deploy/local/services.sh" stop --purge clickhouse >/dev/null 2>&1
  CMP_RUN_DIR="$RUN/ours" bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1
  rm -rf "$RUN"
}
trap cleanup EXIT
trap "exit 130" INT TERM
mkdir -p "$RUN/alt/clickhouse/config.d"
# The Kafka engine's consumers start at the latest offset; this makes them
# read the messages produced in advance, as the other two do.
cat >"$RUN/alt/clickhouse/config.d/kafka.xml" <<XML
<yandex><kafka><auto_offset_reset>earliest</auto_offset_reset>${FETCH_WAIT:+<fetch_wait_max_ms>$FETCH_WAIT</fetch_wait_max_ms>}</kafka></yandex>
XML
CMP_RUN_DIR="$RUN/alt" CMP_CH_ENV="LD_LIBRARY_PATH=$RDKAFKA" \
  bash "$REPO/deploy/local/services.sh" start clickhouse
ALT_TCP="$(sed -n "s/^export CMP_CH_TCP_PORT='\(.*\)'/\1/p" "$RUN/alt/env.sh")"
unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
CMP_RUN_DIR="$RUN/ours" CMP_KAFKA_STORAGE=memory \
  bash "$REPO/deploy/local/services.sh" start clickhouse kafka
# shellcheck disable=SC1091
source "$RUN/ours/env.sh"
free_addr() { echo "127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"; }
METRICS="$(free_addr)" API_ADDR="$(free_addr)" API_METRICS="$(free_addr)"
SVC_PIDS=("$(cat "$RUN/ours/kafka.pid")" "$(cat "$RUN/ours/clickhouse.pid")" "$(cat "$RUN/alt/clickhouse.pid")")

# Fresh topics, database and group named $1 for ours and the ceiling.
setup() {
  export CMP_TOPIC_ENGAGEMENT="$1.engagement" CMP_TOPIC_UPTAKE="$1.uptake" CMP_TOPIC_DLQ="$1.dlq"
  export CMP_CLICKHOUSE_DATABASE="$1" CMP_KAFKA_GROUP="$1" CMP_DEMO=true CMP_METRICS_ADDR=$METRICS
  topics "$CMP_TOPIC_ENGAGEMENT" "$CMP_TOPIC_UPTAKE" "$CMP_TOPIC_DLQ"
  "$BIN/cmp-aggregator" migrate >/dev/null 2>&1
}
topics() {
  local t
  for t in "$@"; do "$TANSU" topic create --broker "tcp://$CMP_KAFKA_BROKERS" --partitions 4 "$t" >/dev/null; done
}
metric() { curl -fsS "http://$METRICS/metrics" 2>/dev/null | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {print s + 0}'; }
q() { curl -fsS "$CMP_CLICKHOUSE_URL/?database=$CMP_CLICKHOUSE_DATABASE" --data-binary "$1"; }
aq() { clickhouse-client --port "$ALT_TCP" --multiquery "$@"; }
now() { date +%s.%N; }
# CPU seconds (user + system) used so far by process $1 and its threads.
cpu() { awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15) / t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# The CPU seconds of the broker and both ClickHouse servers since the last call
# (and of process $1 if given), as one line.
cpu_mark() { CPU0=("$(cpu "${SVC_PIDS[0]}")" "$(cpu "${SVC_PIDS[1]}")" "$(cpu "${SVC_PIDS[2]}")"); }
cpu_since() {
  awk -v b="$(cpu "${SVC_PIDS[0]}")" -v c="$(cpu "${SVC_PIDS[1]}")" -v a="$(cpu "${SVC_PIDS[2]}")" \
    -v b0="${CPU0[0]}" -v c0="${CPU0[1]}" -v a0="${CPU0[2]}" -v s="$1" -v e="$2" \
    'BEGIN {printf "CPU s over %.1f s wall: broker %.1f, clickhouse %.1f, alt. clickhouse %.1f", e - s, b - b0, c - c0, a - a0}'
}
rate() { awk -v n="$1" -v s="$2" -v e="$3" 'BEGIN {printf "%.0f", n / (e - s)}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ingest_up() { "$BIN/cmp-ingest" 2>>"$RUN/ingest.log" & pid=$!; }
ingest_down() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }
# The API for the freshness probe's `api` point, with a token of its own.
export CMP_BENCH_API_TOKEN="bench-$RANDOM$RANDOM"
printf '[[token]]\nname = "bench"\nsha256 = "%s"\nrole = "admin"\n' \
  "$(printf '%s' "$CMP_BENCH_API_TOKEN" | sha256sum | cut -d' ' -f1)" >"$RUN/tokens.toml"
api_up() {
  CMP_API_ADDR="$API_ADDR" CMP_METRICS_ADDR="$API_METRICS" CMP_API_TOKENS_FILE="$RUN/tokens.toml" \
    "$BIN/cmp-api" 2>>"$RUN/api.log" &
  api_pid=$!
  until curl -fsS -o /dev/null "http://$API_ADDR/readyz" 2>/dev/null; do
    kill -0 "$api_pid" 2>/dev/null || { tail -n 20 "$RUN/api.log"; exit 1; }
    sleep 0.2
  done
}
api_down() { kill -TERM "$api_pid"; wait "$api_pid" || true; api_pid=""; }

ceil=() ceil10=() ours=() alt=()
for run in $( ((N > 0)) && seq 1 "$RUNS"); do
  echo "== run $run of $RUNS: $N messages"
  setup "bench_r$run"
  # The alternative cannot skip a message JSONEachRow fails to parse (18.16
  # has no kafka_skip_broken_messages): the first one stops it for good. It
  # reads the same generator's output without invalid messages.
  topics "bench_r$run.alt_engagement" "bench_r$run.alt_uptake"
  "$BIN/cmp-loadgen" --count "$N" --seed "$run" 2>&1 | sed 's/^/  ours+ceiling: /'
  "$BIN/cmp-loadgen" --count "$N" --seed "$run" --invalid 0 \
    --topic-engagement "bench_r$run.alt_engagement" --topic-uptake "bench_r$run.alt_uptake" 2>&1 |
    sed 's/^/  alternative: /'

  for broker in 0 1; do # as the others are configured, then at the broker's pace
    wait="$FETCH_WAIT"; [[ $broker == 1 ]] && wait=10
    cpu_mark; start=$(now)
    CMP_KAFKA_GROUP="bench_r$run.ceiling$broker" /usr/bin/time -f "%U %S" -o "$RUN/time" \
      "$BIN/cmp-bench" drain "$N" 1 ${wait:+"$wait"} | sed 's/^/  /'
    end=$(now)
    printf '  ceiling (fetch.wait.max.ms %s): %s msg/s; %s, drain %.1f\n' "${wait:-default}" \
      "$(rate "$N" "$start" "$end")" "$(cpu_since "$start" "$end")" "$(awk '{print $1 + $2}' "$RUN/time")"
    if [[ $broker == 0 ]]; then ceil+=("$(rate "$N" "$start" "$end")"); else ceil10+=("$(rate "$N" "$start" "$end")"); fi
  done
  cpu_mark; start=$(now)
  ingest_up
  until [[ $(metric cmp_ingest_messages_read_total 2>/dev/null) -ge $N ]]; do
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$RUN/ingest.log"; exit 1; }
    sleep 0.1
  done
  end=$(now)
  rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  dups=$(metric cmp_ingest_duplicates_total) refused=$(metric cmp_ingest_refused_total)
  dedup_bytes=$(metric cmp_ingest_dedup_index_bytes) capacity=$(metric cmp_ingest_dedup_capacity_bytes)
  checks=$(metric cmp_ingest_dedup_ledger_checks_total)
  inserts=$(metric cmp_ingest_batch_rows_count) insert_rows=$(metric cmp_ingest_batch_rows_sum)
  ingest_cpu=$(cpu "$pid") used=$(cpu_since "$start" "$end")
  ingest_down
  ours+=("$(rate "$N" "$start" "$end")")
  stored=$(q "SELECT count() FROM events") rolled=$(q "$(cat "$REPO/store/sql/queries/bench_visible_rollups.sql")")
  printf '  ours: %s msg/s; stored %s, rolled up %s, duplicates %s, refused %s; peak RSS %d MiB\n' \
    "${ours[-1]}" "$stored" "$rolled" "$dups" "$refused" $((rss_kib / 1024))
  printf '  ours: %s, cmp-ingest %.1f\n' "$used" "$ingest_cpu"
  printf '  ours: dedup index %s of %s bytes; %s events checked in the ledger; %s INSERTs, %.0f rows each\n' \
    "$dedup_bytes" "$capacity" "$checks" "$inserts" "$(awk -v r="$insert_rows" -v n="$inserts" 'BEGIN {print (n > 0 ? r / n : 0)}')"

  db="alt_r$run"
  cpu_mark; start=$(now)
  sed -e "s/@DB@/$db/g" -e "s/@BROKERS@/$CMP_KAFKA_BROKERS/g" -e "s/@GROUP@/$db/g" \
    -e "s/@TOPIC_ENGAGEMENT@/bench_r$run.alt_engagement/g" -e "s/@TOPIC_UPTAKE@/bench_r$run.alt_uptake/g" \
    "$HERE/kafka_engine.sql" | aq
  counted=0
  until [[ $counted -ge $N ]]; do
    sleep 0.1
    counted=$(aq -q "SELECT toUInt64((SELECT countMerge(events) FROM $db.engagement_hourly) + (SELECT countMerge(events) FROM $db.uptake_hourly))")
  done
  end=$(now)
  used=$(cpu_since "$start" "$end")
  sleep 2 # anything counted twice shows now
  counted=$(aq -q "SELECT toUInt64((SELECT countMerge(events) FROM $db.engagement_hourly) + (SELECT countMerge(events) FROM $db.uptake_hourly))")
  aq -q "DROP DATABASE $db"
  alt+=("$(rate "$N" "$start" "$end")")
  printf '  alternative: %s msg/s; rolled up %s (re-deliveries counted again: no dedup); %s\n' \
    "${alt[-1]}" "$counted" "$used"
done

if ((N > 0)); then
c=$(median "${ceil[@]}") c10=$(median "${ceil10[@]}") o=$(median "${ours[@]}") a=$(median "${alt[@]}")
echo "== throughput, median of $RUNS runs of $N messages (msg/s; fetch.wait.max.ms ${FETCH_WAIT:-default} unless said)"
printf '  %-32s %8s   runs: %s\n' ceiling "$c" "${ceil[*]}" ours "$o" "${ours[*]}" alternative "$a" "${alt[*]}" \
  "broker ceiling (fetch wait 10 ms)" "$c10" "${ceil10[*]}"
awk -v c="$c" -v c10="$c10" -v o="$o" -v a="$a" 'BEGIN {
  printf "  ours/ceiling                     %.2f   (goal >= 0.8)\n", o / c
  printf "  ours/alternative                 %.2f   (goal >= 2)\n", o / a
  printf "  ours/broker ceiling              %.2f\n", o / c10 }'
fi
[[ $FRESH_SECS == 0 ]] && exit 0
fresh_rate="${CMP_BENCH_FRESH_RATE:-$((${o%.*} / 2))}"
p50=() p99=() up50=() up99=() api50=() api99=()
for run in $(seq 1 "$RUNS"); do
  setup "bench_f$run"
  ingest_up
  api_up
  sleep 3
  # One probe per point, each with its own events (seeds differ).
  line=$(CMP_KAFKA_GROUP="unused" "$BIN/cmp-bench" freshness --rate "$fresh_rate" --seconds "$FRESH_SECS" --seed "$((100 + run))" --point rollups)
  echo "  $line"
  p50+=("$(sed -n 's/.*p50 \([0-9.]*\) s.*/\1/p' <<<"$line")")
  p99+=("$(sed -n 's/.*p99 \([0-9.]*\) s.*/\1/p' <<<"$line")")
  line=$(CMP_KAFKA_GROUP="unused" "$BIN/cmp-bench" freshness --rate "$fresh_rate" --seconds "$FRESH_SECS" --seed "$((300 + run))" --point uptake)
  echo "  $line"
  up50+=("$(sed -n 's/.*p50 \([0-9.]*\) s.*/\1/p' <<<"$line")")
  up99+=("$(sed -n 's/.*p99 \([0-9.]*\) s.*/\1/p' <<<"$line")")
  line=$(CMP_KAFKA_GROUP="unused" "$BIN/cmp-bench" freshness --rate "$fresh_rate" --seconds "$FRESH_SECS" --seed "$((200 + run))" --point "api=$API_ADDR")
  echo "  $line"
  api50+=("$(sed -n 's/.*p50 \([0-9.]*\) s.*/\1/p' <<<"$line")")
  api99+=("$(sed -n 's/.*p99 \([0-9.]*\) s.*/\1/p' <<<"$line")")
  curl -fsS "http://$API_METRICS/metrics" | awk '
    /^cmp_api_http_request_duration_seconds_(sum|count)\{.*performance/ { if ($1 ~ /_sum/) s += $2; else n += $2 }
    END { if (n > 0) printf "  API performance route during the probe: %d requests, mean %.3f s\n", n, s / n }'

  curl -fsS "http://$METRICS/metrics" | awk '
    /^cmp_ingest_freshness_seconds_bucket/ {
      match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); c[le] += $2; order[++n] = le
    }
    END {
      total = c["+Inf"]
      for (i = 1; i <= n; i++) if (!(order[i] in seen)) { seen[order[i]] = 1; u[++m] = order[i] }
      for (q = 1; q <= 2; q++) {
        want = (q == 1 ? 0.5 : 0.99) * total
        for (i = 1; i <= m; i++) if (c[u[i]] >= want) { printf "  ingest histogram (Kafka timestamp -> stored): p%s <= %s s\n", (q == 1 ? "50" : "99"), u[i]; break }
      }
    }'
  api_down
  ingest_down
done
echo "== freshness at $fresh_rate msg/s (half our median), median of $RUNS runs"
printf '  send -> visible in the rollups, every event:      p50 %s s, p99 %s s\n' "$(median "${p50[@]}")" "$(median "${p99[@]}")"
printf '  send -> visible in the rollups, attributed uptake: p50 %s s, p99 %s s\n' "$(median "${up50[@]}")" "$(median "${up99[@]}")"
printf '  send -> visible in the API, attributed uptake:     p50 %s s, p99 %s s   (goal p99 <= 2 s)\n' "$(median "${api50[@]}")" "$(median "${api99[@]}")"
