//! Events and statements, each with the citations they were extracted from.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{CoreError, Edtf, SourceId};

/// Event types: our own small set, mapped to PLOVER/CAMEO in `data/triggers/types.toml`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Meeting,
    Visit,
    Call,
    Message,
    Attendance,
    Delegation,
    Agreement,
    Statement,
    Transfer,
    Deployment,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::Meeting,
        EventType::Visit,
        EventType::Call,
        EventType::Message,
        EventType::Attendance,
        EventType::Delegation,
        EventType::Agreement,
        EventType::Statement,
        EventType::Transfer,
        EventType::Deployment,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::Meeting => "meeting",
            EventType::Visit => "visit",
            EventType::Call => "call",
            EventType::Message => "message",
            EventType::Attendance => "attendance",
            EventType::Delegation => "delegation",
            EventType::Agreement => "agreement",
            EventType::Statement => "statement",
            EventType::Transfer => "transfer",
            EventType::Deployment => "deployment",
        }
    }

    /// Types that count as high-level exchanges (meetings, visits, calls, messages...).
    pub fn is_exchange(&self) -> bool {
        matches!(
            self,
            EventType::Meeting
                | EventType::Visit
                | EventType::Call
                | EventType::Message
                | EventType::Delegation
        )
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        EventType::ALL
            .into_iter()
            .find(|e| e.as_str() == t)
            .ok_or_else(|| CoreError::InvalidValue {
                field: "event type",
                value: s.to_string(),
                expected: "meeting, visit, call, message, attendance, delegation, agreement, statement, transfer, deployment",
            })
    }
}

/// A participant's role in an event.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Host,
    Guest,
    Sender,
    Recipient,
    /// Head of a delegation.
    Head,
    Member,
    Participant,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::Guest => "guest",
            Role::Sender => "sender",
            Role::Recipient => "recipient",
            Role::Head => "head",
            Role::Member => "member",
            Role::Participant => "participant",
        }
    }
}

impl FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "host" => Role::Host,
            "guest" => Role::Guest,
            "sender" => Role::Sender,
            "recipient" => Role::Recipient,
            "head" => Role::Head,
            "member" => Role::Member,
            "participant" => Role::Participant,
            _ => {
                return Err(CoreError::InvalidValue {
                    field: "role",
                    value: s.to_string(),
                    expected: "host, guest, sender, recipient, head, member, participant",
                });
            }
        })
    }
}

/// Review status of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Extracted,
    Confirmed,
    Rejected,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Extracted => "extracted",
            Status::Confirmed => "confirmed",
            Status::Rejected => "rejected",
        }
    }
}

impl FromStr for Status {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "extracted" => Status::Extracted,
            "confirmed" => Status::Confirmed,
            "rejected" => Status::Rejected,
            _ => {
                return Err(CoreError::InvalidValue {
                    field: "status",
                    value: s.to_string(),
                    expected: "extracted, confirmed, rejected",
                });
            }
        })
    }
}

/// Where a fact was read: a span of a source's normalised text and the quoted text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Citation {
    pub source_id: SourceId,
    /// Byte offsets into the source's normalised text.
    pub start: usize,
    pub end: usize,
    /// Exactly `text[start..end]`.
    pub quote: String,
}

#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Participant {
    pub actor_id: String,
    pub role: Role,
}

/// A quantity with a range and a unit ("約1万5,000人" → 15000..15000 persons, approximate).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Quantity {
    pub low: f64,
    pub high: f64,
    pub unit: String,
    pub approximate: bool,
    pub citation: Citation,
}

/// An event: who, what, when, where, in which framework, with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub date: Option<Edtf>,
    /// Actor id of the place.
    pub place: Option<String>,
    pub framework: Option<String>,
    pub participants: Vec<Participant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantities: Vec<Quantity>,
    pub status: Status,
    pub confidence: f32,
    /// Set when an analyst changed the event: extraction then only adds citations.
    pub edited: bool,
    pub citations: Vec<Citation>,
    /// Raised by every change of what an analyst can edit (type, date, place, framework,
    /// participants, status). An edit carries the version it was made on; the store refuses a
    /// stale one.
    #[serde(default = "first_version")]
    pub version: u64,
}

fn first_version() -> u64 {
    1
}

impl Event {
    /// Whether an analyst's decision protects this event from being changed by extraction.
    pub fn protected(&self) -> bool {
        self.edited || self.status != Status::Extracted
    }

    pub fn has_participant(&self, actor_id: &str) -> bool {
        self.participants.iter().any(|p| p.actor_id == actor_id)
    }
}

/// What a speaker said in a source, with the event it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Statement {
    pub id: String,
    pub event_id: Option<String>,
    /// Actor id of the speaker, when known.
    pub speaker: Option<String>,
    /// The verb that introduced the speech ("stressed", "と述べた", "заявил").
    pub verb: String,
    pub citation: Citation,
}

/// An event as extraction proposes it from one passage: merged into a stored event when
/// the same happening is already known, stored as a new event otherwise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EventDraft {
    pub kind: EventType,
    pub date: Option<Edtf>,
    pub place: Option<String>,
    pub framework: Option<String>,
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub quantities: Vec<Quantity>,
    pub confidence: f32,
    pub citations: Vec<Citation>,
}

/// A statement as extraction proposes it; `event` indexes the draft it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatementDraft {
    pub event: Option<usize>,
    pub speaker: Option<String>,
    pub verb: String,
    pub citation: Citation,
}
