#!/usr/bin/env bash
# Adversarial HTTP against the real cmp-api: schemathesis (property-based,
# from the served OpenAPI document) on every route, as each role (admin,
# executive, a manager of one campaign, and an unknown token), with the
# checks not_a_server_error and response_schema_conformance. Exits non-zero
# on any failed check (a 5xx, an answer the document does not describe) or
# if the API logged a panic. Hand-written hostile cases (bodies over the
# limit, slowloris, bad tokens, traversal, injection) are the end-to-end
# test tests/integration/hostile_http.rs.
#
# Usage: deploy/reliability/http.sh
#   CMP_HTTP_EXAMPLES  test cases per operation and phase (default 50)
#   CMP_HTTP_PROFILE   debug (default) or release build of cmp-api
#   CMP_HTTP_VENV      schemathesis venv (default ~/.cache/cmp/venv-http)
# ClickHouse is started by deploy/local/services.sh in a fresh CMP_RUN_DIR on
# free ports and purged at the end; the PUT routes write to that throwaway
# database only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ST_VERSION=4.32.5
VENV="${CMP_HTTP_VENV:-$HOME/.cache/cmp/venv-http}"
EXAMPLES="${CMP_HTTP_EXAMPLES:-50}"
PROFILE="${CMP_HTTP_PROFILE:-debug}"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"

say() { echo "http.sh: $*" >&2; }
# figure NAME VALUE: for run.sh's RELIABILITY.md, when it asked for figures.
figure() { [[ -z ${CMP_RELIABILITY_FIGURES:-} ]] || printf 'http.%s\t%s\n' "$1" "$2" >>"$CMP_RELIABILITY_FIGURES"; }

# schemathesis, pinned, in its own venv.
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q " $ST_VERSION\$"; then
  say "installing schemathesis $ST_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$ST_VERSION"
fi

case "$PROFILE" in
  release) (cd "$REPO" && cargo build --release --bins -p cmp-api -p cmp-aggregator) ;;
  debug) (cd "$REPO" && cargo build --bins -p cmp-api -p cmp-aggregator) ;;
  *) say "CMP_HTTP_PROFILE must be debug or release"; exit 2 ;;
esac
BIN="$TARGET/$PROFILE"

RUN="$(mktemp -d -t cmp-http.XXXXXX)"
API_PID=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  if [ -n "$API_PID" ]; then
    kill "$API_PID" 2>/dev/null || true
    wait "$API_PID" 2>/dev/null || true
  fi
  CMP_RUN_DIR="$RUN" bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1 || true
}
trap cleanup EXIT

unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
CMP_RUN_DIR="$RUN" bash "$REPO/deploy/local/services.sh" start clickhouse >&2
# shellcheck disable=SC1091
source "$RUN/env.sh"
export CMP_CLICKHOUSE_DATABASE=cmp_http
"$BIN/cmp-aggregator" migrate >"$RUN/migrate.log" 2>&1 || { cat "$RUN/migrate.log" >&2; exit 1; }

# One token per role, random for this run.
token() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
ADMIN="$(token)"; EXEC="$(token)"; MANAGER="$(token)"
cat >"$RUN/tokens.toml" <<EOF
[[token]]
name = "http-admin"
sha256 = "$(sha "$ADMIN")"
role = "admin"

[[token]]
name = "http-executive"
sha256 = "$(sha "$EXEC")"
role = "executive"

[[token]]
name = "http-manager"
sha256 = "$(sha "$MANAGER")"
role = "manager"
campaigns = ["oas-online-2026"]
EOF

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
CMP_API_ADDR="127.0.0.1:$PORT" CMP_METRICS_ADDR="127.0.0.1:$MPORT" \
  CMP_API_TOKENS_FILE="$RUN/tokens.toml" CMP_DISCLOSURE_KEY="$(token)$(token)" RUST_LOG=info \
  "$BIN/cmp-api" >"$RUN/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 60); do
  curl -fs "$URL/healthz" >/dev/null 2>&1 && break
  kill -0 "$API_PID" 2>/dev/null || { cat "$RUN/api.log" >&2; exit 1; }
  sleep 0.5
done

