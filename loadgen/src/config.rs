//! What to generate: the campaigns, the clock the events are placed around,
//! and the shares of re-deliveries, invalid and late messages. Defaults give
//! a realistic mix for the three demo campaigns; [`GenConfig::validate`]
//! refuses a configuration under which the generator could not keep its
//! promise that every `Accept` message is accepted by the pipeline.

use chrono::{DateTime, Duration, Utc};
use cmp_model::rules::is_slug;
use serde_json::{Value, json};

use crate::effects::Effects;
use crate::v11::VariantTest;

/// The oldest `event_time` the generator produces for an accepted event
/// must stay clear of the contract's 90-day maximum age, with room for the
/// pipeline to read the message long after it was generated.
const MAX_SPREAD_DAYS: i64 = 60;

/// How to generate traffic. Everything the output depends on is here.
#[derive(Clone, Debug, PartialEq)]
pub struct GenConfig {
    /// Seeds the random stream and appears in every event_id, so runs with
    /// different seeds never collide on an event_id.
    pub seed: u64,
    /// The clock events are placed around; a parameter (not the system
    /// clock) so the output is reproducible.
    pub now: DateTime<Utc>,
    /// Campaigns engagement is generated for; their programs are the
    /// programs uptake is generated for.
    pub campaigns: Vec<Campaign>,
    /// Share of messages that repeat an event generated earlier (same topic,
    /// key, event_id and event_time): the pipeline must count each once.
    pub redelivery_share: f64,
    /// Share of re-deliveries whose payload differs from the first delivery
    /// (another count or segment): the first one must win.
    pub changed_redelivery_share: f64,
    /// Share of messages the pipeline must refuse (cycling through every
    /// refusal code).
    pub invalid_share: f64,
    /// Fresh events happen in `[now - spread, now]`, uniformly.
    pub spread: Duration,
    /// Share of fresh events that arrive 1–30 days late: they still count,
    /// in the hour they happened.
    pub late_share: f64,
    /// Distinct people per campaign (`client_id` values `ga:<n>`), which
    /// bounds the campaign's reach.
    pub clients_per_campaign: u32,
    /// Whether events carry contract v1.1's optional fields (`variant`,
    /// `office_id`, `fsa`); without them every message is a v1 message.
    pub v11_fields: bool,
    /// The campaigns running a message test: their engagement carries a
    /// `variant`. `None`: the first campaign runs the default test
    /// ([`VariantTest::default_for`]).
    pub variants: Option<Vec<VariantTest>>,
    /// Known effects to inject (none by default).
    pub effects: Effects,
}

impl Default for GenConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            now: DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_759), // 2026-11-02T00:00:00Z
            campaigns: demo_campaigns(),
            redelivery_share: 0.05,
            changed_redelivery_share: 0.2,
            invalid_share: 0.02,
            spread: Duration::hours(6),
            late_share: 0.01,
            clients_per_campaign: 20_000,
            v11_fields: true,
            variants: None,
            effects: Effects::default(),
        }
    }
}

/// A campaign and the program it promotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// The `campaign_id` slug.
    pub id: String,
    /// The `program` slug its uptake is counted for.
    pub program: String,
}

impl Campaign {
    /// A campaign promoting `program`.
    pub fn new(id: impl Into<String>, program: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            program: program.into(),
        }
    }
}

/// The demo campaigns: three programs, one campaign each.
pub fn demo_campaigns() -> Vec<Campaign> {
    vec![
        Campaign::new("oas-online-2026", "oas"),
        Campaign::new("ei-digital-2026", "ei"),
        Campaign::new("passport-renew-2026", "passport"),
    ]
}

