//! Finding every name of every actor in a text in one pass.
//!
//! # How
//! The text (already normalised by `entente_text::normalize`) is folded character by character
//! with [`fold_for_match`]: CJK variants to simplified Chinese (`entente_text::fold_char`),
//! Latin, Greek and Cyrillic to lower case, ё to е, hyphen and line break to space. Every fold
//! keeps the UTF-8 length of the character, so offsets in the folded text *are* offsets in the
//! normalised text and citations stay exact. All patterns (names, aliases, post terms, titles,
//! Russian case forms) are found with one overlapping Aho-Corasick search; among the
//! candidates that pass the boundary rules, the leftmost-longest ones are kept, so 金正 never
//! fires inside 金正恩. (Walking a trie of the Latin and Cyrillic patterns anchored at word
//! starts instead was measured slower, 16 against 19 MB/s.)
//!
//! # Boundary rules, per script of the match's first and last character
//! * Latin / Cyrillic: a word boundary on both sides. Words in capitals of two to six letters
//!   (UN, US, SCO, КНДР, МИД) must be in capitals in the text too ("us" is not the US).
//!   KCNA glitch: text glued to a name ("toKim Jong Unexpressed") is accepted when the name
//!   starts with a capital and the glued text on the left is lower case; on the right,
//!   lower-case glue is accepted only when the left is glued too, or when the name has three
//!   or more words all capitalised (Korean names: "Kim Jong Unexpressed"). So "Putinism" and
//!   "Li Pengfei" do not give Putin or Li Peng.
//! * Hangul: a name may be followed by Hangul only when what follows starts with a particle
//!   (은 는 이 가 을 를 의 에 에게 께서 와 과 도 …), a title (동지, 대통령, 위원장, 총비서 …) or a
//!   post term (외무상 …): 김정은동지께서, 푸틴대통령은. Names of one or two syllables also need a
//!   non-Hangul character before them.
//! * Kana: no katakana directly before or after (ロシア is not inside ロシアン); hiragana
//!   particles may touch a name (基地でプーチン大統領と).
//! * Han: no rule for names of three or more characters and for places, states and
//!   organisations (中国 in 中国人民 is a fine mention of China). A person's name of one or two
//!   Han characters followed by another Han character is accepted only when what follows is a
//!   title or post term (岸田首相, 普京总统) or one of a few function characters (的 与 和 及 同
//!   在 对 向 是 说 称 表 会 于 将 也 等 曾 为 之 氏 …).
//!
//! # Disambiguation
//! When one string names several actors (names listed in `ambiguous`), each candidate scores:
//! +4 when a post term next to the name (or "<post> of the <org>, <name>") is a post the
//! candidate held (on the document date when given); +3 when an organisation next to the
//! name is one the candidate held a post in; +2 when the candidate holds any position on the
//! date; +1 when the candidate's country is mentioned within 500 bytes, and +1 more when it is
//! the nearest country mentioned. The highest score wins; ties go to the actor defined first.
//!
//! # Title-only mentions
//! A post term next to a state or organisation ("the Russian foreign minister", "中国の首相",
//! "로씨야 외무상", "глава МИД России", "俄外长" with a one-character abbreviation) becomes a
//! mention of whoever held that post in that organisation on the document date — unless a
//! person's name stands right next to it (then the name is the mention). Without a date, no
//! title is resolved.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind as AcKind};
use entente_core::{ActorKind, DateValue};

use super::Gazetteer;
use super::inflect::russian_variants;
use super::schema::is_cjk_ideograph;

/// How a mention was found.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// One of the actor's names.
    Name,
    /// A post term resolved through positions ("the Russian foreign minister").
    Title,
    /// An alias: a demonym or adjective ("Russian", "российский").
    Alias,
    /// A family name referring back to a person named earlier ("Kim", 金氏, 문 대통령); found
    /// by event extraction, not by the matcher.
    Short,
}

/// One actor found in a text. `start..end` are byte offsets into the text given to
/// [`Matcher::find`]; `surface == text[start..end]`.
#[derive(
    Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub actor_id: String,
    pub via: MatchKind,
    pub surface: String,
}

/// Folds a string for matching (see the module doc). Keeps the UTF-8 length of every
/// character.
pub fn fold_for_match(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(fold_match_char(c));
    }
    out
}

