use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// Why one input (a file, a URL, a record of a JSON Lines file) could not be ingested.
/// Every variant names where: the origin (path or URL) and, where it applies, line and field.
///
/// Errors about one record of a JSON Lines file carry the file as `origin` and the line in
/// `line` (`kcna.jsonl line 17: ...`); errors about one item of a JSON array carry the item
/// origin (`tass.json#item=3`).
#[derive(Debug, Error)]
pub enum IngestError {
    /// The outlet profiles (`data/outlets/profiles.toml`) are invalid.
    #[error(transparent)]
    Profile(#[from] entente_text::outlets::ProfileError),
    /// Reading a file or directory failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The input is empty or holds only whitespace.
    #[error("{origin}: empty input (no bytes other than whitespace)")]
    Empty { origin: String },

    /// The input is not text (an image, an archive, an executable...).
    #[error("{origin}: binary content, not text ({reason})")]
    Binary { origin: String, reason: String },

    /// The bytes are not valid in the encoding that was declared or detected.
    #[error("{origin}: cannot decode as {encoding}: invalid byte sequence at byte offset {offset}")]
    Decode {
        origin: String,
        encoding: String,
        offset: usize,
    },

    /// The input ends in the middle of a multi-byte character.
    #[error(
        "{origin}: input ends in the middle of a {encoding} character at byte offset {offset} (truncated file?)"
    )]
    Truncated {
        origin: String,
        encoding: String,
        offset: usize,
    },

    /// An encoding name that is not known (from `--encoding`).
    #[error(
        "{origin}: unknown encoding `{label}` (expected a WHATWG label such as utf-8, shift_jis, euc-jp, gb18030, big5, euc-kr, koi8-r, windows-1251)"
    )]
    UnknownEncoding { origin: String, label: String },

    /// The input is larger than the configured cap.
    #[error("{origin}: too large ({size} bytes or more; the limit is {limit} bytes)")]
    TooLarge {
        origin: String,
        size: u64,
        limit: u64,
    },

    /// Malformed JSON: a line of a JSON Lines file, or a whole JSON document.
    #[error("{origin} line {line}: invalid JSON at column {column}: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },

    /// Malformed YAML front matter; `line` is the line in the file.
    #[error("{origin} line {line}: malformed front matter: {message}")]
    FrontMatter {
        origin: String,
        line: usize,
        message: String,
    },

    /// A metadata field holds a value that cannot be used (a bad `published` date, an unknown
    /// `lang`, an object where a string was expected).
    #[error("{origin}{}: field `{field}`: {message}", LineSuffix(*line))]
    Field {
        origin: String,
        line: Option<usize>,
        field: String,
        message: String,
    },

    /// A JSON record with no field holding text.
    #[error("{origin}{}: record has no text (looked for {tried})", LineSuffix(*line))]
    MissingText {
        origin: String,
        line: Option<usize>,
        tried: String,
    },

    /// An HTML document that could not be read.
    #[error("{origin}: HTML: {message}")]
    Html { origin: String, message: String },

    /// An RSS or Atom feed that could not be parsed.
    #[error("{origin}: feed: {message}")]
    Feed { origin: String, message: String },

    /// A PDF whose text could not be extracted.
    #[error("{origin}: PDF: {message}")]
    Pdf { origin: String, message: String },

    /// Fetching a URL failed (unreachable, timeout, HTTP status, too large). `transient`
    /// when trying again later may succeed (a timeout, a refused connection, a 5xx, 429).
    #[error("{url}: {message}")]
    Fetch {
        url: String,
        message: String,
        transient: bool,
    },

    /// The document has no text after extraction.
    #[error("{origin}: no text after extraction")]
    NoText { origin: String },

    /// The input would cost unbounded work to parse (nesting, element count).
    #[error("{origin}: {message}")]
    TooComplex { origin: String, message: String },

    /// Reading one document of the input took longer than the per-document time budget: it
    /// was abandoned, with the rest of that input; the documents read before it are kept.
    #[error(
        "{origin}: a document took longer than the time budget of {limit_secs} s and was abandoned with the rest of this input ({read} document(s) read before it were kept; raise `[ingest] time_budget_secs` in config.toml to allow more)"
    )]
    TimeBudget {
        origin: String,
        read: usize,
        limit_secs: f64,
    },

    /// `--map` names a target field that does not exist.
    #[error(
        "--map: unknown target field `{field}` (expected one of title, text, published, url, outlet, lang)"
    )]
    UnknownField { field: String },

    /// `--map` is not of the form `target=source,target=source`.
    #[error("--map `{spec}`: {message}")]
    BadMap { spec: String, message: String },

    /// A command-line option with an unusable value (`--glob`, `--format`...).
    #[error("{option}: {message}")]
    BadOption { option: String, message: String },

    /// Writing to the knowledge base failed.
    #[error("store: {0}")]
    Store(#[source] entente_store::StoreError),

    #[error("{origin}: {message}")]
    Other { origin: String, message: String },
}

