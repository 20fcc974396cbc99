//! Quantity expressions: a number or a range of numbers with a unit, as reports of transfers
//! and deployments give them — "約1万5,000人", "420～580万発", "some 15,000 troops",
//! "от 10 до 12 тысяч военнослужащих", "1만2천 명", "一万五千名".
//!
//! The words (scales, approximation words, range joiners, units) are data:
//! `data/text/quantities.tsv`, validated when first used ([`load_table`]).
//! Numbers are read from normalised text (half-width digits, see [`crate::normalize`]).

use std::sync::OnceLock;

use entente_core::Lang;

use crate::TextError;

const TABLE: (&str, &str) = (
    "quantities.tsv",
    include_str!("../../../data/text/quantities.tsv"),
);

/// A quantity found in a text: `start..end` are byte offsets of the whole expression (the
/// approximation word, the numbers and the unit).
#[derive(Clone, Debug, PartialEq)]
pub struct QuantityMatch {
    pub start: usize,
    pub end: usize,
    pub low: f64,
    pub high: f64,
    /// The unit's id from the table: `personnel`, `shells`, `missiles`, `artillery pieces`,
    /// `vehicles`, `containers`, `tonnes`.
    pub unit: String,
    pub approximate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    En,
    Ru,
    Ja,
    Zh,
    Ko,
}

impl Group {
    fn of(lang: &Lang) -> Option<Group> {
        Some(match lang {
            Lang::En => Group::En,
            Lang::Ru => Group::Ru,
            Lang::Ja => Group::Ja,
            Lang::ZhHans | Lang::ZhHant => Group::Zh,
            Lang::Ko => Group::Ko,
            _ => return None,
        })
    }

    fn parse(tag: &str) -> Option<Group> {
        Some(match tag {
            "en" => Group::En,
            "ru" => Group::Ru,
            "ja" => Group::Ja,
            "zh" => Group::Zh,
            "ko" => Group::Ko,
            _ => return None,
        })
    }

    /// Whether words are separated by spaces (units may then stand a few words away).
    fn spaced(self) -> bool {
        matches!(self, Group::En | Group::Ru)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Scale(f64),
    ApproxBefore,
    ApproxAfter,
    RangeStart,
    Range,
    Unit(String),
}

#[derive(Clone, Debug)]
struct Word {
    group: Group,
    kind: Kind,
    form: String,
}

/// The parsed table.
pub struct Table {
    words: Vec<Word>,
}

impl Table {
    fn of<'a>(
        &'a self,
        g: Group,
        pred: impl Fn(&Kind) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Word> {
        self.words
            .iter()
            .filter(move |w| w.group == g && pred(&w.kind))
    }
}

/// Parses and checks `data/text/quantities.tsv` (or another text in its format).
pub fn parse_table(file: &str, text: &str) -> Result<Table, TextError> {
    let err = |line: usize, message: String| TextError::Table {
        file: file.to_string(),
        line,
        message,
    };
    let mut words = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        let [lang, kind, value, forms] = cols.as_slice() else {
            return Err(err(
                line,
                format!("expected 4 tab-separated columns, found {}", cols.len()),
            ));
        };
        let group = Group::parse(lang).ok_or_else(|| {
            err(
                line,
                format!("unknown language `{lang}` (en, ru, ja, zh, ko)"),
            )
        })?;
        let kind = match *kind {
            "scale" => Kind::Scale(value.parse::<f64>().ok().filter(|v| *v > 1.0).ok_or_else(
                || {
                    err(
                        line,
                        format!("scale value `{value}` is not a number above 1"),
                    )
                },
            )?),
            "approx-before" => Kind::ApproxBefore,
            "approx-after" => Kind::ApproxAfter,
            "range-start" => Kind::RangeStart,
            "range" => Kind::Range,
            "unit" => {
                if value.trim().is_empty() || *value == "0" {
                    return Err(err(line, "a unit needs its id in the value column".into()));
                }
                Kind::Unit(value.to_string())
            }
            other => {
                return Err(err(
                    line,
                    format!(
                        "unknown kind `{other}` (scale, approx-before, approx-after, range-start, range, unit)"
                    ),
                ));
            }
        };
        for form in forms.split(',') {
            let form = form.trim();
            if form.is_empty() {
                return Err(err(line, "empty form".into()));
            }
            if form.to_lowercase() != form {
                return Err(err(line, format!("form `{form}` is not lower case")));
            }
            words.push(Word {
                group,
                kind: kind.clone(),
                form: form.to_string(),
            });
        }
    }
    // Longest forms first, so "artillery shells" wins over "shells" and 여명 over 여.
    words.sort_by_key(|w| std::cmp::Reverse(w.form.len()));
    Ok(Table { words })
}

