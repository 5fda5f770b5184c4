#!/usr/bin/env bash
# A replicated, sharded ClickHouse cluster on this machine, on 127.0.0.1 only:
#   zookeeper   Debian's ZooKeeper 3.8, standalone
#   s1r1 s1r2   clickhouse-server (18.16), shard 1, replicas 1 and 2
#   s2r1 s2r2   clickhouse-server, shard 2, replicas 1 and 2
# as the cluster `cmp` (internal_replication, ON CLUSTER DDL through ZooKeeper),
# each node with deploy/local/clickhouse/*.xml plus a config.d naming the
# cluster, ZooKeeper and its own macros, and the profile settings of
# deploy/clickhouse/cluster/users.d/cmp-profile.xml on its `default` user.
# Usage: cluster.sh start|stop [--purge]|status|env|schema|smoke|stale|compare
#   start   starts what is not running, waits until every node answers, then
#           applies deploy/clickhouse/cluster/schema.sql (`schema`)
#   schema  applies schema.sql through node s1r1 (idempotent: IF NOT EXISTS)
#   smoke   deploy/cluster/smoke.sh: replication, rollups, dedup (needs start)
#   stale   deploy/cluster/stale.sh: ingest's ledger reads refuse lagging replicas
#   compare deploy/cluster/compare.sh: the pipeline on the cluster against one
#           server, same events (needs start and the binaries)
# Everything lives in $CMP_CLUSTER_RUN_DIR (default <repo>/.run-cluster): data,
# logs, pids and env.sh, which `start` writes and `env` prints (the nodes'
# URLs, CMP_CLICKHOUSE_URL = node s1r1, CMP_CLUSTER_NAME, CMP_CLUSTER_ZK_PORT).
# Ports: the recorded ones if still free, else any free port. `start` returns
# once every node answers (CMP_START_TIMEOUT seconds each, default 90).
# Database: CMP_CLICKHOUSE_DATABASE (default cmp). Install first: install.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RUN="${CMP_CLUSTER_RUN_DIR:-$REPO/.run-cluster}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
TIMEOUT="${CMP_START_TIMEOUT:-90}"
CLUSTER=cmp
DATABASE="${CMP_CLICKHOUSE_DATABASE:-cmp}"
NODES=(s1r1 s1r2 s2r1 s2r2)
ALL=(zookeeper "${NODES[@]}")
declare -A EXE=([zookeeper]=QuorumPeerMain)
for n in "${NODES[@]}"; do EXE[$n]=clickhouse; done
# ZooKeeper with log4j on the console (its jar's manifest names the rest).
ZK_CLASSPATH=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar

die() { echo "cluster.sh: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }
# shellcheck source=deploy/local/lib.sh
source "$REPO/deploy/local/lib.sh"

# s1r2 -> S1R2, the prefix of the node's port variables.
var() { echo "CMP_CLUSTER_${1^^}_$2"; }
port() { local v; v="$(var "$1" "$2")"; echo "${!v}"; }

write_env() {
  local n urls=() kv
  for n in "${NODES[@]}"; do urls+=("http://127.0.0.1:$(port "$n" HTTP_PORT)"); done
  {
    echo "# Written by deploy/cluster/cluster.sh start; source it to reach the cluster."
    for kv in "CMP_CLUSTER_RUN_DIR=$RUN" "CMP_CLUSTER_NAME=$CLUSTER" \
      "CMP_CLUSTER_ZK_PORT=$CMP_CLUSTER_ZK_PORT" \
      "CMP_CLUSTER_URLS=${urls[*]}" "CMP_CLICKHOUSE_URL=${urls[0]}"; do
      echo "export ${kv%%=*}='${kv#*=}'"
    done
    for n in "${NODES[@]}"; do
      for kv in HTTP_PORT TCP_PORT INTERSERVER_PORT; do
        echo "export $(var "$n" "$kv")='$(port "$n" "$kv")'"
      done
      echo "export $(var "$n" URL)='http://127.0.0.1:$(port "$n" HTTP_PORT)'"
    done
  } >"$RUN/env.sh.tmp"
  mv "$RUN/env.sh.tmp" "$RUN/env.sh"
}

# --- zookeeper -----------------------------------------------------------------

# `srvr` (a four-letter word) answers only once the server serves.
zk_ok() {
  python3 - "$CMP_CLUSTER_ZK_PORT" <<'EOF'
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2) as s:
    s.sendall(b"srvr")
    assert b"Mode: standalone" in s.recv(4096)
EOF
}

