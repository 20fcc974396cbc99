//! Evaluation against a gold set: precision, recall and F1 for event detection, dates,
//! participants and places. The gold format is documented in `eval/gold/README.md`; the
//! real-text set (`eval/gold-real/`) is scored by [`real`].

pub mod real;

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analysis::EventView;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
pub struct GoldParticipant {
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
pub struct GoldEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub participants: Vec<GoldParticipant>,
    #[serde(default)]
    pub framework: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
struct GoldFile {
    events: Vec<GoldEvent>,
}

/// Reads `NAME.json` beside `NAME.md`.
pub fn read_gold(md: &Path) -> Result<Vec<GoldEvent>, String> {
    let json = md.with_extension("json");
    let text = std::fs::read_to_string(&json).map_err(|e| format!("{}: {e}", json.display()))?;
    let f: GoldFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} line {} column {}: {e}",
            json.display(),
            e.line(),
            e.column()
        )
    })?;
    Ok(f.events)
}

/// Precision, recall, F1 with the counts behind them.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Prf {
    pub tp: usize,
    pub predicted: usize,
    pub gold: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(tp: usize, predicted: usize, gold: usize) -> Prf {
        let p = if predicted == 0 {
            0.0
        } else {
            tp as f64 / predicted as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            tp as f64 / gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        Prf {
            tp,
            predicted,
            gold,
            precision: round(p),
            recall: round(r),
            f1: round(f),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub documents: usize,
    pub events: Prf,
    pub dates: Prf,
    pub participants: Prf,
    pub places: Prf,
    /// Per document: (file, gold events, predicted, matched).
    pub per_document: Vec<(String, usize, usize, usize)>,
    /// Matched events whose dates differ: (file, type, gold date, extracted date).
    pub date_mismatches: Vec<(String, String, Option<String>, Option<String>)>,
    /// Per document, which gold event each prediction matched (for error analysis).
    pub details: Vec<DocDetail>,
}

/// How one document's predictions line up with its gold events.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct DocDetail {
    pub file: String,
    /// (gold index, prediction index) of matched pairs.
    pub matched: Vec<(usize, usize)>,
    /// Gold events no prediction matched.
    pub missed: Vec<usize>,
    /// Predictions that matched no gold event.
    pub spurious: Vec<usize>,
}

fn names(v: &EventView) -> BTreeSet<String> {
    v.participants
        .iter()
        .map(|p| p.name_en.to_lowercase())
        .collect()
}

fn gold_names(g: &GoldEvent) -> BTreeSet<String> {
    g.participants
        .iter()
        .map(|p| p.name.to_lowercase())
        .collect()
}

/// Scores predictions against gold, document by document. Within a document an event
/// matches a gold event of the same type sharing at least one participant; pairs are taken
/// best first (equal dates, then most shared participants), each event used once. Dates count when the EDTF strings are equal; participants are
/// scored over matched pairs (micro-averaged); places by canonical English name.
pub fn score(docs: &[(String, Vec<GoldEvent>, Vec<EventView>)]) -> Report {
    let (mut tp, mut np, mut ng) = (0, 0, 0);
    let (mut date_tp, mut part_tp, mut part_p, mut part_g) = (0, 0, 0, 0);
    let (mut place_tp, mut place_p, mut place_g) = (0, 0, 0);
    let mut per = Vec::new();
    let mut date_mismatches = Vec::new();
    let mut details = Vec::new();
    for (name, gold, pred) in docs {
        let mut detail = DocDetail {
            file: name.clone(),
            ..DocDetail::default()
        };
        np += pred.len();
        ng += gold.len();
        // Pairs are taken best first over the whole document (same date, then most shared
        // participants), so a background event of a gold list ordered by date does not take
        // the prediction that reports the main event.
        let mut pairs: Vec<(bool, usize, usize, usize)> = Vec::new();
        for (gi, g) in gold.iter().enumerate() {
            let gn = gold_names(g);
            for (pi, p) in pred.iter().enumerate() {
                let shared = names(p).intersection(&gn).count();
                if p.kind.as_str() == g.kind && shared > 0 {
                    pairs.push((p.date == g.date, shared, gi, pi));
                }
            }
        }
        pairs.sort_by_key(|&(same_date, shared, gi, pi)| {
            (std::cmp::Reverse((same_date, shared)), gi, pi)
        });
        let mut used = vec![false; pred.len()];
        let mut gold_used = vec![false; gold.len()];
        let mut matched = 0;
        for (_, _, gi, i) in pairs {
            if used[i] || gold_used[gi] {
                continue;
            }
            let g = &gold[gi];
            let gn = gold_names(g);
            detail.matched.push((gi, i));
            used[i] = true;
            gold_used[gi] = true;
            matched += 1;
            let p = &pred[i];
            if p.date == g.date {
                date_tp += 1;
            } else {
                date_mismatches.push((
                    name.clone(),
                    g.kind.clone(),
                    g.date.clone(),
                    p.date.clone(),
                ));
            }
            let pn = names(p);
            part_tp += pn.intersection(&gn).count();
            if let (Some(pp), Some(gp)) = (&p.place, &g.place)
                && pp.name_en.eq_ignore_ascii_case(gp)
            {
                place_tp += 1;
            }
        }
        detail.matched.sort();
        detail.missed = (0..gold.len()).filter(|i| !gold_used[*i]).collect();
        tp += matched;
        for p in pred {
            part_p += p.participants.len();
            place_p += usize::from(p.place.is_some());
        }
        for g in gold {
            part_g += g.participants.len();
            place_g += usize::from(g.place.is_some());
        }
        per.push((name.clone(), gold.len(), pred.len(), matched));
        detail.spurious = (0..pred.len()).filter(|i| !used[*i]).collect();
        details.push(detail);
    }
    Report {
        documents: docs.len(),
        events: Prf::new(tp, np, ng),
        dates: Prf::new(date_tp, np, ng),
        participants: Prf::new(part_tp, part_p, part_g),
        places: Prf::new(place_tp, place_p, place_g),
        per_document: per,
        date_mismatches,
        details,
    }
}