#[inline]
fn fold_match_char(c: char) -> char {
    if c.is_ascii() {
        return match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            '-' | '\n' => ' ',
            _ => c,
        };
    }
    let f = entente_text::fold_char(c);
    let f = if f.len_utf8() == c.len_utf8() { f } else { c };
    match f {
        'ё' | 'Ё' => 'е',
        '\u{00C0}'..='\u{024F}' | '\u{0370}'..='\u{04FF}' if f.is_uppercase() => {
            let mut l = f.to_lowercase();
            match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == f.len_utf8() => x,
                _ => f,
            }
        }
        _ => f,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Word,
    Han,
    Kana,
    Hangul,
    Other,
}

fn script(c: char) -> Script {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Script::Word
        } else {
            Script::Other
        };
    }
    let u = c as u32;
    // Basic Cyrillic letters, without the slow Unicode table lookup.
    if (0x0410..=0x044F).contains(&u) || u == 0x0401 || u == 0x0451 {
        return Script::Word;
    }
    if (0xAC00..=0xD7A3).contains(&u)
        || (0x1100..=0x11FF).contains(&u)
        || (0x3130..=0x318F).contains(&u)
    {
        Script::Hangul
    } else if (0x3041..=0x30FF).contains(&u)
        || (0x31F0..=0x31FF).contains(&u)
        || (0xFF66..=0xFF9F).contains(&u)
    {
        if c == '・' {
            Script::Other
        } else {
            Script::Kana
        }
    } else if is_cjk_ideograph(c) || c == '々' {
        Script::Han
    } else if (0x3000..=0x303F).contains(&u) || (0xFF01..=0xFF0F).contains(&u) {
        // CJK and full-width punctuation, without the slow Unicode table lookup.
        Script::Other
    } else if c.is_alphanumeric() {
        Script::Word
    } else {
        Script::Other
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Name(u32),
    Alias(u32),
    Post(u32),
    Title(u32),
}

#[derive(Clone, Debug, Default)]
struct PatInfo {
    targets: Vec<Target>,
    /// Every source of the pattern is a word in capitals (UN, КНДР).
    acronym: bool,
    words: usize,
    chars: usize,
    /// A person's name of at most two Han characters.
    short_han_person: bool,
}

/// Korean particles and endings that may follow a name directly.
const KO_PARTICLES: &[&str] = &[
    "께서", "에게", "에서", "으로", "로", "와", "과", "은", "는", "이", "가", "을", "를", "의",
    "에", "도", "만", "께", "측", "씨", "님", "한테", "보다", "처럼", "까지", "부터", "나", "랑",
    "하고", "라는", "라고", "였", "임", "한",
];

/// Han characters that may follow a short name directly.
const HAN_FUNCTION: &str = "的与和及同在对向是说称表会于将也等曾为之氏君が并就把被由从";

/// Words that may follow a name directly: a set looked up by every prefix of what follows.
struct FollowSet {
    words: std::collections::HashSet<String>,
    max_chars: usize,
}

impl FollowSet {
    fn new(words: Vec<String>) -> FollowSet {
        let max_chars = words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        FollowSet {
            words: words.into_iter().filter(|w| !w.is_empty()).collect(),
            max_chars,
        }
    }

    /// Whether `rest` starts with one of the words.
    fn starts(&self, rest: &str) -> bool {
        rest.char_indices()
            .take(self.max_chars)
            .any(|(i, c)| self.words.contains(&rest[..i + c.len_utf8()]))
    }
}

/// The matcher: build once per gazetteer, use from many threads.
pub struct Matcher {
    gaz: Gazetteer,
    ac: AhoCorasick,
    pats: Vec<PatInfo>,
    /// Folded abbreviation → actor indices.
    abbrev: HashMap<String, Vec<usize>>,
    /// What may follow a Korean name: particles, titles, post terms (folded).
    ko_follow: FollowSet,
    /// What may follow a short Han name: titles, post terms (folded).
    han_follow: FollowSet,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    pat: usize,
}

