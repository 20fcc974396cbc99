use thiserror::Error;

/// Errors of the text crate. The only fallible part is loading the embedded data tables.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TextError {
    /// A line of a data table under `data/text/` could not be used.
    #[error("data/text/{file}, line {line}: {message}")]
    Table {
        /// The table's file name, e.g. `ja-shinjitai.tsv`.
        file: String,
        /// 1-based line number.
        line: usize,
        message: String,
    },
}
