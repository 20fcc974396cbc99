//! Counted days: "three days ago" / 3日前 / 사흘 전 / три дня назад (a day counted back from
//! the anchor), and the length of a trip: "a two-day visit", 2박 3일, 2泊3日, 3日間, 为期三天,
//! двухдневный визит (a span whose first day another date gives).

use entente_core::{DateValue, Edtf};

use super::DateMention;

/// A length in days found in a text ("two-day", 2박 3일), and which day of it the text's date
/// is when it says so ("the second day of a two-day visit").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationMention {
    pub start: usize,
    pub end: usize,
    pub days: u32,
    /// 1-based day of the span that a date next to it names (1 unless the text says).
    pub nth: u32,
}

impl DurationMention {
    /// The span of `days` days in which `day` is day `nth`, or `None` when `day` is not a
    /// single day.
    pub fn span_from(&self, day: &Edtf) -> Option<Edtf> {
        if day.end.is_some() || day.start.day.is_none() || self.days < 2 {
            return None;
        }
        let mut first = day.first_day();
        for _ in 1..self.nth.max(1) {
            first = first.pred_opt()?;
        }
        let mut last = first;
        for _ in 1..self.days {
            last = last.succ_opt()?;
        }
        Edtf::interval(DateValue::from_naive(first), DateValue::from_naive(last)).ok()
    }
}

/// Small numbers written as words, per script.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("a", 1),
    ("an", 1),
    ("один", 1),
    ("одну", 1),
    ("два", 2),
    ("две", 2),
    ("три", 3),
    ("четыре", 4),
    ("пять", 5),
    ("шесть", 6),
    ("семь", 7),
    ("восемь", 8),
    ("девять", 9),
    ("десять", 10),
];

/// Korean native day counts: 하루 (1 day) … 열흘 (10 days).
const KO_DAYS: &[(&str, u32)] = &[
    ("하루", 1),
    ("이틀", 2),
    ("사흘", 3),
    ("나흘", 4),
    ("닷새", 5),
    ("엿새", 6),
    ("이레", 7),
    ("여드레", 8),
    ("아흐레", 9),
    ("열흘", 10),
];

/// Russian adjective stems of trip lengths: двухдневный визит.
const RU_DAY_STEMS: &[(&str, u32)] = &[
    ("двухдневн", 2),
    ("трехдневн", 3),
    ("трёхдневн", 3),
    ("четырехдневн", 4),
    ("четырёхдневн", 4),
    ("пятидневн", 5),
];

const ORDINALS: &[(&str, u32)] = &[
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
];

/// Whether `needle` (lower-case ASCII) occurs in `text` in lower case, capitalised or in
/// capitals: a cheap test before lower-casing a whole document.
fn has_ascii_ci(text: &str, needle: &str) -> bool {
    if text.contains(needle) {
        return true;
    }
    let upper = needle.to_ascii_uppercase();
    let lead = needle.len() - needle.trim_start_matches([' ', '-']).len();
    let mut capital = needle.to_string();
    if let Some(c) = capital.get_mut(lead..lead + 1) {
        c.make_ascii_uppercase();
    }
    text.contains(&capital) || text.contains(&upper)
}

fn cjk_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九十"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
        .or(if c == '两' || c == '兩' {
            Some(2)
        } else {
            None
        })
}

/// The number ending at byte `end` of `s` (ASCII or full-width digits, CJK numerals up to 十),
/// with its start.
fn number_before(s: &str, end: usize) -> Option<(u32, usize)> {
    let head = &s[..end];
    let mut start = end;
    let mut digits = String::new();
    for (i, c) in head.char_indices().rev() {
        let d = c
            .to_digit(10)
            .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32));
        match d {
            Some(d) if digits.len() < 3 => {
                digits.insert(0, char::from_digit(d, 10)?);
                start = i;
            }
            _ => break,
        }
    }
    if !digits.is_empty() {
        return digits.parse().ok().map(|n| (n, start));
    }
    // CJK numerals: 三, 十, 十二, 二十.
    let mut value = None;
    let mut chars: Vec<(usize, char)> = head.char_indices().rev().take(3).collect();
    chars.reverse();
    for k in 0..chars.len() {
        let tail: Vec<u32> = chars[k..]
            .iter()
            .map_while(|(_, c)| cjk_digit(*c))
            .collect();
        if tail.len() != chars.len() - k || tail.is_empty() {
            continue;
        }
        let v = match tail.as_slice() {
            [d] => *d,
            [10, d] => 10 + d,
            [d, 10] => d * 10,
            [d, 10, e] => d * 10 + e,
            _ => continue,
        };
        value = Some((v, chars[k].0));
        break;
    }
    value.filter(|(v, _)| *v > 0)
}

