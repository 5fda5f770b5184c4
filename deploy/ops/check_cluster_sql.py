"""Parses every statement of deploy/clickhouse/cluster/schema.sql with the
current ClickHouse parser (chdb, `EXPLAIN AST`): the cluster DDL cannot run
here (no Keeper), but a syntax error is caught. Run by deploy/ops/check.sh."""

import pathlib
import re
import sys

import chdb

SCHEMA = pathlib.Path(__file__).resolve().parents[1] / "clickhouse/cluster/schema.sql"
sql = re.sub(r"--[^\n]*", "", SCHEMA.read_text())
statements = [s.strip() for s in sql.split(";") if s.strip()]
bad = 0
for s in statements:
    try:
        chdb.query("EXPLAIN AST " + s, "CSV")
    except Exception as e:  # chdb raises its own error type per version
        bad += 1
        print(f"check_cluster_sql: {s.splitlines()[0]}: {str(e).splitlines()[0]}")
print(f"check_cluster_sql: {len(statements) - bad} of {len(statements)} statements parse")
sys.exit(1 if bad else 0)
