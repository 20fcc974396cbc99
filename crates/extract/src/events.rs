//! Event and statement extraction, sentence by sentence.
//!
//! For each sentence: the triggers found (lexicon), the actors mentioned (gazetteer matcher),
//! the date expressions (text crate) decide whether an event is reported and of which type;
//! participants get roles from the place's country (host/guest), the message direction or the
//! delegation head. A sentence without its own date takes the last date the document gave.
//! Drafts of the same happening within one document are merged before storing; across
//! documents the store merges with [`same_event`].

use std::collections::BTreeSet;

use entente_core::{
    ActorKind, Citation, DateValue, Edtf, Event, EventDraft, EventType, Lang, Participant, Role,
    SourceId, StatementDraft,
};

use crate::ExtractError;
use crate::gazetteer::{Gazetteer, Matcher};
use crate::gazetteer::{MatchKind, Mention, fold_for_match};
use crate::lexicon::{Cue, Lexicon};
use crate::sentences::sentences;

/// What extraction needs of a source.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub source_id: SourceId,
    /// The normalised text (citations point into it).
    pub text: &'a str,
    pub lang: &'a Lang,
    pub published: Option<DateValue>,
}

/// Everything extracted from one source.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub events: Vec<EventDraft>,
    pub statements: Vec<StatementDraft>,
    pub mentions: Vec<Mention>,
}

pub struct Extractor {
    matcher: Matcher,
    lexicon: Lexicon,
    version: String,
}

/// Longest quote kept in a citation; longer sentences are cited in full span but the quote
/// is the sentence itself (spans and quotes always agree).
impl Extractor {
    /// The bundled gazetteer and lexicons.
    pub fn bundled() -> Result<Extractor, ExtractError> {
        Ok(Self::new(Gazetteer::bundled()?, Lexicon::bundled()?))
    }

    pub fn new(gazetteer: Gazetteer, lexicon: Lexicon) -> Extractor {
        let mut h = blake3::Hasher::new();
        h.update(lexicon.version.as_bytes());
        for a in gazetteer.actors() {
            h.update(a.id.as_bytes());
            for (l, n) in a.all_names() {
                h.update(l.as_bytes());
                h.update(n.as_bytes());
            }
            h.update(format!("{:?}{:?}{:?}", a.aliases, a.country, a.positions).as_bytes());
        }
        let version = h.finalize().to_hex()[..16].to_string();
        Extractor {
            matcher: gazetteer.matcher(),
            lexicon,
            version,
        }
    }

    /// Identifies the gazetteer and lexicons: extraction re-runs when it changes.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        self.matcher.gazetteer()
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    fn kind_of(&self, id: &str) -> Option<ActorKind> {
        self.gazetteer().actor(id).map(|a| a.kind)
    }

    fn country_of(&self, id: &str) -> Option<String> {
        let a = self.gazetteer().actor(id)?;
        if a.kind == ActorKind::State {
            Some(a.id.clone())
        } else {
            a.country.clone()
        }
    }

