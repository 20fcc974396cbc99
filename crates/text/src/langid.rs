//! Language identification: script first, then statistics only where the script leaves a
//! choice.
//!
//! * Hangul → ko; kana with Han → ja; Han only → zh-Hans or zh-Hant, by counting characters
//!   written only in traditional text against those written only in simplified text (from the
//!   folding tables);
//! * Cyrillic → whatlang restricted to Cyrillic languages, ru when unsure;
//! * Latin → whatlang restricted to common Latin-script languages, en when unsure;
//! * other scripts → whatlang.
//!
//! Documents are split into paragraphs at blank lines; short paragraphs take the language of
//! their neighbours.

use std::sync::OnceLock;

use entente_core::{Lang, LangSpan};
use whatlang::{Detector, Lang as WLang};

use crate::fold;

/// Below this many letters a text is `Und`.
const MIN_LETTERS: usize = 3;
/// Paragraphs with fewer letters take the language of their neighbours.
const PARAGRAPH_MIN_LETTERS: usize = 20;
/// Bytes of a paragraph given to whatlang: its trigram profile settles well within a few
/// sentences, and this is the costliest step of ingest.
const WHATLANG_SAMPLE: usize = 320;

/// Letter counts per script.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    han: usize,
    kana: usize,
    hangul: usize,
    cyrillic: usize,
    latin: usize,
    other: usize,
    /// Han characters written only in traditional / only in simplified Chinese.
    trad: usize,
    simp: usize,
    /// Cyrillic letters that, among the Cyrillic languages detected, only Russian (ы, э; also
    /// Belarusian, told apart by і and ў) uses, and letters Russian never uses (і ї є ґ ў ј љ
    /// њ ћ ђ џ ѓ ќ ѕ).
    ru_marks: usize,
    non_ru: usize,
}

impl Counts {
    fn of(text: &str) -> Counts {
        let tables = fold::tables();
        let mut n = Counts::default();
        for c in text.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphabetic() {
                    n.latin += 1;
                }
                continue;
            }
            let cp = c as u32;
            match cp {
                0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => {
                    n.han += 1;
                    if let Some(t) = tables {
                        n.trad += usize::from(t.is_traditional_only(c));
                        n.simp += usize::from(t.is_simplified_only(c));
                    }
                }
                0x3005..=0x3007 => n.han += 1,
                0x3041..=0x309F | 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF => {
                    n.kana += 1
                }
                0xFF66..=0xFF9F => n.kana += 1,
                0xAC00..=0xD7A3
                | 0x1100..=0x11FF
                | 0x3131..=0x318E
                | 0xA960..=0xA97F
                | 0xD7B0..=0xD7FF => n.hangul += 1,
                0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                    if c.is_alphabetic() {
                        n.cyrillic += 1;
                        match c {
                            'ы' | 'Ы' | 'э' | 'Э' => n.ru_marks += 1,
                            'і' | 'І' | 'ї' | 'Ї' | 'є' | 'Є' | 'ґ' | 'Ґ' | 'ў' | 'Ў' | 'ј'
                            | 'Ј' | 'љ' | 'Љ' | 'њ' | 'Њ' | 'ћ' | 'Ћ' | 'ђ' | 'Ђ' | 'џ' | 'Џ'
                            | 'ѓ' | 'Ѓ' | 'ќ' | 'Ќ' | 'ѕ' | 'Ѕ' => n.non_ru += 1,
                            _ => {}
                        }
                    }
                }
                0x00C0..=0x024F | 0x1E00..=0x1EFF => {
                    if c.is_alphabetic() {
                        n.latin += 1
                    }
                }
                _ => {
                    if c.is_alphabetic() {
                        n.other += 1
                    }
                }
            }
        }
        n
    }

    fn cjk(&self) -> usize {
        self.han + self.kana + self.hangul
    }

    fn letters(&self) -> usize {
        self.cjk() + self.cyrillic + self.latin + self.other
    }

    fn add(&mut self, o: &Counts) {
        self.han += o.han;
        self.kana += o.kana;
        self.hangul += o.hangul;
        self.cyrillic += o.cyrillic;
        self.latin += o.latin;
        self.other += o.other;
        self.trad += o.trad;
        self.simp += o.simp;
        self.ru_marks += o.ru_marks;
        self.non_ru += o.non_ru;
    }
}

