//! Scoring on the real-text gold set (`eval/gold-real/`, format and rules in its README).
//!
//! Each annotated document lists every in-scope event it reports and the *negatives*: things a
//! careless reader would extract but that did not happen as reported there (a look-back, an
//! announcement, a commemoration…). [`score`] lines predictions up with the gold events and
//! reports, per corpus and per language:
//!
//! - **strict precision**: predictions whose type, date, participants and place are all right;
//! - **lenient precision**: predictions that report a real event of the document (same type, at
//!   least one shared participant);
//! - **recall**: gold events that some prediction reports (and, strictly, reports right);
//! - **negatives violated**, and the **error classes** that cost a strict match.
//!
//! Reading the documents themselves is the caller's job (they live in `../shared/data`, never
//! in the repository); this module only parses the annotations and scores.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analysis::EventView;

/// The event types this set annotates; predictions of other types are not scored.
pub const IN_SCOPE: [&str; 7] = [
    "meeting",
    "visit",
    "call",
    "message",
    "attendance",
    "delegation",
    "agreement",
];

/// The half of the set a document belongs to.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Rules are tuned on these.
    Dev,
    /// Only ever measured.
    Test,
}

impl Split {
    /// The split the README's rule gives a document: `test` when the first hex digit of
    /// `sha256("<corpus>:<file>:<line>")` is 8–f (an absent line is written as empty).
    pub fn of(corpus: &str, file: &str, line: Option<usize>) -> Split {
        let key = format!(
            "{corpus}:{file}:{}",
            line.map(|l| l.to_string()).unwrap_or_default()
        );
        let digest = Sha256::digest(key.as_bytes());
        if digest[0] >> 4 >= 8 {
            Split::Test
        } else {
            Split::Dev
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Split::Dev => "dev",
            Split::Test => "test",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A participant of a gold event.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealParticipant {
    /// Common English name; `?name` when the annotator could not identify the person.
    pub name: String,
    pub role: String,
    /// Named only by office in the text ("the Russian foreign minister").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_office: bool,
    /// The annotator was not sure who this is: any one extra predicted participant may stand
    /// for them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
}

impl RealParticipant {
    fn is_uncertain(&self) -> bool {
        self.uncertain || self.name.starts_with('?')
    }
}

/// One annotated event.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub date: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    pub participants: Vec<RealParticipant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// The principals are not officials of a state (a friendship association's or a
    /// university's delegation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nonstate: bool,
    /// The annotator's words, never the document's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why a negative is a trap.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum NegativeClass {
    LookBack,
    Commemoration,
    Announcement,
    Negated,
    BroadcastDate,
    Domestic,
    /// Text on the page that is not the item's (a sidebar scraped with it).
    UnrelatedText,
}

impl NegativeClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            NegativeClass::LookBack => "look-back",
            NegativeClass::Commemoration => "commemoration",
            NegativeClass::Announcement => "announcement",
            NegativeClass::Negated => "negated",
            NegativeClass::BroadcastDate => "broadcast-date",
            NegativeClass::Domestic => "domestic",
            NegativeClass::UnrelatedText => "unrelated-text",
        }
    }
}

/// Something that must not be extracted: a prediction of `kind` whose participants include
/// all of `participants` (and, when `date` is given, on that date) violates it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Negative {
    pub class: NegativeClass,
    #[serde(rename = "type")]
    pub kind: String,
    pub participants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One annotated document: where it is, what it reports, what it must not yield.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RealDoc {
    /// The folder under `../shared/data`.
    pub corpus: String,
    pub file: String,
    /// 1-based line (JSON Lines) or item (JSON array); `None` for a whole file.
    pub line: Option<usize>,
    /// The document's own id, when it has one (checked against the text read).
    #[serde(default)]
    pub id: Option<String>,
    pub lang: String,
    #[serde(default)]
    pub published: Option<String>,
    pub events: Vec<RealEvent>,
    #[serde(default)]
    pub negatives: Vec<Negative>,
    pub split: Split,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl RealDoc {
    /// `corpus/file:line`, the name errors and details use.
    pub fn key(&self) -> String {
        match self.line {
            Some(l) => format!("{}/{}:{l}", self.corpus, self.file),
            None => format!("{}/{}", self.corpus, self.file),
        }
    }
}

/// Reads one `*.jsonl` annotation file, checking every line: JSON shape, event types, EDTF
/// dates, roles, and that each document's split is the one the rule gives. Errors name the
/// file, line and field.
pub fn read_file(path: &Path) -> Result<Vec<RealDoc>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut docs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |msg: String| format!("{} line {}: {msg}", path.display(), n + 1);
        let doc: RealDoc = serde_json::from_str(line).map_err(|e| at(e.to_string()))?;
        validate(&doc).map_err(at)?;
        docs.push(doc);
    }
    Ok(docs)
}

