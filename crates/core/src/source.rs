use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{DateValue, Lang, SourceId};

/// The language of one stretch (usually a paragraph) of a mixed-language document.
/// `start..end` are byte offsets into the normalised text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LangSpan {
    pub start: usize,
    pub end: usize,
    pub lang: Lang,
}

impl LangSpan {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A document ready to be stored: everything but the store-assigned fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NewSource {
    /// Hash of `text` (see [`SourceId::of_text`]).
    pub id: SourceId,
    pub outlet: Option<String>,
    /// The main language (by share of letters).
    pub lang: Lang,
    /// Per-paragraph languages when the document mixes languages; empty otherwise.
    pub lang_spans: Vec<LangSpan>,
    pub published: Option<DateValue>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// The normalised text; citations point into it.
    pub text: String,
    /// The text as decoded from the original bytes, before normalisation.
    pub original_text: String,
    /// The encoding the original bytes were decoded from (WHATWG name, e.g. `Shift_JIS`).
    pub encoding: String,
    /// The input format (`text`, `markdown`, `html`, `jsonl`, `json`, `rss`, `atom`, `pdf`).
    pub format: String,
    /// Where the document came from: a path, a URL or `-`, with `#line` / `#item` for records.
    pub origin: String,
    /// MinHash signature of the folded text, used for near-duplicate detection.
    pub minhash: Vec<u32>,
}

/// A stored document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Source {
    #[serde(flatten)]
    pub new: NewSource,
    /// Insertion order in the store (monotonic); the search index records how far it has got.
    pub seq: i64,
    pub ingested_at: DateTime<Utc>,
    /// The first stored copy this document nearly duplicates, if any.
    pub near_duplicate_of: Option<SourceId>,
}

impl std::ops::Deref for Source {
    type Target = NewSource;
    fn deref(&self) -> &NewSource {
        &self.new
    }
}
