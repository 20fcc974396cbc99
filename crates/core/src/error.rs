use thiserror::Error;

/// Errors raised while parsing values of the model (ids, languages, dates).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CoreError {
    #[error("invalid source id `{0}`: expected 4 to 32 hexadecimal characters")]
    InvalidId(String),
    #[error("invalid language `{0}`: expected a tag such as en, ru, ja, ko, zh-Hans, zh-Hant")]
    InvalidLang(String),
    #[error("invalid {field} `{value}`: expected one of {expected}")]
    InvalidValue {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("invalid date `{value}`: {reason}")]
    InvalidDate { value: String, reason: String },
}
