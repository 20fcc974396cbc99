//! How outlets reported the same event, and how wording changes over time: which sources a
//! comparison aligns, and the trends of phrases, concepts and ladders.

use entente_compare::trend::{self, Bucket, LadderTrend, Trend, TrendFilter};
use entente_compare::{Comparison, Document, Lexicon, absence};
use entente_core::{DateValue, SourceId};
use entente_store::{EventFilter, Repo};
use serde::{Deserialize, Serialize};

use crate::error::{Context as _, Result};
use crate::{App, AppError};

/// What to compare: two or more sources, or every report of an event (grouped by outlet,
/// optionally one per named outlet: the longest).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CompareRequest {
    /// Source ids or unique prefixes.
    pub sources: Vec<String>,
    /// An event id: compare the sources that cite it.
    pub event: Option<String>,
    /// With `event`: only reports from these outlets, one each.
    pub outlets: Vec<String>,
    /// Skip the notable-absence check against earlier events.
    pub no_absences: bool,
}

/// How often a phrase or a concept's terms are used per period (and outlet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrendQuery {
    /// A word or phrase (quoted; AND / OR expressions pass through). One of `phrase` and
    /// `concept`.
    #[serde(default)]
    pub phrase: Option<String>,
    /// A concept id from `data/concepts`.
    #[serde(default)]
    pub concept: Option<String>,
    #[serde(default = "year")]
    pub by: Bucket,
    /// Split the counts by outlet.
    #[serde(default)]
    pub by_outlet: bool,
    #[serde(default)]
    pub langs: Vec<String>,
    #[serde(default)]
    pub outlets: Vec<String>,
    #[serde(default)]
    pub from: Option<DateValue>,
    #[serde(default)]
    pub to: Option<DateValue>,
}

/// The strongest wording of each exchange between two states, per period, on a ladder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LadderQuery {
    /// A ladder id from `data/concepts/ladders.toml`.
    pub ladder: String,
    /// Two states (ISO codes).
    pub states: Vec<String>,
    #[serde(default = "year")]
    pub by: Bucket,
    #[serde(default)]
    pub from: Option<DateValue>,
    #[serde(default)]
    pub to: Option<DateValue>,
}

fn year() -> Bucket {
    Bucket::Year
}

/// The sources `ids` as comparison documents.
fn documents(repo: &Repo, ids: &[SourceId]) -> Result<Vec<Document>> {
    let mut docs = Vec::new();
    for id in ids {
        let s = repo
            .store()
            .get_source(id)?
            .with_context(|| format!("source {} is not in the store", id.to_hex()))?;
        docs.push(Document {
            id: s.id,
            outlet: s.outlet.clone(),
            lang: s.lang.clone(),
            published: s.published,
            title: s.title.clone(),
            url: s.url.clone(),
            text: s.text.clone(),
        });
    }
    Ok(docs)
}