/// The number word or digits right before byte `end` (one space between), for Latin and
/// Cyrillic text: "three", "3".
fn word_number_before(s: &str, end: usize) -> Option<(u32, usize)> {
    let head = s[..end].strip_suffix(' ')?;
    let word_start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    let word = &head[word_start..];
    let lower = word.to_lowercase();
    let v = lower.parse::<u32>().ok().or_else(|| {
        NUMBER_WORDS
            .iter()
            .find(|(w, _)| *w == lower)
            .map(|(_, v)| *v)
    })?;
    Some((v, word_start))
}

/// Days counted back from `anchor`: "three days ago", "a week ago", 3日前, 三天前, 사흘 전,
/// 3일 전, три дня назад, неделю назад. Day precision; nothing without a day-precise anchor.
pub(crate) fn days_ago(text: &str, anchor: Option<DateValue>) -> Vec<DateMention> {
    let Some(anchor) = anchor.filter(|a| a.day.is_some()) else {
        return Vec::new();
    };
    let mut found: Vec<(usize, usize, u32)> = Vec::new();
    // Latin and Cyrillic: "<n> days ago", "<n> дня назад" (lower-casing the whole text only
    // when one of them can be there: this runs on every document).
    let lower = if has_ascii_ci(text, " ago") || text.contains("назад") {
        text.to_lowercase()
    } else {
        String::new()
    };
    if !lower.is_empty() && lower.len() == text.len() {
        for (suffix, per) in [
            (" days ago", 1),
            (" day ago", 1),
            (" weeks ago", 7),
            (" week ago", 7),
            (" дня назад", 1),
            (" дней назад", 1),
            (" день назад", 1),
            (" недели назад", 7),
            (" недель назад", 7),
        ] {
            for (i, _) in lower.match_indices(suffix) {
                if let Some((n, s)) = word_number_before(&lower, i + 1) {
                    found.push((s, i + suffix.len(), n * per));
                }
            }
        }
        // "неделю назад": a week, the number left out.
        for (i, w) in lower.match_indices("неделю назад") {
            if !lower[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                found.push((i, i + w.len(), 7));
            }
        }
    }
    // Japanese and Chinese: 3日前 (not 3日前後, "around the 3rd"), 三天前, 2週間前, 两周前.
    for (unit, per) in [("日前", 1), ("天前", 1), ("週間前", 7), ("周前", 7)] {
        for (i, _) in text.match_indices(unit) {
            let end = i + unit.len();
            if text[end..].starts_with(['後', '后']) {
                continue;
            }
            if let Some((n, s)) = number_before(text, i) {
                found.push((s, end, n * per));
            }
        }
    }
    // Korean: 3일 전, 사흘 전, 2주 전.
    for (i, _) in text.match_indices('전') {
        let head = text[..i].trim_end_matches(' ');
        if text[head.len()..i].chars().count() > 1 {
            continue;
        }
        if let Some((w, n)) = KO_DAYS.iter().find(|(w, _)| head.ends_with(w)) {
            found.push((head.len() - w.len(), i + '전'.len_utf8(), *n));
        } else if let Some(h) = head.strip_suffix('일').or_else(|| head.strip_suffix('주')) {
            let per = if head.ends_with('주') { 7 } else { 1 };
            if let Some((n, s)) = number_before(text, h.len()) {
                found.push((s, i + '전'.len_utf8(), n * per));
            }
        }
    }
    found
        .into_iter()
        .filter(|(_, _, n)| (1..=60).contains(n))
        .filter_map(|(start, end, n)| {
            let mut day = anchor.start();
            for _ in 0..n {
                day = day.pred_opt()?;
            }
            Some(DateMention {
                start,
                end,
                value: Edtf::date(DateValue::from_naive(day)),
                relative: true,
                text: text[start..end].to_string(),
            })
        })
        .collect()
}

