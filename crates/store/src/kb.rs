//! The knowledge base tables of the SQLite store: actors, events, citations, statements.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use entente_core::{
    Actor, Citation, Edtf, Event, EventDraft, EventType, Participant, Role, SourceId, Statement,
    StatementDraft, Status,
};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{SqliteStore, StoreError, policy};

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
    /// Keyset paging: only events after this one in the listing order (undated last, then by
    /// first day, then by id); [`StoreError::NotFound`] when there is no such event.
    pub after: Option<String>,
    /// At most this many events.
    pub limit: Option<usize>,
}

/// What applying one source's extraction did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, schemars::JsonSchema)]
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

/// One analyst decision in the append-only audit log: who did what to which record, when,
/// and the record before and after (JSON; `None` for a record that did not exist before).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    /// Position in the log (increasing; 0 in an entry not yet written).
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// The user (`cli:NAME` at a terminal).
    pub who: String,
    /// `confirm`, `reject`, `edit`, `add`, `alias`, `import`.
    pub action: String,
    /// `event` or `actor`.
    pub entity: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Which audit entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AuditFilter {
    /// `event`, `actor`.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub who: Option<String>,
    /// Only entries after this `seq` (keyset paging).
    pub after: Option<i64>,
    /// At most this many (oldest first).
    pub limit: usize,
}

/// The primitives of one write transaction of a backend, over which [`crate::policy`] decides
/// how drafts and edits meet the knowledge base. A backend implements them without policy:
/// no merging, protection or version checks here, only reads and writes of records.
pub trait KbTx {
    /// An event's fields, participants and version, without its citations.
    fn event(&mut self, id: &str) -> Result<Option<Event>, StoreError>;
    fn event_exists(&mut self, id: &str) -> Result<bool, StoreError>;
    /// Ids of the events of `kind` whose dates overlap `date` (the undated ones when `None`),
    /// in the order they were created.
    fn candidates(
        &mut self,
        kind: EventType,
        date: Option<&Edtf>,
    ) -> Result<Vec<String>, StoreError>;
    /// Events with an automatic citation from `source`.
    fn auto_cited_events(&mut self, source: &SourceId) -> Result<Vec<String>, StoreError>;
    fn citation_count(&mut self, event: &str) -> Result<u64, StoreError>;
    /// Stores a new event (version 1; citations are added with [`KbTx::add_citation`]).
    fn insert_event(&mut self, e: &Event) -> Result<(), StoreError>;
    /// Replaces a stored event's fields, status, confidence, edited flag and participants
    /// with `e`'s, and raises its version by one.
    fn update_event(&mut self, e: &Event) -> Result<(), StoreError>;
    fn delete_event(&mut self, id: &str) -> Result<(), StoreError>;
    /// Adds a citation unless the event already has one with the same span.
    fn add_citation(&mut self, event: &str, c: &Citation, auto: bool) -> Result<(), StoreError>;
    /// Removes `source`'s automatic citations and its statements.
    fn forget_extraction(&mut self, source: &SourceId) -> Result<(), StoreError>;
    /// Stores (or replaces) a statement.
    fn put_statement(
        &mut self,
        id: &str,
        event: Option<&str>,
        s: &StatementDraft,
    ) -> Result<(), StoreError>;
    /// Records that `source` was extracted with `version`.
    fn record_extraction(&mut self, source: &SourceId, version: &str) -> Result<(), StoreError>;
    /// Appends `e` to the audit log (its `seq` and `at` are the backend's).
    fn audit(&mut self, e: &AuditEntry) -> Result<(), StoreError>;
}