const ROLES: [&str; 7] = [
    "host",
    "guest",
    "sender",
    "recipient",
    "head",
    "member",
    "participant",
];

fn validate(doc: &RealDoc) -> Result<(), String> {
    let want = Split::of(&doc.corpus, &doc.file, doc.line);
    if doc.split != want {
        return Err(format!(
            "field `split`: {} is `{}`, but the README's rule puts it in `{want}`",
            doc.key(),
            doc.split
        ));
    }
    let date_ok = |d: &Option<String>, what: &str| -> Result<(), String> {
        match d {
            Some(d) => d
                .parse::<entente_core::Edtf>()
                .map(|_| ())
                .map_err(|e| format!("{what}: `{d}` is not an EDTF date: {e}")),
            None => Ok(()),
        }
    };
    for (i, e) in doc.events.iter().enumerate() {
        if !IN_SCOPE.contains(&e.kind.as_str()) {
            return Err(format!(
                "events[{i}].type: `{}` is not one of {}",
                e.kind,
                IN_SCOPE.join(", ")
            ));
        }
        date_ok(&e.date, &format!("events[{i}].date"))?;
        for (j, p) in e.participants.iter().enumerate() {
            if !ROLES.contains(&p.role.as_str()) {
                return Err(format!(
                    "events[{i}].participants[{j}].role: `{}` is not one of {}",
                    p.role,
                    ROLES.join(", ")
                ));
            }
        }
    }
    for (i, n) in doc.negatives.iter().enumerate() {
        if !IN_SCOPE.contains(&n.kind.as_str()) {
            return Err(format!(
                "negatives[{i}].type: `{}` is not one of {}",
                n.kind,
                IN_SCOPE.join(", ")
            ));
        }
        date_ok(&n.date, &format!("negatives[{i}].date"))?;
    }
    Ok(())
}

/// How names and places are compared: the caller knows the gazetteer.
pub trait Resolver {
    /// A person's or organisation's name, as the comparison key (e.g. the gazetteer's canonical
    /// English name, folded). Gold names and predicted `name_en`s both go through it.
    fn name_key(&self, name: &str) -> String;
    /// Whether a predicted place (id and English name) is the gold place (a city, or a country
    /// when the text names no city).
    fn place_matches(&self, predicted_id: &str, predicted_name: &str, gold: &str) -> bool;
}

/// A name folded for comparison: lower case, accents and hyphens gone, spaces collapsed
/// (`Kassym-Jomart Tokayev` ~ `kassym jomart tokayev`, `Lula da Silva` ~ `lula da silva`).
pub fn fold_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let plain: String = entente_text::normalize(name)
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == '-' || c == '.' { ' ' } else { c })
        .collect::<String>()
        .to_lowercase();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compares names through the knowledge base's actors: two names are one person when they
/// find the same actor (any of its names or aliases in any language); names no actor has
/// are compared folded.
pub struct StoreResolver<'a> {
    store: &'a dyn entente_store::Store,
    cache: std::cell::RefCell<std::collections::HashMap<String, Vec<String>>>,
}

impl<'a> StoreResolver<'a> {
    pub fn new(store: &'a dyn entente_store::Store) -> Self {
        StoreResolver {
            store,
            cache: Default::default(),
        }
    }

    /// Ids of the actors `name` finds, sorted.
    fn ids(&self, name: &str) -> Vec<String> {
        if let Some(ids) = self.cache.borrow().get(name) {
            return ids.clone();
        }
        let mut ids: Vec<String> = self
            .store
            .find_actors(name)
            .map(|a| a.into_iter().map(|a| a.id).collect())
            .unwrap_or_default();
        ids.sort();
        self.cache
            .borrow_mut()
            .insert(name.to_string(), ids.clone());
        ids
    }
}

