//! The concept lexicon and intensity ladders (`data/concepts/*.toml`), loaded and validated.
//!
//! A concept is a diplomatic notion ("denuclearization", "aid", "strategic_communication")
//! with its terms in ja, zh (both scripts), ko (both Koreas' spellings), en and ru. A ladder
//! orders wordings by intensity ("talked" < "exchanged views" < "discussed in detail").
//! Terms follow [`TermMatcher`]'s rules: CJK and Korean match anywhere, Latin and Cyrillic
//! at word boundaries, a trailing `*` makes a word prefix.

use std::collections::{BTreeMap, BTreeSet};

use entente_extract::gazetteer::fold_for_match;
use entente_extract::terms::{TermHit, TermMatcher};
use serde::{Deserialize, Serialize};

use crate::CompareError;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The language keys every concept and ladder level must fill.
pub const LANG_KEYS: [&str; 7] = ["en", "ja", "zh", "zh_hant", "ko", "ko_kp", "ru"];

/// Terms of one concept or ladder level, per language key.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Terms {
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub ja: Vec<String>,
    #[serde(default)]
    pub zh: Vec<String>,
    #[serde(default)]
    pub zh_hant: Vec<String>,
    #[serde(default)]
    pub ko: Vec<String>,
    #[serde(default)]
    pub ko_kp: Vec<String>,
    #[serde(default)]
    pub ru: Vec<String>,
}

impl Terms {
    fn by_key(&self) -> [(&'static str, &Vec<String>); 7] {
        [
            ("en", &self.en),
            ("ja", &self.ja),
            ("zh", &self.zh),
            ("zh_hant", &self.zh_hant),
            ("ko", &self.ko),
            ("ko_kp", &self.ko_kp),
            ("ru", &self.ru),
        ]
    }

    /// Every term, with its language key.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.by_key()
            .into_iter()
            .flat_map(|(k, v)| v.iter().map(move |t| (k, t.as_str())))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Concept {
    pub id: String,
    #[serde(default)]
    pub label: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Courtesy and protocol (invitations, congratulations, anniversaries): listed after
    /// the substantive concepts among notable absences.
    #[serde(default)]
    pub protocol: bool,
    /// The file the concept came from, without `.toml` (`security`, `economy`).
    #[serde(skip_deserializing)]
    pub group: String,
    #[serde(flatten)]
    pub terms: Terms,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Level {
    pub rank: u32,
    pub id: String,
    #[serde(default)]
    pub label: BTreeMap<String, String>,
    #[serde(flatten)]
    pub terms: Terms,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ladder {
    pub id: String,
    #[serde(default)]
    pub label: BTreeMap<String, String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(rename = "level")]
    pub levels: Vec<Level>,
}

/// Cue words that say a concept was not used ("did not mention", 触れず, 未提及).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Negation {
    #[serde(default)]
    pub note: Option<String>,
    #[serde(flatten)]
    pub terms: Terms,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    concept: Vec<Concept>,
    #[serde(default)]
    ladder: Vec<Ladder>,
    #[serde(default)]
    negation: Option<Negation>,
}

/// A concept found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptHit {
    pub start: usize,
    pub end: usize,
    /// Index into [`Lexicon::concepts`].
    pub concept: usize,
    /// The sentence says the concept was not used ("did not mention denuclearization").
    pub negated: bool,
}

/// A ladder level found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelHit {
    pub start: usize,
    pub end: usize,
    /// Index into the ladder's levels (ordered by rank).
    pub level: usize,
}

/// The loaded lexicon.
pub struct Lexicon {
    concepts: Vec<Concept>,
    ladders: Vec<Ladder>,
    by_id: BTreeMap<String, usize>,
    concept_matcher: TermMatcher,
    /// The concept of each term of `concept_matcher`.
    concept_of_term: Vec<usize>,
    ladder_matchers: Vec<(TermMatcher, Vec<usize>)>,
    negation: Option<TermMatcher>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("concepts", &self.concepts.len())
            .field("ladders", &self.ladders.len())
            .finish()
    }
}

fn err(file: &str, message: impl Into<String>) -> CompareError {
    CompareError::Lexicon {
        file: file.to_string(),
        line: None,
        message: message.into(),
    }
}

