# Sourced by the benchmarks that read a loaded ledger (report.sh, api.sh):
# starts ClickHouse alone in a fresh run directory (stopped and purged on
# exit), migrates the database `$CMP_CLICKHOUSE_DATABASE` (default
# bench_report), registers 50 campaigns `camp-0`…`camp-49` (fiscal year
# 2026-27) and inserts $EVENTS events (default 10 M) over 180 days from
# 2026-06-01, generated inside ClickHouse with INSERT … SELECT so the
# rollups fill through the same materialized views as in production.
# Needs: REPO, CARGO_TARGET_DIR with a release cmp-aggregator. Defines q SQL.
EVENTS="${EVENTS:-10000000}"
export CMP_CLICKHOUSE_DATABASE="${CMP_CLICKHOUSE_DATABASE:-bench_report}"
# shellcheck source=deploy/bench/clickhouse_up.sh
source "$REPO/deploy/bench/clickhouse_up.sh"
start_clickhouse "$CARGO_TARGET_DIR/release/cmp-aggregator"

q "INSERT INTO campaigns (campaign_id, name_en, name_fr, program, start_date, end_date, budget_cents, changed_by, changed_at) SELECT concat('camp-', toString(number)), 'Campaign', 'Campagne', ['oas','ei','cpp','gis','passport'][number % 5 + 1], toDate('2026-04-01'), toDate('2027-03-31'), 100000000, 'bench', now() FROM system.numbers LIMIT 50"
load_start=$(date +%s)
q "INSERT INTO events SELECT 'cmp.engagement.v1', number % 4, number, if(number % 5 = 0, 'uptake', 'engagement'), concat('b-', toString(number)), toDateTime('2026-06-01 00:00:00') + (number * 7919) % (180 * 86400), 0, if(number % 5 = 0 AND number % 3 = 0, '', concat('camp-', toString(number % 50))), ['web','social','search','display','video','tv','radio','print','signage','email','outreach'][number % 11 + 1], ['impression','impression','impression','click','engagement','share','video_complete','visit'][number % 8 + 1], 1 + number % 7, number % 13, ['oas','ei','cpp','gis','passport'][number % 5 + 1], ['online','online','phone','in_person','mail'][number % 5 + 1], ['started','submitted','completed'][number % 3 + 1], ['seniors','newcomers','youth','families','indigenous','rural','unspecified'][number % 7 + 1], ['AB','BC','MB','NB','NL','NS','NT','NU','ON','PE','QC','SK','YT','CA','XX'][number % 15 + 1], ['en','fr','und'][number % 3 + 1], if(number % 4 = 0, '', hex(cityHash64(number % 2000000))), now(), '', '', '' FROM system.numbers LIMIT $EVENTS"
echo "inserted $EVENTS events (and their rollups) in $(( $(date +%s) - load_start )) s"
