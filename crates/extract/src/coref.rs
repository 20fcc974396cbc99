//! Short references to people the document has already named: a family name alone in English
//! and Russian ("Kim", "Moon", "Ким"), or a Han/Hangul family name with a title or honorific
//! after it (金氏, 習主席, 문 대통령, 최 외무상). Each refers to the person named most recently
//! before it whose family name it is. Names that stand for nobody named earlier stay unmatched
//! (KCNA names many officials "Kim"), and a family name followed by another capitalised word
//! is someone else's full name.

use entente_core::ActorKind;

use crate::gazetteer::{Gazetteer, MatchKind, Mention};

/// The short forms of one person: the family name in Latin/Cyrillic script, and in Han or
/// Hangul script.
fn short_forms(gaz: &Gazetteer, id: &str, family_first: &[String]) -> (Vec<String>, Vec<String>) {
    let Some(a) = gaz.actor(id) else {
        return (vec![], vec![]);
    };
    let first = a
        .country
        .as_ref()
        .is_some_and(|c| family_first.iter().any(|f| f == c));
    let mut words = Vec::new();
    let mut han = Vec::new();
    for (lang, name) in a.all_names() {
        let tokens: Vec<&str> = name.split([' ', '-']).filter(|t| !t.is_empty()).collect();
        let script_word = name
            .chars()
            .all(|c| c.is_alphabetic() && !is_han(c) && !is_hangul(c) || c == ' ' || c == '-');
        if script_word && tokens.len() >= 2 {
            let t = if first {
                tokens[0]
            } else {
                tokens[tokens.len() - 1]
            };
            // "Xi", "Li" are family names; one letter is an initial.
            if t.chars().count() >= 2
                && t.chars().next().is_some_and(char::is_uppercase)
                && !words.iter().any(|w| w == t)
            {
                words.push(t.to_string());
            }
        } else if first
            && matches!(lang, "ja" | "zh-Hans" | "zh-Hant" | "ko")
            && (2..=4).contains(&name.chars().count())
            && (name.chars().all(is_han) || name.chars().all(is_hangul))
        {
            let f: String = name.chars().take(1).collect();
            if !han.contains(&f) {
                han.push(f);
            }
        }
    }
    (words, han)
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}')
}

/// Russian case endings a family name may take (Ким → Кима, Киму, Кимом).
const RU_ENDINGS: &[&str] = &["", "а", "у", "ом", "е", "ым", "ем"];

/// Mentions of people by their family name alone after they were named in full.
pub(crate) fn short_mentions(
    gaz: &Gazetteer,
    text: &str,
    mentions: &[Mention],
    family_first: &[String],
) -> Vec<Mention> {
    // Title words written after a name (氏, 主席, 대통령, 외무상…).
    let mut suffixes: Vec<&str> = gaz
        .titles()
        .iter()
        .flat_map(|t| t.after.values().flatten())
        .map(String::as_str)
        .collect();
    suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
    // (position of the full mention, short form, is Han/Hangul, actor)
    let mut forms: Vec<(usize, String, bool, String)> = Vec::new();
    // A person named ten times has the same short forms ten times: work them out once.
    let mut cache: std::collections::HashMap<&str, (Vec<String>, Vec<String>)> =
        std::collections::HashMap::new();
    for m in mentions {
        if m.via == MatchKind::Alias
            || gaz.actor(&m.actor_id).map(|a| a.kind) != Some(ActorKind::Person)
        {
            continue;
        }
        let (words, han) = cache
            .entry(m.actor_id.as_str())
            .or_insert_with(|| short_forms(gaz, &m.actor_id, family_first));
        for w in words.iter() {
            forms.push((m.end, w.clone(), false, m.actor_id.clone()));
        }
        for h in han.iter() {
            forms.push((m.end, h.clone(), true, m.actor_id.clone()));
        }
    }
    // Whether s..e overlaps a full mention: mentions by start, with the largest end so far.
    let mut spans: Vec<(usize, usize)> = mentions.iter().map(|m| (m.start, m.end)).collect();
    spans.sort_unstable();
    let max_end: Vec<usize> = spans
        .iter()
        .scan(0, |acc, &(_, e)| {
            *acc = (*acc).max(e);
            Some(*acc)
        })
        .collect();
    let taken = |s: usize, e: usize| {
        let n = spans.partition_point(|&(start, _)| start < e);
        n > 0 && max_end[n - 1] > s
    };
    // For each short form, the full mentions it can refer back to, by position.
    let mut by_form: std::collections::HashMap<&str, Vec<(usize, &str)>> =
        std::collections::HashMap::new();
    for f in &forms {
        by_form
            .entry(f.1.as_str())
            .or_default()
            .push((f.0, f.3.as_str()));
    }
    for v in by_form.values_mut() {
        // Stable: at one position the later-listed mention stays last, as before.
        v.sort_by_key(|&(pos, _)| pos);
    }
    let mut found: Vec<Mention> = Vec::new();
    let mut surfaces: Vec<(&str, bool)> = forms.iter().map(|f| (f.1.as_str(), f.2)).collect();
    surfaces.sort();
    surfaces.dedup();
    for (form, cjk) in surfaces {
        for (start, _) in text.match_indices(form) {
            let after = start + form.len();
            let end = if cjk {
                let mut rest = &text[after..];
                if rest.starts_with(' ') && form.chars().all(is_hangul) {
                    rest = &rest[1..];
                }
                let before_ok = text[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !is_hangul(c) && !is_han(c));
                match suffixes.iter().find(|s| rest.starts_with(**s)) {
                    Some(_) if before_ok => after,
                    _ => continue,
                }
            } else {
                if text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric())
                {
                    continue;
                }
                let Some(ending) = RU_ENDINGS
                    .iter()
                    .filter(|e| text[after..].starts_with(**e))
                    .filter(|e| {
                        text[after + e.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| !c.is_alphanumeric())
                    })
                    .max_by_key(|e| e.len())
                else {
                    continue;
                };
                if !ending.is_empty() && form.is_ascii() {
                    continue;
                }
                let end = after + ending.len();
                // "Kim Yong Nam": another name that begins with the family name.
                let next_word = text[end..].strip_prefix(' ').and_then(|r| r.chars().next());
                if next_word.is_some_and(char::is_uppercase) {
                    continue;
                }
                end
            };
            if taken(start, end) {
                continue;
            }
            // The nearest full mention before it.
            let who = by_form.get(form).and_then(|v| {
                let n = v.partition_point(|&(pos, _)| pos <= start);
                v.get(n.checked_sub(1)?).map(|&(_, a)| a.to_string())
            });
            if let Some(actor_id) = who {
                found.push(Mention {
                    start,
                    end,
                    actor_id,
                    via: MatchKind::Short,
                    surface: text[start..end].to_string(),
                });
            }
        }
    }
    found.sort_by_key(|m| m.start);
    found
}
