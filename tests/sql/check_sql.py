#!/usr/bin/env python3
"""Run every SQL statement of the project through chdb (the current ClickHouse
engine, in-process) and fail on any statement the modern engine rejects.

Layout read (default root: <repo>/store/sql, or --sql-dir):
  migrations/NNNN_name.sql  run in name order; several statements per file,
                            each ending with `;` at the end of a line
  queries/*.sql             one statement each, run after the migrations;
                            `?` placeholders take the values of a first-line
                            comment `-- params: 'a', 3, 100` in order, and
                            `?fields` the list of a `-- fields: a, b` line;
                            a `-- parse-only: <why>` line (a statement only
                            a replicated table takes) runs `EXPLAIN AST` of it
Lines starting with `--` are comments. Before the queries, every table gets
two rows of column defaults so that selects and materialized views run on
data. Exit status: 0 all OK, 1 any FAIL or no statements found, 2 setup error.
Usage: check_sql.py [--sql-dir DIR] [--verbose]
"""
import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOT_INSERTABLE = re.compile(r"View$|^(Distributed|Kafka|Dictionary|Merge|Buffer|Null|Set|Join)$")


def strip_comment_lines(text):
    return "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("--"))


def split_statements(text):
    parts = re.split(r";[ \t]*$", strip_comment_lines(text), flags=re.M)
    return [p.strip() for p in parts if p.strip()]


def split_literals(text):
    """Split `'a,b', [1, 2], 3` on top-level commas (quotes and brackets aware)."""
    out, cur, depth, quote, i = [], "", 0, False, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and i + 1 < len(text):
                cur += text[i : i + 2]
                i += 2
                continue
            quote = c != "'"
        elif c == "'":
            quote = True
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(cur.strip())
            cur, i = "", i + 1
            continue
        cur += c
        i += 1
    if cur.strip():
        out.append(cur.strip())
    return out


def header(text, name):
    m = re.search(rf"^\s*--\s*{name}:(.*)$", text, flags=re.M)
    return split_literals(m.group(1)) if m else None


def bind(sql, params, fields):
    """Replace `?fields` and `?` placeholders outside string literals."""
    out, quote, i, params = [], False, 0, list(params or [])
    while i < len(sql):
        c = sql[i]
        if quote:
            if c == "\\":
                out.append(sql[i : i + 2])
                i += 2
                continue
            quote = c != "'"
        elif c == "'":
            quote = True
        elif c == "?" and sql.startswith("?fields", i):
            if fields is None:
                raise ValueError("`?fields` without a `-- fields:` line")
            out.append(", ".join(fields))
            i += len("?fields")
            continue
        elif c == "?":
            if not params:
                raise ValueError("more `?` placeholders than `-- params:` values")
            out.append(params.pop(0))
            i += 1
            continue
        out.append(c)
        i += 1
    if params:
        raise ValueError(f"{len(params)} `-- params:` values left unused")
    return "".join(out)


def seed_tables(sess, report):
    """Insert two rows of column defaults into every plain table of `cmp`."""
    rows = str(sess.query(
        "SELECT name, engine FROM system.tables WHERE database = 'cmp' ORDER BY name", "TSV"))
    for line in rows.splitlines():
        name, engine = line.split("\t")
        if NOT_INSERTABLE.search(engine):
            continue
        try:
            sess.query(f"INSERT INTO cmp.`{name}` FORMAT JSONEachRow {{}} {{}}")
        except Exception as e:  # seeding is a help, not a check
            report("WARN", f"seed {name}", e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sql-dir", type=Path, default=REPO / "store" / "sql")
    ap.add_argument("--verbose", action="store_true", help="print each statement")
    args = ap.parse_args()
    try:
        from chdb import session
        import chdb
    except ImportError as e:
        print(f"check_sql: chdb not importable ({e}); run deploy/local/check-sql.sh", file=sys.stderr)
        return 2

    failures = 0

    def report(status, what, err=None):
        msg = f"{status:4} {what}"
        if err is not None:
            msg += ": " + " ".join(str(err).split())[:600]
        print(msg)

    def run(what, statements):
        nonlocal failures
        for n, sql in enumerate(statements, 1):
            if args.verbose:
                print(f"---- {what} #{n}\n{sql}")
            try:
                sess.query(sql, "TSV")
            except Exception as e:
                failures += 1
                report("FAIL", f"{what} (statement {n} of {len(statements)})", e)
                return
        report("OK", f"{what} ({len(statements)} statement{'s' if len(statements) != 1 else ''})")

    migrations = sorted((args.sql_dir / "migrations").glob("*.sql"))
    queries = sorted((args.sql_dir / "queries").glob("*.sql"))
    print(f"check_sql: chdb {chdb.__version__}, ClickHouse {chdb.engine_version}, "
          f"{len(migrations)} migrations, {len(queries)} queries in {args.sql_dir}")
    sess = session.Session()
    sess.query("CREATE DATABASE IF NOT EXISTS cmp")
    sess.query("USE cmp")

    total = 0
    for path in migrations:
        stmts = split_statements(path.read_text())
        total += len(stmts)
        run(f"migration {path.name}", stmts)
    seed_tables(sess, report)
    for path in queries:
        text = path.read_text()
        stmts = split_statements(text)
        total += len(stmts)
        try:
            stmts = [bind(s, header(text, "params"), header(text, "fields")) for s in stmts]
            if header(text, "parse-only"):
                stmts = [f"EXPLAIN AST {s}" for s in stmts]
        except ValueError as e:
            failures += 1
            report("FAIL", f"query {path.name}", e)
            continue
        run(f"query {path.name}", stmts)
    sess.close()

    if total == 0:
        print(f"check_sql: FAIL: no SQL statements found under {args.sql_dir}")
        return 1
    print(f"check_sql: {total} statements, {failures} failing file(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
