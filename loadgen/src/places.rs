//! Where clients live and which offices serve them (contract v1.1 `fsa` and
//! `office_id`): a fixed set of forward sortation areas per province or
//! territory, with the first letters Canada Post uses there, and offices
//! `XX-NNNN` of the same region, one per three FSAs. About 90 FSAs and 40
//! offices: enough units (more than 20) for geographic experiments.

use cmp_model::Region;

/// Third letters of the generated FSAs.
const THIRD: &[u8] = b"ABCEGHJKLMNPRSTVXY";

/// First letters of a region's FSAs, and how many FSAs it gets.
fn layout(region: Region) -> (&'static [u8], usize) {
    match region {
        Region::Nl => (b"A", 3),
        Region::Ns => (b"B", 4),
        Region::Pe => (b"C", 2),
        Region::Nb => (b"E", 3),
        Region::Qc => (b"GHJ", 18),
        Region::On => (b"KLMNP", 27),
        Region::Mb => (b"R", 4),
        Region::Sk => (b"S", 4),
        Region::Ab => (b"T", 9),
        Region::Bc => (b"V", 11),
        Region::Nt | Region::Nu => (b"X", 1),
        Region::Yt => (b"Y", 1),
        Region::Ca | Region::Xx => (b"", 0),
    }
}

/// The provinces and territories (not `CA`, not `XX`).
pub(crate) const PROVINCES: &[Region] = &[
    Region::Nl,
    Region::Ns,
    Region::Pe,
    Region::Nb,
    Region::Qc,
    Region::On,
    Region::Mb,
    Region::Sk,
    Region::Ab,
    Region::Bc,
    Region::Nt,
    Region::Nu,
    Region::Yt,
];

/// The FSAs of `region`, upper-case; empty for `CA` and `XX`.
pub(crate) fn fsas(region: Region) -> Vec<String> {
    let (firsts, n) = layout(region);
    // Northwest Territories and Nunavut share X: X0A and X1A.
    let digit_offset = u8::from(region == Region::Nu);
    let mut out = Vec::with_capacity(n);
    'all: for &third in THIRD {
        for digit in (0..10u8).filter(|d| d % 2 == digit_offset || firsts != b"X") {
            for &first in firsts {
                if out.len() == n {
                    break 'all;
                }
                out.push(String::from_utf8_lossy(&[first, b'0' + digit, third]).into_owned());
            }
        }
    }
    out
}

/// The offices of `region`: `ON-0001` …, one per three FSAs (at least one).
pub(crate) fn offices(region: Region) -> Vec<String> {
    let n = layout(region).1.div_ceil(3);
    (1..=n)
        .map(|i| format!("{}-{i:04}", region.as_str()))
        .collect()
}

/// A stable pick among `n` for `key` (FNV-1a): the same client in the same
/// region always lives in the same FSA and goes to the same office.
pub(crate) fn stable_index(key: &str, n: usize) -> usize {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    usize::try_from(hash % n.max(1) as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn fsas_are_valid_distinct_and_plenty() {
        let mut all = BTreeSet::new();
        let mut offices_n = 0;
        for &r in PROVINCES {
            let list = fsas(r);
            assert!(!list.is_empty(), "{r}");
            for f in &list {
                assert!(cmp_model::rules::is_fsa_input(f), "{f}");
                assert!(all.insert(f.clone()), "{f} twice");
            }
            for o in offices(r) {
                assert!(cmp_model::rules::is_office_id_input(&o), "{o}");
                offices_n += 1;
            }
        }
        assert!(
            all.len() > 80 && offices_n > 20,
            "{} {offices_n}",
            all.len()
        );
        assert!(fsas(Region::Ca).is_empty() && offices(Region::Xx).is_empty());
        assert_eq!(fsas(Region::On)[0], "K0A");
    }
}
