//! The Service Inventory export (contract/API.md v1.1): per program and
//! fiscal year, the applications submitted through each service channel
//! under the Government of Canada Service Inventory's field names, and
//! the online share the departmental results indicator on online
//! applications uses (online ÷ every channel), as JSON or RFC 4180 CSV.
//!
//! Decisions where the contract is silent:
//! - The rows are the programs the caller reads (`program_counts.rs`)
//!   that had any uptake in the fiscal year or have a campaign in the
//!   registry, by program code; a program without uptake reads 0.
//! - Applications are uptake events at the `submitted` stage, attributed
//!   to a campaign or not, by event time in the reporting time zone.
//! - `num_applications_total` (every channel) is added: the denominator
//!   of `online_share`.
//! - Non-admins see the counts published exactly as the channel-shift
//!   route shows the same cells (`program_counts.rs`), and the share from
//!   the published counts, hidden with them.
//! - The CSV's header row is the Service Inventory's field names (the
//!   names its import expects, the same in both languages, with
//!   `program_name` added); the program's name and a suppressed count's
//!   words follow `lang`.

use std::collections::BTreeSet;

use cmp_kpi::{Cell, FiscalYear, LabelKind, Lang, label, label_or_code};
use serde::Serialize;
use utoipa::ToSchema;

use super::kpis::Audience;
use super::program_counts::{count, reads, shown};
use crate::caller::Caller;
use crate::csv::Csv;
use crate::error::ApiError;
use crate::sources::Sources;

/// The channels in the order of [`InventoryRow`]'s fields.
const CHANNELS: [&str; 4] = ["online", "in_person", "phone", "mail"];

/// One program's applications in the fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InventoryRow {
    #[schema(example = "oas")]
    pub program: String,
    pub program_label: String,
    pub num_applications_online: Option<u64>,
    pub num_applications_in_person: Option<u64>,
    pub num_applications_by_phone: Option<u64>,
    pub num_applications_by_mail: Option<u64>,
    /// Every channel.
    pub num_applications_total: Option<u64>,
    /// num_applications_online ÷ num_applications_total.
    pub online_share: Option<f64>,
    /// Some figure of this row is hidden as, or computed from, a small cell.
    pub suppressed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed_fields: Vec<String>,
}

/// The export.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InventoryView {
    #[schema(example = "2026-27")]
    pub fiscal_year: String,
    /// Client counts (and the share) are randomly rounded to a multiple of
    /// this (absent: exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 5)]
    pub rounded: Option<u64>,
    pub rows: Vec<InventoryRow>,
}

/// The field names, in the CSV's column order.
pub const FIELDS: [&str; 9] = [
    "fiscal_year",
    "program",
    "program_name",
    "num_applications_online",
    "num_applications_in_person",
    "num_applications_by_phone",
    "num_applications_by_mail",
    "num_applications_total",
    "online_share",
];

/// The Service Inventory of `fy` as the caller may see it.
pub async fn inventory(
    sources: &Sources,
    caller: &Caller,
    fy: FiscalYear,
    lang: Lang,
) -> Result<InventoryView, ApiError> {
    let store = &sources.store;
    let rules = sources.rules;
    let (uptake, campaigns) = tokio::try_join!(
        cmp_report::program_uptake(store, None, fy.range(), rules.tz),
        cmp_store::campaigns(store),
    )?;
    let programs: BTreeSet<&str> = uptake
        .keys()
        .map(String::as_str)
        .chain(campaigns.iter().map(|c| c.program.as_str()))
        .filter(|p| reads(caller, &campaigns, p))
        .collect();
    let audience = Audience::of(&rules, caller.is_admin());
    let channels: Vec<String> = CHANNELS.map(str::to_owned).to_vec();
    let empty = Default::default();
    let rows = programs
        .into_iter()
        .map(|p| {
            let counts = uptake.get(p).unwrap_or(&empty);
            let (by_channel, totals) = shown(p, counts, &channels, audience.disclosure.as_ref());
            let submitted: Vec<Cell> = by_channel.iter().map(|(_, s)| s.submitted).collect();
            let total = totals.submitted;
            let share = if submitted[0].suppressed || total.suppressed {
                Cell {
                    value: None,
                    suppressed: true,
                }
            } else {
                match (submitted[0].value, total.value) {
                    (Some(n), Some(d)) if d > 0.0 => Cell::new(Some(n / d)),
                    _ => Cell::new(None),
                }
            };
            let named = [
                ("num_applications_online", submitted[0]),
                ("num_applications_in_person", submitted[1]),
                ("num_applications_by_phone", submitted[2]),
                ("num_applications_by_mail", submitted[3]),
                ("num_applications_total", total),
                ("online_share", share),
            ];
            let suppressed_fields: Vec<String> = named
                .iter()
                .filter(|(_, c)| c.suppressed)
                .map(|(n, _)| (*n).to_owned())
                .collect();
            InventoryRow {
                program: p.to_owned(),
                program_label: label_or_code(LabelKind::Program, p, lang).into_owned(),
                num_applications_online: count(submitted[0]),
                num_applications_in_person: count(submitted[1]),
                num_applications_by_phone: count(submitted[2]),
                num_applications_by_mail: count(submitted[3]),
                num_applications_total: count(total),
                online_share: share.value,
                suppressed: !suppressed_fields.is_empty(),
                suppressed_fields,
            }
        })
        .collect();
    Ok(InventoryView {
        fiscal_year: fy.to_string(),
        rounded: audience.rounded(),
        rows,
    })
}

