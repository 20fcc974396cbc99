//! The entente data model, shared by every stage.
//!
//! This crate holds the types every other crate speaks in — source ids, languages,
//! dates with precision, the `Source` record — and nothing that touches a disk or the
//! network. Keeping it I/O-free lets the store, the readers and the analysis code agree
//! on one vocabulary without depending on each other.

pub mod actor;
pub mod date;
pub mod edtf;
pub mod error;
pub mod event;
pub mod id;
pub mod lang;
pub mod minhash;
pub mod source;

pub use actor::{Actor, ActorKind, Position};
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
