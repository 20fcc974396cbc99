//! The knowledge base tables of the SQLite store: actors, events, citations, statements.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use entente_core::{
    Actor, Citation, Edtf, Event, EventDraft, EventType, Participant, Quantity, Role, SourceId,
    Statement, StatementDraft, Status,
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::{SqliteStore, StoreError};

/// Filters for listing events.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Every one of these actors takes part.
    pub actors: Vec<String>,
    pub types: Vec<EventType>,
    /// Events overlapping [from, to].
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub statuses: Vec<Status>,
    /// Only events cited by this source.
    pub source: Option<SourceId>,
}

/// What applying one source's extraction did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ExtractionOutcome {
    pub new_events: usize,
    pub merged: usize,
    pub statements: usize,
    /// Unprotected events removed because their only evidence was re-extracted away.
    pub dropped: usize,
}

pub(crate) fn days(d: chrono::NaiveDate) -> i64 {
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(chrono::NaiveDate::MIN)).num_days()
}

fn corrupt(id: &str, field: &'static str, message: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table: "events",
        id: id.to_string(),
        field,
        message: message.to_string(),
    }
}

fn fold_name(name: &str) -> String {
    entente_text::fold(&entente_text::normalize(name).to_lowercase())
}

/// A stable id for a new event from its first evidence. Two drafts can share that evidence
/// (one sentence reporting talks on two days, or a draft beside a protected event an analyst
/// re-dated), so `salt` > 0 derives the next id in a fixed sequence; see [`fresh_event_id`].
fn event_id(d: &EventDraft, salt: u32) -> String {
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
fn fresh_event_id(tx: &rusqlite::Connection, d: &EventDraft) -> Result<String, StoreError> {
    let mut taken = tx.prepare_cached("SELECT 1 FROM events WHERE id = ?1")?;
    for salt in 0.. {
        let id = event_id(d, salt);
        if !taken.exists([&id])? {
            return Ok(id);
        }
    }
    unreachable!("u32 salts are not exhausted by one source's drafts")
}

fn statement_id(s: &StatementDraft) -> String {
    let mut h = blake3::Hasher::new();
    h.update(&s.citation.source_id.0);
    h.update(&(s.citation.start as u64).to_le_bytes());
    h.update(&(s.citation.end as u64).to_le_bytes());
    format!("st-{}", &h.finalize().to_hex()[..12])
}

/// The knowledge base: actors, events with citations, statements. Part of every [`Store`];
/// every write is one transaction.
///
/// [`Store`]: crate::Store
pub trait KnowledgeBase {
    /// Inserts or replaces actors (one transaction). Returns how many were written.
    fn upsert_actors(&mut self, actors: &[Actor], origin: &str) -> Result<usize, StoreError>;
    fn actor(&self, id: &str) -> Result<Option<Actor>, StoreError>;
    /// Where a stored actor came from (`bundled`, `user`, `import:<file>`).
    fn actor_origin(&self, id: &str) -> Result<Option<String>, StoreError>;
    /// Every stored actor, ordered by id.
    fn actors(&self) -> Result<Vec<Actor>, StoreError>;
    /// Actors whose id is `query` or one of whose names equals it (case and variant folded).
    fn find_actors(&self, query: &str) -> Result<Vec<Actor>, StoreError>;
    /// Source ids whose extraction is missing or older than `version` (all with `all`).
    fn sources_to_extract(&self, version: &str, all: bool) -> Result<Vec<SourceId>, StoreError>;
    /// Replaces what extraction said about `source` with `drafts` and `statements`, in one
    /// transaction. Analysts' decisions survive: protected events (confirmed, rejected or
    /// edited) keep their fields and only gain or lose automatic citations. Each draft merges
    /// into the first stored event of the same type with overlapping dates for which
    /// `same_event` says yes; otherwise it becomes a new event.
    fn apply_extraction(
        &mut self,
        source: &SourceId,
        version: &str,
        drafts: &[EventDraft],
        statements: &[StatementDraft],
        same_event: &dyn Fn(&EventDraft, &Event) -> bool,
    ) -> Result<ExtractionOutcome, StoreError>;
    /// Forgets every automatic extraction result (unprotected events, automatic citations
    /// of all events, statements, extraction records) before a full re-extraction; analysts'
    /// events and their own citations stay. Returns how many events were removed.
    fn reset_extraction(&mut self) -> Result<usize, StoreError>;
    fn event(&self, id: &str) -> Result<Option<Event>, StoreError>;
    /// Events matching `f`, ordered by date (undated last), then id.
    fn events(&self, f: &EventFilter) -> Result<Vec<Event>, StoreError>;
    /// Sets an event's review status (an analyst decision: extraction will not undo it).
    fn set_event_status(&mut self, id: &str, status: Status) -> Result<(), StoreError>;
    /// Replaces an event's fields with an analyst's version (marks it edited). `e.version` is
    /// the version the edit was made on: when the stored event has moved on since,
    /// [`StoreError::Conflict`] and nothing is written.
    fn update_event(&mut self, e: &Event) -> Result<(), StoreError>;
    /// Adds an event by hand (confirmed, edited) with its citations. Returns its id.
    fn add_event(&mut self, d: &EventDraft) -> Result<String, StoreError>;
    /// Statements from one source or about one event.
    fn statements(
        &self,
        source: Option<&SourceId>,
        event: Option<&str>,
    ) -> Result<Vec<Statement>, StoreError>;
}

impl KnowledgeBase for SqliteStore {
    // ----- actors -----

    /// Inserts or replaces actors (one transaction). Returns how many were written.
    fn upsert_actors(&mut self, actors: &[Actor], origin: &str) -> Result<usize, StoreError> {
        let now = Utc::now().to_rfc3339();
        let tx = self.conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO actors(id, kind, name_en, data, origin, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name_en = excluded.name_en,
                   data = excluded.data, origin = excluded.origin, updated_at = excluded.updated_at",
            )?;
            let mut del = tx.prepare_cached("DELETE FROM actor_names WHERE actor_id = ?1")?;
            let mut name = tx.prepare_cached(
                "INSERT OR IGNORE INTO actor_names(actor_id, lang, name, folded) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for a in actors {
                let json = serde_json::to_string(a).map_err(|e| corrupt(&a.id, "data", e))?;
                put.execute(params![a.id, a.kind.as_str(), a.name_en, json, origin, now])?;
                del.execute([&a.id])?;
                for (lang, n) in a.all_names() {
                    name.execute(params![a.id, lang, n, fold_name(n)])?;
                }
            }
        }
        tx.commit()?;
        Ok(actors.len())
    }

    fn actor_origin(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT origin FROM actors WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn actor(&self, id: &str) -> Result<Option<Actor>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT data FROM actors WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt(id, "data", e)))
            .transpose()
    }

    /// Every stored actor, ordered by id.
    fn actors(&self) -> Result<Vec<Actor>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, data FROM actors ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|r| {
            let (id, j) = r?;
            serde_json::from_str(&j).map_err(|e| corrupt(&id, "data", e))
        })
        .collect()
    }

    /// Actors whose id is `query` or one of whose names equals it (case and variant folded).
    fn find_actors(&self, query: &str) -> Result<Vec<Actor>, StoreError> {
        if let Some(a) = self.actor(query.trim())? {
            return Ok(vec![a]);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT actor_id FROM actor_names WHERE folded = ?1 ORDER BY actor_id",
        )?;
        let ids: Vec<String> = stmt
            .query_map([fold_name(query)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(a) = self.actor(&id)? {
                out.push(a);
            }
        }
        Ok(out)
    }

    // ----- events -----

    /// Source ids whose extraction is missing or older than `version` (all with `all`).
    fn sources_to_extract(&self, version: &str, all: bool) -> Result<Vec<SourceId>, StoreError> {
        let sql = if all {
            "SELECT id FROM sources ORDER BY seq"
        } else {
            "SELECT s.id FROM sources s LEFT JOIN extractions e ON e.source_id = s.id
             WHERE e.version IS NULL OR e.version <> ?1 ORDER BY s.seq"
        };
        let mut stmt = self.conn.prepare(sql)?;
        let rows = if all {
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?
        } else {
            stmt.query_map([version], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?
        };
        rows.iter()
            .map(|s| {
                s.parse()
                    .map_err(|e: entente_core::CoreError| corrupt(s, "source_id", e))
            })
            .collect()
    }

    /// Replaces what extraction said about `source` with `drafts` and `statements`, in one
    /// transaction. Analysts' decisions survive: protected events (confirmed, rejected or
    /// edited) keep their fields and only gain or lose automatic citations. Each draft merges
    /// into the first stored event of the same type with overlapping dates for which
    /// `same_event` says yes; otherwise it becomes a new event.
    fn apply_extraction(
        &mut self,
        source: &SourceId,
        version: &str,
        drafts: &[EventDraft],
        statements: &[StatementDraft],
        same_event: &dyn Fn(&EventDraft, &Event) -> bool,
    ) -> Result<ExtractionOutcome, StoreError> {
        let now = Utc::now().to_rfc3339();
        let sid = source.to_hex();
        let tx = self.conn.transaction()?;
        let mut out = ExtractionOutcome::default();
        // 1. Forget this source's automatic evidence, and unprotected events left with none.
        let touched: Vec<String> = {
            let mut stmt = tx.prepare_cached(
                "SELECT DISTINCT event_id FROM citations WHERE source_id = ?1 AND auto = 1",
            )?;
            stmt.query_map([&sid], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        tx.execute(
            "DELETE FROM citations WHERE source_id = ?1 AND auto = 1",
            [&sid],
        )?;
        tx.execute("DELETE FROM statements WHERE source_id = ?1", [&sid])?;
        for id in &touched {
            let left: i64 = tx.query_row(
                "SELECT count(*) FROM citations WHERE event_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let protected: bool = tx.query_row(
                "SELECT edited = 1 OR status <> 'extracted' FROM events WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if left == 0 && !protected {
                tx.execute("DELETE FROM events WHERE id = ?1", [id])?;
                out.dropped += 1;
            }
        }
        // 2. Merge or insert each draft.
        let mut draft_event: Vec<String> = Vec::with_capacity(drafts.len());
        for d in drafts {
            let candidates = candidates(&tx, d)?;
            let target = candidates.into_iter().find(|e| same_event(d, e));
            let id = match target {
                Some(e) => {
                    if !e.protected() {
                        merge_into(&tx, &e, d, &now)?;
                    }
                    out.merged += 1;
                    e.id
                }
                None => {
                    let id = fresh_event_id(&tx, d)?;
                    insert_event(&tx, &id, d, Status::Extracted, false, &now)?;
                    out.new_events += 1;
                    id
                }
            };
            for c in &d.citations {
                add_citation(&tx, &id, c, true)?;
            }
            draft_event.push(id);
        }
        for s in statements {
            let event = s.event.and_then(|i| draft_event.get(i)).cloned();
            tx.execute(
                "INSERT OR REPLACE INTO statements(id, event_id, speaker, verb, source_id, start, end, quote)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    statement_id(s),
                    event,
                    s.speaker,
                    s.verb,
                    sid,
                    s.citation.start as i64,
                    s.citation.end as i64,
                    s.citation.quote
                ],
            )?;
            out.statements += 1;
        }
        tx.execute(
            "INSERT INTO extractions(source_id, version, extracted_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(source_id) DO UPDATE SET version = excluded.version, extracted_at = excluded.extracted_at",
            params![sid, version, now],
        )?;
        tx.commit()?;
        Ok(out)
    }

    fn reset_extraction(&mut self) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM statements", [])?;
        tx.execute("DELETE FROM extractions", [])?;
        tx.execute("DELETE FROM citations WHERE auto = 1", [])?;
        let n = tx.execute(
            "DELETE FROM events WHERE status = 'extracted' AND edited = 0",
            [],
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        load_event(&self.conn, id)
    }

    /// Events matching `f`, ordered by date (undated last), then id.
    fn events(&self, f: &EventFilter) -> Result<Vec<Event>, StoreError> {
        let mut sql = String::from("SELECT e.id FROM events e WHERE 1=1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        for a in &f.actors {
            args.push(a.clone().into());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = e.id AND p.actor_id = ?{})",
                args.len()
            ));
        }
        if !f.types.is_empty() {
            let list: Vec<String> = f
                .types
                .iter()
                .map(|t| format!("'{}'", t.as_str()))
                .collect();
            sql.push_str(&format!(" AND e.type IN ({})", list.join(",")));
        }
        if !f.statuses.is_empty() {
            let list: Vec<String> = f
                .statuses
                .iter()
                .map(|t| format!("'{}'", t.as_str()))
                .collect();
            sql.push_str(&format!(" AND e.status IN ({})", list.join(",")));
        }
        if let Some(from) = f.from {
            args.push(days(from).into());
            sql.push_str(&format!(" AND e.last_day >= ?{}", args.len()));
        }
        if let Some(to) = f.to {
            args.push(days(to).into());
            sql.push_str(&format!(" AND e.first_day <= ?{}", args.len()));
        }
        if let Some(s) = &f.source {
            args.push(s.to_hex().into());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM citations c WHERE c.event_id = e.id AND c.source_id = ?{})",
                args.len()
            ));
        }
        sql.push_str(" ORDER BY e.first_day IS NULL, e.first_day, e.id");
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare(&sql)?;
            stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(e) = load_event(&self.conn, &id)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Sets an event's review status (an analyst decision: extraction will not undo it).
    fn set_event_status(&mut self, id: &str, status: Status) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE events SET status = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
            params![id, status.as_str(), Utc::now().to_rfc3339()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(id.to_string()));
        }
        Ok(())
    }

    /// Replaces an event's fields with an analyst's version (marks it edited).
    fn update_event(&mut self, e: &Event) -> Result<(), StoreError> {
        let now = Utc::now().to_rfc3339();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found: Option<i64> = tx
            .query_row("SELECT version FROM events WHERE id = ?1", [&e.id], |r| {
                r.get(0)
            })
            .optional()?;
        match found {
            None => return Err(StoreError::NotFound(e.id.clone())),
            Some(v) if v as u64 != e.version => {
                return Err(StoreError::Conflict {
                    id: e.id.clone(),
                    expected: e.version,
                    found: v as u64,
                });
            }
            Some(_) => {}
        }
        write_fields(
            &tx,
            &e.id,
            e.kind,
            e.date.as_ref(),
            e.place.as_deref(),
            e.framework.as_deref(),
            &e.quantities,
            &now,
        )?;
        tx.execute(
            "UPDATE events SET status = ?2, confidence = ?3, edited = 1, version = version + 1 WHERE id = ?1",
            params![e.id, e.status.as_str(), e.confidence],
        )?;
        tx.execute(
            "DELETE FROM event_participants WHERE event_id = ?1",
            [&e.id],
        )?;
        for p in &e.participants {
            tx.execute(
                "INSERT OR REPLACE INTO event_participants(event_id, actor_id, role) VALUES (?1, ?2, ?3)",
                params![e.id, p.actor_id, p.role.as_str()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds an event by hand (confirmed, edited) with its citations. Returns its id.
    fn add_event(&mut self, d: &EventDraft) -> Result<String, StoreError> {
        let now = Utc::now().to_rfc3339();
        let tx = self.conn.transaction()?;
        let id = fresh_event_id(&tx, d)?;
        insert_event(&tx, &id, d, Status::Confirmed, true, &now)?;
        for c in &d.citations {
            add_citation(&tx, &id, c, false)?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Statements from one source or about one event.
    fn statements(
        &self,
        source: Option<&SourceId>,
        event: Option<&str>,
    ) -> Result<Vec<Statement>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, event_id, speaker, verb, source_id, start, end, quote FROM statements
             WHERE (?1 IS NULL OR source_id = ?1) AND (?2 IS NULL OR event_id = ?2) ORDER BY source_id, start",
        )?;
        let rows = stmt.query_map(params![source.map(|s| s.to_hex()), event], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        rows.map(|r| {
            let (id, event_id, speaker, verb, src, start, end, quote) = r?;
            Ok(Statement {
                citation: Citation {
                    source_id: src
                        .parse()
                        .map_err(|e: entente_core::CoreError| corrupt(&id, "source_id", e))?,
                    start: start as usize,
                    end: end as usize,
                    quote,
                },
                id,
                event_id,
                speaker,
                verb,
            })
        })
        .collect()
    }
}

fn candidates(tx: &Transaction<'_>, d: &EventDraft) -> Result<Vec<Event>, StoreError> {
    let ids: Vec<String> = match &d.date {
        Some(date) => {
            let mut stmt = tx.prepare_cached(
                "SELECT id FROM events WHERE type = ?1 AND first_day <= ?3 AND last_day >= ?2 ORDER BY created_at, id",
            )?;
            stmt.query_map(
                params![
                    d.kind.as_str(),
                    days(date.first_day()),
                    days(date.last_day())
                ],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?
        }
        None => {
            let mut stmt = tx.prepare_cached(
                "SELECT id FROM events WHERE type = ?1 AND first_day IS NULL ORDER BY created_at, id",
            )?;
            stmt.query_map(params![d.kind.as_str()], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        }
    };
    // Deciding "same event" and merging need the fields, not the evidence: a much-reported
    // event has thousands of citations, and loading them for every draft made extraction
    // quadratic in the reports of an event.
    let mut out = Vec::new();
    for id in ids {
        if let Some(e) = load_event_with(tx, &id, false)? {
            out.push(e);
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn write_fields(
    tx: &rusqlite::Connection,
    id: &str,
    kind: EventType,
    date: Option<&Edtf>,
    place: Option<&str>,
    framework: Option<&str>,
    quantities: &[Quantity],
    now: &str,
) -> Result<(), StoreError> {
    let q = serde_json::to_string(quantities).map_err(|e| corrupt(id, "quantities", e))?;
    tx.execute(
        "UPDATE events SET type = ?2, date = ?3, first_day = ?4, last_day = ?5, place_id = ?6,
           framework = ?7, quantities = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            kind.as_str(),
            date.map(|d| d.to_string()),
            date.map(|d| days(d.first_day())),
            date.map(|d| days(d.last_day())),
            place,
            framework,
            q,
            now
        ],
    )?;
    Ok(())
}

fn insert_event(
    tx: &rusqlite::Connection,
    id: &str,
    d: &EventDraft,
    status: Status,
    edited: bool,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO events(id, type, status, confidence, edited, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            id,
            d.kind.as_str(),
            status.as_str(),
            d.confidence,
            edited,
            now
        ],
    )?;
    write_fields(
        tx,
        id,
        d.kind,
        d.date.as_ref(),
        d.place.as_deref(),
        d.framework.as_deref(),
        &d.quantities,
        now,
    )?;
    for p in &d.participants {
        tx.execute(
            "INSERT OR IGNORE INTO event_participants(event_id, actor_id, role) VALUES (?1, ?2, ?3)",
            params![id, p.actor_id, p.role.as_str()],
        )?;
    }
    Ok(())
}

/// Merges a draft's details into an unprotected event: more precise date, missing place and
/// framework, new participants, higher confidence.
fn merge_into(
    tx: &Transaction<'_>,
    e: &Event,
    d: &EventDraft,
    now: &str,
) -> Result<(), StoreError> {
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
    let place = e.place.clone().or_else(|| d.place.clone());
    let framework = e.framework.clone().or_else(|| d.framework.clone());
    let mut quantities = e.quantities.clone();
    quantities.extend(d.quantities.iter().cloned());
    write_fields(
        tx,
        &e.id,
        e.kind,
        date.as_ref(),
        place.as_deref(),
        framework.as_deref(),
        &quantities,
        now,
    )?;
    let confidence = (e.confidence.max(d.confidence) + 0.05).min(1.0);
    // Extraction changed what an analyst may be editing: an edit read before is stale.
    tx.execute(
        "UPDATE events SET confidence = ?2, version = version + 1 WHERE id = ?1",
        params![e.id, confidence],
    )?;
    for p in &d.participants {
        tx.execute(
            "INSERT OR IGNORE INTO event_participants(event_id, actor_id, role) VALUES (?1, ?2, ?3)",
            params![e.id, p.actor_id, p.role.as_str()],
        )?;
    }
    Ok(())
}

fn add_citation(
    tx: &rusqlite::Connection,
    event: &str,
    c: &Citation,
    auto: bool,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR IGNORE INTO citations(event_id, source_id, start, end, quote, auto) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![event, c.source_id.to_hex(), c.start as i64, c.end as i64, c.quote, auto],
    )?;
    Ok(())
}

fn load_event(conn: &rusqlite::Connection, id: &str) -> Result<Option<Event>, StoreError> {
    load_event_with(conn, id, true)
}

/// An event with or without its citations.
fn load_event_with(
    conn: &rusqlite::Connection,
    id: &str,
    with_citations: bool,
) -> Result<Option<Event>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT type, date, place_id, framework, quantities, status, confidence, edited, version FROM events WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, f64>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })
        .optional()?;
    let Some((kind, date, place, framework, quantities, status, confidence, edited, version)) = row
    else {
        return Ok(None);
    };
    let participants: Vec<Participant> = {
        let mut stmt = conn.prepare_cached(
            "SELECT actor_id, role FROM event_participants WHERE event_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut ps = Vec::new();
        for row in rows {
            let (actor_id, role) = row?;
            ps.push(Participant {
                actor_id,
                role: role.parse::<Role>().map_err(|e| corrupt(id, "role", e))?,
            });
        }
        ps
    };
    let citations: Vec<Citation> = if !with_citations {
        Vec::new()
    } else {
        let mut stmt = conn.prepare_cached(
            "SELECT source_id, start, end, quote FROM citations WHERE event_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut cs = Vec::new();
        for row in rows {
            let (s, start, end, quote) = row?;
            cs.push(Citation {
                source_id: s
                    .parse()
                    .map_err(|e: entente_core::CoreError| corrupt(id, "source_id", e))?,
                start: start as usize,
                end: end as usize,
                quote,
            });
        }
        cs
    };
    Ok(Some(Event {
        id: id.to_string(),
        kind: kind.parse().map_err(|e| corrupt(id, "type", e))?,
        date: date
            .map(|d| d.parse().map_err(|e| corrupt(id, "date", e)))
            .transpose()?,
        place,
        framework,
        participants,
        quantities: match quantities {
            Some(q) => serde_json::from_str(&q).map_err(|e| corrupt(id, "quantities", e))?,
            None => Vec::new(),
        },
        status: status.parse().map_err(|e| corrupt(id, "status", e))?,
        confidence: confidence as f32,
        edited,
        citations,
        version: version as u64,
    }))
}

/// Counts per key, for summaries.
pub fn tally<K: Ord>(items: impl IntoIterator<Item = K>) -> BTreeMap<K, usize> {
    let mut m = BTreeMap::new();
    for k in items {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// Distinct participants of a set of events.
pub fn participants_of(events: &[Event]) -> BTreeSet<String> {
    events
        .iter()
        .flat_map(|e| e.participants.iter().map(|p| p.actor_id.clone()))
        .collect()
}
