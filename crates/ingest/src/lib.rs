//! Getting documents in: readers for every input format, encoding detection,
//! normalisation into [`entente_core::NewSource`], near-duplicate detection, and the
//! pipeline that writes each document into the store in its own transaction.
//!
//! Readers ([`readers`], [`decode`], [`fetch`]) turn bytes into [`RawDoc`]s and know nothing
//! of the store; the [`pipeline`] owns the order of work and the summary.

pub mod decode;
pub mod dedupe;
pub mod error;
pub mod fetch;
pub mod pipeline;
pub mod readers;
pub mod robots;
#[cfg(feature = "testing")]
pub mod testing;
pub mod watch;

pub use error::IngestError;
pub use readers::{FieldMap, Format, RawDoc, ReadOptions};
