//! How outlets reported the same event.
//!
//! - [`lexicon`]: the concept lexicon and intensity ladders of `data/concepts/`.
//! - [`segment`]: statements of a text (sentences, clauses, quoted speech) with speakers.
//! - [`align`]: statements of two or more sources paired across outlets and languages, what
//!   only one source says, and which concepts each source uses.
//! - [`absence`]: concepts used in earlier comparable events between the same actors but
//!   absent now, from the knowledge base.
//! - [`trend`]: how often a phrase or concept is used per period and outlet (through the
//!   search index), and how the wording of meetings moved up or down a ladder.

#![forbid(unsafe_code)]

pub mod absence;
pub mod align;
pub mod lexicon;
pub mod segment;
pub mod trend;

pub use align::{Comparison, Document, compare};
pub use lexicon::Lexicon;

/// Errors of the comparison crate.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("{file}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Lexicon {
        file: String,
        line: Option<usize>,
        message: String,
    },
    #[error("no concept `{id}`{}", if candidates.is_empty() { " (see data/concepts/ for the ids)".to_string() } else { format!("; did you mean: {}", candidates.join(", ")) })]
    UnknownConcept { id: String, candidates: Vec<String> },
    #[error("no ladder `{id}`; the ladders are: {}", known.join(", "))]
    UnknownLadder { id: String, known: Vec<String> },
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Store(#[from] entente_store::StoreError),
    #[error(transparent)]
    Extract(#[from] entente_extract::ExtractError),
}
