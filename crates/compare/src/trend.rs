//! Phrase and concept trends through the search index, and intensity ladders over the
//! knowledge base's exchanges between two states.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use entente_core::SourceId;
use entente_extract::gazetteer::fold_for_match;
use entente_store::{EventFilter, MonthCount, SearchIndex, SearchQuery, Store};
use serde::{Deserialize, Serialize};

use crate::CompareError;
use crate::lexicon::{Concept, Lexicon};

/// The width of a trend's periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Month,
    Quarter,
    Year,
}

impl std::str::FromStr for Bucket {
    type Err = CompareError;
    fn from_str(s: &str) -> Result<Self, CompareError> {
        match s {
            "month" => Ok(Bucket::Month),
            "quarter" => Ok(Bucket::Quarter),
            "year" => Ok(Bucket::Year),
            _ => Err(CompareError::Input(format!(
                "`{s}` is not a period: use month, quarter or year"
            ))),
        }
    }
}

impl Bucket {
    /// The period label of a day: `2025-09`, `2025-Q3`, `2025`.
    pub fn label(&self, d: NaiveDate) -> String {
        match self {
            Bucket::Month => format!("{:04}-{:02}", d.year(), d.month()),
            Bucket::Quarter => format!("{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Bucket::Year => format!("{:04}", d.year()),
        }
    }

    /// Every period label from `first` to `last`, inclusive (for gap-free series).
    pub fn range(&self, first: NaiveDate, last: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        let (mut y, mut m) = (first.year(), first.month());
        while let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
            if d > last {
                break;
            }
            let l = self.label(d);
            if out.last() != Some(&l) {
                out.push(l);
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        out
    }
}

/// One period (and outlet) of a trend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TrendRow {
    pub period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Sources matching the phrase or concept.
    pub matches: u64,
    /// All sources of the period (and outlet) in the index, matching the filters.
    pub sources: u64,
    /// Matches per 1,000 sources.
    pub per_1000: Option<f64>,
}

/// A phrase or concept trend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Trend {
    /// What was searched (the concept's terms joined by OR).
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concept: Option<String>,
    pub by: Bucket,
    pub by_outlet: bool,
    pub rows: Vec<TrendRow>,
    /// Matching sources without a publication date (not in any period).
    pub undated: u64,
}

/// Filters that apply to both the matches and the volume they are normalised by.
#[derive(Debug, Clone, Default)]
pub struct TrendFilter {
    pub langs: Vec<String>,
    pub outlets: Vec<String>,
    pub from: Option<entente_core::DateValue>,
    pub to: Option<entente_core::DateValue>,
}

/// The search expression for a phrase: quoted, so its words must occur together.
pub fn phrase_query(phrase: &str) -> String {
    let p = phrase.trim();
    if p.starts_with('"') || p.contains(" OR ") || p.contains(" AND ") {
        p.to_string()
    } else {
        format!("\"{}\"", p.replace('"', " "))
    }
}

/// The search expression for a concept: every term, quoted, joined by OR. Prefix marks are
/// dropped (the index stems Russian and English words).
pub fn concept_query(c: &Concept) -> String {
    let mut seen = BTreeSet::new();
    let mut parts = Vec::new();
    for (_, t) in c.terms.all() {
        let t = t.trim().trim_end_matches('*').replace('"', " ");
        if seen.insert(fold_for_match(&t)) {
            parts.push(format!("\"{t}\""));
        }
    }
    parts.join(" OR ")
}

fn query(text: String, f: &TrendFilter) -> SearchQuery {
    SearchQuery {
        text,
        langs: f.langs.clone(),
        outlets: f.outlets.clone(),
        from: f.from,
        to: f.to,
        ..Default::default()
    }
}

