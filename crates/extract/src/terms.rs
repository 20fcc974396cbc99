//! Matching lists of terms written as data: CJK and Korean terms match anywhere; Latin and
//! Cyrillic terms match at word boundaries, and a trailing `*` makes a term a word prefix
//! (`talk*` finds "talks", `переговор*` finds "переговоров"). Texts are folded with
//! [`fold_for_match`] first, which keeps byte offsets, so hits index the original text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::gazetteer::fold_for_match;

/// One term as written in a data file, parsed.
#[derive(Debug, Clone)]
struct Term {
    /// Latin/Cyrillic terms must start at a word boundary; `prefix` terms may continue.
    bounded: bool,
    prefix: bool,
}

/// A term found in a text: byte span (extended to the end of the word for prefix terms)
/// and the index of the term in the list given to [`TermMatcher::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHit {
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

/// Many terms, found in one pass over a folded text.
#[derive(Debug, Clone)]
pub struct TermMatcher {
    ac: AhoCorasick,
    terms: Vec<Term>,
}

/// Whether a term is in a script whose words are separated by spaces.
pub fn is_word_script(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, 'А'..='я' | 'Ё' | 'ё'))
}

impl TermMatcher {
    /// Builds the matcher. Errors name the position of an empty term.
    pub fn new<S: AsRef<str>>(raw: &[S]) -> Result<TermMatcher, String> {
        let mut keys = Vec::with_capacity(raw.len());
        let mut terms = Vec::with_capacity(raw.len());
        for (i, r) in raw.iter().enumerate() {
            let r = r.as_ref().trim();
            let (body, prefix) = match r.strip_suffix('*') {
                Some(b) => (b, true),
                None => (r, false),
            };
            let key = fold_for_match(body);
            if key.trim().is_empty() {
                return Err(format!("empty term (number {})", i + 1));
            }
            terms.push(Term {
                bounded: is_word_script(&key),
                prefix,
            });
            keys.push(key);
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&keys)
            .map_err(|e| e.to_string())?;
        Ok(TermMatcher { ac, terms })
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every hit in `folded` (a text folded with [`fold_for_match`]), overlapping hits
    /// included, ordered by start and then longest first.
    pub fn find(&self, folded: &str) -> Vec<TermHit> {
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        let mut out = Vec::new();
        for m in self.ac.find_overlapping_iter(folded) {
            let term = &self.terms[m.pattern().as_usize()];
            if term.bounded {
                if is_word(folded[..m.start()].chars().next_back()) {
                    continue;
                }
                if !term.prefix && is_word(folded.get(m.end()..).and_then(|s| s.chars().next())) {
                    continue;
                }
            }
            let mut end = m.end();
            if term.prefix {
                while let Some(c) = folded.get(end..).and_then(|s| s.chars().next()) {
                    if !c.is_alphanumeric() {
                        break;
                    }
                    end += c.len_utf8();
                }
            }
            out.push(TermHit {
                start: m.start(),
                end,
                term: m.pattern().as_usize(),
            });
        }
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.term));
        out.dedup();
        out
    }

    /// Like [`find`](Self::find), keeping only hits not inside a longer hit.
    pub fn find_longest(&self, folded: &str) -> Vec<TermHit> {
        let all = self.find(folded);
        let mut out: Vec<TermHit> = Vec::with_capacity(all.len());
        for h in all {
            let inside = all_longer(&out, &h);
            if !inside {
                out.retain(|o| !(h.start <= o.start && o.end <= h.end && h.len() > o.len()));
                out.push(h);
            }
        }
        out
    }
}

fn all_longer(kept: &[TermHit], h: &TermHit) -> bool {
    kept.iter()
        .any(|o| o.start <= h.start && h.end <= o.end && o.len() > h.len())
}

impl TermHit {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(terms: &[&str], text: &str) -> Vec<(String, usize)> {
        let m = TermMatcher::new(terms).unwrap();
        let folded = fold_for_match(text);
        m.find(&folded)
            .into_iter()
            .map(|h| (text[h.start..h.end].to_string(), h.term))
            .collect()
    }

    #[test]
    fn word_boundaries_and_prefixes() {
        assert_eq!(hits(&["aid"], "aide said aid."), vec![("aid".into(), 0)]);
        assert_eq!(
            hits(&["переговор*"], "провели Переговоры"),
            vec![("Переговоры".into(), 0)]
        );
        assert_eq!(
            hits(&["非核化"], "半島の非核化を"),
            vec![("非核化".into(), 0)]
        );
        // Variant folding: a simplified term finds traditional text.
        assert_eq!(hits(&["无核化"], "半島無核化"), vec![("無核化".into(), 0)]);
    }

    #[test]
    fn longest_match_wins() {
        let m = TermMatcher::new(&[
            "strategic partnership",
            "comprehensive strategic partnership",
        ])
        .unwrap();
        let t = "a comprehensive strategic partnership";
        let got = m.find_longest(&fold_for_match(t));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].term, 1);
    }

    #[test]
    fn empty_term_is_an_error() {
        let e = TermMatcher::new(&["ok", " * "]).unwrap_err();
        assert!(e.contains("number 2"), "{e}");
    }
}