/// The knowledge base: actors, events with citations, statements. Part of every [`Store`];
/// every write is one transaction. Backends implement the reads, [`KnowledgeBase::transact`]
/// and the two bulk writes; the writes that need policy (merging, protection, versions, ids)
/// are provided here on top of [`KbTx`] and are the same for every backend.
///
/// [`Store`]: crate::Store
pub trait KnowledgeBase {
    /// Runs `f` in one write transaction: everything it does lands, or nothing does.
    fn transact(
        &self,
        f: &mut dyn FnMut(&mut dyn KbTx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Inserts or replaces actors (one transaction). Returns how many were written. With
    /// `audit` = (who, action), each change is an analyst's decision and goes into the audit
    /// log (the actor before and after) in the same transaction.
    fn upsert_actors(
        &self,
        actors: &[Actor],
        origin: &str,
        audit: Option<(&str, &str)>,
    ) -> Result<usize, StoreError>;
    fn actor(&self, id: &str) -> Result<Option<Actor>, StoreError>;
    /// Where a stored actor came from (`bundled`, `user`, `import:<file>`).
    fn actor_origin(&self, id: &str) -> Result<Option<String>, StoreError>;
    /// Every stored actor, ordered by id.
    fn actors(&self) -> Result<Vec<Actor>, StoreError>;
    /// Actors whose id is `query` or one of whose names equals it (case and variant folded).
    fn find_actors(&self, query: &str) -> Result<Vec<Actor>, StoreError>;
    /// Source ids whose extraction is missing or older than `version` (all with `all`).
    fn sources_to_extract(&self, version: &str, all: bool) -> Result<Vec<SourceId>, StoreError>;
    /// Forgets every automatic extraction result (unprotected events, automatic citations
    /// of all events, statements, extraction records) before a full re-extraction; analysts'
    /// events and their own citations stay. Returns how many events were removed.
    fn reset_extraction(&self) -> Result<usize, StoreError>;
    fn event(&self, id: &str) -> Result<Option<Event>, StoreError>;
    /// Events matching `f`, ordered by date (undated last), then id.
    fn events(&self, f: &EventFilter) -> Result<Vec<Event>, StoreError>;
    /// Audit log entries matching `f`, oldest first.
    fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;
    /// Statements from one source or about one event.
    fn statements(
        &self,
        source: Option<&SourceId>,
        event: Option<&str>,
    ) -> Result<Vec<Statement>, StoreError>;

    /// Replaces what extraction said about `source` with `drafts` and `statements`, in one
    /// transaction. Analysts' decisions survive: protected events (confirmed, rejected or
    /// edited) keep their fields and only gain or lose automatic citations. Each draft merges
    /// into the first stored event of the same type with overlapping dates for which
    /// `same_event` says yes; otherwise it becomes a new event. See [`crate::policy`].
    fn apply_extraction(
        &self,
        source: &SourceId,
        version: &str,
        drafts: &[EventDraft],
        statements: &[StatementDraft],
        same_event: &dyn Fn(&EventDraft, &Event) -> bool,
    ) -> Result<ExtractionOutcome, StoreError> {
        let mut out = ExtractionOutcome::default();
        self.transact(&mut |tx| {
            out = policy::apply_extraction(tx, source, version, drafts, statements, same_event)?;
            Ok(())
        })?;
        Ok(out)
    }

    /// Sets an event's review status (an analyst decision: extraction will not undo it), in
    /// one transaction; with `expected`, only if the event is still at that version.
    fn set_event_status(
        &self,
        id: &str,
        status: Status,
        expected: Option<u64>,
        by: &str,
    ) -> Result<(), StoreError> {
        self.transact(&mut |tx| policy::set_status(tx, id, status, expected, by))
    }

    /// Replaces an event's fields with an analyst's version (marks it edited). `e.version` is
    /// the version the edit was made on: when the stored event has moved on since,
    /// [`StoreError::Conflict`] and nothing is written.
    fn update_event(&self, e: &Event, by: &str) -> Result<(), StoreError> {
        self.transact(&mut |tx| policy::edit_event(tx, e, by))
    }

    /// Adds an event by hand (confirmed, edited) with its citations. Returns its id.
    fn add_event(&self, d: &EventDraft, by: &str) -> Result<String, StoreError> {
        let mut id = String::new();
        self.transact(&mut |tx| {
            id = policy::add_event(tx, d, by)?;
            Ok(())
        })?;
        Ok(id)
    }
}

impl KnowledgeBase for SqliteStore {
    fn transact(
        &self,
        f: &mut dyn FnMut(&mut dyn KbTx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.write(|w| {
            // IMMEDIATE: the write lock is taken before the first read, so a version read
            // inside the transaction cannot be overtaken by another process's write.
            let tx = w
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            f(&mut SqlTx {
                conn: &tx,
                now: Utc::now().to_rfc3339(),
            })?;
            tx.commit()?;
            Ok(())
        })
    }

    // ----- actors -----

    fn upsert_actors(
        &self,
        actors: &[Actor],
        origin: &str,
        audit: Option<(&str, &str)>,
    ) -> Result<usize, StoreError> {
        let now = Utc::now().to_rfc3339();
        self.write(|w| {
            let tx = w.conn.transaction()?;
            if let Some((who, action)) = audit {
                let mut log = SqlTx {
                    conn: &tx,
                    now: now.clone(),
                };
                for a in actors {
                    let before = load_actor(&tx, &a.id)?
                        .map(|b| serde_json::to_value(b).map_err(|e| corrupt(&a.id, "data", e)))
                        .transpose()?;
                    let after = serde_json::to_value(a).map_err(|e| corrupt(&a.id, "data", e))?;
                    if before.as_ref() == Some(&after) {
                        continue;
                    }
                    log.audit(&AuditEntry {
                        seq: 0,
                        at: String::new(),
                        who: who.to_string(),
                        action: action.to_string(),
                        entity: "actor".into(),
                        entity_id: a.id.clone(),
                        before,
                        after: Some(after),
                    })?;
                }
            }
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
        })
    }

    fn actor_origin(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT origin FROM actors WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    fn actor(&self, id: &str) -> Result<Option<Actor>, StoreError> {
        self.read(|c| load_actor(c, id))
    }

    fn actors(&self) -> Result<Vec<Actor>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id, data FROM actors ORDER BY id")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            rows.map(|r| {
                let (id, j) = r?;
                serde_json::from_str(&j).map_err(|e| corrupt(&id, "data", e))
            })
            .collect()
        })
    }

    fn find_actors(&self, query: &str) -> Result<Vec<Actor>, StoreError> {
        self.read(|c| {
            if let Some(a) = load_actor(c, query.trim())? {
                return Ok(vec![a]);
            }
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT actor_id FROM actor_names WHERE folded = ?1 ORDER BY actor_id",
            )?;
            let ids: Vec<String> = stmt
                .query_map([fold_name(query)], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(a) = load_actor(c, &id)? {
                    out.push(a);
                }
            }
            Ok(out)
        })
    }

    // ----- events -----

    fn sources_to_extract(&self, version: &str, all: bool) -> Result<Vec<SourceId>, StoreError> {
        self.read(|c| {
            let sql = if all {
                "SELECT id FROM sources ORDER BY seq"
            } else {
                "SELECT s.id FROM sources s LEFT JOIN extractions e ON e.source_id = s.id
                 WHERE e.version IS NULL OR e.version <> ?1 ORDER BY s.seq"
            };
            let mut stmt = c.prepare(sql)?;
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
        })
    }

    fn reset_extraction(&self) -> Result<usize, StoreError> {
        self.write(|w| {
            let tx = w.conn.transaction()?;
            tx.execute("DELETE FROM statements", [])?;
            tx.execute("DELETE FROM extractions", [])?;
            tx.execute("DELETE FROM citations WHERE auto = 1", [])?;
            let n = tx.execute(
                "DELETE FROM events WHERE status = 'extracted' AND edited = 0",
                [],
            )?;
            tx.commit()?;
            Ok(n)
        })
    }

    fn event(&self, id: &str) -> Result<Option<Event>, StoreError> {
        self.read(|c| load_event_with(c, id, true))
    }

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
        // One read transaction: the list and each event's details come from one snapshot.
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            let mut sql = sql;
            let mut args = args;
            if let Some(after) = &f.after {
                let key: Option<(i64, i64)> = tx
                    .prepare_cached(
                        "SELECT first_day IS NULL, coalesce(first_day, 0) FROM events WHERE id = ?1",
                    )?
                    .query_row([after], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let Some((undated, day)) = key else {
                    return Err(StoreError::NotFound {
                        what: "event",
                        id: after.clone(),
                    });
                };
                args.push(undated.into());
                args.push(day.into());
                args.push(after.clone().into());
                let n = args.len();
                sql.push_str(&format!(
                    " AND (e.first_day IS NULL, coalesce(e.first_day, 0), e.id) > (?{}, ?{}, ?{n})",
                    n - 2,
                    n - 1
                ));
            }
            sql.push_str(" ORDER BY e.first_day IS NULL, coalesce(e.first_day, 0), e.id");
            if let Some(limit) = f.limit {
                args.push((limit.min(i64::MAX as usize) as i64).into());
                sql.push_str(&format!(" LIMIT ?{}", args.len()));
            }
            let ids: Vec<String> = {
                let mut stmt = tx.prepare(&sql)?;
                stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
                    .collect::<Result<_, _>>()?
            };
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(e) = load_event_with(&tx, &id, true)? {
                    out.push(e);
                }
            }
            Ok(out)
        })
    }

    fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT seq, at, who, action, entity, entity_id, before, after FROM audit_log
                 WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_id = ?2)
                   AND (?3 IS NULL OR who = ?3) AND seq > ?4
                 ORDER BY seq LIMIT ?5",
            )?;
            let rows = st.query_map(
                params![
                    f.entity,
                    f.entity_id,
                    f.who,
                    f.after.unwrap_or(0),
                    f.limit.min(i64::MAX as usize) as i64
                ],
                |r| {
                    Ok((
                        AuditEntry {
                            seq: r.get(0)?,
                            at: r.get(1)?,
                            who: r.get(2)?,
                            action: r.get(3)?,
                            entity: r.get(4)?,
                            entity_id: r.get(5)?,
                            before: None,
                            after: None,
                        },
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                },
            )?;
            let json = |seq: i64, field: &'static str, s: Option<String>| {
                s.map(|s| serde_json::from_str(&s))
                    .transpose()
                    .map_err(|e| StoreError::Corrupt {
                        table: "audit_log",
                        id: seq.to_string(),
                        field,
                        message: e.to_string(),
                    })
            };
            let mut out = Vec::new();
            for row in rows {
                let (mut e, before, after) = row?;
                e.before = json(e.seq, "before", before)?;
                e.after = json(e.seq, "after", after)?;
                out.push(e);
            }
            Ok(out)
        })
    }

    fn statements(
        &self,
        source: Option<&SourceId>,
        event: Option<&str>,
    ) -> Result<Vec<Statement>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
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
        })
    }
}

