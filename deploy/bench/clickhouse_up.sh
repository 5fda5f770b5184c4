# Sourced by the benchmarks on a ClickHouse of their own (load.sh, reads.sh,
# views.sh). start_clickhouse AGGREGATOR starts ClickHouse alone in a fresh
# run directory (stopped and purged on exit), migrates the database
# $CMP_CLICKHOUSE_DATABASE with the cmp-aggregator AGGREGATOR, and defines
# q SQL (one statement against that database). Needs REPO.
start_clickhouse() {
  export CMP_RUN_DIR; CMP_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cmp-bench.XXXXXX")"
  unset CMP_CH_HTTP_PORT CMP_CH_HTTPS_PORT CMP_CH_TCP_PORT CMP_KAFKA_PORT CMP_PROM_PORT
  trap 'bash "$REPO/deploy/local/services.sh" stop --purge >/dev/null 2>&1; rm -rf "$CMP_RUN_DIR"' EXIT
  bash "$REPO/deploy/local/services.sh" start clickhouse
  # shellcheck disable=SC1091
  source "$CMP_RUN_DIR/env.sh"
  "$1" migrate >/dev/null 2>&1
}

q() { curl -fsS "$CMP_CLICKHOUSE_URL/?database=$CMP_CLICKHOUSE_DATABASE" --data-binary "$1"; }
