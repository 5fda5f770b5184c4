//! Reads shared by the computations of one data version. A campaign's
//! report and its judged targets are computed side by side and ask some of
//! the same report queries (the campaign's uptake, its program's, its
//! spend over the flight so far); a [`Shared`] made for one data version
//! runs each distinct query (its SQL with every value bound) once and hands
//! its rows to every asker. Whoever makes it must only hand it to
//! computations of that version: a query it ran started after the version
//! was read, so its rows hold all of that version's data, as a query of
//! the asker's own would. Errors are not kept (the next asker runs the
//! query again).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::StoreError;

/// Distinct queries kept before the map is emptied (a version lives
/// between two INSERTs: under live traffic a fraction of a second).
const CAPACITY: usize = 1024;

type Slot = Arc<OnceCell<Arc<dyn Any + Send + Sync>>>;

/// The queries of one data version, by row type and SQL text.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    slots: Arc<Mutex<HashMap<(TypeId, String), Slot>>>,
}

impl Shared {
    /// `run`'s value for `sql`: run by the first asker, handed to the others.
    pub async fn get<T, F>(&self, sql: String, run: F) -> Result<T, StoreError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, StoreError>>,
    {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            let key = (TypeId::of::<T>(), sql);
            if slots.len() >= CAPACITY && !slots.contains_key(&key) {
                slots.clear();
            }
            Arc::clone(slots.entry(key).or_default())
        };
        let value = slot
            .get_or_try_init(|| async {
                let rows: Arc<dyn Any + Send + Sync> = Arc::new(run.await?);
                Ok::<_, StoreError>(rows)
            })
            .await?;
        Ok(value
            .downcast_ref::<T>()
            .expect("a slot is keyed by its value's type")
            .clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn identical_queries_run_once_others_and_failures_run_again() {
        let shared = Shared::default();
        let runs = AtomicUsize::new(0);
        let run = |rows: Vec<u32>| {
            let runs = &runs;
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok::<_, StoreError>(rows)
            }
        };
        let (a, b, other) = tokio::join!(
            shared.get("SELECT 1".into(), run(vec![1])),
            shared.get("SELECT 1".into(), run(vec![9])),
            shared.get("SELECT 2".into(), run(vec![2])),
        );
        assert_eq!(
            (a.expect("a"), b.expect("b"), other.expect("other")),
            (vec![1], vec![1], vec![2])
        );
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        // The same SQL read as another row type is another query.
        let text: Vec<String> = shared
            .get("SELECT 1".into(), async { Ok(vec!["one".to_owned()]) })
            .await
            .expect("text");
        assert_eq!(text, ["one"]);
        let failed: Result<Vec<u32>, _> = shared
            .get("SELECT 3".into(), async {
                Err(StoreError::ClickHouse(clickhouse::error::Error::TimedOut))
            })
            .await;
        assert!(failed.is_err());
        let again = shared.get("SELECT 3".into(), run(vec![3])).await;
        assert_eq!(again.expect("ran again"), vec![3]);
    }
}
