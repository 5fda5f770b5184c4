//! The message stream: an endless, deterministic iterator. Each message is
//! drawn in turn: invalid with probability `invalid_share` (the codes taken
//! in rotation, so every code appears early and equally), a re-delivery with
//! probability `redelivery_share` (once an event exists to repeat),
//! otherwise a fresh event, engagement three times in four. Fresh events get
//! event_ids `e-<seed hex>-<n>` and `u-<seed hex>-<n>`; invalid messages get
//! keys `x-<seed hex>-<n>`, so no two messages of one run share a key unless
//! one is a re-delivery of the other, and runs with different seeds never
//! share one.

use cmp_model::{RefusalCode, Topic};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::{ConfigError, GenConfig};
use crate::message::{Expect, Message};
use crate::redelivery::{Recent, Remembered};
use crate::{engagement, event_time, invalid, uptake};

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
}

impl Generator {
    /// A generator for `config`, or the first fault in it.
    pub fn new(config: GenConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config,
            engagements: 0,
            uptakes: 0,
            invalids: 0,
            recent: Recent::default(),
        })
    }

    /// The configuration it generates for.
    pub fn config(&self) -> &GenConfig {
        &self.config
    }

    fn generate(&mut self) -> Message {
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
        let fields = match topic {
            Topic::Engagement => engagement::build(&mut self.rng, &self.config, &event_id, time),
            Topic::Uptake => uptake::build(&mut self.rng, &self.config, &event_id, time),
        };
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
