//! Sentence segmentation for ja, zh, ko, ru and en: boundaries at 。！？ and at . ! ? followed
//! by white space (not after a known abbreviation or an initial), and at line breaks.

/// Abbreviations that end with a period but do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "prof", "st", "no", "vs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
    "u.n", "d.p.r.k", "dprk", "inc", "co", "corp", "jr", "sr", "г", "гг", "т.е", "т.д", "т.п",
    "им", "ул", "тыс", "млн", "млрд",
];

/// Byte ranges of the sentences of `text`, trimmed, covering every non-blank character once.
pub fn sentences(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        let boundary = match c {
            '。' | '！' | '？' | '\n' => true,
            // Paragraphs joined by empty list items (", , ," in some JSON dumps of KCNA).
            // (and "China.,  The statement": a full stop, the joint's comma, a capital).
            ',' => {
                text[end..].trim_start_matches(' ').starts_with(',')
                    || text[..i].trim_end_matches(' ').ends_with(',')
                    || (text[..i].ends_with('.')
                        && text[end..].starts_with(' ')
                        && text[end..]
                            .trim_start()
                            .chars()
                            .next()
                            .is_some_and(char::is_uppercase))
            }
            '.' | '!' | '?' => {
                let next = chars.peek().map(|&(_, n)| n);
                let followed = next
                    .is_none_or(|n| n.is_whitespace() || matches!(n, '"' | '»' | '”' | ')' | '」'));
                followed && !(c == '.' && abbreviation_before(&text[start..i]))
            }
            _ => false,
        };
        if boundary {
            // Keep a closing quote or bracket with the sentence it closes.
            let mut stop = end;
            while let Some(&(j, n)) = chars.peek() {
                if matches!(n, '」' | '』' | '"' | '”' | '»' | ')' | '）') {
                    stop = j + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            push_trimmed(text, start, stop, &mut out);
            start = stop;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn abbreviation_before(s: &str) -> bool {
    let word: String = s
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let w = word.to_lowercase();
    // Single letters are initials ("Kim J. Un", "Ю.")
    (w.chars().count() == 1 && w.chars().all(char::is_alphabetic))
        || ABBREVIATIONS.contains(&w.as_str())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<std::ops::Range<usize>>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(start + lead..end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn empty_items_between_paragraphs_split() {
        let parts = split("He arrived on Friday., , Lectures took place in Italy., , ,");
        assert_eq!(parts[0], "He arrived on Friday.,");
        assert!(
            parts.contains(&"Lectures took place in Italy.,"),
            "{parts:?}"
        );
        // A single comma is not a break.
        assert_eq!(split("Kim, Xi and Putin met."), ["Kim, Xi and Putin met."]);
        assert_eq!(
            split("He visited China.,  The statement said so."),
            ["He visited China.,", "The statement said so."]
        );
        assert_eq!(
            split("Members of the C.C., the CPC met."),
            ["Members of the C.C., the CPC met."]
        );
    }

    #[test]
    fn splits_each_script() {
        assert_eq!(
            split("会談した。合意した。"),
            vec!["会談した。", "合意した。"]
        );
        assert_eq!(
            split("他说：“好。”然后离开。"),
            vec!["他说：“好。”", "然后离开。"]
        );
        assert_eq!(
            split("「協力する」と述べた。次に"),
            vec!["「協力する」と述べた。", "次に"]
        );
        assert_eq!(
            split("Gen. Kim met Mr. Lavrov on Sept. 4. Talks followed."),
            vec!["Gen. Kim met Mr. Lavrov on Sept. 4.", "Talks followed."]
        );
        assert_eq!(
            split("Путин прибыл в г. Пхеньян. Переговоры начались."),
            vec!["Путин прибыл в г. Пхеньян.", "Переговоры начались."]
        );
        assert_eq!(split("회담했다. 합의했다."), vec!["회담했다.", "합의했다."]);
        assert_eq!(
            split("Title line\n\nBody here."),
            vec!["Title line", "Body here."]
        );
    }

    proptest! {
        #[test]
        fn ranges_are_ordered_trimmed_and_in_bounds(t in "\\PC{0,200}") {
            let rs = sentences(&t);
            let mut last = 0;
            for r in rs {
                prop_assert!(r.start >= last && r.start < r.end && r.end <= t.len());
                prop_assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end));
                let s = &t[r.clone()];
                prop_assert_eq!(s.trim(), s);
                last = r.end;
            }
        }
    }
}
