#!/usr/bin/env bash
# The pipeline on the local cluster against one server, on the same events
# (run as `cluster.sh compare` once the cluster is started):
#   1. a Kafka and a single-node ClickHouse of its own (deploy/local/services.sh,
#      in a temporary run dir, removed at the end), and on the cluster a
#      database of this run (`cluster.sh schema`, then `cmp-aggregator
#      migrate`; dropped at the end), so the check can run again on the same
#      cluster and program-wide figures see only this run's events;
#   2. cmp-loadgen produces CMP_COMPARE_COUNT messages (default 4000) in two
#      rounds; one cmp-ingest fills the single node, two cmp-ingest members
#      (one consumer group) fill the cluster through node s1r1; the second
#      member is stopped (TERM) between the rounds, so the first takes over
#      its partitions and resumes them from the cluster's ledger; a
#      cmp-aggregator runs on the cluster (one node of each shard in
#      CMP_CLICKHOUSE_SHARD_URLS, its drift check every 5 s);
#   3. on the cluster: the ledger holds each accepted event of the generator's
#      manifest once (rows = distinct coordinates = accepted) and the
#      Distributed rollups count each once (within 120 s: a view that failed
#      after its INSERT reached the ledger is repaired by the aggregator's
#      drift check, and the time it took is shown); both replicas of a shard
#      hold the same rows;
#   4. two cmp-api, one per store, the run's campaigns registered in both:
#      every campaign's /performance report is the same JSON on both.
# CMP_COMPARE_FAULT: during round 2 (paced at CMP_COMPARE_RATE messages/s,
# default 400), 2 s in, SIGKILL
#   kill-replica    replica 2 of shard 1, restarted after 3 s
#   kill-shard      both replicas of shard 2, restarted after 30 s
#   kill-zookeeper  ZooKeeper, restarted after 30 s
#   kill-ingest     the cluster's ingest member (whatever INSERT it had under
#                   way), a new member started after 11 s (tansu 0.6 hands a
#                   dead member's partitions on only once its 10 s session expired)
#   kill-half       an INSERT into the Distributed table killed half way:
#                   both replicas of shard 2 SIGKILLed while one of them is
#                   writing its part of the member's INSERT (seen in
#                   system.processes), so that INSERT fails on shard 2,
#                   having stored shard 1's rows or not (ClickHouse's
#                   "Insertion status" names them when it did); once it
#                   failed, the member is SIGKILLed too (a kill that met no
#                   INSERT in flight is tried again, 4 times); shard 2
#                   restarted after 30 s and a new member started, whose
#                   resume completes the INSERT
# (`cluster.sh start` restarts servers); the checks then wait for the replicas.
# Binaries from CMP_BIN_DIR (default ${CARGO_TARGET_DIR:-<repo>/target}/debug).
# Exits 1 at the first difference, naming it.
set -euo pipefail

SCRIPT=compare
RESULT="" # key=value figures of the run, printed at the end (faults.sh reads them)
COUNT="${CMP_COMPARE_COUNT:-4000}" RATE="${CMP_COMPARE_RATE:-400}"
# shellcheck source=deploy/cluster/pair.sh
source "$(dirname "${BASH_SOURCE[0]}")/pair.sh"

t0=$SECONDS
# One record per producer batch: a member that takes over a partition
# resumes inside a batch otherwise, which tansu 0.6 answers with the next
# batch (ARCHITECTURE.md, "Known broker defect").
ONE=(--batch-records 1)
produce $((COUNT / 2)) 1 "${ONE[@]}"
ACCEPTED="$(accepted)"
start ingest-single env CMP_CLICKHOUSE_URL="$SINGLE_URL" CMP_KAFKA_GROUP="single-$TAG" \
  CMP_METRICS_ADDR=127.0.0.1:0 "$BIN/cmp-ingest"
