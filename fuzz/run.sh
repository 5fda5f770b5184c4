#!/usr/bin/env bash
# Fuzzes the decoder (fuzz_targets/decode.rs) with libFuzzer through
# cargo-fuzz for SECONDS (default 60), from the seeds in seeds/decode and
# the dictionary decode.dict; prints `fuzz NAME: VALUE` figures at the end.
# cargo-fuzz wants a nightly compiler for its sanitizer flags; the stable
# toolchain accepts them with RUSTC_BOOTSTRAP=1, which this script sets
# (a documented escape hatch of rustc, used here only for this build).
# A crash leaves its input in fuzz/artifacts/decode/ and fails the script.
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECONDS_TO_RUN="${1:-60}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$CACHE/target-fuzz"
cd "$HERE"
# The corpus grows between runs (in the cache); the seeds are the start.
CORPUS="$CACHE/fuzz-corpus/decode"
mkdir -p "$CORPUS"
cargo fuzz build decode
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo fuzz run decode "$CORPUS" seeds/decode -- \
  -dict=decode.dict -max_len=70000 -max_total_time="$SECONDS_TO_RUN" \
  -print_final_stats=1 2>&1 | tee "$log" | grep -E '^(#[0-9]+ *(INITED|DONE|pulse)|Done|==|SUMMARY|stat::)' || true
status=${PIPESTATUS[0]}
runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
cov="$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
echo "fuzz seconds: $SECONDS_TO_RUN"
echo "fuzz executions: ${runs:-0}"
echo "fuzz coverage_edges: ${cov:-0}"
echo "fuzz corpus_inputs: $(find "$CORPUS" -type f | wc -l)"
echo "fuzz crashes: $([[ $status -eq 0 ]] && echo 0 || echo 1)"
exit "$status"
