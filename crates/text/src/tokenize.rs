//! The token stream behind the search index and the query parser.
//!
//! * Runs of Han and kana (including 々〆〇ヶ and the long vowel mark ー), and separately runs
//!   of Hangul, are cut into overlapping character bigrams and trigrams, each character folded
//!   with [`fold_char`](crate::fold_char); a bigram and a trigram starting at one character
//!   share its position, and the run's last character is indexed alone. A query of two or
//!   three characters is one term (most CJK names and words: 会谈, 习近平, 김정은), a longer
//!   one a phrase of trigrams every three characters; a one-character query is answered by
//!   the index as a prefix over the grams that start with it (see `entente-store`).
//! * Other text is cut into words: runs of letters, digits and combining marks; an apostrophe
//!   between letters (`don't`) and `.` or `,` between digits (`3.5`, `1,000`) stay inside;
//!   hyphens split. Words are lower-cased; Latin words without digits are stemmed as English,
//!   Cyrillic words as Russian after folding ё to е.
//! * Punctuation and spaces give nothing; positions run on across script changes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::fold::{self, Tables};

/// Whether tokens are produced for the index or for a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// CJK runs give every bigram and trigram, and their last character alone.
    Index,
    /// CJK runs give one unigram, bigram or trigram, or for four and more characters a phrase
    /// of trigrams.
    Query,
}

/// One token. `start..end` are byte offsets into the input; `position` counts tokens for
/// phrase queries (a bigram and the unigram starting at the same character share one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

/// Words longer than this (in bytes) take a position but give no token: they are noise
/// (hashes, base64, URLs run together) and would bloat the term dictionary.
pub const MAX_WORD_BYTES: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Han, kana and the marks that go with them.
    Cjk,
    Hangul,
    /// A letter or digit of any other script.
    Word,
    /// A combining mark: continues a word, never starts one.
    Mark,
    Other,
}

#[inline]
fn kind(c: char) -> Kind {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Kind::Word
        } else {
            Kind::Other
        };
    }
    match c as u32 {
        0x3005..=0x3007
        | 0x3041..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x3134F => Kind::Cjk,
        0xAC00..=0xD7A3
        | 0x1100..=0x11FF
        | 0x3131..=0x318E
        | 0xA960..=0xA97F
        | 0xD7B0..=0xD7FF
        | 0xFFA0..=0xFFDC => Kind::Hangul,
        _ if c.is_alphanumeric() => Kind::Word,
        _ if unicode_normalization::char::is_combining_mark(c) => Kind::Mark,
        _ => Kind::Other,
    }
}

/// Whether `c` is tokenised into character grams (Han, kana, Hangul) rather than words.
pub fn is_gram_char(c: char) -> bool {
    matches!(kind(c), Kind::Cjk | Kind::Hangul)
}

#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text.get(i..)?.chars().next()
    }
}

fn english() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn russian() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Russian))
}

/// Stemmed forms of recent words, per thread: stemming costs far more than a lookup, and
/// news text repeats its words.
const STEM_CACHE_MAX: usize = 50_000;

thread_local! {
    static STEM_CACHE: RefCell<HashMap<Box<str>, Box<str>, BuildHasherDefault<FxHasher>>> =
        RefCell::new(HashMap::default());
}

/// Replaces the lower-cased word in `buf` with its stem.
fn stem_cached(stemmer: &Stemmer, buf: &mut String) {
    STEM_CACHE.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            // Re-entered from a sink: stem without the cache.
            if let Cow::Owned(s) = stemmer.stem(buf) {
                *buf = s;
            }
            return;
        };
        if let Some(stem) = cache.get(buf.as_str()) {
            if **stem != **buf {
                buf.clear();
                buf.push_str(stem);
            }
            return;
        }
        let stem: Box<str> = stemmer.stem(buf).into();
        if cache.len() >= STEM_CACHE_MAX {
            cache.clear();
        }
        cache.insert(buf.as_str().into(), stem.clone());
        buf.clear();
        buf.push_str(&stem);
    })
}

/// A small, fast hasher for short keys (the multiply-rotate scheme of rustc's FxHasher).
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Other,
}