    pub fn extract(&self, input: &Input<'_>) -> Extraction {
        let text = input.text;
        let folded = fold_for_match(text);
        let mut mentions = self.matcher.find(text, input.published);
        if std::env::var("NOCOREF").is_err() {
            mentions.extend(crate::coref::short_mentions(
                self.gazetteer(),
                text,
                &mentions,
                &self.lexicon.family_name_first,
            ));
        }
        mentions.sort_by_key(|m| (m.start, m.end));
        let hits = self.lexicon.find(&folded);
        let dates = entente_text::dates::find_dates(text, input.lang, input.published);
        let mut drafts: Vec<EventDraft> = Vec::new();
        let mut statements = Vec::new();
        // Before the text gives a date (a headline, a lead without one) the first date the
        // document gives stands in: datelines and leads follow the headline.
        // Only a date near publication qualifies: "since 2007" in a lead is background.
        let mut context_date: Option<Edtf> = dates.first().map(|d| d.value).filter(|d| {
            input.published.is_some_and(|p| {
                let gap = (d.first_day() - p.start()).num_days();
                (-31..=1).contains(&gap)
            })
        });
        let mut context_place: Option<String> = None;
        // The first place the document names stands in for events whose paragraph names none.
        let doc_place = mentions
            .iter()
            .find(|m| self.kind_of(&m.actor_id) == Some(ActorKind::Place))
            .map(|m| m.actor_id.clone());
        let mut context_framework: Option<String> = None;
        let mut last_paragraph_end = 0;
        let mut pending: Option<(EventType, f32, usize)> = None;
        for range in sentences(text) {
            // A new paragraph forgets the place (dates carry across the document).
            if text[last_paragraph_end..range.start].contains("\n\n") {
                context_place = None;
            }
            last_paragraph_end = range.end;
            let in_s = |s: usize, e: usize| s >= range.start && e <= range.end;
            let s_mentions: Vec<&Mention> =
                mentions.iter().filter(|m| in_s(m.start, m.end)).collect();
            let s_hits: Vec<_> = hits.iter().filter(|h| in_s(h.start, h.end)).collect();
            let s_dates: Vec<_> = dates.iter().filter(|d| in_s(d.start, d.end)).collect();
            let triggers: Vec<(EventType, f32, usize)> = {
                let mut seen = BTreeSet::new();
                s_hits
                    .iter()
                    .filter_map(|h| match h.cue {
                        Cue::Trigger { kind, weight } => Some((kind, weight, h.start, h.end)),
                        _ => None,
                    })
                    .scan(
                        None::<(EventType, usize)>,
                        |last_unreal, (kind, weight, start, end)| {
                            // "посетит Москву с государственным визитом": a trigger that follows an
                            // unreal one of its type closely is part of the same unreal phrase.
                            let follows = last_unreal.is_some_and(|(k, e)| {
                                k == kind
                                    && e <= start
                                    && text[e..start].chars().count() <= UNREAL_RUN
                            });
                            let is_unreal = follows || unreal(text, &s_hits, kind, start, end);
                            if is_unreal {
                                *last_unreal = Some((kind, end));
                            }
                            Some((kind, weight, start, is_unreal))
                        },
                    )
                    .filter(|t| !t.3)
                    .map(|(kind, weight, start, _)| (kind, weight, start))
                    .filter(|(k, _, _)| seen.insert(*k))
                    .collect::<Vec<_>>()
            };
            // Talks held by video or telephone are the call, not a meeting besides it.
            let triggers: Vec<(EventType, f32, usize)> =
                if triggers.iter().any(|t| t.0 == EventType::Call) {
                    triggers
                        .into_iter()
                        .filter(|t| t.0 != EventType::Meeting)
                        .collect()
                } else {
                    triggers
                };
            if let Some(f) = s_hits.iter().find_map(|h| match &h.cue {
                Cue::Framework(f) => Some(f.clone()),
                _ => None,
            }) {
                context_framework = Some(f);
            }
            let sentence_date = s_dates
                .first()
                .map(|d| d.value)
                .or(context_date)
                .or(input.published.map(Edtf::date));
            let people: Vec<&str> = dedup(
                s_mentions
                    .iter()
                    .filter(|m| {
                        m.via != MatchKind::Alias
                            && self.kind_of(&m.actor_id) == Some(ActorKind::Person)
                            && self.active_on(&m.actor_id, sentence_date.as_ref())
                    })
                    .map(|m| m.actor_id.as_str()),
            );
            let states: Vec<&str> = dedup(
                s_mentions
                    .iter()
                    .filter(|m| self.kind_of(&m.actor_id) == Some(ActorKind::State))
                    .map(|m| m.actor_id.as_str()),
            );
            let trigger_pos = triggers.first().map(|t| t.2).unwrap_or(range.start);
            // The place named nearest to the trigger (ja/ko/zh put it before, en/ru after);
            // of places named together ("on Russky Island in Vladivostok", "판문점 남측
            // 평화의집"), the most specific: the first in en/ru, the last in ja/ko/zh.
            let s_places: Vec<&&Mention> = s_mentions
                .iter()
                .filter(|m| self.kind_of(&m.actor_id) == Some(ActorKind::Place))
                .collect();
            let place = s_places
                .iter()
                .position(|m| {
                    let d = |m: &Mention| (m.start as isize - trigger_pos as isize).unsigned_abs();
                    s_places.iter().all(|o| d(m) <= d(o))
                })
                .map(|i| {
                    let joined = |a: &Mention, b: &Mention| {
                        b.start >= a.end
                            && text[a.end..b.start].chars().count() <= PLACE_CHAIN_GAP
                            && !text[a.end..b.start].contains([',', '，', '、', ';', '。'])
                    };
                    let (mut first, mut last) = (i, i);
                    while first > 0 && joined(s_places[first - 1], s_places[first]) {
                        first -= 1;
                    }
                    while last + 1 < s_places.len() && joined(s_places[last], s_places[last + 1]) {
                        last += 1;
                    }
                    let head_last = input.lang.is_cjk() || *input.lang == Lang::Ko;
                    s_places[if head_last { last } else { first }]
                        .actor_id
                        .clone()
                });
            if place.is_some() {
                context_place = place.clone();
            }
            let refers_back = s_hits.iter().any(|h| h.cue == Cue::Anaphora);
            // Dates that are reference points ("since 2007") do not date what is reported.
            let (s_dates, ref_dates): (Vec<_>, Vec<_>) = s_dates
                .into_iter()
                .partition(|d| !self.lexicon.is_reference_date(text, d.start, d.end));
            // A trigger right beside a reference date reports the earlier event itself, dated
            // then: 「会談は2019年4月以来」, "Putin's first visit since 2000", "이후 2년 만".
            let background_date = |pos: usize| {
                let gap = |d: &entente_text::dates::DateMention| {
                    if d.start >= pos {
                        text[pos..d.start].chars().count()
                    } else if d.end <= pos {
                        text[d.end..pos].chars().count()
                    } else {
                        0
                    }
                };
                // The reference date follows its trigger, in the same clause.
                let r = ref_dates
                    .iter()
                    .filter(|d| d.start >= pos && !text[pos..d.start].contains([',', '，', '、']))
                    .min_by_key(|d| gap(d))?;
                let g = gap(r);
                (g <= BACKGROUND_GAP && !s_dates.iter().any(|d| gap(d) < g)).then_some(r.value)
            };
            let nearest_date = |pos: usize| {
                s_dates
                    .iter()
                    .min_by_key(|d| (d.start as isize - pos as isize).unsigned_abs())
                    .map(|d| d.value)
            };
            let own_date = nearest_date(trigger_pos);
            if own_date.is_some() {
                context_date = own_date;
            }
            let first_event_here = drafts.len();
            // A trigger the previous sentence of this paragraph could not fill ("Talks were
            // held in Beijing yesterday. Putin told Xi…") takes this sentence's people; the
            // citation spans both sentences.
            let mut triggers = triggers;
            let mut cite_from = range.start;
            if let Some((kind, weight, start)) = pending.take()
                && !text[start..range.start].contains("\n\n")
                && !triggers.iter().any(|t| t.0 == kind)
                && !people.is_empty()
            {
                triggers.push((kind, weight, range.start));
                cite_from = start;
            }
            // "Kim's talks with Xi … and Choe Son Hui's trip": a person whose possessive
            // stands right before a trigger is that event's, not the sentence's other events'.
            let owned_kind = |id: &str| -> Option<EventType> {
                s_mentions
                    .iter()
                    .filter(|m| m.actor_id == id)
                    .find_map(|m| {
                        let rest = &text[m.end..range.end];
                        let rest = rest
                            .strip_prefix("'s ")
                            .or_else(|| rest.strip_prefix("’s "))?;
                        let at = range.end - rest.len();
                        s_hits.iter().find_map(|h| match h.cue {
                            Cue::Trigger { kind, .. }
                                if h.start >= at && text[at..h.start].chars().count() <= 20 =>
                            {
                                Some(kind)
                            }
                            _ => None,
                        })
                    })
            };
            for (kind, weight, pos) in &triggers {
                // "The two leaders signed…": the people of the event just reported.
                let mut people: Vec<&str> = people
                    .iter()
                    .copied()
                    .filter(|p| owned_kind(p).is_none_or(|k| k == *kind))
                    .collect();
                // "The two leaders": the last event with two people or more.
                let prev = drafts.iter().rev().find(|d| {
                    d.participants
                        .iter()
                        .filter(|p| self.kind_of(&p.actor_id) == Some(ActorKind::Person))
                        .count()
                        >= 2
                });
                if refers_back && let Some(prev) = prev.or(drafts.last()) {
                    for p in &prev.participants {
                        if self.kind_of(&p.actor_id) == Some(ActorKind::Person)
                            && !people.contains(&p.actor_id.as_str())
                        {
                            people.push(p.actor_id.as_str());
                        }
                    }
                }
                // Calls and messages happen at a distance: no place.
                let event_place = if matches!(kind, EventType::Call | EventType::Message) {
                    None
                } else {
                    context_place.clone().or_else(|| doc_place.clone())
                };
                let attends_something = s_hits
                    .iter()
                    .any(|h| matches!(h.cue, Cue::Ceremony | Cue::Framework(_)));
                if *kind == EventType::Attendance && !attends_something {
                    continue;
                }
                if matches!(kind, EventType::Transfer | EventType::Deployment)
                    && !text[range.clone()]
                        .chars()
                        .any(|c| c.is_ascii_digit() || matches!(c, '万' | '千' | '百' | '億'))
                {
                    continue;
                }
                let Some(participants) =
                    self.participants(*kind, &people, &states, event_place.as_deref())
                else {
                    // Only a trigger dated by its own sentence ("Talks were held in Beijing
                    // yesterday.") waits for the next sentence's people: "His China visit
                    // marked a historic event." is a reference back, not a new event.
                    if people.is_empty() && pending.is_none() && own_date.is_some() {
                        pending = Some((*kind, *weight, range.start));
                    }
                    continue;
                };
                let date = background_date(*pos)
                    .or_else(|| nearest_date(*pos))
                    .or(context_date);
                let persons = participants.len().min(4) as f32;
                let confidence =
                    (weight * (0.6 + 0.1 * persons) * if date.is_some() { 1.0 } else { 0.8 })
                        .min(0.99);
                drafts.push(EventDraft {
                    kind: *kind,
                    date,
                    place: event_place,
                    framework: context_framework.clone(),
                    participants,
                    quantities: Vec::new(),
                    confidence,
                    citations: vec![cite(input.source_id, text, cite_from..range.end)],
                });
            }
            // One statement per sentence, introduced by its first verb of speech.
            if let Some(h) = s_hits.iter().find(|h| h.cue == Cue::Speech) {
                let speaker = s_mentions
                    .iter()
                    .filter(|m| {
                        m.end <= h.start && self.kind_of(&m.actor_id) == Some(ActorKind::Person)
                    })
                    .map(|m| m.actor_id.clone())
                    .next_back()
                    .or_else(|| people.first().map(|p| p.to_string()));
                let event = if drafts.len() > first_event_here {
                    Some(first_event_here)
                } else {
                    drafts.len().checked_sub(1)
                };
                statements.push(StatementDraft {
                    event,
                    speaker,
                    verb: text[h.start..h.end].to_string(),
                    citation: cite(input.source_id, text, range.clone()),
                });
            }
        }
        self.complete_visits(&mut drafts);
        let (events, remap) = merge_within(drafts);
        for s in &mut statements {
            s.event = s.event.map(|i| remap[i]);
        }
        Extraction {
            events,
            statements,
            mentions,
        }
    }

