//! Integration tests of the readers: encodings, formats, fetch, real data, properties.

mod encodings;
mod feeds;
mod fetch;
mod html;
mod json;
mod pdf;
mod props;
mod real_data;
mod text;

use std::path::PathBuf;

use entente_ingest::IngestError;
use entente_ingest::readers::{self, RawDoc, ReadOptions};

/// Path of a fixture under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(rel)
}

/// Bytes of a fixture.
pub fn bytes(rel: &str) -> Vec<u8> {
    let p = fixture(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", p.display()))
}

/// Reads a fixture with default options; the origin is its relative name.
pub fn read_fixture(rel: &str) -> Vec<Result<RawDoc, IngestError>> {
    readers::read(rel, &bytes(rel), None, &ReadOptions::default())
}

/// Reads a fixture that must give exactly one document.
pub fn one_doc(rel: &str) -> RawDoc {
    let mut r = read_fixture(rel);
    assert_eq!(r.len(), 1, "{rel}: expected one result, got {r:?}");
    match r.remove(0) {
        Ok(d) => d,
        Err(e) => panic!("{rel}: {e}"),
    }
}

/// Reads a fixture that must give exactly one error.
pub fn one_err(rel: &str) -> IngestError {
    let mut r = read_fixture(rel);
    assert_eq!(r.len(), 1, "{rel}: expected one result, got {r:?}");
    match r.remove(0) {
        Ok(d) => panic!("{rel}: expected an error, got {d:?}"),
        Err(e) => e,
    }
}
