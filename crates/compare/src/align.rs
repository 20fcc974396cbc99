//! Aligning the statements of two or more reports of one event.
//!
//! Each statement gets features: the concepts it uses, the actors it names, the dates and
//! numbers it gives (all language-independent), and, for reports in the same language,
//! character n-grams of its folded text. Features shared by many statements (the two
//! leaders' names) weigh little; rare ones (a treaty, a date, "denuclearization") weigh much.
//! Pairs are taken greedily by score, each statement used once per pair of sources.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entente_core::{DateValue, Lang, SourceId};
use entente_extract::Extractor;
use entente_extract::gazetteer::fold_for_match;
use serde::{Deserialize, Serialize};

use crate::lexicon::Lexicon;
use crate::segment::{Segment, attribute, segments};

/// A source to compare: metadata and its normalised text.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: SourceId,
    pub outlet: Option<String>,
    pub lang: Lang,
    pub published: Option<DateValue>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub text: String,
}

/// A source as listed in a comparison.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct SourceInfo {
    pub id: String,
    pub outlet: Option<String>,
    pub lang: String,
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One side of a matched pair.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Side {
    pub source_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

/// What differs inside a matched pair.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default, schemars::JsonSchema)]
pub struct Differences {
    pub concepts_only_a: Vec<String>,
    pub concepts_only_b: Vec<String>,
    pub actors_only_a: Vec<String>,
    pub actors_only_b: Vec<String>,
}

/// Two statements that report the same thing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Pair {
    pub a: Side,
    pub b: Side,
    pub score: f64,
    pub concepts_a: Vec<String>,
    pub concepts_b: Vec<String>,
    pub differs: Differences,
}

/// A statement only one source makes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Only {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub concepts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

/// Where a concept was last used in an earlier comparable event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LastSeen {
    pub event_id: String,
    pub date: Option<String>,
    pub source_id: String,
}

/// A concept present in earlier comparable events but absent from every compared source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Absence {
    pub concept: String,
    pub last_seen: LastSeen,
    /// How many earlier comparable events used it.
    pub events: usize,
}

/// The result of a comparison (the JSON of `entente compare`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default, schemars::JsonSchema)]
pub struct Comparison {
    pub sources: Vec<SourceInfo>,
    pub pairs: Vec<Pair>,
    /// Statements that no other source matched, per source id.
    pub only: BTreeMap<String, Vec<Only>>,
    /// Concept × source presence, for every concept at least one source uses.
    pub concepts: BTreeMap<String, BTreeMap<String, bool>>,
    /// Concepts a source remarks were not used ("the readout did not mention …"), per source.
    pub noted_absent: BTreeMap<String, Vec<String>>,
    pub absences: Vec<Absence>,
}

/// Lowest score at which two statements are paired.
pub const MIN_SCORE: f64 = 0.2;

/// A statement with its features.
struct Unit {
    seg: Segment,
    concepts: BTreeSet<usize>,
    actors: BTreeSet<String>,
    /// Language-independent features: `c:concept`, `a:actor`, `d:date`, `n:number`.
    keys: BTreeSet<String>,
    /// Hashed character n-grams of the folded text, sorted and unique.
    grams: Vec<u64>,
}

struct Analyzed {
    units: Vec<Unit>,
    concepts: BTreeSet<usize>,
    /// Concepts a sentence says were not used ("did not mention denuclearization").
    noted_absent: BTreeSet<usize>,
    lang: String,
}

fn primary(l: &Lang) -> String {
    l.tag().split('-').next().unwrap_or("und").to_string()
}

/// Analyses one document: segments, speakers, concepts, actors, dates, numbers, n-grams.
fn analyze(doc: &Document, lexicon: &Lexicon, extractor: &Extractor) -> Analyzed {
    let text = doc.text.as_str();
    let folded = fold_for_match(text);
    let extraction = extractor.extract(&entente_extract::Input {
        source_id: doc.id,
        text,
        lang: &doc.lang,
        published: doc.published,
    });
    let mut segs = segments(text);
    attribute(&mut segs, &extraction.statements);
    let concept_hits = lexicon.find_concepts(&folded);
    let dates = entente_text::dates::find_dates(text, &doc.lang, doc.published);
    let n = if doc.lang.is_cjk() || doc.lang == Lang::Ko {
        2
    } else {
        3
    };
    let mut units = Vec::with_capacity(segs.len());
    let mut all_concepts = BTreeSet::new();
    let mut noted_absent = BTreeSet::new();
    for seg in segs {
        let inside = |s: usize, e: usize| s >= seg.start && e <= seg.end;
        let concepts: BTreeSet<usize> = concept_hits
            .iter()
            .filter(|h| !h.negated && inside(h.start, h.end))
            .map(|h| h.concept)
            .collect();
        noted_absent.extend(
            concept_hits
                .iter()
                .filter(|h| h.negated && inside(h.start, h.end))
                .map(|h| h.concept),
        );
        all_concepts.extend(concepts.iter().copied());
        let actors: BTreeSet<String> = extraction
            .mentions
            .iter()
            .filter(|m| inside(m.start, m.end))
            .map(|m| m.actor_id.clone())
            .collect();
        let mut keys: BTreeSet<String> = concepts
            .iter()
            .map(|&c| format!("c:{}", lexicon.concepts()[c].id))
            .collect();
        keys.extend(actors.iter().map(|a| format!("a:{a}")));
        let seg_dates: Vec<_> = dates.iter().filter(|d| inside(d.start, d.end)).collect();
        keys.extend(seg_dates.iter().map(|d| format!("d:{}", d.value)));
        keys.extend(
            numbers(&folded[seg.start..seg.end], seg.start)
                .into_iter()
                .filter(|(at, _)| !seg_dates.iter().any(|d| d.start <= *at && *at < d.end))
                .map(|(_, v)| format!("n:{v}")),
        );
        let grams = ngrams(&folded[seg.start..seg.end], n);
        units.push(Unit {
            seg,
            concepts,
            actors,
            keys,
            grams,
        });
    }
    Analyzed {
        units,
        concepts: all_concepts,
        noted_absent,
        lang: primary(&doc.lang),
    }
}

