#!/usr/bin/env bash
# Sourced by compare.sh and bench.sh (SCRIPT names the caller): the pipeline
# twice on the same generated events, once on the local cluster and once on
# one server of its own. Sets up a Kafka and a single-node ClickHouse
# (deploy/local/services.sh, in a temporary run dir removed at exit), a
# database of this run on the cluster (`cluster.sh schema`, then `cmp-aggregator
# migrate`; dropped at exit) and on the single node, topics of this run, three
# campaigns, and the helpers below. Binaries from CMP_BIN_DIR (default
# ${CARGO_TARGET_DIR:-<repo>/target}/debug).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
: "${CMP_CLUSTER_URLS:?source the cluster env.sh (cluster.sh env)}"
BIN="${CMP_BIN_DIR:-${CARGO_TARGET_DIR:-$REPO/target}/debug}"
read -ra NODES <<<"$CMP_CLUSTER_URLS"
CLUSTER_URL="${NODES[0]}"
TAG="c$(date +%s)"
export CMP_CLICKHOUSE_DATABASE="cmp_$TAG"
DB=$CMP_CLICKHOUSE_DATABASE
WORK="$(mktemp -d "/tmp/cmp-cluster-$SCRIPT.XXXX")"
PIDS=()

die() { echo "$SCRIPT.sh: FAILED: $*" >&2; exit 1; }
# free_port
# shellcheck source=deploy/local/lib.sh
source "$REPO/deploy/local/lib.sh"
log() { echo "$SCRIPT.sh: $*" >&2; }
# signal SIG NAME...: sends SIG to the cluster's processes NAME (s2r1, zookeeper...).
signal() {
  local sig=$1 v
  shift
  for v in "$@"; do kill "-$sig" "$(cat "$CMP_CLUSTER_RUN_DIR/$v.pid")"; done
}
for b in cmp-loadgen cmp-ingest cmp-api cmp-aggregator; do
  [[ -x $BIN/$b ]] || die "no $BIN/$b (cargo build --bins, or set CMP_BIN_DIR)"
