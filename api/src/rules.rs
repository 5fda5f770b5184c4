//! The reporting rules of configuration: the reporting time zone, the pace
//! thresholds and what non-admins see of client counts. The views, the
//! live hub and the pages read them; they depend on nothing of the API.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use cmp_config::Settings;
use cmp_kpi::{Disclosure, Thresholds};

/// The reporting rules of configuration.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Days, weeks and fiscal years are counted here (`CMP_REPORT_TZ`).
    pub tz: Tz,
    /// Pace thresholds (`CMP_PACE_ON_TRACK`, `CMP_PACE_AT_RISK`).
    pub thresholds: Thresholds,
    /// What non-admins see of client counts (docs/privacy.md): suppressed
    /// below `CMP_SUPPRESS_K`, randomly rounded to `CMP_ROUNDING_BASE`,
    /// keyed by `CMP_DISCLOSURE_KEY`.
    pub disclosure: Disclosure,
}

impl Rules {
    /// The rules of `settings`. `cmp_api::run` first refuses to start
    /// without `CMP_DISCLOSURE_KEY` (`Settings::require_disclosure_key`);
    /// here a missing key reads as the demo's public one.
    pub fn from_settings(settings: &Settings) -> Rules {
        let key = settings
            .disclosure_key
            .as_ref()
            .map_or(cmp_config::DEMO_DISCLOSURE_KEY, |k| k.expose());
        Rules {
            tz: settings.report_tz,
            // Checked at load (0 < at_risk ≤ on_track); the defaults otherwise.
            thresholds: Thresholds::new(settings.pace_on_track, settings.pace_at_risk)
                .unwrap_or_default(),
            disclosure: Disclosure::new(
                u64::from(settings.suppress_k),
                u64::from(settings.rounding_base),
                key.as_bytes(),
            ),
        }
    }

    /// Today in the reporting time zone.
    pub fn today(&self) -> NaiveDate {
        cmp_kpi::local_date(Utc::now(), self.tz)
    }
}
