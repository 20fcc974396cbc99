//! The scanner: finds candidate positions cheaply and parses date expressions there into
//! unresolved [`Found`] values. Resolution against the anchor lives in `mod.rs`.

use super::tables::{Base, EN, Entry, JA, KO, Kind, RU, Tables, Unit, ZH, is_cyrillic};

/// Year, month and day as written (any may be missing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Partial {
    pub y: Option<i32>,
    pub m: Option<u8>,
    pub d: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    Date(Partial),
    /// An interval; the end inherits nothing yet (resolution fills missing fields).
    Range(Partial, Partial),
    /// A Japanese fiscal year (年度): April of the year to March of the next.
    Fiscal(i32),
    Relative {
        base: Base,
        unit: Unit,
        offset: i32,
    },
    /// A weekday alone: the one on or before the anchor.
    Weekday(u8),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub found: Found,
}

#[derive(Clone, Copy, Debug)]
struct Num {
    v: u32,
    digits: u8,
    kanji: bool,
}

#[inline]
fn digit_val(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Value of a CJK numeral character: digits 0–9, or a multiplier (10, 100, 1000, 20, 30).
#[inline]
fn kanji_val(c: char) -> Option<(u32, bool)> {
    Some(match c {
        '〇' | '零' => (0, false),
        '一' => (1, false),
        '二' | '两' | '兩' => (2, false),
        '三' => (3, false),
        '四' => (4, false),
        '五' => (5, false),
        '六' => (6, false),
        '七' => (7, false),
        '八' => (8, false),
        '九' => (9, false),
        '十' => (10, true),
        '百' => (100, true),
        '千' => (1000, true),
        '廿' => (20, true),
        '卅' => (30, true),
        _ => return None,
    })
}

#[inline]
pub(crate) fn is_kanji_numeral(c: char) -> bool {
    kanji_val(c).is_some()
}

#[inline]
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\u{3000}' | '\t' | '\u{a0}')
}

#[inline]
fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c)
}

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphabetic()
}

const YEAR_MARKS: &[char] = &['年', '년'];
const MONTH_MARKS: &[char] = &['月', '월'];
const RANGE_CHARS: &[char] = &['～', '〜', '~', '-', '‐', '–', '—', '－', '−', '至', '到'];
/// Characters after 日/일 that make the number a count of days (3日間, 3日前, 3일간...).
const DAY_COUNT_AFTER: &[char] = &[
    '間', '间', '前', '後', '后', '目', '分', '余', '以', '来', '連', '连', '程', 'ぶ', '간', '째',
    '동', '만', '本', 'ほ', '内', '씩',
];
/// Characters after 年/년 that make the number a count of years or something else.
const YEAR_COUNT_AFTER: &[char] = &[
    '前', '後', '后', '間', '间', '代', '生', '目', '来', '以', '半', '余', '多', '連', '连', 'ぶ',
    'ほ', '程', '간', '째', '동', '만', '대', '생', '전', '후',
];
/// Characters before a CJK numeral that make it an ordinal or a count (第一月, 毎月25日, 数日).
const BAD_BEFORE_NUMBER: &[char] = &['第', '毎', '每', '数', '數', '几', '幾', '매'];

pub(crate) struct Scanner<'a> {
    pub s: &'a str,
    pub t: &'a Tables,
    pub lang: u8,
}

impl<'a> Scanner<'a> {
    #[inline]
    fn ch(&self, i: usize) -> Option<char> {
        self.s.get(i..)?.chars().next()
    }

    fn prev_char(&self, i: usize) -> Option<char> {
        self.s.get(..i)?.chars().next_back()
    }

    fn skip_ws(&self, mut i: usize, max: usize) -> usize {
        for _ in 0..max {
            match self.ch(i) {
                Some(c) if is_ws(c) => i += c.len_utf8(),
                _ => break,
            }
        }
        i
    }

    fn eat(&self, i: usize, set: &[char]) -> Option<usize> {
        let c = self.ch(i)?;
        set.contains(&c).then_some(i + c.len_utf8())
    }

    fn eat_str(&self, i: usize, p: &str) -> Option<usize> {
        self.s.get(i..)?.starts_with(p).then_some(i + p.len())
    }

    /// A number: Arabic (ASCII or full-width) digits or CJK numerals.
    fn num(&self, i: usize) -> Option<(Num, usize)> {
        let first = self.ch(i)?;
        if digit_val(first).is_some() {
            let mut v: u32 = 0;
            let mut digits = 0u8;
            let mut j = i;
            while let Some(c) = self.ch(j) {
                let Some(d) = digit_val(c) else { break };
                digits += 1;
                if digits > 8 {
                    return None;
                }
                v = v * 10 + d;
                j += c.len_utf8();
            }
            return Some((
                Num {
                    v,
                    digits,
                    kanji: false,
                },
                j,
            ));
        }
        kanji_val(first)?;
        let mut j = i;
        let mut total: u32 = 0;
        let mut cur: u32 = 0;
        let mut positional: u32 = 0;
        let mut any_mult = false;
        let mut count = 0u8;
        while let Some(c) = self.ch(j) {
            let Some((v, mult)) = kanji_val(c) else { break };
            count += 1;
            if count > 8 {
                return None;
            }
            if mult {
                any_mult = true;
                if v >= 1000 {
                    total += cur.max(1) * v;
                } else if v == 20 || v == 30 {
                    total += v;
                } else {
                    total += cur.max(1) * v;
                }
                cur = 0;
            } else {
                cur = v;
                positional = positional * 10 + v;
            }
            j += c.len_utf8();
        }
        let v = if any_mult { total + cur } else { positional };
        Some((
            Num {
                v,
                digits: count,
                kanji: true,
            },
            j,
        ))
    }

    /// A run of letters starting at `i`: (end, lower-cased into `buf`).
    fn word(&self, i: usize, buf: &mut String) -> usize {
        buf.clear();
        let mut j = i;
        while let Some(c) = self.ch(j) {
            if !is_word_char(c) || is_hangul(c) || (c as u32) >= 0x2E80 {
                break;
            }
            if c == 'ё' || c == 'Ё' {
                buf.push('е');
            } else {
                buf.extend(c.to_lowercase());
            }
            j += c.len_utf8();
        }
        j
    }