    /// Whether a person can take part in something on `date`: people whose recorded posts
    /// all ended more than two years before (Kim Il Sung in 2011) are remembered, not present.
    fn active_on(&self, id: &str, date: Option<&Edtf>) -> bool {
        let (Some(a), Some(date)) = (self.gazetteer().actor(id), date) else {
            return true;
        };
        if a.positions.is_empty() {
            return true;
        }
        let day = date.first_day();
        a.positions.iter().any(|p| match p.to {
            None => true,
            Some(to) => (day - to.end()).num_days() <= 730,
        })
    }

    /// A visit reported with the visitor only gets the host side from a meeting of the same
    /// document that the visitor attends in the visit's period (the host who received them).
    fn complete_visits(&self, drafts: &mut [EventDraft]) {
        let meetings: Vec<(Option<Edtf>, Vec<Participant>)> = drafts
            .iter()
            .filter(|d| matches!(d.kind, EventType::Meeting | EventType::Agreement))
            .map(|d| (d.date, d.participants.clone()))
            .collect();
        for v in drafts.iter_mut().filter(|d| d.kind == EventType::Visit) {
            let guests: Vec<String> = v
                .participants
                .iter()
                .filter(|p| p.role == Role::Guest)
                .map(|p| p.actor_id.clone())
                .collect();
            let guest_countries: BTreeSet<Option<String>> =
                guests.iter().map(|g| self.country_of(g)).collect();
            for (date, ps) in &meetings {
                let overlaps = match (&v.date, date) {
                    (Some(a), Some(b)) => a.compatible(b),
                    _ => true,
                };
                if !overlaps || !ps.iter().any(|p| guests.contains(&p.actor_id)) {
                    continue;
                }
                for p in ps {
                    let foreign = !guest_countries.contains(&self.country_of(&p.actor_id));
                    if foreign && !v.participants.iter().any(|q| q.actor_id == p.actor_id) {
                        v.participants.push(Participant {
                            actor_id: p.actor_id.clone(),
                            role: Role::Host,
                        });
                    }
                }
            }
        }
    }

