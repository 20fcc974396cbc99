//! The one error type of the crate.

use std::path::PathBuf;

/// Everything that can go wrong in the trade store. Messages name the file, line and column
/// (or the measure and field) so that an analyst can fix the input.
#[derive(Debug, thiserror::Error)]
pub enum TradeError {
    /// One or more rows of an input file are invalid; nothing was written.
    #[error("{} invalid row(s) in {}; nothing was imported:\n{}", .errors.len(), .file.display(), format_errors(.errors))]
    Invalid {
        file: PathBuf,
        errors: Vec<RowError>,
    },
    /// The file as a whole cannot be read in the requested format.
    #[error("{}: {message}", .file.display())]
    Format { file: PathBuf, message: String },
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A data file under `data/` (sanctions measures, HS concordance) is wrong.
    #[error("{}: {message}", .file.display())]
    Data { file: PathBuf, message: String },
    /// A query argument is wrong (bad code, bad period).
    #[error("{0}")]
    Query(String),
    #[cfg(feature = "engine")]
    #[error("query engine: {0}")]
    Engine(#[from] datafusion::error::DataFusionError),
    #[cfg(feature = "engine")]
    #[error("Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[cfg(feature = "engine")]
    #[error("Arrow: {0}")]
    Arrow(#[from] datafusion::arrow::error::ArrowError),
    #[error("manifest {}: {message}", .file.display())]
    Manifest { file: PathBuf, message: String },
    /// Another writer held the trade store's lock for longer than the wait allowed.
    #[error("another entente process is writing to the trade store (lock {} held; waited {:.0} s); try again when it has finished", .lock.display(), .waited.as_secs_f64())]
    Busy {
        lock: PathBuf,
        waited: std::time::Duration,
    },
    /// The manifest and the Parquet parts disagree: answering would drop or double figures.
    #[error("{}", inconsistent(.root, .missing, .unlisted))]
    Inconsistent {
        root: PathBuf,
        missing: Vec<String>,
        unlisted: Vec<String>,
    },
}

fn inconsistent(root: &std::path::Path, missing: &[String], unlisted: &[String]) -> String {
    let some = |v: &[String]| {
        let mut s = v.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
        if v.len() > 3 {
            s.push_str(&format!(", … {} more", v.len() - 3));
        }
        s
    };
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "{} Parquet part(s) listed in manifest.json are missing ({}): their figures would read as zero",
            missing.len(),
            some(missing)
        ));
    }
    if !unlisted.is_empty() {
        parts.push(format!(
            "{} Parquet file(s) under records/ are listed by no import ({}): their figures would be counted twice",
            unlisted.len(),
            some(unlisted)
        ));
    }
    format!(
        "the trade store {} is damaged: {}; nothing was answered. Run `entente doctor` to repair it (unlisted parts are set aside, imports with missing parts are dropped and named for re-import)",
        root.display(),
        parts.join("; ")
    )
}

/// One problem at one place in an input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RowError {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// Column header (or `-` when the whole row is concerned).
    pub column: String,
    /// 1-based column number (0 when the whole row is concerned).
    pub column_no: usize,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column_no == 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column {} ({}): {}",
                self.line, self.column_no, self.column, self.message
            )
        }
    }
}

fn format_errors(errors: &[RowError]) -> String {
    let mut s = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i == 20 {
            s.push_str(&format!("  … and {} more\n", errors.len() - 20));
            break;
        }
        s.push_str(&format!("  {e}\n"));
    }
    s.trim_end().to_string()
}

impl TradeError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TradeError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = TradeError> = std::result::Result<T, E>;