    /// The table entries of the word at `i` (lower-cased into a stack buffer: no allocation).
    fn word_entries(&self, i: usize) -> (usize, &'a [Entry], bool) {
        let mut buf = [0u8; 64];
        let mut n = 0;
        let mut fits = true;
        let mut j = i;
        while let Some(c) = self.ch(j) {
            if !is_word_char(c) || is_hangul(c) || (c as u32) >= 0x2E80 {
                break;
            }
            if fits {
                let l = if c == 'ё' || c == 'Ё' {
                    'е'
                } else {
                    c.to_lowercase().next().unwrap_or(c)
                };
                if n + l.len_utf8() > buf.len() {
                    fits = false;
                } else {
                    n += l.encode_utf8(&mut buf[n..]).len();
                }
            }
            j += c.len_utf8();
        }
        let capital = self.ch(i).is_some_and(char::is_uppercase);
        let entries = match std::str::from_utf8(&buf[..n]) {
            Ok(w) if fits && !w.is_empty() => self.t.word(w),
            _ => &[],
        };
        (j, entries, capital)
    }

    /// Whether the word at `i` is `w` (lower case), without allocating; returns its end.
    fn word_is(&self, i: usize, w: &str) -> Option<usize> {
        let mut j = i;
        let mut want = w.chars();
        while let Some(c) = self.ch(j) {
            if !is_word_char(c) || is_hangul(c) || (c as u32) >= 0x2E80 {
                break;
            }
            let l = if c == 'ё' || c == 'Ё' {
                'е'
            } else {
                c.to_lowercase().next().unwrap_or(c)
            };
            if want.next() != Some(l) {
                return None;
            }
            j += c.len_utf8();
        }
        (want.next().is_none() && j > i).then_some(j)
    }

    /// A month name at `i` (with a following dot when an abbreviation precedes a number).
    fn month_at(&self, i: usize) -> Option<(u8, usize)> {
        let (end, entries, capital) = self.word_entries(i);
        let m = entries.iter().find_map(|e| match e.kind {
            Kind::Month(m) => Some((m, e.lang, e.phrase.as_str())),
            _ => None,
        })?;
        // English `may`, `march`, `mar` are ordinary words unless capitalised.
        if m.1 == EN && matches!(m.2, "may" | "march" | "mar") && !capital {
            return None;
        }
        Some((m.0, self.after_abbrev_dot(end)))
    }

    /// Takes a dot after an abbreviation when a space and a digit follow (`Sept. 4`,
    /// `13 янв. 2005`).
    fn after_abbrev_dot(&self, end: usize) -> usize {
        if self.ch(end) == Some('.') {
            let k = self.skip_ws(end + 1, 1);
            if k > end + 1 && self.ch(k).and_then(digit_val).is_some() {
                return end + 1;
            }
        }
        end
    }

    fn kind_at(&self, i: usize, f: impl Fn(&Kind) -> bool) -> Option<(Kind, usize)> {
        let (end, entries, _) = self.word_entries(i);
        entries
            .iter()
            .find(|e| f(&e.kind) && e.rest.is_empty())
            .map(|e| (e.kind, end))
    }

    // ---------------------------------------------------------------- CJK forms

    fn eat_mark(&self, i: usize, marks: &[char]) -> Option<usize> {
        let k = self.skip_ws(i, 1);
        self.eat(k, marks)
    }

    fn day_mark(&self, i: usize) -> Option<usize> {
        let k = self.skip_ws(i, 1);
        let c = self.ch(k)?;
        let ok = match c {
            '日' | '일' => true,
            '号' | '號' => self.lang & ZH != 0,
            _ => false,
        };
        ok.then_some(k + c.len_utf8())
    }

    /// A Western year in brackets: `（2019年）`, `(2024)`. Returns (year, end).
    fn paren_year(&self, i: usize) -> Option<(i32, usize)> {
        let k = self.eat(i, &['(', '（'])?;
        let (n, k) = self.num(k)?;
        if n.kanji || n.digits != 4 {
            return None;
        }
        let k = self.eat(k, YEAR_MARKS).unwrap_or(k);
        let k = self.eat(k, &[')', '）'])?;
        Some((n.v as i32, k))
    }

    /// An era year in brackets after a Western year: `（昭和8年）`. Returns the end.
    fn paren_era_year(&self, i: usize) -> Option<usize> {
        let k = self.eat(i, &['(', '（'])?;
        let (_, k, _) = self.era_year(k)?;
        self.eat(k, &[')', '）'])
    }

    /// An era (name, glyph or letter) and its year with the year mark: `令和元年`,
    /// `平成２０年`, `H30年`, `㍻1年`, `주체113(2024)년`. Returns (Gregorian year, end,
    /// whether a letter era continued as a dotted date).
    fn era_year(&self, i: usize) -> Option<(i32, usize, Option<Partial>)> {
        let c = self.ch(i)?;
        let mut era: Option<(usize, usize)> = None;
        for e in self.t.prefixed(c) {
            if let Kind::Era(idx) = e.kind
                && self.s[i..].starts_with(e.phrase.as_str())
            {
                era = Some((idx, i + e.phrase.len()));
                break;
            }
        }
        let mut letter = false;
        if era.is_none() && self.lang & JA != 0 {
            let up = if ('Ａ'..='Ｚ').contains(&c) {
                char::from_u32(c as u32 - 0xFEE0)?
            } else {
                c
            };
            if let Some(idx) = self.t.era_by_letter(up)
                && !self.prev_char(i).is_some_and(|p| p.is_alphanumeric())
            {
                era = Some((idx, i + c.len_utf8()));
                letter = true;
            }
        }
        let (idx, j) = era?;
        let j = if letter { j } else { self.skip_ws(j, 1) };
        let (n, mut j) = if let Some(k) = self.eat(j, &['元']) {
            (1u32, k)
        } else {
            let (n, k) = self.num(j)?;
            (n.v, k)
        };
        if !(1..=200).contains(&n) {
            return None;
        }
        let mut year = self.t.eras[idx].year(n as i32);
        if let Some((y, k)) = self.paren_year(j) {
            year = y;
            j = k;
        }
        if letter && let Some(sep) = self.ch(j).filter(|c| matches!(c, '.' | '/')) {
            // R1/5/1, H30.4.1
            let (m, k) = self.num(j + 1)?;
            let k = self.eat(k, &[sep])?;
            let (d, k) = self.num(k)?;
            if m.kanji || d.kanji || self.ch(k).and_then(digit_val).is_some() {
                return None;
            }
            let p = Partial {
                y: Some(year),
                m: Some(u8::try_from(m.v).ok().filter(|m| (1..=12).contains(m))?),
                d: Some(u8::try_from(d.v).ok().filter(|d| (1..=31).contains(d))?),
            };
            return Some((year, k, Some(p)));
        }
        let mut j = self.eat_mark(j, YEAR_MARKS)?;
        if let Some((y, k)) = self.paren_year(j) {
            year = y;
            j = k;
        }
        Some((year, j, None))
    }