    /// Participants and roles for an event of `kind`, or `None` when the sentence does not
    /// name enough actors for that kind of event.
    fn participants(
        &self,
        kind: EventType,
        people: &[&str],
        states: &[&str],
        place: Option<&str>,
    ) -> Option<Vec<Participant>> {
        let host_country = place.and_then(|p| self.country_of(p));
        let by_country = |role_default: Role| -> Vec<Participant> {
            people
                .iter()
                .map(|p| {
                    let role = match (&host_country, self.country_of(p)) {
                        (Some(h), Some(c)) if *h == c => Role::Host,
                        (Some(_), Some(_)) => Role::Guest,
                        _ => role_default,
                    };
                    Participant {
                        actor_id: p.to_string(),
                        role,
                    }
                })
                .collect()
        };
        let all = |role: Role| {
            people
                .iter()
                .map(|p| Participant {
                    actor_id: p.to_string(),
                    role,
                })
                .collect::<Vec<_>>()
        };
        let ps = match kind {
            EventType::Meeting | EventType::Call => {
                if people.len() < 2 {
                    return None;
                }
                if kind == EventType::Call {
                    all(Role::Participant)
                } else {
                    by_country(Role::Participant)
                }
            }
            EventType::Visit => {
                if people.is_empty() || (place.is_none() && states.is_empty()) {
                    return None;
                }
                let mut ps = by_country(Role::Guest);
                if host_country.is_none() {
                    for (i, p) in ps.iter_mut().enumerate() {
                        p.role = if i == 0 { Role::Guest } else { Role::Host };
                    }
                }
                ps
            }
            EventType::Message => {
                if people.len() < 2 {
                    return None;
                }
                people
                    .iter()
                    .enumerate()
                    .map(|(i, p)| Participant {
                        actor_id: p.to_string(),
                        role: if i == 0 {
                            Role::Sender
                        } else {
                            Role::Recipient
                        },
                    })
                    .collect()
            }
            EventType::Attendance => {
                if people.is_empty() {
                    return None;
                }
                all(Role::Participant)
            }
            EventType::Delegation => {
                if people.is_empty() {
                    return None;
                }
                people
                    .iter()
                    .enumerate()
                    .map(|(i, p)| Participant {
                        actor_id: p.to_string(),
                        role: if i == 0 { Role::Head } else { Role::Member },
                    })
                    .collect()
            }
            EventType::Agreement => {
                if people.is_empty() && states.len() < 2 {
                    return None;
                }
                let mut ps = all(Role::Participant);
                if ps.is_empty() {
                    ps = states
                        .iter()
                        .map(|s| Participant {
                            actor_id: s.to_string(),
                            role: Role::Participant,
                        })
                        .collect();
                }
                ps
            }
            EventType::Transfer | EventType::Deployment | EventType::Statement => {
                if states.is_empty() || people.is_empty() && states.len() < 2 {
                    return None;
                }
                states
                    .iter()
                    .map(|s| Participant {
                        actor_id: s.to_string(),
                        role: Role::Participant,
                    })
                    .collect()
            }
        };
        Some(ps)
    }
}