static TABLE_CELL: OnceLock<Result<Table, TextError>> = OnceLock::new();

/// The bundled table, parsed once; its error names the file and line.
pub fn load_table() -> Result<&'static Table, &'static TextError> {
    TABLE_CELL
        .get_or_init(|| parse_table(TABLE.0, TABLE.1))
        .as_ref()
}

/// Every quantity with a known unit in `text` (normalised), for a text in `lang`. Languages
/// without a table give nothing; so does a broken table (checked by [`load_table`] at start).
pub fn find_quantities(text: &str, lang: &Lang) -> Vec<QuantityMatch> {
    scan(text, lang, false)
}

/// Like [`find_quantities`] for one sentence, where a number whose unit is left out takes the
/// unit named last before it ("sent more troops on top of the roughly 10,000 to 12,000
/// estimated" → personnel). Such a number must look like a count: with a scale, a range, an
/// approximation word or a thousands separator.
pub fn find_quantities_in_sentence(sentence: &str, lang: &Lang) -> Vec<QuantityMatch> {
    scan(sentence, lang, true)
}

fn scan(text: &str, lang: &Lang, elided: bool) -> Vec<QuantityMatch> {
    let (Some(g), Ok(table)) = (Group::of(lang), load_table()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(first) = number_at(text, i, g, table) else {
            i = next_char(text, i);
            continue;
        };
        // Not inside a longer word or number ("A320", "2,5-").
        if i > 0
            && prev_char(text, i)
                .is_some_and(|c| c.is_alphanumeric() && !crate::tokenize::is_gram_char(c))
        {
            i = first.end;
            continue;
        }
        match quantity_from(text, i, first, g, table, elided) {
            Some(q) => {
                i = q.end;
                out.push(q);
            }
            None => i = first.end,
        }
    }
    out
}

/// A number read at a position: its value, where it ends, and whether a scale word was part
/// of it (so that "420～580万" applies 万 to 420 as well).
#[derive(Clone, Copy, Debug)]
struct Num {
    value: f64,
    end: usize,
    scaled: bool,
    /// The scale word the number ends with (万 in 580万, not in 1万5,000), for ranges.
    trailing_scale: Option<f64>,
}

fn quantity_from(
    text: &str,
    start: usize,
    first: Num,
    g: Group,
    table: &Table,
    elided: bool,
) -> Option<QuantityMatch> {
    let mut approximate = false;
    let mut q_start = start;
    // An approximation or range-start word right before the number.
    let mut ranged_start = false;
    if let Some((s, kind)) = word_before(text, start, g, table) {
        match kind {
            Kind::ApproxBefore => {
                approximate = true;
                q_start = s;
            }
            Kind::RangeStart => {
                ranged_start = true;
                q_start = s;
            }
            _ => {}
        }
    }
    let mut low = first.value;
    let mut high = first.value;
    let mut pos = first.end;
    // Approximation right after ("1万人余り" has it after the unit, handled below).
    if let Some(end) = word_after(text, pos, g, table, |k| *k == Kind::ApproxAfter) {
        approximate = true;
        pos = end;
    }
    // A range: joiner, then a second number.
    if let Some(after_join) = word_after(text, pos, g, table, |k| *k == Kind::Range) {
        let joiner = text[pos..after_join].trim();
        // "and" only joins a range opened by "between".
        let joins = joiner != "and" || ranged_start;
        if joins && let Some(second) = number_at(text, skip_spaces(text, after_join), g, table) {
            let mut a = first.value;
            // A scale ending the second number only ("420～580万", "10 to 12 thousand")
            // applies to both, unless that would put the first above the second.
            if !first.scaled
                && let Some(s) = second.trailing_scale
                && first.value * s <= second.value
            {
                a = first.value * s;
            }
            if second.value >= a {
                low = a;
                high = second.value;
                pos = second.end;
                if let Some(end) = word_after(text, pos, g, table, |k| *k == Kind::ApproxAfter) {
                    approximate = true;
                    pos = end;
                }
            }
        }
    }
    // The unit: right after the number in CJK and Korean, up to three words later in
    // English and Russian.
    let (unit, end) = match unit_after(text, pos, g, table) {
        Some(u) => u,
        None if elided => {
            let count_like = first.scaled
                || low != high
                || approximate
                || text[start..first.end].contains([',', ' ', '\u{a0}']);
            if !count_like {
                return None;
            }
            (unit_before(text, q_start, g, table)?, pos)
        }
        None => return None,
    };
    let mut end = end;
    if let Some(e) = word_after(text, end, g, table, |k| *k == Kind::ApproxAfter) {
        approximate = true;
        end = e;
    }
    // A bare year-like number ("in 2024 North Korean troops…") is not a quantity.
    if !first.scaled && low == high && (1900.0..=2100.0).contains(&low) && low.fract() == 0.0 {
        let digits = &text[start..first.end];
        if !digits.contains([',', ' ', '.']) {
            return None;
        }
    }
    Some(QuantityMatch {
        start: q_start,
        end,
        low,
        high,
        unit,
        approximate,
    })
}

