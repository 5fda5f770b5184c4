//! The flags of contract v1.1's fields and of the injected effects
//! (`--contract`, `--variants`, `--lift*`, `--conversion`, `--variant-lift`,
//! `--delays`), read into the generator's configuration.

use chrono::NaiveDate;
use cmp_loadgen::{Conversion, Effects, GeoLift, Unit, VariantTest};
use cmp_model::rules::{is_fsa_input, is_office_id_input, is_slug};
use cmp_model::{Channel, Region};

use super::cli::{CliError, duration, error};

/// What the v1.1 flags ask for.
pub struct V11 {
    pub fields: bool,
    pub variants: Option<Vec<VariantTest>>,
    pub effects: Effects,
}

/// Reads the flags: `get` the value of a flag given once, `all` every
/// value of a repeatable one.
pub fn read<'a>(
    get: &dyn Fn(&str) -> Option<&'a str>,
    all: &dyn Fn(&str) -> Vec<&'a str>,
) -> Result<V11, CliError> {
    let fields = match get("--contract").unwrap_or("v1.1") {
        "v1.1" => true,
        "v1" => false,
        _ => return Err(error("--contract", "must be v1 or v1.1")),
    };
    let given = all("--variants");
    let variants = if given.is_empty() {
        None
    } else if given == ["none"] {
        Some(Vec::new())
    } else {
        Some(
            given
                .into_iter()
                .map(variant_test)
                .collect::<Result<_, _>>()?,
        )
    };
    Ok(V11 {
        fields,
        variants,
        effects: Effects {
            lift: lift(get)?,
            conversion: conversion(get)?,
        },
    })
}

/// `CAMPAIGN=ARM[:WEIGHT],ARM[:WEIGHT]…`.
fn variant_test(value: &str) -> Result<VariantTest, CliError> {
    let bad = |why: &str| {
        error(
            "--variants",
            format!("{why} in {value:?} (CAMPAIGN=ARM[:WEIGHT],…)"),
        )
    };
    let (campaign, arms) = value.split_once('=').ok_or_else(|| bad("no ="))?;
    let arms = arms
        .split(',')
        .map(|arm| {
            let (name, weight) = arm.trim().split_once(':').unwrap_or((arm.trim(), "1"));
            let weight: u32 = weight
                .parse()
                .map_err(|_| bad("a weight is not a whole number"))?;
            if !is_slug(name) {
                return Err(bad("an arm is not a slug"));
            }
            Ok((name.to_owned(), weight))
        })
        .collect::<Result<_, _>>()?;
    Ok(VariantTest {
        campaign: campaign.trim().to_owned(),
        arms,
    })
}

fn percent(flag: &str, value: &str) -> Result<f64, CliError> {
    match value.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if p.is_finite() && p >= 0.0 => Ok(p / 100.0),
        _ => Err(error(
            flag,
            format!("must be a percentage, 0 or more, not {value:?}"),
        )),
    }
}

fn lift<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<Option<GeoLift>, CliError> {
    let Some(value) = get("--lift") else {
        for flag in ["--lift-unit", "--lift-treated", "--lift-period"] {
            if get(flag).is_some() {
                return Err(error(flag, "needs --lift"));
            }
        }
        return Ok(None);
    };
    let unit = match get("--lift-unit") {
        None => Unit::Region,
        Some(u) => {
            Unit::parse(u).ok_or_else(|| error("--lift-unit", "must be region, fsa or office"))?
        }
    };
    let valid: fn(&str) -> bool = match unit {
        Unit::Region => |c| Region::parse_input(c).is_some(),
        Unit::Fsa => is_fsa_input,
        Unit::Office => is_office_id_input,
    };
    let treated = get("--lift-treated")
        .ok_or_else(|| error("--lift-treated", "is needed with --lift"))?
        .split(',')
        .map(|c| {
            let c = c.trim();
            if valid(c) {
                Ok(c.to_ascii_uppercase())
            } else {
                Err(error(
                    "--lift-treated",
                    format!("{c:?} is not a valid {}", unit.as_str()),
                ))
            }
        })
        .collect::<Result<_, _>>()?;
    let period =
        get("--lift-period").ok_or_else(|| error("--lift-period", "is needed with --lift"))?;
    let bad_period = || {
        error(
            "--lift-period",
            format!("must be FROM..TO dates (2026-10-01..2026-10-31), not {period:?}"),
        )
    };
    let (from, to) = period.split_once("..").ok_or_else(bad_period)?;
    let date = |d: &str| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| bad_period());
    Ok(Some(GeoLift {
        lift: percent("--lift", value)?,
        unit,
        treated,
        from: date(from)?,
        to: date(to)?,
    }))
}

fn conversion<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> Result<Option<Conversion>, CliError> {
    let Some(value) = get("--conversion") else {
        for flag in ["--variant-lift", "--delays"] {
            if get(flag).is_some() {
                return Err(error(flag, "needs --conversion"));
            }
        }
        return Ok(None);
    };
    let rate = value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|r| (0.0..=1.0).contains(r))
        .ok_or_else(|| {
            error(
                "--conversion",
                format!("must be a share between 0 and 1, not {value:?}"),
            )
        })?;
    let mut c = Conversion::new(rate);
    if let Some(v) = get("--variant-lift") {
        let (arm, pct) = v
            .split_once('=')
            .ok_or_else(|| error("--variant-lift", "must be ARM=PERCENT"))?;
        c.variant_lift = Some((arm.trim().to_owned(), percent("--variant-lift", pct)?));
    }
    if let Some(v) = get("--delays") {
        for pair in v.split(',') {
            let (channel, mean) = pair
                .split_once('=')
                .ok_or_else(|| error("--delays", "must be CHANNEL=DURATION,…"))?;
            let channel = Channel::parse(channel.trim())
                .ok_or_else(|| error("--delays", format!("{channel:?} is not a channel")))?;
            c.delays.insert(channel, duration("--delays", mean)?);
        }
    }
    Ok(Some(c))
}