/// The tokenizer's state for one call.
struct Run<'a, 's> {
    text: &'a str,
    mode: Mode,
    tables: Option<&'static Tables>,
    position: usize,
    token: Token,
    sink: &'s mut dyn FnMut(&Token),
}

impl Run<'_, '_> {
    #[inline]
    fn emit(&mut self, start: usize, end: usize, position: usize) {
        self.token.start = start;
        self.token.end = end;
        self.token.position = position;
        (self.sink)(&self.token);
    }

    #[inline]
    fn fold(&self, c: char) -> char {
        match self.tables {
            Some(t) => t.fold(c),
            None => c,
        }
    }

    /// Tokenises the run of characters of `k` starting at byte `i`; returns where it ends.
    ///
    /// Index mode: at each character, the bigram and the trigram that start there, and the
    /// run's last character alone (a single character is found by prefix, see
    /// [`Mode::Index`]). Query mode: one character gives its unigram, two the bigram, three
    /// the trigram, more a phrase of trigrams at offsets 0, 3, 6… and the last three.
    fn cjk_run(&mut self, mut i: usize, k: Kind) -> usize {
        // The run's characters so far: byte start, byte end, folded form.
        let mut chars: Vec<(usize, usize, char)> = Vec::with_capacity(16);
        while let Some(c) = char_at(self.text, i) {
            if kind(c) != k {
                break;
            }
            let end = i + c.len_utf8();
            let f = if k == Kind::Cjk { self.fold(c) } else { c };
            chars.push((i, end, f));
            i = end;
            if self.mode == Mode::Index {
                let n = chars.len();
                // Emitted in order of start: the trigram from n-3, then the bigram from n-2.
                if n >= 3 {
                    let (s, _, a) = chars[n - 3];
                    let (_, _, b) = chars[n - 2];
                    self.gram(&[a, b, f], s, end, self.position + n - 3);
                }
                if n >= 2 {
                    let (s, _, a) = chars[n - 2];
                    self.gram(&[a, f], s, end, self.position + n - 2);
                }
            }
        }
        let n = chars.len();
        match self.mode {
            Mode::Index => {
                if let Some(&(s, e, f)) = chars.last() {
                    self.gram(&[f], s, e, self.position + n - 1);
                }
            }
            Mode::Query => match n {
                0 => {}
                1 | 2 => {
                    let (s, _, _) = chars[0];
                    let (_, e, _) = chars[n - 1];
                    let text: Vec<char> = chars.iter().map(|c| c.2).collect();
                    self.gram(&text, s, e, self.position);
                }
                _ => {
                    let mut offsets: Vec<usize> = (0..=n - 3).step_by(3).collect();
                    if offsets.last() != Some(&(n - 3)) {
                        offsets.push(n - 3);
                    }
                    for o in offsets {
                        let g = [chars[o].2, chars[o + 1].2, chars[o + 2].2];
                        self.gram(&g, chars[o].0, chars[o + 2].1, self.position + o);
                    }
                }
            },
        }
        self.position += n;
        i
    }

    #[inline]
    fn gram(&mut self, chars: &[char], start: usize, end: usize, position: usize) {
        self.token.text.clear();
        self.token.text.extend(chars);
        self.emit(start, end, position);
    }

    /// Finds the end of the word starting at byte `i`.
    fn word_end(&self, mut i: usize) -> usize {
        let text = self.text;
        let mut last = '\0';
        while let Some(c) = char_at(text, i) {
            match kind(c) {
                Kind::Word | Kind::Mark => {
                    last = c;
                    i += c.len_utf8();
                }
                _ => {
                    let joins = match c {
                        '\'' | '\u{2019}' => last.is_alphanumeric(),
                        '.' | ',' => last.is_numeric(),
                        _ => false,
                    };
                    if !joins {
                        break;
                    }
                    let after = i + c.len_utf8();
                    match char_at(text, after) {
                        Some(n)
                            if kind(n) == Kind::Word
                                && (c == '\'' || c == '\u{2019}' || n.is_numeric()) =>
                        {
                            last = n;
                            i = after + n.len_utf8();
                        }
                        _ => break,
                    }
                }
            }
        }
        i
    }