/// Whether a trigger at `start..end` is made unreal by a cue of its sentence: planned, hoped
/// for or invited to (`modality.toml`), or remembered (`commemoration.toml`; attending a
/// commemoration and sending greetings on an anniversary are events themselves).
fn unreal(
    text: &str,
    hits: &[&crate::lexicon::Hit],
    kind: EventType,
    start: usize,
    end: usize,
) -> bool {
    let chars = |a: usize, b: usize| text[a..b].chars().count();
    hits.iter().any(|h| {
        let (before, window, within_clause) = match h.cue {
            Cue::Irrealis {
                before,
                window,
                within_clause,
            } => (before, window, within_clause),
            Cue::Commemoration {
                before,
                window,
                within_clause,
            } if !matches!(kind, EventType::Attendance | EventType::Message) => {
                (before, window, within_clause)
            }
            _ => return false,
        };
        let gap = if before {
            if h.end > start {
                return false;
            }
            h.end..start
        } else {
            if h.start < end {
                return false;
            }
            end..h.start
        };
        chars(gap.start, gap.end) <= usize::from(window)
            && !(within_clause && text[gap].contains([',', '，', '、', ';', '；']))
    })
}

/// Most characters between an unreal trigger and a trigger of the same type that belongs to
/// the same phrase.
const UNREAL_RUN: usize = 40;

