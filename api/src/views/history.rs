//! A campaign's recorded attainment over time (the aggregator's
//! `attainment_history` snapshots), per target, for the ADM's trend view.
//! The snapshots hold exact values; non-admins see them published as on
//! every other route (docs/privacy.md): a client-count actual is hidden
//! when small, else published in the cell of the target's narrowing (the
//! target set in force when it was recorded) as the sum of the daily atoms
//! of the days it covers: the days before the one judged from today's
//! daily counts of that cell (as the performance route publishes them),
//! the day judged from what the snapshot adds to them (its count as
//! recorded, so a snapshot taken during a day rounds that day's count so
//! far). Reach, which does not add, is rounded as a whole. Attainment,
//! pace and status are judged again from the published actual. A snapshot keeps
//! no sums, so a ratio built on client counts (`cost_per_uptake_cents`,
//! `program_online_share`) cannot be computed from published counts: it
//! is hidden. A hidden actual is judged as no actual.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_kpi::{
    CellKey, DateRange, Dimension, Disclosure, Kpi, Lang, Status, Target, Thresholds, is_small,
    local_date,
};
use cmp_report::Days;
use cmp_store::{AttainmentQuery, AttainmentRecord};
use futures_util::future::try_join_all;
use serde::Serialize;
use utoipa::ToSchema;

use super::kpis::kpi_label;
use super::{campaign, targets};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::sources::Sources;

/// Most snapshots one response carries (then `truncated`).
pub const MAX_POINTS: u64 = 50_000;
/// The default span: this many days up to today.
pub const DEFAULT_DAYS: i64 = 30;

/// What the caller asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryRequest {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// One target's position, or all.
    pub target: Option<u16>,
    /// Only the snapshots taken as each reporting day ended.
    pub end_of_day: bool,
}

/// One recorded judgement.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryPoint {
    pub recorded_at: DateTime<Utc>,
    /// Taken as a reporting day ended (judged on that day).
    pub end_of_day: bool,
    pub actual: Option<f64>,
    pub attainment: Option<f64>,
    pub pace: Option<f64>,
    pub status: String,
    pub status_label: String,
    pub suppressed: bool,
}

/// The recorded judgements of one target position.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TargetTrend {
    /// Position in the target set current when recorded.
    pub position: u16,
    pub kpi: String,
    pub kpi_label: String,
    /// The target value when last recorded in the span.
    pub target: f64,
    pub points: Vec<HistoryPoint>,
}

/// The attainment-history response.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryView {
    pub campaign: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub targets: Vec<TargetTrend>,
    /// More snapshots matched than one response carries: narrow the span.
    pub truncated: bool,
    /// Client-count actuals are randomly rounded to a multiple of this
    /// (absent: exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
}

/// The recorded attainment of a campaign's targets over the span.
pub async fn history(
    sources: &Sources,
    caller: &Caller,
    id: &str,
    req: &HistoryRequest,
    lang: Lang,
) -> Result<HistoryView, ApiError> {
    if let (Some(from), Some(to)) = (req.from, req.to) {
        DateRange::new(from, to)?;
    }
    let c = campaign::find(sources, caller, id).await?;
    let today = sources.rules.today();
    let to = req.to.unwrap_or(today);
    let from = req.from.unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    let range = DateRange::new(from, to)?;
    let (start, end) = range.utc_bounds(sources.rules.tz);
    let records = cmp_store::attainment_history(
        &sources.store,
        id,
        &AttainmentQuery {
            start,
            end,
            target: req.target,
            end_of_day_only: req.end_of_day,
            limit: MAX_POINTS + 1,
        },
    )
    .await?;
    let truncated = records.len() as u64 > MAX_POINTS;
    let shown = &records[..records.len().min(MAX_POINTS as usize)];
    let published = if caller.is_admin() {
        None
    } else {
        let versions = cmp_store::target_history(&sources.store, id).await?;
        let sets: Vec<(DateTime<Utc>, Vec<Target>)> = versions
            .iter()
            .map(|v| (v.changed_at, targets::stored(id, &v.targets)))
            .collect();
        let flight = DateRange {
            from: c.start_date,
            to: c.end_date,
        };
        let mut counted: Vec<&Target> = Vec::new();
        for t in sets.iter().flat_map(|(_, set)| set) {
            if t.kpi.is_client_count() && t.kpi != Kpi::Reach && !counted.contains(&t) {
                counted.push(t);
            }
        }
        let tz = sources.rules.tz;
        let days = try_join_all(counted.into_iter().map(|t| {
            let period = t.period(flight);
            let span = DateRange {
                from: period.from,
                to: period.to.min(to),
            };
            let (c, store) = (&c, &sources.store);
            async move {
                let (_, days) = cmp_report::sums_by_day(store, c, t, span, tz).await?;
                Ok::<_, cmp_store::StoreError>((t.clone(), days))
            }
        }))
        .await?;
        Some(Published {
            campaign: id,
            disclosure: sources.rules.disclosure,
            thresholds: sources.rules.thresholds,
            tz,
            flight,
            sets,
            days,
        })
    };
    Ok(HistoryView {
        campaign: id.to_owned(),
        from,
        to,
        targets: trends(shown, published.as_ref(), lang),
        truncated,
        rounded: published.map(|p| p.disclosure.base()).filter(|b| *b > 1),
    })
}

