#!/usr/bin/env bash
# What the cluster costs against one server, on the same machine and the same
# generated events, in one run (pair.sh sets both up): the time and CPU one
# cmp-ingest takes to drain MESSAGES into each (ingest, then the ClickHouse
# processes: the 4 servers and ZooKeeper for the cluster), and the latency of
# the performance route through a cmp-api on each, REQUESTS sequential
# requests over the run's 3 campaigns, each with a date range of its own (so
# each is computed, not served from the API's kept reports). Prints the
# figures and their ratios; asserts nothing.
# Usage (a started cluster: cluster.sh start, then source its env.sh):
#   deploy/cluster/bench.sh [MESSAGES=200000] [REQUESTS=60]
# Release binaries from CMP_BIN_DIR (default $CARGO_TARGET_DIR/release; build
# them with `cargo build --release --bins`).
set -euo pipefail

SCRIPT=bench
MESSAGES="${1:-200000}" REQUESTS="${2:-60}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CMP_BIN_DIR="${CMP_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/release}"
# shellcheck source=deploy/cluster/pair.sh
source "$(dirname "${BASH_SOURCE[0]}")/pair.sh"

TICKS="$(getconf CLK_TCK)"
# cpu PID...: CPU seconds (user + system) the processes used so far.
cpu() {
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$TICKS" 'BEGIN { printf "%.1f", t / hz }'
}
SINGLE_PIDS=("$(cat "$WORK/services/clickhouse.pid")")
CLUSTER_PIDS=()
for n in zookeeper s1r1 s1r2 s2r1 s2r2; do CLUSTER_PIDS+=("$(cat "$CMP_CLUSTER_RUN_DIR/$n.pid")"); done

produce "$MESSAGES" 1
ACCEPTED="$(accepted)"
declare -A SECS CPU_INGEST CPU_CH P50 P99
# drain NAME URL CH_PIDS...: one cmp-ingest (a group of its own) into URL.
drain() {
  local name=$1 url=$2 t0 ch0 pid
  shift 2
  ch0=$(cpu "$@")
  t0=$(date +%s.%N)
  start "ingest-$name" env CMP_CLICKHOUSE_URL="$url" CMP_KAFKA_GROUP="$name-$TAG" \
    CMP_METRICS_ADDR=127.0.0.1:0 "$BIN/cmp-ingest"
  pid=$(cat "$WORK/ingest-$name.pid")
  drained "$url"
  SECS[$name]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  CPU_INGEST[$name]=$(cpu "$pid")
  CPU_CH[$name]=$(awk -v a="$ch0" -v b="$(cpu "$@")" 'BEGIN { printf "%.1f", b - a }')
  kill -TERM "$pid"
  log "$name: $ACCEPTED events stored in ${SECS[$name]} s; CPU ingest ${CPU_INGEST[$name]} s, ClickHouse ${CPU_CH[$name]} s"
}
drain single "$SINGLE_URL" "${SINGLE_PIDS[@]}"
drain cluster "$CLUSTER_URL" "${CLUSTER_PIDS[@]}"

start_apis
# latency NAME: p50 and p99 (ms) of REQUESTS performance requests.
latency() {
  local name=$1 i c from times=()
  for ((i = 0; i < REQUESTS; i++)); do
    c="${CAMPAIGNS[i % 3]%%=*}"
    from="$(date -d "$TODAY -$((30 + i)) days" +%F)"
    times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -m 30 -H "Authorization: Bearer demo-admin-token" \
      "${API[$name]}/api/v1/campaigns/$c/performance?from=$from&to=$TODAY")") || die "performance through $name"
  done
  read -r P50[$name] P99[$name] < <(printf '%s\n' "${times[@]}" | sort -n |
    awk '{ v[NR] = $1 * 1000 } END { p50 = v[int((NR + 1) * 0.5)]; p99 = v[int(NR * 0.99 + 0.5) > 0 ? int(NR * 0.99 + 0.5) : 1]; printf "%.0f %.0f\n", p50, p99 }')
}
latency single
latency cluster

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
rate() { awk -v n="$ACCEPTED" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
cat <<EOF
bench.sh: $MESSAGES messages ($ACCEPTED accepted events), $REQUESTS performance requests; cluster = 2 shards x 2 replicas + ZooKeeper on this machine
| figure | one server | cluster | cluster / one server |
|---|---|---|---|
| drain time (s) | ${SECS[single]} | ${SECS[cluster]} | $(ratio "${SECS[cluster]}" "${SECS[single]}") |
| events per second | $(rate "${SECS[single]}") | $(rate "${SECS[cluster]}") | $(ratio "$(rate "${SECS[cluster]}")" "$(rate "${SECS[single]}")") |
| CPU s, cmp-ingest | ${CPU_INGEST[single]} | ${CPU_INGEST[cluster]} | $(ratio "${CPU_INGEST[cluster]}" "${CPU_INGEST[single]}") |
| CPU s, ClickHouse (and ZooKeeper) | ${CPU_CH[single]} | ${CPU_CH[cluster]} | $(ratio "${CPU_CH[cluster]}" "${CPU_CH[single]}") |
| performance route p50 (ms) | ${P50[single]} | ${P50[cluster]} | $(ratio "${P50[cluster]}" "${P50[single]}") |
| performance route p99 (ms) | ${P99[single]} | ${P99[cluster]} | $(ratio "${P99[cluster]}" "${P99[single]}") |
EOF
