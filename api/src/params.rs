//! Query parameters, parsed strictly: each route lists the parameters it
//! takes, an unknown or repeated one is refused, and every malformed value
//! is a `400` naming its parameter. The value rules themselves are
//! `cmp_kpi`'s (languages, dimensions, granularities, fiscal years).

use axum::extract::Query;
use axum::http::Uri;
use chrono::NaiveDate;
use cmp_kpi::{Dimension, FiscalYear, Granularity, Lang};

use crate::error::ApiError;

/// The earliest and latest dates a report or a campaign may name: the
/// range of ClickHouse's `Date` and `DateTime` columns.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2105, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// A route's query parameters.
#[derive(Debug)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

/// `json` (default) or `csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Params {
    /// The query of `uri`, refusing parameters not in `allowed` and repeats.
    pub fn parse(uri: &Uri, allowed: &[&str]) -> Result<Params, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)?;
        for (i, (name, _)) in pairs.iter().enumerate() {
            if !allowed.contains(&name.as_str()) {
                let takes = if allowed.is_empty() {
                    "this route takes no parameter".to_owned()
                } else {
                    format!("this route takes {}", allowed.join(", "))
                };
                return Err(ApiError::bad(
                    name.clone(),
                    format!("is not a parameter of this route; {takes}"),
                ));
            }
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::bad(name.clone(), "is given more than once"));
            }
        }
        Ok(Params { pairs })
    }

    /// The raw value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `lang=en|fr`, default `en`.
    pub fn lang(&self) -> Result<Lang, ApiError> {
        Ok(self
            .get("lang")
            .map(Lang::parse)
            .transpose()?
            .unwrap_or_default())
    }

    /// A `YYYY-MM-DD` date between [`FIRST_DATE`] and [`LAST_DATE`].
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name).map(|v| date(name, v)).transpose()
    }

    /// `by=` zero or more dimensions, comma-separated, each once.
    pub fn by(&self) -> Result<Vec<Dimension>, ApiError> {
        let Some(v) = self.get("by") else {
            return Ok(Vec::new());
        };
        let mut by = Vec::new();
        for name in v.split(',').filter(|s| !s.is_empty()) {
            let d = Dimension::parse(name)?;
            if by.contains(&d) {
                return Err(ApiError::bad("by", format!("names `{name}` twice")));
            }
            by.push(d);
        }
        Ok(by)
    }

    /// `granularity=hour|day|week`, optional.
    pub fn granularity(&self) -> Result<Option<Granularity>, ApiError> {
        Ok(self
            .get("granularity")
            .map(Granularity::parse)
            .transpose()?)
    }

    /// `fiscal_year=2026-27` or `2026`, required.
    /// `organisation`: an organisation's slug, if given.
    pub fn organisation(&self) -> Result<Option<String>, ApiError> {
        match self.get("organisation") {
            None => Ok(None),
            Some(o) if cmp_model::rules::is_slug(o) => Ok(Some(o.to_owned())),
            Some(_) => Err(ApiError::bad(
                "organisation",
                "must be an organisation's slug such as `ircc`",
            )),
        }
    }

    pub fn fiscal_year(&self) -> Result<FiscalYear, ApiError> {
        let v = self
            .get("fiscal_year")
            .ok_or_else(|| ApiError::bad("fiscal_year", "is required, e.g. 2026-27"))?;
        Ok(FiscalYear::parse(v)?)
    }

    /// `format=json|csv`, default `json`.
    pub fn format(&self) -> Result<Format, ApiError> {
        match self.get("format") {
            None | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some(other) => Err(ApiError::bad(
                "format",
                format!("has unknown value `{other}`; expected json or csv"),
            )),
        }
    }

    /// A `true|false` flag, default false.
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad(
                name,
                format!("has value `{other}`; expected true or false"),
            )),
        }
    }

    /// A non-negative integer below 65 536 (a target's position).
    pub fn index(&self, name: &str) -> Result<Option<u16>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<u16>().map_err(|_| {
                    ApiError::bad(name, format!("`{v}` is not a target position (0, 1, 2…)"))
                })
            })
            .transpose()
    }
}

/// A contract date, strictly `YYYY-MM-DD`, within the storable range.
pub fn date(name: &str, v: &str) -> Result<NaiveDate, ApiError> {
    let d = (v.len() == 10)
        .then(|| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| ApiError::bad(name, format!("`{v}` is not a date (YYYY-MM-DD)")))?;
    if !(FIRST_DATE..=LAST_DATE).contains(&d) {
        return Err(ApiError::bad(
            name,
            format!("{d} is outside {FIRST_DATE}..{LAST_DATE}"),
        ));
    }
    Ok(d)
}