/// The export as RFC 4180 CSV: the field names, then one record per
/// program (its code, and its name in `lang`); a hidden count reads
/// "Suppressed (small number)" in `lang`, an undefined share is empty.
pub fn to_csv(view: &InventoryView, lang: Lang) -> String {
    let mut csv = Csv::new();
    csv.row(FIELDS);
    let hidden = label(LabelKind::Word, "suppressed", lang).unwrap_or("suppressed");
    let n = |v: Option<u64>, field: &str, r: &InventoryRow| match v {
        Some(v) => v.to_string(),
        None if r.suppressed_fields.iter().any(|f| f == field) => hidden.to_owned(),
        None => String::new(),
    };
    for r in &view.rows {
        csv.row([
            view.fiscal_year.clone(),
            r.program.clone(),
            r.program_label.clone(),
            n(r.num_applications_online, FIELDS[3], r),
            n(r.num_applications_in_person, FIELDS[4], r),
            n(r.num_applications_by_phone, FIELDS[5], r),
            n(r.num_applications_by_mail, FIELDS[6], r),
            n(r.num_applications_total, FIELDS[7], r),
            match r.online_share {
                Some(s) => s.to_string(),
                None if r.suppressed_fields.iter().any(|f| f == FIELDS[8]) => hidden.to_owned(),
                None => String::new(),
            },
        ]);
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(program: &str, online: Option<u64>, hidden: &[&str]) -> InventoryRow {
        InventoryRow {
            program: program.into(),
            program_label: label_or_code(LabelKind::Program, program, Lang::Fr).into_owned(),
            num_applications_online: online,
            num_applications_in_person: Some(20),
            num_applications_by_phone: Some(0),
            num_applications_by_mail: None,
            num_applications_total: Some(60),
            online_share: online.map(|o| o as f64 / 60.0),
            suppressed: !hidden.is_empty(),
            suppressed_fields: hidden.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn the_csv_carries_the_inventory_s_field_names_and_french_words() {
        let view = InventoryView {
            fiscal_year: "2026-27".into(),
            rounded: Some(5),
            rows: vec![
                row("oas", Some(30), &["num_applications_by_mail"]),
                row(
                    "ei",
                    None,
                    &[
                        "num_applications_online",
                        "num_applications_by_mail",
                        "online_share",
                    ],
                ),
            ],
        };
        let text = to_csv(&view, Lang::Fr);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}fiscal_year,program,program_name,num_applications_online,num_applications_in_person,num_applications_by_phone,num_applications_by_mail,num_applications_total,online_share"
        );
        assert_eq!(
            lines[1],
            "2026-27,oas,Sécurité de la vieillesse,30,20,0,Donnée supprimée (petit nombre),60,0.5"
        );
        assert_eq!(
            lines[2],
            "2026-27,ei,Assurance-emploi,Donnée supprimée (petit nombre),20,0,Donnée supprimée (petit nombre),60,Donnée supprimée (petit nombre)"
        );
        assert_eq!(lines.len(), 4, "{text}");
    }
}
