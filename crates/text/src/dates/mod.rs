//! Date expressions in ja, zh, ko, ru and en text, as EDTF values with exactly the precision
//! the text gives.
//!
//! [`find_dates`] scans normalised text (it still accepts full-width digits and CJK numerals)
//! and returns every date mention with its byte span; [`parse_date`] reads one expression that
//! is entirely a date. The words live in `data/text/dates/` (eras, month and weekday names,
//! relative words), embedded at build time and validated on first use ([`load_date_tables`]).
//!
//! # What is read
//! * Absolute dates, a month or a year alone: `2025年9月4日`, `二〇二五年九月四日`,
//!   `２０２５年９月４日`, `2025년 9월 4일`, `4 September 2025`, `September 4, 2025`, `Sept. 4`,
//!   `4 сентября 2025 года`, `2025-09-04`, `04.09.2025`, `2025年9月`, `September 2025`.
//! * Years alone only where they are clearly years: `2025年`, `2025년`, `in 2025`,
//!   `в 2025 году`, `2025 г.` — never a bare number, and not counts (`17年前`, `3年間`,
//!   `2000 лет`, `1990年代`).
//! * Ranges: `10月25～28日`, `10月25日～11月2日`, `1〜12月`, `10월 25~28일`, `25–28 October`,
//!   `October 25–28, 2025`, `25 October – 2 November 2025`, `с 25 по 28 октября`.
//! * Japanese eras (CLDR names, square glyphs ㍾㍽㍼㍻㋿, letters M/T/S/H/R in Japanese text
//!   before 年 or a dotted date: `H30年`, `R1/5/1`), `元年`, a Western year in brackets after an
//!   era (`令和元年（2019年）6月` → 2019-06), fiscal years (`2025年度` → 2025-04/2026-03 in
//!   Japanese), and North Korean Juche years (`주체113년`, `주체113(2024)년`, `主体113年`).
//! * Weekdays after a date are kept in the span (`2016年3月21日(月)`, `Tuesday, 4 September`).
//! * Month parts keep month precision, never inventing a day: `early September`, `3月初旬`,
//!   `в начале сентября` → `2025-09`.
//! * Relative words (see `data/text/dates/relative.tsv`), a weekday alone, and day-months,
//!   months and days without a year, resolved as below.
//!
//! # Resolution rules (documented choices)
//! * **Anchor words** (昨日, yesterday, вчера, 先月, last year…) count from the anchor, the
//!   publication date. **Context words** (前日, 翌日, 同日, the day before, накануне…) count
//!   from the last day-precise date mentioned earlier in the same text, or the anchor if none.
//!   A word needing a day (yesterday) is skipped when the anchor has no day.
//! * **A weekday alone** (`on Tuesday`, `во вторник`, `火曜日`, `周二`) is the day with that
//!   weekday on or before the anchor (news is written in the past tense; a weekday equal to
//!   the anchor's is the anchor itself).
//! * **A day-month or a month without a year** takes the year of the last date in the text
//!   that gave a year and a month; failing that the anchor's year, or the year before when that
//!   would put it more than 61 days after the anchor (news reporting on the past: `25 December`
//!   in an article of 2026-01-05 is 2025-12-25).
//! * **A bare day** (`25日`, `25일`) is in the anchor's month, or the month before when it would
//!   fall more than 7 days after the anchor; without an anchor, in the month of the last date
//!   mentioned. The end of a range takes what it omits from the start (and the next year when
//!   its month is earlier: `12月28日～1月3日`).
//! * Without an anchor and without context, expressions that need one are not reported.
//! * `'79年` is 1979 (two-digit years ≥ 50 are 19xx, others 20xx).
//! * Japanese era boundaries are CLDR's (Meiji from 1868-10-23, not the 1868-01-25 most
//!   libraries use); they only matter for [`japanese_era`].
//!
//! # Speed
//! The scan looks only at digits, CJK numerals, the first characters of table phrases and
//! whole Latin/Cyrillic words found in the tables; everything else is skipped a run at a time.

mod calendar;
mod scan;
mod spans;
mod tables;

use entente_core::{DateValue, Edtf, Lang};

use scan::{Found, Hit, Partial, Scanner};
pub use spans::{DurationMention, OffsetMention, find_durations, find_offsets};
pub use tables::load_date_tables;
use tables::{Base, Unit};

