#!/usr/bin/env bash
# The demo, from a bare Debian 12 machine with a Rust toolchain: installs
# what is missing, builds, starts ClickHouse, the broker and Prometheus,
# migrates the schema, runs cmp-ingest, cmp-aggregator and cmp-api, feeds
# the demo campaigns with the generator, prints where to look, and shows each
# campaign's numbers as they change. Ctrl-C stops everything it started.
set -euo pipefail
# rustup installs cargo here; a non-login shell (CI) may not have it on PATH.
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export CMP_RUN_DIR="${CMP_RUN_DIR:-$REPO/.run}"
RATE="${CMP_DEMO_RATE:-200}"

bash "$HERE/install.sh"
cargo build --workspace --bins --locked
BIN="$CARGO_TARGET_DIR/debug"

# The three processes' probe and metrics addresses, scraped by Prometheus.
INGEST_METRICS="127.0.0.1:${CMP_DEMO_INGEST_METRICS_PORT:-9464}"
AGG_METRICS="127.0.0.1:${CMP_DEMO_AGGREGATOR_METRICS_PORT:-9465}"
API_METRICS="127.0.0.1:${CMP_DEMO_API_METRICS_PORT:-9466}"
export CMP_PROM_TARGETS="cmp-ingest=$INGEST_METRICS,cmp-aggregator=$AGG_METRICS,cmp-api=$API_METRICS"
bash "$HERE/services.sh" start
# shellcheck disable=SC1091
source "$CMP_RUN_DIR/env.sh"

# Local demo mode: the public demo HMAC key, and a demo token file.
export CMP_DEMO=true
TOKEN="demo-admin-token"
mkdir -p "$CMP_RUN_DIR/logs"
printf '[[token]]\nname = "demo-admin"\nsha256 = "%s"\nrole = "admin"\n' \
  "$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)" > "$CMP_RUN_DIR/demo-tokens.toml"
export CMP_API_TOKENS_FILE="$CMP_RUN_DIR/demo-tokens.toml"
export CMP_API_ADDR="${CMP_API_ADDR:-127.0.0.1:8080}"

"$BIN/cmp-aggregator" migrate

PIDS=()
cleanup() {
  echo; echo "stopping the demo…"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash "$HERE/services.sh" stop
}
trap cleanup EXIT INT TERM
start() { # name metrics-addr command...
  local name=$1 addr=$2; shift 2
  CMP_METRICS_ADDR="$addr" "$@" >>"$CMP_RUN_DIR/logs/$name.log" 2>&1 &
  PIDS+=("$!")
}
start ingest "$INGEST_METRICS" "$BIN/cmp-ingest"
start aggregator "$AGG_METRICS" "$BIN/cmp-aggregator"
start api "$API_METRICS" "$BIN/cmp-api"
start loadgen 127.0.0.1:0 "$BIN/cmp-loadgen" --forever --rate "$RATE" --seed "$RANDOM"

cat <<TXT

The demo is running (Ctrl-C stops it).
  API            http://$CMP_API_ADDR/healthz   (token: $TOKEN)
  metrics        http://$INGEST_METRICS/metrics (ingest)  http://$AGG_METRICS/metrics (aggregator)  http://$API_METRICS/metrics (api)
  Prometheus     $CMP_PROM_URL
  ClickHouse     $CMP_CLICKHOUSE_URL   (database cmp)
  Kafka          $CMP_KAFKA_BROKERS
  logs           $CMP_RUN_DIR/logs/
Campaign numbers, every 5 seconds (events stored in the ledger):
TXT
SUMMARY="SELECT campaign_id, sumIf(count, kind = 'engagement') AS engagement, countIf(kind = 'uptake') AS uptake, sum(cost_cents) AS spend_cents FROM cmp.events WHERE campaign_id != '' GROUP BY campaign_id ORDER BY campaign_id FORMAT PrettyCompactNoEscapes"
while sleep 5; do
  date -u +%H:%M:%S
  curl -sS "$CMP_CLICKHOUSE_URL" --data-binary "$SUMMARY" || true
done