/// How a non-admin is shown the snapshots of one campaign.
struct Published<'a> {
    campaign: &'a str,
    disclosure: Disclosure,
    thresholds: Thresholds,
    tz: Tz,
    /// The campaign's flight (a target's default period).
    flight: DateRange,
    /// Every version of the target set, newest first.
    sets: Vec<(DateTime<Utc>, Vec<Target>)>,
    /// Today's daily counts of each client-count target's cell (not reach)
    /// over its period up to the span's end.
    days: Vec<(Target, Days)>,
}

/// A snapshot's numbers as shown.
struct Point {
    actual: Option<f64>,
    attainment: Option<f64>,
    pace: Option<f64>,
    status: String,
    hidden: bool,
}

impl Published<'_> {
    /// The target a snapshot judged: in the set in force when recorded
    /// (the first set for a snapshot stamped before it: clocks differ).
    fn target(&self, r: &AttainmentRecord) -> Option<&Target> {
        let (_, set) = self
            .sets
            .iter()
            .find(|(at, _)| *at <= r.recorded_at)
            .or_else(|| self.sets.last())?;
        set.get(usize::from(r.target_index))
            .filter(|t| t.kpi.as_str() == r.kpi)
    }

    fn point(&self, r: &AttainmentRecord, kpi: Option<Kpi>) -> Point {
        let exact = Point {
            actual: r.actual,
            attainment: r.attainment,
            pace: r.pace,
            status: r.status.clone(),
            hidden: false,
        };
        let Some(kpi) = kpi else {
            return exact;
        };
        let on_counts = matches!(kpi, Kpi::CostPerUptakeCents | Kpi::ProgramOnlineShare);
        if !kpi.is_client_count() && !on_counts {
            return exact;
        }
        let Some(a) = r.actual else {
            return exact;
        };
        let target = self.target(r);
        let k = self.disclosure.k();
        if on_counts || is_small(a, k) || target.is_none() {
            return Point {
                actual: None,
                attainment: None,
                pace: None,
                status: judged_without_actual(&r.status),
                hidden: true,
            };
        }
        let breakdown: Vec<(&str, &str)> = target
            .map(|t| {
                Dimension::ALL
                    .iter()
                    .filter_map(|d| t.narrowing(*d).map(|v| (d.as_str(), v)))
                    .collect()
            })
            .unwrap_or_default();
        let cell = CellKey {
            campaign: self.campaign,
            kpi: kpi.as_str(),
            breakdown: &breakdown,
        };
        let rounded = match target {
            Some(t) if kpi != Kpi::Reach => self.sum_of_atoms(r, t, &cell, a),
            _ => self.disclosure.round(&cell, a),
        };
        let attainment = (r.target != 0.0).then(|| rounded / r.target);
        let pace = r.pace.map(|p| if a > 0.0 { p * rounded / a } else { p });
        let status = match Status::parse(&r.status) {
            Ok(Status::Met | Status::NotMet) => {
                if attainment.is_some_and(|x| x >= 1.0) {
                    Status::Met
                } else {
                    Status::NotMet
                }
            }
            Ok(Status::OnTrack | Status::AtRisk | Status::OffTrack) => match pace {
                Some(p) if p >= self.thresholds.on_track => Status::OnTrack,
                Some(p) if p >= self.thresholds.at_risk => Status::AtRisk,
                _ => Status::OffTrack,
            },
            Ok(s) => s,
            Err(_) => return exact,
        };
        Point {
            actual: Some(rounded),
            attainment,
            pace,
            status: status.as_str().to_owned(),
            hidden: false,
        }
    }
}

