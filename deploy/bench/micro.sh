#!/usr/bin/env bash
# Microbenchmarks (BENCHMARKS.md): criterion benches of cmp-bench (decode and
# dedup), then the ratios of one run: decode+validate against a bare
# serde_json::from_slice of the same messages, and the dedup index's memory
# per event (ingest's dedup_memory example, 1 M events).
# Usage: deploy/bench/micro.sh [criterion flags, e.g. --measurement-time 5]
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
cd "$REPO"

cargo bench --locked -p cmp-bench -- "$@"
cargo build --release --locked -p cmp-ingest --example dedup_memory
python3 - "$CARGO_TARGET_DIR/criterion" <<'PY'
import json, os, sys
root = sys.argv[1]
def ns(group, name):
    with open(os.path.join(root, group, name, "new", "estimates.json")) as f:
        return json.load(f)["median"]["point_estimate"]
d, v, i = (ns("decode", n) for n in ("decode_validate", "serde_json_value", "serde_json_ignored"))
per = 10_000  # messages per iteration (benches/decode.rs)
print(f"decode+validate {d / per:.0f} ns/msg; serde_json Value {v / per:.0f} ns/msg; IgnoredAny {i / per:.0f} ns/msg")
print(f"decode+validate / serde_json::from_slice::<Value>      {v / d:.2f} (goal >= 0.5)")
print(f"decode+validate / serde_json::from_slice::<IgnoredAny> {i / d:.2f}")
for n in ("key", "check_new", "check_repeat", "insert"):
    print(f"dedup {n}: {ns('dedup', n) / 10_000:.1f} ns/event")
PY
"$CARGO_TARGET_DIR/release/examples/dedup_memory" 1000000
