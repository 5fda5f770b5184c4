//! What attribution is computed from, read for one campaign and range: the
//! program's uptake events in the range, the exposures that could be
//! eligible for them (the program's registered campaigns, from the longest
//! of their windows before the range to its end, of the clients with
//! uptake in the range), and each campaign's windows. A query-time join
//! restricted to the program, range and window (docs/attribution.md).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use cmp_store::{Campaign, Exposure, Store, UptakeTouch};

use super::credit::{Credit, Model, credits};
use super::windows::Windows;
use crate::error::ApiError;

/// The rows of one read.
#[derive(Debug, Clone)]
pub struct Touches {
    pub uptakes: Vec<UptakeTouch>,
    pub exposures: Vec<Exposure>,
    /// Windows of the program's campaigns, by id.
    pub windows: HashMap<String, Windows>,
}

impl Touches {
    /// Reads them for `c`'s program and the instants `[from, to)`.
    pub async fn read(
        store: &Store,
        c: &Campaign,
        bounds: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Touches, ApiError> {
        let ids: Vec<String> = cmp_store::campaigns(store)
            .await?
            .into_iter()
            .filter(|other| other.program == c.program)
            .map(|other| other.id)
            .collect();
        let mut windows: HashMap<String, Windows> = ids
            .iter()
            .map(|id| (id.clone(), Windows::default()))
            .collect();
        for stored in cmp_store::measurement_settings(store, &ids).await? {
            windows.insert(
                stored.campaign_id,
                Windows::stored(&stored.attribution_windows),
            );
        }
        let lookback = windows
            .values()
            .map(Windows::longest)
            .max()
            .unwrap_or_else(Duration::zero);
        let uptakes = cmp_store::attribution_uptake(store, &c.program, bounds).await?;
        let exposures =
            cmp_store::attribution_exposures(store, &ids, &c.program, lookback, bounds).await?;
        Ok(Touches {
            uptakes,
            exposures,
            windows,
        })
    }

    /// Every credit under `model`.
    pub fn credits(&self, model: Model) -> Vec<Credit> {
        credits(&self.uptakes, &self.exposures, &self.windows, model)
    }
}
