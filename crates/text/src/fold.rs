//! Character-variant folding for matching: traditional Chinese and Japanese shinjitai /
//! kyūjitai forms fold to simplified Chinese, one character to one character.
//!
//! The knowledge lives in data files under `data/text/`, embedded at build time:
//!
//! * `fold-hant-hans.tsv` — traditional → simplified, generated from `zhconv` by the
//!   `gen_fold_table` example;
//! * `fold-overrides.tsv` — hand corrections to the generated table;
//! * `ja-shinjitai.tsv` — Japanese forms → traditional, applied before the table above, so
//!   揺 → 搖 → 摇;
//! * `hans-hant.tsv` — simplified-only characters (used by language identification to tell
//!   zh-Hans from zh-Hant, never for folding).
//!
//! The tables are parsed and validated once, on first use, into a dense array over the CJK
//! ranges. [`load_tables`] reports a malformed table; folding itself never fails and falls
//! back to the identity if the tables are unusable.

use std::sync::OnceLock;

use crate::TextError;

/// One `from<TAB>to` line of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub from: char,
    pub to: char,
    /// 1-based line number in its file.
    pub line: usize,
}

/// The embedded tables: (file name, contents).
const HANT_HANS: (&str, &str) = (
    "fold-hant-hans.tsv",
    include_str!("../../../data/text/fold-hant-hans.tsv"),
);
const OVERRIDES: (&str, &str) = (
    "fold-overrides.tsv",
    include_str!("../../../data/text/fold-overrides.tsv"),
);
const JA_SHINJITAI: (&str, &str) = (
    "ja-shinjitai.tsv",
    include_str!("../../../data/text/ja-shinjitai.tsv"),
);
const HANS_HANT: (&str, &str) = (
    "hans-hant.tsv",
    include_str!("../../../data/text/hans-hant.tsv"),
);

/// CJK Unified Ideographs Extension A and CJK Unified Ideographs (contiguous).
const MAIN_LO: u32 = 0x3400;
const MAIN_HI: u32 = 0x9FFF;
/// CJK Compatibility Ideographs.
const COMPAT_LO: u32 = 0xF900;
const COMPAT_HI: u32 = 0xFAFF;
const MAIN_LEN: usize = (MAIN_HI - MAIN_LO + 1) as usize;
const DENSE_LEN: usize = MAIN_LEN + (COMPAT_HI - COMPAT_LO + 1) as usize;

const FLAG_TRAD: u8 = 1;
const FLAG_SIMP: u8 = 2;

/// Index of `c` in the dense tables, if it lies in a folded range.
#[inline]
fn dense_index(c: char) -> Option<usize> {
    let cp = c as u32;
    if cp < MAIN_LO {
        None
    } else if cp <= MAIN_HI {
        Some((cp - MAIN_LO) as usize)
    } else if (COMPAT_LO..=COMPAT_HI).contains(&cp) {
        Some(MAIN_LEN + (cp - COMPAT_LO) as usize)
    } else {
        None
    }
}

/// The parsed tables.
pub(crate) struct Tables {
    /// Folded character for every character of the dense ranges.
    map: Vec<char>,
    /// `FLAG_TRAD`: the character is written only in traditional text (it folds to another
    /// character under the generated table); `FLAG_SIMP`: only in simplified text.
    flags: Vec<u8>,
}

impl Tables {
    #[inline]
    pub(crate) fn fold(&self, c: char) -> char {
        match dense_index(c) {
            Some(i) => self.map[i],
            None => c,
        }
    }

    #[inline]
    fn flag(&self, c: char, flag: u8) -> bool {
        dense_index(c).is_some_and(|i| self.flags[i] & flag != 0)
    }

    /// Whether `c` is used only in traditional Chinese.
    #[inline]
    pub(crate) fn is_traditional_only(&self, c: char) -> bool {
        self.flag(c, FLAG_TRAD)
    }

    /// Whether `c` is used only in simplified Chinese.
    #[inline]
    pub(crate) fn is_simplified_only(&self, c: char) -> bool {
        self.flag(c, FLAG_SIMP)
    }
}