/// One date expression found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offset of the first byte of the expression in the input.
    pub start: usize,
    /// Byte offset just past the expression.
    pub end: usize,
    pub value: Edtf,
    /// Resolved against the anchor or an earlier date of the text (relative words, weekdays,
    /// missing years, months or days).
    pub relative: bool,
    /// `input[start..end]`.
    pub text: String,
}

/// Finds every date expression in `text` (normalised text: NFKC already applied, but
/// full-width digits and CJK numerals are still read) in language `lang` (script cues decide
/// when it is `Und` or another language), resolving relative expressions against `anchor`
/// (usually the publication date) or a date given earlier in the text. Mentions are sorted,
/// non-overlapping and lie on character boundaries.
pub fn find_dates(text: &str, lang: &Lang, anchor: Option<DateValue>) -> Vec<DateMention> {
    let Some(t) = tables::tables() else {
        return Vec::new();
    };
    let sc = Scanner {
        s: text,
        t,
        lang: scan::lang_bits(lang, text),
    };
    let mut r = Resolver {
        anchor,
        ctx_day: None,
        ctx_month: None,
    };
    let mut hits: Vec<Hit> = Vec::new();
    scan::scan(&sc, |h: Hit| hits.push(h));
    hits.extend(taiwan_days(text));
    hits.sort_by_key(|h| h.start);
    // "three days ago", 3日前, 사흘 전: counted back from the anchor; they win over a bare day
    // read inside them.
    let ago = spans::days_ago(text, anchor);
    hits.retain(|h| !ago.iter().any(|a| a.start < h.end && h.start < a.end));
    let mut out: Vec<DateMention> = Vec::new();
    for mut h in hits {
        if out.last().is_some_and(|p| p.end > h.start) {
            continue;
        }
        let prev = out.last();
        // A month right after a year given alone takes that year: 지난해 9월, 昨年9月, 2023年の9月.
        if let Some(p) = prev
            && p.value.end.is_none()
            && p.value.start.month.is_none()
            && !p.text.ends_with(['.', '。'])
            && text[p.end..h.start]
                .chars()
                .all(|c| matches!(c, ' ' | 'の' | '的'))
            && text[p.end..h.start].chars().count() <= 2
        {
            let y = Some(p.value.start.year);
            match &mut h.found {
                Found::Date(q) if q.y.is_none() && q.m.is_some() => q.y = y,
                Found::Range(q, _) if q.y.is_none() && q.m.is_some() => q.y = y,
                _ => {}
            }
        }
        // Another date in brackets right after a day (15日(日本時間16日)): the same moment in
        // another time zone; the first is the one reported. (어제(4일) restates the same day
        // and is kept.)
        if let Some(p) = prev
            && p.value.start.day.is_some()
            && text[p.end..h.start]
                .trim_start()
                .strip_prefix(['(', '（'])
                .is_some_and(|gap| gap.chars().count() <= 8 && !gap.contains([')', '）']))
            && text[h.end..].trim_start().starts_with([')', '）'])
            && let Some((value, _)) = r.clone().resolve(h.found)
            && value != p.value
        {
            continue;
        }
        if let Some((value, relative)) = r.resolve(h.found) {
            let value =
                if value.end.is_none() && value.start.day.is_some() && falls_on(&text[..h.start]) {
                    DateValue::new(value.start.year, value.start.month, None)
                        .map_or(value, Edtf::date)
                } else {
                    value
                };
            out.push(DateMention {
                start: h.start,
                end: h.end,
                value,
                relative,
                text: text[h.start..h.end].to_string(),
            });
        }
    }
    if !ago.is_empty() {
        out.extend(ago);
        out.sort_by_key(|m| m.start);
        let mut last_end = 0;
        out.retain(|m| {
            let keep = m.start >= last_end;
            if keep {
                last_end = m.end;
            }
            keep
        });
    }
    out
}

/// Whether `before` ends with a phrase of `occasions.tsv` ("which falls on "): the date after
/// it is the day an occasion falls on.
fn falls_on(before: &str) -> bool {
    static PHRASES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let phrases = PHRASES.get_or_init(|| {
        include_str!("../../../../data/text/dates/occasions.tsv")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    });
    let Some(head) = before.strip_suffix(' ') else {
        return false;
    };
    let head = head.to_lowercase();
    phrases.iter().any(|p| {
        head.strip_suffix(p.as_str())
            .is_some_and(|h| !h.chars().next_back().is_some_and(char::is_alphanumeric))
    })
}

