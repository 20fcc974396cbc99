//! Integration tests of entente-brief (one binary; modules per area).

mod chart;
mod chromium;
mod common;
mod graph;
mod markdown;
mod render;
mod sample_doc;
mod spec;
mod spec_json;