/// Parses one `from<TAB>to` table. Blank lines and lines starting with `#` are skipped; every
/// other line must hold exactly two single characters separated by one tab, the two must
/// differ, and no character may be mapped twice. Errors name the file and the line.
pub fn parse_table(file_name: &str, contents: &str) -> Result<Vec<Mapping>, TextError> {
    let err = |line: usize, message: String| TextError::Table {
        file: file_name.to_string(),
        line,
        message,
    };
    let mut out: Vec<Mapping> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (n, raw) in contents.lines().enumerate() {
        let line = n + 1;
        let text = raw.strip_suffix('\r').unwrap_or(raw);
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        let mut fields = text.split('\t');
        let (Some(a), Some(b), None) = (fields.next(), fields.next(), fields.next()) else {
            return Err(err(
                line,
                format!("expected `from<TAB>to` (two fields separated by one tab), found {text:?}"),
            ));
        };
        let single = |field: &str, which: &str| -> Result<char, TextError> {
            let mut chars = field.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(err(
                    line,
                    format!("the {which} field must be exactly one character, found {field:?}"),
                )),
            }
        };
        let from = single(a, "first")?;
        let to = single(b, "second")?;
        if from == to {
            return Err(err(line, format!("{from} is mapped to itself")));
        }
        if let Some(first) = seen.insert(from, line) {
            return Err(err(
                line,
                format!("{from} is mapped twice (first on line {first})"),
            ));
        }
        out.push(Mapping { from, to, line });
    }
    Ok(out)
}

fn index_of(file: &str, m: &Mapping) -> Result<usize, TextError> {
    dense_index(m.from).ok_or_else(|| TextError::Table {
        file: file.to_string(),
        line: m.line,
        message: format!(
            "{} (U+{:04X}) is outside the CJK ideograph ranges that folding covers \
             (U+3400–U+9FFF, U+F900–U+FAFF)",
            m.from, m.from as u32
        ),
    })
}

/// Builds the dense tables from the four table texts, each given as (file name, contents).
fn build(
    hant_hans: (&str, &str),
    overrides: (&str, &str),
    shinjitai: (&str, &str),
    hans_hant: (&str, &str),
) -> Result<Tables, TextError> {
    let mut hant = vec!['\0'; DENSE_LEN];
    for (i, slot) in hant.iter_mut().enumerate() {
        let cp = if i < MAIN_LEN {
            MAIN_LO + i as u32
        } else {
            COMPAT_LO + (i - MAIN_LEN) as u32
        };
        // Every code point of both ranges is a valid scalar value (no surrogates there).
        *slot = char::from_u32(cp).unwrap_or('\u{FFFD}');
    }
    let mut flags = vec![0u8; DENSE_LEN];

    for m in parse_table(hant_hans.0, hant_hans.1)? {
        let i = index_of(hant_hans.0, &m)?;
        hant[i] = m.to;
        flags[i] |= FLAG_TRAD;
    }
    for m in parse_table(overrides.0, overrides.1)? {
        let i = index_of(overrides.0, &m)?;
        hant[i] = m.to;
    }
    resolve_chains(&mut hant);

    let mut map = hant.clone();
    for m in parse_table(shinjitai.0, shinjitai.1)? {
        let i = index_of(shinjitai.0, &m)?;
        map[i] = match dense_index(m.to) {
            Some(j) => hant[j],
            None => m.to,
        };
    }

    resolve_chains(&mut map);

    for m in parse_table(hans_hant.0, hans_hant.1)? {
        let i = index_of(hans_hant.0, &m)?;
        flags[i] |= FLAG_SIMP;
    }
    Ok(Tables { map, flags })
}

