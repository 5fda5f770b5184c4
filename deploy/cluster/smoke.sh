#!/usr/bin/env bash
# Smoke check of the local cluster (deploy/cluster/cluster.sh start first; run
# as `cluster.sh smoke`, or with its env.sh sourced). Through node s1r1:
#   1. INSERT 6 rows (Kafka partitions 0..3, both kinds) into the Distributed
#      `events`: each replica of shard 1 holds the rows of partitions 0 and 2,
#      each replica of shard 2 those of 1 and 3 (key src_partition mod 2);
#   2. the Distributed rollups, read through another node, count each row once;
#   3. the identical block INSERTed again (through s1r1, then through s2r2) is
#      dropped by the replicated tables: no count moves.
# Rows carry a campaign id of their own run, so the check can run again on the
# same cluster (18.16 has no query parameters: the id is inlined, it is
# made here). Exits 1 at the first difference, naming it.
set -euo pipefail

: "${CMP_CLUSTER_URLS:?source the cluster env.sh (cluster.sh env)}"
DB="${CMP_CLICKHOUSE_DATABASE:-cmp}"
read -ra URLS <<<"$CMP_CLUSTER_URLS"
CAMPAIGN="smoke-$(date +%s)-$$"

die() { echo "smoke.sh: FAILED: $*" >&2; exit 1; }
ok() { echo "smoke.sh: ok: $*"; }
q() {
  curl -fsS -m 60 "$1" --data-binary "$2" ||
    die "query failed on $1: $2"
}

# One block: partitions 0..3 engagement (count 1..4, cost 10 each), 0 and 1
# uptake. Fixed ingested_at, so a second INSERT is byte-identical.
ROWS=""
for p in 0 1 2 3; do
  ROWS+="('t.engagement', $p, 100, 'engagement', 'e$p', '2026-12-01 10:00:00', 0, '$CAMPAIGN', 'web', 'click', $((p + 1)), 10, '', '', '', 'seg', 'QC', 'fr', 'h$p', '2026-12-01 10:00:01', '', '', ''),"
done
for p in 0 1; do
  ROWS+="('t.uptake', $p, 200, 'uptake', 'u$p', '2026-12-01 10:00:00', 0, '$CAMPAIGN', '', '', 0, 0, 'prog', 'online', 'applied', 'seg', 'QC', 'fr', 'h$p', '2026-12-01 10:00:01', '', '', ''),"
done
INSERT="INSERT INTO $DB.events VALUES ${ROWS%,}"

# expect NAME WANT URL SQL: SQL on URL answers WANT (retried for 30 s:
# replication is asynchronous unless the quorum waited for it).
expect() {
  local name=$1 want=$2 url=$3 sql=$4 got i
  for ((i = 0; i < 60; i++)); do
    got="$(q "$url" "$sql")"
    [[ $got == "$want" ]] && return 0
    sleep 0.5
  done
  die "$name: want $want, got $got ($url)"
}

# Every count the check looks at, on every node and through the Distributed tables.
check_counts() {
  local when=$1 i
  local local_rows="SELECT count() FROM $DB.events_local WHERE campaign_id = '$CAMPAIGN'"
  for i in 0 1; do # shard 1: partitions 0, 2 (2 engagement + 1 uptake)
    expect "$when: events_local on shard 1 replica $((i + 1))" 3 "${URLS[$i]}" "$local_rows"
  done
  for i in 2 3; do # shard 2: partitions 1, 3
    expect "$when: events_local on shard 2 replica $((i - 1))" 3 "${URLS[$i]}" "$local_rows"
  done
  expect "$when: events (Distributed)" 6 "${URLS[3]}" \
    "SELECT count() FROM $DB.events WHERE campaign_id = '$CAMPAIGN'"
  expect "$when: engagement_hourly (Distributed)" $'4\t10\t40\t4' "${URLS[2]}" \
    "SELECT countMerge(events), sumMerge(count), sumMerge(cost_cents), uniqCombinedMerge(reach)
     FROM $DB.engagement_hourly WHERE campaign_id = '$CAMPAIGN'"
  expect "$when: uptake_hourly (Distributed)" $'2\t2' "${URLS[1]}" \
    "SELECT countMerge(events), uniqCombinedMerge(reach)
     FROM $DB.uptake_hourly WHERE campaign_id = '$CAMPAIGN'"
  for i in 0 1 2 3; do # each shard's views fed its own local rollup once
    expect "$when: engagement_hourly_local on node $((i + 1))" 2 "${URLS[$i]}" \
      "SELECT countMerge(events) FROM $DB.engagement_hourly_local WHERE campaign_id = '$CAMPAIGN'"
  done
}

q "${URLS[0]}" "$INSERT"
check_counts "first INSERT"
ok "6 rows on both replicas of their shard; rollups count them once"

q "${URLS[0]}" "$INSERT"
check_counts "identical INSERT again"
q "${URLS[3]}" "$INSERT"
check_counts "identical INSERT through another node"
ok "identical blocks deduplicated (rows and rollups unchanged)"
