//! Trigger, framework and speech lexicons from `data/triggers/`, compiled into one
//! Aho-Corasick automaton over folded text.

use entente_core::EventType;
use serde::Deserialize;

use crate::ExtractError;
use crate::terms::TermMatcher;

const EVENTS: (&str, &str) = (
    "events.toml",
    include_str!("../../../data/triggers/events.toml"),
);
const FRAMEWORKS: (&str, &str) = (
    "frameworks.toml",
    include_str!("../../../data/triggers/frameworks.toml"),
);
const SPEECH: (&str, &str) = (
    "speech.toml",
    include_str!("../../../data/triggers/speech.toml"),
);
const TYPES: (&str, &str) = (
    "types.toml",
    include_str!("../../../data/triggers/types.toml"),
);
const CEREMONIES: (&str, &str) = (
    "ceremonies.toml",
    include_str!("../../../data/triggers/ceremonies.toml"),
);
const INTERNATIONAL: (&str, &str) = (
    "international.toml",
    include_str!("../../../data/triggers/international.toml"),
);
const REFERENCE: (&str, &str) = (
    "reference.toml",
    include_str!("../../../data/triggers/reference.toml"),
);
const MODALITY: (&str, &str) = (
    "modality.toml",
    include_str!("../../../data/triggers/modality.toml"),
);
const COMMEMORATION: (&str, &str) = (
    "commemoration.toml",
    include_str!("../../../data/triggers/commemoration.toml"),
);
const RETROSPECTIVE: (&str, &str) = (
    "retrospective.toml",
    include_str!("../../../data/triggers/retrospective.toml"),
);
const DIRECTION: (&str, &str) = (
    "direction.toml",
    include_str!("../../../data/triggers/direction.toml"),
);
const SETTING: (&str, &str) = (
    "setting.toml",
    include_str!("../../../data/triggers/setting.toml"),
);
const ANAPHORA: (&str, &str) = (
    "anaphora.toml",
    include_str!("../../../data/triggers/anaphora.toml"),
);

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ReferenceFile {
    before: Vec<String>,
    after: Vec<String>,
}

/// Words that, near a trigger, make it report no event (`modality.toml`,
/// `commemoration.toml`).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct WindowFile {
    window_before: u16,
    window_after: u16,
    /// The words between cue and trigger may not hold a comma or semicolon.
    #[serde(default)]
    within_clause: bool,
    before: Vec<String>,
    after: Vec<String>,
    /// Words that, right before a trigger with no date of its own, make it a reference to an
    /// event already known ("his visit", "Kim Jong Il's visit", "the visit").
    #[serde(default)]
    determiners: Vec<String>,
    #[serde(default)]
    window_determiner: u16,
    /// Words that count only right before the trigger, within `window_adjacent` characters
    /// (a one-character future marker such as 将 would be everywhere in a wider window).
    #[serde(default)]
    adjacent_before: Vec<String>,
    #[serde(default)]
    window_adjacent: u16,
}

/// Words that make an attended summit the setting of talks (`setting.toml`).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SettingFile {
    terms: Vec<String>,
}