done

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  CMP_RUN_DIR="$WORK/services" bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1 || true
  if [[ -n ${CMP_COMPARE_FAULT:-} ]]; then # leave the cluster whole: stopped nodes go on, killed ones start
    signal CONT s2r1 s2r2 2>/dev/null || true
    bash "$HERE/cluster.sh" start >/dev/null 2>&1 || log "cluster.sh start failed: restart the cluster"
  fi
  curl -fsS -m 60 "$CLUSTER_URL" --data-binary "DROP DATABASE IF EXISTS $DB ON CLUSTER $CMP_CLUSTER_NAME" >/dev/null || true
  if [[ $1 -ne 0 ]]; then # the processes' logs and manifests, for a look
    mkdir -p "$WORK.failed" && cp "$WORK"/*.log "$WORK"/*.tsv "$WORK.failed/" 2>/dev/null || true
    log "logs kept in $WORK.failed"
  fi
  rm -rf "$WORK"
}
trap 'cleanup $?' EXIT

export CMP_TOPIC_ENGAGEMENT="cmp.engagement.$TAG" CMP_TOPIC_UPTAKE="cmp.uptake.$TAG"
export CMP_TOPIC_DLQ="cmp.dlq.$TAG" CMP_DEMO=true
CAMPAIGNS=("$TAG-oas=oas" "$TAG-ei=ei" "$TAG-passport=passport")

# Kafka and the single node.
unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
CMP_RUN_DIR="$WORK/services" CMP_KAFKA_STORAGE=memory \
  bash "$REPO/deploy/local/services.sh" start clickhouse kafka 2>"$WORK/services.log" ||
  { cat "$WORK/services.log" >&2; die "services.sh start"; }
SINGLE_URL="$(sed -n "s/^export CMP_CLICKHOUSE_URL='\(.*\)'/\1/p" "$WORK/services/env.sh")"
export CMP_KAFKA_BROKERS
CMP_KAFKA_BROKERS="$(sed -n "s/^export CMP_KAFKA_BROKERS='\(.*\)'/\1/p" "$WORK/services/env.sh")"
CMP_CLICKHOUSE_URL="$SINGLE_URL" "$BIN/cmp-aggregator" migrate >"$WORK/migrate.log" 2>&1 ||
  { cat "$WORK/migrate.log" >&2; die "migrate on the single node"; }
bash "$HERE/cluster.sh" schema 2>>"$WORK/migrate.log" || { cat "$WORK/migrate.log" >&2; die "cluster.sh schema"; }
CMP_CLICKHOUSE_URL="$CLUSTER_URL" "$BIN/cmp-aggregator" migrate >>"$WORK/migrate.log" 2>&1 ||
  { cat "$WORK/migrate.log" >&2; die "migrate on the cluster"; }

# start NAME CMD...: runs CMD in the background, output to $WORK/NAME.log.
start() {
  local name=$1
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$WORK/$name.pid"
}

q() { curl -fsS -m 30 "$1" --data-binary "$2" || die "query failed on $1: $2"; }
TOPICS="src_topic IN ('$CMP_TOPIC_ENGAGEMENT', '$CMP_TOPIC_UPTAKE')"

# produce N SEED [FLAG...]: a round of generated traffic, its manifest in $WORK.
produce() {
  local n=$1 seed=$2 c
  shift 2
  local args=(--count "$n" --seed "$seed" --manifest "$WORK/manifest-$seed.tsv" "$@")
  for c in "${CAMPAIGNS[@]}"; do args+=(--campaign "$c"); done
  "$BIN/cmp-loadgen" "${args[@]}" >>"$WORK/loadgen.log" 2>&1 || die "cmp-loadgen (see $WORK/loadgen.log)"
}
# Accepted events of every round so far (the generator's manifests).
accepted() { cat "$WORK"/manifest-*.tsv | cut -f3 | grep -c '^accept '; }

# drained URL: waits (120 s) until the ledger at URL holds ACCEPTED rows.
drained() {
  local url=$1 got i
  for ((i = 0; i < 240; i++)); do
    got="$(q "$url" "SELECT count() FROM $DB.events WHERE $TOPICS")"
    ((got >= ACCEPTED)) && return 0
    sleep 0.5
  done
  die "the ledger at $url holds $got rows, want $ACCEPTED"
}

# start_apis: a cmp-api on each store (API[single], API[cluster]: s1r1, and
# API[cluster2]: a second API on the cluster through s2r2), the run's
# campaigns registered with targets through each; api URL... calls one.
api() { curl -fsS -m 30 -H "Authorization: Bearer demo-admin-token" "$@"; }
start_apis() {
  local s port i c
  TODAY="$(TZ="${CMP_REPORT_TZ:-America/Toronto}" date +%F)"
  START="$(date -d "$TODAY -30 days" +%F)" END="$(date -d "$TODAY +60 days" +%F)"
  declare -gA API=([cluster]="$CLUSTER_URL" [cluster2]="${NODES[3]}" [single]="$SINGLE_URL")
  for s in cluster cluster2 single; do
    port="$(TAKEN=$TAKEN free_port)"
    TAKEN+=" $port"
    start "api-$s" env CMP_CLICKHOUSE_URL="${API[$s]}" CMP_API_ADDR="127.0.0.1:$port" \
      CMP_METRICS_ADDR=127.0.0.1:0 "$BIN/cmp-api"
    API[$s]="http://127.0.0.1:$port"
  done
  for s in cluster single; do # cluster2 reads what cluster registered
    for ((i = 0; i < 100; i++)); do curl -fsS "${API[$s]}/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    for c in "${CAMPAIGNS[@]}"; do
      api -X PUT -H 'Content-Type: application/json' "${API[$s]}/api/v1/campaigns/${c%%=*}" --data-binary \
        "{\"name\":{\"en\":\"${c%%=*}\",\"fr\":\"${c%%=*}\"},\"program\":\"${c#*=}\",\"start_date\":\"$START\",\"end_date\":\"$END\",\"budget_cents\":250000000}" \
        >/dev/null || die "register ${c%%=*} through the $s API"
      api -X PUT -H 'Content-Type: application/json' "${API[$s]}/api/v1/campaigns/${c%%=*}/targets" --data-binary \
        '[{"kpi":"uptake_completed","target":500},{"kpi":"reach","target":2000}]' >/dev/null ||
        die "targets of ${c%%=*} through the $s API"
    done
  done
  for ((i = 0; i < 100; i++)); do curl -fsS "${API[cluster2]}/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
}