fn is_snake(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && id.starts_with(|c: char| c.is_ascii_lowercase())
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Checks the terms of one concept or level: every language key filled, no empty term,
/// `*` only at the end of a Latin/Cyrillic term, no duplicate within a key.
fn check_terms(file: &str, what: &str, t: &Terms) -> Result<(), CompareError> {
    for (key, terms) in t.by_key() {
        if terms.is_empty() {
            return Err(err(file, format!("{what}: no `{key}` terms")));
        }
        let mut seen = BTreeSet::new();
        for term in terms {
            let body = term.trim().trim_end_matches('*');
            if body.trim().is_empty() {
                return Err(err(file, format!("{what}: empty `{key}` term")));
            }
            if body.contains('*') {
                return Err(err(
                    file,
                    format!("{what}: `{term}` in `{key}`: `*` may only end a term"),
                ));
            }
            if term.ends_with('*') && !entente_extract::terms::is_word_script(body) {
                return Err(err(
                    file,
                    format!(
                        "{what}: `{term}` in `{key}`: prefix `*` is for Latin and Cyrillic terms (CJK and Korean terms already match inside words)"
                    ),
                ));
            }
            if !seen.insert(fold_for_match(term)) {
                return Err(err(
                    file,
                    format!("{what}: `{term}` appears twice in `{key}`"),
                ));
            }
        }
    }
    Ok(())
}

impl Lexicon {
    /// The lexicon embedded from `data/concepts/` at build time.
    pub fn bundled() -> Result<Lexicon, CompareError> {
        Self::from_files(
            BUNDLED
                .iter()
                .map(|(f, t)| (format!("data/concepts/{f}"), t.to_string()))
                .collect(),
        )
    }

    /// Loads every `*.toml` of a directory (an analyst's own lexicon).
    pub fn load_dir(dir: &std::path::Path) -> Result<Lexicon, CompareError> {
        let io = |e: std::io::Error| err(&dir.display().to_string(), e.to_string());
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|x| x == "toml") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| err(&path.display().to_string(), e.to_string()))?;
                files.push((path.display().to_string(), text));
            }
        }
        files.sort();
        Self::from_files(files)
    }

    /// Parses and validates `(file name, contents)` pairs.
    pub fn from_files(files: Vec<(String, String)>) -> Result<Lexicon, CompareError> {
        let mut concepts: Vec<Concept> = Vec::new();
        let mut ladders: Vec<Ladder> = Vec::new();
        let mut by_id = BTreeMap::new();
        let mut negation: Option<(String, Negation)> = None;
        for (name, text) in &files {
            check_keys(name, text)?;
            let parsed: File = toml::from_str(text).map_err(|e| CompareError::Lexicon {
                file: name.clone(),
                line: e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].lines().count().max(1)),
                message: e.message().to_string(),
            })?;
            let group = std::path::Path::new(name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            for mut c in parsed.concept {
                if !is_snake(&c.id) {
                    return Err(err(
                        name,
                        format!("concept id `{}` must be English snake_case", c.id),
                    ));
                }
                check_terms(name, &format!("concept `{}`", c.id), &c.terms)?;
                if by_id.insert(c.id.clone(), concepts.len()).is_some() {
                    return Err(err(name, format!("concept `{}` is defined twice", c.id)));
                }
                c.group = group.clone();
                concepts.push(c);
            }
            if let Some(n) = parsed.negation {
                if let Some((other, _)) = &negation {
                    return Err(err(
                        name,
                        format!("a second [negation] table (the first is in {other})"),
                    ));
                }
                check_terms(name, "[negation]", &n.terms)?;
                negation = Some((name.clone(), n));
            }
            for mut l in parsed.ladder {
                if !is_kebab(&l.id) {
                    return Err(err(
                        name,
                        format!("ladder id `{}` must be lower-case", l.id),
                    ));
                }
                if ladders.iter().any(|o| o.id == l.id) {
                    return Err(err(name, format!("ladder `{}` is defined twice", l.id)));
                }
                if l.levels.len() < 2 {
                    return Err(err(
                        name,
                        format!("ladder `{}` needs at least two levels", l.id),
                    ));
                }
                l.levels.sort_by_key(|v| v.rank);
                let mut seen_terms: BTreeMap<String, String> = BTreeMap::new();
                for (i, v) in l.levels.iter().enumerate() {
                    if i > 0 && l.levels[i - 1].rank == v.rank {
                        return Err(err(
                            name,
                            format!("ladder `{}`: two levels have rank {}", l.id, v.rank),
                        ));
                    }
                    check_terms(
                        name,
                        &format!("ladder `{}` level `{}`", l.id, v.id),
                        &v.terms,
                    )?;
                    for (_, t) in v.terms.all() {
                        if let Some(other) = seen_terms.insert(fold_for_match(t), v.id.clone())
                            && other != v.id
                        {
                            return Err(err(
                                name,
                                format!(
                                    "ladder `{}`: `{t}` is in levels `{other}` and `{}`",
                                    l.id, v.id
                                ),
                            ));
                        }
                    }
                }
                ladders.push(l);
            }
        }
        let mut keys = Vec::new();
        let mut concept_of_term = Vec::new();
        for (i, c) in concepts.iter().enumerate() {
            for (_, t) in c.terms.all() {
                keys.push(t.to_string());
                concept_of_term.push(i);
            }
        }
        let concept_matcher = TermMatcher::new(&keys).map_err(|m| err("data/concepts", m))?;
        let mut ladder_matchers = Vec::new();
        for l in &ladders {
            let mut keys = Vec::new();
            let mut level_of = Vec::new();
            for (i, v) in l.levels.iter().enumerate() {
                for (_, t) in v.terms.all() {
                    keys.push(t.to_string());
                    level_of.push(i);
                }
            }
            let m = TermMatcher::new(&keys)
                .map_err(|m| err("data/concepts", format!("ladder `{}`: {m}", l.id)))?;
            ladder_matchers.push((m, level_of));
        }
        let negation = match negation {
            Some((file, n)) => {
                let keys: Vec<&str> = n.terms.all().map(|(_, t)| t).collect();
                Some(TermMatcher::new(&keys).map_err(|m| err(&file, format!("[negation]: {m}")))?)
            }
            None => None,
        };
        Ok(Lexicon {
            concepts,
            ladders,
            by_id,
            concept_matcher,
            concept_of_term,
            ladder_matchers,
            negation,
        })
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    pub fn ladders(&self) -> &[Ladder] {
        &self.ladders
    }

    pub fn concept(&self, id: &str) -> Option<&Concept> {
        self.by_id.get(id).map(|&i| &self.concepts[i])
    }

    /// The concept with this id, or an error listing close ids.
    pub fn require_concept(&self, id: &str) -> Result<&Concept, CompareError> {
        self.concept(id)
            .ok_or_else(|| CompareError::UnknownConcept {
                id: id.to_string(),
                candidates: self
                    .concepts
                    .iter()
                    .filter(|c| c.id.contains(id) || id.contains(&c.id) || shares_word(&c.id, id))
                    .map(|c| c.id.clone())
                    .take(8)
                    .collect(),
            })
    }

    /// The ladder with this id, or an error listing the ladders there are.
    pub fn ladder(&self, id: &str) -> Result<(usize, &Ladder), CompareError> {
        self.ladders
            .iter()
            .enumerate()
            .find(|(_, l)| l.id == id)
            .ok_or_else(|| CompareError::UnknownLadder {
                id: id.to_string(),
                known: self.ladders.iter().map(|l| l.id.clone()).collect(),
            })
    }

    /// Concepts in `folded` (folded with `fold_for_match`), in text order. Overlapping
    /// terms of different concepts both count ("comprehensive strategic partnership" is
    /// also a "strategic partnership" mention only if the lexicon says so).
    pub fn find_concepts(&self, folded: &str) -> Vec<ConceptHit> {
        let hits = self.concept_matcher.find(folded);
        // Sentences holding a negation cue: hits inside them are noted-absent.
        let negated: Vec<std::ops::Range<usize>> = match &self.negation {
            Some(neg) if !hits.is_empty() => {
                let cues = neg.find(folded);
                if cues.is_empty() {
                    Vec::new()
                } else {
                    entente_extract::sentences::sentences(folded)
                        .into_iter()
                        .filter(|s| cues.iter().any(|c| s.start <= c.start && c.end <= s.end))
                        .collect()
                }
            }
            _ => Vec::new(),
        };
        let mut out: Vec<ConceptHit> = hits
            .into_iter()
            .map(|h: TermHit| ConceptHit {
                start: h.start,
                end: h.end,
                concept: self.concept_of_term[h.term],
                negated: negated.iter().any(|s| s.start <= h.start && h.end <= s.end),
            })
            .collect();
        out.dedup_by(|a, b| a.concept == b.concept && a.start == b.start);
        out
    }

    /// Ladder levels in `folded`: the longest wording wins where terms overlap.
    pub fn find_levels(&self, ladder: usize, folded: &str) -> Vec<LevelHit> {
        let Some((m, level_of)) = self.ladder_matchers.get(ladder) else {
            return Vec::new();
        };
        let mut out: Vec<LevelHit> = m
            .find_longest(folded)
            .into_iter()
            .map(|h| LevelHit {
                start: h.start,
                end: h.end,
                level: level_of[h.term],
            })
            .collect();
        // 会談 and 會談 fold to one string: one hit per span and level.
        out.sort_by_key(|h| (h.start, h.end, h.level));
        out.dedup();
        out
    }
}

