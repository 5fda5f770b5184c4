//! The manifest: one line per acknowledged message, `topic<TAB>key<TAB>
//! expect`, in the order the messages were produced, so an end-to-end test
//! can compare what Kafka acknowledged with what the pipeline stored and
//! refused. A message Kafka did not acknowledge is left out: it may never
//! have been written.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use cmp_loadgen::Expect;

/// An open manifest file.
#[derive(Debug)]
pub struct Manifest {
    out: BufWriter<File>,
}

impl Manifest {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the manifest {}", path.display()))?;
        Ok(Self {
            out: BufWriter::new(file),
        })
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
}