/// Formats ` line N` when a line is known.
struct LineSuffix(Option<usize>);

impl fmt::Display for LineSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, " line {n}"),
            None => Ok(()),
        }
    }
}

impl IngestError {
    /// The origin (path, URL, `-`) the error is about. For `--map` errors: `--map`.
    pub fn origin(&self) -> &str {
        match self {
            IngestError::Io { path, .. } => path.to_str().unwrap_or("<non-UTF-8 path>"),
            IngestError::Empty { origin }
            | IngestError::Binary { origin, .. }
            | IngestError::Decode { origin, .. }
            | IngestError::Truncated { origin, .. }
            | IngestError::UnknownEncoding { origin, .. }
            | IngestError::TooLarge { origin, .. }
            | IngestError::Json { origin, .. }
            | IngestError::FrontMatter { origin, .. }
            | IngestError::Field { origin, .. }
            | IngestError::MissingText { origin, .. }
            | IngestError::Html { origin, .. }
            | IngestError::Feed { origin, .. }
            | IngestError::Pdf { origin, .. }
            | IngestError::NoText { origin }
            | IngestError::TooComplex { origin, .. }
            | IngestError::TimeBudget { origin, .. }
            | IngestError::Other { origin, .. } => origin,
            IngestError::Fetch { url, .. } => url,
            IngestError::UnknownField { .. } | IngestError::BadMap { .. } => "--map",
            IngestError::BadOption { option, .. } => option,
            IngestError::Store(_) => "store",
            IngestError::Profile(e) => &e.file,
        }
    }

    /// Whether the same request may succeed later (see [`IngestError::Fetch`]).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            IngestError::Fetch {
                transient: true,
                ..
            }
        )
    }

    /// The line of the input the error is about, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            IngestError::Json { line, .. } | IngestError::FrontMatter { line, .. } => Some(*line),
            IngestError::Field { line, .. } | IngestError::MissingText { line, .. } => *line,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_where() {
        let e = IngestError::Json {
            origin: "kcna.jsonl".into(),
            line: 17,
            column: 42,
            message: "expected `,` or `}`".into(),
        };
        assert_eq!(
            e.to_string(),
            "kcna.jsonl line 17: invalid JSON at column 42: expected `,` or `}`"
        );
        assert_eq!(e.origin(), "kcna.jsonl");
        let e = IngestError::Field {
            origin: "notes.md".into(),
            line: Some(3),
            field: "published".into(),
            message: "invalid date".into(),
        };
        assert_eq!(
            e.to_string(),
            "notes.md line 3: field `published`: invalid date"
        );
        let e = IngestError::Field {
            origin: "tass.json#item=2".into(),
            line: None,
            field: "date".into(),
            message: "invalid date".into(),
        };
        assert_eq!(
            e.to_string(),
            "tass.json#item=2: field `date`: invalid date"
        );
        let e = IngestError::Io {
            path: "a/b.txt".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(e.origin(), "a/b.txt");
        assert!(e.to_string().starts_with("a/b.txt: "));
    }
}