/// Numbers of two or more digits (or with a decimal part) and where they start.
fn numbers(s: &str, offset: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    let b = s.as_bytes();
    for i in 0..=b.len() {
        let digit = i < b.len() && (b[i].is_ascii_digit() || (b[i] == b'.' && start.is_some()));
        match (digit, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                let v = s[st..i].trim_end_matches('.');
                if v.len() >= 2 {
                    out.push((offset + st, v.to_string()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Hashed character n-grams of the letters and digits of `s` (other characters become one
/// space), sorted and unique.
fn ngrams(s: &str, n: usize) -> Vec<u64> {
    let mut chars: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            chars.push(c);
        } else if chars.last().is_some_and(|&l| l != ' ') {
            chars.push(' ');
        }
    }
    let mut out: Vec<u64> = chars
        .windows(n)
        .filter(|w| w.iter().filter(|&&c| c != ' ').count() >= n.min(2))
        .map(|w| {
            // FNV-1a: stable across runs and platforms (the output must be reproducible).
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for &c in w {
                h ^= c as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// Weighted cosine of two feature sets.
fn cosine(a: &BTreeSet<String>, b: &BTreeSet<String>, weight: &HashMap<&str, f64>) -> f64 {
    let w = |k: &String| weight.get(k.as_str()).copied().unwrap_or(0.0);
    let norm = |s: &BTreeSet<String>| s.iter().map(|k| w(k).powi(2)).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    a.intersection(b).map(|k| w(k).powi(2)).sum::<f64>() / (na * nb)
}

/// Similarity of two statements. Across languages only the language-independent features
/// count, and at least a concept or two other features must be shared.
fn score(x: &Unit, y: &Unit, same_lang: bool, weight: &HashMap<&str, f64>) -> f64 {
    let feat = cosine(&x.keys, &y.keys, weight);
    if same_lang {
        let g = dice(&x.grams, &y.grams);
        return 0.6 * g + 0.4 * feat;
    }
    let shared: Vec<&String> = x.keys.intersection(&y.keys).collect();
    let concept = shared.iter().any(|k| k.starts_with("c:"));
    if concept || shared.len() >= 2 {
        feat
    } else {
        0.0
    }
}

fn ids(lexicon: &Lexicon, set: &BTreeSet<usize>) -> Vec<String> {
    let mut v: Vec<String> = set
        .iter()
        .map(|&c| lexicon.concepts()[c].id.clone())
        .collect();
    v.sort();
    v
}

fn diff<T: Ord + Clone>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
    a.difference(b).cloned().collect()
}

/// Compares the documents: pairs, statements only one makes, concept presence. Absences
/// need the knowledge base and are filled by [`crate::absence`].
pub fn compare(docs: &[Document], lexicon: &Lexicon, extractor: &Extractor) -> Comparison {
    let analyzed: Vec<Analyzed> = docs
        .iter()
        .map(|d| analyze(d, lexicon, extractor))
        .collect();
    // Inverse document frequency of each feature over all statements of all sources.
    let total: usize = analyzed.iter().map(|a| a.units.len()).sum();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for a in &analyzed {
        for u in &a.units {
            for k in &u.keys {
                *df.entry(k.as_str()).or_default() += 1;
            }
        }
    }
    let weight: HashMap<&str, f64> = df
        .iter()
        .map(|(k, &n)| {
            let boost = if k.starts_with("c:") { 1.5 } else { 1.0 };
            (*k, boost * (1.0 + (total as f64 / n as f64)).ln())
        })
        .collect();

    let mut pairs = Vec::new();
    let mut used: Vec<Vec<bool>> = analyzed
        .iter()
        .map(|a| vec![false; a.units.len()])
        .collect();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let (ai, aj) = (&analyzed[i], &analyzed[j]);
            let same = ai.lang == aj.lang;
            let mut cands: Vec<(f64, usize, usize)> = Vec::new();
            for (x, ux) in ai.units.iter().enumerate() {
                for (y, uy) in aj.units.iter().enumerate() {
                    let s = score(ux, uy, same, &weight);
                    if s >= MIN_SCORE {
                        cands.push((s, x, y));
                    }
                }
            }
            cands.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
            let mut taken_x = vec![false; ai.units.len()];
            let mut taken_y = vec![false; aj.units.len()];
            let mut found = Vec::new();
            for (s, x, y) in cands {
                if taken_x[x] || taken_y[y] {
                    continue;
                }
                taken_x[x] = true;
                taken_y[y] = true;
                used[i][x] = true;
                used[j][y] = true;
                found.push((x, y, s));
            }
            found.sort_by_key(|&(x, y, _)| (x, y));
            for (x, y, s) in found {
                let (ux, uy) = (&ai.units[x], &aj.units[y]);
                pairs.push(Pair {
                    a: side(&docs[i], ux),
                    b: side(&docs[j], uy),
                    score: (s * 1000.0).round() / 1000.0,
                    concepts_a: ids(lexicon, &ux.concepts),
                    concepts_b: ids(lexicon, &uy.concepts),
                    differs: Differences {
                        concepts_only_a: ids(
                            lexicon,
                            &ux.concepts.difference(&uy.concepts).copied().collect(),
                        ),
                        concepts_only_b: ids(
                            lexicon,
                            &uy.concepts.difference(&ux.concepts).copied().collect(),
                        ),
                        actors_only_a: diff(&ux.actors, &uy.actors),
                        actors_only_b: diff(&uy.actors, &ux.actors),
                    },
                });
            }
        }
    }

    let mut only = BTreeMap::new();
    for (i, a) in analyzed.iter().enumerate() {
        let list: Vec<Only> = a
            .units
            .iter()
            .zip(&used[i])
            .filter(|(_, u)| !**u)
            .map(|(u, _)| Only {
                start: u.seg.start,
                end: u.seg.end,
                text: docs[i].text[u.seg.range()].to_string(),
                concepts: ids(lexicon, &u.concepts),
                speaker: u.seg.speaker.clone(),
            })
            .collect();
        only.insert(docs[i].id.to_hex(), list);
    }

    let mut concepts: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    let present: BTreeSet<usize> = analyzed
        .iter()
        .flat_map(|a| a.concepts.iter().copied())
        .collect();
    for c in present {
        let row = docs
            .iter()
            .zip(&analyzed)
            .map(|(d, a)| (d.id.to_hex(), a.concepts.contains(&c)))
            .collect();
        concepts.insert(lexicon.concepts()[c].id.clone(), row);
    }

    let noted_absent = docs
        .iter()
        .zip(&analyzed)
        .filter(|(_, a)| !a.noted_absent.is_empty())
        .map(|(d, a)| (d.id.to_hex(), ids(lexicon, &a.noted_absent)))
        .collect();
    Comparison {
        sources: docs.iter().map(info).collect(),
        pairs,
        only,
        concepts,
        noted_absent,
        absences: Vec::new(),
    }
}

fn side(d: &Document, u: &Unit) -> Side {
    Side {
        source_id: d.id.to_hex(),
        start: u.seg.start,
        end: u.seg.end,
        text: d.text[u.seg.range()].to_string(),
        speaker: u.seg.speaker.clone(),
    }
}

/// The listing of a source in a comparison.
pub fn info(d: &Document) -> SourceInfo {
    SourceInfo {
        id: d.id.to_hex(),
        outlet: d.outlet.clone(),
        lang: d.lang.tag().to_string(),
        published: d.published.map(|p| p.to_string()),
        title: d.title.clone(),
        url: d.url.clone(),
    }
}

/// Concepts used anywhere in a text (for earlier events' sources).
pub fn concepts_in(text: &str, lexicon: &Lexicon) -> BTreeSet<String> {
    lexicon
        .find_concepts(&fold_for_match(text))
        .into_iter()
        .filter(|h| !h.negated)
        .map(|h| lexicon.concepts()[h.concept].id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngram_similarity_is_symmetric_and_bounded() {
        let a = ngrams(&fold_for_match("両首脳は会談した"), 2);
        let b = ngrams(&fold_for_match("両首脳が会談を行った"), 2);
        let s = dice(&a, &b);
        assert!(s > 0.2 && s < 1.0, "{s}");
        assert_eq!(s, dice(&b, &a));
        assert_eq!(dice(&a, &a), 1.0);
        assert_eq!(dice(&a, &[]), 0.0);
    }

    #[test]
    fn numbers_skip_single_digits() {
        let n: Vec<String> = numbers("in 2024, 3 bridges, 1.5 bn", 0)
            .into_iter()
            .map(|x| x.1)
            .collect();
        assert_eq!(n, vec!["2024", "1.5"]);
    }
}
