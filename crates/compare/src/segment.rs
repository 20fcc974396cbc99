//! Statements of a text: sentences, split into clauses at semicolons, with the quoted speech
//! inside them and, where extraction attributes it, the speaker.

use std::ops::Range;

use entente_core::StatementDraft;
use serde::Serialize;

/// One statement-sized piece of a text. Offsets are bytes into the normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// Quoted speech inside the segment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Range<usize>>,
    /// Actor id of the speaker, when extraction attributed the statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

impl Segment {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Shortest clause (in characters) that stands on its own after a split at a semicolon.
const MIN_CLAUSE_CHARS: usize = 8;

/// Opening and closing quotation marks of ja, zh, ko, ru and en.
const QUOTES: &[(char, char)] = &[
    ('「', '」'),
    ('『', '』'),
    ('“', '”'),
    ('«', '»'),
    ('‘', '’'),
    ('"', '"'),
];

/// Segments `text` into statements, in text order.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for s in entente_extract::sentences::sentences(text) {
        for c in clauses(text, s) {
            out.push(Segment {
                quotes: quotes(text, c.clone()),
                start: c.start,
                end: c.end,
                speaker: None,
            });
        }
    }
    out
}

/// Splits a sentence at `;` / `；` where both sides are long enough to be statements, and
/// never inside quoted speech.
fn clauses(text: &str, s: Range<usize>) -> Vec<Range<usize>> {
    let sentence = &text[s.clone()];
    let mut cuts = Vec::new();
    let mut depth = 0i32;
    for (i, c) in sentence.char_indices() {
        match c {
            '「' | '『' | '“' | '«' | '‘' => depth += 1,
            '」' | '』' | '”' | '»' | '’' => depth = (depth - 1).max(0),
            ';' | '；' if depth == 0 => cuts.push(s.start + i + c.len_utf8()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut from = s.start;
    for cut in cuts {
        let left = text[from..cut].trim();
        let right = text[cut..s.end].trim();
        if left.chars().count() >= MIN_CLAUSE_CHARS && right.chars().count() >= MIN_CLAUSE_CHARS {
            out.push(trim(text, from..cut));
            from = cut;
        }
    }
    out.push(trim(text, from..s.end));
    out.retain(|r| !r.is_empty());
    out
}

fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        r.start..r.start
    } else {
        r.start + lead..r.end - trail
    }
}

/// Quoted stretches inside `r` (the marks excluded); an unclosed quote runs to the end.
fn quotes(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let s = &text[r.clone()];
    let mut it = s.char_indices();
    while let Some((i, c)) = it.next() {
        let Some(&(_, close)) = QUOTES.iter().find(|(o, _)| *o == c) else {
            continue;
        };
        let from = i + c.len_utf8();
        let mut to = s.len();
        for (j, d) in it.by_ref() {
            if d == close {
                to = j;
                break;
            }
        }
        if to > from && !s[from..to].trim().is_empty() {
            out.push(r.start + from..r.start + to);
        }
    }
    out
}

/// Gives each segment the speaker of the extracted statement that overlaps it most.
pub fn attribute(segments: &mut [Segment], statements: &[StatementDraft]) {
    for seg in segments.iter_mut() {
        let best = statements
            .iter()
            .filter_map(|st| {
                let c = &st.citation;
                let overlap = seg.end.min(c.end).saturating_sub(seg.start.max(c.start));
                (overlap > 0).then_some((overlap, st))
            })
            .max_by_key(|(o, _)| *o);
        if let Some((_, st)) = best {
            seg.speaker = st.speaker.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(t: &str) -> Vec<&str> {
        segments(t)
            .into_iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn sentences_and_clauses() {
        let t = "两国元首举行会谈；双方一致同意深化全面战略协作伙伴关系。习近平指出，中方愿同俄方加强战略沟通。";
        assert_eq!(
            texts(t),
            vec![
                "两国元首举行会谈；",
                "双方一致同意深化全面战略协作伙伴关系。",
                "习近平指出，中方愿同俄方加强战略沟通。"
            ]
        );
        // Too short to stand alone: no split.
        assert_eq!(texts("Talks; then lunch."), vec!["Talks; then lunch."]);
    }

    #[test]
    fn quoted_speech() {
        let t = "Путин заявил: «Договор предусматривает взаимную помощь; это важно для нас обоих». Затем был обед.";
        let segs = segments(t);
        assert_eq!(segs.len(), 2, "no clause split inside a quote");
        assert_eq!(segs[0].quotes.len(), 1);
        let q = segs[0].quotes[0].clone();
        assert!(t[q].starts_with("Договор"));
        let ja = "金正恩氏は「朝ロ関係は新たな高い段階に入った」と述べた。";
        let s = segments(ja);
        assert_eq!(
            &ja[s[0].quotes[0].clone()],
            "朝ロ関係は新たな高い段階に入った"
        );
    }

    proptest! {
        #[test]
        fn segments_are_ordered_in_bounds_and_on_char_boundaries(t in "\\PC{0,300}") {
            let segs = segments(&t);
            let mut last = 0;
            for s in &segs {
                prop_assert!(s.start < s.end && s.end <= t.len());
                prop_assert!(s.start >= last);
                prop_assert!(t.is_char_boundary(s.start) && t.is_char_boundary(s.end));
                for q in &s.quotes {
                    prop_assert!(s.start <= q.start && q.end <= s.end);
                    prop_assert!(t.is_char_boundary(q.start) && t.is_char_boundary(q.end));
                }
                last = s.end;
            }
        }
    }
}