/// Counts sources matching `expr` per period (and outlet), with the volume of each period.
pub fn trend(
    index: &SearchIndex,
    expr: &str,
    concept: Option<&str>,
    by: Bucket,
    by_outlet: bool,
    filter: &TrendFilter,
) -> Result<Trend, CompareError> {
    let matches = index.month_outlet_counts(Some(&query(expr.to_string(), filter)))?;
    let no_filter = filter.langs.is_empty()
        && filter.outlets.is_empty()
        && filter.from.is_none()
        && filter.to.is_none();
    let volume = if no_filter {
        index.month_outlet_counts(None)?
    } else {
        index.month_outlet_counts(Some(&query(String::new(), filter)))?
    };
    let key = |c: &MonthCount| -> Option<(String, Option<String>)> {
        let day = c.month?;
        Some((
            by.label(day),
            if by_outlet { c.outlet.clone() } else { None },
        ))
    };
    let mut m: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
    let mut undated = 0;
    let (mut first, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    for c in &matches {
        match key(c) {
            Some(k) => {
                *m.entry(k).or_default() += c.docs;
                let d = c.month.unwrap_or_default();
                first = Some(first.map_or(d, |f| f.min(d)));
                last = Some(last.map_or(d, |l| l.max(d)));
            }
            None => undated += c.docs,
        }
    }
    let mut v: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
    for c in &volume {
        if let Some(k) = key(c) {
            *v.entry(k).or_default() += c.docs;
        }
    }
    let mut rows = Vec::new();
    if let (Some(first), Some(last)) = (first, last) {
        let outlets: BTreeSet<Option<String>> = if by_outlet {
            m.keys().map(|(_, o)| o.clone()).collect()
        } else {
            BTreeSet::from([None])
        };
        for period in by.range(first, last) {
            for o in &outlets {
                let k = (period.clone(), o.clone());
                let n = m.get(&k).copied().unwrap_or(0);
                let total = v.get(&k).copied().unwrap_or(0);
                rows.push(TrendRow {
                    period: period.clone(),
                    outlet: o.clone(),
                    matches: n,
                    sources: total,
                    per_1000: (total > 0)
                        .then(|| (n as f64 * 1000.0 / total as f64 * 10.0).round() / 10.0),
                });
            }
        }
    }
    Ok(Trend {
        query: expr.to_string(),
        concept: concept.map(str::to_string),
        by,
        by_outlet,
        rows,
        undated,
    })
}

/// Per period: exchanges, exchanges per strongest level, ranks, one example per level.
type LadderAcc = (usize, Vec<usize>, Vec<u32>, Vec<LadderExample>);

/// One period of a ladder trend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LadderRow {
    pub period: String,
    /// Exchanges between the two states in the period.
    pub events: usize,
    /// How many exchanges had each level as their strongest wording (by level id, in rank order).
    pub levels: Vec<(String, usize)>,
    /// The strongest wording of the period.
    pub top: Option<String>,
    /// Mean rank of the exchanges' strongest wording (exchanges without ladder wording left out).
    pub mean_rank: Option<f64>,
    /// One citation per level reached in the period: (level, source, quote).
    pub examples: Vec<LadderExample>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LadderExample {
    pub level: String,
    pub event_id: String,
    pub source_id: String,
    pub quote: String,
}

/// A ladder trend between two states.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LadderTrend {
    pub ladder: String,
    pub actors: (String, String),
    pub by: Bucket,
    pub rows: Vec<LadderRow>,
}

/// The paragraph of `text` that holds `at` (an event's citation): wording like "exchanged
/// views" often follows the sentence that reports the meeting.
fn paragraph(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let e = text[end.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| end + i);
    (s, e)
}