/// Words that mark who sent a message and who received it (`direction.toml`).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct DirectionFile {
    sender_before: Vec<String>,
    sender_after: Vec<String>,
    recipient_after: Vec<String>,
    in_person_before: Vec<String>,
    in_person_after: Vec<String>,
    head_before: Vec<String>,
    head_after: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AnaphoraFile {
    terms: Vec<String>,
    /// Countries whose people's family name comes first (Kim Jong Un, 习近平): the short
    /// form that refers back to them.
    #[serde(default)]
    family_name_first: Vec<String>,
    /// Words by which people join the visit just reported (陪同, accompanied).
    #[serde(default)]
    accompany: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct EventsFile {
    trigger: Vec<TriggerEntry>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TriggerEntry {
    #[serde(rename = "type")]
    kind: String,
    weight: f32,
    #[serde(default)]
    ja: Vec<String>,
    #[serde(default)]
    zh: Vec<String>,
    #[serde(default)]
    ko: Vec<String>,
    #[serde(default)]
    ru: Vec<String>,
    #[serde(default)]
    en: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FrameworksFile {
    framework: Vec<FrameworkEntry>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FrameworkEntry {
    id: String,
    terms: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SpeechFile {
    ja: Vec<String>,
    zh: Vec<String>,
    ko: Vec<String>,
    ru: Vec<String>,
    en: Vec<String>,
}

/// What a lexicon hit signals.
#[derive(Debug, Clone, PartialEq)]
pub enum Cue {
    Trigger {
        kind: EventType,
        weight: f32,
    },
    Framework(String),
    Speech,
    /// "the two leaders", 両首脳, стороны: the participants of the event just reported.
    Anaphora,
    /// "期间", "on the sidelines of": an attended summit is the setting of talks.
    Setting,
    /// "accompanied", 陪同: the people of the sentence join the visit just reported.
    Accompany,
    /// Something one attends: a parade, a ceremony, a summit.
    Ceremony,
    /// A gathering of several states or a guest from abroad (`international.toml`).
    International,
    /// A word that makes a trigger at most `window` characters after it (`before`) or before
    /// it (not `before`) something not (yet) happened: planned, hoped for, invited to.
    Irrealis {
        before: bool,
        window: u16,
        within_clause: bool,
    },
    /// A word that makes a trigger near it a remembered event (the anniversary of a visit).
    Commemoration {
        before: bool,
        window: u16,
        within_clause: bool,
    },
    /// A word that makes a trigger near it a look back at an event already reported (the
    /// results of a visit, a successful visit hailed): no event of its own unless dated.
    Retrospective {
        before: bool,
        window: u16,
        within_clause: bool,
        /// "his", "the", "'s": a reference, but no word that takes a date from the event
        /// ("hailed at a meeting on June 25" does).
        determiner: bool,
    },
    /// A word marking the sender of a message: right before the sender's name ("from", "от")
    /// when `before`, right after it otherwise (から, 로부터).
    Sender {
        before: bool,
    },
    /// A word right after the recipient's name of a message (께, 에게).
    Recipient,
    /// A word marking the head of a delegation: right before the name ("led by") when
    /// `before`, right after it otherwise (率, 단장).
    Head {
        before: bool,
    },
    /// A word that makes a message trigger near it greetings exchanged in person ("exchanged
    /// farewell greetings", "greetings with him"): a meeting.
    InPerson {
        before: bool,
    },
}

/// One lexicon hit in a text: byte span and the cue.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub cue: Cue,
}

pub struct Lexicon {
    /// Words before / after a date that make it a reference point ("since 2007").
    reference_before: Vec<String>,
    reference_after: Vec<String>,
    matcher: TermMatcher,
    /// Countries whose people are referred back to by the first word of their name.
    pub family_name_first: Vec<String>,
    /// The cue of each term of `matcher`.
    cues: Vec<Cue>,
    /// A short hash of the lexicon files, recorded with each extraction.
    pub version: String,
}

fn parse<T: for<'de> Deserialize<'de>>((file, text): (&str, &str)) -> Result<T, ExtractError> {
    toml::from_str(text).map_err(|e| ExtractError::Lexicon {
        file: format!("data/triggers/{file}"),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
        message: e.message().to_string(),
    })
}

impl Lexicon {
    /// The bundled lexicons, validated.
    pub fn bundled() -> Result<Lexicon, ExtractError> {
        let events: EventsFile = parse(EVENTS)?;
        let frameworks: FrameworksFile = parse(FRAMEWORKS)?;
        let speech: SpeechFile = parse(SPEECH)?;
        let types: toml::Table = parse(TYPES)?;
        let anaphora: AnaphoraFile = parse(ANAPHORA)?;
        let ceremonies: AnaphoraFile = parse(CEREMONIES)?;
        let international: AnaphoraFile = parse(INTERNATIONAL)?;
        let reference: ReferenceFile = parse(REFERENCE)?;
        let modality: WindowFile = parse(MODALITY)?;
        let commemoration: WindowFile = parse(COMMEMORATION)?;
        let retrospective: WindowFile = parse(RETROSPECTIVE)?;
        let direction: DirectionFile = parse(DIRECTION)?;
        let setting: SettingFile = parse(SETTING)?;
        let mut keys: Vec<String> = Vec::new();
        let mut terms: Vec<Cue> = Vec::new();
        let push = |raw: &str, cue: Cue, keys: &mut Vec<String>, terms: &mut Vec<Cue>| {
            keys.push(raw.to_string());
            terms.push(cue);
        };
        for t in &events.trigger {
            let kind: EventType =
                t.kind
                    .parse()
                    .map_err(|e: entente_core::CoreError| ExtractError::Lexicon {
                        file: "data/triggers/events.toml".into(),
                        line: None,
                        message: e.to_string(),
                    })?;
            if !types.contains_key(kind.as_str()) || !(0.0..=1.0).contains(&t.weight) {
                return Err(ExtractError::Lexicon {
                    file: "data/triggers/events.toml".into(),
                    line: None,
                    message: format!(
                        "trigger `{}`: type missing from types.toml or weight outside 0..1",
                        t.kind
                    ),
                });
            }
            for term in
                t.ja.iter()
                    .chain(&t.zh)
                    .chain(&t.ko)
                    .chain(&t.ru)
                    .chain(&t.en)
            {
                push(
                    term,
                    Cue::Trigger {
                        kind,
                        weight: t.weight,
                    },
                    &mut keys,
                    &mut terms,
                );
            }
        }
        for f in &frameworks.framework {
            for term in &f.terms {
                push(term, Cue::Framework(f.id.clone()), &mut keys, &mut terms);
            }
        }
        for term in speech
            .ja
            .iter()
            .chain(&speech.zh)
            .chain(&speech.ko)
            .chain(&speech.ru)
            .chain(&speech.en)
        {
            push(term, Cue::Speech, &mut keys, &mut terms);
        }
        for term in &anaphora.terms {
            push(term, Cue::Anaphora, &mut keys, &mut terms);
        }
        for term in &setting.terms {
            push(term, Cue::Setting, &mut keys, &mut terms);
        }
        for term in &anaphora.accompany {
            push(term, Cue::Accompany, &mut keys, &mut terms);
        }
        for term in &ceremonies.terms {
            push(term, Cue::Ceremony, &mut keys, &mut terms);
        }
        for term in &international.terms {
            push(term, Cue::International, &mut keys, &mut terms);
        }
        for (file, which) in [(&modality, 0), (&commemoration, 1), (&retrospective, 2)] {
            for (list, before, window) in [
                (&file.before, true, file.window_before),
                (&file.adjacent_before, true, file.window_adjacent),
                (&file.after, false, file.window_after),
            ] {
                for term in list {
                    let within_clause = file.within_clause;
                    let cue = match which {
                        0 => Cue::Irrealis {
                            before,
                            window,
                            within_clause,
                        },
                        1 => Cue::Commemoration {
                            before,
                            window,
                            within_clause,
                        },
                        _ => Cue::Retrospective {
                            before,
                            window,
                            within_clause,
                            determiner: false,
                        },
                    };
                    push(term, cue, &mut keys, &mut terms);
                }
            }
            for term in &file.determiners {
                let cue = Cue::Retrospective {
                    before: true,
                    window: file.window_determiner,
                    within_clause: true,
                    determiner: true,
                };
                push(term, cue, &mut keys, &mut terms);
            }
        }
        for (list, cue) in [
            (&direction.sender_before, Cue::Sender { before: true }),
            (&direction.sender_after, Cue::Sender { before: false }),
            (&direction.recipient_after, Cue::Recipient),
            (&direction.in_person_before, Cue::InPerson { before: true }),
            (&direction.in_person_after, Cue::InPerson { before: false }),
            (&direction.head_before, Cue::Head { before: true }),
            (&direction.head_after, Cue::Head { before: false }),
        ] {
            for term in list {
                push(term, cue.clone(), &mut keys, &mut terms);
            }
        }
        let matcher = TermMatcher::new(&keys).map_err(|message| ExtractError::Lexicon {
            file: "data/triggers".into(),
            line: None,
            message,
        })?;
        let mut h = blake3::Hasher::new();
        for (_, text) in [
            EVENTS,
            FRAMEWORKS,
            SPEECH,
            TYPES,
            ANAPHORA,
            CEREMONIES,
            INTERNATIONAL,
            REFERENCE,
            MODALITY,
            COMMEMORATION,
            RETROSPECTIVE,
            DIRECTION,
            SETTING,
        ] {
            h.update(text.as_bytes());
        }
        Ok(Lexicon {
            reference_before: reference.before.iter().map(|w| w.to_lowercase()).collect(),
            reference_after: reference.after.iter().map(|w| w.to_lowercase()).collect(),
            matcher,
            family_name_first: anaphora.family_name_first.clone(),
            cues: terms,
            version: h.finalize().to_hex()[..12].to_string(),
        })
    }

    /// Whether the date at `start..end` of `text` is a reference point ("since 2007",
    /// 「2019年4月以来」) rather than the date of what is reported.
    pub fn is_reference_date(&self, text: &str, start: usize, end: usize) -> bool {
        let before = text[..start].trim_end().to_lowercase();
        let after = text[end..].trim_start();
        self.reference_before.iter().any(|w| {
            before.ends_with(w.as_str())
                && before[..before.len() - w.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        }) || self
            .reference_after
            .iter()
            .any(|w| after.starts_with(w.as_str()))
    }

    /// Every lexicon hit in `folded` (text folded with `fold_for_match`, same byte offsets
    /// as the original), with word-boundary rules for Latin and Cyrillic terms.
    pub fn find(&self, folded: &str) -> Vec<Hit> {
        let mut out: Vec<Hit> = self
            .matcher
            .find(folded)
            .into_iter()
            .map(|h| Hit {
                start: h.start,
                end: h.end,
                cue: self.cues[h.term].clone(),
            })
            .collect();
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        // Longest match wins: 会晤 inside 视频会晤 or 会談 inside 電話会談 is part of the call,
        // not a meeting of its own.
        // Only triggers compete: a ceremony word or a framework may sit inside a trigger.
        let spans: Vec<(usize, usize)> = out
            .iter()
            .filter(|h| matches!(h.cue, Cue::Trigger { .. }))
            .map(|h| (h.start, h.end))
            .collect();
        out.retain(|h| {
            !matches!(h.cue, Cue::Trigger { .. })
                || !spans
                    .iter()
                    .any(|&(s, e)| s <= h.start && h.end <= e && (e - s) > (h.end - h.start))
        });
        out.dedup();
        out
    }
}
