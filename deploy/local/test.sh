#!/usr/bin/env bash
# Every test of the project, from a bare Debian 12 machine with a Rust
# toolchain: installs what is missing (install.sh, then the browser tests'
# npm packages from their lockfile), checks formatting and
# lints, runs the hermetic unit tests, checks the operations artefacts
# (deploy/ops/check.sh), starts real ClickHouse, broker and
# Prometheus on free 127.0.0.1 ports in a fresh run directory, runs every SQL
# statement through the current ClickHouse engine (chdb), then the
# end-to-end tests against the real services, and tears the services down.
set -euo pipefail
# rustup installs cargo here; a non-login shell (CI) may not have it on PATH.
[[ -d $HOME/.cargo/bin ]] && export PATH="$HOME/.cargo/bin:$PATH"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
# Builds survive between clean clones (CI) when the cache does.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export CARGO_TERM_COLOR=never

step() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }

step "install what is missing"
bash "$HERE/install.sh" --with-chdb

step "browser test dependencies (npm ci, tests/browser)"
npm ci --prefix "$REPO/tests/browser" --cache "$CACHE/npm" --prefer-offline --no-audit --no-fund

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build"
cargo build --workspace --bins --locked

step "unit tests (hermetic): a newcomer's plain \`cargo test\` at the root"
# The root's default members leave out cmp-tests (it needs the services), so
# the first command a newcomer types passes on a bare checkout.
cargo test --locked

step "operations artefacts: alert rules and their tests, compose, k8s, dashboards"
bash "$REPO/deploy/ops/check.sh"

step "start services"
export CMP_KAFKA_STORAGE="${CMP_KAFKA_STORAGE:-memory}"  # tests need speed, not broker restarts
CMP_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-test.XXXXXX")"
export CMP_RUN_DIR
# Every service gets a free port: never one a developer's demo holds.
unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
cleanup() { bash "$HERE/services.sh" stop --purge >/dev/null 2>&1 || true; rm -rf "$CMP_RUN_DIR"; }
trap cleanup EXIT
bash "$HERE/services.sh" start
# shellcheck disable=SC1091
source "$CMP_RUN_DIR/env.sh"

step "SQL through the current ClickHouse engine (chdb)"
bash "$HERE/check-sql.sh"

step "end-to-end tests against the real services"
cargo test -p cmp-tests --locked -- --skip outage:: --test-threads "${CMP_TEST_THREADS:-2}"

step "outage tests (they stop shared services, so they run alone)"
cargo test -p cmp-tests --locked -- outage:: --test-threads 1

step "reliability, short mode (chaos under load, hostile input, privacy; own services)"
bash "$REPO/deploy/reliability/run.sh" short

step "all tests passed"
