#!/usr/bin/env bash
# LZ4 on the ClickHouse wire (CMP_CLICKHOUSE_COMPRESSION, BENCHMARKS.md): the
# CPU seconds cmp-ingest and clickhouse-server spend to store the same N
# messages (the generator's realistic mix, produced once in advance) with
# compression `lz4` and `none`, RUNS runs of each, alternating, each into a
# fresh database with a fresh consumer group; then the medians.
# Needs the services of deploy/local/services.sh (source its env.sh first)
# and release binaries in $CARGO_TARGET_DIR/release (cmp-ingest,
# cmp-aggregator, cmp-loadgen). Not run in CI.
# Usage: deploy/bench/compression.sh [N=200000] [RUNS=3]
set -euo pipefail
N="${1:-200000}" RUNS="${2:-3}"
: "${CMP_RUN_DIR:?source the env.sh of deploy/local/services.sh first}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
BIN="${CARGO_TARGET_DIR:-$CACHE/target}/release"
TANSU="${CMP_TANSU_BIN:-$CACHE/tansu-0.6.0/bin/tansu}"
CH_PID="$(cat "$CMP_RUN_DIR/clickhouse.pid")"
TICKS="$(getconf CLK_TCK)"
TAG="bench-lz4-$$"
export CMP_KAFKA_BROKERS CMP_CLICKHOUSE_URL
export CMP_TOPIC_ENGAGEMENT="$TAG.engagement" CMP_TOPIC_UPTAKE="$TAG.uptake" CMP_TOPIC_DLQ="$TAG.dlq"
export CMP_CLIENT_ID_KEY="bench-key-0123456789-0123456789-0123"

# CPU seconds (user + system) of process $1 so far.
cpu() { awk -v t="$TICKS" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
metric() { curl -fsS "http://$1/metrics" | awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%d", s }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
free_addr() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print("127.0.0.1:%d" % s.getsockname()[1])'; }

for t in "$CMP_TOPIC_ENGAGEMENT" "$CMP_TOPIC_UPTAKE" "$CMP_TOPIC_DLQ"; do
  "$TANSU" topic create --broker "tcp://${CMP_KAFKA_BROKERS}" --partitions 4 "$t" >/dev/null
done
"$BIN/cmp-loadgen" --brokers "$CMP_KAFKA_BROKERS" --topic-engagement "$CMP_TOPIC_ENGAGEMENT" \
  --topic-uptake "$CMP_TOPIC_UPTAKE" --seed 7 --count "$N" --manifest "/tmp/$TAG.manifest" >/dev/null

results="/tmp/$TAG.tsv"
: >"$results"
for run in $(seq 1 "$RUNS"); do
  for mode in lz4 none; do
    export CMP_CLICKHOUSE_DATABASE="bench_lz4_${mode}_${run}_$$" CMP_KAFKA_GROUP="$TAG-$mode-$run"
    export CMP_CLICKHOUSE_COMPRESSION="$mode" CMP_METRICS_ADDR="$(free_addr)"
    "$BIN/cmp-aggregator" migrate >/dev/null
    sleep 5 # let the migration's background work settle
    ch_before="$(cpu "$CH_PID")"
    start=$SECONDS
    "$BIN/cmp-ingest" >"/tmp/$TAG-$mode-$run.log" 2>&1 &
    pid=$!
    until settled=$(($(metric "$CMP_METRICS_ADDR" cmp_ingest_events_stored_total 2>/dev/null || echo 0) \
      + $(metric "$CMP_METRICS_ADDR" cmp_ingest_duplicates_total 2>/dev/null || echo 0) \
      + $(metric "$CMP_METRICS_ADDR" cmp_ingest_refused_total 2>/dev/null || echo 0))) \
      && ((settled >= N)); do
      sleep 0.2
    done
    ingest_cpu="$(cpu "$pid")" ch_cpu="$(awk -v a="$(cpu "$CH_PID")" -v b="$ch_before" 'BEGIN { printf "%.2f", a - b }')"
    kill -TERM "$pid" && wait "$pid" || true
    printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$run" "$ingest_cpu" "$ch_cpu" "$((SECONDS - start))" | tee -a "$results"
  done
done
for mode in lz4 none; do
  ing="$(awk -v m="$mode" '$1 == m { print $3 }' "$results" | median)"
  chs="$(awk -v m="$mode" '$1 == m { print $4 }' "$results" | median)"
  echo "median of $RUNS, $N messages, compression $mode: cmp-ingest ${ing} CPU s, clickhouse-server ${chs} CPU s"
done
