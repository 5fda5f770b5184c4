//! Simulation studies of the crate's methods: seeded, so each figure is
//! reproducible, and each asserts the threshold it is about so it can
//! fail. Short by default (CI, debug build); `CMP_LONG_STUDY=1` runs ten
//! to twenty times more datasets (`deploy/reliability/run.sh long`:
//! `CMP_LONG_STUDY=1 cargo test --release -p cmp-measure --test study -- --nocapture`).
//! Every study prints its figures on one line starting with `study`.

mod geo;
mod message;
mod sim;