    /// A year with its mark: era year, Juche year, 4-digit or CJK-numeral year, '79年.
    /// Returns (year, end, fiscal, from an era or written in full).
    fn cjk_year(&self, i: usize) -> Option<(i32, usize, bool, Option<Partial>)> {
        let c = self.ch(i)?;
        let (year, mut j, dotted) = if let Some(r) = self.era_year(i) {
            r
        } else if matches!(c, '\'' | '’') {
            let (n, k) = self.num(i + c.len_utf8())?;
            if n.kanji || n.digits != 2 {
                return None;
            }
            let k = self.eat(k, YEAR_MARKS)?;
            let y = if n.v >= 50 { 1900 } else { 2000 } + n.v as i32;
            (y, k, None)
        } else {
            let (n, k) = self.num(i)?;
            // Four figures; in kanji digit by digit (二〇一九年) or by place (千九百六十六年),
            // but not 千年, 一千年, 两千年: "a thousand years", "two thousand years".
            if !(1000..=2999).contains(&n.v)
                || (!n.kanji && n.digits != 4)
                || (n.kanji && n.digits < 3)
            {
                return None;
            }
            let mut k = self.eat_mark(k, YEAR_MARKS)?;
            if let Some(e) = self.paren_era_year(k) {
                k = e;
            }
            (n.v as i32, k, None)
        };
        if dotted.is_some() {
            return Some((year, j, false, dotted));
        }
        let mut fiscal = false;
        if let Some(k) = self.eat(j, &['度']) {
            j = k;
            fiscal = true;
        }
        Some((year, j, fiscal, None))
    }

    /// `n` + mark, or `n`–`n2` + mark. Values must lie in `1..=max`.
    fn num_mark(
        &self,
        i: usize,
        max: u32,
        mark: impl Fn(usize) -> Option<usize>,
    ) -> Option<(Num, Option<u8>, usize)> {
        if self
            .prev_char(i)
            .is_some_and(|p| BAD_BEFORE_NUMBER.contains(&p))
        {
            return None;
        }
        // Nights and days of a trip: 2박 3일, 2泊3日.
        let before = self.s[..i].trim_end_matches(' ');
        if let Some(b) = before
            .strip_suffix('박')
            .or_else(|| before.strip_suffix('泊'))
            && b.chars().next_back().is_some_and(|c| c.is_ascii_digit())
        {
            return None;
        }
        let (n, j) = self.num(i)?;
        if !(1..=max).contains(&n.v) {
            return None;
        }
        if let Some(k) = mark(j) {
            return Some((n, None, k));
        }
        let k = self.skip_ws(j, 1);
        let k = self.eat(k, RANGE_CHARS)?;
        let k = self.skip_ws(k, 1);
        let (n2, k) = self.num(k)?;
        if !(1..=max).contains(&n2.v) || n2.v <= n.v {
            return None;
        }
        let k = mark(k)?;
        Some((n, Some(n2.v as u8), k))
    }

    fn month_mark(&self, i: usize) -> Option<usize> {
        let k = self.eat_mark(i, MONTH_MARKS)?;
        // 3月間 is a count of months.
        if self.eat(k, &['間', '间']).is_some() {
            return None;
        }
        Some(k)
    }

    fn day_mark_not_count(&self, i: usize) -> Option<usize> {
        let k = self.day_mark(i)?;
        let after = self.skip_ws(k, 1);
        match self.ch(after) {
            Some(c) if DAY_COUNT_AFTER.contains(&c) => {
                // 25日本 is usually 25日 + 本…, but 25日本会議 is rare; 日本 wins.
                if c == '本' && self.ch(k) != Some('本') {
                    return Some(k);
                }
                if after > k && matches!(c, '본' | '간') {
                    return Some(k);
                }
                None
            }
            _ => Some(k),
        }
    }

    /// A weekday after a day: `(月)`, `（木曜日）`, ` (월)`, `星期四`, ` 木曜日`.
    fn skip_weekday(&self, i: usize) -> usize {
        let k = self.skip_ws(i, 1);
        if let Some(open) = self.eat(k, &['(', '（']) {
            let Some(c) = self.ch(open) else { return i };
            let mut end = None;
            for e in self.t.prefixed(c) {
                let ok = matches!(e.kind, Kind::Weekday(_) | Kind::WeekdayParen(_));
                if ok && self.s[open..].starts_with(e.phrase.as_str()) {
                    end = Some(open + e.phrase.len());
                    break;
                }
            }
            if let Some(e) = end
                && let Some(close) = self.eat(e, &[')', '）'])
            {
                return close;
            }
            return i;
        }
        if let Some(c) = self.ch(k) {
            for e in self.t.prefixed(c) {
                if matches!(e.kind, Kind::Weekday(_)) && self.s[k..].starts_with(e.phrase.as_str())
                {
                    return k + e.phrase.len();
                }
            }
        }
        i
    }