fn next_char(text: &str, i: usize) -> usize {
    text[i..]
        .chars()
        .next()
        .map_or(text.len(), |c| i + c.len_utf8())
}

fn prev_char(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

fn skip_spaces(text: &str, mut i: usize) -> usize {
    while let Some(c) = text[i..].chars().next() {
        if c == ' ' || c == '\u{a0}' {
            i += c.len_utf8();
        } else {
            break;
        }
    }
    i
}

/// Whether `form` stands at byte `i` of `text` as a whole word (for spaced languages: not
/// followed by a letter); returns its end.
fn form_at(text: &str, i: usize, form: &str, g: Group) -> Option<usize> {
    let rest = text.get(i..)?;
    let head = rest.get(..form.len())?;
    if head.to_lowercase() != form {
        return None;
    }
    let end = i + form.len();
    if g.spaced()
        && form.chars().last().is_some_and(char::is_alphabetic)
        && text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    Some(end)
}

/// A table word of a kind accepted by `pred` at `i` (after spaces); returns its end.
fn word_after(
    text: &str,
    i: usize,
    g: Group,
    table: &Table,
    pred: impl Fn(&Kind) -> bool,
) -> Option<usize> {
    let j = skip_spaces(text, i);
    table.of(g, pred).find_map(|w| form_at(text, j, &w.form, g))
}

/// The approximation or range-start word that ends right before `i` (spaces between).
fn word_before(text: &str, i: usize, g: Group, table: &Table) -> Option<(usize, Kind)> {
    let mut j = i;
    while j > 0 {
        match prev_char(text, j) {
            Some(c @ (' ' | '\u{a0}')) => j -= c.len_utf8(),
            _ => break,
        }
    }
    let head = &text[..j];
    table
        .of(g, |k| matches!(k, Kind::ApproxBefore | Kind::RangeStart))
        .find_map(|w| {
            let s = j.checked_sub(w.form.len())?;
            if !head.is_char_boundary(s) || head[s..].to_lowercase() != w.form {
                return None;
            }
            if g.spaced() && prev_char(text, s).is_some_and(char::is_alphanumeric) {
                return None;
            }
            Some((s, w.kind.clone()))
        })
}

/// The unit after the number at `i`: its id and end.
fn unit_after(text: &str, i: usize, g: Group, table: &Table) -> Option<(String, usize)> {
    let mut j = if g == Group::Ko || g.spaced() {
        skip_spaces(text, i)
    } else {
        i
    };
    // Korean: a particle-free counter, or the noun with a space ("컨테이너").
    let words_between = if g.spaced() { 3 } else { 0 };
    for step in 0..=words_between {
        if let Some((unit, end)) =
            table
                .of(g, |k| matches!(k, Kind::Unit(_)))
                .find_map(|w| match &w.kind {
                    Kind::Unit(u) => form_at(text, j, &w.form, g).map(|e| (u.clone(), e)),
                    _ => None,
                })
        {
            return Some((unit, end));
        }
        if step == words_between {
            break;
        }
        // Skip one word of letters (and hyphens), then spaces; punctuation stops the search.
        let rest = &text[j..];
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '-')
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            break;
        }
        let after = skip_spaces(text, j + len);
        if after == j + len {
            break;
        }
        j = after;
    }
    None
}

