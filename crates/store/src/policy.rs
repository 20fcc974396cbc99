//! The knowledge base's policy: what happens when a document or an extracted draft meets what
//! is stored. It runs above the backends, over the primitives of [`KbTx`] (one transaction of
//! any backend), so SQLite and PostgreSQL decide the same way:
//!
//! * **near-duplicates** — a new document is linked to the earliest stored one whose MinHash
//!   similarity reaches [`minhash::NEAR_DUPLICATE_THRESHOLD`], through that one's own first
//!   copy ([`first_near_duplicate`]); backends only find candidates sharing an LSH band;
//! * **merging** — an extracted draft joins the first stored event (in creation order) of the
//!   same type with overlapping dates that the caller's `same_event` accepts, and adds what it
//!   knows better ([`merged`]); otherwise it becomes a new event;
//! * **protection** — an event an analyst confirmed, rejected or edited keeps its fields: a
//!   re-extraction only adds or removes automatic citations, and never deletes it;
//! * **versions** — an analyst's change names the version it was made on; a stale one is a
//!   [`StoreError::Conflict`]; every change of an event raises its version;
//! * **ids** — events are named from their first evidence ([`event_id`], [`mint_event_id`]),
//!   statements from their span ([`statement_id`]): the same input gives the same ids on any
//!   backend.

use entente_core::{Event, EventDraft, SourceId, StatementDraft, Status, minhash};

use crate::StoreError;
use crate::kb::{AuditEntry, ExtractionOutcome, KbTx};

/// Near-duplicate candidates examined per LSH band: a band shared by very many documents is
/// boilerplate, not evidence, so only the earliest few per band are compared.
pub const MAX_CANDIDATES_PER_BAND: usize = 8;

/// A stored document as a near-duplicate candidate.
#[derive(Clone, Debug)]
pub struct NearCandidate {
    pub id: SourceId,
    /// The first copy this candidate itself duplicates, if any.
    pub root: Option<SourceId>,
    pub signature: Vec<u32>,
}

/// The first candidate (candidates come in storage order) similar enough to `signature`, and
/// the document a new one should be linked to: the candidate's own first copy, so that every
/// copy points at the first. `None` when no candidate is similar enough.
pub fn first_near_duplicate(
    signature: &[u32],
    candidates: impl IntoIterator<Item = Result<NearCandidate, StoreError>>,
) -> Result<Option<(SourceId, f32)>, StoreError> {
    for c in candidates {
        let c = c?;
        let sim = minhash::similarity(signature, &c.signature);
        if sim >= minhash::NEAR_DUPLICATE_THRESHOLD {
            return Ok(Some((c.root.unwrap_or(c.id), sim)));
        }
    }
    Ok(None)
}

/// A stable id for a new event from its first evidence. Two drafts can share that evidence
/// (one sentence reporting talks on two days, or a draft beside a protected event an analyst
/// re-dated), so `salt` > 0 derives the next id in a fixed sequence; see [`mint_event_id`].
pub fn event_id(d: &EventDraft, salt: u32) -> String {
    let mut h = blake3::Hasher::new();
    h.update(d.kind.as_str().as_bytes());
    if let Some(c) = d.citations.first() {
        h.update(&c.source_id.0);
        h.update(&(c.start as u64).to_le_bytes());
        h.update(&(c.end as u64).to_le_bytes());
    }
    for p in &d.participants {
        h.update(p.actor_id.as_bytes());
    }
    if salt > 0 {
        h.update(b"\0salt");
        h.update(&salt.to_le_bytes());
    }
    format!("ev-{}", &h.finalize().to_hex()[..12])
}

/// The first id of `d`'s sequence that no stored event has: the same id as ever for the first
/// event of some evidence, a deterministic next one for the second.
pub fn mint_event_id(tx: &mut dyn KbTx, d: &EventDraft) -> Result<String, StoreError> {
    for salt in 0..u32::MAX {
        let id = event_id(d, salt);
        if !tx.event_exists(&id)? {
            return Ok(id);
        }
    }
    Err(StoreError::Corrupt {
        table: "events",
        id: event_id(d, 0),
        field: "id",
        message: "every id derived from this evidence is taken".into(),
    })
}

/// A statement's id, from its span.
pub fn statement_id(s: &StatementDraft) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&s.citation.source_id.0);
    h.update(&(s.citation.start as u64).to_le_bytes());
    h.update(&(s.citation.end as u64).to_le_bytes());
    format!("st-{}", &h.finalize().to_hex()[..12])
}

