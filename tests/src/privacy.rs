//! Looking for clear client identifiers where none may be: every table of a
//! test's ClickHouse database (and ClickHouse's own logging tables, when the
//! server keeps them), and log files. The generator's clear identifiers all
//! read `ga:<digits>`; a keyed hash is lower-case hex, so it never matches.

use std::path::Path;

use cmp_store::Store;
use serde::Deserialize;

/// Whether `text` holds a generated clear client id (`ga:` then a digit).
pub fn has_clear_id(text: &[u8]) -> bool {
    text.windows(4)
        .any(|w| w.starts_with(b"ga:") && w[3].is_ascii_digit())
}

#[derive(Debug, clickhouse::Row, Deserialize)]
struct Table {
    database: String,
    name: String,
}

/// The tables of `store`'s database, plus the server's query and text logs
/// where they exist, that hold a clear id: `(table, rows scanned)` of each
/// table scanned, and the names of those that hold one.
pub async fn clickhouse_tables_with_clear_ids(store: &Store) -> (Vec<(String, u64)>, Vec<String>) {
    let tables: Vec<Table> = store
        .client
        .query(
            "SELECT database, name FROM system.tables
             WHERE (database = ? AND engine NOT IN ('View', 'MaterializedView'))
                OR (database = 'system' AND name IN ('query_log', 'query_thread_log', 'text_log', 'part_log'))
             ORDER BY database, name",
        )
        .bind(&store.database)
        .fetch_all()
        .await
        .expect("list tables");
    let mut scanned = Vec::new();
    let mut found = Vec::new();
    for t in tables {
        let full = format!("`{}`.`{}`", t.database, t.name);
        // Every column as text (aggregate states as their bytes).
        let mut cursor = store
            .client
            .query(&format!("SELECT * FROM {full}"))
            .fetch_bytes("TabSeparated")
            .expect("scan");
        let bytes = cursor.collect().await.expect("scan");
        let rows = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        if has_clear_id(&bytes) {
            found.push(full.clone());
        }
        scanned.push((full, rows));
    }
    (scanned, found)
}

/// The files under `dir` (recursively) that hold a clear id, and how many
/// files were read.
pub fn files_with_clear_ids(dir: &Path) -> (usize, Vec<String>) {
    let mut read = 0;
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                read += 1;
                if has_clear_id(&bytes) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    (read, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_ids_are_found_and_hashes_are_not() {
        assert!(has_clear_id(b"client ga:1849302.77 seen"));
        assert!(has_clear_id(b"ga:0"));
        assert!(!has_clear_id(b"ga:"));
        assert!(!has_clear_id(b"omega: x"));
        assert!(!has_clear_id(
            b"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ));
    }
}
