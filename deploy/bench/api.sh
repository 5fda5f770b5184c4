#!/usr/bin/env bash
# Latency (p50/p99) of the API's performance and portfolio routes, and of
# the v1.1 pacing, anomalies and attribution routes, with
# 10 M events over 50 campaigns (loaded by load.sh), each campaign with
# four targets set through the API: a release cmp-api under wrk (Debian's
# package, installed here if missing), rotating over the 50 campaigns.
# Prints wrk's figures, cold and warm (see run below); asserts nothing.
# Usage: deploy/bench/api.sh [EVENTS=10000000] [SECONDS=30] [CONNECTIONS=4]
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EVENTS="${1:-10000000}" SECS="${2:-30}" CONNECTIONS="${3:-4}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

bash "$REPO/deploy/local/install.sh"
if ! command -v wrk >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --locked -p cmp-aggregator -p cmp-api --bins
export CMP_CLICKHOUSE_DATABASE=bench_api
# shellcheck source=deploy/bench/load.sh
source "$HERE/load.sh"

# shellcheck source=deploy/bench/api_up.sh
source "$HERE/api_up.sh"
API_PID=""
trap 'kill -TERM $API_PID 2>/dev/null; wait $API_PID 2>/dev/null; bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1; rm -rf "$CMP_RUN_DIR"' EXIT
start_api "$CARGO_TARGET_DIR/release/cmp-api"

set_targets

wrk_pass() { # connections
  wrk -t1 -c"$1" -d"${SECS}s" --timeout 60s --latency -s "$CMP_RUN_DIR/rotate.lua" \
    -H "Authorization: Bearer $TOKEN" "$API" | grep -E '^ +(50|90|99)%|Requests/sec|requests in|Non-2xx|Socket errors'
}
# Each route three ways: one request computed alone; wrk over requests the
# API has not computed at this data version (cold: each campaign's first);
# wrk again once every campaign's answer is kept (warm: the data unchanged,
# as between two INSERTs, or a whole day for a closed campaign).
run() { # label path-template connections
  rotate "$2" > "$CMP_RUN_DIR/rotate.lua"
  echo
  echo "== $1: $2 ($3 connections, ${SECS} s per pass)"
  curl -fsS -o /dev/null -w "one request alone, computed: %{time_total} s\n" -H "Authorization: Bearer $TOKEN" "$API${2//\{c\}/camp-17}"
  echo "-- cold (computed):"
  wrk_pass "$3"
  for i in $(seq 0 49); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$API${2//\{c\}/camp-$i}"
  done
  echo "-- warm (kept at the current data version):"
  wrk_pass "$3"
}
run "performance, totals and 4 targets" "/api/v1/campaigns/{c}/performance" "$CONNECTIONS"
run "performance, by region and channel, daily series" "/api/v1/campaigns/{c}/performance?by=region,channel&granularity=day" "$CONNECTIONS"
run "portfolio of 50 campaigns (200 targets)" "/api/v1/attainment?fiscal_year=2026-27" 1
# The v1.1 campaign routes (contract "v1.1 additions").
run "budget pacing" "/api/v1/campaigns/{c}/pacing" "$CONNECTIONS"
run "anomalies, the last 28 days" "/api/v1/campaigns/{c}/anomalies" "$CONNECTIONS"
run "attribution, last touch by channel, 30 days" "/api/v1/campaigns/{c}/attribution?from=2026-10-01&to=2026-10-30&by=channel" "$CONNECTIONS"
echo
echo "API metrics:"
curl -fsS "http://$CMP_METRICS_ADDR/metrics" | grep -E '^cmp_api_http_requests_total' || true