/// A campaign id from the path: a slug, as events carry it.
pub fn campaign_id(v: &str) -> Result<(), ApiError> {
    if cmp_model::rules::is_slug(v) {
        Ok(())
    } else {
        Err(ApiError::bad(
            "campaign_id",
            "must be a slug: 1-64 characters of a-z 0-9 _ -, starting with a letter or digit",
        ))
    }
}

/// A program from the path: a slug, as uptake events carry it.
pub fn program(v: &str) -> Result<(), ApiError> {
    if cmp_model::rules::is_slug(v) {
        Ok(())
    } else {
        Err(ApiError::bad(
            "program",
            "must be a slug: 1-64 characters of a-z 0-9 _ -, starting with a letter or digit",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str, allowed: &[&str]) -> Result<Params, ApiError> {
        let uri: Uri = format!("/x?{q}").parse().expect("uri");
        Params::parse(&uri, allowed)
    }

    fn named(r: Result<impl std::fmt::Debug, ApiError>) -> String {
        match r {
            Err(ApiError::BadRequest { parameter, .. }) => parameter,
            other => panic!("not a 400: {other:?}"),
        }
    }

    type Check = fn(&Params) -> Result<(), ApiError>;

    const ALL: &[&str] = &[
        "from",
        "to",
        "by",
        "granularity",
        "lang",
        "fiscal_year",
        "format",
        "history",
        "target",
    ];

    #[test]
    fn good_values_parse() {
        let p = params("from=2026-10-01&to=2027-03-31&by=region,segment&granularity=week&lang=fr&fiscal_year=2026&format=csv&history=true&target=3", ALL).expect("valid");
        assert_eq!(
            p.date("from").expect("date"),
            NaiveDate::from_ymd_opt(2026, 10, 1)
        );
        assert_eq!(
            p.by().expect("by"),
            vec![Dimension::Region, Dimension::Segment]
        );
        assert_eq!(p.granularity().expect("g"), Some(Granularity::Week));
        assert_eq!(p.lang().expect("lang"), Lang::Fr);
        assert_eq!(
            p.fiscal_year().expect("fy"),
            FiscalYear::parse("2026-27").expect("fy")
        );
        assert_eq!(p.format().expect("format"), Format::Csv);
        assert!(p.flag("history").expect("flag"));
        assert_eq!(p.index("target").expect("index"), Some(3));
        let none = params("", ALL).expect("empty");
        assert_eq!(none.lang().expect("lang"), Lang::En);
        assert_eq!(none.by().expect("by"), vec![]);
        assert_eq!(none.granularity().expect("g"), None);
        assert_eq!(none.format().expect("f"), Format::Json);
        assert!(!none.flag("history").expect("flag"));
        assert_eq!(params("by=", ALL).expect("p").by().expect("by"), vec![]);
    }

    #[test]
    fn every_bad_value_names_its_parameter() {
        #[rustfmt::skip]
        let table: &[(&str, &str, Check)] = &[
            ("from=2026-13-01", "from", |p| p.date("from").map(drop)),
            ("from=2026-1-01", "from", |p| p.date("from").map(drop)),
            ("to=yesterday", "to", |p| p.date("to").map(drop)),
            ("to=1969-12-31", "to", |p| p.date("to").map(drop)),
            ("to=2200-01-01", "to", |p| p.date("to").map(drop)),
            ("by=segment,color", "by", |p| p.by().map(drop)),
            ("by=region,region", "by", |p| p.by().map(drop)),
            ("by=Region", "by", |p| p.by().map(drop)),
            ("granularity=month", "granularity", |p| p.granularity().map(drop)),
            ("lang=de", "lang", |p| p.lang().map(drop)),
            ("lang=EN", "lang", |p| p.lang().map(drop)),
            ("fiscal_year=2026-28", "fiscal_year", |p| p.fiscal_year().map(drop)),
            ("format=xlsx", "format", |p| p.format().map(drop)),
            ("history=yes", "history", |p| p.flag("history").map(drop)),
            ("target=-1", "target", |p| p.index("target").map(drop)),
        ];
        for (q, name, check) in table {
            let p = params(q, ALL).expect("parses");
            assert_eq!(named(check(&p)), *name, "{q}");
        }
        assert_eq!(
            named(params("", ALL).expect("p").fiscal_year()),
            "fiscal_year"
        );
        assert_eq!(named(params("colour=red", ALL)), "colour");
        assert_eq!(named(params("lang=en&lang=fr", ALL)), "lang");
        assert_eq!(named(params("lang=en", &[])), "lang");
        assert_eq!(named(params("lang=%FF", ALL).expect("p").lang()), "lang");
    }

    #[test]
    fn campaign_ids_are_slugs() {
        assert!(campaign_id("oas-online-2026").is_ok());
        for bad in ["", "OAS", "-x", "a b", "é", &"a".repeat(65)] {
            assert_eq!(named(campaign_id(bad)), "campaign_id", "{bad:?}");
        }
    }
}