for m in 1 2; do # members writing through different nodes: s1r1, s2r1
  start "ingest-cluster-$m" env CMP_CLICKHOUSE_URL="${NODES[2 * m - 2]}" CMP_KAFKA_GROUP="cluster-$TAG" \
    CMP_METRICS_ADDR=127.0.0.1:0 "$BIN/cmp-ingest"
done
start aggregator-cluster env CMP_CLICKHOUSE_URL="$CLUSTER_URL" \
  CMP_CLICKHOUSE_SHARD_URLS="${NODES[0]} ${NODES[2]}" CMP_DRIFT_CHECK_INTERVAL_SECS=5 \
  CMP_METRICS_ADDR=127.0.0.1:0 "$BIN/cmp-aggregator"
drained "$SINGLE_URL"
drained "$CLUSTER_URL"
log "round 1: $ACCEPTED events in both ledgers; stopping cluster ingest member 2"
kill -TERM "$(cat "$WORK/ingest-cluster-2.pid")"
# The fault of CMP_COMPARE_FAULT: the processes SIGKILLed, and for how long
# they stay down.
case "${CMP_COMPARE_FAULT:-}" in
  "") victims=() down=0 ;;
  kill-replica) victims=(s1r2) down=3 ;;
  kill-shard) victims=(s2r1 s2r2) down=30 ;;
  kill-zookeeper) victims=(zookeeper) down=30 ;;
  kill-ingest) victims=(ingest-cluster-1) down=11 ;;
  kill-half) victims=(s2r1 s2r2 ingest-cluster-1) down=30 ;;
  *) die "CMP_COMPARE_FAULT is kill-replica, kill-shard, kill-zookeeper, kill-ingest, kill-half or empty, not $CMP_COMPARE_FAULT" ;;