start_zookeeper() {
  local dir="$RUN/zookeeper"
  mkdir -p "$dir/data"
  cat >"$dir/zoo.cfg" <<EOF
# Written by deploy/cluster/cluster.sh.
tickTime=2000
dataDir=$dir/data
clientPort=$CMP_CLUSTER_ZK_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=srvr,ruok
EOF
  cat >"$dir/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p %c{1}: %m%n
EOF
  if ! running zookeeper; then
    launch zookeeper "$dir" "$dir/zookeeper.log" java -Xmx256m -cp "$dir:$ZK_CLASSPATH" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg
  fi
  wait_until zookeeper "$dir/zookeeper.log" zk_ok
  log "zookeeper ready: 127.0.0.1:$CMP_CLUSTER_ZK_PORT"
}

# --- clickhouse nodes ------------------------------------------------------------

# <remote_servers>, <zookeeper>, <macros>, <distributed_ddl> and the
# interserver port of node $1 (shard and replica are its name's digits).
# replicated_max_ratio_of_wrong_parts 1: a node SIGKILLed mid-INSERT starts
# again however many of a table's rows are in parts ZooKeeper never
# recorded (INSERTs not acknowledged, which ingest sends again); they are
# detached as `unexpected_` and the replica fetches the rest. The default
# 0.5 refused to start a node whose small daily-tier table had 64 % of its
# rows in such parts (CI, kill-half).
node_config() {
  local n=$1 s r
  echo "<?xml version=\"1.0\"?>"
  echo "<!-- Written by deploy/cluster/cluster.sh for node $n. -->"
  echo "<yandex>"
  echo "    <remote_servers><$CLUSTER>"
  for s in 1 2; do
    echo "        <shard><internal_replication>true</internal_replication>"
    for r in 1 2; do
      echo "            <replica><host>127.0.0.1</host><port>$(port "s${s}r$r" TCP_PORT)</port></replica>"
    done
    echo "        </shard>"
  done
  cat <<EOF
    </$CLUSTER></remote_servers>
    <zookeeper><node><host>127.0.0.1</host><port>$CMP_CLUSTER_ZK_PORT</port></node></zookeeper>
    <macros><cluster>$CLUSTER</cluster><shard>0${n:1:1}</shard><replica>$n</replica></macros>
    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>$(port "$n" INTERSERVER_PORT)</interserver_http_port>
    <merge_tree><replicated_max_ratio_of_wrong_parts>1</replicated_max_ratio_of_wrong_parts></merge_tree>
</yandex>
EOF
}

# The `cmp` profile's settings of cmp-profile.xml, on the `default` profile
# (the local nodes' only user). A server older than 21 (18.16) has no
# insert_quorum_parallel: one quorum INSERT per table at a time, the others
# fail (code 286), so there the INSERT returns once one replica of each shard
# has the block and the other replica fetches it (insert_quorum 0).
profile_config() {
  local major
  major="$(clickhouse-client --version | grep -o '[0-9][0-9]*\.' | head -n 1)"
  echo '<?xml version="1.0"?>'
  echo "<!-- Written by deploy/cluster/cluster.sh from deploy/clickhouse/cluster/users.d/cmp-profile.xml. -->"
  echo "<yandex><profiles><default>"
  sed -n '/<profiles>/,/<\/profiles>/p' "$REPO/deploy/clickhouse/cluster/users.d/cmp-profile.xml" |
    grep -v -e '<profiles>' -e '</profiles>' -e '<cmp>' -e '</cmp>' |
    if ((${major%.} < 21)); then
      sed -e '/insert_quorum_parallel/d' -e 's#<insert_quorum>.*</insert_quorum>#<insert_quorum>0</insert_quorum>#'
    else
      cat
    fi
  echo "</default></profiles></yandex>"
}