impl Resolver for StoreResolver<'_> {
    fn name_key(&self, name: &str) -> String {
        match self.ids(name).first() {
            Some(id) => format!("actor:{id}"),
            None => format!("name:{}", fold_name(name)),
        }
    }

    /// The same place, or a venue in the gold city (`located_in`: the Kremlin is in Moscow).
    fn place_matches(&self, predicted_id: &str, predicted_name: &str, gold: &str) -> bool {
        let gold_ids = self.ids(gold);
        let same = |id: &str, name: &str| {
            fold_name(name) == fold_name(gold) || gold_ids.iter().any(|g| g == id)
        };
        same(predicted_id, predicted_name)
            || self
                .store
                .actor(predicted_id)
                .ok()
                .flatten()
                .and_then(|venue| venue.located_in)
                .and_then(|city| self.store.actor(&city).ok().flatten())
                .is_some_and(|city| same(&city.id, &city.name_en))
    }
}

/// Counts behind one row of the report.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Counts {
    pub documents: usize,
    /// In-scope predictions.
    pub predicted: usize,
    /// Predictions reporting a real event of their document.
    pub lenient_tp: usize,
    /// Predictions with type, date, participants and place all right.
    pub strict_tp: usize,
    pub gold: usize,
    pub negatives: usize,
    pub negatives_violated: usize,
    pub strict_precision: f64,
    pub lenient_precision: f64,
    /// Gold events reported by some prediction.
    pub recall: f64,
    /// Gold events reported right.
    pub strict_recall: f64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.documents += o.documents;
        self.predicted += o.predicted;
        self.lenient_tp += o.lenient_tp;
        self.strict_tp += o.strict_tp;
        self.gold += o.gold;
        self.negatives += o.negatives;
        self.negatives_violated += o.negatives_violated;
    }

    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| {
            if b == 0 {
                0.0
            } else {
                ((a as f64 / b as f64) * 1000.0).round() / 1000.0
            }
        };
        self.strict_precision = ratio(self.strict_tp, self.predicted);
        self.lenient_precision = ratio(self.lenient_tp, self.predicted);
        self.recall = ratio(self.lenient_tp, self.gold);
        self.strict_recall = ratio(self.strict_tp, self.gold);
    }
}

/// What went wrong with one event.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// A gold event no prediction reports.
    Missed,
    /// A prediction reporting no event of the document.
    Spurious,
    /// A spurious prediction sharing participants with a missed gold event of another type.
    WrongType,
    /// Matched, but dated by the publication day instead of the text.
    DateIsPublication,
    /// Matched, but another date.
    WrongDate,
    /// Matched, but a named participant is missing.
    MissingParticipant,
    /// Matched, but with a participant the event does not have.
    ExtraParticipant,
    /// Matched, but placed elsewhere (or not placed, or placed where the text gives none).
    WrongPlace,
    /// A prediction that is one of the document's negatives.
    Negative,
}

impl ErrorClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorClass::Missed => "missed",
            ErrorClass::Spurious => "spurious",
            ErrorClass::WrongType => "wrong-type",
            ErrorClass::DateIsPublication => "date-is-publication",
            ErrorClass::WrongDate => "wrong-date",
            ErrorClass::MissingParticipant => "missing-participant",
            ErrorClass::ExtraParticipant => "extra-participant",
            ErrorClass::WrongPlace => "wrong-place",
            ErrorClass::Negative => "negative",
        }
    }
}

/// One error, for `--details`.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ErrorItem {
    pub class: ErrorClass,
    /// Index into the document's gold events.
    pub gold: Option<usize>,
    /// Index into the document's predictions.
    pub predicted: Option<usize>,
    /// The negative's class, for [`ErrorClass::Negative`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative: Option<NegativeClass>,
}

/// One document's outcome.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct DocOutcome {
    pub key: String,
    pub corpus: String,
    pub lang: String,
    pub counts: Counts,
    /// (gold index, prediction index, strictly right).
    pub matched: Vec<(usize, usize, bool)>,
    pub errors: Vec<ErrorItem>,
}

/// The whole report.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub total: Counts,
    /// Per language.
    pub by_lang: BTreeMap<String, Counts>,
    /// Per corpus.
    pub by_corpus: BTreeMap<String, Counts>,
    /// Error classes, most frequent first.
    pub errors: Vec<(String, usize)>,
    pub documents: Vec<DocOutcome>,
}

