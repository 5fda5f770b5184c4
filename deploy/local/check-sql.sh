#!/usr/bin/env bash
# Runs every SQL statement of the project (store/sql/migrations/*.sql, then
# store/sql/queries/*.sql) through chdb, the current ClickHouse engine
# in-process, and fails on any statement it rejects (tests/sql/check_sql.py).
# Creates the chdb venv first if missing (install.sh --chdb-only).
# Usage: deploy/local/check-sql.sh [--sql-dir DIR] [--verbose]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${CMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cmp}"
PYTHON="$CACHE/venv-chdb/bin/python"

if ! "$PYTHON" -c 'import chdb' 2>/dev/null; then
  "$HERE/install.sh" --chdb-only
fi
exec "$PYTHON" "$HERE/../../tests/sql/check_sql.py" "$@"
