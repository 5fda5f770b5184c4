#!/usr/bin/env bash
# Real local services for development and tests, on 127.0.0.1 only:
#   clickhouse  Debian's clickhouse-server (18.16) with deploy/local/clickhouse/*.xml
#   kafka       tansu 0.6 (Kafka protocol), plus the topics; storage from
#               CMP_KAFKA_STORAGE: `sqlite` (default: survives a broker restart)
#               or `memory` (about 20x faster to consume, lost on restart)
#   prometheus  Debian's prometheus scraping $CMP_PROM_TARGETS (host:port or
#               job=host:port, comma-separated; a bare host:port is job `cmp`),
#               with the alert rules of deploy/prometheus/rules/
# Usage: services.sh start|stop [--purge]|status|env [clickhouse|kafka|prometheus]...
# Everything lives in $CMP_RUN_DIR (default <repo>/.run): data, logs, pids and
# env.sh, which `start` writes and `env` prints (CMP_KAFKA_BROKERS,
# CMP_CLICKHOUSE_URL, CMP_CLICKHOUSE_HTTPS_URL and the CA that signed its
# certificate CMP_CLICKHOUSE_CA_FILE, CMP_PROM_URL, the ports, CMP_RUN_DIR).
# Ports come from CMP_CH_HTTP_PORT, CMP_CH_HTTPS_PORT, CMP_CH_TCP_PORT,
# CMP_KAFKA_PORT, CMP_PROM_PORT, else from the last env.sh if still free, else
# any free port. `start` returns once every
# service answers (CMP_START_TIMEOUT seconds, default 60). Topics: CMP_PARTITIONS
# (default 4) partitions each of CMP_TOPIC_ENGAGEMENT, CMP_TOPIC_UPTAKE, CMP_TOPIC_DLQ.
# `stop` keeps the data; `stop --purge` deletes it. Install first: install.sh.
# CMP_CH_ENV: extra NAME=VALUE words for clickhouse-server's environment (the
# pipeline benchmark gives it a newer librdkafka through LD_LIBRARY_PATH).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RUN="${CMP_RUN_DIR:-$REPO/.run}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
TANSU="${CMP_TANSU_BIN:-$CACHE/tansu-0.6.0/bin/tansu}"
TIMEOUT="${CMP_START_TIMEOUT:-60}"
ALL=(clickhouse kafka prometheus)
# Which executable each service's pid must belong to (guards against stale pids).
declare -A EXE=([clickhouse]=clickhouse [kafka]=tansu [prometheus]=prometheus)

kafka_storage() {
  case "${CMP_KAFKA_STORAGE:-sqlite}" in
    sqlite) echo "sqlite://tansu.db" ;;
    memory) echo "memory://tansu/" ;;
    *) die "CMP_KAFKA_STORAGE must be sqlite or memory, not ${CMP_KAFKA_STORAGE}" ;;
  esac
}
die() { echo "services.sh: $*" >&2; exit 1; }
log() { echo "services.sh: $*" >&2; }
# free_port, resolve_port, launch, wait_until, stop_services, running
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

write_env() {
  {
    echo "# Written by deploy/local/services.sh start; source it to reach the services."
    local kv
    for kv in "CMP_RUN_DIR=$RUN" \
      "CMP_CH_HTTP_PORT=$CMP_CH_HTTP_PORT" "CMP_CH_TCP_PORT=$CMP_CH_TCP_PORT" \
      "CMP_CH_HTTPS_PORT=$CMP_CH_HTTPS_PORT" \
      "CMP_CLICKHOUSE_HTTPS_URL=https://127.0.0.1:$CMP_CH_HTTPS_PORT" \
      "CMP_CLICKHOUSE_CA_FILE=$RUN/clickhouse/ca.pem" \
      "CMP_KAFKA_PORT=$CMP_KAFKA_PORT" "CMP_PROM_PORT=$CMP_PROM_PORT" \
      "CMP_CLICKHOUSE_URL=http://127.0.0.1:$CMP_CH_HTTP_PORT" \
      "CMP_KAFKA_BROKERS=127.0.0.1:$CMP_KAFKA_PORT" \
      "CMP_PROM_URL=http://127.0.0.1:$CMP_PROM_PORT"; do
      echo "export ${kv%%=*}='${kv#*=}'"
    done
  } >"$RUN/env.sh.tmp"
  mv "$RUN/env.sh.tmp" "$RUN/env.sh"
}

