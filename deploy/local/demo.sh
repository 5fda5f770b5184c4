#!/usr/bin/env bash
# The demo, from a bare Debian 12 machine with a Rust toolchain: installs
# what is missing, builds, starts ClickHouse, the broker and Prometheus,
# migrates the schema, runs cmp-ingest, cmp-aggregator and cmp-api, feeds
# two years of history and the demo campaigns (demo-history.sh), then live
# generated traffic, prints where to look, and shows each campaign's numbers
# as they change. Ctrl-C stops everything it started.
set -euo pipefail
# rustup installs cargo here; a non-login shell (CI) may not have it on PATH.
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export CMP_RUN_DIR="${CMP_RUN_DIR:-$REPO/.run}"
# Live traffic after the history: slow enough that the history (5,000
# messages a day) keeps the statuses and pacing it was set for.
RATE="${CMP_DEMO_RATE:-5}"

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

# Local demo mode: the public demo HMAC key, and a demo tokens file with one
# public token per role (README.md, "API"); never use them anywhere else.
export CMP_DEMO=true
TOKEN="demo-admin-token"
mkdir -p "$CMP_RUN_DIR/logs"
token_entry() { # name token role [campaigns]
  printf '[[token]]\nname = "%s"\nsha256 = "%s"\nrole = "%s"\n' \
    "$1" "$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)" "$3"
  if [[ -n ${4:-} ]]; then printf 'campaigns = %s\n' "$4"; fi
  echo
}
{
  token_entry demo-admin "$TOKEN" admin
  token_entry demo-executive demo-executive-token executive
  token_entry demo-oas-team demo-manager-token manager '["oas-online-2026"]'
} > "$CMP_RUN_DIR/demo-tokens.toml"
export CMP_API_TOKENS_FILE="$CMP_RUN_DIR/demo-tokens.toml"
export CMP_API_ADDR="${CMP_API_ADDR:-127.0.0.1:8080}"

"$BIN/cmp-aggregator" migrate
# The demo's history goes two years back (demo-history.sh): ingest keeps
# events that old, retention longer.
export CMP_MAX_EVENT_AGE_DAYS="${CMP_MAX_EVENT_AGE_DAYS:-800}" CMP_RETENTION_DAYS="${CMP_RETENTION_DAYS:-830}"

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

# Two years of history, the demo campaigns and their targets (demo-history.sh).
API="http://$CMP_API_ADDR"
api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }
for _ in $(seq 100); do curl -fsS "$API/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
export BIN API TOKEN INGEST_METRICS
bash "$HERE/demo-history.sh"
# Two offices the generator serves (loadgen's places.rs), for the offices pages.
office() { # id region "English name" "nom français" fsas(JSON array)
  api -X PUT -H 'Content-Type: application/json' "$API/api/v1/offices/$1" --data-binary \
    "{\"name\":{\"en\":\"$3\",\"fr\":\"$4\"},\"region\":\"$2\",\"fsas\":$5}" >/dev/null
}
office ON-0001 ON "Ottawa Centre" "Ottawa-Centre" '["K0A","L0A","M0A","N0A","P0A","K1A"]'
office QC-0001 QC "Montreal East" "Montréal-Est" '["G0A","H0A","J0A","G1A","H1A","J1A"]'
# From now on, live traffic at $RATE messages a second.
start loadgen 127.0.0.1:0 "$BIN/cmp-loadgen" --forever --rate "$RATE" --seed "$RANDOM"

cat <<TXT

The demo is running (Ctrl-C stops it).
  dashboard      $API/dashboard   (sign in with $TOKEN, demo-executive-token or demo-manager-token)
  API            $API/api/v1/campaigns   (Authorization: Bearer $TOKEN; also demo-executive-token, demo-manager-token)
  metrics        http://$INGEST_METRICS/metrics (ingest)  http://$AGG_METRICS/metrics (aggregator)  http://$API_METRICS/metrics (api)
  Prometheus     $CMP_PROM_URL
  ClickHouse     $CMP_CLICKHOUSE_URL   (database cmp)
  Kafka          $CMP_KAFKA_BROKERS
  logs           $CMP_RUN_DIR/logs/
Campaign numbers from the API's performance route, every 5 seconds:
TXT
# One line per campaign: its totals over the flight so far and its targets' statuses.
SUMMARY='import json, sys
p = json.load(sys.stdin)
t = p["totals"]
def n(v):
    return "-" if v is None else format(v, ",.0f") if isinstance(v, int) else format(v, ".3f")
statuses = " ".join(x["kpi"] + "=" + x["status"] for x in p["targets"])
print(p["campaign"].ljust(22) + n(t["impressions"]).rjust(12) + n(t["clicks"]).rjust(10)
      + n(t["reach"]).rjust(9) + n(t["uptake_completed"]).rjust(9) + n(t["spend_cents"]).rjust(14)
      + "  " + statuses)'
while sleep 5; do
  date -u +%H:%M:%S
  printf '%-22s%12s%10s%9s%9s%14s  %s\n' campaign impressions clicks reach uptake spend_cents targets
  for id in oas-online-2026 ei-digital-2026 passport-renew-2026; do
    api "$API/api/v1/campaigns/$id/performance" | /usr/bin/python3 -c "$SUMMARY" || true
  done
done