/// Most characters between a trigger and the reference date that dates it ("talks since
/// April 2019").
const BACKGROUND_GAP: usize = 20;

/// Most characters between two places named together ("at the Far Eastern Federal University
/// on Russky Island", "ルースキー島にある極東連邦大学").
const PLACE_CHAIN_GAP: usize = 12;

fn dedup<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = BTreeSet::new();
    ids.filter(|i| seen.insert(*i)).collect()
}

fn cite(source_id: SourceId, text: &str, range: std::ops::Range<usize>) -> Citation {
    Citation {
        source_id,
        quote: text[range.clone()].to_string(),
        start: range.start,
        end: range.end,
    }
}

fn persons(ps: &[Participant]) -> BTreeSet<&str> {
    ps.iter().map(|p| p.actor_id.as_str()).collect()
}

/// Whether a draft and a stored event of the same type with overlapping dates report one
/// happening: they share participants (two, or all of the smaller side when it has fewer),
/// and neither names a different place in another country.
pub fn same_event(d: &EventDraft, e: &Event) -> bool {
    let a = persons(&d.participants);
    let b = persons(&e.participants);
    let shared = a.intersection(&b).count();
    let need = a.len().min(b.len()).clamp(1, 2);
    let dates_ok = match (&d.date, &e.date) {
        (Some(x), Some(y)) => x.compatible(y),
        (None, None) => true,
        _ => false,
    };
    shared >= need && dates_ok
}

/// Merges drafts of one document that report the same happening; returns the merged list
/// and, for each input draft, its index in that list.
fn merge_within(drafts: Vec<EventDraft>) -> (Vec<EventDraft>, Vec<usize>) {
    let mut out: Vec<EventDraft> = Vec::new();
    let mut remap = Vec::with_capacity(drafts.len());
    for d in drafts {
        let target = out.iter().position(|o| {
            o.kind == d.kind && {
                let probe = Event {
                    id: String::new(),
                    kind: o.kind,
                    date: o.date,
                    place: o.place.clone(),
                    framework: o.framework.clone(),
                    participants: o.participants.clone(),
                    quantities: vec![],
                    status: entente_core::Status::Extracted,
                    confidence: o.confidence,
                    edited: false,
                    citations: vec![],
                };
                same_event(&d, &probe)
            }
        });
        match target {
            Some(i) => {
                let o = &mut out[i];
                for p in d.participants {
                    if !o.participants.iter().any(|q| q.actor_id == p.actor_id) {
                        o.participants.push(p);
                    }
                }
                o.place = o.place.take().or(d.place);
                o.framework = o.framework.take().or(d.framework);
                o.confidence = (o.confidence.max(d.confidence) + 0.05).min(0.99);
                o.citations.extend(d.citations);
                remap.push(i);
            }
            None => {
                remap.push(out.len());
                out.push(d);
            }
        }
    }
    (out, remap)
}
