# Sourced by the benchmarks that read through cmp-api (api.sh, reads.sh).
# start_api BINARY starts it on free 127.0.0.1 ports with one admin token
# (TOKEN) and a fresh disclosure key, logging to $CMP_RUN_DIR/api.log; sets
# API (its URL) and API_PID, and returns once it answers.
# set_targets gives camp-0 … camp-49 the same four targets; rotate PATH
# prints a wrk script asking PATH with {c} = camp-0 … camp-49 in turn.

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_api() {
  TOKEN="bench-admin-token"
  printf '[[token]]\nname = "bench"\nsha256 = "%s"\nrole = "admin"\n' \
    "$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)" > "$CMP_RUN_DIR/tokens.toml"
  export CMP_API_TOKENS_FILE="$CMP_RUN_DIR/tokens.toml"
  CMP_DISCLOSURE_KEY="$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(32))')"
  export CMP_DISCLOSURE_KEY
  export CMP_API_ADDR="127.0.0.1:$(free_port)" CMP_METRICS_ADDR="127.0.0.1:$(free_port)"
  API="http://$CMP_API_ADDR"
  "$1" >"$CMP_RUN_DIR/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 100); do curl -fsS "$API/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
}

set_targets() {
  local targets i
  targets='[{"kpi":"uptake_completed","target":5000},{"kpi":"reach","target":20000,"region":"QC"},{"kpi":"program_online_share","target":0.4},{"kpi":"cost_per_uptake_cents","target":2500}]'
  for i in $(seq 0 49); do
    curl -fsS -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      "$API/api/v1/campaigns/camp-$i/targets" --data-binary "$targets" >/dev/null
  done
}

rotate() {
  cat <<LUA
n = 0
request = function()
  n = n + 1
  local path = string.gsub("$1", "{c}", "camp-" .. (n % 50))
  return wrk.format(nil, path)
end
LUA
}