impl Published<'_> {
    /// A snapshot's actual `a` of target `t` as the sum of its days'
    /// atoms (module documentation).
    fn sum_of_atoms(&self, r: &AttainmentRecord, t: &Target, cell: &CellKey<'_>, a: f64) -> f64 {
        let period = t.period(self.flight);
        // A day-end snapshot judges the day that ended.
        let recorded = local_date(r.recorded_at, self.tz);
        let judged = if r.end_of_day {
            recorded.pred_opt().unwrap_or(recorded)
        } else {
            recorded
        }
        .min(period.to);
        let days = self
            .days
            .iter()
            .find(|(x, _)| x == t)
            .map_or(&[][..], |(_, d)| d.as_slice());
        let before: Vec<(NaiveDate, f64)> = days
            .iter()
            .filter(|(d, _)| *d >= period.from && *d < judged)
            .map(|(d, m)| (*d, m.value(t.kpi).unwrap_or(0.0)))
            .collect();
        let counted: f64 = before.iter().map(|(_, v)| v).sum();
        self.disclosure.sum_of_atoms(cell, before)
            + self.disclosure.atom(cell, judged, (a - counted).max(0.0))
    }
}

/// The status of a snapshot judged without its (hidden) actual: a running
/// target off track, a finished one not met, one not started as it was.
fn judged_without_actual(status: &str) -> String {
    match Status::parse(status) {
        Ok(Status::Met | Status::NotMet) => Status::NotMet.as_str().to_owned(),
        Ok(Status::OnTrack | Status::AtRisk | Status::OffTrack) => {
            Status::OffTrack.as_str().to_owned()
        }
        _ => status.to_owned(),
    }
}