# A couple of campaigns and target sets, a program's unit costs and an office, through the API.
put() {
  curl -fsS -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    --data "$2" "$URL$1" >/dev/null
}
for id in oas-online-2026 cpp-direct-deposit-2026; do
  put "/api/v1/campaigns/$id" '{"name": {"en": "Campaign", "fr": "Campagne"}, "program": "oas",
    "start_date": "2026-04-01", "end_date": "2027-03-31", "budget_cents": 100000}'
  put "/api/v1/campaigns/$id/targets" '[{"kpi": "uptake_completed", "target": 1200},
    {"kpi": "ctr", "target": 0.02, "channel": "web"}]'
done
put /api/v1/programs/oas/service-costs '[{"fiscal_year": "2026-27", "service_channel": "online",
  "cost_cents": 95, "source": "http.sh"}, {"fiscal_year": "2026-27", "service_channel": "phone",
  "cost_cents": 1150, "source": "http.sh"}]'
put /api/v1/offices/ON-0001 '{"name": {"en": "Office", "fr": "Bureau"}, "region": "ON",
  "fsas": ["K1A", "K2P"]}'
curl -fsS -H "Authorization: Bearer $ADMIN" "$URL/api/v1/openapi.json" >"$RUN/openapi.json"
OPS="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(v) for v in d["paths"].values()))' "$RUN/openapi.json")"
ROUTES="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["paths"]))' "$RUN/openapi.json")"
say "$ROUTES routes, $OPS operations; $EXAMPLES examples per operation and phase"

status=0
total=0
for role in admin executive manager unknown; do
  case "$role" in
    admin) tok="$ADMIN" ;; executive) tok="$EXEC" ;; manager) tok="$MANAGER" ;;
    unknown) tok="$(token)" ;;
  esac
  say "schemathesis as $role"
  # The live stream never ends, so schemathesis cannot judge it: its
  # parameters are covered by tests/integration/hostile_http.rs.
  if ! (cd "$RUN" && "$VENV/bin/schemathesis" run "$RUN/openapi.json" --url "$URL" \
      -H "Authorization: Bearer $tok" \
      --checks not_a_server_error,response_schema_conformance \
      --max-examples "$EXAMPLES" --seed 8 --no-color \
      --request-timeout 10 --exclude-path '/api/v1/campaigns/{campaign_id}/live' \
      --generation-database none \
      --report junit --report-junit-path "$RUN/junit-$role.xml" >"$RUN/st-$role.log" 2>&1); then
    status=1
    sed -n '/^=* \(FAILURES\|ERRORS\) =*$/,/^=* SUMMARY =*$/p' "$RUN/st-$role.log" | head -150 >&2
  fi
  cases="$(grep -Eo '[0-9]+ generated.*' "$RUN/st-$role.log" | tail -1)"
  say "$role: ${cases:-no test case summary}"
  n="$(echo "${cases:-0}" | grep -Eo '^[0-9]+')"
  figure "schemathesis_cases_$role" "$n"
  total=$((total + n))
done

if ! kill -0 "$API_PID" 2>/dev/null; then
  say "cmp-api died"; tail -40 "$RUN/api.log" >&2; status=1
fi
if grep -Eq "panicked|request failed: store error" "$RUN/api.log"; then
  say "cmp-api logged a panic or a store error:"; grep -E "panicked|store error" "$RUN/api.log" | head >&2; status=1
fi
# What the cases reached: the API's own count of its answers by status
# class (valid values, from the document's rules, reach the reports; the
# rest are refused with a 4xx naming the parameter).
classes="$(curl -fsS "http://127.0.0.1:$MPORT/metrics" | python3 -c '
import re, sys
n = {}
for line in sys.stdin:
    m = re.match(r"cmp_api_http_requests_total\{.*status=\"(\d)\d\d\".*\} (\S+)", line)
    if m:
        n[m[1]] = n.get(m[1], 0) + int(float(m[2]))
print(" ".join(f"{c}xx={n.get(c, 0)}" for c in "2345"))')"
say "answers by status class: $classes"
for kv in $classes; do figure "answers_${kv%%=*}" "${kv#*=}"; done
figure routes "$ROUTES"
figure operations "$OPS"
figure schemathesis_cases "$total"
figure schemathesis_failed "$([ "$status" = 0 ] && echo no || echo yes)"
if [ "$status" = 0 ]; then
  say "ok: $total test cases, no 5xx, every answer as documented"
else
  say "FAILED ($total test cases): logs in $RUN"
fi
exit "$status"
