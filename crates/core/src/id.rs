use std::fmt;
use std::str::FromStr;

use crate::CoreError;

/// Identity of a source: the first 128 bits of the BLAKE3 hash of its normalised text.
///
/// Two copies of an article that normalise to the same text (another encoding,
/// a re-fetch, full-width digits) therefore share one id and re-ingesting is a no-op.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub [u8; 16]);

impl SourceId {
    pub fn of_text(normalized: &str) -> Self {
        let hash = blake3::hash(normalized.as_bytes());
        let mut id = [0u8; 16];
        id.copy_from_slice(&hash.as_bytes()[..16]);
        SourceId(id)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The short form shown in tables (like a git abbreviated hash).
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceId({})", self.short())
    }
}

impl FromStr for SourceId {
    type Err = CoreError;
    /// Parses a full 32-character hex id.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 32 {
            return Err(CoreError::InvalidId(s.to_string()));
        }
        let bytes = hex::decode(s).map_err(|_| CoreError::InvalidId(s.to_string()))?;
        let mut id = [0u8; 16];
        id.copy_from_slice(&bytes);
        Ok(SourceId(id))
    }
}

/// Checks that `s` can be an id or an id prefix (4–32 hex characters).
pub fn validate_prefix(s: &str) -> Result<String, CoreError> {
    let s = s.trim().to_ascii_lowercase();
    if (4..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s)
    } else {
        Err(CoreError::InvalidId(s))
    }
}

crate::serde_as_string!(
    SourceId,
    "A source's id: 32 hexadecimal digits (the BLAKE3 hash of its normalised text).",
    Some("^[0-9a-f]{32}$")
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn same_text_same_id() {
        assert_eq!(SourceId::of_text("金正恩"), SourceId::of_text("金正恩"));
        assert_ne!(SourceId::of_text("金正恩"), SourceId::of_text("金正日"));
    }

    #[test]
    fn rejects_bad_ids() {
        assert!("xyz".parse::<SourceId>().is_err());
        assert!(validate_prefix("ab").is_err());
        assert!(validate_prefix("abcd").is_ok());
        assert!(validate_prefix("abcg").is_err());
    }

    proptest! {
        #[test]
        fn hex_round_trip(bytes in proptest::array::uniform16(any::<u8>())) {
            let id = SourceId(bytes);
            prop_assert_eq!(id.to_hex().parse::<SourceId>().unwrap(), id);
        }
    }
}