/// Records (ordered by position, then time) grouped per position; exact
/// for admins (`published` `None`).
fn trends(
    records: &[AttainmentRecord],
    published: Option<&Published<'_>>,
    lang: Lang,
) -> Vec<TargetTrend> {
    let mut out: Vec<TargetTrend> = Vec::new();
    for r in records {
        let kpi = Kpi::parse(&r.kpi).ok();
        let shown = match published {
            Some(p) => p.point(r, kpi),
            None => Point {
                actual: r.actual,
                attainment: r.attainment,
                pace: r.pace,
                status: r.status.clone(),
                hidden: false,
            },
        };
        let point = HistoryPoint {
            recorded_at: r.recorded_at,
            end_of_day: r.end_of_day,
            actual: shown.actual,
            attainment: shown.attainment,
            pace: shown.pace,
            status_label: Status::parse(&shown.status)
                .map_or_else(|_| shown.status.clone(), |s| s.label(lang).to_owned()),
            status: shown.status,
            suppressed: shown.hidden,
        };
        match out.last_mut() {
            Some(t) if t.position == r.target_index => {
                t.kpi.clone_from(&r.kpi);
                t.kpi_label = kpi.map_or_else(|| r.kpi.clone(), |k| kpi_label(k, lang));
                t.target = r.target;
                t.points.push(point);
            }
            _ => out.push(TargetTrend {
                position: r.target_index,
                kpi: r.kpi.clone(),
                kpi_label: kpi.map_or_else(|| r.kpi.clone(), |k| kpi_label(k, lang)),
                target: r.target,
                points: vec![point],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: u16, kpi: &str, at: i64, actual: f64) -> AttainmentRecord {
        AttainmentRecord {
            target_index: index,
            kpi: kpi.into(),
            target: 100.0,
            recorded_at: DateTime::<Utc>::from_timestamp(at, 0).expect("time"),
            end_of_day: false,
            actual: Some(actual),
            attainment: Some(actual / 100.0),
            pace: Some(actual / 50.0),
            status: "at_risk".into(),
        }
    }

    fn published(sets: Vec<(DateTime<Utc>, Vec<Target>)>) -> Published<'static> {
        Published {
            campaign: "c",
            disclosure: Disclosure::new(10, 5, b"test"),
            thresholds: Thresholds::default(),
            tz: chrono_tz::America::Toronto,
            flight: DateRange {
                from: NaiveDate::from_ymd_opt(1969, 12, 1).expect("date"),
                to: NaiveDate::from_ymd_opt(1970, 3, 31).expect("date"),
            },
            sets,
            days: Vec::new(),
        }
    }

    #[test]
    fn records_group_per_target_small_cells_hide_and_the_rest_is_rounded() {
        let records = [
            record(0, "uptake_completed", 10, 4.0),
            record(0, "uptake_completed", 20, 43.0),
            record(1, "clicks", 10, 4.0),
            record(2, "cost_per_uptake_cents", 10, 2500.0),
        ];
        let mut seniors = Target::new(Kpi::UptakeCompleted, 100.0);
        seniors.segment = Some("seniors".into());
        let set = vec![
            seniors,
            Target::new(Kpi::Clicks, 100.0),
            Target::new(Kpi::CostPerUptakeCents, 100.0),
        ];
        let at = DateTime::<Utc>::from_timestamp(5, 0).expect("time");
        let p = published(vec![(at, set)]);
        let t = trends(&records, Some(&p), Lang::Fr);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].points.len(), 2);
        assert_eq!(t[0].kpi_label, "Demandes complétées");
        let small = &t[0].points[0];
        assert!(small.suppressed);
        assert_eq!(
            (small.actual, small.attainment, small.pace),
            (None, None, None)
        );
        assert_eq!(small.status, "off_track", "judged without its actual");
        let rounded = &t[0].points[1];
        let a = rounded.actual.expect("shown");
        assert!(a == 40.0 || a == 45.0, "{a}");
        assert_eq!(rounded.attainment, Some(a / 100.0));
        let pace = rounded.pace.expect("pace");
        assert!((pace - a / 50.0).abs() < 1e-12, "{pace}");
        let want = if pace >= 0.9 {
            "on_track"
        } else if pace >= 0.75 {
            "at_risk"
        } else {
            "off_track"
        };
        assert_eq!(rounded.status, want, "judged again at pace {pace}");
        assert_eq!(
            t[1].points[0].actual,
            Some(4.0),
            "clicks are not client counts"
        );
        assert_eq!(t[1].points[0].status_label, "À risque");
        assert!(
            t[2].points[0].suppressed,
            "a ratio of client counts cannot be published from a snapshot"
        );
        let admin = trends(&records, None, Lang::En);
        assert_eq!(admin[0].points[0].actual, Some(4.0));
        assert_eq!(admin[0].points[1].actual, Some(43.0));
        assert_eq!(admin[2].points[0].actual, Some(2500.0));
    }

    #[test]
    fn a_day_end_snapshot_reads_as_the_sum_of_the_atoms_performance_shows() {
        let t = Target::new(Kpi::UptakeCompleted, 100.0);
        let day = |i: i64| NaiveDate::from_ymd_opt(1970, 1, 1).expect("date") + Duration::days(i);
        let days: Days = (0..5)
            .map(|i| {
                let m = cmp_kpi::Measures {
                    uptake_completed: 7 + i as u64,
                    ..Default::default()
                };
                (day(i), m)
            })
            .collect();
        let at = DateTime::<Utc>::from_timestamp(0, 0).expect("time");
        let mut p = published(vec![(at, vec![t.clone()])]);
        p.days = vec![(t, days.clone())];
        let cell = CellKey {
            campaign: "c",
            kpi: "uptake_completed",
            breakdown: &[],
        };
        // Day 3 ended (7+8+9+10 = 34): recorded just after midnight, Toronto.
        let mut r = record(0, "uptake_completed", 4 * 86_400 + 5 * 3600 + 60, 34.0);
        r.end_of_day = true;
        let shown = trends(&[r.clone()], Some(&p), Lang::En)[0].points[0].actual;
        let atoms = p.disclosure.sum_of_atoms(
            &cell,
            days[..4]
                .iter()
                .map(|(d, m)| (*d, m.uptake_completed as f64)),
        );
        assert_eq!(shown, Some(atoms));
        // During day 4, 5 of its 11 counted so far: day 4's atom is of 5.
        let r = record(0, "uptake_completed", 4 * 86_400 + 12 * 3600, 39.0);
        let shown = trends(&[r], Some(&p), Lang::En)[0].points[0].actual;
        assert_eq!(shown, Some(atoms + p.disclosure.atom(&cell, day(4), 5.0)));
    }
}