fn in_scope(v: &EventView) -> bool {
    IN_SCOPE.contains(&v.kind.as_str())
}

/// Scores every document's predictions (only the in-scope ones count; the others are left out
/// of every figure).
pub fn score(docs: &[(RealDoc, Vec<EventView>)], r: &dyn Resolver) -> Report {
    let mut report = Report::default();
    let mut classes: BTreeMap<ErrorClass, usize> = BTreeMap::new();
    for (doc, preds) in docs {
        let out = score_doc(doc, preds, r);
        for e in &out.errors {
            *classes.entry(e.class).or_default() += 1;
        }
        report.total.add(&out.counts);
        report
            .by_lang
            .entry(doc.lang.clone())
            .or_default()
            .add(&out.counts);
        report
            .by_corpus
            .entry(doc.corpus.clone())
            .or_default()
            .add(&out.counts);
        report.documents.push(out);
    }
    report.total.finish();
    report.by_lang.values_mut().for_each(Counts::finish);
    report.by_corpus.values_mut().for_each(Counts::finish);
    let mut errors: Vec<(String, usize)> = classes
        .into_iter()
        .map(|(c, n)| (c.as_str().to_string(), n))
        .collect();
    errors.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    report.errors = errors;
    report
}

struct Gold<'a> {
    event: &'a RealEvent,
    certain: BTreeSet<String>,
    uncertain: usize,
}