/// Which family of scripts a guess came from; unsure guesses only defer to sure neighbours
/// of the same family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Cjk,
    Cyrillic,
    Latin,
    Other,
}

#[derive(Clone, Debug)]
struct Guess {
    lang: Lang,
    sure: bool,
    family: Family,
}

fn latin_detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        Detector::with_allowlist(vec![
            WLang::Eng,
            WLang::Spa,
            WLang::Fra,
            WLang::Deu,
            WLang::Ita,
            WLang::Por,
            WLang::Nld,
            WLang::Pol,
            WLang::Tur,
            WLang::Swe,
            WLang::Dan,
            WLang::Nob,
            WLang::Fin,
            WLang::Ces,
            WLang::Slk,
            WLang::Ron,
            WLang::Hun,
            WLang::Hrv,
            WLang::Slv,
            WLang::Lit,
            WLang::Lav,
            WLang::Est,
            WLang::Vie,
            WLang::Ind,
            WLang::Cat,
        ])
    })
}

fn cyrillic_detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| {
        Detector::with_allowlist(vec![
            WLang::Rus,
            WLang::Ukr,
            WLang::Bel,
            WLang::Bul,
            WLang::Srp,
            WLang::Mkd,
        ])
    })
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// ISO 639-1 code of a whatlang language.
fn iso639_1(l: WLang) -> &'static str {
    match l {
        WLang::Epo => "eo",
        WLang::Eng => "en",
        WLang::Rus => "ru",
        WLang::Cmn => "zh",
        WLang::Spa => "es",
        WLang::Por => "pt",
        WLang::Ita => "it",
        WLang::Ben => "bn",
        WLang::Fra => "fr",
        WLang::Deu => "de",
        WLang::Ukr => "uk",
        WLang::Kat => "ka",
        WLang::Ara => "ar",
        WLang::Hin => "hi",
        WLang::Jpn => "ja",
        WLang::Heb => "he",
        WLang::Yid => "yi",
        WLang::Pol => "pl",
        WLang::Amh => "am",
        WLang::Jav => "jv",
        WLang::Kor => "ko",
        WLang::Nob => "nb",
        WLang::Dan => "da",
        WLang::Swe => "sv",
        WLang::Fin => "fi",
        WLang::Tur => "tr",
        WLang::Nld => "nl",
        WLang::Hun => "hu",
        WLang::Ces => "cs",
        WLang::Ell => "el",
        WLang::Bul => "bg",
        WLang::Bel => "be",
        WLang::Mar => "mr",
        WLang::Kan => "kn",
        WLang::Ron => "ro",
        WLang::Slv => "sl",
        WLang::Hrv => "hr",
        WLang::Srp => "sr",
        WLang::Mkd => "mk",
        WLang::Lit => "lt",
        WLang::Lav => "lv",
        WLang::Est => "et",
        WLang::Tam => "ta",
        WLang::Vie => "vi",
        WLang::Urd => "ur",
        WLang::Tha => "th",
        WLang::Guj => "gu",
        WLang::Uzb => "uz",
        WLang::Pan => "pa",
        WLang::Aze => "az",
        WLang::Ind => "id",
        WLang::Tel => "te",
        WLang::Pes => "fa",
        WLang::Mal => "ml",
        WLang::Ori => "or",
        WLang::Mya => "my",
        WLang::Nep => "ne",
        WLang::Sin => "si",
        WLang::Khm => "km",
        WLang::Tuk => "tk",
        WLang::Aka => "ak",
        WLang::Zul => "zu",
        WLang::Sna => "sn",
        WLang::Afr => "af",
        WLang::Lat => "la",
        WLang::Slk => "sk",
        WLang::Cat => "ca",
        WLang::Tgl => "tl",
        WLang::Hye => "hy",
        WLang::Cym => "cy",
    }
}

