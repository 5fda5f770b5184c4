#!/usr/bin/env bash
# Times the KPI engine with 10 M events over 50 campaigns in the ledger
# (loaded by load.sh).
# Usage: deploy/bench/report.sh [EVENTS=10000000] [REPS=30]
set -euo pipefail
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EVENTS="${1:-10000000}" REPS="${2:-30}"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"

bash "$REPO/deploy/local/install.sh"
cargo build --release --locked -p cmp-aggregator --bins
cargo build --release --locked -p cmp-report --examples
# shellcheck source=deploy/bench/load.sh
source "$HERE/load.sh"
for c in camp-0 camp-17 camp-42; do
  "$CARGO_TARGET_DIR/release/examples/report_timing" "$c" "$REPS"
done