/// A [`GenConfig`] field with a value the generator cannot honour.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} {reason}")]
pub struct ConfigError {
    /// The `GenConfig` field at fault, e.g. `invalid_share`.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl ConfigError {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl GenConfig {
    /// Checks every field; the first fault found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.campaigns.is_empty() {
            return Err(ConfigError::new("campaigns", "must not be empty"));
        }
        for (i, c) in self.campaigns.iter().enumerate() {
            if !is_slug(&c.id) {
                return Err(ConfigError::new(
                    "campaigns",
                    format!("has an id that is not a slug (a-z 0-9 _ -): {:?}", c.id),
                ));
            }
            if !is_slug(&c.program) {
                return Err(ConfigError::new(
                    "campaigns",
                    format!(
                        "has a program that is not a slug (a-z 0-9 _ -): {:?}",
                        c.program
                    ),
                ));
            }
            if self.campaigns[..i].iter().any(|earlier| earlier.id == c.id) {
                return Err(ConfigError::new(
                    "campaigns",
                    format!("lists {:?} twice", c.id),
                ));
            }
        }
        for (field, share) in [
            ("redelivery_share", self.redelivery_share),
            ("changed_redelivery_share", self.changed_redelivery_share),
            ("invalid_share", self.invalid_share),
            ("late_share", self.late_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(ConfigError::new(field, "must be between 0 and 1"));
            }
        }
        if self.redelivery_share + self.invalid_share > 1.0 {
            return Err(ConfigError::new(
                "redelivery_share",
                "plus invalid_share must not exceed 1",
            ));
        }
        if self.spread < Duration::zero() || self.spread > Duration::days(MAX_SPREAD_DAYS) {
            return Err(ConfigError::new(
                "spread",
                format!("must be between 0 and {MAX_SPREAD_DAYS} days"),
            ));
        }
        if self.clients_per_campaign == 0 {
            return Err(ConfigError::new(
                "clients_per_campaign",
                "must be at least 1",
            ));
        }
        self.validate_variants()?;
        if let Some((field, reason)) = self.effects.fault() {
            return Err(ConfigError::new(field, reason));
        }
        if let Some((lifted, _)) = self
            .effects
            .conversion
            .as_ref()
            .and_then(|c| c.variant_lift.as_ref())
            && !self
                .variant_tests()
                .iter()
                .any(|t| t.arms.iter().any(|(arm, _)| arm == lifted))
        {
            return Err(ConfigError::new(
                "variant_lift",
                format!("names {lifted:?}, an arm of no variant test"),
            ));
        }
        Ok(())
    }

    /// What the manifest records as the truth (`#effects`): the injected
    /// effects and the message tests' arms and weights; `None` when neither
    /// was asked for, so a default run's manifest is as it always was.
    pub fn truth(&self) -> Option<Value> {
        if !self.effects.any() && self.variants.is_none() {
            return None;
        }
        let mut truth = self.effects.to_json();
        truth["variants"] = self
            .variant_tests()
            .iter()
            .map(|t| {
                let arms: Vec<Value> = t
                    .arms
                    .iter()
                    .map(|(arm, weight)| json!({"arm": arm, "weight": weight}))
                    .collect();
                json!({"campaign": t.campaign, "arms": arms, "assignment": "per client (stable), at random without one"})
            })
            .collect();
        Some(truth)
    }

    /// The message tests: as configured, or the first campaign's default.
    pub fn variant_tests(&self) -> Vec<VariantTest> {
        match &self.variants {
            Some(tests) => tests.clone(),
            None => self
                .campaigns
                .first()
                .map(|c| VariantTest::default_for(&c.id))
                .into_iter()
                .collect(),
        }
    }

    fn validate_variants(&self) -> Result<(), ConfigError> {
        let tests = self.variant_tests();
        for (i, t) in tests.iter().enumerate() {
            let fault = if !self.campaigns.iter().any(|c| c.id == t.campaign) {
                Some(format!("name {:?}, not a campaign", t.campaign))
            } else if tests[..i].iter().any(|e| e.campaign == t.campaign) {
                Some(format!("list {:?} twice", t.campaign))
            } else if t.arms.iter().any(|(arm, _)| !is_slug(arm)) {
                Some(format!(
                    "of {:?} have an arm that is not a slug",
                    t.campaign
                ))
            } else if t.arms.iter().map(|(_, w)| u64::from(*w)).sum::<u64>() == 0 {
                Some(format!("of {:?} have no arm with a weight", t.campaign))
            } else {
                None
            };
            if let Some(reason) = fault {
                return Err(ConfigError::new("variants", reason));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented_values() {
        let c = GenConfig::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.campaigns, demo_campaigns());
        assert_eq!(c.redelivery_share, 0.05);
        assert_eq!(c.changed_redelivery_share, 0.2);
        assert_eq!(c.invalid_share, 0.02);
        assert_eq!(c.spread, Duration::hours(6));
        assert_eq!(c.late_share, 0.01);
        assert_eq!(c.clients_per_campaign, 20_000);
        assert!(c.v11_fields);
        assert_eq!(c.variants, None);
        assert_eq!(
            c.variant_tests(),
            [VariantTest::default_for("oas-online-2026")]
        );
        assert!(!c.effects.any());
        assert_eq!(c.now.to_rfc3339(), "2026-11-02T00:00:00+00:00");
    }

    #[test]
    fn every_fault_names_its_field() {
        type Breakage = Box<dyn Fn(&mut GenConfig)>;
        let cases: Vec<(&str, Breakage)> = vec![
            ("campaigns", Box::new(|c| c.campaigns.clear())),
            ("campaigns", Box::new(|c| c.campaigns[0].id = "OAS".into())),
            (
                "campaigns",
                Box::new(|c| c.campaigns[0].program = "".into()),
            ),
            (
                "campaigns",
                Box::new(|c| c.campaigns.push(c.campaigns[0].clone())),
            ),
            ("redelivery_share", Box::new(|c| c.redelivery_share = 1.5)),
            (
                "changed_redelivery_share",
                Box::new(|c| c.changed_redelivery_share = -0.1),
            ),
            ("invalid_share", Box::new(|c| c.invalid_share = f64::NAN)),
            ("late_share", Box::new(|c| c.late_share = 2.0)),
            (
                "redelivery_share",
                Box::new(|c| {
                    c.redelivery_share = 0.6;
                    c.invalid_share = 0.6;
                }),
            ),
            ("spread", Box::new(|c| c.spread = Duration::days(61))),
            ("spread", Box::new(|c| c.spread = Duration::seconds(-1))),
            (
                "clients_per_campaign",
                Box::new(|c| c.clients_per_campaign = 0),
            ),
            (
                "variants",
                Box::new(|c| c.variants = Some(vec![VariantTest::default_for("nope")])),
            ),
            (
                "variants",
                Box::new(|c| {
                    let mut test = VariantTest::default_for("oas-online-2026");
                    test.arms[0].0 = "Control".into();
                    c.variants = Some(vec![test]);
                }),
            ),
            (
                "variant_lift",
                Box::new(|c| {
                    let mut conversion = crate::effects::Conversion::new(0.1);
                    conversion.variant_lift = Some(("nope".into(), 0.2));
                    c.effects.conversion = Some(conversion);
                }),
            ),
            (
                "variant_lift",
                Box::new(|c| {
                    let mut conversion = crate::effects::Conversion::new(0.6);
                    conversion.variant_lift = Some(("control".into(), 1.0));
                    c.effects.conversion = Some(conversion);
                }),
            ),
        ];
        for (field, break_it) in cases {
            let mut c = GenConfig::default();
            break_it(&mut c);
            let err = c.validate().expect_err(field);
            assert_eq!(err.field, field, "{err}");
        }
    }
}
