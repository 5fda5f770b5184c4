//! Random rounding of the client counts a non-admin is shown
//! (contract/API.md, "Small cells, strengthened"; docs/privacy.md): after
//! small-cell suppression, a count `v` is rounded to `base·⌊v/base⌋` or
//! `base·⌊v/base⌋ + base`, rounding up with probability `(v mod base)/base`,
//! so the rounded value is unbiased and within `base − 1` of the truth. The
//! coin is not random at each request: it is an HMAC-SHA-256, under a
//! secret key, of the campaign, the KPI, the cell's breakdown key
//! (dimension values), for a daily atom the day (`atoms.rs`), and `v`. The
//! same count in the same cell is therefore always rounded the same way,
//! whatever the route that asked for it, so repeating a question cannot
//! average the rounding away. Counts that add up over days are published
//! as sums of rounded daily atoms (`atoms.rs`); [`Disclosure::round`]
//! rounds a count as a whole (reach, which does not add).
//!
//! Decisions where the contract is silent:
//! - The key is SHA-256 of the configured secret (any length), so a
//!   `Disclosure` is a small `Copy` value; `Debug` never prints it.
//! - A fractional value (a reach estimate) is first rounded to the nearest
//!   integer, then randomly rounded.
//! - The breakdown key is a set of `(dimension, value)` pairs: their order
//!   does not matter (`by=region,segment` and `by=segment,region` publish
//!   the same cells).
//! - `base` 1 publishes exact values (rounding off); 0 is read as 1 (the
//!   configuration refuses it).

use std::fmt;

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::suppress::{Cell, suppress};

/// The default rounding base (Statistics Canada's).
pub const DEFAULT_BASE: u64 = 5;

/// The rules of what a non-admin is shown of client counts: suppression
/// below `k`, random rounding to `base` above, keyed by a secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    k: u64,
    base: u64,
    key: [u8; 32],
}

/// Where a count is published: its campaign, KPI code and breakdown key.
/// The date range, time bucket and route are deliberately not part of it.
#[derive(Debug, Clone, Copy)]
pub struct CellKey<'a> {
    pub campaign: &'a str,
    pub kpi: &'a str,
    /// `(dimension, value)` pairs in any order; empty for a total.
    pub breakdown: &'a [(&'a str, &'a str)],
}

impl Disclosure {
    /// Suppression below `k`, rounding to `base`, coins keyed by `secret`.
    pub fn new(k: u64, base: u64, secret: &[u8]) -> Disclosure {
        Disclosure {
            k,
            base: base.max(1),
            key: Sha256::digest(secret).into(),
        }
    }

    /// The small-cell threshold.
    pub fn k(&self) -> u64 {
        self.k
    }

    /// The rounding base (1: exact values).
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The published value of a visible count `v` in `cell` rounded as a
    /// whole (reach: distinct counts do not add; see `atoms.rs` for the
    /// counts that do).
    pub fn round(&self, cell: &CellKey<'_>, v: f64) -> f64 {
        self.round_keyed(cell, None, v)
    }

    /// `v` randomly rounded with the coin of `cell`, `day` and `v`.
    pub(crate) fn round_keyed(&self, cell: &CellKey<'_>, day: Option<NaiveDate>, v: f64) -> f64 {
        if !v.is_finite() || v <= 0.0 {
            return v;
        }
        // Counts are far below 2^53: exact in an f64. A fractional value
        // (credit shared among exposures) is taken to 6 decimals first, so
        // that the order a sum was added in cannot flip its rounding at .5.
        let v = ((v * 1e6).round() / 1e6).round() as u64;
        let rest = v % self.base;
        if rest == 0 {
            return v as f64;
        }
        let up = (u128::from(self.coin(cell, day, v)) * u128::from(self.base)) >> 64;
        let down = v - rest;
        if up < u128::from(rest) {
            (down + self.base) as f64
        } else {
            down as f64
        }
    }

    /// Suppresses the small cells of one breakdown (`suppress`), then
    /// rounds every visible value; `keys[i]` is where `cells[i]` is shown.
    pub fn publish(&self, cells: &mut [Cell], keys: &[CellKey<'_>]) {
        suppress(cells, self.k);
        for (cell, key) in cells.iter_mut().zip(keys) {
            if !cell.suppressed {
                cell.value = cell.value.map(|v| self.round(key, v));
            }
        }
    }

    /// 64 bits of HMAC-SHA-256(key, campaign, kpi, sorted breakdown, the
    /// day if any, v), each text length-prefixed so no two keys read the
    /// same.
    fn coin(&self, cell: &CellKey<'_>, day: Option<NaiveDate>, v: u64) -> u64 {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.key) else {
            unreachable!("HMAC takes a key of any length")
        };
        let mut text = |s: &str| {
            mac.update(&(s.len() as u64).to_be_bytes());
            mac.update(s.as_bytes());
        };
        text(cell.campaign);
        text(cell.kpi);
        let mut pairs = cell.breakdown.to_vec();
        pairs.sort_unstable();
        for (dimension, value) in pairs {
            text(dimension);
            text(value);
        }
        if let Some(day) = day {
            // No dimension is named so (they come from a whitelist).
            text("@day");
            text(&day.to_string());
        }
        mac.update(&v.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0_u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first)
    }
}

