#!/usr/bin/env bash
# Measures cmp-ingest on this machine, broker and ClickHouse co-located:
#   throughput  N generated messages produced in advance to fresh topics,
#               then the time for a release cmp-ingest to account for all of
#               them (read = stored + duplicates + refused); RUNS runs, median.
#   freshness   the generator at RATE msg/s for SECONDS seconds; p50/p99 of
#               cmp_ingest_freshness_seconds (Kafka timestamp -> stored),
#               read from the histogram buckets (upper bounds).
# Usage: deploy/bench/ingest.sh [N=200000] [RUNS=3] [RATE=2000] [SECONDS=30]
set -euo pipefail
# rustup installs cargo here; a non-login shell (CI) may not have it on PATH.
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
N="${1:-200000}" RUNS="${2:-3}" RATE="${3:-2000}" SECS="${4:-30}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
BIN="$CARGO_TARGET_DIR/release"

bash "$REPO/deploy/local/install.sh"
cargo build --release --locked -p cmp-ingest -p cmp-aggregator -p cmp-loadgen
export CMP_RUN_DIR; CMP_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-bench.XXXXXX")"
export CMP_KAFKA_STORAGE=memory
unset CMP_CH_HTTP_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
trap 'bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1; rm -rf "$CMP_RUN_DIR"' EXIT
bash "$REPO/deploy/local/services.sh" start clickhouse kafka
# shellcheck disable=SC1091
source "$CMP_RUN_DIR/env.sh"
TANSU="$CACHE/tansu-0.6.0/bin/tansu"
METRICS=127.0.0.1:19464

# Fresh topics, database and group per run: prefix $1.
setup() {
  export CMP_TOPIC_ENGAGEMENT="$1.engagement" CMP_TOPIC_UPTAKE="$1.uptake" CMP_TOPIC_DLQ="$1.dlq"
  export CMP_CLICKHOUSE_DATABASE="$1" CMP_KAFKA_GROUP="$1" CMP_DEMO=true CMP_METRICS_ADDR=$METRICS
  for t in "$CMP_TOPIC_ENGAGEMENT" "$CMP_TOPIC_UPTAKE" "$CMP_TOPIC_DLQ"; do
    "$TANSU" topic create --broker "tcp://$CMP_KAFKA_BROKERS" --partitions 4 "$t" >/dev/null
  done
  "$BIN/cmp-aggregator" migrate >/dev/null
}
metric() { curl -fsS "http://$METRICS/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {print s + 0}'; }

rates=()
for run in $(seq 1 "$RUNS"); do
  setup "bench_t$run"
  "$BIN/cmp-loadgen" --count "$N" --seed "$run" >/dev/null 2>&1
  start=$(date +%s.%N)
  "$BIN/cmp-ingest" 2>/dev/null & pid=$!
  until [[ $(metric cmp_ingest_messages_read_total 2>/dev/null || echo 0) -ge $N ]]; do sleep 0.2; done
  end=$(date +%s.%N)
  rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  secs=$(awk -v s="$start" -v e="$end" 'BEGIN {print e - s}')
  rate=$(awk -v n="$N" -v t="$secs" 'BEGIN {print n / t}')
  printf 'run %d: %d messages in %.2f s = %.0f msg/s (peak RSS %d MiB, includes startup and group join)\n' \
    "$run" "$N" "$secs" "$rate" $((rss_kib / 1024))
  rates+=("$rate")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'throughput median of %d runs: %.0f msg/s\n' "$RUNS" "$median"

setup bench_fresh
"$BIN/cmp-ingest" 2>/dev/null & pid=$!
sleep 3
"$BIN/cmp-loadgen" --rate "$RATE" --count $((RATE * SECS)) --seed 9 >/dev/null 2>&1
sleep 2
curl -fsS "http://$METRICS/metrics" | awk '
  /^cmp_ingest_freshness_seconds_bucket/ {
    match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); c[le] += $2; order[++n] = le
  }
  END {
    total = c["+Inf"]
    for (i = 1; i <= n; i++) if (!(order[i] in seen)) { seen[order[i]] = 1; u[++m] = order[i] }
    for (q = 1; q <= 2; q++) {
      want = (q == 1 ? 0.5 : 0.99) * total
      for (i = 1; i <= m; i++) if (c[u[i]] >= want) { printf "freshness p%s <= %s s\n", (q == 1 ? "50" : "99"), u[i]; break }
    }
  }'
kill -TERM "$pid"; wait "$pid" || true