/// Rejects keys the schema does not know (a misspelt `ko_nk` would otherwise vanish).
fn check_keys(name: &str, text: &str) -> Result<(), CompareError> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(()); // the typed parse reports the syntax error with its line
    };
    let check = |what: &str, t: &toml::Table, extra: &[&str]| -> Result<(), CompareError> {
        for k in t.keys() {
            if !(LANG_KEYS.contains(&k.as_str()) || extra.contains(&k.as_str())) {
                let id = t.get("id").and_then(|v| v.as_str()).unwrap_or("?");
                return Err(err(
                    name,
                    format!(
                        "{what} `{id}`: unknown key `{k}` (expected id, label, note, protocol and terms in {})",
                        LANG_KEYS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    };
    for c in table
        .get("concept")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(t) = c.as_table() {
            check("concept", t, &["id", "label", "note", "protocol"])?;
        }
    }
    for l in table
        .get("ladder")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        for v in l
            .get("level")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(t) = v.as_table() {
                check("ladder level", t, &["id", "label", "rank"])?;
            }
        }
    }
    Ok(())
}

fn shares_word(a: &str, b: &str) -> bool {
    let words: BTreeSet<&str> = a.split('_').filter(|w| w.len() > 3).collect();
    b.split('_').any(|w| words.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
en = ["aid"]
ja = ["支援"]
zh = ["援助"]
zh_hant = ["援助"]
ko = ["지원"]
ko_kp = ["지원"]
ru = ["помощ*"]
"#;

    fn lex(text: &str) -> Result<Lexicon, CompareError> {
        Lexicon::from_files(vec![("t.toml".into(), text.into())])
    }

    #[test]
    fn missing_language_is_named() {
        let t = "[[concept]]\nid = \"aid\"\nen = [\"aid\"]\n";
        let e = lex(t).unwrap_err().to_string();
        assert!(
            e.contains("t.toml") && e.contains("concept `aid`") && e.contains("`ja`"),
            "{e}"
        );
    }

    #[test]
    fn bad_ids_and_duplicates_are_rejected() {
        let e = lex(&format!("[[concept]]\nid = \"Aid\"\n{FULL}")).unwrap_err();
        assert!(e.to_string().contains("snake_case"), "{e}");
        let e = lex(&format!(
            "[[concept]]\nid = \"aid\"\n{FULL}\n[[concept]]\nid = \"aid\"\n{FULL}"
        ))
        .unwrap_err();
        assert!(e.to_string().contains("defined twice"), "{e}");
    }

    #[test]
    fn syntax_errors_give_a_line() {
        let e = lex("[[concept]]\nid = \"aid\"\nen = [\"aid\"\n").unwrap_err();
        assert!(
            matches!(e, CompareError::Lexicon { line: Some(_), .. }),
            "{e:?}"
        );
    }

    #[test]
    fn finds_concepts_in_every_script() {
        let l = lex(&format!("[[concept]]\nid = \"aid\"\n{FULL}")).unwrap();
        for t in [
            "they sent aid",
            "経済支援を",
            "人道援助",
            "援助物資",
            "지원을",
            "оказать помощь",
        ] {
            let hits = l.find_concepts(&fold_for_match(t));
            assert_eq!(hits.len(), 1, "{t}");
        }
        assert!(l.find_concepts(&fold_for_match("an aide said")).is_empty());
    }

    #[test]
    fn ladder_levels_rank_and_do_not_share_terms() {
        let level = |rank: u32, id: &str, en: &str| {
            format!(
                "[[ladder.level]]\nrank = {rank}\nid = \"{id}\"\n{}",
                FULL.replace("\"aid\"", &format!("\"{en}\""))
            )
        };
        let t = format!(
            "[[ladder]]\nid = \"x\"\n{}\n{}",
            level(2, "b", "discussed in detail"),
            level(1, "a", "discussed")
        );
        let e = lex(&t).unwrap_err().to_string();
        // The other languages' terms are the same in both levels.
        assert!(e.contains("is in levels"), "{e}");
    }
}
