//! The date word tables under `data/text/dates/`, parsed and validated once.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::TextError;

const ERAS: (&str, &str) = (
    "dates/eras.tsv",
    include_str!("../../../../data/text/dates/eras.tsv"),
);
const NAMES: (&str, &str) = (
    "dates/names.tsv",
    include_str!("../../../../data/text/dates/names.tsv"),
);
const RELATIVE: (&str, &str) = (
    "dates/relative.tsv",
    include_str!("../../../../data/text/dates/relative.tsv"),
);

/// Language bits, so one entry can be tested against the text's language cheaply.
pub(crate) const EN: u8 = 1;
pub(crate) const RU: u8 = 2;
pub(crate) const JA: u8 = 4;
pub(crate) const ZH: u8 = 8;
pub(crate) const KO: u8 = 16;

fn lang_bit(tag: &str) -> Option<u8> {
    Some(match tag {
        "en" => EN,
        "ru" => RU,
        "ja" => JA,
        "zh" => ZH,
        "ko" => KO,
        _ => return None,
    })
}

/// One year-numbering era.
#[derive(Clone, Debug)]
pub(crate) struct Era {
    pub id: String,
    /// First day (y, m, d).
    pub start: (i32, u8, u8),
    /// The first listed name (the Japanese one for Japanese eras).
    pub name: String,
    /// Single-letter abbreviation (Japanese eras only).
    pub letter: Option<char>,
}

impl Era {
    /// Gregorian year of year `n` of the era.
    pub fn year(&self, n: i32) -> i32 {
        self.start.0 + n - 1
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Base {
    Anchor,
    Context,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Month,
    Year,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Month(u8),
    Weekday(u8),
    WeekdayParen(u8),
    MonthPart,
    Prep,
    YearWord,
    Relative { base: Base, unit: Unit, offset: i32 },
    Era(usize),
}

/// A word or phrase of the tables.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub lang: u8,
    pub kind: Kind,
    /// For Latin/Cyrillic phrases: the words after the first (`the day before` → day, before).
    pub rest: Vec<String>,
    /// For CJK/Hangul prefix entries: the whole phrase.
    pub phrase: String,
}

pub(crate) struct Tables {
    pub eras: Vec<Era>,
    /// Latin and Cyrillic words, lower case → entries (a word can be a month and a prep...).
    pub words: HashMap<String, Vec<Entry>>,
    /// CJK and Hangul phrases by first character, longest first.
    pub prefix: HashMap<char, Vec<Entry>>,
    /// Bit set over the BMP of the keys of `prefix`, so that most characters are rejected
    /// without hashing.
    first: Vec<u64>,
}

impl Tables {
    pub fn word(&self, lower: &str) -> &[Entry] {
        self.words.get(lower).map(|v| v.as_slice()).unwrap_or(&[])
    }

    pub fn prefixed(&self, c: char) -> &[Entry] {
        if !self.starts_phrase(c) {
            return &[];
        }
        self.prefix.get(&c).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Whether some CJK/Hangul phrase starts with `c`.
    #[inline]
    pub fn starts_phrase(&self, c: char) -> bool {
        let cp = c as usize;
        if cp >= 0x10000 {
            return self.prefix.contains_key(&c);
        }
        self.first[cp >> 6] & (1 << (cp & 63)) != 0
    }

    pub fn era_by_letter(&self, c: char) -> Option<usize> {
        self.eras.iter().position(|e| e.letter == Some(c))
    }

    pub fn era_by_id(&self, id: &str) -> Option<&Era> {
        self.eras.iter().find(|e| e.id == id)
    }
}

/// Whether a phrase is written in a script matched by prefix (CJK, kana, Hangul).
fn is_prefix_script(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| (c as u32) >= 0x1100 && !is_cyrillic(c))
}

pub(crate) fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

struct Lines<'a> {
    file: &'a str,
    contents: &'a str,
}

impl<'a> Lines<'a> {
    /// Non-blank, non-comment lines split on tabs, with 1-based line numbers; every line must
    /// have exactly `n` fields.
    fn rows(&self, n: usize) -> Result<Vec<(usize, Vec<&'a str>)>, TextError> {
        let mut out = Vec::new();
        for (k, raw) in self.contents.lines().enumerate() {
            let text = raw.strip_suffix('\r').unwrap_or(raw);
            if text.trim().is_empty() || text.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = text.split('\t').collect();
            if fields.len() != n || fields.iter().any(|f| f.trim().is_empty()) {
                return Err(self.err(
                    k + 1,
                    format!(
                        "expected {n} non-empty tab-separated fields, found {}: {text:?}",
                        fields.len()
                    ),
                ));
            }
            out.push((k + 1, fields));
        }
        Ok(out)
    }