fn load_actor(c: &rusqlite::Connection, id: &str) -> Result<Option<Actor>, StoreError> {
    let json: Option<String> = c
        .query_row("SELECT data FROM actors WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    json.map(|j| serde_json::from_str(&j).map_err(|e| corrupt(id, "data", e)))
        .transpose()
}

/// [`KbTx`] on one SQLite transaction.
struct SqlTx<'a> {
    conn: &'a rusqlite::Connection,
    now: String,
}

impl SqlTx<'_> {
    fn write_fields(&self, e: &Event) -> Result<(), StoreError> {
        let q = serde_json::to_string(&e.quantities)
            .map_err(|err| corrupt(&e.id, "quantities", err))?;
        self.conn.execute(
            "UPDATE events SET type = ?2, date = ?3, first_day = ?4, last_day = ?5, place_id = ?6,
               framework = ?7, quantities = ?8, status = ?9, confidence = ?10, edited = ?11,
               updated_at = ?12 WHERE id = ?1",
            params![
                e.id,
                e.kind.as_str(),
                e.date.map(|d| d.to_string()),
                e.date.map(|d| days(d.first_day())),
                e.date.map(|d| days(d.last_day())),
                e.place,
                e.framework,
                q,
                e.status.as_str(),
                e.confidence,
                e.edited,
                self.now
            ],
        )?;
        let mut put = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO event_participants(event_id, actor_id, role) VALUES (?1, ?2, ?3)",
        )?;
        for p in &e.participants {
            put.execute(params![e.id, p.actor_id, p.role.as_str()])?;
        }
        Ok(())
    }
}

