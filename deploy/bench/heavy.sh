# Sourced by the benchmarks that generate heavy-tailed events inside
# ClickHouse (reads.sh, views.sh): EVENT_SELECT FIRST-OFFSET TIME-EXPRESSION
# is the SELECT list of one `events` row per `number` of its FROM, with
# campaign sizes, segments, regions and channels skewed (a power of a
# uniform draw picks the index), bulk impressions (counts up to 5 000),
# 80 % engagement, and clients drawn from a skewed pool per campaign (a
# quarter without one).

# u(k): a uniform draw in [0, 1) from the row number, stream k.
u() { echo "(cityHash64(number, $1) % 1000000) / 1000000."; }
CAMPAIGN="concat('camp-', toString(toUInt32(floor(50 * pow($(u 1), 2)))))"
EVENT_SELECT() { # first-offset time-expression
  cat <<SQL
SELECT 'cmp.bench.v1', 0, $1 + number, if($(u 2) < 0.2, 'uptake', 'engagement'),
  concat('r-', toString($1 + number)), $2, 0,
  if($(u 2) < 0.2 AND $(u 3) < 0.3, '', $CAMPAIGN),
  ['social','search','display','video','web','tv','radio','print','signage','email','outreach'][toUInt32(floor(11 * pow($(u 4), 2))) + 1],
  ['impression','impression','impression','impression','click','engagement','video_complete','visit','share'][toUInt32(floor(9 * $(u 5))) + 1],
  toUInt32(1 + if($(u 5) < 0.45, floor(5000 * pow($(u 6), 8)), 0)), toUInt64(floor(200 * $(u 7))),
  ['oas','ei','cpp','gis','passport'][toUInt32(floor(5 * $(u 8))) + 1],
  ['online','online','online','phone','in_person','mail'][toUInt32(floor(6 * $(u 9))) + 1],
  ['started','started','submitted','completed'][toUInt32(floor(4 * $(u 10))) + 1],
  ['unspecified','seniors','families','newcomers','youth','rural','indigenous'][toUInt32(floor(7 * pow($(u 11), 2))) + 1],
  ['ON','QC','BC','AB','MB','SK','NS','NB','NL','PE','XX','YT','NT','NU','CA'][toUInt32(floor(15 * pow($(u 12), 2.5))) + 1],
  ['en','en','en','en','en','en','en','fr','fr','und'][toUInt32(floor(10 * $(u 13))) + 1],
  if($(u 14) < 0.25, '', hex(cityHash64($CAMPAIGN, toUInt32(floor(300000 * pow($(u 15), 1.5)))))),
  now(), '', '', ''
SQL
}
