//! Extraction: from a source's normalised text to actors mentioned, events (who met whom,
//! when, where, in which framework) and statements, every item with the citation it came from.
//!
//! Domain knowledge is data: actors, posts and titles under `data/actors/`, trigger lexicons
//! under `data/triggers/`; this crate is generic over them.

pub mod analysis;
mod coref;
pub mod eval;
pub mod events;
pub mod gazetteer;
pub mod lexicon;
pub mod run;
pub mod sentences;
pub mod terms;

pub use events::{Extraction, Extractor, Input, same_event};

/// Errors of the extraction crate.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error(transparent)]
    Gazetteer(#[from] gazetteer::GazetteerError),
    #[error("{file}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Lexicon {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] entente_store::StoreError),
    #[error("no actor matches `{query}`{}", if candidates.is_empty() { " (try `entente actors list`)".to_string() } else { format!("; it could be any of: {}", candidates.join(", ")) })]
    UnknownActor {
        query: String,
        candidates: Vec<String>,
    },
}