/// A stored, unprotected event with what a draft of the same happening adds: the more precise
/// date, a place and framework where it had none, new participants (stored roles stay),
/// quantities, and a little more confidence for the second report.
pub fn merged(e: &Event, d: &EventDraft) -> Event {
    let date = match (&e.date, &d.date) {
        (Some(a), Some(b)) => Some(
            if b.last_day() - b.first_day() < a.last_day() - a.first_day() {
                *b
            } else {
                *a
            },
        ),
        (a, b) => a.or(*b),
    };
    let mut out = e.clone();
    out.date = date;
    out.place = e.place.clone().or_else(|| d.place.clone());
    out.framework = e.framework.clone().or_else(|| d.framework.clone());
    out.quantities.extend(d.quantities.iter().cloned());
    for p in &d.participants {
        if !out.participants.iter().any(|q| q.actor_id == p.actor_id) {
            out.participants.push(p.clone());
        }
    }
    out.confidence = (e.confidence.max(d.confidence) + 0.05).min(1.0);
    out
}

/// A new event from a draft (no citations: they are added one by one).
fn new_event(id: String, d: &EventDraft, status: Status, edited: bool) -> Event {
    let mut participants: Vec<entente_core::Participant> = Vec::new();
    for p in &d.participants {
        if !participants.iter().any(|q| q.actor_id == p.actor_id) {
            participants.push(p.clone());
        }
    }
    Event {
        id,
        kind: d.kind,
        date: d.date,
        place: d.place.clone(),
        framework: d.framework.clone(),
        participants,
        quantities: d.quantities.clone(),
        status,
        confidence: d.confidence,
        edited,
        citations: Vec::new(),
        version: 1,
    }
}

/// Replaces what extraction said about `source` with `drafts` and `statements` (see
/// [`KnowledgeBase::apply_extraction`](crate::KnowledgeBase::apply_extraction)).
pub fn apply_extraction(
    tx: &mut dyn KbTx,
    source: &SourceId,
    version: &str,
    drafts: &[EventDraft],
    statements: &[StatementDraft],
    same_event: &dyn Fn(&EventDraft, &Event) -> bool,
) -> Result<ExtractionOutcome, StoreError> {
    let mut out = ExtractionOutcome::default();
    // 1. Forget this source's automatic evidence, and unprotected events left with none.
    let touched = tx.auto_cited_events(source)?;
    tx.forget_extraction(source)?;
    for id in &touched {
        let Some(e) = tx.event(id)? else { continue };
        if !e.protected() && tx.citation_count(id)? == 0 {
            tx.delete_event(id)?;
            out.dropped += 1;
        }
    }
    // 2. Merge or insert each draft.
    let mut draft_event: Vec<String> = Vec::with_capacity(drafts.len());
    for d in drafts {
        let mut target = None;
        for id in tx.candidates(d.kind, d.date.as_ref())? {
            if let Some(e) = tx.event(&id)?
                && same_event(d, &e)
            {
                target = Some(e);
                break;
            }
        }
        let id = match target {
            Some(e) => {
                if !e.protected() {
                    tx.update_event(&merged(&e, d))?;
                }
                out.merged += 1;
                e.id
            }
            None => {
                let id = mint_event_id(tx, d)?;
                tx.insert_event(&new_event(id.clone(), d, Status::Extracted, false))?;
                out.new_events += 1;
                id
            }
        };
        for c in &d.citations {
            tx.add_citation(&id, c, true)?;
        }
        draft_event.push(id);
    }
    for s in statements {
        let event = s.event.and_then(|i| draft_event.get(i));
        tx.put_statement(&statement_id(s), event.map(String::as_str), s)?;
        out.statements += 1;
    }
    tx.record_extraction(source, version)?;
    Ok(out)
}

/// Adds an event by hand: confirmed, edited, its citations the analyst's own.
pub fn add_event(tx: &mut dyn KbTx, d: &EventDraft, by: &str) -> Result<String, StoreError> {
    let id = mint_event_id(tx, d)?;
    let mut e = new_event(id.clone(), d, Status::Confirmed, true);
    tx.insert_event(&e)?;
    for c in &d.citations {
        tx.add_citation(&id, c, false)?;
    }
    e.citations = d.citations.clone();
    audit(tx, by, "add", &id, None, Some(&e))?;
    Ok(id)
}

/// Appends an analyst's decision on event `id` to the audit log, in the same transaction.
fn audit(
    tx: &mut dyn KbTx,
    by: &str,
    action: &str,
    id: &str,
    before: Option<&Event>,
    after: Option<&Event>,
) -> Result<(), StoreError> {
    let json = |e: Option<&Event>| {
        e.map(serde_json::to_value)
            .transpose()
            .map_err(|err| StoreError::Corrupt {
                table: "audit_log",
                id: id.to_string(),
                field: "event",
                message: err.to_string(),
            })
    };
    tx.audit(&AuditEntry {
        seq: 0,
        at: String::new(),
        who: by.to_string(),
        action: action.to_string(),
        entity: "event".into(),
        entity_id: id.to_string(),
        before: json(before)?,
        after: json(after)?,
    })
}

