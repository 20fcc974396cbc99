//! Text processing shared by ingest, search and extraction.
//!
//! * [`normalize`](mod@normalize) — the canonical text that ids are hashed from and citations point into.
//! * [`fold`](mod@fold) — character-variant folding (simplified / traditional / Japanese shinjitai)
//!   used only for matching and search, never for display.
//! * [`langid`](mod@langid) — document and paragraph language identification.
//! * [`dates`](mod@dates) — date expressions (ja, zh, ko, ru, en; Japanese eras, Juche years,
//!   relative words) as EDTF values.
//! * [`tokenize`](mod@tokenize) — the language-aware token stream behind the search index
//!   (CJK bigrams + trigrams, Russian and English stemming).
//! * [`quantity`](mod@quantity) — quantities with scales, ranges, approximation and units
//!   (約1万5,000人, 420～580万発, some 15,000 troops).
//!
//! The crate knows nothing about storage. Its tables are data files under `data/text/`,
//! embedded at build time and validated on first use.

pub mod dates;
mod error;
pub mod fold;
pub mod langid;
pub mod normalize;
pub mod outlets;
pub mod quantity;
pub mod tokenize;

pub use error::TextError;
pub use fold::{fold, fold_char, load_tables};
pub use langid::{detect, detect_spans};
pub use normalize::{clip, normalize};
pub use tokenize::{Mode, Token, tokenize, tokens};
