//! Russian case forms, generated for every Cyrillic name and post term so that the matcher
//! finds Лаврова, Лаврову, Путиным, Ким Чен Ыном, России, глава МИД КНДР.
//!
//! The rules are the regular noun and adjective endings; they over-generate (Пекиным next to
//! Пекином) — harmless, since a wrong form never occurs in text. Words in capitals (КНДР, МИД)
//! and words ending in a vowel other than а/я (Шойгу, Матвиенко, Си) do not change.
//! For a name of several words three sets are generated: every word in the same case
//! (Сергея Лаврова), only the last word (Ким Чен Ына), only the first word
//! (министра иностранных дел).

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Oblique forms of one word (lower-cased input), not including the word itself.
fn word_forms(w: &str) -> Vec<String> {
    let chars: Vec<char> = w.chars().collect();
    let n = chars.len();
    if n < 2 || !chars.iter().all(|&c| is_cyrillic(c)) {
        return Vec::new();
    }
    let ends = |s: &str| w.ends_with(s);
    let stem = |k: usize| chars[..n - k].iter().collect::<String>();
    let add = |stem: &str, ends: &[&str]| {
        ends.iter()
            .map(|e| format!("{stem}{e}"))
            .collect::<Vec<_>>()
    };
    if ends("ский") || ends("цкий") || ends("ный") || (ends("ой") && n > 4) || ends("ый")
    {
        let s = stem(2);
        let mut v = add(
            &s,
            &["ого", "ому", "ом", "ая", "ой", "ую", "ое", "их", "ими"],
        );
        v.extend(add(
            &s,
            if ends("ский") || ends("цкий") || ends("кий") {
                &["им", "ие"]
            } else {
                &["ым", "ые", "ых"]
            },
        ));
        return v;
    }
    if ends("ий") {
        let mut v = add(&stem(2), &["ия", "ию", "ием", "ии"]);
        v.extend(add(&stem(2), &["ого", "ому", "им", "ом", "ая", "ой"]));
        return v;
    }
    if ends("ая") {
        return add(&stem(2), &["ой", "ую"]);
    }
    if ends("ия") {
        return add(&stem(2), &["ии", "ию", "ией"]);
    }
    if ends("я") {
        return add(&stem(1), &["и", "е", "ю", "ей"]);
    }
    if ends("ова") || ends("ева") || ends("ина") || ends("ына") || ends("ёва") {
        let mut v = add(&stem(1), &["ой", "у"]);
        v.extend(add(&stem(1), &["ы", "е"]));
        return v;
    }
    if ends("а") {
        let s = stem(1);
        let soft = s.ends_with(['г', 'к', 'х', 'ж', 'ч', 'ш', 'щ']);
        let mut v = add(&s, &["е", "у", "ой"]);
        v.push(format!("{s}{}", if soft { "и" } else { "ы" }));
        return v;
    }
    if ends("й") || ends("ь") {
        return add(&stem(1), &["я", "ю", "ем", "е"]);
    }
    let last = chars[n - 1];
    if "оеиуюэыё".contains(last) {
        return Vec::new();
    }
    let mut v = add(w, &["а", "у", "е", "ом"]);
    if ends("ов") || ends("ев") || ends("ин") || ends("ын") || ends("ёв") {
        v.push(format!("{w}ым"));
    }
    if w.ends_with(['ж', 'ш', 'ч', 'щ', 'ц']) {
        v.push(format!("{w}ем"));
    }
    v
}

/// The forms of `name` in the oblique cases (see the module doc). `name` is already folded
/// (lower case); words that were written in capitals should be passed through `keep`.
pub(crate) fn russian_variants(name: &str, original: &str) -> Vec<String> {
    if !name.chars().any(is_cyrillic) {
        return Vec::new();
    }
    let words: Vec<&str> = name.split(' ').collect();
    let orig_words: Vec<&str> = original.split(' ').collect();
    let keep = |i: usize| {
        orig_words.get(i).is_some_and(|w| {
            let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
            letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
        })
    };
    // Forms by case slot: word_forms returns lists of varying length; combine position-wise
    // for the "every word" set, and singly for the "last" and "first" sets.
    let forms: Vec<Vec<String>> = words
        .iter()
        .enumerate()
        .map(|(i, w)| if keep(i) { Vec::new() } else { word_forms(w) })
        .collect();
    let mut out = Vec::new();
    let join = |replace: &dyn Fn(usize) -> Option<String>| -> String {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| replace(i).unwrap_or_else(|| w.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let n = words.len();
    // Only the last word.
    for f in &forms[n - 1] {
        out.push(join(&|i| (i == n - 1).then(|| f.clone())));
    }
    if n > 1 {
        // Only the first word.
        for f in &forms[0] {
            out.push(join(&|i| (i == 0).then(|| f.clone())));
        }
        // Every word inflected: all combinations for two words (Сергея Лаврова, Марии
        // Захаровой), forms of the same coarse case for longer names.
        if n == 2 {
            for f0 in &forms[0] {
                for f1 in &forms[1] {
                    out.push(format!("{f0} {f1}"));
                }
            }
        } else {
            for f_last in &forms[n - 1] {
                let class = ending_class(words[n - 1], f_last);
                let mut replaced: Vec<Option<String>> = vec![None; n];
                for (i, r) in replaced.iter_mut().enumerate().take(n - 1) {
                    *r = forms[i]
                        .iter()
                        .find(|f| ending_class(words[i], f) == class)
                        .cloned();
                }
                replaced[n - 1] = Some(f_last.clone());
                out.push(join(&|i| replaced[i].clone()));
            }
        }
    }
    out.sort();
    out.dedup();
    out.retain(|v| v != name);
    out
}

/// A coarse case label for an inflected form: genitive, dative, instrumental, prepositional.
fn ending_class(base: &str, form: &str) -> u8 {
    let common = base
        .chars()
        .zip(form.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let ending: String = form.chars().skip(common).collect();
    let base_ending: String = base.chars().skip(common).collect();
    let e = ending.as_str();
    match e {
        "а" | "я" | "ы" | "ого" | "ия" => 1,
        "у" | "ю" | "ому" | "ию" => 2,
        "ом" | "ем" | "ым" | "им" | "ой" | "ей" | "ием" | "ией" => 3,
        "е" | "и" | "ии" => {
            if base_ending == "а" && e == "и" {
                1
            } else {
                4
            }
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        russian_variants(&s.to_lowercase(), s)
    }

    #[test]
    fn surnames_and_full_names() {
        let l = v("Сергей Лавров");
        assert!(l.contains(&"сергея лаврова".to_string()), "{l:?}");
        assert!(l.contains(&"сергеем лавровым".to_string()), "{l:?}");
        assert!(v("Путин").contains(&"путиным".to_string()));
        assert!(v("Лавров").contains(&"лаврову".to_string()));
        let k = v("Ким Чен Ын");
        assert!(k.contains(&"ким чен ына".to_string()), "{k:?}");
        assert!(k.contains(&"ким чен ыном".to_string()), "{k:?}");
        assert!(v("Россия").contains(&"россии".to_string()));
        assert!(v("Мария Захарова").contains(&"марии захаровой".to_string()));
        assert!(v("Шойгу").is_empty());
        assert!(v("КНДР").is_empty());
        assert!(v("министр иностранных дел").contains(&"министра иностранных дел".to_string()));
        assert!(v("российский").contains(&"российского".to_string()));
    }
}