fn score_doc(doc: &RealDoc, preds: &[EventView], r: &dyn Resolver) -> DocOutcome {
    let gold: Vec<Gold> = doc
        .events
        .iter()
        .map(|e| Gold {
            event: e,
            certain: e
                .participants
                .iter()
                .filter(|p| !p.is_uncertain())
                .map(|p| r.name_key(&p.name))
                .collect(),
            uncertain: e.participants.iter().filter(|p| p.is_uncertain()).count(),
        })
        .collect();
    let pred_names: Vec<BTreeSet<String>> = preds
        .iter()
        .map(|p| {
            p.participants
                .iter()
                .map(|x| r.name_key(&x.name_en))
                .collect()
        })
        .collect();
    let scored: Vec<usize> = (0..preds.len()).filter(|&i| in_scope(&preds[i])).collect();

    // A prediction reports a gold event when it has its type and shares a participant; a gold
    // event whose principals the text does not name is reported by its type and date.
    // Pairs are taken best first: same date, then most shared participants, then in order.
    let mut pairs: Vec<(bool, usize, usize, usize)> = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for &pi in &scored {
            let p = &preds[pi];
            let shared = pred_names[pi].intersection(&g.certain).count();
            let same_date = p.date == g.event.date;
            let reports = shared > 0 || (g.certain.is_empty() && same_date && p.date.is_some());
            if p.kind.as_str() == g.event.kind && reports {
                pairs.push((same_date, shared, gi, pi));
            }
        }
    }
    pairs.sort_by_key(|&(same_date, shared, gi, pi)| {
        (std::cmp::Reverse((same_date, shared)), gi, pi)
    });
    let mut pred_used = vec![false; preds.len()];
    let mut gold_used = vec![false; gold.len()];
    let mut matched = Vec::new();
    let mut errors = Vec::new();
    let mut strict_tp = 0;
    for (_, _, gi, pi) in pairs {
        if pred_used[pi] || gold_used[gi] {
            continue;
        }
        pred_used[pi] = true;
        gold_used[gi] = true;
        let g = &gold[gi];
        let p = &preds[pi];
        let mut wrong = Vec::new();
        if p.date != g.event.date {
            let publication = doc.published.as_deref().map(|d| &d[..d.len().min(10)]);
            wrong.push(if p.date.is_some() && p.date.as_deref() == publication {
                ErrorClass::DateIsPublication
            } else {
                ErrorClass::WrongDate
            });
        }
        if !g.certain.is_subset(&pred_names[pi]) {
            wrong.push(ErrorClass::MissingParticipant);
        }
        if pred_names[pi].difference(&g.certain).count() > g.uncertain {
            wrong.push(ErrorClass::ExtraParticipant);
        }
        let place_ok = match (&p.place, &g.event.place) {
            (None, None) => true,
            (Some(pp), Some(gp)) => r.place_matches(&pp.id, &pp.name_en, gp),
            _ => false,
        };
        if !place_ok {
            wrong.push(ErrorClass::WrongPlace);
        }
        let strict = wrong.is_empty();
        strict_tp += usize::from(strict);
        matched.push((gi, pi, strict));
        errors.extend(wrong.into_iter().map(|class| ErrorItem {
            class,
            gold: Some(gi),
            predicted: Some(pi),
            negative: None,
        }));
    }
    matched.sort();

    // Negatives: any in-scope prediction that is one, matched or not.
    let mut violated = 0;
    for n in &doc.negatives {
        let names: BTreeSet<String> = n.participants.iter().map(|x| r.name_key(x)).collect();
        let hit = scored.iter().copied().find(|&pi| {
            preds[pi].kind.as_str() == n.kind
                && names.is_subset(&pred_names[pi])
                && n.date
                    .as_ref()
                    .is_none_or(|d| preds[pi].date.as_ref() == Some(d))
        });
        if let Some(pi) = hit {
            violated += 1;
            errors.push(ErrorItem {
                class: ErrorClass::Negative,
                gold: None,
                predicted: Some(pi),
                negative: Some(n.class),
            });
        }
    }

    let missed: Vec<usize> = (0..gold.len()).filter(|&g| !gold_used[g]).collect();
    for &pi in &scored {
        if pred_used[pi] {
            continue;
        }
        let retyped = missed.iter().copied().find(|&gi| {
            pred_names[pi]
                .intersection(&gold[gi].certain)
                .next()
                .is_some()
        });
        errors.push(ErrorItem {
            class: if retyped.is_some() {
                ErrorClass::WrongType
            } else {
                ErrorClass::Spurious
            },
            gold: retyped,
            predicted: Some(pi),
            negative: None,
        });
    }
    errors.extend(missed.iter().map(|&gi| ErrorItem {
        class: ErrorClass::Missed,
        gold: Some(gi),
        predicted: None,
        negative: None,
    }));

    let counts = Counts {
        documents: 1,
        predicted: scored.len(),
        lenient_tp: matched.len(),
        strict_tp,
        gold: gold.len(),
        negatives: doc.negatives.len(),
        negatives_violated: violated,
        ..Counts::default()
    };
    DocOutcome {
        key: doc.key(),
        corpus: doc.corpus.clone(),
        lang: doc.lang.clone(),
        counts,
        matched,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{ActorRef, ParticipantView};
    use entente_core::{EventType, Status};

    struct Plain;
    impl Resolver for Plain {
        fn name_key(&self, name: &str) -> String {
            name.to_lowercase()
        }
        fn place_matches(&self, _: &str, name: &str, gold: &str) -> bool {
            name.eq_ignore_ascii_case(gold)
        }
    }

    fn view(kind: EventType, date: &str, place: Option<&str>, who: &[&str]) -> EventView {
        EventView {
            id: "ev".into(),
            kind,
            date: Some(date.into()),
            place: place.map(|p| ActorRef {
                id: p.to_lowercase(),
                name_en: p.into(),
            }),
            framework: None,
            participants: who
                .iter()
                .map(|w| ParticipantView {
                    id: w.to_lowercase(),
                    name_en: w.to_string(),
                    role: "participant".into(),
                })
                .collect(),
            status: Status::Extracted,
            confidence: 0.9,
            citations: vec![],
            version: 1,
        }
    }

    fn doc(line: &str) -> RealDoc {
        let mut d: RealDoc = serde_json::from_str(line).unwrap();
        d.split = Split::of(&d.corpus, &d.file, d.line);
        d
    }

    const DOC: &str = r#"{"corpus":"c","file":"f.jsonl","line":3,"lang":"zh","published":"2019-06-21",
      "events":[{"type":"meeting","date":"2019-06-20","place":"Pyongyang",
                 "participants":[{"name":"Xi Jinping","role":"guest"},{"name":"Kim Jong Un","role":"host"}]},
                {"type":"agreement","date":"2019-06-20","place":"Pyongyang",
                 "participants":[{"name":"Xi Jinping","role":"participant"},{"name":"?Somebody","role":"participant"}]}],
      "negatives":[{"class":"look-back","type":"visit","participants":["Kim Jong Un","Xi Jinping"]}],
      "split":"dev"}"#;

    #[test]
    fn strict_needs_date_participants_and_place_and_lenient_only_the_event() {
        let d = doc(DOC);
        let preds = vec![
            // Right in every field.
            view(
                EventType::Meeting,
                "2019-06-20",
                Some("Pyongyang"),
                &["Xi Jinping", "Kim Jong Un"],
            ),
            // The real signing, dated by the broadcast day; the unknown signer may be anybody.
            view(
                EventType::Agreement,
                "2019-06-21",
                Some("Pyongyang"),
                &["Xi Jinping", "Li Qiang"],
            ),
            // A look-back taken for a visit: a negative.
            view(
                EventType::Visit,
                "2018-03",
                None,
                &["Kim Jong Un", "Xi Jinping"],
            ),
            // Out of scope: not counted at all.
            view(EventType::Statement, "2019-06-20", None, &["Xi Jinping"]),
        ];
        let r = score(&[(d, preds)], &Plain);
        let t = &r.total;
        assert_eq!(
            (t.predicted, t.lenient_tp, t.strict_tp, t.gold),
            (3, 2, 1, 2)
        );
        assert_eq!(t.negatives_violated, 1);
        assert_eq!(t.strict_precision, 0.333);
        assert_eq!(t.lenient_precision, 0.667);
        assert_eq!(t.recall, 1.0);
        assert_eq!(t.strict_recall, 0.5);
        let classes: Vec<&str> = r.errors.iter().map(|(c, _)| c.as_str()).collect();
        assert!(classes.contains(&"date-is-publication"), "{classes:?}");
        assert!(classes.contains(&"negative"), "{classes:?}");
        assert!(classes.contains(&"spurious"), "{classes:?}");
        assert!(!classes.contains(&"extra-participant"), "{classes:?}");
        assert_eq!(r.by_lang["zh"].gold, 2);
    }

    #[test]
    fn wrong_place_missing_participant_and_wrong_type_are_named() {
        let d = doc(DOC);
        let preds = vec![
            view(
                EventType::Meeting,
                "2019-06-20",
                Some("Beijing"),
                &["Xi Jinping"],
            ),
            view(EventType::Visit, "2019-06-20", None, &["Xi Jinping"]),
        ];
        let r = score(&[(d, preds)], &Plain);
        let classes: BTreeMap<&str, usize> =
            r.errors.iter().map(|(c, n)| (c.as_str(), *n)).collect();
        assert_eq!(classes.get("wrong-place"), Some(&1));
        assert_eq!(classes.get("missing-participant"), Some(&1));
        assert_eq!(classes.get("wrong-type"), Some(&1));
        assert_eq!(classes.get("missed"), Some(&1));
        assert_eq!(r.total.strict_tp, 0);
    }

    #[test]
    fn the_split_is_the_rules_and_a_hand_moved_document_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl");
        let d = doc(DOC);
        let mut wrong = d.clone();
        wrong.split = match d.split {
            Split::Dev => Split::Test,
            Split::Test => Split::Dev,
        };
        std::fs::write(
            &path,
            format!(
                "{}\n{}\n",
                serde_json::to_string(&d).unwrap(),
                serde_json::to_string(&wrong).unwrap()
            ),
        )
        .unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(
            err.contains("x.jsonl line 2") && err.contains("split"),
            "{err}"
        );
        std::fs::write(&path, format!("{}\n", serde_json::to_string(&d).unwrap())).unwrap();
        assert_eq!(read_file(&path).unwrap().len(), 1);
    }

    #[test]
    fn bad_annotations_name_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.jsonl");
        let d = doc(DOC);
        let mut v = serde_json::to_value(&d).unwrap();
        v["events"][0]["type"] = "summit".into();
        std::fs::write(&path, format!("\n{v}\n")).unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(
            err.contains("line 2") && err.contains("events[0].type"),
            "{err}"
        );
        v["events"][0]["type"] = "meeting".into();
        v["events"][0]["date"] = "June 2019".into();
        std::fs::write(&path, format!("{v}\n")).unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(err.contains("events[0].date"), "{err}");
        v["events"][0]["date"] = "2019-06-20".into();
        v["events"][0]["when"] = "x".into();
        std::fs::write(&path, format!("{v}\n")).unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(err.contains("unknown field `when`"), "{err}");
    }
}