impl Matcher {
    /// Builds the automaton over every name, alias, post term and title of `gaz`.
    pub fn new(gaz: Gazetteer) -> Matcher {
        let mut keys: Vec<String> = Vec::new();
        let mut pats: Vec<PatInfo> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut non_acronym: Vec<bool> = Vec::new();
        let mut add = |orig: &str, target: Target, person: bool| {
            let norm = entente_text::normalize(orig);
            let norm = norm.trim();
            if norm.is_empty() {
                return;
            }
            let key = fold_for_match(norm);
            let mut all = vec![key.clone()];
            all.extend(russian_variants(&key, norm));
            let is_acr = {
                let letters: Vec<char> = norm.chars().collect();
                !norm.contains(' ')
                    && (2..=6).contains(&letters.len())
                    && letters
                        .iter()
                        .all(|c| c.is_alphabetic() && c.is_uppercase())
            };
            for k in all {
                let i = *index.entry(k.clone()).or_insert_with(|| {
                    keys.push(k.clone());
                    pats.push(PatInfo {
                        words: k.split(' ').count(),
                        chars: k.chars().count(),
                        acronym: true,
                        ..PatInfo::default()
                    });
                    non_acronym.push(false);
                    pats.len() - 1
                });
                if !is_acr {
                    non_acronym[i] = true;
                }
                let p = &mut pats[i];
                if !p.targets.contains(&target) {
                    p.targets.push(target);
                }
                if person
                    && matches!(target, Target::Name(_))
                    && p.chars <= 2
                    && k.chars().all(|c| script(c) == Script::Han)
                {
                    p.short_han_person = true;
                }
            }
        };
        for (i, a) in gaz.actors().iter().enumerate() {
            let person = a.kind == ActorKind::Person;
            for (_, n) in a.all_names() {
                add(n, Target::Name(i as u32), person);
            }
            for n in a.aliases.values().flatten() {
                add(n, Target::Alias(i as u32), false);
            }
        }
        for (i, p) in gaz.posts().iter().enumerate() {
            for t in p.terms.values().flatten() {
                add(t, Target::Post(i as u32), false);
            }
        }
        for (i, t) in gaz.titles().iter().enumerate() {
            for w in t.before.values().chain(t.after.values()).flatten() {
                add(w, Target::Title(i as u32), false);
            }
        }
        for (p, na) in pats.iter_mut().zip(&non_acronym) {
            p.acronym = !na;
        }
        let mut abbrev: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in gaz.extras().iter().enumerate() {
            for a in e.abbrev.values().flatten() {
                abbrev.entry(fold_for_match(a)).or_default().push(i);
            }
        }
        let terms = |langs: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = Vec::new();
            for p in gaz.posts() {
                for l in langs {
                    v.extend(
                        p.terms
                            .get(*l)
                            .into_iter()
                            .flatten()
                            .map(|s| fold_for_match(s)),
                    );
                }
            }
            for t in gaz.titles() {
                for l in langs {
                    v.extend(
                        t.after
                            .get(*l)
                            .into_iter()
                            .flatten()
                            .map(|s| fold_for_match(s)),
                    );
                    v.extend(
                        t.before
                            .get(*l)
                            .into_iter()
                            .flatten()
                            .map(|s| fold_for_match(s)),
                    );
                }
            }
            v.iter_mut().for_each(|s| s.retain(|c| c != ' '));
            v.sort();
            v.dedup();
            v
        };
        let mut ko = terms(&["ko"]);
        ko.extend(KO_PARTICLES.iter().map(|s| s.to_string()));
        let ko_follow = FollowSet::new(ko);
        let han_follow = FollowSet::new(terms(&["ja", "zh-Hans", "zh-Hant"]));
        let ac = AhoCorasickBuilder::new()
            .match_kind(AcKind::Standard)
            .build(&keys)
            .expect("gazetteer patterns build an automaton");
        Matcher {
            gaz,
            ac,
            pats,
            abbrev,
            ko_follow,
            han_follow,
        }
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gaz
    }

    /// Number of distinct patterns in the automaton (names, variants, terms).
    pub fn pattern_count(&self) -> usize {
        self.pats.len()
    }

    /// The person holding `post` in `org` on `date` (see [`Gazetteer::resolve_title`]).
    pub fn resolve_title(&self, post: &str, org: &str, date: DateValue) -> Option<&str> {
        self.gaz
            .resolve_title(post, org, date)
            .map(|a| a.id.as_str())
    }

    /// Every actor mentioned in `text`, sorted, non-overlapping. `date` is the document's date,
    /// used to pick among namesakes and to resolve title-only mentions.
    pub fn find(&self, text: &str, date: Option<DateValue>) -> Vec<Mention> {
        let folded = fold_for_match(text);
        debug_assert_eq!(folded.len(), text.len());
        let mut cands: Vec<Tok> = self
            .ac
            .find_overlapping_iter(&folded)
            .map(|m| Tok {
                start: m.start(),
                end: m.end(),
                pat: m.pattern().as_usize(),
            })
            .collect();
        cands.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut toks: Vec<Tok> = Vec::new();
        let mut cursor = 0;
        for c in cands {
            if c.start < cursor {
                continue;
            }
            if self.accept(text, &folded, c) {
                toks.push(c);
                cursor = c.end;
            }
        }
        self.resolve(text, &folded, &toks, date)
    }

    fn accept(&self, text: &str, folded: &str, t: Tok) -> bool {
        let info = &self.pats[t.pat];
        let surface = &text[t.start..t.end];
        if info.acronym && surface.chars().any(|c| c.is_lowercase()) {
            return false;
        }
        let (Some(first), Some(last)) = (surface.chars().next(), surface.chars().next_back())
        else {
            return false;
        };
        let before = text[..t.start].chars().next_back();
        let after = text[t.end..].chars().next();
        let mut glued_left = false;
        match script(first) {
            Script::Word => {
                if let Some(b) = before
                    && b.is_alphanumeric()
                    && script(b) == Script::Word
                {
                    if b.is_lowercase() && first.is_uppercase() {
                        glued_left = true;
                    } else {
                        return false;
                    }
                }
            }
            Script::Hangul
                if before.is_some_and(|b| script(b) == Script::Hangul) && info.chars < 3 =>
            {
                return false;
            }
            // Hiragana particles (で, の, は, と) may touch a katakana name; katakana may not.
            Script::Kana if before.is_some_and(is_katakana) => return false,
            _ => {}
        }
        match script(last) {
            Script::Word => {
                if let Some(a) = after
                    && a.is_alphanumeric()
                    && script(a) == Script::Word
                {
                    let capitalised = surface
                        .split([' ', '-', '\n'])
                        .filter(|w| !w.is_empty())
                        .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()));
                    let ok = a.is_lowercase()
                        && first.is_uppercase()
                        && (glued_left || (info.words >= 3 && capitalised));
                    if !ok {
                        return false;
                    }
                }
            }
            Script::Hangul => {
                if after.is_some_and(|a| script(a) == Script::Hangul) {
                    let rest = &folded[t.end..];
                    if !self.ko_follow.starts(rest) {
                        return false;
                    }
                }
            }
            Script::Kana => {
                if after.is_some_and(is_katakana) {
                    return false;
                }
            }
            Script::Han => {
                if info.short_han_person && after.is_some_and(|a| script(a) == Script::Han) {
                    let rest = &folded[t.end..];
                    let next = rest.chars().next().unwrap_or(' ');
                    if !HAN_FUNCTION.contains(next) && !self.han_follow.starts(rest) {
                        return false;
                    }
                }
            }
            Script::Other => {}
        }
        true
    }

    fn actor_targets(&self, pat: usize) -> Vec<(usize, MatchKind)> {
        let mut v: Vec<(usize, MatchKind)> = Vec::new();
        for t in &self.pats[pat].targets {
            let (i, k) = match *t {
                Target::Name(i) => (i as usize, MatchKind::Name),
                Target::Alias(i) => (i as usize, MatchKind::Alias),
                _ => continue,
            };
            if let Some(e) = v.iter_mut().find(|(j, _)| *j == i) {
                if k == MatchKind::Name {
                    e.1 = k;
                }
            } else {
                v.push((i, k));
            }
        }
        v
    }

    fn post_of(&self, pat: usize) -> Option<usize> {
        self.pats[pat].targets.iter().find_map(|t| match t {
            Target::Post(i) => Some(*i as usize),
            _ => None,
        })
    }

    fn resolve(
        &self,
        text: &str,
        folded: &str,
        toks: &[Tok],
        date: Option<DateValue>,
    ) -> Vec<Mention> {
        let actors = self.gaz.actors();
        // First pass: tokens naming exactly one actor.
        let mut resolved: Vec<Option<(usize, MatchKind)>> = toks
            .iter()
            .map(|t| {
                let v = self.actor_targets(t.pat);
                (v.len() == 1).then(|| v[0])
            })
            .collect();
        let country_of = |i: usize| -> Option<&str> {
            let a = &actors[i];
            if a.kind == ActorKind::State {
                Some(a.id.as_str())
            } else {
                a.country.as_deref()
            }
        };
        let context: Vec<(usize, &str)> = toks
            .iter()
            .zip(&resolved)
            .filter_map(|(t, r)| r.and_then(|(i, _)| country_of(i).map(|c| (t.start, c))))
            .collect();
        // Posts standing right next to a token (for namesakes and for titles).
        let near = |a: &Tok, b: &Tok| -> bool {
            let (l, r) = if a.end <= b.start { (a, b) } else { (b, a) };
            let gap = &text[l.end..r.start];
            gap.len() <= 3
                && gap
                    .chars()
                    .all(|c| c == ' ' || c == ',' || c == '・' || c == '·')
        };
        for (k, t) in toks.iter().enumerate() {
            if resolved[k].is_some() {
                continue;
            }
            let cands = self.actor_targets(t.pat);
            if cands.is_empty() {
                continue;
            }
            let mut adjacent_posts: Vec<usize> = [k.checked_sub(1), Some(k + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| toks.get(j))
                .filter(|o| near(o, t))
                .filter_map(|o| self.post_of(o.pat))
                .collect();
            // "<post> of the <org>, <name>": the post two tokens before, linked by "of (the)".
            if k >= 2 && near(&toks[k - 1], t) {
                let link = text[toks[k - 2].end..toks[k - 1].start].trim();
                if matches!(link, "of" | "of the")
                    && let Some(p) = self.post_of(toks[k - 2].pat)
                {
                    adjacent_posts.push(p);
                }
            }
            // Organisations standing right next to the name ("… of the WPK, Ri Yong Ho").
            let adjacent_orgs: Vec<&str> = [k.checked_sub(1), Some(k + 1)]
                .into_iter()
                .flatten()
                .filter(|&j| toks.get(j).is_some_and(|o| near(o, t)))
                .filter_map(|j| resolved[j].map(|(i, _)| actors[i].id.as_str()))
                .collect();
            let mut best: Option<((usize, MatchKind), i32)> = None;
            for &(i, kind) in &cands {
                let a = &actors[i];
                let mut score = 0;
                for &p in &adjacent_posts {
                    let pid = &self.gaz.posts()[p].id;
                    if a.positions
                        .iter()
                        .any(|x| &x.post == pid && date.is_none_or(|d| x.held_on(&d)))
                    {
                        score += 4;
                    }
                }
                if let Some(d) = date
                    && a.positions_on(&d).next().is_some()
                {
                    score += 2;
                }
                if a.positions.iter().any(|x| {
                    adjacent_orgs.contains(&x.org.as_str()) && date.is_none_or(|d| x.held_on(&d))
                }) {
                    score += 3;
                }
                if let Some(c) = a.country.as_deref() {
                    let lo = context.partition_point(|(p, _)| *p + 500 < t.start);
                    if context[lo..]
                        .iter()
                        .take_while(|(p, _)| *p <= t.start + 500)
                        .any(|(_, cc)| *cc == c)
                    {
                        score += 1;
                    }
                    // The nearest country mentioned breaks ties (the WPK's or China's
                    // Central Military Commission in a story about both).
                    let j = context.partition_point(|(p, _)| *p < t.start);
                    let before = j.checked_sub(1).map(|j| context[j]);
                    let after = context.get(j).copied();
                    let nearest = match (before, after) {
                        (Some(b), Some(a)) if a.0 - t.start < t.start - b.0 => Some(a),
                        (Some(b), _) => Some(b),
                        (None, a) => a,
                    };
                    if nearest.is_some_and(|(_, cc)| cc == c) {
                        score += 1;
                    }
                }
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some(((i, kind), score));
                }
            }
            resolved[k] = best.map(|(x, _)| x);
        }
        // Title-only mentions.
        let mut consumed = vec![false; toks.len()];
        let mut titles: Vec<Mention> = Vec::new();
        if let Some(d) = date {
            for (k, t) in toks.iter().enumerate() {
                let Some(post_i) = self.post_of(t.pat) else {
                    continue;
                };
                if resolved[k].is_some() {
                    continue;
                }
                let post = &self.gaz.posts()[post_i];
                if !post.title_only {
                    continue;
                }
                let org_ok = |i: usize| post.org_kinds.contains(&actors[i].kind);
                // The organisation: before the post, after it, or an abbreviation glued to it.
                let mut org: Option<(usize, usize, Option<usize>)> = None; // (actor, span start/end, token)
                if k > 0
                    && let Some((oi, _)) = resolved[k - 1]
                    && org_ok(oi)
                {
                    let gap = text[toks[k - 1].end..t.start].trim();
                    if text[toks[k - 1].end..t.start].len() <= 6
                        && ["", "の", "的", "의", "'s", "’s", "s'"].contains(&gap)
                    {
                        org = Some((oi, toks[k - 1].start, Some(k - 1)));
                    }
                }
                if org.is_none()
                    && let Some(n) = toks.get(k + 1)
                    && let Some((oi, _)) = resolved[k + 1]
                    && org_ok(oi)
                {
                    let raw = &text[t.end..n.start];
                    let gap = raw.trim();
                    let cyr = text[n.start..]
                        .chars()
                        .next()
                        .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
                    if gap == "of" || gap == "of the" || (raw == " " && cyr) {
                        org = Some((oi, n.end, Some(k + 1)));
                    }
                }
                if org.is_none() {
                    let head = &folded[..t.start];
                    let spaced = head.strip_suffix(' ');
                    'ab: for (ab, ids) in &self.abbrev {
                        for h in [Some(head), spaced].into_iter().flatten() {
                            let Some(rest) = h.strip_suffix(ab.as_str()) else {
                                continue;
                            };
                            let hangul = ab
                                .chars()
                                .next()
                                .is_some_and(|c| script(c) == Script::Hangul);
                            if hangul
                                && rest
                                    .chars()
                                    .next_back()
                                    .is_some_and(|c| script(c) == Script::Hangul)
                            {
                                continue;
                            }
                            let s = rest.len();
                            if let Some(&oi) = ids.iter().find(|&&i| org_ok(i))
                                && toks[..k].last().is_none_or(|p| p.end <= s)
                            {
                                org = Some((oi, s, None));
                                break 'ab;
                            }
                        }
                    }
                }
                let Some((oi, edge, org_tok)) = org else {
                    continue;
                };
                let (start, end) = if edge <= t.start {
                    (edge, t.end)
                } else {
                    (t.start, edge)
                };
                // A person's name right next to the title is the mention itself.
                let person_next = |j: Option<usize>| {
                    j.and_then(|j| toks.get(j).map(|o| (j, o)))
                        .is_some_and(|(j, o)| {
                            resolved[j].is_some_and(|(i, _)| actors[i].kind == ActorKind::Person)
                                && {
                                    let (l, r) = if o.end <= start {
                                        (o.end, start)
                                    } else {
                                        (end, o.start)
                                    };
                                    l <= r
                                        && text[l..r].len() <= 3
                                        && text[l..r]
                                            .chars()
                                            .all(|c| c == ' ' || c == '・' || c == '·' || c == ',')
                                }
                        })
                };
                let lo = (0..k).rev().find(|&j| toks[j].end <= start);
                let hi = (k + 1..toks.len()).find(|&j| toks[j].start >= end);
                if person_next(lo) || person_next(hi) {
                    continue;
                }
                let Some(holder) = self.gaz.resolve_title(&post.id, &actors[oi].id, d) else {
                    continue;
                };
                if let Some(j) = org_tok {
                    consumed[j] = true;
                }
                titles.push(Mention {
                    start,
                    end,
                    actor_id: holder.id.clone(),
                    via: MatchKind::Title,
                    surface: text[start..end].to_string(),
                });
            }
        }
        let mut out: Vec<Mention> = toks
            .iter()
            .zip(&resolved)
            .zip(&consumed)
            .filter(|(_, c)| !**c)
            .filter_map(|((t, r), _)| {
                r.map(|(i, via)| Mention {
                    start: t.start,
                    end: t.end,
                    actor_id: actors[i].id.clone(),
                    via,
                    surface: text[t.start..t.end].to_string(),
                })
            })
            .collect();
        // A title whose span swallowed an abbreviation overlaps nothing else: abbreviations are
        // not tokens. Merge and sort.
        titles.sort_by_key(|t| (t.start, std::cmp::Reverse(t.end)));
        // One organisation between two post terms ("глава МИД России глава МИД") can make two
        // titles that share it: the first one keeps it.
        let mut kept_end = 0;
        titles.retain(|t| {
            let keep = t.start >= kept_end;
            if keep {
                kept_end = t.end;
            }
            keep
        });
        out.retain(|m| {
            let i = titles.partition_point(|t| t.end <= m.start);
            titles.get(i).is_none_or(|t| t.start >= m.end)
        });
        out.extend(titles);
        out.sort_by_key(|m| (m.start, m.end));
        out
    }
}

/// Katakana (with the long-vowel mark and half-width forms), not hiragana.
fn is_katakana(c: char) -> bool {
    let u = c as u32;
    ((0x30A0..=0x30FF).contains(&u) && c != '・')
        || (0x31F0..=0x31FF).contains(&u)
        || (0xFF66..=0xFF9F).contains(&u)
}
