//! Notable absences: concepts used in earlier comparable events between the same actors,
//! found in the knowledge base, that no compared source uses now ("denuclearization" in the
//! 2018–2019 Xi–Kim readouts, absent in 2025).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entente_core::{ActorKind, Event, EventType, Role, SourceId, Status};
use entente_store::{EventFilter, Store};

use crate::CompareError;
use crate::align::{Absence, Document, LastSeen, concepts_in};
use crate::lexicon::Lexicon;

/// Meetings, visits and calls are comparable with each other; messages with messages.
fn comparable(a: EventType, b: EventType) -> bool {
    let class = |t: EventType| match t {
        EventType::Meeting | EventType::Visit | EventType::Call | EventType::Delegation => 0,
        EventType::Message => 1,
        EventType::Attendance => 2,
        _ => 3,
    };
    class(a) == class(b) && class(a) < 3
}

/// The event the compared sources report: the one given, or the exchange event most of them
/// cite (ties: the earlier, then the smaller id).
pub fn principal_event(
    store: &dyn Store,
    docs: &[Document],
    given: Option<&str>,
) -> Result<Option<Event>, CompareError> {
    if let Some(id) = given {
        return store.event(id)?.map(Some).ok_or_else(|| {
            CompareError::Input(format!("no event `{id}` (see `entente events list`)"))
        });
    }
    let mut cited: BTreeMap<String, (usize, Event)> = BTreeMap::new();
    for d in docs {
        let events = store.events(&EventFilter {
            source: Some(d.id),
            ..Default::default()
        })?;
        for e in events {
            if e.status == Status::Rejected || !e.kind.is_exchange() {
                continue;
            }
            cited.entry(e.id.clone()).or_insert((0, e)).0 += 1;
        }
    }
    Ok(cited
        .into_values()
        .max_by(|(na, a), (nb, b)| {
            na.cmp(nb)
                .then_with(|| b.date.cmp(&a.date))
                .then_with(|| b.id.cmp(&a.id))
        })
        .map(|(_, e)| e))
}

/// The people an event is between: hosts, guests and heads of delegation who are persons;
/// failing that every person; failing that every participant.
pub fn principals(store: &dyn Store, e: &Event) -> Result<Vec<String>, CompareError> {
    let mut persons = Vec::new();
    for p in &e.participants {
        if store
            .actor(&p.actor_id)?
            .is_some_and(|a| a.kind == ActorKind::Person)
        {
            persons.push(p);
        }
    }
    let leading: Vec<String> = persons
        .iter()
        .filter(|p| {
            matches!(
                p.role,
                Role::Host | Role::Guest | Role::Head | Role::Sender | Role::Recipient
            )
        })
        .map(|p| p.actor_id.clone())
        .collect();
    let mut out = if leading.len() >= 2 {
        leading
    } else if persons.len() >= 2 {
        persons.iter().map(|p| p.actor_id.clone()).collect()
    } else {
        e.participants.iter().map(|p| p.actor_id.clone()).collect()
    };
    out.sort();
    out.dedup();
    Ok(out)
}

/// Concepts that earlier comparable events between the principal event's actors used and
/// that none of `docs` uses, the most used first.
pub fn absences(
    store: &dyn Store,
    lexicon: &Lexicon,
    docs: &[Document],
    event: &Event,
) -> Result<Vec<Absence>, CompareError> {
    let Some(date) = event.date else {
        return Ok(Vec::new());
    };
    let actors = principals(store, event)?;
    if actors.len() < 2 {
        return Ok(Vec::new());
    }
    let earlier = store.events(&EventFilter {
        actors: actors.clone(),
        to: date.first_day().pred_opt(),
        ..Default::default()
    })?;
    let now: BTreeSet<String> = docs
        .iter()
        .flat_map(|d| concepts_in(&d.text, lexicon))
        .collect();
    let mut texts: HashMap<SourceId, BTreeSet<String>> = HashMap::new();
    // concept -> (date, event id, source id, events)
    let mut seen: BTreeMap<String, (Option<entente_core::Edtf>, String, SourceId, usize)> =
        BTreeMap::new();
    for e in earlier.iter().filter(|e| {
        e.id != event.id && e.status != Status::Rejected && comparable(e.kind, event.kind)
    }) {
        let mut in_event: BTreeMap<String, SourceId> = BTreeMap::new();
        let mut sources: Vec<SourceId> = e.citations.iter().map(|c| c.source_id).collect();
        sources.sort();
        sources.dedup();
        for s in sources {
            if let std::collections::hash_map::Entry::Vacant(slot) = texts.entry(s) {
                slot.insert(match store.source_text(&s)? {
                    Some(t) => concepts_in(&t, lexicon),
                    None => BTreeSet::new(),
                });
            }
            for c in &texts[&s] {
                in_event.entry(c.clone()).or_insert(s);
            }
        }
        for (c, s) in in_event {
            if now.contains(&c) {
                continue;
            }
            let entry = seen.entry(c).or_insert((e.date, e.id.clone(), s, 0));
            entry.3 += 1;
            if e.date > entry.0 {
                entry.0 = e.date;
                entry.1 = e.id.clone();
                entry.2 = s;
            }
        }
    }
    // One earlier mention is not a pattern: with two or more earlier events, a concept must
    // have been used in at least two of them to be a notable absence.
    let earlier_events = earlier
        .iter()
        .filter(|e| {
            e.id != event.id && e.status != Status::Rejected && comparable(e.kind, event.kind)
        })
        .count();
    let min_events = if earlier_events >= 2 { 2 } else { 1 };
    let mut out: Vec<Absence> = seen
        .into_iter()
        .filter(|(_, (_, _, _, n))| *n >= min_events)
        .map(|(concept, (date, event_id, source, events))| Absence {
            concept,
            last_seen: LastSeen {
                event_id,
                date: date.map(|d| d.to_string()),
                source_id: source.to_hex(),
            },
            events,
        })
        .collect();
    // Substantive concepts before courtesy ones; then the most used first: a word in every
    // earlier summit and gone now is the finding.
    let protocol = |c: &str| lexicon.concept(c).is_some_and(|c| c.protocol);
    out.sort_by(|a, b| {
        protocol(&a.concept)
            .cmp(&protocol(&b.concept))
            .then(b.events.cmp(&a.events))
            .then(b.last_seen.date.cmp(&a.last_seen.date))
            .then(a.concept.cmp(&b.concept))
    });
    Ok(out)
}
