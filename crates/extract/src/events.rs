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
    ActorKind, Citation, DateValue, Edtf, Event, EventDraft, EventType, Lang, Participant,
    Quantity, Role, SourceId, StatementDraft,
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

    /// Places, and states that are their own capital (Singapore).
    fn is_place(&self, id: &str) -> bool {
        self.kind_of(id) == Some(ActorKind::Place) || self.gazetteer().is_city_state(id)
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
        let durations = entente_text::dates::find_durations(text);
        let offsets = entente_text::dates::find_offsets(text);
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
        // Drafts that only look back at an event (see `retrospective.toml`).
        let mut retro: BTreeSet<usize> = BTreeSet::new();
        // Drafts dated by the context, not by their own sentence.
        let mut weak: BTreeSet<usize> = BTreeSet::new();
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
            // "新華社通信は8日", "Xinhua said on the 8th", "조선중앙통신은 8일": the day an
            // outlet reported, not the day of what it reports.
            let s_dates: Vec<_> = dates
                .iter()
                .filter(|d| in_s(d.start, d.end))
                // A date inside a quoted name ("'9월 평양공동선언'", «Договор 1961 года») is
                // part of the name.
                .filter(|d| !in_quotes(&text[range.start..d.start]))
                .filter(|d| {
                    !s_mentions_all(&mentions, range.clone()).any(|m| {
                        self.kind_of(&m.actor_id) == Some(ActorKind::Outlet)
                            && m.end <= d.start
                            && text[m.end..d.start].chars().count() <= REPORT_GAP
                            && !text[m.end..d.start].contains([',', '，', '、', '。', '.'])
                    })
                })
                .collect();
            let triggers: Vec<(EventType, f32, usize)> = {
                let mut seen = BTreeSet::new();
                let all = s_hits
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
                    .collect::<Vec<_>>();
                // Of the triggers of one type, the first that reports rather than looks back
                // ("The visit came three months after Biden went to Hanoi").
                let looks_back: Vec<bool> = all
                    .iter()
                    .map(|t| retrospective(text, &s_hits, &s_dates, t.2))
                    .collect();
                let chosen: Vec<usize> = (0..all.len())
                    .filter(|&i| {
                        let k = all[i].0;
                        let first_of = |back: bool| {
                            (0..all.len()).find(|&j| all[j].0 == k && looks_back[j] == back)
                        };
                        first_of(false).or(first_of(true)) == Some(i)
                    })
                    .collect();
                chosen
                    .into_iter()
                    .map(|i| all[i])
                    .filter(|(k, _, _)| seen.insert(*k))
                    .collect::<Vec<_>>()
            };
            // Greetings exchanged in person ("exchanged farewell greetings", "greetings with
            // him") are a meeting, not a message.
            let triggers: Vec<(EventType, f32, usize)> = {
                let mut seen = BTreeSet::new();
                triggers
                    .into_iter()
                    .map(|(kind, weight, start)| {
                        if kind == EventType::Message && in_person(text, &s_hits, start) {
                            (EventType::Meeting, weight, start)
                        } else {
                            (kind, weight, start)
                        }
                    })
                    .filter(|t| seen.insert(t.0))
                    .collect()
            };
            // "出席峰會期間,與普京舉行會晤": the summit attended is the talks' setting.
            let triggers: Vec<(EventType, f32, usize)> =
                if triggers.iter().any(|t| t.0 == EventType::Meeting) {
                    triggers
                        .into_iter()
                        .filter(|t| {
                            t.0 != EventType::Attendance
                                || !s_hits.iter().any(|h| {
                                    h.cue == Cue::Setting
                                        && h.start > t.2
                                        && text[t.2..h.start].chars().count() <= SETTING_GAP
                                        && !text[t.2..h.start].contains([',', '，', '、', '。'])
                                })
                        })
                        .collect()
                } else {
                    triggers
                };
            // A delegation reported as such is the visit: "Делегация … прибыла в Пхеньян",
            // "率中国党政代表团…进行正式友好访问" report the delegation, not a visit besides.
            let triggers = without_when(triggers, EventType::Delegation, EventType::Visit);
            // Talks held by video or telephone are the call, not a meeting besides it.
            let triggers = without_when(triggers, EventType::Call, EventType::Meeting);
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
                .filter(|m| self.is_place(&m.actor_id))
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
            // A city-state places its own sentence only: "a week after meeting Trump in
            // Singapore" does not move the next sentences there.
            let carried_place = context_place.clone();
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
            // Looks back at an event ("the results of the visit", "his successful visit was
            // hailed"): no event of their own unless the sentence dates them.
            let retro_kinds: BTreeSet<EventType> = triggers
                .iter()
                .filter(|(_, _, pos)| retrospective(text, &s_hits, &s_dates, *pos))
                .map(|t| t.0)
                .collect();
            let first_event_here = drafts.len();
            let accompanies = own_date.is_none()
                && s_hits.iter().any(|h| h.cue == Cue::Accompany)
                && drafts.iter().any(|d| d.kind == EventType::Visit);
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
            if accompanies {
                triggers.retain(|t| t.0 != EventType::Visit);
            }
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
                // What was sent: people for a deployment, anything else for a transfer.
                let quantities: Vec<Quantity> =
                    if matches!(kind, EventType::Transfer | EventType::Deployment) {
                        entente_text::quantity::find_quantities_in_sentence(
                            &text[range.clone()],
                            input.lang,
                        )
                        .into_iter()
                        .filter(|q| (q.unit == "personnel") == (*kind == EventType::Deployment))
                        .map(|q| Quantity {
                            low: q.low,
                            high: q.high,
                            unit: q.unit,
                            approximate: q.approximate,
                            citation: cite(input.source_id, text, cite_from..range.end),
                        })
                        .collect()
                    } else {
                        Vec::new()
                    };
                let Some(participants) =
                    self.participants(*kind, &people, &states, event_place.as_deref())
                else {
                    // Only a trigger dated by its own sentence ("Talks were held in Beijing
                    // yesterday.") waits for the next sentence's people: "His China visit
                    // marked a historic event." is a reference back, not a new event.
                    if people.is_empty()
                        && pending.is_none()
                        && own_date.is_some()
                        && !retro_kinds.contains(kind)
                    {
                        pending = Some((*kind, *weight, range.start));
                    }
                    continue;
                };
                // Events between states only: a visit, an attendance or a meeting whose people
                // all belong to one state, with no other state, no framework, no delegation
                // and no place abroad in the sentence, is that state's home affairs (a leader
                // at a ceremony, at a tower, meeting his own premier).
                // A delegation received (unnamed: "talks with a delegation of African leaders")
                // comes from abroad; see `international.toml` for the other cues.
                let international_cue = s_hits.iter().any(|h| {
                    matches!(
                        h.cue,
                        Cue::Framework(_)
                            | Cue::International
                            | Cue::Trigger {
                                kind: EventType::Delegation,
                                ..
                            }
                    )
                });
                if DOMESTIC_KINDS.contains(kind)
                    && !international_cue
                    && self.domestic(&participants, &s_mentions, event_place.as_deref())
                {
                    continue;
                }
                let participants = match kind {
                    EventType::Message => {
                        self.message_roles(text, &s_mentions, &s_hits, participants)
                    }
                    EventType::Delegation => delegation_head(text, &s_mentions, &s_hits)
                        .filter(|h| participants.iter().any(|p| p.actor_id == *h))
                        .map_or(participants, |h| {
                            vec![Participant {
                                actor_id: h,
                                role: Role::Head,
                            }]
                        }),
                    _ => participants,
                };
                if retro_kinds.contains(kind) {
                    retro.insert(drafts.len());
                }
                // "a two-day visit … on Tuesday", "18일부터 2박 3일 일정으로 … 방문": the
                // span from the day the sentence gives.
                let own = background_date(*pos).or_else(|| {
                    let day = nearest_date(*pos)?;
                    let span = durations
                        .iter()
                        .filter(|d| d.start >= range.start && d.end <= range.end)
                        .filter(|d| {
                            let gap = if d.end <= *pos {
                                text[d.end..*pos].chars().count()
                            } else if d.start >= *pos {
                                text[*pos..d.start].chars().count()
                            } else {
                                0
                            };
                            gap <= DURATION_GAP
                        })
                        .find_map(|d| d.span_from(&day));
                    Some(span.unwrap_or(day))
                });
                if own.is_none() {
                    weak.insert(drafts.len());
                }
                // "Xi is in Russia on 5–7 June. … Following the talks the leaders signed…": an
                // undated signing or talks in a trip's span fall on the last day reported in it.
                let date = own.or_else(|| {
                    let c = context_date?;
                    drafts
                        .iter()
                        .rev()
                        .filter_map(|d| d.date)
                        .find(|d| narrows(*kind, Some(&c), Some(d)))
                        .or(Some(c))
                });
                // "a day after signing …", "three months after Biden went to Hanoi": the event
                // right after the offset lies that far before the sentence's date.
                // "距他在新加坡同…特朗普会晤仅一周": the event inside the offset's span.
                let offset = offsets.iter().find(|o| {
                    o.start >= range.start
                        && ((o.end <= *pos
                            && text[o.end..*pos].chars().count() <= OFFSET_GAP
                            && !text[o.end..*pos].contains([',', ';']))
                            || (o.start < *pos && *pos < o.end && o.end <= range.end))
                });
                let date = match (offset, date) {
                    (Some(o), Some(d)) => o.before(&d).or(Some(d)),
                    (_, d) => d,
                };
                let persons = participants.len().min(4) as f32;
                let confidence =
                    (weight * (0.6 + 0.1 * persons) * if date.is_some() { 1.0 } else { 0.8 })
                        .min(0.99);
                // A table row that opens with several dates ("2018.6.19-20 2019.1.7-10 Beijing
                // Kim Jong Un visits to China"): one event per date.
                let row_dates = leading_dates(text, range.clone(), &s_dates);
                let dates: Vec<Option<Edtf>> =
                    if row_dates.len() >= 2 && date.is_some_and(|d| row_dates.contains(&d)) {
                        row_dates.into_iter().map(Some).collect()
                    } else {
                        vec![date]
                    };
                for date in dates {
                    drafts.push(EventDraft {
                        kind: *kind,
                        date,
                        place: event_place.clone(),
                        framework: context_framework.clone(),
                        participants: participants.clone(),
                        quantities: quantities.clone(),
                        confidence,
                        citations: vec![cite(input.source_id, text, cite_from..range.end)],
                    });
                }
            }
            if place
                .as_deref()
                .is_some_and(|p| self.gazetteer().is_city_state(p))
            {
                context_place = carried_place;
            }
            // "夫人李雪主陪同访问", "Гостя сопровождал … Мантуров": people of an undated
            // sentence of accompanying join the last visit, on their country's side.
            if accompanies
                && let Some(v) = drafts[..first_event_here]
                    .iter_mut()
                    .rev()
                    .find(|d| d.kind == EventType::Visit)
            {
                let host = v.place.as_deref().and_then(|p| self.country_of(p));
                for p in &people {
                    if !v.participants.iter().any(|q| q.actor_id == *p) {
                        let home = host.is_some() && self.country_of(p) == host;
                        v.participants.push(Participant {
                            actor_id: p.to_string(),
                            role: if home { Role::Host } else { Role::Guest },
                        });
                    }
                }
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
        let (drafts, kept) = fold_retrospective(drafts, &retro);
        for s in &mut statements {
            s.event = s.event.and_then(|i| kept[i]);
        }
        let mut drafts = drafts;
        let weak: BTreeSet<usize> = weak
            .iter()
            .filter(|i| !retro.contains(i))
            .filter_map(|&i| kept_index(&retro, i))
            .collect();
        self.complete_visits(&mut drafts, &weak);
        let (events, remap) = merge_within(drafts, &weak);
        for s in &mut statements {
            s.event = s.event.map(|i| remap[i]);
        }
        Extraction {
            events,
            statements,
            mentions,
        }
    }

    /// Whether `participants` (people) all belong to one state, and everything else the
    /// sentence names (`mentions`: states, organisations, forums, places) and the event's
    /// `place` are that state's too. An organisation of no state (ASEAN, the UN) or of another
    /// (the Lao People's Revolutionary Party) makes the event international. Outlets only
    /// report.
    fn domestic(
        &self,
        participants: &[Participant],
        mentions: &[&Mention],
        place: Option<&str>,
    ) -> bool {
        let mut country: Option<String> = None;
        for p in participants {
            if self.kind_of(&p.actor_id) != Some(ActorKind::Person) {
                return false;
            }
            let Some(c) = self.country_of(&p.actor_id) else {
                return false;
            };
            match &country {
                Some(k) if *k != c => return false,
                Some(_) => {}
                None => country = Some(c),
            }
        }
        let Some(country) = country else {
            return false;
        };
        mentions.iter().all(|m| match self.kind_of(&m.actor_id) {
            Some(ActorKind::Person | ActorKind::Outlet) | None => true,
            Some(ActorKind::State) => m.actor_id == country,
            Some(ActorKind::Place) => self.country_of(&m.actor_id).is_none_or(|c| c == country),
            Some(_) => self.country_of(&m.actor_id).is_some_and(|c| c == country),
        }) && place
            .and_then(|p| self.country_of(p))
            .is_none_or(|c| c == country)
    }

    /// Whether a person can take part in something on `date`: the dead (after the day of
    /// death) and people whose recorded posts all ended more than two years before are
    /// remembered, not present.
    fn active_on(&self, id: &str, date: Option<&Edtf>) -> bool {
        let (Some(a), Some(date)) = (self.gazetteer().actor(id), date) else {
            return true;
        };
        if a.died.is_some_and(|d| date.first_day() > d.end()) {
            return false;
        }
        if a.positions.is_empty() {
            return true;
        }
        let day = date.first_day();
        a.positions.iter().any(|p| match p.to {
            None => true,
            Some(to) => (day - to.end()).num_days() <= 730,
        })
    }

    /// Sender and recipient of a message from the words around the names: "received a
    /// message from Medvedev", 「プーチン大統領から」, 뿌찐대통령으로부터 mark the sender,
    /// 김정은동지께 the recipient (`direction.toml`). Without a marker the first person named
    /// sends.
    fn message_roles(
        &self,
        text: &str,
        mentions: &[&Mention],
        hits: &[&crate::lexicon::Hit],
        mut ps: Vec<Participant>,
    ) -> Vec<Participant> {
        let near = |a: usize, b: usize, most: usize| {
            a <= b && {
                let gap = &text[a..b];
                gap.chars().count() <= most && !gap.contains([',', '，', '、', '。'])
            }
        };
        let marked = |id: &str, sender: bool| {
            mentions.iter().filter(|m| m.actor_id == id).any(|m| {
                hits.iter().any(|h| match h.cue {
                    Cue::Sender { before: true } if sender => near(h.end, m.start, SENDER_GAP),
                    Cue::Sender { before: false } if sender => near(m.end, h.start, TITLE_GAP),
                    Cue::Recipient if !sender => near(m.end, h.start, TITLE_GAP),
                    _ => false,
                })
            })
        };
        let sender = ps
            .iter()
            .position(|p| marked(&p.actor_id, true))
            .or_else(|| {
                let recipients: Vec<bool> = ps.iter().map(|p| marked(&p.actor_id, false)).collect();
                if recipients.iter().any(|r| *r) {
                    recipients.iter().position(|r| !r)
                } else {
                    None
                }
            });
        if let Some(i) = sender {
            for (j, p) in ps.iter_mut().enumerate() {
                p.role = if i == j {
                    Role::Sender
                } else {
                    Role::Recipient
                };
            }
            let s = ps.remove(i);
            ps.insert(0, s);
        }
        ps
    }

    /// A visit reported with the visitor only gets the host side from a meeting of the same
    /// document that the visitor attends in the visit's period (the host who received them).
    /// A visit the text dates only by the report ("Xinhua said on the 8th that Kim visited
    /// Dalian") takes the span of the talks its visitor held there, when the text gives it.
    fn complete_visits(&self, drafts: &mut [EventDraft], weak: &BTreeSet<usize>) {
        let meetings: Vec<(Option<Edtf>, Vec<Participant>, bool)> = drafts
            .iter()
            .enumerate()
            .filter(|(_, d)| matches!(d.kind, EventType::Meeting | EventType::Agreement))
            .map(|(i, d)| (d.date, d.participants.clone(), !weak.contains(&i)))
            .collect();
        for (i, v) in drafts.iter_mut().enumerate() {
            if v.kind != EventType::Visit {
                continue;
            }
            if weak.contains(&i)
                && let Some(d) = meetings.iter().find_map(|(d, ps, strong)| {
                    let shares = ps.iter().any(|p| {
                        p.role == Role::Guest
                            && v.participants.iter().any(|q| q.actor_id == p.actor_id)
                    });
                    let within = matches!((d, &v.date), (Some(d), Some(w)) if d.compatible(w));
                    (*strong && shares && within).then_some(*d).flatten()
                })
            {
                v.date = Some(d);
            }
            let guests: Vec<String> = v
                .participants
                .iter()
                .filter(|p| p.role == Role::Guest)
                .map(|p| p.actor_id.clone())
                .collect();
            let guest_countries: BTreeSet<Option<String>> =
                guests.iter().map(|g| self.country_of(g)).collect();
            for (date, ps, _) in &meetings {
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
                    // Talks on neutral ground (Singapore, a summit's host city): no host, so
                    // no guests either.
                    let ps = by_country(Role::Participant);
                    if ps.iter().any(|p| p.role == Role::Host) {
                        ps
                    } else {
                        all(Role::Participant)
                    }
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
                // People at home touring their own country (a leader inspecting a farm)
                // make no visit between states.
                if !ps.iter().any(|p| p.role == Role::Guest) {
                    return None;
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
        cue_in_window(text, h, start, end, before, window, within_clause)
    })
}

/// Whether the cue `h` stands within `window` characters before (`before`) or after the
/// trigger at `start..end`, and, with `within_clause`, with no clause break between them.
fn cue_in_window(
    text: &str,
    h: &crate::lexicon::Hit,
    start: usize,
    end: usize,
    before: bool,
    window: u16,
    within_clause: bool,
) -> bool {
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
    text[gap.clone()].chars().count() <= usize::from(window)
        && !(within_clause && text[gap].contains([',', '，', '、', ';', '；']))
}

/// The person the sentence marks as a delegation's head ("led by Zhang Dejiang", 赵乐际率…,
/// `direction.toml`).
fn delegation_head(
    text: &str,
    mentions: &[&Mention],
    hits: &[&crate::lexicon::Hit],
) -> Option<String> {
    let near = |a: usize, b: usize, most: usize| {
        a <= b && text[a..b].chars().count() <= most && !text[a..b].contains([',', '，', '、'])
    };
    mentions
        .iter()
        .find(|m| {
            hits.iter().any(|h| match h.cue {
                Cue::Head { before: true } => near(h.end, m.start, SENDER_GAP),
                Cue::Head { before: false } => near(m.end, h.start, TITLE_GAP),
                _ => false,
            })
        })
        .map(|m| m.actor_id.clone())
}

/// Whether a message trigger at `start` is greetings exchanged in person (`direction.toml`).
fn in_person(text: &str, hits: &[&crate::lexicon::Hit], start: usize) -> bool {
    let end = hits
        .iter()
        .find(|h| h.start == start && matches!(h.cue, Cue::Trigger { .. }))
        .map_or(start, |h| h.end);
    hits.iter().any(|h| match h.cue {
        Cue::InPerson { before: true } => {
            h.end <= start && text[h.end..start].chars().count() <= IN_PERSON_GAP
        }
        Cue::InPerson { before: false } => h.start >= end && text[end..h.start].trim().is_empty(),
        _ => false,
    })
}

/// Whether the trigger at `pos` looks back at an event (`retrospective.toml`) without a date
/// of its own: a date of the sentence with no retrospective word between it and the trigger
/// dates a report ("paid a successful visit from May 20 to 26"); "his successful visit was
/// hailed at a meeting on June 25" dates the hailing.
fn retrospective(
    text: &str,
    hits: &[&crate::lexicon::Hit],
    dates: &[&entente_text::dates::DateMention],
    pos: usize,
) -> bool {
    let end = hits
        .iter()
        .find(|h| h.start == pos && matches!(h.cue, Cue::Trigger { .. }))
        .map_or(pos, |h| h.end);
    let cues: Vec<&&crate::lexicon::Hit> = hits
        .iter()
        .filter(|h| matches!(h.cue, Cue::Retrospective { .. }))
        .collect();
    let near = cues.iter().any(|h| {
        let Cue::Retrospective {
            before,
            window,
            within_clause,
            ..
        } = h.cue
        else {
            return false;
        };
        cue_in_window(text, h, pos, end, before, window, within_clause)
    });
    near && !dates.iter().any(|d| {
        let (a, b) = if d.start >= end {
            (end, d.start)
        } else {
            (d.end.min(pos), pos)
        };
        !cues.iter().any(|h| {
            h.start >= a
                && h.end <= b
                && matches!(
                    h.cue,
                    Cue::Retrospective {
                        determiner: false,
                        ..
                    }
                )
        })
    })
}

/// Drops the drafts that only look back at an event; the citation of each goes to the
/// document's other draft of the same type sharing a participant, if there is one. Returns
/// the drafts kept and, for each input draft, its index among them.
fn fold_retrospective(
    drafts: Vec<EventDraft>,
    retro: &BTreeSet<usize>,
) -> (Vec<EventDraft>, Vec<Option<usize>>) {
    let target = |i: usize| {
        (0..drafts.len()).find(|&j| {
            !retro.contains(&j)
                && drafts[j].kind == drafts[i].kind
                && !persons(&drafts[j].participants).is_disjoint(&persons(&drafts[i].participants))
        })
    };
    let targets: Vec<Option<usize>> = (0..drafts.len())
        .map(|i| {
            if retro.contains(&i) {
                target(i)
            } else {
                Some(i)
            }
        })
        .collect();
    let mut kept = vec![None; drafts.len()];
    let mut n = 0;
    for (i, k) in kept.iter_mut().enumerate() {
        if !retro.contains(&i) {
            *k = Some(n);
            n += 1;
        }
    }
    let mut cites: Vec<Vec<Citation>> = vec![Vec::new(); drafts.len()];
    for (i, t) in targets.iter().enumerate() {
        if let Some(t) = t
            && *t != i
        {
            cites[*t].extend(drafts[i].citations.iter().cloned());
        }
    }
    let index: Vec<Option<usize>> = targets.iter().map(|t| t.and_then(|t| kept[t])).collect();
    let out = drafts
        .into_iter()
        .zip(cites)
        .enumerate()
        .filter(|(i, _)| !retro.contains(i))
        .map(|(_, (mut d, c))| {
            d.citations.extend(c);
            d
        })
        .collect();
    (out, index)
}

/// Whether the end of `before` (a sentence up to some point) lies inside quotation marks.
fn in_quotes(before: &str) -> bool {
    let mut depth: i32 = 0;
    let mut straight = [false; 2];
    let mut prev = ' ';
    for c in before.chars() {
        match c {
            '「' | '『' | '«' | '“' | '《' | '〈' => depth += 1,
            '」' | '』' | '»' | '”' | '》' | '〉' => depth = (depth - 1).max(0),
            '"' => straight[0] = !straight[0],
            // An apostrophe inside a word ("Korea's") is not a quotation mark.
            '\'' | '‘' | '’' if !prev.is_alphanumeric() || straight[1] => {
                straight[1] = !straight[1]
            }
            _ => {}
        }
        prev = c;
    }
    depth > 0 || straight[0] || straight[1]
}

/// The mentions of `mentions` inside `range`.
fn s_mentions_all(
    mentions: &[Mention],
    range: std::ops::Range<usize>,
) -> impl Iterator<Item = &Mention> {
    mentions
        .iter()
        .filter(move |m| m.start >= range.start && m.end <= range.end)
}

/// The index among the kept drafts of draft `i` (none for a dropped retrospective draft).
fn kept_index(retro: &BTreeSet<usize>, i: usize) -> Option<usize> {
    (!retro.contains(&i)).then(|| i - retro.range(..i).count())
}

/// Kinds of event that a state's people alone at home do not make between states.
const DOMESTIC_KINDS: [EventType; 3] =
    [EventType::Visit, EventType::Attendance, EventType::Meeting];

/// Most characters between an attendance trigger and the word making it a setting
/// ("出席上海合作組織峰會期間").
const SETTING_GAP: usize = 30;

/// Most characters between an outlet's name and the date it reported on ("Xinhua said on
/// the 8th", 新華社通信は8日).
const REPORT_GAP: usize = 16;

/// Most characters between "three months after" and the trigger it dates ("after US
/// President Joe Biden went to").
const OFFSET_GAP: usize = 40;

/// Most characters between a trip's length and its trigger ("two-day state visit", "2박 3일
/// 일정으로 평양을 방문").
const DURATION_GAP: usize = 16;

/// Most characters between an in-person word and the greetings it qualifies.
const IN_PERSON_GAP: usize = 12;

/// Most characters between "from" and the sender's name ("from President Vladimir Putin").
const SENDER_GAP: usize = 16;

/// Most characters between a name and the word after it that marks its role (titles glued
/// to Korean names: 김정은동지께).
const TITLE_GAP: usize = 6;

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

/// Leaves out the triggers of type `drop` when one of type `present` is there: the sentence
/// reports that event, not a second one besides it.
fn without_when(
    mut triggers: Vec<(EventType, f32, usize)>,
    present: EventType,
    drop: EventType,
) -> Vec<(EventType, f32, usize)> {
    if triggers.iter().any(|t| t.0 == present) {
        triggers.retain(|t| t.0 != drop);
    }
    triggers
}

/// The dates a sentence opens with, one after another with only separators between (spaces,
/// commas, slashes): the date column of a table row as pdftotext gives it.
fn leading_dates(
    text: &str,
    range: std::ops::Range<usize>,
    dates: &[&entente_text::dates::DateMention],
) -> Vec<Edtf> {
    let mut sorted: Vec<_> = dates.to_vec();
    sorted.sort_by_key(|d| d.start);
    let mut out = Vec::new();
    let mut at = range.start;
    for d in sorted {
        let gap = &text[at..d.start];
        if !gap
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, ',' | '、' | '，' | '/' | ';' | '・'))
        {
            break;
        }
        out.push(d.value);
        at = d.end;
    }
    out
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