# --- services ----------------------------------------------------------------

ch_ok() { [[ "$(curl -fsS -m 2 "http://127.0.0.1:$CMP_CH_HTTP_PORT/?query=SELECT%201")" == 1 ]]; }

# The https port's certificate, signed by a private CA of this run (the TLS
# test trusts it through SSL_CERT_FILE=$CMP_CLICKHOUSE_CA_FILE): ca.pem,
# cert.pem and key.pem in $1.
make_certificate() {
  local dir=$1
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=cmp-test-ca \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
    -keyout "$dir/key.pem" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 3650 -extfile "$dir/server.ext" -out "$dir/cert.pem" 2>/dev/null
}

start_clickhouse() {
  local dir="$RUN/clickhouse"
  mkdir -p "$dir/log"
  if ! running clickhouse; then
    [[ -f $dir/cert.pem ]] || make_certificate "$dir"
    sed -e "s#@CH_DIR@#$dir#g" -e "s#@HTTP_PORT@#$CMP_CH_HTTP_PORT#g" \
      -e "s#@HTTPS_PORT@#$CMP_CH_HTTPS_PORT#g" \
      -e "s#@TCP_PORT@#$CMP_CH_TCP_PORT#g" "$HERE/clickhouse/config.xml" >"$dir/config.xml"
    cp "$HERE/clickhouse/users.xml" "$dir/users.xml"
  fi
  # shellcheck disable=SC2086 # CMP_CH_ENV is a list of words
  serve clickhouse "$dir" "$dir/log/stdout.log" \
    "$dir/log/stdout.log $dir/log/clickhouse-server.err.log" ch_ok \
    env ${CMP_CH_ENV:-} clickhouse-server --config-file="$dir/config.xml"
  log "clickhouse ready: http://127.0.0.1:$CMP_CH_HTTP_PORT (https $CMP_CH_HTTPS_PORT, tcp $CMP_CH_TCP_PORT)"
}

# `tansu topic list` is a metadata request; it prints the topics as JSON.
kafka_ok() { timeout 5 "$TANSU" topic list --broker "tcp://127.0.0.1:$CMP_KAFKA_PORT"; }

# Creates the topic unless the broker already has it (create fails then).
create_topic() {
  timeout 5 "$TANSU" topic create --broker "tcp://127.0.0.1:$CMP_KAFKA_PORT" \
    --partitions "${CMP_PARTITIONS:-4}" "$1" ||
    kafka_ok | grep -qF "\"name\":\"$1\""
}

start_kafka() {
  local dir="$RUN/kafka" url="tcp://127.0.0.1:$CMP_KAFKA_PORT" topic
  [[ -x $TANSU ]] || die "no tansu at $TANSU: run deploy/local/install.sh"
  mkdir -p "$dir"
  serve kafka "$dir" "$dir/tansu.log" "$dir/tansu.log" kafka_ok "$TANSU" broker \
    --listener-url "$url" --advertised-listener-url "$url" \
    --storage-engine "$(kafka_storage)"
  for topic in "${CMP_TOPIC_ENGAGEMENT:-cmp.engagement.v1}" \
    "${CMP_TOPIC_UPTAKE:-cmp.uptake.v1}" "${CMP_TOPIC_DLQ:-cmp.dlq.v1}"; do
    wait_until kafka "$dir/tansu.log" create_topic "$topic"
  done
  log "kafka ready: 127.0.0.1:$CMP_KAFKA_PORT"
}

prom_ok() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$CMP_PROM_PORT/-/ready"; }

start_prometheus() {
  local dir="$RUN/prometheus" jobs="" t job
  local -A targets=()
  mkdir -p "$dir/data"
  IFS=, read -ra t <<<"${CMP_PROM_TARGETS:-}"
  for t in "${t[@]}"; do
    t="${t// /}"
    [[ -n $t ]] || continue
    job="cmp"
    if [[ $t == *=* ]]; then job="${t%%=*}" t="${t#*=}"; fi
    targets[$job]+="${targets[$job]:+, }'$t'"
  done
  for job in "${!targets[@]}"; do
    jobs+="
  - job_name: $job
    static_configs:
      - targets: [${targets[$job]}]"
  done
  cat >"$dir/prometheus.yml" <<EOF
# Written by deploy/local/services.sh from CMP_PROM_TARGETS.
global:
  scrape_interval: ${CMP_PROM_SCRAPE_INTERVAL:-2s}
  evaluation_interval: ${CMP_PROM_SCRAPE_INTERVAL:-2s}
rule_files:
  - $REPO/deploy/prometheus/rules/*.yml
scrape_configs:${jobs:- []}
EOF
  if running prometheus; then # re-read the targets
    curl -fsS -m 5 -X POST "http://127.0.0.1:$CMP_PROM_PORT/-/reload" || true
  fi
  serve prometheus "$dir" "$dir/prometheus.log" "$dir/prometheus.log" prom_ok prometheus \
    --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$CMP_PROM_PORT" --web.enable-lifecycle
  log "prometheus ready: http://127.0.0.1:$CMP_PROM_PORT (targets: ${CMP_PROM_TARGETS:-none})"
}

# --- commands ----------------------------------------------------------------

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
purge=0
svcs=()
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    clickhouse | kafka | prometheus) svcs+=("$arg") ;;
    *) die "unknown argument: $arg" ;;
  esac
done
[[ ${#svcs[@]} -gt 0 ]] || svcs=("${ALL[@]}")

# One services.sh at a time per run dir.
exec 9>"$RUN/.lock"
flock 9

case "$cmd" in
  start)
    resolve_port CMP_CH_HTTP_PORT clickhouse
    resolve_port CMP_CH_HTTPS_PORT clickhouse
    resolve_port CMP_CH_TCP_PORT clickhouse
    resolve_port CMP_KAFKA_PORT kafka
    resolve_port CMP_PROM_PORT prometheus
    write_env
    for s in "${svcs[@]}"; do "start_$s"; done
    ;;
  stop)
    stop_services "${svcs[@]}"
    if [[ $purge -eq 1 ]]; then
      for s in "${svcs[@]}"; do rm -rf "${RUN:?}/$s"; done
    fi
    if [[ $purge -eq 1 && ${#svcs[@]} -eq ${#ALL[@]} ]]; then
      rm -f "$RUN/env.sh" "$RUN/.lock"
      rmdir "$RUN" 2>/dev/null || true
      log "purged $RUN"
    fi
    ;;
  status)
    [[ -f $RUN/env.sh ]] || die "not started (no $RUN/env.sh)"
    # shellcheck source=/dev/null
    source "$RUN/env.sh"
    rc=0
    for s in "${svcs[@]}"; do
      case "$s" in
        clickhouse) probe=ch_ok port=$CMP_CH_HTTP_PORT ;;
        kafka) probe=kafka_ok port=$CMP_KAFKA_PORT ;;
        prometheus) probe=prom_ok port=$CMP_PROM_PORT ;;
      esac
      if ! running "$s"; then
        state=stopped rc=1
      elif $probe >/dev/null 2>&1; then
        state="up (pid $(cat "$(pidfile "$s")"))"
      else
        state="not answering (pid $(cat "$(pidfile "$s")"))" rc=1
      fi
      printf '%-11s 127.0.0.1:%-6s %s\n' "$s" "$port" "$state"
    done
    exit "$rc"
    ;;
  env)
    [[ -f $RUN/env.sh ]] || die "not started (no $RUN/env.sh)"
    cat "$RUN/env.sh"
    ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
