//! Migration 0016 on a database that 0015 left with data: `uptake_daily`
//! sorted by campaign first keeps every row it had, `program_daily` starts
//! with the program sums of those rows, and the views feed both afterwards.

use cmp_tests::{ledger, migrated_to};

/// `n` events of both kinds over two months, 4 campaigns (one slot left
/// empty: uptake without a campaign), 3 programs, every stage, starting at
/// ledger offset `first`.
const EVENTS: &str = "INSERT INTO events (src_topic, src_partition, src_offset, kind, event_id, \
     event_time, event_ms, campaign_id, channel, action, count, cost_cents, program, \
     service_channel, stage, segment, region, language, client_hash, ingested_at) \
     SELECT 't', 0, ? + number, if(number % 3 = 0, 'engagement', 'uptake'), \
     concat('e-', toString(? + number)), toDateTime('2026-10-20 00:00:00') + number * 1301, 0, \
     ['', 'c-1', 'c-2', 'c-3'][number % 4 + 1], 'web', 'click', 1, 5, \
     ['oas', 'ei', 'cpp'][number % 5 % 3 + 1], ['online', 'phone'][number % 7 % 2 + 1], \
     ['started', 'submitted', 'completed'][number % 11 % 3 + 1], \
     ['seniors', 'youth'][number % 13 % 2 + 1], ['ON', 'QC', 'BC'][number % 17 % 3 + 1], \
     ['en', 'fr'][number % 19 % 2 + 1], '', now() \
     FROM system.numbers LIMIT ?";

/// The tier's rows, merged (one per key), in key order.
const UPTAKE_ROWS: &str = "SELECT month, toUInt32(day), program, campaign_id, grouping, \
     service_channel, stage, segment, region, language, sum(tally) AS t FROM uptake_daily \
     GROUP BY month, day, program, campaign_id, grouping, service_channel, stage, segment, \
     region, language ORDER BY month, day, program, campaign_id, grouping, service_channel, \
     stage, segment, region, language";

#[derive(Debug, PartialEq, clickhouse::Row, serde::Deserialize)]
struct UptakeRow {
    month: u32,
    day: u32,
    program: String,
    campaign_id: String,
    grouping: u8,
    service_channel: String,
    stage: String,
    segment: String,
    region: String,
    language: String,
    tally: u64,
}

/// `program_daily`'s rows, and the same sums from `uptake_daily`'s
/// completed rows (whatever their campaign).
const PROGRAM_ROWS: [&str; 2] = [
    "SELECT month, toUInt32(day), program, grouping, service_channel, segment, region, \
     language, sum(tally) AS t FROM program_daily \
     GROUP BY month, day, program, grouping, service_channel, segment, region, language \
     ORDER BY month, day, program, grouping, service_channel, segment, region, language",
    "SELECT month, toUInt32(day), program, grouping, service_channel, segment, region, \
     language, sum(tally) AS t FROM uptake_daily WHERE stage = 'completed' \
     GROUP BY month, day, program, grouping, service_channel, segment, region, language \
     ORDER BY month, day, program, grouping, service_channel, segment, region, language",
];

type ProgramRow = (u32, u32, String, u8, String, String, String, String, u64);

#[tokio::test]
async fn resorting_the_daily_uptake_keeps_its_rows_and_the_program_table_starts_from_them() {
    let env = migrated_to("tier_0016", 1, 15).await;
    let client = &env.store.client;
    let insert = |first: u64, n: u64| {
        client
            .query(EVENTS)
            .bind(first)
            .bind(first)
            .bind(n)
            .execute()
    };
    insert(0, 3000).await.expect("events at 0015");
    let before: Vec<UptakeRow> = client.query(UPTAKE_ROWS).fetch_all().await.expect("rows");
    assert!(before.len() > 500, "{} rows", before.len());

    let applied = cmp_store::migrate(&env.store).await.expect("migrate");
    assert_eq!(applied, vec![16]);
    let after: Vec<UptakeRow> = client.query(UPTAKE_ROWS).fetch_all().await.expect("rows");
    assert_eq!(after, before, "uptake_daily's rows after the copy");
    let key: String = client
        .query("SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'uptake_daily'")
        .fetch_one()
        .await
        .expect("sorting key");
    assert!(key.starts_with("campaign_id, grouping, day"), "{key}");
    let [programs, from_uptake] = PROGRAM_ROWS;
    let program: Vec<ProgramRow> = client
        .query(programs)
        .fetch_all()
        .await
        .expect("program rows");
    let want: Vec<ProgramRow> = client
        .query(from_uptake)
        .fetch_all()
        .await
        .expect("completed uptake rows");
    assert!(!program.is_empty());
    assert_eq!(program, want, "program_daily filled from uptake_daily");

    // New events reach both through the views; the tier equals the ledger.
    insert(3000, 2000).await.expect("events at 0016");
    ledger::assert_daily_tier_matches(&env.store).await;
    // Once more: nothing left to do.
    assert!(
        cmp_store::migrate(&env.store)
            .await
            .expect("again")
            .is_empty()
    );
}