/// Whether `day` (a single day) narrows `span` (an interval of days that holds it) for an
/// event of `kind`: a visit or a delegation lasts the span; anything else happens on a day.
fn narrows(kind: EventType, span: Option<&Edtf>, day: Option<&Edtf>) -> bool {
    let (Some(span), Some(day)) = (span, day) else {
        return false;
    };
    !matches!(kind, EventType::Visit | EventType::Delegation)
        && span.end.is_some()
        && span.start.day.is_some()
        && day.end.is_none()
        && day.start.day.is_some()
        && span.first_day() <= day.first_day()
        && day.first_day() <= span.last_day()
}

/// Merges drafts of one document that report the same happening; returns the merged list
/// and, for each input draft, its index in that list.
fn merge_within(drafts: Vec<EventDraft>, weak: &BTreeSet<usize>) -> (Vec<EventDraft>, Vec<usize>) {
    let mut out: Vec<EventDraft> = Vec::new();
    let mut out_weak: Vec<bool> = Vec::new();
    let mut remap = Vec::with_capacity(drafts.len());
    for (n, d) in drafts.into_iter().enumerate() {
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
                    version: 1,
                };
                same_event(&d, &probe)
                    // One ceremony: attendances at the same venue on the same day.
                    || (d.kind == EventType::Attendance
                        && d.place.is_some()
                        && d.place == o.place
                        && d.date.is_some()
                        && d.date == o.date)
            }
        });
        match target {
            Some(i) => {
                let o = &mut out[i];
                // A draft dated by its own sentence dates one dated only by the context.
                if out_weak[i] && !weak.contains(&n) {
                    o.date = d.date;
                    out_weak[i] = false;
                } else if narrows(o.kind, o.date.as_ref(), d.date.as_ref()) {
                    // "5月7日至10日对俄罗斯进行国事访问,并出席…庆典。… 9日…出席…阅兵": a
                    // ceremony or talks within a trip's span take the day given for them.
                    o.date = d.date;
                    o.place = d.place.clone().or(o.place.take());
                }
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
                out_weak.push(weak.contains(&n));
            }
        }
    }
    (out, remap)
}