/// Taiwanese press style: the day written in brackets inside a relative day word, 昨(30)日
/// ("yesterday, the 30th"), 今(1)日, 前(29)日. The bracketed day is read as a bare day.
fn taiwan_days(text: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    for word in ['昨', '今', '前'] {
        for (i, _) in text.match_indices(word) {
            let rest = &text[i + word.len_utf8()..];
            let Some(inner) = rest.strip_prefix(['(', '（']) else {
                continue;
            };
            let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
            let after = &inner[digits.len()..];
            let close = if after.starts_with(')') {
                1
            } else {
                '）'.len_utf8()
            };
            if digits.is_empty()
                || digits.len() > 2
                || !after.starts_with([')', '）'])
                || !after[close..].starts_with('日')
            {
                continue;
            }
            let Ok(d) = digits.parse::<u8>() else {
                continue;
            };
            if !(1..=31).contains(&d) {
                continue;
            }
            let end = text.len() - after.len() + close + '日'.len_utf8();
            out.push(Hit {
                start: i,
                end,
                found: Found::Date(Partial {
                    y: None,
                    m: None,
                    d: Some(d),
                }),
            });
        }
    }
    out
}

/// Parses one expression that is entirely a date (CLI arguments, tests): the text must be a
/// single mention, apart from surrounding spaces and final punctuation. A bare 4-digit year is
/// accepted here.
pub fn parse_date(expr: &str, lang: &Lang, anchor: Option<DateValue>) -> Option<Edtf> {
    let t = expr
        .trim()
        .trim_end_matches(['.', '。', ',', '、', '!', '?'])
        .trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return DateValue::new(t.parse().ok()?, None, None)
            .ok()
            .map(Edtf::date);
    }
    let found = find_dates(t, lang, anchor);
    match found.as_slice() {
        [m] if m.start == 0 && m.end == t.len() => Some(m.value),
        _ => None,
    }
}

/// The Japanese era of a day (CLDR boundaries): (era name, year of the era). `None` before
/// Meiji (1868-10-23) or for a value without a day.
pub fn japanese_era(d: DateValue) -> Option<(&'static str, i32)> {
    let t = tables::tables()?;
    let (m, day) = (d.month?, d.day?);
    let z = calendar::days(d.year, m, day);
    t.eras
        .iter()
        .filter(|e| e.letter.is_some())
        .filter(|e| calendar::days(e.start.0, e.start.1, e.start.2) <= z)
        .max_by_key(|e| e.start)
        .map(|e| (e.name.as_str(), d.year - e.start.0 + 1))
}

/// The Gregorian year of year `n` of an era given by its id in `eras.tsv` (`meiji`, …,
/// `reiwa`, `juche`).
pub fn era_year(era_id: &str, n: i32) -> Option<i32> {
    tables::tables()?.era_by_id(era_id).map(|e| e.year(n))
}

#[derive(Clone)]
struct Resolver {
    anchor: Option<DateValue>,
    /// First and last day (day numbers) of the last day-precise mention.
    ctx_day: Option<(i64, i64)>,
    /// (year, month) of the last mention with a month.
    ctx_month: Option<(i32, u8)>,
}

fn dv(y: i32, m: Option<u8>, d: Option<u8>) -> Option<DateValue> {
    DateValue::new(y, m, d).ok()
}

fn dv_days(z: i64) -> Option<DateValue> {
    let (y, m, d) = calendar::civil(z);
    dv(y, Some(m), Some(d))
}

impl Resolver {
    /// The anchor's day; without an anchor, the last day-precise date of the text.
    fn anchor_day(&self) -> Option<i64> {
        match self.anchor {
            Some(a) => Some(calendar::days(a.year, a.month?, a.day?)),
            None => self.ctx_day.map(|c| c.0),
        }
    }

    /// The anchor as a day number, using the last day of a month/year-precise anchor.
    fn anchor_any(&self) -> Option<i64> {
        let a = self.anchor?;
        let m = a.month.unwrap_or(12);
        let d = a.day.unwrap_or(calendar::month_len(a.year, m));
        Some(calendar::days(a.year, m, d))
    }

