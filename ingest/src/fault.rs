//! Test-only fault injection, compiled into debug builds alone (the
//! integration tests run debug binaries; a release build has none of it):
//! `CMP_TEST_PANIC_AT=<topic>:<partition>:<offset>` makes the worker of that
//! partition panic when that offset reaches it, as a bug would.

use std::sync::OnceLock;

/// The partition and offset `CMP_TEST_PANIC_AT` names, read once.
fn target() -> Option<&'static (String, i32, i64)> {
    static AT: OnceLock<Option<(String, i32, i64)>> = OnceLock::new();
    AT.get_or_init(|| {
        let v = std::env::var("CMP_TEST_PANIC_AT").ok()?;
        let (rest, offset) = v.rsplit_once(':')?;
        let (topic, partition) = rest.rsplit_once(':')?;
        Some((
            topic.to_owned(),
            partition.parse().ok()?,
            offset.parse().ok()?,
        ))
    })
    .as_ref()
}

/// Panics if `CMP_TEST_PANIC_AT` names this message.
pub fn panic_if_named(topic: &str, partition: i32, offset: i64) {
    if let Some((t, p, o)) = target()
        && t == topic
        && *p == partition
        && *o == offset
    {
        panic!("CMP_TEST_PANIC_AT: injected panic at offset {offset}");
    }
}