esac
# half_inserts: INSERTs ClickHouse reported as stored on shard 1 (the first,
# "shard 0" in its words) and failed elsewhere, in the member's log.
half_inserts() { grep -c '^Wrote .* on shard 0 ' "$WORK/ingest-cluster-1.log" || true; }
# shard2_inserting: a replica of shard 2 is running its part of an INSERT
# (the Distributed table's into events_local); polled until one is, for at
# most 10 s, so that the kill lands while that part is being written.
shard2_inserting() {
  local n i
  for ((i = 0; i < 500; i++)); do
    for n in "${NODES[2]}" "${NODES[3]}"; do
      [[ $(curl -sS -m 2 "$n" --data-binary "SELECT count() FROM system.processes
        WHERE query LIKE 'INSERT INTO%events_local%' AND query NOT LIKE '%system.processes%'" 2>/dev/null) == [1-9]* ]] && return 0
    done
  done
  return 1
}
if [[ ${#victims[@]} -eq 0 ]]; then
  produce $((COUNT - COUNT / 2)) 2 "${ONE[@]}"
else # mid-stream: round 2 paced
  produce $((COUNT - COUNT / 2)) 2 --rate "$RATE" "${ONE[@]}" &
  loadgen=$!
  sleep 2
  if [[ $CMP_COMPARE_FAULT == kill-half ]]; then
    # The shard's kill must land while an INSERT is in flight (one that
    # starts after it fails before writing anything): while a replica of
    # shard 2 is seen running its part of one, and the member's INSERT then
    # failed; ClickHouse's "Insertion status", when the failure came after
    # shard 1's part was written, names what shard 1 wrote (the INSERT half
    # delivered). When neither happened, shard 2 comes back and, once rows
    # flow again, is killed again (4 tries).
    failures() { grep -c 'dependency unavailable' "$WORK/ingest-cluster-1.log" || true; }
    for ((attempt = 1; ; attempt++)); do
      flowing=$(($(q "$CLUSTER_URL" "SELECT count() FROM $DB.events WHERE $TOPICS") + 50))
      for ((i = 0; i < 100; i++)); do
        (($(q "$CLUSTER_URL" "SELECT count() FROM $DB.events WHERE $TOPICS") >= flowing)) && break
        sleep 0.1
      done
      before=$(half_inserts) failed=$(failures) seen=0
      shard2_inserting && seen=1
      signal KILL s2r1 s2r2
      for ((i = 0; i < 80 && $(half_inserts) == before && (seen == 0 || $(failures) == failed); i++)); do sleep 0.1; done
      (($(half_inserts) > before || (seen == 1 && $(failures) > failed))) && break
      ((attempt < 4)) || die "none of 4 kills of shard 2 met an INSERT in flight"
      log "round 2: kill $attempt of shard 2 met no INSERT in flight; shard 2 restarted to try again"
      bash "$HERE/cluster.sh" start >/dev/null 2>>"$WORK/restart.log" || { cat "$WORK/restart.log" >&2; die "restart shard 2"; }
    done
    kill -KILL "$(cat "$WORK/ingest-cluster-1.pid")"
    if (($(half_inserts) > before)); then
      log "round 2: shard 2 SIGKILLed, then the member, once ClickHouse reported an INSERT half delivered:"
      grep '^Wrote .* on shard 0 ' "$WORK/ingest-cluster-1.log" | tail -1 | sed 's/^/compare.sh:   /' >&2
    else
      log "round 2: shard 2 SIGKILLed while writing its part of an INSERT, then the member, once that INSERT failed (ClickHouse named no part of it written)"
    fi
  else
    for v in "${victims[@]}"; do
      if [[ $v == ingest-* ]]; then kill -KILL "$(cat "$WORK/$v.pid")"; else signal KILL "$v"; fi
    done
    log "round 2: ${victims[*]} killed (SIGKILL) mid-stream, down for ${down} s"
  fi
  killed=$SECONDS
  wait "$loadgen" || die "round 2's cmp-loadgen"
  sleep $((down - (SECONDS - killed) > 0 ? down - (SECONDS - killed) : 0))
  if [[ ${victims[-1]} != ingest-* ]] || [[ ${#victims[@]} -gt 1 ]]; then
    bash "$HERE/cluster.sh" start 2>>"$WORK/restart.log" || { cat "$WORK/restart.log" >&2; die "restart ${victims[*]}"; }
  fi
  if [[ ${victims[-1]} == ingest-* ]]; then # a new member takes over its partitions
    start ingest-cluster-3 env CMP_CLICKHOUSE_URL="$CLUSTER_URL" CMP_KAFKA_GROUP="cluster-$TAG" \
      CMP_METRICS_ADDR=127.0.0.1:0 "$BIN/cmp-ingest"
  fi
  restarted=$SECONDS
  log "round 2: ${victims[*]} restarted after $((restarted - killed)) s"
fi
ACCEPTED="$(accepted)"
drained "$SINGLE_URL"
drained "$CLUSTER_URL"
log "round 2: $ACCEPTED events in both ledgers ($((SECONDS - t0)) s)"
[[ -n ${restarted:-} ]] && RESULT+=" ledger_complete_s=$((SECONDS - restarted))"
if [[ -n ${restarted:-} ]]; then
  # What a reader sees once the ledger is complete: the Distributed count, 20
  # times, through s1r1 (each read picks one replica per shard at random).
  reads=()
  for ((i = 0; i < 20; i++)); do
    reads+=("$(q "${NODES[0]}" "SELECT count() FROM $DB.events WHERE $TOPICS")")
    sleep 0.25
  done
  log "reads (want $(accepted)): $(printf '%s\n' "${reads[@]}" | sort -n | uniq -c | tr -s ' \n' ' ')"
fi

# same_rows A B: waits (120 s) until nodes A and B hold the same rows of the
# run and their rollups count the same events (each replica fetches the
# ledger's and the views' parts on its own).
same_rows() {
  local a=$1 b=$2 ra rb i
  local held="SELECT (SELECT count() FROM $DB.events_local WHERE $TOPICS),
    (SELECT countMerge(events) FROM $DB.engagement_hourly_local) + (SELECT countMerge(events) FROM $DB.uptake_hourly_local)"
  for ((i = 0; i < 240; i++)); do
    ra="$(q "${NODES[$a]}" "$held" | tr '\t' ' ')"
    rb="$(q "${NODES[$b]}" "$held" | tr '\t' ' ')"
    [[ $ra == "$rb" ]] && { log "shard of ${NODES[$a]}: ${ra% *} rows and ${ra#* } rolled-up events on both replicas"; return 0; }
    sleep 0.5
  done
  die "replicas ${NODES[$a]} and ${NODES[$b]} hold (rows, rolled-up events) $ra and $rb"
}
same_rows 0 1
same_rows 2 3
if [[ -n ${restarted:-} ]]; then
  log "replicas equal within $((SECONDS - restarted)) s of the restart"
  RESULT+=" replicas_equal_s=$((SECONDS - restarted))"
  # what the surviving ingest member went through (its warnings, by message)
  grep -hE ' (WARN|ERROR) ' "$WORK"/ingest-cluster-[13].log | sed -E 's/^[^ ]+ +//; s/ [a-z_]+=.*//' |
    sort | uniq -c | sed 's/^/compare.sh: cluster ingest: /' >&2 || true
fi

# Exactly once on the cluster (a merge could hide a doubled row: no FINAL,
# and the rollups count every INSERT their views saw).
want=$'\t'
got="$(q "$CLUSTER_URL" "SELECT count(), uniqExact(src_topic, src_partition, src_offset, event_id) FROM $DB.events WHERE $TOPICS")"
[[ $got == "$ACCEPTED$want$ACCEPTED" ]] || die "cluster ledger: rows, distinct = $got, want $ACCEPTED each"
# The rollups have no source coordinates: compare them with the ledger on the
# run's campaigns (uptake events without a campaign are left out of both).
c="'${CAMPAIGNS[0]%%=*}', '${CAMPAIGNS[1]%%=*}', '${CAMPAIGNS[2]%%=*}'"
# counted URL: the run's campaigns' events in the ledger, then in the hourly
# rollups; then the ledger's count of them times the daily tier's groupings
# (5 for engagement, 4 for uptake) plus 4 times the run's completed uptake
# (the program table's groupings, whatever the campaign), then the daily
# tier's tally.
counted() {
  q "$1" "SELECT
    (SELECT uniqExact(src_topic, src_partition, src_offset, event_id) FROM $DB.events
      WHERE $TOPICS AND campaign_id IN ($c)),
    (SELECT countMerge(events) FROM $DB.engagement_hourly WHERE campaign_id IN ($c))
    + (SELECT countMerge(events) FROM $DB.uptake_hourly WHERE campaign_id IN ($c)),
    (SELECT 5 * countIf(kind = 'engagement') + 4 * countIf(kind = 'uptake') FROM $DB.events
      WHERE $TOPICS AND campaign_id IN ($c))
    + (SELECT 4 * countIf(kind = 'uptake' AND stage = 'completed') FROM $DB.events WHERE $TOPICS),
    (SELECT sum(tally) FROM $DB.engagement_daily WHERE campaign_id IN ($c))
    + (SELECT sum(tally) FROM $DB.uptake_daily WHERE campaign_id IN ($c))
    + (SELECT sum(tally) FROM $DB.program_daily)"
}
# (The ledger holds each event once here: checked above.) The single node's
# last INSERT may still be writing its views (twenty-one, one after another)
# when its ledger rows are visible: a few seconds for that, no repair.
read -r ledger got tiered daily <<<"$(counted "$SINGLE_URL")"
for ((i = 0; i < 20 && (got != ledger || daily != tiered); i++)); do
  sleep 0.5
  read -r ledger got tiered daily <<<"$(counted "$SINGLE_URL")"
done
[[ $got == "$ledger" ]] || die "rollups at $SINGLE_URL count $got events of the run's campaigns, the ledger $ledger"
[[ $daily == "$tiered" ]] || die "the daily tier at $SINGLE_URL tallies $daily, the ledger's events times their groupings $tiered"
read -r ledger got tiered daily <<<"$(counted "$CLUSTER_URL")"
if [[ $got != "$ledger" || $daily != "$tiered" ]]; then
  log "cluster rollups count $got events of the run's campaigns, the ledger $ledger (daily tier: $daily of $tiered): waiting for the aggregator's drift check"
  for n in "${NODES[@]}"; do # where: each node's own ledger rows and rollups
    log "node $n: ledger, rollups = $(q "$n" "SELECT
      (SELECT uniqExact(src_topic, src_partition, src_offset, event_id) FROM $DB.events_local
       WHERE $TOPICS AND campaign_id IN ($c)),
      (SELECT countMerge(events) FROM $DB.engagement_hourly_local WHERE campaign_id IN ($c))
      + (SELECT countMerge(events) FROM $DB.uptake_hourly_local WHERE campaign_id IN ($c))" | tr '\t' ' ')"
  done
  short_at=$SECONDS short=$((ledger - got))
  for ((i = 0; i < 360 && (got != ledger || daily != tiered); i++)); do
    sleep 0.5
    read -r ledger got tiered daily <<<"$(counted "$CLUSTER_URL")"
  done
  [[ $got == "$ledger" && $daily == "$tiered" ]] ||
    die "rollups at $CLUSTER_URL count $got events of the run's campaigns, the ledger $ledger; the daily tier tallies $daily of $tiered (after 180 s)"
  log "cluster rollups repaired by the drift check $((SECONDS - short_at)) s after the ledger was complete:"
  RESULT+=" rollups_short=$short repaired_s=$((SECONDS - short_at))"
  grep -h 'rebuilt after drifting' "$WORK/aggregator-cluster.log" | sed -E 's/^[^ ]+ +//; s/^/compare.sh:   /' >&2 || true
fi
log "cluster: $ACCEPTED accepted events stored once, counted once by the rollups"

# same_answers WHEN PATH: each campaign's /api/v1/campaigns/<id>/PATH is the
# same JSON through both cluster APIs (s1r1, s2r2) and the single node's
# (left in $WORK/<id>.single.json).
same_answers() {
  local c id s
  for c in "${CAMPAIGNS[@]}"; do
    id="${c%%=*}"
    for s in cluster cluster2 single; do
      api "${API[$s]}/api/v1/campaigns/$id/$2" | python3 -m json.tool --sort-keys >"$WORK/$id.$s.json" ||
        die "$2 of $id through the $s API"
    done
    diff "$WORK/$id.cluster.json" "$WORK/$id.single.json" >&2 || die "$id $1: $2 differs (above: cluster <, single >)"
    diff "$WORK/$id.cluster2.json" "$WORK/$id.cluster.json" >&2 || die "$id $1: the two cluster APIs differ on $2"
  done
  log "$1: each campaign's $2 is the same through both cluster APIs and the single node"
}
start_apis
same_answers "after the run" performance

# Maintenance on the cluster: refused without the shard URLs, naming them;
# with them, a rebuild of every month of the run (per shard) changes no
# report, and retention drops an expired month on every node.
SHARDS="${NODES[1]} ${NODES[3]}" # one node of each shard (the replicas s1r2, s2r2)
FROM="$(date -d "$TODAY -40 days" +%F)"
if CMP_CLICKHOUSE_URL="$CLUSTER_URL" "$BIN/cmp-aggregator" rebuild --from "$FROM" --to "$TODAY" >"$WORK/rebuild.log" 2>&1; then
  die "rebuild on the cluster ran without CMP_CLICKHOUSE_SHARD_URLS"
fi
grep -q 'set CMP_CLICKHOUSE_SHARD_URLS' "$WORK/rebuild.log" || { cat "$WORK/rebuild.log" >&2; die "rebuild's refusal does not name CMP_CLICKHOUSE_SHARD_URLS"; }
CMP_CLICKHOUSE_URL="$CLUSTER_URL" CMP_CLICKHOUSE_SHARD_URLS="$SHARDS" \
  "$BIN/cmp-aggregator" rebuild --from "$FROM" --to "$TODAY" >"$WORK/rebuild.log" 2>&1 ||
  { cat "$WORK/rebuild.log" >&2; die "rebuild on the cluster"; }
log "rebuild on the cluster: $(tail -1 "$WORK/rebuild.log")"
read -r ledger got tiered daily <<<"$(counted "$CLUSTER_URL")"
[[ $got == "$ledger" && $daily == "$tiered" ]] ||
  die "after the rebuild the cluster rollups count $got events, the ledger $ledger; the daily tier tallies $daily of $tiered"
same_answers "after the rebuild" performance
# The rebuild recomputed the kept attribution from the copies on every
# shard (a client's exposures and uptake lie on any shard); one server's,
# recomputed by its own rebuild, must give the same answers.
CMP_CLICKHOUSE_URL="$SINGLE_URL" "$BIN/cmp-aggregator" rebuild --from "$FROM" --to "$TODAY" >"$WORK/rebuild-single.log" 2>&1 ||
  { cat "$WORK/rebuild-single.log" >&2; die "rebuild on the single node"; }
same_answers "after both rebuilt" "attribution?by=channel"
for c in "${CAMPAIGNS[@]}"; do
  id="${c%%=*}"
  credited="$(python3 -c 'import json, sys
def total(v):
    if isinstance(v, dict):
        return sum(x if k == "credited" and isinstance(x, (int, float)) else total(x) for k, x in v.items())
    return sum(map(total, v)) if isinstance(v, list) else 0
print(round(total(json.load(open(sys.argv[1]))), 3))' "$WORK/$id.single.json")"
  log "$id: the same attribution by channel on the cluster and the single node (credited, every level summed: $credited)"
done
OLD=201901 # older than any retention: one row on each shard (partitions 0 and 1)
q "$CLUSTER_URL" "INSERT INTO $DB.events (src_topic, src_partition, src_offset, kind, event_id, event_time, campaign_id)
  VALUES ('retention-probe', 0, 0, 'engagement', 'old-0', '2019-01-15 12:00:00', 'probe'),
         ('retention-probe', 1, 0, 'engagement', 'old-1', '2019-01-15 12:00:00', 'probe')" >/dev/null
CMP_CLICKHOUSE_URL="$CLUSTER_URL" CMP_CLICKHOUSE_SHARD_URLS="$SHARDS" \
  "$BIN/cmp-aggregator" retention >"$WORK/retention.log" 2>&1 || { cat "$WORK/retention.log" >&2; die "retention on the cluster"; }
grep -q "dropped ledger month $OLD" "$WORK/retention.log" || { cat "$WORK/retention.log" >&2; die "retention did not drop $OLD"; }
for n in "${NODES[@]}"; do
  for ((i = 0; i < 60; i++)); do
    left="$(q "$n" "SELECT count() FROM $DB.events_local WHERE toYYYYMM(event_time) = $OLD")"
    ((left == 0)) && break
    sleep 0.5
  done
  ((left == 0)) || die "node $n still holds $left rows of $OLD after retention"
done
log "retention on the cluster: $OLD dropped on every node; $(tail -1 "$WORK/retention.log")"
echo "compare.sh: result fault=${CMP_COMPARE_FAULT:-none} accepted=$ACCEPTED stored_once=$ACCEPTED$RESULT"
echo "compare.sh: ok: $ACCEPTED events, ledger and rollups exact on the cluster, reports identical to one server; rebuild and retention on the cluster"