    fn skip_month_part(&self, i: usize) -> usize {
        let k = self.skip_ws(i, 1);
        if let Some(c) = self.ch(k) {
            for e in self.t.prefixed(c) {
                if e.kind == Kind::MonthPart && self.s[k..].starts_with(e.phrase.as_str()) {
                    return k + e.phrase.len();
                }
            }
        }
        i
    }

    /// One CJK-style expression without a following range: `2025年9月4日(木)`, `9月4日`,
    /// `25日`, `令和元年（2019年）6月`, and the in-expression ranges `10月25～28日`,
    /// `1〜12月`. `in_range` relaxes the checks on a bare day (the end of `25日～28日`).
    fn cjk_one(&self, i: usize, in_range: bool) -> Option<(Found, usize)> {
        let mut p = Partial::default();
        let mut end_p: Option<Partial> = None;
        let mut j;
        if let Some((y, e, fiscal, dotted)) = self.cjk_year(i) {
            if let Some(d) = dotted {
                return Some((Found::Date(d), e));
            }
            if fiscal {
                let f = if self.lang & JA != 0 {
                    Found::Fiscal(y)
                } else {
                    Found::Date(Partial {
                        y: Some(y),
                        m: None,
                        d: None,
                    })
                };
                return Some((f, e));
            }
            p.y = Some(y);
            j = e;
            let k = self.skip_ws(j, 2);
            if let Some((m, m2, e)) = self.num_mark(k, 12, |x| self.month_mark(x)) {
                p.m = Some(m.v as u8);
                j = e;
                if let Some(m2) = m2 {
                    end_p = Some(Partial {
                        y: p.y,
                        m: Some(m2),
                        d: None,
                    });
                    j = self.skip_month_part(j);
                } else {
                    let k = self.skip_ws(j, 2);
                    if let Some((d, d2, e)) = self.num_mark(k, 31, |x| self.day_mark_not_count(x)) {
                        p.d = Some(d.v as u8);
                        j = self.skip_weekday(e);
                        if let Some(d2) = d2 {
                            end_p = Some(Partial {
                                y: p.y,
                                m: p.m,
                                d: Some(d2),
                            });
                        }
                    } else {
                        j = self.skip_month_part(j);
                    }
                }
            } else {
                // A year alone: not a count of years (17年前, 3年間, 1990年代).
                let k = self.skip_ws(j, 1);
                // ...but a calendar year may be a starting point: 2000年以来, 2018년 이후.
                let since = y >= 1000
                    && ["以来", "以降", "以後", "이후", "이래"]
                        .iter()
                        .any(|w| self.s[k..].starts_with(w));
                if !since && self.ch(k).is_some_and(|c| YEAR_COUNT_AFTER.contains(&c)) {
                    return None;
                }
            }
        } else if let Some((m, m2, e)) = self.num_mark(i, 12, |x| self.month_mark(x)) {
            p.m = Some(m.v as u8);
            j = e;
            if let Some(m2) = m2 {
                end_p = Some(Partial {
                    y: None,
                    m: Some(m2),
                    d: None,
                });
                j = self.skip_month_part(j);
            } else {
                let k = self.skip_ws(j, 2);
                if let Some((d, d2, e)) = self.num_mark(k, 31, |x| self.day_mark_not_count(x)) {
                    p.d = Some(d.v as u8);
                    j = self.skip_weekday(e);
                    if let Some(d2) = d2 {
                        end_p = Some(Partial {
                            y: None,
                            m: p.m,
                            d: Some(d2),
                        });
                    }
                } else {
                    j = self.skip_month_part(j);
                }
            }
        } else if let Some((d, d2, e)) = self.num_mark(i, 31, |x| self.day_mark_not_count(x)) {
            // A bare day: Arabic digits or a CJK numeral of two characters or more (二十五日,
            // not 一日, which is usually "one day").
            if d.kanji && d.digits < 2 && !in_range {
                return None;
            }
            // 5号 alone is a number (5号线, line 5); only 9月5号 is a date.
            if !in_range && matches!(self.s[..e].chars().next_back(), Some('号' | '號')) {
                return None;
            }
            // 毎月25日 / 매월 25일 is every month's 25th, not a date.
            let before = self.s[..i].trim_end_matches(is_ws);
            if ["毎月", "每月", "매월", "매달"]
                .iter()
                .any(|p| before.ends_with(p))
            {
                return None;
            }
            p.d = Some(d.v as u8);
            j = self.skip_weekday(e);
            if let Some(d2) = d2 {
                end_p = Some(Partial {
                    y: None,
                    m: None,
                    d: Some(d2),
                });
            }
        } else {
            return None;
        }
        let found = match end_p {
            Some(e) => Found::Range(p, e),
            None => Found::Date(p),
        };
        Some((found, j))
    }

    /// A CJK expression, possibly a range `A～B` / `AからB`.
    fn cjk_expr(&self, i: usize) -> Option<(Found, usize)> {
        let (first, j) = self.cjk_one(i, false)?;
        let Found::Date(a) = first else {
            return Some((first, j));
        };
        let k = self.skip_ws(j, 1);
        let sep = self
            .eat(k, RANGE_CHARS)
            .or_else(|| self.eat_str(k, "から"))
            .or_else(|| self.eat_str(k, "부터"));
        if let Some(k) = sep {
            let k = self.skip_ws(k, 1);
            if let Some((Found::Date(b), e)) = self.cjk_one(k, true) {
                // The end may omit what the start gives, never give finer than... anything
                // the start lacks at the top (2025年9月～10月 is fine; 9月～2025年10月 not).
                let ok = match (a.y, a.m, a.d) {
                    (_, Some(_), Some(_)) => b.d.is_some() && (b.m.is_some() || b.y.is_none()),
                    (_, Some(_), None) => b.m.is_some() && b.d.is_none(),
                    (Some(_), None, None) => b.y.is_some() && b.m.is_none(),
                    // 25日から28日まで: both bare days of the same month.
                    (None, None, Some(_)) => b.d.is_some() && b.m.is_none() && b.y.is_none(),
                    _ => false,
                } && (a.y.is_some() || b.y.is_none());
                if ok {
                    let e = self.eat_str(e, "まで").unwrap_or(e);
                    return Some((Found::Range(a, b), e));
                }
            }
        }
        Some((first, j))
    }