/// Runs a comparison: of the given sources, or of every source of `event` (grouped by outlet).
pub(crate) fn run_comparison(
    repo: &Repo,
    extractor: &entente_extract::Extractor,
    lexicon: &Lexicon,
    sources: &[String],
    event: Option<&str>,
    outlets: &[String],
    with_absences: bool,
) -> Result<Comparison> {
    let store = repo.store();
    let ids: Vec<SourceId> = match event {
        Some(e) => {
            let ev = store
                .event(e)?
                .with_context(|| format!("no event `{e}` (see `entente events list`)"))?;
            let mut ids: Vec<SourceId> = ev.citations.iter().map(|c| c.source_id).collect();
            ids.sort();
            ids.dedup();
            ids
        }
        None => sources
            .iter()
            .map(|s| store.resolve_id(s))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut docs = documents(repo, &ids)?;
    if event.is_some() {
        docs.sort_by(|a, b| {
            (&a.outlet, a.published, a.lang.tag()).cmp(&(&b.outlet, b.published, b.lang.tag()))
        });
    }
    if !outlets.is_empty() {
        let mut picked = Vec::new();
        for o in outlets {
            let best = docs
                .iter()
                .filter(|d| {
                    d.outlet
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(o.trim()))
                })
                .max_by_key(|d| (d.text.len(), std::cmp::Reverse(d.id)));
            match best {
                Some(d) => picked.push(d.clone()),
                None => {
                    return Err(AppError::not_found(format!(
                        "no report from `{o}` cites this event; its outlets are: {}",
                        docs.iter()
                            .filter_map(|d| d.outlet.clone())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        docs = picked;
    }
    if docs.len() < 2 {
        return Err(AppError::invalid(format!(
            "a comparison needs at least two sources; {} given{}",
            docs.len(),
            if event.is_some() {
                " (the event is cited by only one source)"
            } else {
                ""
            }
        )));
    }
    let mut cmp = entente_compare::compare(&docs, lexicon, extractor);
    if with_absences && let Some(ev) = absence::principal_event(store, &docs, event)? {
        cmp.absences = absence::absences(store, lexicon, &docs, &ev)?;
    }
    Ok(cmp)
}

impl App {
    /// The concepts, ladders and outlet profiles under `data/concepts`, loaded once.
    pub fn lexicon(&self) -> Result<&Lexicon> {
        if let Some(l) = self.lexicon.get() {
            return Ok(l);
        }
        let l = Lexicon::bundled().context("loading data/concepts")?;
        Ok(self.lexicon.get_or_init(|| l))
    }

    /// Aligns the statements of two or more reports, with what each left out, the concepts
    /// each used and (unless `no_absences`) notable absences against earlier events.
    pub fn compare(&self, req: &CompareRequest) -> Result<Comparison> {
        if req.event.is_none() && req.sources.len() < 2 {
            return Err(AppError::invalid(
                "give two or more sources (ids or prefixes), or an event",
            ));
        }
        if req.event.is_none() && !req.outlets.is_empty() {
            return Err(AppError::invalid(
                "`outlets` chooses among the reports of an event; give `event` too",
            ));
        }
        let repo = self.repo()?;
        let extractor = entente_extract::run::extractor_for(repo.store())?;
        run_comparison(
            repo,
            &extractor,
            self.lexicon()?,
            &req.sources,
            req.event.as_deref(),
            &req.outlets,
            !req.no_absences,
        )
    }

    /// Counts of a phrase or concept per period (and outlet), with sources per period.
    pub fn trend(&self, q: &TrendQuery) -> Result<Trend> {
        let lexicon = self.lexicon()?;
        let (expr, concept) = match (&q.phrase, &q.concept) {
            (None, Some(c)) => (
                trend::concept_query(lexicon.require_concept(c)?),
                Some(c.as_str()),
            ),
            (Some(p), None) => (trend::phrase_query(p), None),
            (Some(_), Some(_)) => {
                return Err(AppError::invalid("give a phrase or a concept, not both"));
            }
            (None, None) => {
                return Err(AppError::invalid("give a phrase, a concept or a ladder"));
            }
        };
        let filter = TrendFilter {
            langs: q.langs.clone(),
            outlets: q.outlets.clone(),
            from: q.from,
            to: q.to,
        };
        let repo = self.repo()?;
        Ok(trend::trend(
            repo.index(),
            &expr,
            concept,
            q.by,
            q.by_outlet,
            &filter,
        )?)
    }

    /// The strongest wording per exchange between two states on a ladder, per period.
    pub fn ladder_trend(&self, q: &LadderQuery) -> Result<LadderTrend> {
        let [x, y] = q.states.as_slice() else {
            return Err(AppError::invalid(
                "a ladder trend takes two state codes, e.g. RU,KP",
            ));
        };
        let (x, y) = (
            crate::kb::state_code("states", x)?,
            crate::kb::state_code("states", y)?,
        );
        let filter = EventFilter {
            from: q.from.map(|d| d.start()),
            to: q.to.map(|d| d.end()),
            ..Default::default()
        };
        let repo = self.repo()?;
        Ok(trend::ladder_trend(
            repo.store(),
            self.lexicon()?,
            &q.ladder,
            &x,
            &y,
            q.by,
            &filter,
        )?)
    }
}
