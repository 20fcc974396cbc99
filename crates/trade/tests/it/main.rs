//! Integration tests of entente-trade (one binary; modules per area).

mod analyst;
mod common;
mod hs;
mod import;
mod interop;
mod parse;
mod query;
mod screen;