impl KbTx for SqlTx<'_> {
    fn event(&mut self, id: &str) -> Result<Option<Event>, StoreError> {
        // Deciding "same event" and merging need the fields, not the evidence: a much-reported
        // event has thousands of citations, and loading them for every draft made extraction
        // quadratic in the reports of an event.
        load_event_with(self.conn, id, false)
    }

    fn event_exists(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .exists([id])?)
    }

    fn candidates(
        &mut self,
        kind: EventType,
        date: Option<&Edtf>,
    ) -> Result<Vec<String>, StoreError> {
        Ok(match date {
            Some(date) => self
                .conn
                .prepare_cached(
                    "SELECT id FROM events WHERE type = ?1 AND first_day <= ?3 AND last_day >= ?2 ORDER BY created_at, id",
                )?
                .query_map(
                    params![kind.as_str(), days(date.first_day()), days(date.last_day())],
                    |r| r.get(0),
                )?
                .collect::<Result<_, _>>()?,
            None => self
                .conn
                .prepare_cached(
                    "SELECT id FROM events WHERE type = ?1 AND first_day IS NULL ORDER BY created_at, id",
                )?
                .query_map(params![kind.as_str()], |r| r.get(0))?
                .collect::<Result<_, _>>()?,
        })
    }

    fn auto_cited_events(&mut self, source: &SourceId) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT DISTINCT event_id FROM citations WHERE source_id = ?1 AND auto = 1",
            )?
            .query_map([source.to_hex()], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    fn citation_count(&mut self, event: &str) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM citations WHERE event_id = ?1",
            [event],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    fn insert_event(&mut self, e: &Event) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO events(id, type, status, confidence, edited, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                e.id,
                e.kind.as_str(),
                e.status.as_str(),
                e.confidence,
                e.edited,
                self.now
            ],
        )?;
        self.write_fields(e)
    }

    fn update_event(&mut self, e: &Event) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE events SET version = version + 1 WHERE id = ?1",
            [&e.id],
        )?;
        if n == 0 {
            return Err(StoreError::no_event(e.id.clone()));
        }
        self.conn.execute(
            "DELETE FROM event_participants WHERE event_id = ?1",
            [&e.id],
        )?;
        self.write_fields(e)
    }

    fn delete_event(&mut self, id: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM events WHERE id = ?1", [id])?;
        Ok(())
    }

    fn add_citation(&mut self, event: &str, c: &Citation, auto: bool) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO citations(event_id, source_id, start, end, quote, auto) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![event, c.source_id.to_hex(), c.start as i64, c.end as i64, c.quote, auto])?;
        Ok(())
    }

    fn forget_extraction(&mut self, source: &SourceId) -> Result<(), StoreError> {
        let sid = source.to_hex();
        self.conn.execute(
            "DELETE FROM citations WHERE source_id = ?1 AND auto = 1",
            [&sid],
        )?;
        self.conn
            .execute("DELETE FROM statements WHERE source_id = ?1", [&sid])?;
        Ok(())
    }

    fn put_statement(
        &mut self,
        id: &str,
        event: Option<&str>,
        s: &StatementDraft,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO statements(id, event_id, speaker, verb, source_id, start, end, quote)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                event,
                s.speaker,
                s.verb,
                s.citation.source_id.to_hex(),
                s.citation.start as i64,
                s.citation.end as i64,
                s.citation.quote
            ],
        )?;
        Ok(())
    }

    fn record_extraction(&mut self, source: &SourceId, version: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO extractions(source_id, version, extracted_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(source_id) DO UPDATE SET version = excluded.version, extracted_at = excluded.extracted_at",
            params![source.to_hex(), version, self.now],
        )?;
        Ok(())
    }

    fn audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        let json = |v: &Option<serde_json::Value>, field: &'static str| {
            v.as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|err| StoreError::Corrupt {
                    table: "audit_log",
                    id: e.entity_id.clone(),
                    field,
                    message: err.to_string(),
                })
        };
        self.conn
            .prepare_cached(
                "INSERT INTO audit_log(at, who, action, entity, entity_id, before, after)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                self.now,
                e.who,
                e.action,
                e.entity,
                e.entity_id,
                json(&e.before, "before")?,
                json(&e.after, "after")?
            ])?;
        Ok(())
    }
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