    /// Year for a yearless month (and day): context, else the anchor rule.
    /// The context year is not taken when it would put the date more than 61 days after the
    /// anchor (`в сентябре` in January 2024 after "16 января 2024" is September 2023).
    fn infer_year(&self, m: u8, d: Option<u8>) -> Option<i32> {
        let az = self.anchor_any();
        if let Some((y, _)) = self.ctx_month {
            let day = d.unwrap_or(1).min(calendar::month_len(y, m));
            if az.is_none_or(|az| calendar::days(y, m, day) <= az + 61) {
                return Some(y);
            }
        }
        let a = self.anchor?;
        let az = az?;
        let day = d.unwrap_or(1).min(calendar::month_len(a.year, m));
        if calendar::days(a.year, m, day) > az + 61 {
            Some(a.year - 1)
        } else {
            Some(a.year)
        }
    }

    /// (year, month) for a bare day.
    fn infer_month(&self, d: u8) -> Option<(i32, u8)> {
        if let Some(a) = self.anchor
            && let Some(am) = a.month
        {
            let az = self.anchor_any()?;
            let (mut y, mut m) = (a.year, am);
            if d > calendar::month_len(y, m) || calendar::days(y, m, d) > az + 7 {
                (y, m) = calendar::add_months(y, m, -1);
            }
            return Some((y, m));
        }
        self.ctx_month
    }

    fn absolute(&self, p: Partial) -> Option<(DateValue, bool)> {
        match (p.y, p.m, p.d) {
            (Some(y), m, d) => Some((dv(y, m, d)?, false)),
            (None, Some(m), d) => Some((dv(self.infer_year(m, d)?, Some(m), d)?, true)),
            (None, None, Some(d)) => {
                let (y, m) = self.infer_month(d)?;
                Some((dv(y, Some(m), Some(d))?, true))
            }
            (None, None, None) => None,
        }
    }

    fn resolve(&mut self, f: Found) -> Option<(Edtf, bool)> {
        let (value, relative) = match f {
            Found::Date(p) => {
                let (v, rel) = self.absolute(p)?;
                (Edtf::date(v), rel)
            }
            Found::Range(a, b) => {
                let (start, rel) = self.absolute(a)?;
                let m = b.m.or(start.month);
                let y = match b.y {
                    Some(y) => y,
                    None if m.is_some() && start.month.is_some() && m < start.month => {
                        start.year + 1
                    }
                    None => start.year,
                };
                let end = dv(y, m, b.d)?;
                (Edtf::interval(start, end).ok()?, rel)
            }
            Found::Fiscal(y) => {
                let v = Edtf::interval(dv(y, Some(4), None)?, dv(y + 1, Some(3), None)?).ok()?;
                (v, false)
            }
            Found::Relative { base, unit, offset } => {
                let v = match (base, unit) {
                    (Base::Context, Unit::Day) if self.ctx_day.is_some() => {
                        let (s, e) = self.ctx_day?;
                        dv_days(if offset > 0 { e } else { s } + i64::from(offset))?
                    }
                    (_, Unit::Day) => dv_days(self.anchor_day()? + i64::from(offset))?,
                    (base, Unit::Month) => {
                        let (y, m) = match (base, self.ctx_month) {
                            (Base::Context, Some(c)) => c,
                            _ => {
                                let a = self.anchor?;
                                (a.year, a.month?)
                            }
                        };
                        let (y, m) = calendar::add_months(y, m, offset);
                        dv(y, Some(m), None)?
                    }
                    (base, Unit::Year) => {
                        let y = match (base, self.ctx_month) {
                            (Base::Context, Some((y, _))) => y,
                            _ => self.anchor?.year,
                        };
                        dv(y + offset, None, None)?
                    }
                };
                (Edtf::date(v), true)
            }
            Found::Weekday(w) => {
                let z = self.anchor_day()?;
                let back = (i64::from(calendar::weekday(z)) - i64::from(w)).rem_euclid(7);
                (Edtf::date(dv_days(z - back)?), true)
            }
        };
        self.remember(&value);
        Some((value, relative))
    }

    fn remember(&mut self, v: &Edtf) {
        let last = v.end.unwrap_or(v.start);
        if let (Some(m), Some(d)) = (v.start.month, v.start.day) {
            let s = calendar::days(v.start.year, m, d);
            let e = match (last.month, last.day) {
                (Some(m2), Some(d2)) => calendar::days(last.year, m2, d2),
                _ => s,
            };
            self.ctx_day = Some((s, e));
        }
        if let Some(m) = v.start.month {
            self.ctx_month = Some((v.start.year, m));
        }
    }
}

#[cfg(test)]
mod tests;
