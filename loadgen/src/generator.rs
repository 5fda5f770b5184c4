//! The message stream: an endless, deterministic iterator. Each message is
//! drawn in turn: invalid with probability `invalid_share` (the codes taken
//! in rotation, so every code appears early and equally), a re-delivery with
//! probability `redelivery_share` (once an event exists to repeat),
//! otherwise a fresh event, engagement three times in four. Fresh events get
//! event_ids `e-<seed hex>-<n>` and `u-<seed hex>-<n>`; invalid messages get
//! keys `x-<seed hex>-<n>`, so no two messages of one run share a key unless
//! one is a re-delivery of the other, and runs with different seeds never
//! share one.
//!
//! Contract v1.1's fields and injected effects draw from their own random
//! streams (of the same seed), so the v1 part of the stream stays what it
//! was without them. The events an effect adds (extra applications,
//! completions) are queued and come next, before the next draw.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use cmp_model::{RefusalCode, Topic};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::{ConfigError, GenConfig};
use crate::fields::Fields;
use crate::message::{Expect, Message};
use crate::redelivery::{Recent, Remembered};
use crate::v11::VariantTest;
use crate::{engagement, event_time, inject, invalid, uptake, v11};

/// Stream of the ChaCha generator the v1.1 fields draw from.
const V11_STREAM: u64 = 1;
/// Stream the injected effects draw from.
const EFFECTS_STREAM: u64 = 2;

/// Share of fresh events on the engagement topic.
const ENGAGEMENT_SHARE: f64 = 0.75;

/// An endless, deterministic stream of [`Message`]s for one [`GenConfig`].
///
/// ```
/// use cmp_loadgen::{Expect, GenConfig, Generator};
///
/// let messages: Vec<_> = Generator::new(GenConfig::default())
///     .expect("valid config")
///     .take(100)
///     .collect();
/// assert!(matches!(messages[0].expect, Expect::Accept { .. } | Expect::Refuse(_)));
/// ```
#[derive(Clone, Debug)]
pub struct Generator {
    config: GenConfig,
    /// The one source of randomness, seeded from `config.seed`.
    rng: ChaCha8Rng,
    /// Fresh engagement events so far (numbers their event_ids).
    engagements: u64,
    /// Fresh uptake events so far.
    uptakes: u64,
    /// Invalid messages so far (picks the next refusal code and variant).
    invalids: u64,
    /// Recently accepted events, the candidates for re-delivery.
    recent: Recent,
    /// Draws the v1.1 fields.
    v11_rng: ChaCha8Rng,
    /// Draws the injected effects.
    effects_rng: ChaCha8Rng,
    /// Events an effect added, produced before the next draw.
    pending: VecDeque<Message>,
    /// The message tests (`GenConfig::variant_tests`).
    variant_tests: Vec<VariantTest>,
}

impl Generator {
    /// A generator for `config`, or the first fault in it.
    pub fn new(config: GenConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let stream = |n| {
            let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
            rng.set_stream(n);
            rng
        };
        let variant_tests = config.variant_tests();
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            v11_rng: stream(V11_STREAM),
            effects_rng: stream(EFFECTS_STREAM),
            config,
            engagements: 0,
            uptakes: 0,
            invalids: 0,
            recent: Recent::default(),
            pending: VecDeque::new(),
            variant_tests,
        })
    }

    /// The configuration it generates for.
    pub fn config(&self) -> &GenConfig {
        &self.config
    }

    fn generate(&mut self) -> Message {
        if let Some(message) = self.pending.pop_front() {
            return message;
        }
        let roll: f64 = self.rng.random();
        if roll < self.config.invalid_share {
            return self.invalid();
        }
        if roll < self.config.invalid_share + self.config.redelivery_share
            && let Some(message) = self
                .recent
                .redeliver(&mut self.rng, self.config.changed_redelivery_share)
        {
            return message;
        }
        self.fresh()
    }

    fn fresh(&mut self) -> Message {
        let topic = if self.rng.random_bool(ENGAGEMENT_SHARE) {
            Topic::Engagement
        } else {
            Topic::Uptake
        };
        let event_id = match topic {
            Topic::Engagement => {
                self.engagements += 1;
                format!("e-{:x}-{}", self.config.seed, self.engagements)
            }
            Topic::Uptake => {
                self.uptakes += 1;
                format!("u-{:x}-{}", self.config.seed, self.uptakes)
            }
        };
        let (at, _late) = event_time::fresh(&mut self.rng, &self.config);
        let time = event_time::format(&mut self.rng, at);
        let mut fields = match topic {
            Topic::Engagement => engagement::build(&mut self.rng, &self.config, &event_id, time),
            Topic::Uptake => uptake::build(&mut self.rng, &self.config, &event_id, time),
        };
        if self.config.v11_fields {
            v11::add(&mut self.v11_rng, &self.variant_tests, topic, &mut fields);
        }
        self.inject(topic, &fields, at);
        self.accept(topic, event_id, fields)
    }

    /// The message of a new event, remembered for re-delivery.
    fn accept(&mut self, topic: Topic, event_id: String, fields: Fields) -> Message {
        let message = Message {
            topic,
            key: event_id.as_bytes().to_vec(),
            payload: fields.to_bytes(),
            expect: Expect::Accept {
                event_id: event_id.clone(),
            },
        };
        self.recent.remember(Remembered {
            topic,
            event_id,
            fields,
        });
        message
    }

    /// Queues what the configured effects add after `fields` (at `at`).
    fn inject(&mut self, topic: Topic, fields: &Fields, at: DateTime<Utc>) {
        // (uptake, when, whether `fresh` produces it): an uptake event may
        // be lifted, an exposure may lead to a completion (lifted too).
        let mut uptakes = Vec::new();
        match topic {
            Topic::Uptake => uptakes.push((fields.clone(), at, true)),
            Topic::Engagement => {
                if let Some(conversion) = &self.config.effects.conversion
                    && let Some((completion, when)) = inject::completion(
                        &mut self.effects_rng,
                        &self.config,
                        conversion,
                        fields,
                        at,
                    )
                {
                    uptakes.push((completion, when, false));
                }
            }
        }
        for (uptake, when, produced_by_caller) in uptakes {
            let extras = match &self.config.effects.lift {
                Some(lift) => {
                    inject::lifted(&mut self.effects_rng, &self.config, lift, &uptake, when)
                }
                None => Vec::new(),
            };
            let queued = if produced_by_caller {
                None
            } else {
                Some(uptake)
            };
            for mut event in queued.into_iter().chain(extras) {
                self.uptakes += 1;
                let event_id = format!("u-{:x}-{}", self.config.seed, self.uptakes);
                event.set("event_id", event_id.clone());
                let message = self.accept(Topic::Uptake, event_id, event);
                self.pending.push_back(message);
            }
        }
    }

    fn invalid(&mut self) -> Message {
        let n = self.invalids;
        self.invalids += 1;
        let codes = RefusalCode::ALL;
        let code = codes
            .get(usize::try_from(n % codes.len() as u64).unwrap_or(0))
            .copied()
            .unwrap_or(RefusalCode::Malformed);
        let variant = n / codes.len() as u64;
        let key = format!("x-{:x}-{}", self.config.seed, n + 1);
        let (topic, payload) = invalid::build(&mut self.rng, &self.config, code, variant, &key);
        Message {
            topic,
            key: key.into_bytes(),
            payload,
            expect: Expect::Refuse(code),
        }
    }
}

impl Iterator for Generator {
    type Item = Message;

    /// Never `None`: bound the stream with `take`.
    fn next(&mut self) -> Option<Message> {
        Some(self.generate())
    }
}