fn from_whatlang(l: WLang) -> Lang {
    match iso639_1(l) {
        "en" => Lang::En,
        "ru" => Lang::Ru,
        "ja" => Lang::Ja,
        "ko" => Lang::Ko,
        "zh" => Lang::ZhHans,
        code => Lang::Other(code.to_string()),
    }
}

/// Guesses the language of one stretch of text from its counts.
fn guess(text: &str, n: &Counts) -> Guess {
    let letters = n.letters();
    if letters < MIN_LETTERS {
        return Guess {
            lang: Lang::Und,
            sure: false,
            family: Family::Other,
        };
    }
    // One CJK character carries about as much as a couple of alphabetic letters.
    let cjk_weight = n.cjk() * 2;
    let alpha_max = n.latin.max(n.cyrillic).max(n.other);
    if cjk_weight >= alpha_max {
        let cjk = n.cjk();
        let lang = if n.hangul * 10 >= cjk * 3 {
            Lang::Ko
        } else if n.kana > 0 && n.kana * 20 >= n.han + n.kana {
            Lang::Ja
        } else if n.trad > n.simp {
            Lang::ZhHant
        } else {
            Lang::ZhHans
        };
        return Guess {
            lang,
            sure: true,
            family: Family::Cjk,
        };
    }
    let sample = prefix(text, WHATLANG_SAMPLE);
    if n.cyrillic == alpha_max {
        // Letters settle Russian without statistics, which are the costliest step of ingest.
        if n.cyrillic >= PARAGRAPH_MIN_LETTERS && n.ru_marks > 0 && n.non_ru == 0 {
            return Guess {
                lang: Lang::Ru,
                sure: true,
                family: Family::Cyrillic,
            };
        }
        let info = cyrillic_detector().detect(sample);
        return match info {
            Some(i) if i.is_reliable() => Guess {
                lang: from_whatlang(i.lang()),
                sure: true,
                family: Family::Cyrillic,
            },
            _ => Guess {
                lang: Lang::Ru,
                sure: false,
                family: Family::Cyrillic,
            },
        };
    }
    if n.latin == alpha_max {
        // So do English function words.
        if english_by_function_words(sample) {
            return Guess {
                lang: Lang::En,
                sure: true,
                family: Family::Latin,
            };
        }
        let info = latin_detector().detect(sample);
        return match info {
            Some(i) if i.is_reliable() => Guess {
                lang: from_whatlang(i.lang()),
                sure: true,
                family: Family::Latin,
            },
            _ => Guess {
                lang: Lang::En,
                sure: false,
                family: Family::Latin,
            },
        };
    }
    match whatlang::detect(sample) {
        Some(i) => Guess {
            lang: from_whatlang(i.lang()),
            sure: i.is_reliable(),
            family: Family::Other,
        },
        None => Guess {
            lang: Lang::Und,
            sure: false,
            family: Family::Other,
        },
    }
}

/// English function words: frequent in any English sentence, rare as words in the other
/// Latin-script languages.
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "was", "for", "with", "that", "by", "from", "on", "at",
    "as", "his", "he", "said", "has", "have", "which", "were", "this",
];

/// Whether `sample` reads as English: at least 8 words, "the" among them, and a fifth or more
/// of them English function words.
fn english_by_function_words(sample: &str) -> bool {
    let (mut words, mut hits, mut the) = (0usize, 0usize, false);
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if !w.is_ascii() {
            // Accented words: let statistics decide.
            return false;
        }
        words += 1;
        if w.len() <= 5 {
            let lower = w.to_ascii_lowercase();
            if ENGLISH_FUNCTION_WORDS.contains(&lower.as_str()) {
                hits += 1;
                the |= lower == "the";
            }
        }
    }
    words >= 8 && the && hits * 5 >= words
}