    fn err(&self, line: usize, message: String) -> TextError {
        TextError::Table {
            file: self.file.to_string(),
            line,
            message,
        }
    }
}

fn parse_ymd(s: &str) -> Option<(i32, u8, u8)> {
    let mut it = s.split('-');
    let y = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

fn list(field: &str) -> Vec<&str> {
    if field == "-" {
        Vec::new()
    } else {
        field.split(',').map(str::trim).collect()
    }
}

#[derive(Default)]
struct Builder {
    words: HashMap<String, Vec<Entry>>,
    prefix: HashMap<char, Vec<Entry>>,
    /// (lang, form) → (kind, line) to reject conflicting duplicates.
    seen: HashMap<(u8, String, std::mem::Discriminant<Kind>), usize>,
}

impl Builder {
    fn add(
        &mut self,
        lines: &Lines,
        line: usize,
        lang: u8,
        form: &str,
        kind: Kind,
    ) -> Result<(), TextError> {
        if form.is_empty() {
            return Err(lines.err(line, "empty form in the list".into()));
        }
        let lower = form.to_lowercase();
        if lower != form {
            return Err(lines.err(line, format!("forms must be lower case, found {form:?}")));
        }
        let key = (lang, lower.clone(), std::mem::discriminant(&kind));
        if let Some(first) = self.seen.insert(key, line) {
            return Err(lines.err(
                line,
                format!(
                    "{form:?} is listed twice for this language and kind (first on line {first})"
                ),
            ));
        }
        if is_prefix_script(&lower) {
            let first = lower.chars().next().unwrap_or(' ');
            let v = self.prefix.entry(first).or_default();
            v.push(Entry {
                lang,
                kind,
                rest: Vec::new(),
                phrase: lower,
            });
            v.sort_by_key(|e| std::cmp::Reverse(e.phrase.len()));
        } else {
            let mut parts = lower.split(' ');
            let head = parts.next().unwrap_or("").to_string();
            let rest: Vec<String> = parts.map(str::to_string).collect();
            if rest.iter().any(|w| w.is_empty()) || head.is_empty() {
                return Err(lines.err(
                    line,
                    format!("words must be separated by single spaces: {form:?}"),
                ));
            }
            self.words.entry(head).or_default().push(Entry {
                lang,
                kind,
                rest,
                phrase: lower,
            });
        }
        Ok(())
    }
}

fn build() -> Result<Tables, TextError> {
    let mut b = Builder::default();

    let eras_file = Lines {
        file: ERAS.0,
        contents: ERAS.1,
    };
    let mut eras: Vec<Era> = Vec::new();
    for (line, f) in eras_file.rows(5)? {
        let start = parse_ymd(f[1]).ok_or_else(|| {
            eras_file.err(
                line,
                format!("the first day must be YYYY-MM-DD, found {:?}", f[1]),
            )
        })?;
        let japanese = f[4] != "-";
        if japanese
            && let Some(prev) = eras.iter().rev().find(|e| e.letter.is_some())
            && prev.start >= start
        {
            return Err(eras_file.err(line, "Japanese eras must be listed in order".into()));
        }
        let names = list(f[2]);
        let Some(name) = names.first() else {
            return Err(eras_file.err(line, "an era needs at least one name".into()));
        };
        let letters = list(f[4]);
        let letter = match letters.as_slice() {
            [] => None,
            [l] if l.len() == 1 && l.bytes().all(|c| c.is_ascii_uppercase()) => l.chars().next(),
            _ => {
                return Err(eras_file.err(
                    line,
                    format!("letters must be one A-Z letter or -, found {:?}", f[4]),
                ));
            }
        };
        if let Some(l) = letter
            && eras.iter().any(|e| e.letter == Some(l))
        {
            return Err(eras_file.err(line, format!("letter {l} is used twice")));
        }
        let idx = eras.len();
        for form in names.iter().chain(list(f[3]).iter()) {
            if !is_prefix_script(form) {
                return Err(eras_file.err(
                    line,
                    format!("era names must be CJK or Hangul, found {form:?}"),
                ));
            }
            b.add(
                &eras_file,
                line,
                JA | ZH | KO | EN | RU,
                form,
                Kind::Era(idx),
            )?;
        }
        eras.push(Era {
            id: f[0].to_string(),
            start,
            name: name.to_string(),
            letter,
        });
    }

    let names_file = Lines {
        file: NAMES.0,
        contents: NAMES.1,
    };
    for (line, f) in names_file.rows(4)? {
        let lang = lang_bit(f[0]).ok_or_else(|| {
            names_file.err(
                line,
                format!("unknown language {:?} (en, ru, ja, zh, ko)", f[0]),
            )
        })?;
        let value: u8 = f[2].parse().map_err(|_| {
            names_file.err(line, format!("value must be a number, found {:?}", f[2]))
        })?;
        let range_err = |what: &str| names_file.err(line, format!("{what} out of range: {value}"));
        let kind = match f[1] {
            "month" if (1..=12).contains(&value) => Kind::Month(value),
            "month" => return Err(range_err("month")),
            "weekday" if (1..=7).contains(&value) => Kind::Weekday(value),
            "weekday-paren" if (1..=7).contains(&value) => Kind::WeekdayParen(value),
            "weekday" | "weekday-paren" => return Err(range_err("weekday")),
            "month-part" => Kind::MonthPart,
            "prep" => Kind::Prep,
            "year-word" => Kind::YearWord,
            other => {
                return Err(names_file.err(line, format!("unknown kind {other:?}")));
            }
        };
        for form in list(f[3]) {
            b.add(&names_file, line, lang, form, kind)?;
        }
    }

    let rel_file = Lines {
        file: RELATIVE.0,
        contents: RELATIVE.1,
    };
    for (line, f) in rel_file.rows(5)? {
        let lang = lang_bit(f[0]).ok_or_else(|| {
            rel_file.err(
                line,
                format!("unknown language {:?} (en, ru, ja, zh, ko)", f[0]),
            )
        })?;
        let base = match f[2] {
            "anchor" => Base::Anchor,
            "context" => Base::Context,
            o => {
                return Err(
                    rel_file.err(line, format!("base must be anchor or context, found {o:?}"))
                );
            }
        };
        let unit = match f[3] {
            "day" => Unit::Day,
            "month" => Unit::Month,
            "year" => Unit::Year,
            o => {
                return Err(rel_file.err(
                    line,
                    format!("unit must be day, month or year, found {o:?}"),
                ));
            }
        };
        let offset: i32 = f[4]
            .parse()
            .ok()
            .filter(|n: &i32| n.abs() <= 3)
            .ok_or_else(|| {
                rel_file.err(
                    line,
                    format!("offset must be a number in -3..=3, found {:?}", f[4]),
                )
            })?;
        b.add(
            &rel_file,
            line,
            lang,
            f[1],
            Kind::Relative { base, unit, offset },
        )?;
    }

    let mut first = vec![0u64; 0x10000 / 64];
    for &c in b.prefix.keys() {
        let cp = c as usize;
        if cp < 0x10000 {
            first[cp >> 6] |= 1 << (cp & 63);
        }
    }
    Ok(Tables {
        eras,
        words: b.words,
        prefix: b.prefix,
        first,
    })
}

static TABLES: OnceLock<Result<Tables, TextError>> = OnceLock::new();

fn loaded() -> &'static Result<Tables, TextError> {
    TABLES.get_or_init(build)
}

pub(crate) fn tables() -> Option<&'static Tables> {
    loaded().as_ref().ok()
}

/// Parses and validates the embedded date tables (once per process).
pub fn load_date_tables() -> Result<(), TextError> {
    match loaded() {
        Ok(_) => Ok(()),
        Err(e) => Err(e.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_load() {
        assert_eq!(load_date_tables(), Ok(()));
        let t = tables().unwrap();
        assert_eq!(t.eras.len(), 6);
        assert!(!t.word("september").is_empty());
        assert!(!t.prefixed('令').is_empty());
    }

    #[test]
    fn errors_name_file_and_line() {
        let l = Lines {
            file: "dates/x.tsv",
            contents: "# c\nen\tmonth\n",
        };
        let e = l.rows(4).unwrap_err();
        assert!(
            e.to_string().starts_with("data/text/dates/x.tsv, line 2:"),
            "{e}"
        );
    }
}
