#!/usr/bin/env bash
# The cost of a member joining a running cmp-ingest (BENCHMARKS.md): eager
# (`range`) against cooperative (`cooperative-sticky`) assignment, RUNS runs
# of each (`rebalance::join_cost` in the tests crate): 2 topics x 8
# partitions, 20,000 events stored, then a 400/s stream during which a
# second member joins; medians of the partitions restarted, the dedup keys
# their workers reloaded from the ledger, and the time from the join to the
# last partition resumed (from the members' "partition resumed from the
# ledger" log lines). Own services on free ports; debug binaries, as the
# tests run them. About 2 minutes per run on 2 cores. Not run in CI.
# Usage: deploy/bench/join.sh [RUNS=3]
set -euo pipefail
# rustup installs cargo here; a non-login shell (CI) may not have it on PATH.
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-3}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
cd "$REPO"

bash "$REPO/deploy/local/install.sh"
cargo build --locked -p cmp-ingest -p cmp-aggregator -p cmp-loadgen

export CMP_KAFKA_STORAGE=memory
CMP_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-bench-join.XXXXXX")"
export CMP_RUN_DIR
unset CMP_CH_HTTP_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
cleanup() { bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1 || true; rm -rf "$CMP_RUN_DIR"; }
trap cleanup EXIT
bash "$REPO/deploy/local/services.sh" start
# shellcheck disable=SC1091
source "$CMP_RUN_DIR/env.sh"

CMP_BENCH_RUNS="$RUNS" cargo test --locked -p cmp-tests -- rebalance::join_cost \
  --ignored --nocapture --test-threads 1