/// The unit named last before byte `i` (the id of the form ending nearest to it).
fn unit_before(text: &str, i: usize, g: Group, table: &Table) -> Option<String> {
    let head = &text[..i];
    let lower = head.to_lowercase();
    if lower.len() != head.len() {
        // Case mapping changed byte lengths: offsets would not line up; give up.
        return None;
    }
    table
        .of(g, |k| matches!(k, Kind::Unit(_)))
        .filter_map(|w| {
            let mut best = None;
            for (at, _) in lower.match_indices(w.form.as_str()) {
                let end = at + w.form.len();
                let word_ok = !g.spaced()
                    || (!prev_char(head, at).is_some_and(char::is_alphanumeric)
                        && !head[end..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric));
                if word_ok {
                    best = Some(end);
                }
            }
            match (&w.kind, best) {
                (Kind::Unit(u), Some(end)) => Some((end, u.clone())),
                _ => None,
            }
        })
        .max_by_key(|(end, _)| *end)
        .map(|(_, u)| u)
}

/// A number at byte `i`: digits with group separators and a decimal part, or Chinese
/// numerals, followed by scale words (1万5,000; 12 тысяч; 1만 2천; 1.5 million).
fn number_at(text: &str, i: usize, g: Group, table: &Table) -> Option<Num> {
    let (mut value, mut end) = digits_at(text, i, g).or_else(|| chinese_numeral_at(text, i))?;
    let mut scaled = false;
    let mut trailing_scale = None;
    let mut total = 0.0;
    loop {
        let j = if g == Group::Ko || g.spaced() {
            skip_spaces(text, end)
        } else {
            end
        };
        let scale = table.of(g, |k| matches!(k, Kind::Scale(_))).find_map(|w| {
            let e = form_at(text, j, &w.form, g)?;
            match w.kind {
                Kind::Scale(s) => Some((s, e)),
                _ => None,
            }
        });
        let Some((s, e)) = scale else { break };
        scaled = true;
        trailing_scale = Some(s);
        value *= s;
        end = e;
        // A smaller number may follow a CJK/Korean scale: 1万5,000, 1만 2천.
        if !g.spaced() {
            let k = if g == Group::Ko {
                skip_spaces(text, end)
            } else {
                end
            };
            if let Some((v, e2)) = digits_at(text, k, g).or_else(|| chinese_numeral_at(text, k)) {
                total += value;
                value = v;
                end = e2;
                trailing_scale = None;
                continue;
            }
        }
        break;
    }
    Some(Num {
        value: total + value,
        end,
        scaled,
        trailing_scale,
    })
}

/// Digits at `i`: "15,000", "15 000" (ru), "1.5", "1,5" (ru decimal comma).
fn digits_at(text: &str, i: usize, g: Group) -> Option<(f64, usize)> {
    let b = text.as_bytes();
    if !b.get(i)?.is_ascii_digit() {
        return None;
    }
    let run = |from: usize| -> usize {
        let mut k = from;
        while k < b.len() && b[k].is_ascii_digit() {
            k += 1;
        }
        k
    };
    let mut end = run(i);
    let mut int = text[i..end].to_string();
    // Thousands groups.
    let sep_ok = |c: u8| match g {
        Group::Ru => c == b' ',
        _ => c == b',',
    };
    loop {
        if end < b.len() && sep_ok(b[end]) {
            let g_end = run(end + 1);
            if g_end - (end + 1) == 3 {
                int.push_str(&text[end + 1..g_end]);
                end = g_end;
                continue;
            }
        } else if g == Group::Ru && text[end..].starts_with('\u{a0}') {
            let from = end + '\u{a0}'.len_utf8();
            let g_end = run(from);
            if g_end - from == 3 {
                int.push_str(&text[from..g_end]);
                end = g_end;
                continue;
            }
        }
        break;
    }
    // Decimal part.
    let dec_ok = |c: u8| c == b'.' || (g == Group::Ru && c == b',');
    let mut value: f64 = int.parse().ok()?;
    if end + 1 < b.len() && dec_ok(b[end]) && b[end + 1].is_ascii_digit() {
        let d_end = run(end + 1);
        let frac: f64 = format!("0.{}", &text[end + 1..d_end]).parse().ok()?;
        value += frac;
        end = d_end;
    }
    Some((value, end))
}