/// Byte ranges of the paragraphs of `text` (runs of non-blank lines), trimmed of white space.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed_start = line.len() - line.trim_start().len();
        let content = line.trim();
        if content.is_empty() {
            if let Some(p) = current.take() {
                out.push(p);
            }
        } else {
            let s = line_start + trimmed_start;
            let e = s + content.len();
            current = Some(match current {
                Some((ps, _)) => (ps, e),
                None => (s, e),
            });
        }
        line_start += line.len();
    }
    if let Some(p) = current {
        out.push(p);
    }
    out
}

/// The main language of `text` (normalised): ja, zh-Hans, zh-Hant, ko, ru, en, another
/// ISO 639-1 code, or `Und` when there is too little text.
pub fn detect(text: &str) -> Lang {
    detect_spans(text).0
}

/// For each paragraph `i` of family `family_of(i)`, the language of the nearest sure paragraph
/// of that family (the earlier one on a tie), in two linear passes: a document of many short
/// paragraphs costs time in proportion to their number, not its square.
fn nearest_of_family(
    sure: &[Option<(Lang, Family)>],
    family_of: impl Fn(usize) -> Option<Family>,
) -> Vec<Option<Lang>> {
    let n = sure.len();
    let pass = |order: &mut dyn Iterator<Item = usize>| {
        let mut out: Vec<Option<(usize, Lang)>> = vec![None; n];
        let mut last: Vec<(Family, usize, Lang)> = Vec::new();
        for i in order {
            if let Some(f) = family_of(i) {
                out[i] = last
                    .iter()
                    .find(|(lf, ..)| *lf == f)
                    .map(|(_, j, l)| (*j, l.clone()));
            }
            if let Some((l, f)) = &sure[i] {
                match last.iter_mut().find(|(lf, ..)| lf == f) {
                    Some(e) => *e = (*f, i, l.clone()),
                    None => last.push((*f, i, l.clone())),
                }
            }
        }
        out
    };
    let left = pass(&mut (0..n));
    let right = pass(&mut (0..n).rev());
    left.into_iter()
        .zip(right)
        .enumerate()
        .map(|(i, (l, r))| match (l, r) {
            (Some((lj, ll)), Some((rj, rl))) => Some(if i - lj <= rj - i { ll } else { rl }),
            (Some((_, l)), None) | (None, Some((_, l))) => Some(l),
            (None, None) => None,
        })
        .collect()
}

