#!/usr/bin/env bash
# The cluster's fault runs, each checked against the truth by compare.sh
# (the generator's manifest, the single-node pipeline's reports): smoke.sh
# and stale.sh, a run without fault, then each fault RUNS times. Starts a
# cluster of its own (a fresh CMP_CLUSTER_RUN_DIR, free ports) and stops
# and purges it at the end. Prints one line per run and a table per fault; with
# CMP_RELIABILITY_FIGURES set, appends `cluster.<fault>.<figure><TAB>value`
# lines to that file (deploy/reliability/run.sh renders them).
# Usage: deploy/cluster/faults.sh [RUNS=1] [FAULT...]
#   FAULT: kill-replica kill-shard kill-zookeeper kill-ingest kill-half (default: all)
# Traffic: CMP_COMPARE_COUNT messages, round 2 at CMP_COMPARE_RATE per second
# (compare.sh; defaults 4000 and 400). Binaries from CMP_BIN_DIR (default
# ${CARGO_TARGET_DIR:-<repo>/target}/debug).
# Exits 1 if any run failed (after running them all).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS="${1:-1}"
shift || true
FAULTS=("$@")
[[ ${#FAULTS[@]} -gt 0 ]] || FAULTS=(kill-replica kill-shard kill-zookeeper kill-ingest kill-half)
FIGURES="${CMP_RELIABILITY_FIGURES:-/dev/null}"
log() { echo "faults.sh: $*" >&2; }

CMP_CLUSTER_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-cluster-faults.XXXX")"
export CMP_CLUSTER_RUN_DIR
trap 'bash "$HERE/cluster.sh" stop --purge >/dev/null 2>&1 || true; rm -rf "$CMP_CLUSTER_RUN_DIR"' EXIT
bash "$HERE/cluster.sh" start
log "traffic: ${CMP_COMPARE_COUNT:-4000} messages, round 2 at ${CMP_COMPARE_RATE:-400}/s; $RUNS run(s) of each fault"
printf 'cluster.messages\t%s\ncluster.rate\t%s\n' "${CMP_COMPARE_COUNT:-4000}" "${CMP_COMPARE_RATE:-400}" >>"$FIGURES"
# shellcheck disable=SC1091
source "$CMP_CLUSTER_RUN_DIR/env.sh"
# Before any fault: replication and dedup of identical blocks (smoke.sh),
# and ingest's ledger reads refusing lagging replicas (stale.sh).
bash "$HERE/smoke.sh"
bash "$HERE/stale.sh"

# most VALUE...: the largest of the runs' values (a figure a run did not
# need is empty).
most() { printf '%s\n' "$@" | grep -E '^[0-9]+$' | sort -n | tail -1; }
# figure KEY LINE: the value of KEY=... in a compare.sh result line, or empty.
figure() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

failed=0
for fault in none "${FAULTS[@]}"; do
  n=$RUNS
  [[ $fault == none ]] && n=1
  exact=0 complete=() equal=() repaired=() short=()
  for ((run = 1; run <= n; run++)); do
    out="$CMP_CLUSTER_RUN_DIR/compare-$fault-$run.log"
    fault_var=$fault
    [[ $fault == none ]] && fault_var=""
    if CMP_COMPARE_FAULT="$fault_var" bash "$HERE/compare.sh" >"$out" 2>&1; then
      line="$(grep '^compare.sh: result ' "$out")"
      exact=$((exact + 1))
      complete+=("$(figure ledger_complete_s "$line")")
      equal+=("$(figure replicas_equal_s "$line")")
      repaired+=("$(figure repaired_s "$line")")
      short+=("$(figure rollups_short "$line")")
      log "$fault run $run: exact (${line#compare.sh: result })"
      grep ': the same attribution' "$out" | sed 's/^/  | /' >&2 || true
    else
      failed=1
      log "$fault run $run: FAILED: $(grep 'FAILED' "$out" | tail -1)"
      sed 's/^/  | /' "$out" >&2
    fi
  done
  repairs="$(printf '%s\n' "${repaired[@]}" | grep -c . || true)"
  {
    printf 'cluster.%s.runs\t%s\n' "$fault" "$n"
    printf 'cluster.%s.exact\t%s\n' "$fault" "$exact"
    printf 'cluster.%s.ledger_complete_s\t%s\n' "$fault" "$(most "${complete[@]}")"
    printf 'cluster.%s.replicas_equal_s\t%s\n' "$fault" "$(most "${equal[@]}")"
    printf 'cluster.%s.repairs\t%s\n' "$fault" "$repairs"
    printf 'cluster.%s.repaired_s\t%s\n' "$fault" "$(most "${repaired[@]}")"
    printf 'cluster.%s.rollups_short\t%s\n' "$fault" "$(most "${short[@]}")"
  } >>"$FIGURES"
  summary="$fault: $exact of $n runs exact (nothing lost, nothing doubled)"
  [[ $fault == none ]] || summary+="; ledger complete ≤ $(most "${complete[@]}") s and replicas equal ≤ $(most "${equal[@]}") s after the restart"
  ((repairs == 0)) || summary+="; the drift check repaired the rollups in $repairs run(s) (≤ $(most "${short[@]}") events short, repaired ≤ $(most "${repaired[@]}") s)"
  log "$summary"
done
exit "$failed"