ch_ok() { [[ "$(curl -fsS -m 2 "http://127.0.0.1:$(port "$1" HTTP_PORT)/?query=SELECT%201")" == 1 ]]; }
# Node $1 reaches ZooKeeper (after a ZooKeeper restart a node's first request
# can fail on its expired session; it then opens a new one).
ch_zk_ok() {
  curl -fsS -m 5 "http://127.0.0.1:$(port "$1" HTTP_PORT)/" \
    --data-binary "SELECT count() FROM system.zookeeper WHERE path = '/'"
}

launch_node() {
  local n=$1 dir="$RUN/$1"
  mkdir -p "$dir/log" "$dir/config.d" "$dir/users.d"
  running "$n" && return 0
  sed -e "s#@CH_DIR@#$dir#g" -e "s#@HTTP_PORT@#$(port "$n" HTTP_PORT)#g" \
    -e "/@HTTPS_PORT@/d" -e "s#@TCP_PORT@#$(port "$n" TCP_PORT)#g" \
    "$REPO/deploy/local/clickhouse/config.xml" >"$dir/config.xml"
  cp "$REPO/deploy/local/clickhouse/users.xml" "$dir/users.xml"
  node_config "$n" >"$dir/config.d/cluster.xml"
  profile_config >"$dir/users.d/cmp-profile.xml"
  launch "$n" "$dir" "$dir/log/stdout.log" clickhouse-server --config-file="$dir/config.xml"
}

wait_node() {
  local n=$1 dir="$RUN/$1"
  wait_until "$n" "$dir/log/stdout.log $dir/log/clickhouse-server.err.log" ch_ok "$n"
  wait_until "$n" "$dir/log/clickhouse-server.err.log" ch_zk_ok "$n"
  log "$n ready: http://127.0.0.1:$(port "$n" HTTP_PORT) (tcp $(port "$n" TCP_PORT), interserver $(port "$n" INTERSERVER_PORT))"
}

# --- schema ----------------------------------------------------------------------

# schema.sql for the database, through node s1r1 (18.16 expands '{cluster}'
# and the other macros itself).
apply_schema() {
  local sql
  sql="$(sed -e "s/\bcmp\./$DATABASE./g" \
    -e "s/, cmp, /, $DATABASE, /g" -e "s/DATABASE IF NOT EXISTS cmp /DATABASE IF NOT EXISTS $DATABASE /" \
    "$REPO/deploy/clickhouse/cluster/schema.sql")"
  # Retried: right after a ZooKeeper restart the DDL can still meet the
  # node's expired session (Coordination::Exception: Session expired) once.
  local i
  for ((i = 1; ; i++)); do
    clickhouse-client --host 127.0.0.1 --port "$(port s1r1 TCP_PORT)" --multiquery <<<"$sql" >/dev/null && break
    ((i < 5)) || die "schema.sql failed (above)"
    log "schema.sql failed (attempt $i of 5); retrying in 2 s"
    sleep 2
  done
  log "schema applied: database $DATABASE on cluster $CLUSTER"
}

# --- commands --------------------------------------------------------------------

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
purge=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

# One cluster.sh at a time per run dir.
exec 9>"$RUN/.lock"
flock 9

load_env() {
  [[ -f $RUN/env.sh ]] || die "not started (no $RUN/env.sh)"
  # shellcheck source=/dev/null
  source "$RUN/env.sh"
}

case "$cmd" in
  start)
    command -v java >/dev/null && [[ -f /usr/share/java/zookeeper.jar ]] ||
      die "no ZooKeeper: run deploy/local/install.sh"
    resolve_port CMP_CLUSTER_ZK_PORT zookeeper
    for n in "${NODES[@]}"; do
      for p in HTTP_PORT TCP_PORT INTERSERVER_PORT; do resolve_port "$(var "$n" "$p")" "$n"; done
    done
    write_env
    start_zookeeper
    for n in "${NODES[@]}"; do launch_node "$n"; done
    for n in "${NODES[@]}"; do wait_node "$n"; done
    apply_schema
    log "cluster $CLUSTER ready in ${SECONDS}s; source $RUN/env.sh"
    ;;
  schema)
    load_env
    apply_schema
    ;;
  smoke | stale | compare)
    load_env
    exec 9>&-
    exec bash "$HERE/$cmd.sh"
    ;;
  stop)
    # the nodes first: they would retry ZooKeeper while stopping
    stop_services "${NODES[@]}"
    stop_services zookeeper
    if [[ $purge -eq 1 ]]; then
      for s in "${ALL[@]}"; do rm -rf "${RUN:?}/$s"; done
      rm -f "$RUN/env.sh" "$RUN/.lock"
      rmdir "$RUN" 2>/dev/null || true
      log "purged $RUN"
    fi
    ;;
  status)
    load_env
    rc=0
    for s in "${ALL[@]}"; do
      if [[ $s == zookeeper ]]; then probe=(zk_ok) p=$CMP_CLUSTER_ZK_PORT; else probe=(ch_ok "$s") p=$(port "$s" HTTP_PORT); fi
      if ! running "$s"; then
        state=stopped rc=1
      elif "${probe[@]}" >/dev/null 2>&1; then
        state="up (pid $(cat "$(pidfile "$s")"))"
      else
        state="not answering (pid $(cat "$(pidfile "$s")"))" rc=1
      fi
      printf '%-10s 127.0.0.1:%-6s %s\n' "$s" "$p" "$state"
    done
    exit "$rc"
    ;;
  env)
    load_env
    cat "$RUN/env.sh"
    ;;
  *) sed -n '2,22p' "$0" >&2; exit 2 ;;
esac