    fn word(&mut self, start: usize, end: usize) {
        let position = self.position;
        self.position += 1;
        if end - start > MAX_WORD_BYTES {
            return;
        }
        let word = &self.text[start..end];
        let buf = &mut self.token.text;
        buf.clear();
        let mut script = Script::Other;
        let mut has_digit = false;
        if word.is_ascii() {
            buf.push_str(word);
            buf.make_ascii_lowercase();
            for b in word.bytes() {
                has_digit |= b.is_ascii_digit();
            }
            if word.bytes().any(|b| b.is_ascii_alphabetic()) {
                script = Script::Latin;
            }
        } else {
            let mut first_letter = true;
            for c in word.chars() {
                if c.is_numeric() {
                    has_digit = true;
                } else if first_letter && c.is_alphabetic() {
                    first_letter = false;
                    script = match c as u32 {
                        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
                        0x400..=0x52F => Script::Cyrillic,
                        _ => Script::Other,
                    };
                }
                match c {
                    '\u{2019}' => buf.push('\''),
                    'ё' | 'Ё' => buf.push('е'),
                    c if c.is_ascii() => buf.push(c.to_ascii_lowercase()),
                    c => buf.extend(c.to_lowercase()),
                }
            }
        }
        if !has_digit {
            let stemmer = match script {
                Script::Latin => Some(english()),
                Script::Cyrillic => Some(russian()),
                Script::Other => None,
            };
            if let Some(s) = stemmer {
                stem_cached(s, buf);
            }
        }
        if !self.token.text.is_empty() {
            self.emit(start, end, position);
        }
    }
}

/// Tokenises `text`, folding CJK variants, lower-casing, and stemming Latin words as English
/// and Cyrillic words as Russian (ё folded to е).
pub fn tokenize(text: &str, mode: Mode, sink: &mut dyn FnMut(&Token)) {
    let mut run = Run {
        text,
        mode,
        tables: fold::tables(),
        position: 0,
        token: Token {
            text: String::with_capacity(32),
            start: 0,
            end: 0,
            position: 0,
        },
        sink,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                let end = run.word_end(i);
                run.word(i, end);
                i = end;
            } else {
                i += 1;
            }
            continue;
        }
        let Some(c) = char_at(text, i) else { break };
        match kind(c) {
            k @ (Kind::Cjk | Kind::Hangul) => i = run.cjk_run(i, k),
            Kind::Word => {
                let end = run.word_end(i);
                run.word(i, end);
                i = end;
            }
            Kind::Mark | Kind::Other => i += c.len_utf8(),
        }
    }
}

