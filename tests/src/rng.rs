//! A small deterministic random stream (splitmix64) for the tests' own
//! choices: which queries to ask, when to kill what. A seed replays a run.

/// splitmix64.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A duration in `[low, high]`, to the millisecond.
    pub fn between(
        &mut self,
        low: std::time::Duration,
        high: std::time::Duration,
    ) -> std::time::Duration {
        let span = high.saturating_sub(low).as_millis() as u64;
        low + std::time::Duration::from_millis(self.below(span + 1))
    }
}

/// A seed: `CMP_TEST_SEED` if set, else from the clock (printed by the
/// tests that use it, so a failing run can be replayed).
pub fn seed() -> u64 {
    std::env::var("CMP_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64 | 1)
                .unwrap_or(1)
        })
}