    // ---------------------------------------------------------------- numeric forms

    /// `2025-09-04`, `2025/9/4`, `2025.9.4`, `2025. 9. 4.`, `2025-09`, `04.09.2025`.
    fn numeric(&self, i: usize) -> Option<(Found, usize)> {
        if self
            .prev_char(i)
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | ',' | '/' | '-'))
        {
            return None;
        }
        let (a, j) = self.num(i)?;
        if a.kanji {
            return None;
        }
        let sep = self.ch(j).filter(|c| matches!(c, '-' | '/' | '.'))?;
        let after_sep = |k: usize| -> usize {
            if sep == '.' {
                self.skip_ws(k + 1, 1)
            } else {
                k + 1
            }
        };
        let (b, k) = self.num(after_sep(j))?;
        if b.kanji || b.digits > 2 {
            return None;
        }
        let next_is_digit = |k: usize| self.ch(k).and_then(digit_val).is_some();
        if a.digits == 4 {
            let y = a.v as i32;
            if !(1000..=2999).contains(&y) || !(1..=12).contains(&b.v) {
                return None;
            }
            if self.ch(k) == Some(sep)
                && self
                    .ch(k + 1)
                    .is_some_and(|c| digit_val(c).is_some() || (sep == '.' && is_ws(c)))
            {
                let (c, e) = self.num(after_sep(k))?;
                if c.kanji || c.digits > 2 || next_is_digit(e) || !(1..=31).contains(&c.v) {
                    return None;
                }
                if sep == '.'
                    && self.ch(e) == Some('.')
                    && self.ch(e + 1).and_then(digit_val).is_some()
                {
                    return None;
                }
                let mut e = e;
                if sep == '.' && self.ch(e) == Some('.') && self.lang & KO != 0 {
                    e += 1;
                }
                let p = Partial {
                    y: Some(y),
                    m: Some(b.v as u8),
                    d: Some(c.v as u8),
                };
                // A table's day range: 2018.3.25-28, 2018/3/25～28 (not 2018-03-25-…).
                if sep != '-'
                    && let Some(dash) = self.ch(e).filter(|c| matches!(c, '-' | '–' | '~' | '～'))
                    && let Some((d2, e2)) = self.num(e + dash.len_utf8())
                    && !d2.kanji
                    && d2.digits <= 2
                    && d2.v > c.v
                    && d2.v <= 31
                    && !next_is_digit(e2)
                    && !self.ch(e2).is_some_and(|c| matches!(c, '.' | '/' | '-'))
                {
                    let end = Partial {
                        y: None,
                        m: None,
                        d: Some(d2.v as u8),
                    };
                    return Some((Found::Range(p, end), e2));
                }
                return Some((Found::Date(p), e));
            }
            if sep == '-' && b.digits == 2 && !next_is_digit(k) && self.ch(k) != Some('-') {
                return Some((
                    Found::Date(Partial {
                        y: Some(y),
                        m: Some(b.v as u8),
                        d: None,
                    }),
                    k,
                ));
            }
            return None;
        }
        // D.M.YYYY
        if sep != '.' || a.digits > 2 || !(1..=31).contains(&a.v) || !(1..=12).contains(&b.v) {
            return None;
        }
        let k = self.eat(k, &['.'])?;
        let (c, e) = self.num(k)?;
        if c.kanji || c.digits != 4 || next_is_digit(e) || !(1000..=2999).contains(&c.v) {
            return None;
        }
        let p = Partial {
            y: Some(c.v as i32),
            m: Some(b.v as u8),
            d: Some(a.v as u8),
        };
        Some((Found::Date(p), e))
    }

    // ---------------------------------------------------------------- en / ru forms

    /// A day number 1–31 (1–2 ASCII digits) with an optional English ordinal suffix.
    fn day_num(&self, i: usize) -> Option<(u8, usize)> {
        let (n, mut j) = self.num(i)?;
        if n.kanji || n.digits > 2 || !(1..=31).contains(&n.v) {
            return None;
        }
        for suf in ["st", "nd", "rd", "th"] {
            if let Some(k) = self.eat_str(j, suf)
                && !self.ch(k).is_some_and(is_word_char)
            {
                j = k;
                break;
            }
        }
        if self
            .ch(j)
            .is_some_and(|c| is_word_char(c) || digit_val(c).is_some() || c == ':')
        {
            return None;
        }
        Some((n.v as u8, j))
    }

    /// A range separator between en/ru parts: dash, `to`, `through`, `по`, `до`.
    fn west_sep(&self, i: usize) -> Option<usize> {
        let k = self.skip_ws(i, 1);
        if let Some(e) = self.eat(k, &['-', '–', '—', '‐', '−', '~', '～']) {
            return Some(self.skip_ws(e, 1));
        }
        let mut buf = String::new();
        let e = self.word(k, &mut buf);
        if e > k
            && matches!(buf.as_str(), "to" | "through" | "until" | "по" | "до")
            && self.ch(e).is_some_and(is_ws)
        {
            return Some(self.skip_ws(e, 1));
        }
        None
    }

    /// An optional year after a day-month: `, 2025`, ` 2025 года`, ` 2005г.`, ` в 1989 году`.
    fn year_tail(&self, i: usize) -> Option<(i32, usize)> {
        let mut k = self.skip_ws(i, 1);
        if let Some(e) = self.eat(k, &[',']) {
            k = self.skip_ws(e, 1);
        }
        let mut need_word = false;
        if self.ch(k) == Some('в') && self.ch(k + 'в'.len_utf8()).is_some_and(is_ws) {
            k = self.skip_ws(k + 'в'.len_utf8(), 1);
            need_word = true;
        }
        let (n, e) = self.num(k)?;
        if n.kanji || n.digits != 4 || !(1000..=2999).contains(&n.v) {
            return None;
        }
        if self
            .ch(e)
            .is_some_and(|c| digit_val(c).is_some() || c == ':')
        {
            return None;
        }
        let (e, word) = match self.year_word(e) {
            Some(w) => (w, true),
            None => (e, false),
        };
        if need_word && !word {
            return None;
        }
        if !word && self.ch(e).is_some_and(is_word_char) {
            return None;
        }
        Some((n.v as i32, e))
    }

    /// `год`, `года`, `году`, `г.` after a year (with or without a space).
    fn year_word(&self, i: usize) -> Option<usize> {
        let k = self.skip_ws(i, 1);
        let (kind, e) = self.kind_at(k, |k| *k == Kind::YearWord)?;
        debug_assert_eq!(kind, Kind::YearWord);
        let e = if self.ch(e) == Some('.') { e + 1 } else { e };
        // `2001 год назад` is a count of years.
        let n = self.skip_ws(e, 1);
        let mut buf = String::new();
        self.word(n, &mut buf);
        if buf == "назад" || buf == "тому" {
            return None;
        }
        Some(e)
    }

    /// Day first: `4 September 2025`, `25–28 October`, `25 October – 2 November 2025`,
    /// `4 сентября 2025 года`, `с 25 по 28 октября`.
    fn west_day_first(&self, i: usize) -> Option<(Found, usize)> {
        let (d1, j) = self.day_num(i)?;
        let k = self.skip_ws(j, 1);
        // 25–28 October
        if let Some(k2) = self.west_sep(k)
            && let Some((d2, j2)) = self.day_num(k2)
        {
            let k3 = self.skip_ws(j2, 1);
            let k3 = self
                .eat_str(k3, "of ")
                .map(|x| self.skip_ws(x, 1))
                .unwrap_or(k3);
            let (m, e) = self.month_at(k3)?;
            let (y, e) = match self.year_tail(e) {
                Some((y, e)) => (Some(y), e),
                None => (None, e),
            };
            if d2 <= d1 {
                return None;
            }
            let a = Partial {
                y,
                m: Some(m),
                d: Some(d1),
            };
            let b = Partial {
                y,
                m: Some(m),
                d: Some(d2),
            };
            return Some((Found::Range(a, b), e));
        }
        let k = self
            .eat_str(k, "of ")
            .map(|x| self.skip_ws(x, 1))
            .unwrap_or(k);
        let (m1, e1) = self.month_at(k)?;
        // 25 October – 2 November 2025
        if let Some(k2) = self.west_sep(e1)
            && let Some((d2, j2)) = self.day_num(k2)
            && let Some((m2, e2)) = self.month_at(self.skip_ws(j2, 1))
        {
            let (y, e) = match self.year_tail(e2) {
                Some((y, e)) => (Some(y), e),
                None => (None, e2),
            };
            // A year after the first part only: 25 October 2025 – 2 November 2025 is handled
            // by the plain path below plus this branch failing.
            let a = Partial {
                y,
                m: Some(m1),
                d: Some(d1),
            };
            let b = Partial {
                y,
                m: Some(m2),
                d: Some(d2),
            };
            return Some((Found::Range(a, b), e));
        }
        let (y, e) = match self.year_tail(e1) {
            Some((y, e)) => (Some(y), e),
            None => (None, e1),
        };
        let a = Partial {
            y,
            m: Some(m1),
            d: Some(d1),
        };
        // 25 October 2025 – 2 November 2025
        if y.is_some()
            && let Some(k2) = self.west_sep(e)
            && let Some((Found::Date(b), e2)) = self.west_day_first_simple(k2)
            && b.y.is_some()
        {
            return Some((Found::Range(a, b), e2));
        }
        Some((Found::Date(a), e))
    }

    fn west_day_first_simple(&self, i: usize) -> Option<(Found, usize)> {
        let (d, j) = self.day_num(i)?;
        let (m, e) = self.month_at(self.skip_ws(j, 1))?;
        let (y, e) = match self.year_tail(e) {
            Some((y, e)) => (Some(y), e),
            None => (None, e),
        };
        Some((
            Found::Date(Partial {
                y,
                m: Some(m),
                d: Some(d),
            }),
            e,
        ))
    }

    /// Month first: `September 4, 2025`, `Sept. 4`, `October 25–28, 2025`,
    /// `October 25 – November 2`, `September 2025`, and (when `alone` is allowed) `September`.
    fn west_month_first(&self, i: usize, alone: bool) -> Option<(Found, usize)> {
        let (m, e) = self.month_at(i)?;
        let k = self.skip_ws(e, 1);
        if let Some((d1, j)) = self.day_num(k) {
            if let Some(k2) = self.west_sep(j) {
                if let Some((d2, j2)) = self.day_num(k2)
                    && d2 > d1
                {
                    let (y, e) = self.year_tail(j2).map_or((None, j2), |(y, e)| (Some(y), e));
                    let a = Partial {
                        y,
                        m: Some(m),
                        d: Some(d1),
                    };
                    let b = Partial {
                        y,
                        m: Some(m),
                        d: Some(d2),
                    };
                    return Some((Found::Range(a, b), e));
                }
                if let Some((m2, e2)) = self.month_at(k2)
                    && let Some((d2, j2)) = self.day_num(self.skip_ws(e2, 1))
                {
                    let (y, e) = self.year_tail(j2).map_or((None, j2), |(y, e)| (Some(y), e));
                    let a = Partial {
                        y,
                        m: Some(m),
                        d: Some(d1),
                    };
                    let b = Partial {
                        y,
                        m: Some(m2),
                        d: Some(d2),
                    };
                    return Some((Found::Range(a, b), e));
                }
            }
            let (y, e) = self.year_tail(j).map_or((None, j), |(y, e)| (Some(y), e));
            return Some((
                Found::Date(Partial {
                    y,
                    m: Some(m),
                    d: Some(d1),
                }),
                e,
            ));
        }
        if let Some((y, e)) = self.year_tail(e) {
            // Month Year
            return Some((
                Found::Date(Partial {
                    y: Some(y),
                    m: Some(m),
                    d: None,
                }),
                e,
            ));
        }
        if alone {
            return Some((
                Found::Date(Partial {
                    y: None,
                    m: Some(m),
                    d: None,
                }),
                e,
            ));
        }
        None
    }

    /// After a preposition or a month part (`in`, `в`, `early`, `в начале`): a bare month, a
    /// bare year (English) or a weekday.
    fn after_prep(&self, i: usize, lang: u8) -> Option<Hit> {
        let k = self.skip_ws(i, 1);
        if k == i {
            return None;
        }
        if let Some((f, e)) = self.west_month_first(k, true) {
            return Some(Hit {
                start: k,
                end: e,
                found: f,
            });
        }
        if lang == EN
            && let Some((n, e)) = self.num(k)
            && !n.kanji
            && n.digits == 4
            && (1000..=2999).contains(&n.v)
            && !self.ch(e).is_some_and(|c| {
                c.is_alphanumeric()
                    || c == '%'
                    || c == ',' && self.ch(e + 1).and_then(digit_val).is_some()
            })
            && !self
                .ch(e)
                .is_some_and(|c| c == '.' && self.ch(e + 1).and_then(digit_val).is_some())
        {
            return Some(Hit {
                start: k,
                end: e,
                found: Found::Date(Partial {
                    y: Some(n.v as i32),
                    m: None,
                    d: None,
                }),
            });
        }
        if let Some((Kind::MonthPart, e)) = self.kind_at(k, |k| *k == Kind::MonthPart) {
            return self.after_month_part(k, e);
        }
        if let Some((Kind::Weekday(w), e)) = self.kind_at(k, |k| matches!(k, Kind::Weekday(_))) {
            return Some(self.weekday_hit(k, e, w));
        }
        None
    }

    /// `early September`, `mid-September`, `late Sept.`, `начале сентября` → the month.
    fn after_month_part(&self, start: usize, e: usize) -> Option<Hit> {
        let mut k = self.eat(e, &['-']).unwrap_or(e);
        k = self.skip_ws(k, 1);
        k = self
            .eat_str(k, "of ")
            .map(|x| self.skip_ws(x, 1))
            .unwrap_or(k);
        let (f, end) = self.west_month_first(k, true)?;
        match f {
            Found::Date(p) if p.d.is_none() => Some(Hit {
                start,
                end,
                found: f,
            }),
            _ => None,
        }
    }

    /// A weekday name at `start..e`: with a date after it, the date (span from the weekday);
    /// else the weekday itself.
    fn weekday_hit(&self, start: usize, e: usize, w: u8) -> Hit {
        let mut k = self.skip_ws(e, 1);
        if let Some(x) = self.eat(k, &[',', '、', '，']) {
            k = self.skip_ws(x, 1);
        }
        if k > e
            && let Some(h) = self.date_at(k)
        {
            return Hit {
                start,
                end: h.end,
                found: h.found,
            };
        }
        Hit {
            start,
            end: e,
            found: Found::Weekday(w),
        }
    }

    /// An absolute date at `i` (used after a weekday).
    fn date_at(&self, i: usize) -> Option<Hit> {
        let c = self.ch(i)?;
        let r = if digit_val(c).is_some() {
            self.numeric(i)
                .or_else(|| self.cjk_expr(i))
                .or_else(|| self.west_day_first(i))
        } else if c.is_alphabetic() && (c as u32) < 0x2E80 {
            self.west_month_first(i, false)
        } else {
            self.cjk_expr(i)
        }?;
        match r.0 {
            Found::Date(_) | Found::Range(..) => Some(Hit {
                start: i,
                end: r.1,
                found: r.0,
            }),
            _ => None,
        }
    }

    /// A multi-word relative phrase whose first word is `entries`' key, ending at `e`.
    fn relative_phrase(&self, entries: &[Entry], e: usize) -> Option<(Found, usize)> {
        let mut best: Option<(Found, usize)> = None;
        for en in entries {
            let Kind::Relative { base, unit, offset } = en.kind else {
                continue;
            };
            if en.lang & self.lang == 0 {
                continue;
            }
            let mut k = e;
            let mut ok = true;
            for w in &en.rest {
                let s = self.skip_ws(k, 1);
                if s == k {
                    ok = false;
                    break;
                }
                match self.word_is(s, w) {
                    Some(end) => k = end,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && best.is_none_or(|b| k > b.1) {
                best = Some((Found::Relative { base, unit, offset }, k));
            }
        }
        best
    }

    /// Everything that can start at a Latin or Cyrillic word.
    fn at_word(&self, i: usize) -> Option<Hit> {
        let (e, entries, capital) = self.word_entries(i);
        if entries.is_empty() {
            return None;
        }
        if let Some((f, end)) = self.relative_phrase(entries, e) {
            return Some(Hit {
                start: i,
                end,
                found: f,
            });
        }
        for en in entries {
            match en.kind {
                Kind::Month(_) => {
                    if let Some((f, end)) = self.west_month_first(i, false) {
                        return Some(Hit {
                            start: i,
                            end,
                            found: f,
                        });
                    }
                }
                Kind::Weekday(w) => {
                    let h = self.weekday_hit(i, e, w);
                    let standalone = en.phrase.chars().count() >= 5 && (en.lang != EN || capital);
                    if matches!(h.found, Found::Weekday(_)) && !standalone {
                        continue;
                    }
                    return Some(h);
                }
                Kind::MonthPart if en.lang & self.lang != 0 => {
                    if let Some(h) = self.after_month_part(i, e) {
                        return Some(h);
                    }
                }
                Kind::Prep if en.lang & self.lang != 0 => {
                    if let Some(h) = self.after_prep(e, en.lang) {
                        return Some(h);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Everything that can start at a digit.
    fn at_digit(&self, i: usize) -> Option<Hit> {
        let hit = |(f, e): (Found, usize)| Hit {
            start: i,
            end: e,
            found: f,
        };
        if let Some(r) = self.numeric(i) {
            return Some(hit(r));
        }
        if let Some(r) = self.cjk_expr(i) {
            return Some(hit(r));
        }
        if let Some(r) = self.west_day_first(i) {
            return Some(hit(r));
        }
        // 2025 года, 2000г.
        let (n, e) = self.num(i)?;
        if !n.kanji
            && n.digits == 4
            && (1000..=2999).contains(&n.v)
            && self.lang & (RU | EN) != 0
            && let Some(end) = self.year_word(e)
        {
            let p = Partial {
                y: Some(n.v as i32),
                m: None,
                d: None,
            };
            return Some(hit((Found::Date(p), end)));
        }
        None
    }

    /// CJK / Hangul phrase entries (relative words, weekdays, eras) at `i`.
    fn at_prefixed(&self, i: usize, c: char) -> Option<Hit> {
        let rest = &self.s[i..];
        for e in self.t.prefixed(c) {
            if !rest.starts_with(e.phrase.as_str()) {
                continue;
            }
            let end = i + e.phrase.len();
            match e.kind {
                Kind::Era(_) => {
                    if let Some((f, end)) = self.cjk_expr(i) {
                        return Some(Hit {
                            start: i,
                            end,
                            found: f,
                        });
                    }
                }
                Kind::Relative { base, unit, offset } if e.lang & self.lang != 0 => {
                    // 前日本 is 前 + 日本.
                    if e.phrase.ends_with('日') && self.ch(end) == Some('本') {
                        continue;
                    }
                    return Some(Hit {
                        start: i,
                        end,
                        found: Found::Relative { base, unit, offset },
                    });
                }
                Kind::Weekday(w) => return Some(self.weekday_hit(i, end, w)),
                _ => {}
            }
        }
        None
    }
}

/// The language bits for the text: the given language, or script cues when undetermined.
pub(crate) fn lang_bits(lang: &entente_core::Lang, text: &str) -> u8 {
    use entente_core::Lang;
    match lang {
        Lang::En => EN,
        Lang::Ru => RU,
        Lang::Ja => JA,
        Lang::Ko => KO,
        Lang::ZhHans | Lang::ZhHant => ZH,
        Lang::Other(_) | Lang::Und => {
            let (mut han, mut cyr) = (false, false);
            for c in text.chars() {
                let cp = c as u32;
                if cp < 0x400 {
                    continue;
                }
                if (0x3040..=0x30FF).contains(&cp) {
                    return JA;
                }
                if is_hangul(c) {
                    return KO;
                }
                han |= (0x3400..=0x9FFF).contains(&cp);
                cyr |= is_cyrillic(c);
            }
            if han {
                ZH
            } else if cyr {
                RU
            } else {
                EN
            }
        }
    }
}

/// Scans `s` and calls `f` for every expression found, left to right, non-overlapping.
pub(crate) fn scan(sc: &Scanner, mut f: impl FnMut(Hit)) {
    let s = sc.s;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_digit() {
                if let Some(h) = sc.at_digit(i) {
                    f(h);
                    i = h.end.max(i + 1);
                    continue;
                }
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                continue;
            }
            if b.is_ascii_alphabetic() {
                let word_start = i == 0 || !sc.prev_char(i).is_some_and(|c| c.is_alphanumeric());
                if word_start {
                    let hit = if b.is_ascii_uppercase()
                        && sc.lang & JA != 0
                        && bytes.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                    {
                        sc.cjk_expr(i).map(|(found, end)| Hit {
                            start: i,
                            end,
                            found,
                        })
                    } else {
                        sc.at_word(i)
                    };
                    if let Some(h) = hit {
                        f(h);
                        i = h.end.max(i + 1);
                        continue;
                    }
                }
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                continue;
            }
            if b == b'\''
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && let Some((found, end)) = sc.cjk_expr(i)
            {
                f(Hit {
                    start: i,
                    end,
                    found,
                });
                i = end;
                continue;
            }
            i += 1;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        let mut hit = None;
        if digit_val(c).is_some() {
            hit = sc.at_digit(i);
            if hit.is_none() {
                // Skip the whole run so that a long number is never read from its middle.
                let mut j = i;
                while let Some(d) = sc.ch(j).filter(|d| digit_val(*d).is_some()) {
                    j += d.len_utf8();
                }
                i = j;
                continue;
            }
        } else if is_cyrillic(c) {
            if !sc.prev_char(i).is_some_and(char::is_alphanumeric) {
                hit = sc.at_word(i);
            }
            if hit.is_none() {
                let mut j = i;
                while let Some(d) = sc.ch(j).filter(|d| is_cyrillic(*d)) {
                    j += d.len_utf8();
                }
                i = j;
                continue;
            }
        } else if (c as u32) >= 0x1100 {
            if is_kanji_numeral(c) {
                if !sc.prev_char(i).is_some_and(is_kanji_numeral) {
                    hit = sc.cjk_expr(i).map(|(found, end)| Hit {
                        start: i,
                        end,
                        found,
                    });
                }
                // 一昨日, 一昨年 start with a numeral.
                if hit.is_none() && sc.t.starts_phrase(c) {
                    hit = sc.at_prefixed(i, c);
                }
            } else if ('Ａ'..='Ｚ').contains(&c) && sc.lang & JA != 0 {
                hit = sc.cjk_expr(i).map(|(found, end)| Hit {
                    start: i,
                    end,
                    found,
                });
            } else if sc.t.starts_phrase(c)
                && !(is_hangul(c) && sc.prev_char(i).is_some_and(is_hangul))
            {
                hit = sc.at_prefixed(i, c);
            }
        } else if c == '’' && sc.ch(i + len).and_then(digit_val).is_some() {
            hit = sc.cjk_expr(i).map(|(found, end)| Hit {
                start: i,
                end,
                found,
            });
        }
        match hit {
            Some(h) => {
                f(h);
                i = h.end.max(i + len);
            }
            None => i += len,
        }
    }
}