/// Lengths of trips and stays: "two-day", "3-day", 2박 3일, 2泊3日, 3日間, 为期三天,
/// двухдневный; "the second day of a two-day visit" gives `nth` 2.
pub fn find_durations(text: &str) -> Vec<DurationMention> {
    let mut out = Vec::new();
    let lower = if has_ascii_ci(text, "-day") || text.contains("дневн") {
        text.to_lowercase()
    } else {
        String::new()
    };
    if !lower.is_empty() && lower.len() == text.len() {
        for (i, _) in lower.match_indices("-day") {
            let after = &lower[i + 4..];
            if after.starts_with(|c: char| c.is_alphanumeric()) {
                continue;
            }
            let head = &lower[..i];
            let ws = head
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphanumeric())
                .last()
                .map(|(k, _)| k);
            let Some(ws) = ws else { continue };
            let word = &head[ws..];
            let Some(days) = word.parse::<u32>().ok().or_else(|| {
                NUMBER_WORDS
                    .iter()
                    .find(|(w, _)| *w == word)
                    .map(|(_, v)| *v)
            }) else {
                continue;
            };
            // "the second day of a two-day", "the last day of a three-day".
            let before = head[..ws].trim_end();
            let before = before
                .strip_suffix(" a")
                .or_else(|| before.strip_suffix(" an"))
                .or_else(|| before.strip_suffix(" the"))
                .or_else(|| before.strip_suffix(" his"))
                .or_else(|| before.strip_suffix(" her"))
                .or_else(|| before.strip_suffix(" their"))
                .unwrap_or(before);
            let nth = before
                .strip_suffix(" day of")
                .and_then(|b| {
                    let w = b.rsplit(' ').next()?;
                    if w == "last" || w == "final" {
                        Some(days)
                    } else {
                        ORDINALS.iter().find(|(o, _)| *o == w).map(|(_, v)| *v)
                    }
                })
                .unwrap_or(1);
            out.push(DurationMention {
                start: ws,
                end: i + 4,
                days,
                nth,
            });
        }
        for (stem, days) in RU_DAY_STEMS {
            for (i, _) in lower.match_indices(stem) {
                out.push(DurationMention {
                    start: i,
                    end: i + stem.len(),
                    days: *days,
                    nth: 1,
                });
            }
        }
    }
    // 2박 3일, 2泊3日: the days.
    for (mark, day) in [("박", "일"), ("泊", "日")] {
        for (i, _) in text.match_indices(mark) {
            let Some((_, s)) = number_before(text, i) else {
                continue;
            };
            let rest = &text[i + mark.len()..];
            let trimmed = rest.trim_start_matches(' ');
            let k = i + mark.len() + (rest.len() - trimmed.len());
            let digits: String = trimmed.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() || !trimmed[digits.len()..].starts_with(day) {
                continue;
            }
            let Ok(days) = digits.parse::<u32>() else {
                continue;
            };
            out.push(DurationMention {
                start: s,
                end: k + digits.len() + day.len(),
                days,
                nth: 1,
            });
        }
    }
    // 3日間, 为期三天, 為期3天.
    for (i, _) in text.match_indices("日間") {
        if let Some((days, s)) = number_before(text, i) {
            out.push(DurationMention {
                start: s,
                end: i + "日間".len(),
                days,
                nth: 1,
            });
        }
    }
    for lead in ["为期", "為期"] {
        for (i, _) in text.match_indices(lead) {
            let rest = &text[i + lead.len()..];
            let Some(t) = rest.find('天') else { continue };
            if t > 9 {
                continue;
            }
            if let Some((days, _)) = number_before(rest, t) {
                out.push(DurationMention {
                    start: i,
                    end: i + lead.len() + t + '天'.len_utf8(),
                    days,
                    nth: 1,
                });
            }
        }
    }
    out.retain(|d| (2..=31).contains(&d.days));
    out.sort_by_key(|d| d.start);
    out
}

