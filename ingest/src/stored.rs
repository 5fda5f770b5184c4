//! What the ledger already holds of a partition from the first offset a
//! worker reads on (stored by an earlier owner, and not committed), a page
//! at a time: the worker skips a message only where the ledger holds the
//! same event at its offset. The next page is read when the offsets reach
//! it, so memory stays bounded by a page however far the committed offset
//! lagged behind what was stored.

use std::collections::BTreeSet;

/// Stored events a page holds (a few more where one offset holds several).
pub const PAGE: usize = 10_000;

/// Stored events as (offset, dedup key of the event id), complete from the
/// offset the page was read from up to `more_from`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub entries: BTreeSet<(i64, u64)>,
    /// Where the ledger holds more than the page (read it from there);
    /// `None`: nothing more.
    pub more_from: Option<i64>,
}

/// What the ledger holds at a message's offset.
#[derive(Debug, PartialEq, Eq)]
pub enum Held {
    Nothing,
    /// The message's own event: it was stored before.
    Same,
    /// Only other events: the offset was reused.
    Other,
}

impl Page {
    /// Whether a message at `offset` needs the next page read first.
    pub fn ends_before(&self, offset: i64) -> bool {
        self.more_from.is_some_and(|from| offset >= from)
    }

    /// What the page holds at `offset` for a message whose event has `key`
    /// (`None`: it does not decode, so it cannot be a stored event). Drops
    /// the entries at and below `offset`: past the first message offsets
    /// only grow.
    pub fn held_at(&mut self, offset: i64, key: Option<u64>) -> Held {
        let mut held = Held::Nothing;
        while let Some(&(at, stored_key)) = self.entries.first() {
            if at > offset {
                break;
            }
            self.entries.pop_first();
            if at == offset && held != Held::Same {
                held = if Some(stored_key) == key {
                    Held::Same
                } else {
                    Held::Other
                };
            }
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Page {
        Page {
            entries: BTreeSet::from([(3, 30), (5, 50), (5, 51), (8, 80)]),
            more_from: Some(9),
        }
    }

    #[test]
    fn a_stored_offset_is_skipped_only_for_the_event_stored_there() {
        let cases = [
            (4, Some(40), Held::Nothing),
            (3, Some(30), Held::Same),
            (3, Some(31), Held::Other),
            (3, None, Held::Other),
            (5, Some(50), Held::Same),
            (5, Some(51), Held::Same),
            (5, Some(52), Held::Other),
            (9, Some(30), Held::Nothing),
        ];
        for (offset, key, want) in cases {
            assert_eq!(page().held_at(offset, key), want, "{offset} {key:?}");
        }
        let mut p = page();
        assert_eq!(p.held_at(5, Some(51)), Held::Same);
        assert_eq!(
            p.entries,
            BTreeSet::from([(8, 80)]),
            "what lies at or below is dropped"
        );
    }

    #[test]
    fn the_next_page_is_needed_from_where_the_page_stopped() {
        let p = page();
        assert!(!p.ends_before(8));
        assert!(p.ends_before(9) && p.ends_before(20));
        assert!(
            !Page::default().ends_before(i64::MAX),
            "nothing more stored"
        );
    }
}
