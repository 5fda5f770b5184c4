#!/usr/bin/env bash
# The demo's past, so a newcomer sees every state within a minute: two
# years of generated traffic behind today (a baseline year for channel
# shift, late events included), denser over the campaigns' flights, and a
# burst yesterday (an unusual day); then, through the API, the campaigns
# (flights 75 days old, one with a weekly flight plan), targets set from
# what the history shows so that one campaign is on track, one at risk and
# one off track, and unit costs of service for the channel-shift page.
# Called by demo.sh once cmp-ingest and cmp-api run; needs BIN, API, TOKEN.
set -euo pipefail
: "${BIN:?}" "${API:?}" "${TOKEN:?}"
TZ_NAME="${CMP_REPORT_TZ:-America/Toronto}"
api() { curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
at() { date -u -d "$1" +%FT%TZ; } # an instant `date -d` understands, as RFC 3339
gen() { # now spread count seed
  "$BIN/cmp-loadgen" --now "$1" --spread "$2" --count "$3" --seed "$4" --late 0.02 \
    --clients 4000 >/dev/null
}

echo "demo: producing two years of history (about 370,000 messages)…"
for k in $(seq 2 11); do gen "$(at "now - $((60 * k)) days")" 60d 5000 $((700 + k)); done
gen "$(at "now - 60 days")" 60d 100000 712
gen "$(at now)" 60d 200000 713
# Yesterday, three times a usual day's traffic: an unusual day to flag.
MIDNIGHT="$(TZ="$TZ_NAME" date -d 'today 00:00' +%s)"
gen "$(date -u -d "@$MIDNIGHT" +%FT%TZ)" 1d 15000 714

# Ingest has stored it all when its stored count stops moving.
stored() { curl -fsS "http://$INGEST_METRICS/metrics" | awk '/^cmp_ingest_events_stored_total/ {s += $2} END {print s + 0}'; }
last=-1
for _ in $(seq 120); do
  now="$(stored)"
  [[ $now == "$last" && $now != 0 ]] && break
  last=$now
  sleep 1
done
echo "demo: history stored ($last events)"

TODAY="$(TZ="$TZ_NAME" date +%F)"
START="$(date -d "$TODAY -75 days" +%F)" END="$(date -d "$TODAY +45 days" +%F)"
# The campaigns, then again with budgets and targets set from what each did
# so far: (pace of its targets, spend against budget): on track and on
# pace with a weekly plan heavier at the start, at risk and over budget,
# off track and under budget.
CAMPAIGNS=(
  "oas-online-2026|oas|Apply for OAS online|Demandez la SV en ligne|1.25|1.0|weekly"
  "ei-digital-2026|ei|EI, digital first|L'AE, le numérique d'abord|0.82|0.75|even"
  "passport-renew-2026|passport|Renew your passport online|Renouvelez votre passeport en ligne|0.5|1.5|even"
)
for c in "${CAMPAIGNS[@]}"; do
  IFS='|' read -r id program en fr pace spend plan <<<"$c"
  first="{\"name\":{\"en\":\"$en\",\"fr\":\"$fr\"},\"program\":\"$program\",\"start_date\":\"$START\",\"end_date\":\"$END\",\"budget_cents\":1}"
  api -X PUT "$API/api/v1/campaigns/$id" --data-binary "$first" >/dev/null
  bodies="$(api "$API/api/v1/campaigns/$id/performance" | python3 -c '
import datetime, json, sys
p = json.load(sys.stdin)
first, start, end, today, pace, spend, plan = sys.argv[1:]
d = datetime.date.fromisoformat
elapsed = ((d(today) - d(start)).days + 1) / ((d(end) - d(start)).days + 1)
t = p["totals"]
budget = max(100_000, round(t["spend_cents"] / elapsed * float(spend)))
campaign = json.loads(first)
campaign["budget_cents"] = budget
if plan == "weekly":
    monday = d(start) - datetime.timedelta(days=d(start).weekday())
    weeks, week = [], monday
    while week <= d(end):
        weeks.append(week)
        week += datetime.timedelta(days=7)
    # The first half of the weeks twice as heavy as the second.
    shares = [2 if i < len(weeks) / 2 else 1 for i in range(len(weeks))]
    campaign["flight_plan"] = [{"week": w.isoformat(), "cents": budget * s // sum(shares)} for w, s in zip(weeks, shares)]
def target(v): return max(10, round((v or 0) / elapsed / float(pace)))
# A ratio does not grow with live traffic: its status holds all demo long.
ctr = (t.get("ctr") or 0.01) / float(pace)
targets = [
    {"kpi": "uptake_completed", "target": target(t.get("uptake_completed"))},
    {"kpi": "clicks", "target": target(t.get("clicks"))},
    {"kpi": "ctr", "target": round(ctr, 6)},
    {"kpi": "program_online_share", "target": 0.4},
]
print(json.dumps(campaign))
print(json.dumps(targets))' "$first" "$START" "$END" "$TODAY" "$pace" "$spend" "$plan")"
  api -X PUT "$API/api/v1/campaigns/$id" --data-binary "$(sed -n 1p <<<"$bodies")" >/dev/null
  api -X PUT "$API/api/v1/campaigns/$id/targets" --data-binary "$(sed -n 2p <<<"$bodies")" >/dev/null
done

# Unit costs of service of three fiscal years, with their sources.
fy() { # the fiscal year `date -d $1` falls in, e.g. 2026-27
  local y m
  y="$(date -d "$1" +%Y)" m="$(date -d "$1" +%-m)"
  ((m < 4)) && y=$((y - 1))
  printf '%d-%02d' "$y" $(((y + 1) % 100))
}
for program in oas ei passport; do
  costs=""
  for when in "$TODAY" "$TODAY -1 year" "$TODAY -2 years"; do
    f="$(fy "$when")"
    for pair in online:95 phone:1150 in_person:2880 mail:1700; do
      costs+="{\"fiscal_year\":\"$f\",\"service_channel\":\"${pair%%:*}\",\"cost_cents\":${pair#*:},\"source\":\"demo figures, not a costing\"},"
    done
  done
  api -X PUT "$API/api/v1/programs/$program/service-costs" --data-binary "[${costs%,}]" >/dev/null
done
echo "demo: campaigns, targets and unit costs registered"