/// How the wording of exchanges between states `a` and `b` moved along a ladder.
pub fn ladder_trend(
    store: &dyn Store,
    lexicon: &Lexicon,
    ladder_id: &str,
    a: &str,
    b: &str,
    by: Bucket,
    filter: &EventFilter,
) -> Result<LadderTrend, CompareError> {
    let (li, ladder) = lexicon.ladder(ladder_id)?;
    let rows = entente_extract::analysis::exchanges(store, a, b, None, true, filter)?;
    let mut texts: BTreeMap<SourceId, String> = BTreeMap::new();
    // period -> (events, per-level counts, ranks, examples)
    let mut per: BTreeMap<String, LadderAcc> = BTreeMap::new();
    let (mut first, mut last): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    for row in &rows {
        for id in &row.event_ids {
            let Some(e) = store.event(id)? else { continue };
            let Some(date) = e.date else { continue };
            let day = date.first_day();
            first = Some(first.map_or(day, |f| f.min(day)));
            last = Some(last.map_or(day, |l| l.max(day)));
            let entry = per
                .entry(by.label(day))
                .or_insert_with(|| (0, vec![0; ladder.levels.len()], Vec::new(), Vec::new()));
            entry.0 += 1;
            let mut best: Option<(usize, LadderExample)> = None;
            for c in &e.citations {
                if let std::collections::btree_map::Entry::Vacant(slot) = texts.entry(c.source_id) {
                    slot.insert(store.source_text(&c.source_id)?.unwrap_or_default());
                }
                let text = &texts[&c.source_id];
                if c.end > text.len() {
                    continue;
                }
                let (ps, pe) = paragraph(text, c.start, c.end);
                for h in lexicon.find_levels(li, &fold_for_match(&text[ps..pe])) {
                    if best.as_ref().is_none_or(|(l, _)| h.level > *l) {
                        let (qs, qe) = paragraph_sentence(text, ps + h.start, ps + h.end);
                        best = Some((
                            h.level,
                            LadderExample {
                                level: ladder.levels[h.level].id.clone(),
                                event_id: e.id.clone(),
                                source_id: c.source_id.to_hex(),
                                quote: text[qs..qe].to_string(),
                            },
                        ));
                    }
                }
            }
            if let Some((level, ex)) = best {
                entry.1[level] += 1;
                entry.2.push(ladder.levels[level].rank);
                if !entry.3.iter().any(|x| x.level == ex.level) {
                    entry.3.push(ex);
                }
            }
        }
    }
    let mut out = Vec::new();
    if let (Some(first), Some(last)) = (first, last) {
        for period in by.range(first, last) {
            let (events, counts, ranks, examples) = per
                .remove(&period)
                .unwrap_or_else(|| (0, vec![0; ladder.levels.len()], Vec::new(), Vec::new()));
            let top = counts
                .iter()
                .rposition(|&n| n > 0)
                .map(|i| ladder.levels[i].id.clone());
            out.push(LadderRow {
                period,
                events,
                levels: ladder
                    .levels
                    .iter()
                    .zip(&counts)
                    .map(|(l, &n)| (l.id.clone(), n))
                    .collect(),
                top,
                mean_rank: (!ranks.is_empty()).then(|| {
                    let m = ranks.iter().map(|&r| r as f64).sum::<f64>() / ranks.len() as f64;
                    (m * 100.0).round() / 100.0
                }),
                examples,
            });
        }
    }
    Ok(LadderTrend {
        ladder: ladder.id.clone(),
        actors: (a.to_string(), b.to_string()),
        by,
        rows: out,
    })
}

/// The sentence around a hit, for a quotable example.
fn paragraph_sentence(text: &str, start: usize, end: usize) -> (usize, usize) {
    for s in entente_extract::sentences::sentences(text) {
        if s.start <= start && end <= s.end {
            return (s.start, s.end);
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_labels_and_ranges() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(Bucket::Quarter.label(d(2025, 9, 4)), "2025-Q3");
        assert_eq!(
            Bucket::Quarter.range(d(2024, 11, 30), d(2025, 4, 1)),
            vec!["2024-Q4", "2025-Q1", "2025-Q2"]
        );
        assert_eq!(
            Bucket::Year.range(d(2023, 5, 1), d(2025, 1, 1)),
            vec!["2023", "2024", "2025"]
        );
        assert_eq!(
            Bucket::Month.range(d(2024, 12, 31), d(2025, 2, 1)),
            vec!["2024-12", "2025-01", "2025-02"]
        );
        assert!("week".parse::<Bucket>().is_err());
    }

    #[test]
    fn phrase_queries_are_quoted_once() {
        assert_eq!(
            phrase_query("long-term cooperation"),
            "\"long-term cooperation\""
        );
        assert_eq!(phrase_query("\"a b\""), "\"a b\"");
    }
}