/// The stored event `id` if its version is `expected`; a conflict if it moved on since.
fn at_version(tx: &mut dyn KbTx, id: &str, expected: u64) -> Result<Event, StoreError> {
    let stored = tx.event(id)?.ok_or_else(|| StoreError::no_event(id))?;
    if stored.version != expected {
        return Err(StoreError::Conflict {
            id: id.to_string(),
            expected,
            found: stored.version,
        });
    }
    Ok(stored)
}

/// An analyst's version of an event, made on version `e.version`: its fields replace the
/// stored ones and it is marked edited (re-extraction will not touch it).
pub fn edit_event(tx: &mut dyn KbTx, e: &Event, by: &str) -> Result<(), StoreError> {
    let before = at_version(tx, &e.id, e.version)?;
    let mut edited = e.clone();
    edited.edited = true;
    let mut seen = std::collections::HashSet::new();
    edited
        .participants
        .retain(|p| seen.insert(p.actor_id.clone()));
    tx.update_event(&edited)?;
    let after = tx.event(&e.id)?;
    audit(tx, by, "edit", &e.id, Some(&before), after.as_ref())
}

/// An analyst's review decision. With `expected`, made on that version (else a conflict).
pub fn set_status(
    tx: &mut dyn KbTx,
    id: &str,
    status: Status,
    expected: Option<u64>,
    by: &str,
) -> Result<(), StoreError> {
    let before = match expected {
        Some(v) => at_version(tx, id, v)?,
        None => tx.event(id)?.ok_or_else(|| StoreError::no_event(id))?,
    };
    let mut e = before.clone();
    e.status = status;
    tx.update_event(&e)?;
    let after = tx.event(id)?;
    let action = match status {
        Status::Confirmed => "confirm",
        Status::Rejected => "reject",
        Status::Extracted => "reopen",
    };
    audit(tx, by, action, id, Some(&before), after.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use entente_core::{Citation, Edtf, EventType, Participant, Role};

    fn draft(date: &str, place: Option<&str>, who: &[&str], conf: f32) -> EventDraft {
        EventDraft {
            kind: EventType::Meeting,
            date: Some(date.parse::<Edtf>().unwrap()),
            place: place.map(str::to_string),
            framework: None,
            participants: who
                .iter()
                .map(|a| Participant {
                    actor_id: a.to_string(),
                    role: Role::Participant,
                })
                .collect(),
            quantities: Vec::new(),
            confidence: conf,
            citations: vec![Citation {
                source_id: SourceId([1; 16]),
                start: 0,
                end: 4,
                quote: "talk".into(),
            }],
        }
    }

    #[test]
    fn a_merge_keeps_the_precise_date_the_first_place_and_every_participant() {
        let stored = new_event(
            "ev-1".into(),
            &draft("2024-06", Some("pyongyang"), &["putin"], 0.6),
            Status::Extracted,
            false,
        );
        let m = merged(
            &stored,
            &draft("2024-06-19", Some("moscow"), &["kim-jong-un", "putin"], 0.7),
        );
        assert_eq!(m.date.unwrap().to_string(), "2024-06-19");
        assert_eq!(m.place.as_deref(), Some("pyongyang"));
        let who: Vec<_> = m.participants.iter().map(|p| p.actor_id.as_str()).collect();
        assert_eq!(who, ["putin", "kim-jong-un"]);
        assert!((m.confidence - 0.75).abs() < 1e-6);
        assert_eq!(m.version, stored.version, "the backend raises the version");
        // A vaguer date never replaces a precise one.
        let back = merged(&m, &draft("2024", None, &[], 0.1));
        assert_eq!(back.date.unwrap().to_string(), "2024-06-19");
    }

    #[test]
    fn event_ids_depend_on_evidence_and_salt() {
        let a = draft("2024-06-19", None, &["putin"], 0.5);
        let mut b = a.clone();
        b.citations[0].start = 1;
        assert_eq!(event_id(&a, 0), event_id(&a.clone(), 0));
        assert_ne!(event_id(&a, 0), event_id(&b, 0));
        assert_ne!(event_id(&a, 0), event_id(&a, 1));
        assert!(event_id(&a, 0).starts_with("ev-") && event_id(&a, 0).len() == 15);
    }

    #[test]
    fn the_first_similar_candidate_wins_and_links_to_its_root() {
        let sig: Vec<u32> = (0..64).collect();
        let other: Vec<u32> = (1000..1064).collect();
        let root = SourceId([9; 16]);
        let cands = vec![
            Ok(NearCandidate {
                id: SourceId([1; 16]),
                root: None,
                signature: other,
            }),
            Ok(NearCandidate {
                id: SourceId([2; 16]),
                root: Some(root),
                signature: sig.clone(),
            }),
            Ok(NearCandidate {
                id: SourceId([3; 16]),
                root: None,
                signature: sig.clone(),
            }),
        ];
        let (to, sim) = first_near_duplicate(&sig, cands).unwrap().unwrap();
        assert_eq!(to, root);
        assert!((sim - 1.0).abs() < 1e-6);
        assert!(first_near_duplicate(&sig, Vec::new()).unwrap().is_none());
    }
}
