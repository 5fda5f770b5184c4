#!/usr/bin/env bash
# Reliability and security figures: chaos under load, adversarial Kafka and
# HTTP input, privacy, fuzzing of the decoder. One command, two sizes:
#   run.sh short   CI (deploy/local/test.sh): ~13 minutes, one run of each
#                  cluster fault at 4 000 messages; prints the figures
#                  and writes them to $CARGO_TARGET_DIR/RELIABILITY-short.md
#   run.sh long    ~50 minutes: the same with a 15-minute chaos run, a
#                  10-minute fuzz run, schemathesis against the API
#                  (http.sh) and three runs of each cluster fault under
#                  heavier traffic (40 000 messages, round 2 at 2 000/s);
#                  regenerates RELIABILITY.md
# It starts services of its own (fresh run directory, free ports, the
# broker on sqlite storage so it survives its restarts) and stops them at
# the end, so it can run beside the services of test.sh or a demo.
# CMP_TEST_SEED replays a chaos schedule; CMP_FUZZ_SECONDS overrides the
# fuzzing time (long: 600; short: 0, the decoder's proptests run instead).
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
MODE="${1:-short}"
case "$MODE" in
  short) FUZZ_SECONDS="${CMP_FUZZ_SECONDS:-0}" OUT_DEFAULT="" CLUSTER_RUNS=1 CLUSTER_COUNT=4000 CLUSTER_RATE=400
    CLUSTER_FAULTS=(kill-replica kill-shard kill-zookeeper kill-ingest kill-half) ;;
  long) FUZZ_SECONDS="${CMP_FUZZ_SECONDS:-600}" OUT_DEFAULT="$REPO/RELIABILITY.md" CLUSTER_RUNS=3 CLUSTER_COUNT=40000 CLUSTER_RATE=2000
    CLUSTER_FAULTS=(kill-replica kill-shard kill-zookeeper kill-ingest kill-half) ;;
  *) echo "usage: run.sh short|long" >&2; exit 2 ;;
esac
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export CARGO_TERM_COLOR=never
OUT="${OUT_DEFAULT:-$CARGO_TARGET_DIR/RELIABILITY-short.md}"
step() { printf '\n=== reliability %s: %s (%ss)\n' "$MODE" "$*" "$SECONDS"; }

step "build"
cargo build --workspace --bins --locked
cargo test -p cmp-tests --locked --no-run

step "start services of our own (broker on sqlite storage)"
unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
export CMP_KAFKA_STORAGE=sqlite
CMP_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-reliability.XXXXXX")"
export CMP_RUN_DIR
cleanup() { bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1 || true; rm -rf "$CMP_RUN_DIR"; }
trap cleanup EXIT
bash "$REPO/deploy/local/services.sh" start clickhouse kafka
# shellcheck disable=SC1091
source "$CMP_RUN_DIR/env.sh"
FIGURES="$CMP_RUN_DIR/figures.tsv"
export CMP_RELIABILITY_FIGURES="$FIGURES"
: >"$FIGURES"

step "adversarial Kafka input"
cargo test -p cmp-tests --locked -- adversarial:: --test-threads 1

step "adversarial HTTP (hand-written hostile requests)"
cargo test -p cmp-tests --locked -- hostile_http:: --test-threads 1

step "chaos under load ($MODE)"
CMP_CHAOS_MODE="$MODE" cargo test -p cmp-tests --locked -- --ignored chaos:: --test-threads 1 --nocapture

step "fuzzing the decoder (${FUZZ_SECONDS}s)"
if ((FUZZ_SECONDS > 0)); then
  bash "$REPO/fuzz/run.sh" "$FUZZ_SECONDS" | tee "$CMP_RUN_DIR/fuzz.log"
  sed -n 's/^fuzz \([a-z_.]*\): \(.*\)$/fuzz.\1\t\2/p' "$CMP_RUN_DIR/fuzz.log" >>"$FIGURES"
else
  cargo test -p cmp-model --locked --test model -- properties::
fi

if ((CLUSTER_RUNS > 0)); then
  step "the cluster's faults (deploy/cluster/faults.sh, $CLUSTER_RUNS run(s) of each)"
  CMP_BIN_DIR="$CARGO_TARGET_DIR/debug" CMP_COMPARE_COUNT="$CLUSTER_COUNT" CMP_COMPARE_RATE="$CLUSTER_RATE" \
    bash "$REPO/deploy/cluster/faults.sh" "$CLUSTER_RUNS" "${CLUSTER_FAULTS[@]}"
fi

if [ "$MODE" = long ]; then
  step "adversarial HTTP (schemathesis from the OpenAPI document, http.sh)"
  bash "$HERE/http.sh"
fi

step "write $OUT"
bash "$HERE/render.sh" "$MODE" "$FIGURES" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
step "done"
