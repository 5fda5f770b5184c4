//! The manifest: one line per acknowledged message, `topic<TAB>key<TAB>
//! expect`, in the order the messages were produced, so an end-to-end test
//! can compare what Kafka acknowledged with what the pipeline stored and
//! refused. A message Kafka did not acknowledge is left out: it may never
//! have been written.
//!
//! When effects are injected (`--lift`, `--conversion`) or message tests
//! configured (`--variants`), the first line is `#effects<TAB>` and a JSON
//! object stating them (the truth an estimate is compared with:
//! `GenConfig::truth`); without, the file is as it always was.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use cmp_loadgen::{Expect, GenConfig};
use serde_json::Value;

/// An open manifest file.
#[derive(Debug)]
pub struct Manifest {
    out: BufWriter<File>,
}

impl Manifest {
    /// Creates (or truncates) the file at `path`, recording what `config`
    /// injects.
    pub fn create(path: &Path, config: &GenConfig) -> anyhow::Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the manifest {}", path.display()))?;
        let mut out = BufWriter::new(file);
        if let Some(truth) = config.truth() {
            writeln!(out, "{}", effects_line(&truth)).context("cannot write the manifest")?;
        }
        Ok(Self { out })
    }

    /// Records one acknowledged message.
    pub fn record(&mut self, topic: &str, key: &[u8], expect: &Expect) -> anyhow::Result<()> {
        writeln!(self.out, "{}", line(topic, key, expect)).context("cannot write the manifest")
    }

    /// Writes out everything recorded.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.out.flush().context("cannot write the manifest")?;
        self.out
            .get_ref()
            .sync_all()
            .context("cannot write the manifest")
    }
}

/// The effects line, without the newline.
fn effects_line(truth: &Value) -> String {
    format!("#effects\t{truth}")
}

/// One manifest line, without the newline. Keys are event_ids, so ASCII.
fn line(topic: &str, key: &[u8], expect: &Expect) -> String {
    format!("{topic}\t{}\t{expect}", String::from_utf8_lossy(key))
}

#[cfg(test)]
mod tests {
    use cmp_model::RefusalCode;

    use super::*;

    #[test]
    fn lines_are_tab_separated() {
        let accept = Expect::Accept {
            event_id: "e-1-7".into(),
        };
        assert_eq!(
            line("cmp.engagement.v1", b"e-1-7", &accept),
            "cmp.engagement.v1\te-1-7\taccept e-1-7"
        );
        assert_eq!(
            line("t", b"x-1-1", &Expect::Refuse(RefusalCode::Malformed)),
            "t\tx-1-1\trefuse malformed"
        );
    }

    #[test]
    fn effects_are_one_json_line() {
        let mut config = GenConfig::default();
        assert_eq!(config.truth(), None, "a default run records nothing");
        config.effects.conversion = Some(cmp_loadgen::Conversion::new(0.05));
        let line = effects_line(&config.truth().expect("an effect"));
        let (tag, json) = line.split_once('\t').expect("a tab");
        assert_eq!(tag, "#effects");
        assert!(!json.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
        assert_eq!(value["conversion"]["rate"], 0.05);
        assert_eq!(value["conversion"]["mean_delay_hours"]["tv"], 72.0);
        assert!(value["lift"].is_null());
        assert_eq!(value["variants"][0]["campaign"], "oas-online-2026");
        assert_eq!(value["variants"][0]["arms"][1]["arm"], "plain-language-b");
    }
}
