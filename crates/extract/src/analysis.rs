//! Analyses over the knowledge base: event views with names and sources, the summit
//! chronology, and high-level exchange counts between two states.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entente_core::{Event, EventType, SourceId, Status};
use entente_store::{EventFilter, Store};
use serde::{Deserialize, Serialize};

use crate::ExtractError;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ActorRef {
    pub id: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ParticipantView {
    pub id: String,
    pub name_en: String,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct CitationView {
    pub source_id: SourceId,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// An event as the CLI, the API and briefings show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct EventView {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub date: Option<String>,
    pub place: Option<ActorRef>,
    pub framework: Option<String>,
    pub participants: Vec<ParticipantView>,
    pub status: Status,
    pub confidence: f32,
    pub citations: Vec<CitationView>,
    /// The version an edit of this event must name (see `Event::version`).
    #[serde(default = "first_version")]
    pub version: u64,
}

fn first_version() -> u64 {
    1
}

/// Resolves actor ids to names, caching.
pub struct Names<'a> {
    store: &'a dyn Store,
    cache: HashMap<String, String>,
}

impl<'a> Names<'a> {
    pub fn new(store: &'a dyn Store) -> Self {
        Names {
            store,
            cache: HashMap::new(),
        }
    }

    pub fn name(&mut self, id: &str) -> String {
        if let Some(n) = self.cache.get(id) {
            return n.clone();
        }
        let n = self
            .store
            .actor(id)
            .ok()
            .flatten()
            .map(|a| a.name_en)
            .unwrap_or_else(|| id.to_string());
        self.cache.insert(id.to_string(), n.clone());
        n
    }

    pub fn country(&self, id: &str) -> Option<String> {
        let a = self.store.actor(id).ok().flatten()?;
        if a.kind == entente_core::ActorKind::State {
            Some(a.id)
        } else {
            a.country
        }
    }
}

pub fn event_view(
    store: &dyn Store,
    names: &mut Names<'_>,
    e: &Event,
) -> Result<EventView, ExtractError> {
    let ids: Vec<SourceId> = e.citations.iter().map(|c| c.source_id).collect();
    let sums: HashMap<SourceId, entente_store::SourceSummary> = store
        .summaries(&ids)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(EventView {
        id: e.id.clone(),
        kind: e.kind,
        date: e.date.map(|d| d.to_string()),
        place: e.place.as_ref().map(|p| ActorRef {
            id: p.clone(),
            name_en: names.name(p),
        }),
        framework: e.framework.clone(),
        participants: e
            .participants
            .iter()
            .map(|p| ParticipantView {
                id: p.actor_id.clone(),
                name_en: names.name(&p.actor_id),
                role: p.role.as_str().into(),
            })
            .collect(),
        status: e.status,
        confidence: (e.confidence * 100.0).round() / 100.0,
        citations: e
            .citations
            .iter()
            .map(|c| {
                let s = sums.get(&c.source_id);
                CitationView {
                    source_id: c.source_id,
                    outlet: s.and_then(|s| s.outlet.clone()),
                    published: s.and_then(|s| s.published.clone()),
                    url: s.and_then(|s| s.url.clone()),
                    title: s.and_then(|s| s.title.clone()),
                    start: c.start,
                    end: c.end,
                    quote: c.quote.clone(),
                }
            })
            .collect(),
        version: e.version,
    })
}

/// A draft (one document's extraction, before the knowledge base merges it) as a view.
pub fn draft_view(
    store: &dyn Store,
    names: &mut Names<'_>,
    d: &entente_core::EventDraft,
    n: usize,
) -> Result<EventView, ExtractError> {
    let e = Event {
        id: format!("draft-{n}"),
        kind: d.kind,
        date: d.date,
        place: d.place.clone(),
        framework: d.framework.clone(),
        participants: d.participants.clone(),
        quantities: d.quantities.clone(),
        status: Status::Extracted,
        confidence: d.confidence,
        edited: false,
        citations: d.citations.clone(),
        version: 1,
    };
    event_view(store, names, &e)
}

/// Resolves a name or id given on the command line to one actor id.
pub fn resolve_actor(store: &dyn Store, query: &str) -> Result<String, ExtractError> {
    let found = store.find_actors(query)?;
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(ExtractError::UnknownActor {
            query: query.to_string(),
            candidates: vec![],
        }),
        many => Err(ExtractError::UnknownActor {
            query: query.to_string(),
            candidates: many
                .iter()
                .map(|a| format!("{} ({})", a.id, a.name_en))
                .collect(),
        }),
    }
}

/// The summit table: events in which all `actors` take part, by date, rejected ones left out.
pub fn chronology(store: &dyn Store, filter: &EventFilter) -> Result<Vec<EventView>, ExtractError> {
    let mut names = Names::new(store);
    store
        .events(filter)?
        .iter()
        .filter(|e| e.status != Status::Rejected)
        .map(|e| event_view(store, &mut names, e))
        .collect()
}

/// One row of the exchange counts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ExchangeRow {
    pub period: String,
    pub exchanges: usize,
    /// Exchanges in which the named leader took part.
    pub with_leader: Option<usize>,
    /// Change on the period before (absent for the first period).
    pub change: Option<i64>,
    pub change_pct: Option<f64>,
    pub event_ids: Vec<String>,
}

/// High-level exchanges between the states `a` and `b` (ISO codes): meetings, visits, calls,
/// messages and delegations whose participants include people (or the states themselves) of
/// both sides, not rejected, counted per year (or month).
pub fn exchanges(
    store: &dyn Store,
    a: &str,
    b: &str,
    leader: Option<&str>,
    by_month: bool,
    filter: &EventFilter,
) -> Result<Vec<ExchangeRow>, ExtractError> {
    let names = Names::new(store);
    let mut per: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    let events = store.events(&EventFilter {
        types: EventType::ALL
            .into_iter()
            .filter(|t| t.is_exchange())
            .collect(),
        ..filter.clone()
    })?;
    for e in &events {
        if e.status == Status::Rejected {
            continue;
        }
        let Some(date) = e.date else { continue };
        let sides: BTreeSet<String> = e
            .participants
            .iter()
            .filter_map(|p| names.country(&p.actor_id))
            .collect();
        if !(sides.contains(a) && sides.contains(b)) {
            continue;
        }
        let first = date.first_day();
        let key = if by_month {
            first.format("%Y-%m").to_string()
        } else {
            first.format("%Y").to_string()
        };
        per.entry(key).or_default().push(e);
    }
    // Fill empty periods between the first and last so changes are year on year.
    let keys: Vec<String> = per.keys().cloned().collect();
    if let (Some(first), Some(last)) = (keys.first(), keys.last())
        && !by_month
        && let (Ok(f), Ok(l)) = (first.parse::<i32>(), last.parse::<i32>())
    {
        for y in f..=l {
            per.entry(y.to_string()).or_default();
        }
    }
    let mut rows = Vec::new();
    let mut prev: Option<usize> = None;
    for (period, evs) in per {
        let n = evs.len();
        rows.push(ExchangeRow {
            with_leader: leader.map(|l| evs.iter().filter(|e| e.has_participant(l)).count()),
            change: prev.map(|p| n as i64 - p as i64),
            change_pct: prev
                .filter(|p| *p > 0)
                .map(|p| ((n as f64 - p as f64) / p as f64 * 1000.0).round() / 10.0),
            event_ids: evs.iter().map(|e| e.id.clone()).collect(),
            exchanges: n,
            period,
        });
        prev = Some(n);
    }
    Ok(rows)
}
