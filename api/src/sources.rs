//! What the views read: the store, the reporting rules and the reports kept
//! per data version. The handlers' state holds one and hands it to the
//! views, which so know nothing of that state (tokens, metrics, the live
//! hub that polls them).

use cmp_store::Store;

use crate::memo::Memo;
use crate::rules::Rules;

/// The views' inputs (cheap to clone).
#[derive(Clone, Debug)]
pub struct Sources {
    pub store: Store,
    pub rules: Rules,
    /// Reports computed at the current data version.
    pub memo: Memo,
}
