use thiserror::Error;

/// What went wrong loading or importing gazetteer data. Every variant names the file; data
/// errors also name the 1-based line and the field.
#[derive(Debug, Error)]
pub enum GazetteerError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: TOML: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    /// `line` is 0 for actors that come from no file line (imports, the knowledge base).
    #[error("{file}{}: field `{field}`: {message}", at_line(*line))]
    Data {
        file: String,
        line: usize,
        field: String,
        message: String,
    },
    #[error("{file}:{line}: CSV: {message}")]
    Csv {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: XML element <{element}>: {message}")]
    Xml {
        file: String,
        element: String,
        message: String,
    },
    #[error("{file}: {message}")]
    Other { file: String, message: String },
}

fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

impl GazetteerError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            GazetteerError::Io { file, .. }
            | GazetteerError::Syntax { file, .. }
            | GazetteerError::Data { file, .. }
            | GazetteerError::Csv { file, .. }
            | GazetteerError::Xml { file, .. }
            | GazetteerError::Other { file, .. } => file,
        }
    }

    /// The 1-based line, when the error has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            GazetteerError::Data { line: 0, .. } => None,
            GazetteerError::Syntax { line, .. }
            | GazetteerError::Data { line, .. }
            | GazetteerError::Csv { line, .. } => Some(*line),
            _ => None,
        }
    }
}