/// Collects the tokens of `text` (a convenience for tests and small inputs).
pub fn tokens(text: &str, mode: Mode) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize(text, mode, &mut |t| out.push(t.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(text: &str, mode: Mode) -> Vec<String> {
        tokens(text, mode).into_iter().map(|t| t.text).collect()
    }

    fn with_pos(text: &str, mode: Mode) -> Vec<(String, usize)> {
        tokens(text, mode)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn index_mode_bigrams_trigrams_and_the_last_character() {
        let got = tokens("金正恩", Mode::Index);
        let want = [
            ("金正", 0, 6, 0),
            ("金正恩", 0, 9, 0),
            ("正恩", 3, 9, 1),
            ("恩", 6, 9, 2),
        ];
        let got: Vec<(&str, usize, usize, usize)> = got
            .iter()
            .map(|t| (t.text.as_str(), t.start, t.end, t.position))
            .collect();
        assert_eq!(got, want);
        // Starts never go backwards (the snippet generator reads tokens in order).
        let t = tokens("全面战略协作伙伴关系と会談", Mode::Index);
        assert!(t.windows(2).all(|w| w[0].start <= w[1].start), "{t:?}");
    }

    #[test]
    fn query_mode_grams() {
        assert_eq!(with_pos("金", Mode::Query), vec![("金".into(), 0)]);
        assert_eq!(with_pos("会談", Mode::Query), vec![("会谈".into(), 0)]);
        assert_eq!(with_pos("金正恩", Mode::Query), vec![("金正恩".into(), 0)]);
        assert_eq!(
            with_pos("朝鮮半島", Mode::Query),
            vec![("朝鲜半".into(), 0), ("鲜半岛".into(), 1)]
        );
        assert_eq!(
            with_pos("全面战略协作伙伴关系", Mode::Query),
            vec![
                ("全面战".into(), 0),
                ("略协作".into(), 3),
                ("伙伴关".into(), 6),
                ("伴关系".into(), 7)
            ]
        );
        // Positions after a run advance by its length, as in the index.
        assert_eq!(
            with_pos("金正恩 visit", Mode::Query),
            vec![("金正恩".into(), 0), ("visit".into(), 3)]
        );
        assert_eq!(
            with_pos("金正恩 visit", Mode::Index).last(),
            Some(&("visit".into(), 3))
        );
    }

    proptest::proptest! {
        /// Every query gram of a CJK word is indexed at the same relative position wherever
        /// the word stands in a run: the phrase the query makes always finds it.
        #[test]
        fn query_grams_are_indexed_where_the_word_stands(
            before in "[日中露朝韓米]{0,3}",
            word in "[金正恩習近平会談協力朝鮮半島戦略]{1,9}",
            after in "[日中露朝韓米]{0,3}",
        ) {
            let text = format!("{before}{word}{after}");
            let index = with_pos(&text, Mode::Index);
            let base = before.chars().count();
            let query = with_pos(&word, Mode::Query);
            let n = word.chars().count();
            for (g, p) in &query {
                if n == 1 {
                    // Found by prefix: some indexed gram at that position starts with it.
                    proptest::prop_assert!(index.iter().any(|(t, q)| *q == base && t.starts_with(g.as_str())));
                } else {
                    proptest::prop_assert!(index.contains(&(g.clone(), base + p)), "{g}@{p} in {text}: {index:?}");
                }
            }
        }
    }

    #[test]
    fn kim_jong_un_in_japanese_chinese_and_korean() {
        let ja = texts("北朝鮮の金正恩総書記が演説した", Mode::Index);
        let zh = texts("朝鲜最高领导人金正恩发表讲话", Mode::Index);
        for t in [&ja, &zh] {
            assert!(
                t.contains(&"金正".to_string()) && t.contains(&"正恩".to_string()),
                "{t:?}"
            );
        }
        assert!(
            ja.contains(&"の金".to_string()),
            "kana and Han form one run: {ja:?}"
        );
        let ko = texts("김정은 위원장", Mode::Index);
        assert_eq!(
            ko,
            s(&[
                "김정",
                "김정은",
                "정은",
                "은",
                "위원",
                "위원장",
                "원장",
                "장"
            ])
        );
        assert_eq!(texts("김정은", Mode::Query), s(&["김정은"]));
    }

    #[test]
    fn folding_makes_variants_identical() {
        assert_eq!(tokens("習近平", Mode::Index), tokens("习近平", Mode::Index));
        assert_eq!(texts("會談", Mode::Query), texts("会谈", Mode::Query));
        assert_eq!(texts("会談", Mode::Query), s(&["会谈"]));
        assert_eq!(texts("主義", Mode::Index), texts("主义", Mode::Index));
        assert_eq!(texts("揺れ", Mode::Query), s(&["摇れ"]));
    }

    #[test]
    fn russian_stems() {
        let a = texts("Лавров заявил", Mode::Index);
        let b = texts("лавров заявила", Mode::Index);
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
        assert_eq!(
            texts("Ёлка ёлки", Mode::Index),
            texts("елка елки", Mode::Index)
        );
        assert!(!texts("ёлка", Mode::Index)[0].contains('ё'));
    }

    #[test]
    fn english_words() {
        assert_eq!(
            texts("meetings", Mode::Index),
            texts("meeting", Mode::Index)
        );
        assert_eq!(
            texts("The Leaders' MEETINGS", Mode::Index),
            s(&["the", "leader", "meet"])
        );
        assert_eq!(texts("don't", Mode::Index), s(&["don't"]));
        assert_eq!(texts("don’t", Mode::Index), s(&["don't"]));
        assert_eq!(texts("Putin's visit", Mode::Index), s(&["putin", "visit"]));
        assert_eq!(
            texts("long-range missiles", Mode::Index),
            s(&["long", "rang", "missil"])
        );
        assert_eq!(texts("'quoted'", Mode::Index), s(&["quot"]));
    }

    #[test]
    fn numbers_and_mixed_words() {
        assert_eq!(
            texts("G20 SCO 2025 3.5 1,000 x.y", Mode::Index),
            s(&["g20", "sco", "2025", "3.5", "1,000", "x", "y"])
        );
        assert_eq!(
            texts("2025年9月", Mode::Index),
            s(&["2025", "年", "9", "月"])
        );
        let p = with_pos("2025年9月", Mode::Index);
        assert_eq!(p.iter().map(|x| x.1).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn positions_run_on_across_scripts() {
        let p = with_pos("Путин、習近平とmet.", Mode::Index);
        let positions: Vec<usize> = p.iter().map(|x| x.1).collect();
        assert_eq!(p[0].0, "путин");
        assert_eq!(positions, vec![0, 1, 1, 2, 2, 3, 4, 5]);
        assert_eq!(p.last(), Some(&("met".to_string(), 5)));
    }

    #[test]
    fn offsets_slice_the_surface_form() {
        let text = "ソウルで김정은と「習近平」がMeetings, 会谈!";
        for t in tokens(text, Mode::Index) {
            let surface = &text[t.start..t.end];
            let folded: String = crate::fold(&surface.to_lowercase());
            let n = surface.chars().count();
            if surface
                .chars()
                .all(|c| matches!(kind(c), Kind::Cjk | Kind::Hangul))
            {
                assert_eq!(folded, t.text, "{t:?}");
                assert!((1..=3).contains(&n));
            } else {
                assert_eq!(surface, "Meetings");
            }
        }
    }

    #[test]
    fn other_scripts_lowercased_not_stemmed() {
        assert_eq!(texts("Αθήνα ΚΑΙ", Mode::Index), s(&["αθήνα", "και"]));
        assert_eq!(texts("नमस्ते", Mode::Index), s(&["नमस्ते"]));
    }

    #[test]
    fn long_words_take_a_position_but_no_token() {
        let long = "a".repeat(MAX_WORD_BYTES + 1);
        let p = with_pos(&format!("x {long} y"), Mode::Index);
        assert_eq!(p, vec![("x".into(), 0), ("y".into(), 2)]);
    }

    #[test]
    fn punctuation_only_gives_nothing() {
        assert!(tokens("  ,.;「」・—!?\n\t", Mode::Index).is_empty());
        assert!(tokens("", Mode::Query).is_empty());
    }

    fn cjk_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                '金', '正', '恩', '習', '习', '会', '會', '談', 'の', 'が', 'ア', 'ー', '々', '김',
                '정', '은', ' ', '、', 'a', 'Б',
            ]),
            0..24,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn tokens_are_well_formed(text in prop_oneof![".*", cjk_text()]) {
            for mode in [Mode::Index, Mode::Query] {
                let mut last = 0;
                for t in tokens(&text, mode) {
                    prop_assert!(t.start < t.end && t.end <= text.len(), "{:?}", t);
                    prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                    prop_assert!(t.position >= last, "{:?}", t);
                    prop_assert!(!t.text.is_empty());
                    last = t.position;
                }
            }
        }

        /// A query for any substring (≥ 2 chars) of a CJK run matches the run's index tokens as
        /// a phrase: each query gram is an index token at the same relative position.
        #[test]
        fn query_substrings_match_index(run in "[金正恩習近平会談のがアー々]{2,12}", a in 0usize..12, len in 2usize..12) {
            let chars: Vec<char> = run.chars().collect();
            let a = a % (chars.len() - 1);
            let b = (a + len).min(chars.len());
            prop_assume!(b - a >= 2);
            let sub: String = chars[a..b].iter().collect();
            let index = tokens(&run, Mode::Index);
            let query = tokens(&sub, Mode::Query);
            let n = b - a;
            let want = if n <= 3 { 1 } else { (n - 3) / 3 + 1 + usize::from(!(n - 3).is_multiple_of(3)) };
            prop_assert_eq!(query.len(), want);
            for q in &query {
                prop_assert!(
                    index.iter().any(|t| t.text == q.text && t.position == a + q.position),
                    "{:?} not at {} in {:?}", q, a + q.position, index
                );
            }
        }
    }
}
