//! An ordered JSON object under construction. `serde_json::Map` sorts its
//! keys and cannot hold a key twice; a producer writes fields in its own
//! order (`event_id` first), and one kind of malformed message repeats a
//! field, so events are built here as a list of pairs and written out by
//! hand, each key and value serialised by `serde_json`.

use serde_json::Value;

/// A JSON object's fields, in the order they will be written.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Fields {
    entries: Vec<(&'static str, Value)>,
}

impl Fields {
    /// Appends a field, even if one with that name exists already.
    pub(crate) fn push(&mut self, key: &'static str, value: impl Into<Value>) {
        self.entries.push((key, value.into()));
    }

    /// Replaces the first field named `key` in place, or appends it.
    pub(crate) fn set(&mut self, key: &'static str, value: impl Into<Value>) {
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Removes every field named `key`.
    pub(crate) fn remove(&mut self, key: &str) {
        self.entries.retain(|(k, _)| *k != key);
    }

    /// The first field named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The first field named `key`, if it is a string.
    pub(crate) fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The object as compact JSON.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(320);
        out.push('{');
        for (i, (key, value)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&Value::from(*key).to_string());
            out.push(':');
            out.push_str(&value.to_string());
        }
        out.push('}');
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_escapes() {
        let mut f = Fields::default();
        f.push("event_id", "a\"b");
        f.push("count", 3);
        f.push("campaign_id", Value::Null);
        f.set("count", 4);
        assert_eq!(
            f.to_bytes(),
            br#"{"event_id":"a\"b","count":4,"campaign_id":null}"#
        );
        f.push("count", 5);
        assert_eq!(f.get("count"), Some(&Value::from(4)));
        f.remove("count");
        assert_eq!(f.to_bytes(), br#"{"event_id":"a\"b","campaign_id":null}"#);
        assert_eq!(f.get_str("event_id"), Some("a\"b"));
        assert_eq!(Fields::default().to_bytes(), b"{}");
    }
}