/// The main language by share of letters, and per-paragraph spans when paragraphs differ
/// (an empty vector when the whole document is in one language).
///
/// Paragraphs are separated by blank lines. Each span covers one or more adjacent paragraphs
/// of one language, from the first paragraph's first non-blank byte to the last one's last;
/// the blank lines between spans belong to none.
pub fn detect_spans(text: &str) -> (Lang, Vec<LangSpan>) {
    let paras = paragraphs(text);
    if paras.len() <= 1 {
        let n = Counts::of(text);
        return (guess(text, &n).lang, Vec::new());
    }

    let mut total = Counts::default();
    let mut counts = Vec::with_capacity(paras.len());
    let mut guesses: Vec<Option<Guess>> = Vec::with_capacity(paras.len());
    for &(s, e) in &paras {
        let n = Counts::of(&text[s..e]);
        total.add(&n);
        guesses.push((n.letters() >= PARAGRAPH_MIN_LETTERS).then(|| guess(&text[s..e], &n)));
        counts.push(n.letters());
    }
    if guesses.iter().all(Option::is_none) {
        return (guess(text, &total).lang, Vec::new());
    }

    // Unsure guesses defer to the nearest sure guess of the same script family.
    let sure: Vec<Option<(Lang, Family)>> = guesses
        .iter()
        .map(|g| match g {
            Some(g) if g.sure => Some((g.lang.clone(), g.family)),
            _ => None,
        })
        .collect();
    let near = nearest_of_family(&sure, |i| guesses[i].as_ref().map(|g| g.family));
    let mut langs: Vec<Option<Lang>> = guesses
        .iter()
        .enumerate()
        .map(|(i, g)| {
            g.as_ref().map(|g| {
                if g.sure {
                    g.lang.clone()
                } else {
                    near[i].clone().unwrap_or_else(|| g.lang.clone())
                }
            })
        })
        .collect();

    // Short paragraphs take the previous paragraph's language (the next one's at the start).
    let first = langs.iter().flatten().next().cloned().unwrap_or(Lang::Und);
    let mut prev = first;
    for l in &mut langs {
        match l {
            Some(l) => prev = l.clone(),
            None => *l = Some(prev.clone()),
        }
    }
    let langs: Vec<Lang> = langs.into_iter().map(|l| l.unwrap_or(Lang::Und)).collect();

    // The main language has the largest share of letters.
    let mut shares: Vec<(Lang, usize)> = Vec::new();
    for (l, n) in langs.iter().zip(&counts) {
        match shares.iter_mut().find(|(sl, _)| sl == l) {
            Some((_, c)) => *c += n,
            None => shares.push((l.clone(), *n)),
        }
    }
    let mut main = shares[0].clone();
    for s in &shares[1..] {
        if s.1 > main.1 {
            main = s.clone();
        }
    }
    if shares.len() == 1 {
        return (main.0, Vec::new());
    }

    let mut spans: Vec<LangSpan> = Vec::new();
    for (&(s, e), l) in paras.iter().zip(langs) {
        match spans.last_mut() {
            Some(last) if last.lang == l => last.end = e,
            _ => spans.push(LangSpan {
                start: s,
                end: e,
                lang: l,
            }),
        }
    }
    (main.0, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-pass nearest sure neighbour equals the direct search it replaced.
    #[test]
    fn nearest_of_family_matches_the_direct_search() {
        use proptest::prelude::*;
        let fams = [Family::Latin, Family::Cjk, Family::Cyrillic];
        let langs = [Lang::En, Lang::Ja, Lang::Ru, Lang::Ko];
        proptest!(|(cells in proptest::collection::vec((0usize..3, 0usize..4, any::<bool>(), any::<bool>()), 0..40))| {
            let sure: Vec<Option<(Lang, Family)>> = cells
                .iter()
                .map(|&(f, l, is_sure, _)| is_sure.then(|| (langs[l].clone(), fams[f])))
                .collect();
            let family_of = |i: usize| (cells[i].3 || sure[i].is_some()).then_some(fams[cells[i].0]);
            let got = nearest_of_family(&sure, family_of);
            for i in 0..cells.len() {
                let want = family_of(i).and_then(|family| {
                    let mut best: Option<(usize, Lang)> = None;
                    for (j, s) in sure.iter().enumerate() {
                        if let Some((l, f)) = s && *f == family {
                            let d = i.abs_diff(j);
                            if best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                                best = Some((d, l.clone()));
                            }
                        }
                    }
                    best.map(|(_, l)| l)
                });
                if sure[i].is_none() {
                    prop_assert_eq!(&got[i], &want, "paragraph {}", i);
                }
            }
        });
    }

    /// 200,000 short paragraphs, most too short to be sure: linear, so this finishes in a
    /// moment (it took minutes when each unsure paragraph searched all the others).
    #[test]
    fn many_short_paragraphs_are_linear() {
        let mut text = String::new();
        for i in 0..200_000 {
            text.push_str(if i % 1000 == 0 {
                "The delegation arrived in Pyongyang for talks on economic cooperation.\n\n"
            } else {
                "ok then\n\n"
            });
        }
        let (lang, _) = detect_spans(&text);
        assert_eq!(lang, Lang::En);
    }

    const JA: &str =
        "岸田首相は東京で韓国の大統領と会談し、両国の経済協力を強化することで合意した。";
    const ZH_HANS: &str =
        "国家主席习近平在北京会见了来访的俄罗斯总统，双方就经济合作和地区安全问题交换了意见。";
    const ZH_HANT: &str =
        "國家主席習近平在北京會見了來訪的俄羅斯總統，雙方就經濟合作和地區安全問題交換了意見。";
    const KO: &str =
        "김정은 국무위원장은 평양에서 러시아 대통령과 회담을 갖고 양국 관계 발전 방안을 논의했다.";
    const RU: &str = "Министр иностранных дел заявил, что переговоры с делегацией прошли в конструктивной атмосфере.";
    const EN: &str = "The foreign minister said the talks with the visiting delegation were held in a constructive atmosphere.";
    const ES: &str = "El ministro de asuntos exteriores afirmó que las conversaciones con la delegación fueron muy constructivas y que ambos países seguirán cooperando.";

    #[test]
    fn detects_single_languages() {
        assert_eq!(detect(JA), Lang::Ja);
        assert_eq!(detect(ZH_HANS), Lang::ZhHans);
        assert_eq!(detect(ZH_HANT), Lang::ZhHant);
        assert_eq!(detect(KO), Lang::Ko);
        assert_eq!(detect(RU), Lang::Ru);
        assert_eq!(detect(EN), Lang::En);
        assert_eq!(detect(ES), Lang::Other("es".into()));
    }

    #[test]
    fn short_or_letterless_text_is_undetermined() {
        assert_eq!(detect(""), Lang::Und);
        assert_eq!(detect("2025-09-04 12:00 +++ 1,234"), Lang::Und);
        assert_eq!(detect("a1"), Lang::Und);
        assert_eq!(detect("\n\n...\n\n---"), Lang::Und);
    }

    #[test]
    fn japanese_headline_with_latin_words_is_japanese() {
        assert_eq!(
            detect("G20サミットでBiden大統領とKishida首相が会談した"),
            Lang::Ja
        );
    }

    #[test]
    fn korean_with_hanja_is_korean() {
        assert_eq!(
            detect("南北 정상회담이 板門店에서 열렸다고 통신이 전했다"),
            Lang::Ko
        );
    }

    #[test]
    fn hans_hant_by_character_counts() {
        assert_eq!(detect("台灣的經濟發展與兩岸關係"), Lang::ZhHant);
        assert_eq!(detect("台湾的经济发展与两岸关系"), Lang::ZhHans);
    }

    #[test]
    fn unsure_cyrillic_defaults_to_russian() {
        assert_eq!(detect("Лавров заявил"), Lang::Ru);
        let uk = "Міністр закордонних справ України заявив, що переговори з делегацією пройшли успішно і конструктивно.";
        assert_eq!(detect(uk), Lang::Other("uk".into()));
    }

    #[test]
    fn one_language_gives_no_spans() {
        let doc = format!("{EN}\n\n{EN}\n\nShort line.\n\n{EN}");
        assert_eq!(detect_spans(&doc), (Lang::En, vec![]));
        let doc = format!("{JA}\n\n{JA}");
        assert_eq!(detect_spans(&doc), (Lang::Ja, vec![]));
    }

    #[test]
    fn mixed_japanese_english_document() {
        let doc = format!("{JA}\n{JA}\n\n{EN}\n\nSee also:\n\n{JA}\n\n{JA}");
        let (main, spans) = detect_spans(&doc);
        assert_eq!(main, Lang::Ja, "Japanese has more letters here");
        let langs: Vec<&Lang> = spans.iter().map(|s| &s.lang).collect();
        assert_eq!(langs, vec![&Lang::Ja, &Lang::En, &Lang::Ja]);
        // The spans point into the document, in order, at paragraph edges.
        assert_eq!(spans[0].start, 0);
        assert_eq!(&doc[spans[0].range()], format!("{JA}\n{JA}"));
        // The short "See also:" inherits English from the paragraph before it.
        assert_eq!(&doc[spans[1].range()], format!("{EN}\n\nSee also:"));
        assert_eq!(&doc[spans[2].range()], format!("{JA}\n\n{JA}"));
        assert_eq!(spans[2].end, doc.len());

        let doc = format!("{JA}\n\n{EN}\n\n{EN}");
        let (main, spans) = detect_spans(&doc);
        assert_eq!(main, Lang::En, "English has more letters here");
        assert_eq!(spans.len(), 2);
        assert_eq!(detect(&doc), Lang::En);
    }

    #[test]
    fn spans_offsets_with_untrimmed_input() {
        let doc = format!("  {ZH_HANS}  \n \n\n{KO}\n");
        let (_, spans) = detect_spans(&doc);
        assert_eq!(spans.len(), 2);
        assert_eq!(&doc[spans[0].range()], ZH_HANS);
        assert_eq!(&doc[spans[1].range()], KO);
        assert_eq!(spans[1].lang, Lang::Ko);
    }

    proptest::proptest! {
        #[test]
        fn spans_are_well_formed(parts in proptest::collection::vec(
            proptest::sample::select(vec![JA, ZH_HANS, ZH_HANT, KO, RU, EN, ES, "x", "", " ", "\n", "\n\n", "短い"]),
            0..12,
        ), noise in ".{0,40}") {
            let doc = format!("{}{noise}", parts.concat());
            let (main, spans) = detect_spans(&doc);
            proptest::prop_assert_eq!(&main, &detect(&doc));
            let mut last_end = 0;
            for s in &spans {
                proptest::prop_assert!(last_end <= s.start && s.start < s.end && s.end <= doc.len());
                proptest::prop_assert!(doc.is_char_boundary(s.start) && doc.is_char_boundary(s.end));
                last_end = s.end;
            }
            for w in spans.windows(2) {
                proptest::prop_assert!(w[0].lang != w[1].lang, "adjacent spans not merged");
            }
            if !spans.is_empty() {
                proptest::prop_assert!(spans.len() >= 2);
                proptest::prop_assert!(spans.iter().any(|s| s.lang == main));
            }
        }
    }

    #[test]
    fn letters_and_function_words_settle_russian_and_english() {
        let ru = "Министр иностранных дел России Сергей Лавров провёл переговоры с коллегой из КНДР, стороны обсудили вопросы двустороннего сотрудничества.";
        let uk = "Міністр закордонних справ України провів переговори з колегою, сторони обговорили питання двостороннього співробітництва та безпеки в регіоні.";
        let be = "Міністр замежных спраў Беларусі правёў перамовы з калегам, бакі абмеркавалі пытанні двухбаковага супрацоўніцтва.";
        let en = "The foreign minister of Russia held talks with his counterpart in Pyongyang, and the two sides discussed cooperation.";
        let fr = "Le ministre des affaires étrangères de la Russie a eu des entretiens avec son homologue à Pyongyang sur la coopération.";
        let de = "Der russische Außenminister führte in Pjöngjang Gespräche mit seinem Amtskollegen über die Zusammenarbeit beider Länder.";
        let g = |t: &str| guess(t, &Counts::of(t));
        assert!(g(ru).sure && g(ru).lang == Lang::Ru);
        assert!(Counts::of(uk).non_ru > 0);
        assert_eq!(g(uk).lang.tag(), "uk");
        assert_eq!(g(be).lang.tag(), "be");
        assert!(english_by_function_words(en));
        assert!(g(en).sure && g(en).lang == Lang::En);
        assert!(!english_by_function_words(fr));
        assert_eq!(g(fr).lang.tag(), "fr");
        assert!(!english_by_function_words(de));
        assert_eq!(g(de).lang.tag(), "de");
        // Too few words for the shortcut.
        assert!(!english_by_function_words("The talks."));
    }

    #[test]
    fn paragraph_splitting() {
        assert_eq!(paragraphs(""), vec![]);
        assert_eq!(paragraphs("a\nb\n\n c \n"), vec![(0, 3), (6, 7)]);
        assert_eq!(paragraphs("\n\n x"), vec![(3, 4)]);
    }
}