/// How far back an event lies from the one its sentence reports: "three months after Biden
/// went to Hanoi", "a day after signing", "two weeks after". `days` for days and weeks,
/// `months` for months (the result then has month precision).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffsetMention {
    pub start: usize,
    pub end: usize,
    pub days: u32,
    pub months: u32,
    /// A count of weeks ("仅一周", "a week after"): a round figure, so the result has month
    /// precision.
    pub weeks: bool,
}

impl OffsetMention {
    /// The date `self` before `from`: a day for a count of days (when `from` has a day), a
    /// month for a count of months.
    pub fn before(&self, from: &Edtf) -> Option<Edtf> {
        if self.months > 0 {
            let total =
                from.start.year * 12 + i32::from(from.start.month?) - 1 - self.months as i32;
            let v = DateValue::new(
                total.div_euclid(12),
                Some((total.rem_euclid(12) + 1) as u8),
                None,
            )
            .ok()?;
            return Some(Edtf::date(v));
        }
        from.start.day?;
        let mut day = from.first_day();
        for _ in 0..self.days {
            day = day.pred_opt()?;
        }
        let day = DateValue::from_naive(day);
        if self.weeks {
            return DateValue::new(day.year, day.month, None)
                .ok()
                .map(Edtf::date);
        }
        Some(Edtf::date(day))
    }
}

/// Most characters between 距 and the count that closes its clause: "距他在新加坡同美国总统
/// 特朗普会晤仅一周".
const JU_SPAN: usize = 40;

/// "<n> days/weeks/months after" in English text (the event after it lies that far before
/// the sentence's date); 距…<n>天/周/个月 in Chinese, the mention spanning the event it
/// measures from ("距他…会晤仅一周时间").
pub fn find_offsets(text: &str) -> Vec<OffsetMention> {
    let mut out = Vec::new();
    for (j, _) in text.match_indices('距') {
        let clause_end = text[j..]
            .char_indices()
            .take(JU_SPAN)
            .find(|(_, c)| matches!(c, '，' | ',' | '。' | '；' | ';' | '\n'))
            .map_or_else(
                || {
                    text[j..]
                        .char_indices()
                        .nth(JU_SPAN)
                        .map_or(text.len(), |(k, _)| j + k)
                },
                |(k, _)| j + k,
            );
        let clause = &text[j..clause_end];
        let found = [
            ("个月", 0, 1),
            ("個月", 0, 1),
            ("周", 7, 0),
            ("週", 7, 0),
            ("星期", 7, 0),
            ("天", 1, 0),
        ]
        .iter()
        .filter_map(|&(unit, days, months)| {
            let (k, _) = clause.match_indices(unit).last()?;
            let (n, _) = number_before(text, j + k)?;
            Some((j + k + unit.len(), n, days, months))
        })
        .max_by_key(|f| f.0);
        if let Some((end, n, days, months)) = found {
            out.push(OffsetMention {
                start: j,
                end,
                days: n * days,
                months: n * months,
                weeks: days == 7,
            });
        }
    }
    if !has_ascii_ci(text, " after") {
        out.sort_by_key(|o| o.start);
        return out;
    }
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        out.sort_by_key(|o| o.start);
        return out;
    }
    for (unit, days, months) in [
        (" days after", 1, 0),
        (" day after", 1, 0),
        (" weeks after", 7, 0),
        (" week after", 7, 0),
        (" months after", 0, 1),
        (" month after", 0, 1),
    ] {
        for (i, _) in lower.match_indices(unit) {
            if let Some((n, s)) = word_number_before(&lower, i + 1) {
                out.push(OffsetMention {
                    start: s,
                    end: i + unit.len(),
                    days: n * days,
                    months: n * months,
                    weeks: days == 7,
                });
            }
        }
    }
    out.sort_by_key(|o| o.start);
    out
}

#[cfg(test)]
mod tests {
    use super::has_ascii_ci;

    #[test]
    fn the_cheap_test_sees_every_casing_a_text_uses() {
        assert!(has_ascii_ci("three days ago", " ago"));
        assert!(has_ascii_ci("THREE DAYS AGO", " ago"));
        assert!(has_ascii_ci("Two-Day visit", "-day"));
        assert!(has_ascii_ci("a month After", " after"));
        assert!(!has_ascii_ci("afterwards, a gorge", " ago"));
        assert!(!has_ascii_ci("", " after"));
    }
}
