//! The crate's one error type.

use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong while reading a briefing spec, loading labels or printing.
#[derive(Debug, Error)]
pub enum BriefError {
    /// The spec file is not valid TOML.
    #[error("{path}: {message}")]
    Toml {
        /// The spec's path, or `<spec>` when parsed from a string.
        path: String,
        /// The TOML parser's message (it names line and column).
        message: String,
    },
    /// The spec is not valid JSON, or holds a value a spec cannot (a `null` in a list, a
    /// number out of range).
    #[error("{path}: {message}")]
    Json {
        /// The spec's path, or the request's name.
        path: String,
        /// What is wrong; serde_json's messages name line and column.
        message: String,
    },
    /// A top-level field of the spec is missing or wrong.
    #[error("{path}: field `{field}`: {message}")]
    SpecField {
        /// The spec's path, or `<spec>`.
        path: String,
        /// The field's name.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A `[[block]]` of the spec is wrong; `kind` is `?` when the kind itself is missing.
    #[error("{path}: block[{index}] ({kind}): {message}")]
    Block {
        /// The spec's path, or `<spec>`.
        path: String,
        /// Index of the block in the file, counting from 0.
        index: usize,
        /// The block's `kind` as written.
        kind: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// The bundled label table (`data/brief/labels.toml`) is invalid.
    #[error("data/brief/labels.toml: {0}")]
    Labels(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No Chromium binary was found.
    #[error(
        "Chromium not found (looked for $ENTENTE_CHROMIUM, /usr/bin/chromium and `chromium` on PATH): install Debian's chromium: apt-get install chromium fonts-noto-cjk"
    )]
    ChromiumMissing,
    /// Chromium ran but did not produce the expected file.
    #[error("Chromium failed to write {output}: {message}")]
    Chromium {
        /// The file Chromium was asked to write.
        output: PathBuf,
        /// Exit status and the tail of Chromium's standard error.
        message: String,
    },
    /// Chromium did not finish in time and was killed.
    #[error("Chromium did not finish writing {output} within {seconds} s and was stopped")]
    ChromiumTimeout {
        /// The file Chromium was asked to write.
        output: PathBuf,
        /// The timeout.
        seconds: u64,
    },
}

impl BriefError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BriefError::Io {
            path: path.into(),
            source,
        }
    }
}