/// Follows chains (a → b, b → c) so that folding is idempotent: afterwards every target is a
/// fixed point.
fn resolve_chains(map: &mut [char]) {
    for _ in 0..4 {
        let mut changed = false;
        for i in 0..map.len() {
            if let Some(j) = dense_index(map[i])
                && map[j] != map[i]
            {
                map[i] = map[j];
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

static TABLES: OnceLock<Result<Tables, TextError>> = OnceLock::new();

fn loaded() -> &'static Result<Tables, TextError> {
    TABLES.get_or_init(|| build(HANT_HANS, OVERRIDES, JA_SHINJITAI, HANS_HANT))
}

/// The tables, or `None` if they failed validation (folding is then the identity).
#[inline]
pub(crate) fn tables() -> Option<&'static Tables> {
    loaded().as_ref().ok()
}

/// Parses and validates the embedded tables (once per process). Call at start-up to report a
/// malformed table; without it, a bad table silently turns folding into the identity.
pub fn load_tables() -> Result<(), TextError> {
    match loaded() {
        Ok(_) => Ok(()),
        Err(e) => Err(e.clone()),
    }
}

/// Folds one character to its canonical variant for matching: traditional Chinese and
/// Japanese shinjitai/kyujitai forms map to simplified Chinese (習/习 → 习, 斷/断 → 断,
/// 搖/揺 → 摇, 義 → 义, 國/国 → 国); every other character maps to itself.
/// Case is not folded here.
#[inline]
pub fn fold_char(c: char) -> char {
    if (c as u32) < MAIN_LO {
        return c;
    }
    match tables() {
        Some(t) => t.fold(c),
        None => c,
    }
}

/// Folds every character of `s` with [`fold_char`]; the result has the same number of chars.
pub fn fold(s: &str) -> String {
    match tables() {
        Some(t) => s.chars().map(|c| t.fold(c)).collect(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhconv::{Variant, zhconv};

    fn hans(s: &str) -> String {
        zhconv(s, Variant::ZhHans)
    }

    #[test]
    fn embedded_tables_load() {
        assert_eq!(load_tables(), Ok(()));
    }

    #[test]
    fn folds_required_pairs() {
        let pairs = [
            ("習习", '习'),
            ("斷断", '断'),
            ("搖揺摇", '摇'),
            ("義义", '义'),
            ("國国", '国'),
            ("會会", '会'),
            ("發発发", '发'),
            ("氣気气", '气'),
            ("廣広广", '广'),
            ("對対对", '对'),
            ("戰戦战", '战'),
            ("關関关", '关'),
            ("經経经", '经'),
            ("濟済济", '济'),
            ("總総总", '总'),
            ("齊斉齐", '齐'),
            ("鐵鉄铁", '铁'),
            ("變変变", '变'),
            ("單単单", '单'),
            ("談谈", '谈'),
            ("訪访", '访'),
            ("問问", '问'),
            ("韓韩", '韩'),
            ("鮮鲜", '鲜'),
            ("長长", '长'),
            ("軍军", '军'),
            ("際际", '际'),
            ("貿贸", '贸'),
            ("電电", '电'),
            ("話话", '话'),
            ("報报", '报'),
            ("聞闻", '闻'),
            ("勞労劳", '劳'),
            ("傳伝传", '传'),
            ("歷歴历", '历'),
            ("價価价", '价'),
            ("圓円圆", '圆'),
        ];
        for (forms, want) in pairs {
            for c in forms.chars() {
                assert_eq!(fold_char(c), want, "fold_char({c})");
            }
        }
    }

    #[test]
    fn folds_words_identically() {
        assert_eq!(fold("主義"), fold("主义"));
        assert_eq!(fold("習近平"), fold("习近平"));
        assert_eq!(fold("會談"), fold("会談"));
        assert_eq!(fold("会談"), fold("会谈"));
        assert_eq!(fold("習近平"), "习近平");
        assert_eq!(fold("其餘"), fold("其余"));
    }

    #[test]
    fn leaves_other_characters_alone() {
        for c in [
            'a', 'Z', 'é', 'Ж', 'あ', 'ア', 'ー', '김', '1', ' ', '。', '🙂',
        ] {
            assert_eq!(fold_char(c), c);
        }
        let s = "Kim Jong Un と 김정은, 2025年";
        assert_eq!(fold(s).chars().count(), s.chars().count());
        assert_eq!(fold("東京で会談した"), "东京で会谈した");
    }

    #[test]
    fn folding_is_idempotent_over_all_ideographs() {
        for cp in (MAIN_LO..=MAIN_HI).chain(COMPAT_LO..=COMPAT_HI) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let f = fold_char(c);
            assert_eq!(fold_char(f), f, "U+{cp:04X} {c} → {f} is not a fixed point");
        }
    }

    /// The committed generated table agrees with zhconv (apart from the hand overrides).
    #[test]
    fn committed_table_agrees_with_zhconv() {
        let overrides: Vec<char> = parse_table(OVERRIDES.0, OVERRIDES.1)
            .unwrap()
            .iter()
            .map(|m| m.from)
            .collect();
        let rows = parse_table(HANT_HANS.0, HANT_HANS.1).unwrap();
        assert!(rows.len() > 3000, "only {} rows", rows.len());
        let mut checked = 0;
        for m in rows.iter().step_by(rows.len() / 400) {
            if overrides.contains(&m.from) || (COMPAT_LO..=COMPAT_HI).contains(&(m.from as u32)) {
                continue;
            }
            assert_eq!(
                hans(&m.from.to_string()),
                m.to.to_string(),
                "line {}",
                m.line
            );
            checked += 1;
        }
        assert!(checked >= 300, "checked {checked}");
        // And a sample of ideographs the table leaves out are indeed unchanged by zhconv.
        for cp in (0x4E00u32..0x9FFF).step_by(97) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if !rows.iter().any(|m| m.from == c) {
                let h = hans(&c.to_string());
                assert!(
                    h.chars().count() != 1 || h == c.to_string(),
                    "{c} → {h} missing"
                );
            }
        }
    }

    /// Every Japanese form folds to a character that is simplified Chinese.
    #[test]
    fn shinjitai_fold_to_simplified() {
        let rows = parse_table(JA_SHINJITAI.0, JA_SHINJITAI.1).unwrap();
        assert!(rows.len() >= 300, "only {} rows", rows.len());
        for m in &rows {
            let f = fold_char(m.from);
            assert_eq!(
                hans(&f.to_string()),
                f.to_string(),
                "{} → {f} (line {})",
                m.from,
                m.line
            );
            assert_eq!(f, fold_char(m.to), "{} and {} fold apart", m.from, m.to);
        }
    }

    #[test]
    fn hans_and_hant_flags() {
        let t = tables().unwrap();
        for c in "國會經濟發歷".chars() {
            assert!(t.is_traditional_only(c), "{c}");
            assert!(!t.is_simplified_only(c), "{c}");
        }
        for c in "国会经济发历".chars() {
            assert!(t.is_simplified_only(c), "{c}");
            assert!(!t.is_traditional_only(c), "{c}");
        }
        for c in "中人大了的台面".chars() {
            assert!(!t.is_simplified_only(c) && !t.is_traditional_only(c), "{c}");
        }
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let cases = [
            ("# header\n國\t国\n國 国\n", 3, "two fields"),
            ("國\t国\t囯\n", 1, "two fields"),
            (
                "a\tb\n\n國國\t国\n",
                3,
                "first field must be exactly one character",
            ),
            ("國\t\n", 1, "second field must be exactly one character"),
            ("國\t国\n会\t会\n", 2, "mapped to itself"),
            ("國\t国\n#\n國\t囯\n", 3, "mapped twice (first on line 1)"),
        ];
        for (text, line, needle) in cases {
            let e = parse_table("bad.tsv", text).unwrap_err();
            let TextError::Table { file, line: l, .. } = &e;
            assert_eq!((file.as_str(), *l), ("bad.tsv", line), "{text:?}");
            let msg = e.to_string();
            assert!(msg.contains(needle), "{msg}");
            assert!(
                msg.starts_with(&format!("data/text/bad.tsv, line {line}: ")),
                "{msg}"
            );
        }
        assert_eq!(
            parse_table("ok.tsv", "# only a comment\n\n").unwrap(),
            vec![]
        );
        let ok = parse_table("ok.tsv", "國\t国\r\n").unwrap();
        assert_eq!(
            ok,
            vec![Mapping {
                from: '國',
                to: '国',
                line: 1
            }]
        );
    }

    #[test]
    fn build_rejects_out_of_range_and_malformed_tables() {
        let empty = ("empty.tsv", "");
        let e = build(("t.tsv", "a\tb\n"), empty, empty, empty)
            .err()
            .unwrap();
        assert!(e.to_string().contains("t.tsv, line 1"), "{e}");
        assert!(e.to_string().contains("outside the CJK"), "{e}");
        let e = build(empty, empty, ("ja.tsv", "# c\n揺\t搖\n揺 搖\n"), empty)
            .err()
            .unwrap();
        assert_eq!(
            e.to_string().split(':').next(),
            Some("data/text/ja.tsv, line 3")
        );
        let t = build(("t.tsv", "搖\t摇\n"), empty, ("ja.tsv", "揺\t搖\n"), empty).unwrap();
        assert_eq!(t.fold('揺'), '摇');
        assert_eq!(t.fold('搖'), '摇');
        assert_eq!(t.fold('x'), 'x');
    }
}
