//! The knowledge base: events, their review, the summit chronology and exchange counts.

use entente_core::{Citation, DateValue, Edtf, EventDraft, EventType, Participant, Role, Status};
use entente_extract::analysis::{self, EventView, ExchangeRow, Names};
use entente_extract::run::{self, RunSummary};
use entente_store::{AuditEntry, AuditFilter, EventFilter};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Permission, Principal};

/// Which events to list. Actors are names or ids (`Putin`, `vladimir-putin`, `RU`); every
/// actor given must take part. Empty lists mean "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EventQuery {
    pub actors: Vec<String>,
    pub types: Vec<EventType>,
    pub from: Option<DateValue>,
    pub to: Option<DateValue>,
    pub statuses: Vec<Status>,
    /// Only events after this one in the list's order (undated last, then by first day, then
    /// by id): keyset paging, so no page repeats or skips an event while others are added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// At most this many events (all when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// The summit table: events in which all the given actors take part; meetings, visits and
/// calls unless `types` says otherwise; rejected events left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ChronologyQuery {
    pub actors: Vec<String>,
    pub types: Vec<EventType>,
    pub from: Option<DateValue>,
    pub to: Option<DateValue>,
}

/// Counting periods of [`ExchangesQuery`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    #[default]
    Year,
    Month,
}

/// High-level exchanges between two states (ISO 3166-1 alpha-2 codes), per period, with the
/// share of one leader when `with` names one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExchangesQuery {
    pub between: Vec<String>,
    pub by: Period,
    pub with: Option<String>,
    pub from: Option<DateValue>,
    pub to: Option<DateValue>,
}

/// An analyst's change to an event. `version` is the version the analyst read (from
/// [`EventView::version`]); when the event has changed since, the edit is a conflict and
/// nothing is written. Fields left out stay as they are. After an edit, re-extraction never
/// changes the event again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EventEdit {
    pub version: u64,
    #[serde(rename = "type")]
    pub kind: Option<EventType>,
    pub date: Option<Edtf>,
    /// A place's name or id.
    pub place: Option<String>,
    pub framework: Option<String>,
    /// Participants to add (or whose role to change): `NAME_OR_ID[:ROLE]`.
    pub add: Vec<String>,
    /// Participants to remove, by name or id.
    pub remove: Vec<String>,
}

/// A participant written `NAME_OR_ID[:ROLE]` (role host, guest, sender, recipient, head,
/// member, participant; participant when left out).
fn participant(store: &dyn entente_store::Store, spec: &str) -> Result<Participant, AppError> {
    let (name, role) = match spec.rsplit_once(':') {
        Some((n, r)) if r.parse::<Role>().is_ok() => (n, r.parse::<Role>().ok()),
        _ => (spec, None),
    };
    Ok(Participant {
        actor_id: analysis::resolve_actor(store, name.trim())?,
        role: role.unwrap_or(Role::Participant),
    })
}

/// Which sources to extract: `sources` (ids or unique prefixes), or every source not yet
/// extracted by this version of the gazetteer and lexicons, or with `all` every source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractRequest {
    pub all: bool,
    pub sources: Vec<String>,
}

/// An event added by hand, citing the words of a source that report it. The quote must occur
/// in the source's text (after the same normalisation as ingest); the citation is its first
/// occurrence. The event is confirmed and protected from re-extraction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventAdd {
    #[serde(rename = "type")]
    pub kind: EventType,
    #[serde(default)]
    pub date: Option<Edtf>,
    /// A place's name or id.
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub framework: Option<String>,
    /// `NAME_OR_ID[:ROLE]`, at least one.
    pub participants: Vec<String>,
    /// The source's id or a unique prefix of it.
    pub source: String,
    pub quote: String,
}

/// The types a chronology shows when the query names none.
pub const CHRONOLOGY_TYPES: [EventType; 3] =
    [EventType::Meeting, EventType::Visit, EventType::Call];

fn resolve(store: &dyn entente_store::Store, actors: &[String]) -> Result<Vec<String>, AppError> {
    actors
        .iter()
        .map(|a| analysis::resolve_actor(store, a.trim()).map_err(AppError::from))
        .collect()
}

/// The stored event `id`, or a not-found error naming it.
fn stored_event(
    store: &dyn entente_store::Store,
    id: &str,
) -> Result<entente_core::Event, AppError> {
    store
        .event(id)?
        .ok_or_else(|| AppError::not_found(format!("no event with id {id}")))
}

/// An event as front ends show it, with names and sources.
fn view(store: &dyn entente_store::Store, e: &entente_core::Event) -> Result<EventView, AppError> {
    Ok(analysis::event_view(store, &mut Names::new(store), e)?)
}

/// An analyst's review decision: confirmed or rejected (`extracted` is extraction's own).
fn review_status(status: Status) -> Result<(), AppError> {
    if status == Status::Extracted {
        return Err(AppError::invalid(
            "`status`: an analyst confirms or rejects; `extracted` is extraction's own",
        ));
    }
    Ok(())
}

