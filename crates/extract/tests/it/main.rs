//! Integration tests of entente-extract: one binary, one module per area.

mod events;
mod gazetteer;