/// Chinese numerals at `i` (一万五千, 二十, 三百): at least two characters, or one with a
/// value of ten or more, so that 一 in 一行 is not read as a number.
fn chinese_numeral_at(text: &str, i: usize) -> Option<(f64, usize)> {
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' | '兩' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let unit = |c: char| -> Option<f64> {
        Some(match c {
            '十' => 10.0,
            '百' => 100.0,
            '千' => 1000.0,
            _ => return None,
        })
    };
    let mut total = 0.0;
    let mut section = 0.0;
    let mut pending: Option<f64> = None;
    let mut end = i;
    let mut n = 0;
    for c in text[i..].chars() {
        if let Some(d) = digit(c) {
            pending = Some(f64::from(d));
        } else if let Some(u) = unit(c) {
            section += pending.take().unwrap_or(1.0) * u;
        } else if c == '万' || c == '萬' {
            total += (section + pending.take().unwrap_or(0.0)) * 10_000.0;
            section = 0.0;
        } else {
            break;
        }
        end += c.len_utf8();
        n += 1;
    }
    let value = total + section + pending.unwrap_or(0.0);
    if n == 0 || (n == 1 && value < 10.0) {
        return None;
    }
    Some((value, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str, lang: Lang) -> Vec<(f64, f64, String, bool, String)> {
        find_quantities(text, &lang)
            .into_iter()
            .map(|m| {
                (
                    m.low,
                    m.high,
                    m.unit,
                    m.approximate,
                    text[m.start..m.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn the_bundled_table_loads() {
        let t = load_table().expect("data/text/quantities.tsv");
        assert!(t.words.len() > 100);
    }

    #[test]
    fn bad_tables_name_file_and_line() {
        let e = parse_table("q.tsv", "# c\nen\tscale\tx\tthousand\n")
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "data/text/q.tsv, line 2: scale value `x` is not a number above 1"
        );
        let e = parse_table("q.tsv", "xx\tunit\tshells\tshells\n")
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("line 1") && e.to_string().contains("`xx`"),
            "{e}"
        );
        let e = parse_table("q.tsv", "en\tunit\t0\tshells\n").err().unwrap();
        assert!(e.to_string().contains("unit needs its id"), "{e}");
        let e = parse_table("q.tsv", "en\tunit\tshells\tShells\n")
            .err()
            .unwrap();
        assert!(e.to_string().contains("lower case"), "{e}");
        let e = parse_table("q.tsv", "en\tunit\tshells\n").err().unwrap();
        assert!(e.to_string().contains("4 tab-separated"), "{e}");
    }

    #[test]
    fn japanese() {
        assert_eq!(
            q("北朝鮮は約1万5,000人の兵士を派遣した。", Lang::Ja),
            vec![(
                15000.0,
                15000.0,
                "personnel".into(),
                true,
                "約1万5,000人".into()
            )]
        );
        assert_eq!(
            q("砲弾420～580万発を供与した", Lang::Ja),
            vec![(
                4_200_000.0,
                5_800_000.0,
                "shells".into(),
                false,
                "420～580万発".into()
            )]
        );
        assert_eq!(
            q("1万人余りが派遣された", Lang::Ja)[0],
            (
                10000.0,
                10000.0,
                "personnel".into(),
                true,
                "1万人余り".into()
            )
        );
    }

    #[test]
    fn chinese() {
        assert_eq!(
            q("朝鲜向俄罗斯派遣了约1.5万名士兵", Lang::ZhHans),
            vec![(
                15000.0,
                15000.0,
                "personnel".into(),
                true,
                "约1.5万名".into()
            )]
        );
        assert_eq!(
            q("派出一万五千名军人", Lang::ZhHans),
            vec![(
                15000.0,
                15000.0,
                "personnel".into(),
                false,
                "一万五千名".into()
            )]
        );
        assert_eq!(q("3000至5000发炮弹", Lang::ZhHant)[0].0, 3000.0);
        // 一 in 一行 is no number; 2024年 has no unit.
        assert!(q("一行于2024年抵达", Lang::ZhHans).is_empty());
    }

    #[test]
    fn korean() {
        assert_eq!(
            q("북한군 약 1만2천 명이 파병됐다", Lang::Ko),
            vec![(
                12000.0,
                12000.0,
                "personnel".into(),
                true,
                "약 1만2천 명".into()
            )]
        );
        assert_eq!(q("포탄 1만 2천 발", Lang::Ko)[0].0, 12000.0);
        assert_eq!(q("1만1천여명", Lang::Ko)[0].1, 11000.0);
    }

    #[test]
    fn english() {
        assert_eq!(
            q(
                "Pyongyang sent some 15,000 North Korean troops to Kursk.",
                Lang::En
            ),
            vec![(
                15000.0,
                15000.0,
                "personnel".into(),
                true,
                "some 15,000 North Korean troops".into()
            )]
        );
        assert_eq!(
            q("between 10,000 and 12,000 soldiers", Lang::En),
            vec![(
                10000.0,
                12000.0,
                "personnel".into(),
                false,
                "between 10,000 and 12,000 soldiers".into()
            )]
        );
        assert_eq!(
            q("4.2 to 5.8 million artillery shells", Lang::En)[0],
            (
                4_200_000.0,
                5_800_000.0,
                "shells".into(),
                false,
                "4.2 to 5.8 million artillery shells".into()
            )
        );
        assert_eq!(
            q("more than 100 ballistic missiles", Lang::En)[0].2,
            "missiles"
        );
        // Years and numbers inside words are not quantities; nor is a number without a unit.
        assert!(q("In 2024 troops were sent.", Lang::En).is_empty());
        assert!(q("An A320 and 300 guests", Lang::En).is_empty());
        assert!(q("Talks lasted 3 hours.", Lang::En).is_empty());
    }

    #[test]
    fn a_left_out_unit_comes_from_earlier_in_the_sentence() {
        let s = "North Korea sent additional troops to Russia on top of the roughly 10,000 to 12,000 estimated by Seoul.";
        let found = find_quantities_in_sentence(s, &Lang::En);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].low, found[0].high), (10000.0, 12000.0));
        assert_eq!(found[0].unit, "personnel");
        assert!(found[0].approximate);
        assert_eq!(&s[found[0].start..found[0].end], "roughly 10,000 to 12,000");
        // Not from the whole text, and not for a bare small number or a year.
        assert!(find_quantities(s, &Lang::En).is_empty());
        assert!(
            find_quantities_in_sentence("Troops left in 2024 after 3 weeks.", &Lang::En).is_empty()
        );
    }

    #[test]
    fn russian() {
        assert_eq!(
            q("КНДР направила от 10 до 12 тысяч военнослужащих", Lang::Ru),
            vec![(
                10000.0,
                12000.0,
                "personnel".into(),
                false,
                "от 10 до 12 тысяч военнослужащих".into()
            )]
        );
        assert_eq!(
            q("около 1,5 млн снарядов", Lang::Ru)[0],
            (
                1_500_000.0,
                1_500_000.0,
                "shells".into(),
                true,
                "около 1,5 млн снарядов".into()
            )
        );
        assert_eq!(
            q("11 000 северокорейских военнослужащих", Lang::Ru)[0].0,
            11000.0
        );
    }

    proptest::proptest! {
        #[test]
        fn spans_are_slices_and_ranges_ordered(
            s in "[0-9約万千～~ ,.人発名troopsshel약만명тысячвоеннослужащиходо一五]{0,40}",
            lang in proptest::sample::select(vec![Lang::Ja, Lang::ZhHans, Lang::Ko, Lang::En, Lang::Ru]),
        ) {
            for m in find_quantities(&s, &lang) {
                proptest::prop_assert!(m.start < m.end && m.end <= s.len());
                proptest::prop_assert!(s.is_char_boundary(m.start) && s.is_char_boundary(m.end));
                proptest::prop_assert!(m.low <= m.high && m.low >= 0.0);
            }
        }
    }
}