/// A store error of a versioned write on event `id`: a stale version becomes the conflict
/// message every front end shows; anything else keeps its kind.
fn stale_or(id: &str, err: entente_store::StoreError) -> AppError {
    match err {
        entente_store::StoreError::Conflict {
            expected, found, ..
        } => conflict(id, expected, found),
        other => other.into(),
    }
}

fn conflict(id: &str, expected: u64, found: u64) -> AppError {
    AppError::new(
        crate::ErrorKind::Conflict,
        format!(
            "event {id} changed since version {expected} was read (it is now at version {found}); read it again and redo the edit"
        ),
    )
}

/// An ISO 3166-1 alpha-2 code, upper-cased, or an error naming the field.
pub(crate) fn state_code(field: &str, s: &str) -> Result<String, AppError> {
    entente_core::state_code(s).ok_or_else(|| {
        AppError::invalid(format!(
            "`{field}`: `{s}` is not a state code (ISO 3166-1 alpha-2, e.g. RU, KP)"
        ))
    })
}

impl App {
    /// Events matching `q`, in date order, with names and sources.
    pub fn events(&self, q: &EventQuery) -> Result<Vec<EventView>, AppError> {
        let repo = self.repo()?;
        let store = repo.store();
        let filter = EventFilter {
            actors: resolve(store, &q.actors)?,
            types: q.types.clone(),
            from: q.from.map(|d| d.start()),
            to: q.to.map(|d| d.end()),
            statuses: q.statuses.clone(),
            source: None,
            after: q.after.clone(),
            limit: q.limit,
        };
        if let Some(a) = &q.after
            && store.event(a)?.is_none()
        {
            return Err(AppError::invalid(format!(
                "`after`: no event {a} (page on from an event of the previous page)"
            )));
        }
        let mut names = Names::new(store);
        store
            .events(&filter)?
            .iter()
            .map(|e| analysis::event_view(store, &mut names, e).map_err(AppError::from))
            .collect()
    }

    /// One event with its citations.
    pub fn event(&self, id: &str) -> Result<EventView, AppError> {
        let repo = self.repo()?;
        view(repo.store(), &stored_event(repo.store(), id)?)
    }

