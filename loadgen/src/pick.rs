//! Random choices the generator makes everywhere: one value from a weighted
//! table, and the letter case a careless producer would type a code in
//! (`seniors`, `Seniors`, `SENIORS`).

use rand::Rng;

/// One value of `table`, each with probability weight / sum of weights.
/// A table whose weights are all zero yields its first value.
pub(crate) fn weighted<T: Copy>(rng: &mut impl Rng, table: &[(T, u32)]) -> Option<T> {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return table.first().map(|(v, _)| *v);
    }
    let mut roll = rng.random_range(0..total);
    for &(value, weight) in table {
        if roll < weight {
            return Some(value);
        }
        roll -= weight;
    }
    None
}

/// How a producer spelled a case-insensitive code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Lower,
    Upper,
    /// First letter upper, the rest lower.
    Title,
}

/// `code` in `case`.
pub(crate) fn in_case(code: &str, case: Case) -> String {
    match case {
        Case::Lower => code.to_ascii_lowercase(),
        Case::Upper => code.to_ascii_uppercase(),
        Case::Title => {
            let lower = code.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    }
}

/// `code` in a case drawn from `table`.
pub(crate) fn any_case(rng: &mut impl Rng, code: &str, table: &[(Case, u32)]) -> String {
    in_case(code, weighted(rng, table).unwrap_or(Case::Lower))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn weighted_follows_the_weights() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let table = [("a", 1), ("never", 0), ("b", 3)];
        let mut b = 0;
        for _ in 0..4000 {
            match weighted(&mut rng, &table) {
                Some("b") => b += 1,
                Some("a") => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!((2800..3200).contains(&b), "{b}");
        assert_eq!(weighted(&mut rng, &[("z", 0)]), Some("z"));
        assert_eq!(weighted::<u8>(&mut rng, &[]), None);
    }

    #[test]
    fn cases() {
        assert_eq!(in_case("Seniors", Case::Lower), "seniors");
        assert_eq!(in_case("seniors", Case::Upper), "SENIORS");
        assert_eq!(in_case("qC", Case::Title), "Qc");
        assert_eq!(in_case("", Case::Title), "");
    }
}
