//! The entente data model, shared by every stage.
//!
//! This crate holds the types every other crate speaks in — source ids, languages,
//! dates with precision, the `Source` record — and nothing that touches a disk or the
//! network. Keeping it I/O-free lets the store, the readers and the analysis code agree
//! on one vocabulary without depending on each other.

/// Implements `Serialize` / `Deserialize` through `Display` / `FromStr`, for the model's
/// value types that travel as strings (ids, languages, dates).
macro_rules! serde_as_string {
    ($t:ty, $doc:expr) => {
        crate::serde_as_string!($t, $doc, None::<&str>);
    };
    ($t:ty, $doc:expr, $pattern:expr) => {
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($t).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut s = schemars::json_schema!({ "type": "string", "description": $doc });
                if let Some(p) = $pattern {
                    s.insert("pattern".into(), p.into());
                }
                s
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use serde_as_string;

pub mod actor;
pub mod cancel;
pub mod date;
pub mod edtf;
pub mod error;
pub mod event;
pub mod id;
pub mod lang;
pub mod minhash;
pub mod source;

pub use actor::{Actor, ActorKind, Position, is_state_code, state_code};
pub use cancel::Cancel;
pub use date::DateValue;
pub use edtf::Edtf;
pub use error::CoreError;
pub use event::{
    Citation, Event, EventDraft, EventType, Participant, Quantity, Role, Statement, StatementDraft,
    Status,
};
pub use id::SourceId;
pub use lang::Lang;
pub use source::{LangSpan, NewSource, Source};
