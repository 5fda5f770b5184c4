#!/usr/bin/env bash
# Ingest's ledger reads on a cluster never answer from a lagging replica
# (deploy/cluster/cluster.sh start first; run as `cluster.sh stale`, or with
# its env.sh sourced). cmp-ingest decides from three reads what to INSERT
# (store/sql/queries/stored_offsets.sql after a failed INSERT and on
# assignment, dedup_keys_since.sql, dedup_lookup.sql); through the
# Distributed `events` each reads one replica per shard, and a replica that
# misses a part would make ingest store its rows a second time. The check:
#   1. shard 2's replicas stop fetching and each gets a row the other lacks
#      (INSERTed into its own `events_local`): both lag;
#   2. each of the three reads, through node s1r1, must refuse (an error
#      ingest retries) rather than answer with one replica's rows;
#   3. fetching again, each read answers both rows.
# Exits 1 at the first difference, naming it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QUERIES="$HERE/../../store/sql/queries"
: "${CMP_CLUSTER_URLS:?source the cluster env.sh (cluster.sh env)}"
DB="${CMP_CLICKHOUSE_DATABASE:-cmp}"
read -ra URLS <<<"$CMP_CLUSTER_URLS"
TOPIC="stale-$(date +%s)-$$"
EPOCH=1764583200 # 2025-12-01 10:00:00 UTC, the rows' event time

die() { echo "stale.sh: FAILED: $*" >&2; exit 1; }
ok() { echo "stale.sh: ok: $*"; }
q() { curl -fsS -m 60 "$1" --data-binary "$2" || die "query failed on $1: $2"; }

# read FILE PARAM...: the query file (its comment lines dropped) with each
# `?` replaced by the next PARAM, as the clickhouse crate binds them. 18.16
# has no query parameters; the values are made here, not read from input.
read_sql() {
  local file=$1 sql
  shift
  sql="$(grep -v '^--' "$QUERIES/$file" | sed "s/\bevents\b/$DB.events/")"
  for p in "$@"; do sql="${sql/\?/$p}"; done
  echo "$sql"
}
READS=(
  "stored_offsets.sql:$(read_sql stored_offsets.sql "'$TOPIC'" 1 0)"
  "dedup_keys_since.sql:$(read_sql dedup_keys_since.sql "'$TOPIC'" 1 $((EPOCH - 3600)))"
  "dedup_lookup.sql:$(read_sql dedup_lookup.sql "'$TOPIC'" "['a', 'b']" $((EPOCH - 3600)) $((EPOCH + 3600)))"
)

# A row of partition 1 (shard 2: key src_partition mod 2) at OFFSET, id ID.
row() {
  echo "INSERT INTO $DB.events_local (src_topic, src_partition, src_offset, kind, event_id,
    event_time, campaign_id, channel, action, count, ingested_at)
    VALUES ('$TOPIC', 1, $1, 'engagement', '$2', toDateTime($EPOCH), '$TOPIC', 'web', 'click', 1, now())"
}

for i in 2 3; do q "${URLS[$i]}" "SYSTEM STOP FETCHES $DB.events_local"; done
trap 'for i in 2 3; do curl -fsS "${URLS[$i]}" --data-binary "SYSTEM START FETCHES $DB.events_local" || true; done' EXIT
q "${URLS[2]}" "$(row 100 a)"
q "${URLS[3]}" "$(row 101 b)"
sleep 2 # past max_replica_delay_for_distributed_queries (1 s) in the reads
for r in "${READS[@]}"; do
  name="${r%%:*}"
  got="$(curl -sS -m 60 "${URLS[0]}" --data-binary "${r#*:}" 2>&1)" || true
  grep -q 'Code: ' <<<"$got" ||
    die "$name answered while both replicas of shard 2 lag: $(grep -c . <<<"$got") row(s): $got"
  ok "$name refused while both replicas lag ($(grep -o 'Code: [0-9]*' <<<"$got" | head -1))"
done

for i in 2 3; do q "${URLS[$i]}" "SYSTEM START FETCHES $DB.events_local"; done
for r in "${READS[@]}"; do
  name="${r%%:*}" got=""
  for ((t = 0; t < 60; t++)); do
    got="$(curl -fsS -m 60 "${URLS[0]}" --data-binary "${r#*:}" 2>/dev/null)" &&
      [[ $(wc -l <<<"$got") == 2 ]] && break
    sleep 0.5
  done
  [[ $(wc -l <<<"$got") == 2 ]] || die "$name after the replicas caught up: $got"
  ok "$name answers both rows once the replicas caught up"
done