    /// Entries of the audit log (oldest first, at most 1,000 a page; keyset paging by `after`).
    pub fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        let mut f = f.clone();
        f.limit = match f.limit {
            0 => 100,
            n => n.min(1000),
        };
        Ok(self.repo()?.store().audit_log(&f)?)
    }

    /// Marks events confirmed or rejected (an analyst's decision: re-extraction keeps it).
    /// Every id must exist; none is changed otherwise. Returns how many were set.
    pub fn set_event_status(
        &self,
        by: &Principal,
        ids: &[String],
        status: Status,
    ) -> Result<usize, AppError> {
        by.require(Permission::Write)?;
        if ids.is_empty() {
            return Err(AppError::invalid("give at least one event id"));
        }
        review_status(status)?;
        self.check_writable()?;
        // The store serialises its own writes; other reads go on meanwhile.
        let repo = self.repo()?;
        // One transaction: every id is checked and set, or none is.
        repo.store().transact(&mut |tx| {
            for id in ids {
                entente_store::policy::set_status(tx, id, status, None, &by.user)?;
            }
            Ok(())
        })?;
        Ok(ids.len())
    }

    /// Confirms or rejects one event; with `expected`, only if it is still at that version
    /// (else a conflict). Returns the event as it now is.
    pub fn review_event(
        &self,
        by: &Principal,
        id: &str,
        status: Status,
        expected: Option<u64>,
    ) -> Result<EventView, AppError> {
        by.require(Permission::Write)?;
        review_status(status)?;
        self.check_writable()?;
        let repo = self.repo()?;
        repo.store()
            .set_event_status(id, status, expected, &by.user)
            .map_err(|err| stale_or(id, err))?;
        view(repo.store(), &stored_event(repo.store(), id)?)
    }

    /// Applies an analyst's edit made on `edit.version` (see [`EventEdit`]) and returns the
    /// event as it now is.
    pub fn edit_event(
        &self,
        by: &Principal,
        id: &str,
        edit: &EventEdit,
    ) -> Result<EventView, AppError> {
        by.require(Permission::Write)?;
        self.check_writable()?;
        // The store serialises its own writes; other reads go on meanwhile.
        let repo = self.repo()?;
        let mut e = stored_event(repo.store(), id)?;
        if edit.version != e.version {
            return Err(conflict(id, edit.version, e.version));
        }
        let store = repo.store();
        if let Some(k) = edit.kind {
            e.kind = k;
        }
        if edit.date.is_some() {
            e.date = edit.date;
        }
        if let Some(p) = &edit.place {
            e.place = Some(analysis::resolve_actor(store, p.trim())?);
        }
        if edit.framework.is_some() {
            e.framework = edit.framework.clone();
        }
        for r in &edit.remove {
            let rid = analysis::resolve_actor(store, r.trim())?;
            if !e.has_participant(&rid) {
                return Err(AppError::invalid(format!(
                    "`remove`: {r} does not take part in event {id}"
                )));
            }
            e.participants.retain(|p| p.actor_id != rid);
        }
        for spec in &edit.add {
            let p = participant(store, spec)?;
            e.participants.retain(|q| q.actor_id != p.actor_id);
            e.participants.push(p);
        }
        repo.store()
            .update_event(&e, &by.user)
            .map_err(|err| stale_or(id, err))?;
        view(repo.store(), &stored_event(repo.store(), id)?)
    }

    /// Adds an event by hand (see [`EventAdd`]) and returns it.
    pub fn add_event(&self, by: &Principal, req: &EventAdd) -> Result<EventView, AppError> {
        by.require(Permission::Write)?;
        if req.participants.is_empty() {
            return Err(AppError::invalid("`participants`: give at least one"));
        }
        let quote = entente_text::normalize(&req.quote);
        if quote.trim().is_empty() {
            return Err(AppError::invalid("`quote`: empty"));
        }
        self.check_writable()?;
        // The store serialises its own writes; other reads go on meanwhile.
        let repo = self.repo()?;
        let store = repo.store();
        let sid = store.resolve_id(req.source.trim())?;
        let text = store
            .source_text(&sid)?
            .ok_or_else(|| AppError::not_found(format!("no source with id {sid}")))?;
        let start = text.find(&quote).ok_or_else(|| {
            AppError::invalid(format!(
                "`quote`: the quote does not occur in source {sid}: «{quote}»"
            ))
        })?;
        let draft = EventDraft {
            kind: req.kind,
            date: req.date,
            place: req
                .place
                .as_deref()
                .map(|p| analysis::resolve_actor(store, p.trim()))
                .transpose()?,
            framework: req.framework.clone(),
            participants: req
                .participants
                .iter()
                .map(|p| participant(store, p))
                .collect::<Result<_, _>>()?,
            quantities: vec![],
            confidence: 1.0,
            citations: vec![Citation {
                source_id: sid,
                start,
                end: start + quote.len(),
                quote,
            }],
        };
        let id = repo.store().add_event(&draft, &by.user)?;
        view(repo.store(), &stored_event(repo.store(), &id)?)
    }

    /// Extracts events and statements (see [`ExtractRequest`]), one transaction per source;
    /// `progress(done, total)` after each. A source whose extraction fails is listed in the
    /// summary and the run goes on.
    pub fn extract(
        &self,
        req: &ExtractRequest,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<RunSummary, AppError> {
        self.extract_cancellable(req, &entente_core::Cancel::new(), progress)
    }

    /// [`App::extract`] that stops between sources once `cancel` is raised (the summary says
    /// `cancelled`; what was stored stays).
    pub fn extract_cancellable(
        &self,
        req: &ExtractRequest,
        cancel: &entente_core::Cancel,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<RunSummary, AppError> {
        let repo = self.writable()?;
        let ex = run::prepare_extractor(repo.store())?;
        let ids = req
            .sources
            .iter()
            .map(|s| repo.store().resolve_id(s.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(run::extract_sources(
            repo.store(),
            &ex,
            &ids,
            req.all,
            cancel,
            progress,
        )?)
    }

    /// The summit table (see [`ChronologyQuery`]).
    pub fn chronology(&self, q: &ChronologyQuery) -> Result<Vec<EventView>, AppError> {
        let repo = self.repo()?;
        let store = repo.store();
        let filter = EventFilter {
            actors: resolve(store, &q.actors)?,
            types: if q.types.is_empty() {
                CHRONOLOGY_TYPES.to_vec()
            } else {
                q.types.clone()
            },
            from: q.from.map(|d| d.start()),
            to: q.to.map(|d| d.end()),
            ..Default::default()
        };
        Ok(analysis::chronology(store, &filter)?)
    }

    /// Exchange counts between two states (see [`ExchangesQuery`]).
    pub fn exchanges(&self, q: &ExchangesQuery) -> Result<Vec<ExchangeRow>, AppError> {
        let [x, y] = q.between.as_slice() else {
            return Err(AppError::invalid(format!(
                "`between` takes two state codes, e.g. RU,KP (got {})",
                q.between.len()
            )));
        };
        let (x, y) = (state_code("between", x)?, state_code("between", y)?);
        if x == y {
            return Err(AppError::invalid(format!(
                "`between`: two different states, not {x} twice"
            )));
        }
        let repo = self.repo()?;
        let store = repo.store();
        let leader = q
            .with
            .as_deref()
            .map(|w| analysis::resolve_actor(store, w.trim()))
            .transpose()?;
        let filter = EventFilter {
            from: q.from.map(|d| d.start()),
            to: q.to.map(|d| d.end()),
            ..Default::default()
        };
        Ok(analysis::exchanges(
            store,
            &x,
            &y,
            leader.as_deref(),
            q.by == Period::Month,
            &filter,
        )?)
    }
}