impl fmt::Debug for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disclosure")
            .field("k", &self.k)
            .field("base", &self.base)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Disclosure {
        Disclosure::new(10, DEFAULT_BASE, b"test secret")
    }

    fn key<'a>(campaign: &'a str, breakdown: &'a [(&'a str, &'a str)]) -> CellKey<'a> {
        CellKey {
            campaign,
            kpi: "uptake_completed",
            breakdown,
        }
    }

    #[test]
    fn multiples_of_the_base_within_base_minus_one_and_deterministic() {
        let d = rules();
        for i in 0..2_000_u64 {
            let campaign = format!("c{i}");
            let cell = key(&campaign, &[("region", "QC")]);
            let v = 10 + i % 97;
            let r = d.round(&cell, v as f64);
            assert_eq!(r % 5.0, 0.0, "{v} -> {r}");
            assert!((r - v as f64).abs() <= 4.0, "{v} -> {r}");
            assert!(r >= (v - v % 5) as f64 && r <= (v - v % 5 + 5) as f64);
            assert_eq!(
                d.round(&cell, v as f64),
                r,
                "the same cell, the same answer"
            );
            if v % 5 == 0 {
                assert_eq!(r, v as f64, "a multiple is exact");
            }
        }
    }

    #[test]
    fn a_share_summed_in_another_order_rounds_the_same() {
        let d = rules();
        // 1/3 + 1/3 + 1/3 + … added in two orders: equal to 6 decimals, not
        // in their last bits; either side of .5 when it is a half.
        let thirds: f64 = (0..15).map(|_| 1.0 / 3.0).sum();
        let half_below = 2.5 - 1e-12;
        for i in 0..500_u64 {
            let campaign = format!("c{i}");
            let cell = key(&campaign, &[]);
            assert_eq!(d.round(&cell, thirds), d.round(&cell, 5.0));
            assert_eq!(d.round(&cell, half_below), d.round(&cell, 2.5));
        }
    }

    #[test]
    fn unbiased_and_up_with_probability_rest_over_base_over_many_keys() {
        let d = rules();
        let n = 20_000_u64;
        for rest in 1..5_u64 {
            let v = 40 + rest;
            let (mut ups, mut error) = (0_u64, 0.0);
            for i in 0..n {
                let campaign = format!("seed-7-{i}");
                let r = d.round(&key(&campaign, &[]), v as f64);
                ups += u64::from(r > v as f64);
                error += r - v as f64;
            }
            let share = ups as f64 / n as f64;
            // Binomial standard deviation ≤ 0.0036 at n = 20 000: 5 of them.
            assert!(
                (share - rest as f64 / 5.0).abs() < 0.018,
                "rest {rest}: up {share}"
            );
            assert!((error / n as f64).abs() < 0.09, "rest {rest}: mean error");
        }
    }

    #[test]
    fn the_key_decides_and_the_range_is_not_part_of_it() {
        let d = rules();
        let other = Disclosure::new(10, 5, b"another secret");
        let v = 43.0;
        let coins = |d: &Disclosure, region: &str| -> Vec<f64> {
            (0..200)
                .map(|i| d.round(&key(&format!("c{i}"), &[("region", region)]), v))
                .collect()
        };
        assert_ne!(coins(&d, "QC"), coins(&other, "QC"), "the secret");
        assert_ne!(coins(&d, "QC"), coins(&d, "ON"), "the breakdown key");
        let a = d.round(&key("c", &[("region", "QC"), ("segment", "youth")]), v);
        let b = d.round(&key("c", &[("segment", "youth"), ("region", "QC")]), v);
        assert_eq!(a, b, "pair order does not matter");
    }

    #[test]
    fn small_cells_stay_hidden_zero_stays_and_base_one_is_exact() {
        let d = rules();
        // Two small cells: no complementary one.
        let mut cells = [3.0, 9.0, 0.0, 47.0, 120.0, 10.4].map(|v| Cell::new(Some(v)));
        let keys: Vec<CellKey<'_>> = (0..cells.len()).map(|_| key("c", &[])).collect();
        d.publish(&mut cells, &keys);
        for small in &cells[..2] {
            assert_eq!(small.value, None);
            assert!(small.suppressed);
        }
        assert_eq!(cells[2].value, Some(0.0), "0 discloses nobody");
        for c in &cells[3..] {
            let v = c.value.expect("shown");
            assert_eq!(v % 5.0, 0.0, "{v}");
        }
        assert_eq!(cells[5].value, Some(10.0), "10.4 reads as 10, a multiple");
        // One small cell: the next smallest is hidden, never rounded.
        let mut cells = [3.0, 47.0, 120.0].map(|v| Cell::new(Some(v)));
        d.publish(&mut cells, &keys[..3]);
        assert_eq!(cells.map(|c| c.suppressed), [true, true, false]);
        let exact = Disclosure::new(10, 1, b"s");
        assert_eq!(exact.round(&key("c", &[]), 47.0), 47.0);
        assert_eq!(Disclosure::new(10, 0, b"s").base(), 1);
        assert!(!format!("{d:?}").contains("test secret"));
    }
}
