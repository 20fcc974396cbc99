//! The TOML schema of `data/actors/` (documented in `data/README.md`) and its per-file
//! validation. Spans from the TOML parser give the line of every error.

use std::collections::{BTreeMap, HashMap};

use entente_core::{Actor, ActorKind, DateValue, Position};
use serde::Deserialize;
use toml::Spanned;

use super::{Extra, GazetteerError, LANGS, Origin, Post, Title, fold_for_match};

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn syntax(file: &str, text: &str, e: toml::de::Error) -> GazetteerError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    GazetteerError::Syntax {
        file: file.to_string(),
        line,
        message: e.message().trim().to_string(),
    }
}

type Langs = BTreeMap<Spanned<String>, Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActorFile {
    #[serde(default)]
    actor: Vec<Spanned<RawActor>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    id: Spanned<String>,
    kind: Spanned<String>,
    name_en: Spanned<String>,
    #[serde(default)]
    names: Langs,
    #[serde(default)]
    aliases: Langs,
    #[serde(default)]
    abbrev: Langs,
    #[serde(default)]
    ambiguous: Vec<Spanned<String>>,
    wikidata: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    located_in: Option<Spanned<String>>,
    #[serde(default)]
    positions: Vec<Spanned<RawPosition>>,
    died: Option<Spanned<String>>,
    un_designation: Option<String>,
    note: Option<String>,
    #[serde(default)]
    city_state: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPosition {
    post: Spanned<String>,
    org: Spanned<String>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    title_en: Option<String>,
}

/// One actor read from a file, with what validation across files needs.
pub(crate) struct Parsed {
    pub actor: Actor,
    pub extra: Extra,
    pub origin: Origin,
    /// Line of each position.
    pub position_lines: Vec<usize>,
    /// Line of each (language, folded name).
    pub name_lines: HashMap<(String, String), usize>,
}

impl Parsed {
    /// An actor from elsewhere (an import, the knowledge base), without line numbers.
    pub fn bare(actor: Actor, file: &str) -> Parsed {
        Parsed {
            actor,
            extra: Extra::default(),
            origin: Origin {
                file: file.to_string(),
                line: 0,
            },
            position_lines: Vec::new(),
            name_lines: HashMap::new(),
        }
    }

    pub fn err(&self, field: &str, message: String) -> GazetteerError {
        self.err_at(self.origin.line, field, message)
    }
    pub fn err_at(&self, line: usize, field: &str, message: String) -> GazetteerError {
        GazetteerError::Data {
            file: self.origin.file.clone(),
            line,
            field: field.to_string(),
            message,
        }
    }
}

/// Parses an actor kind (`state`, `person`, …).
/// Exact spelling only (the data files are checked strictly; `ActorKind::from_str`, for the
/// command line, also takes other cases and spaces).
pub(crate) fn parse_kind(s: &str) -> Option<ActorKind> {
    ActorKind::ALL.into_iter().find(|k| k.as_str() == s)
}

/// Bare surnames: never a name on their own.
const BARE_SURNAMES: &[&str] = &[
    "kim", "ri", "rhee", "lee", "yi", "li", "pak", "park", "choe", "choi", "jang", "zhang", "wang",
    "liu", "chen", "yang", "zhao", "wu", "hu", "jo", "cho", "han", "kang", "o", "oh", "hong",
    "jong", "chong", "ким", "ли", "ван", "пак", "чхве", "цой",
];

struct Ctx<'a> {
    file: &'a str,
    /// Byte offsets at which the file's lines 2, 3, … start: a span's line is found by binary
    /// search (counting newlines from the start for every name made loading quadratic in the
    /// file's size: 1.5 s for the 0.5 MB world-leaders file).
    line_starts: Vec<usize>,
}

impl<'a> Ctx<'a> {
    fn new(file: &'a str, text: &str) -> Ctx<'a> {
        let line_starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        Ctx { file, line_starts }
    }

    fn line(&self, span: std::ops::Range<usize>) -> usize {
        // Lines starting at or before the offset, plus line 1.
        self.line_starts.partition_point(|&s| s <= span.start) + 1
    }
    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        field: &str,
        message: String,
    ) -> Result<T, GazetteerError> {
        Err(GazetteerError::Data {
            file: self.file.to_string(),
            line: self.line(span),
            field: field.to_string(),
            message,
        })
    }

    fn langs(
        &self,
        raw: Langs,
        field: &str,
    ) -> Result<BTreeMap<String, Vec<String>>, GazetteerError> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (lang, names) in raw {
            if !LANGS.contains(&lang.get_ref().as_str()) {
                return self.err(
                    lang.span(),
                    field,
                    format!(
                        "unknown language tag `{}` (expected one of {})",
                        lang.get_ref(),
                        LANGS.join(", ")
                    ),
                );
            }
            let v = out.entry(lang.into_inner()).or_default();
            for n in names {
                let s = n.get_ref().trim();
                if s.is_empty() {
                    return self.err(n.span(), field, "empty name".into());
                }
                if s != n.get_ref() {
                    return self.err(
                        n.span(),
                        field,
                        format!("name `{}` has leading or trailing space", n.get_ref()),
                    );
                }
                if !v.iter().any(|x| x == s) {
                    v.push(s.to_string());
                }
            }
        }
        Ok(out)
    }

    fn date(
        &self,
        v: &Option<Spanned<String>>,
        field: &str,
    ) -> Result<Option<DateValue>, GazetteerError> {
        match v {
            None => Ok(None),
            Some(s) => match s.get_ref().parse::<DateValue>() {
                Ok(d) if s.get_ref().len() <= 10 => Ok(Some(d)),
                Ok(_) => self.err(
                    s.span(),
                    field,
                    format!("`{}`: write YYYY, YYYY-MM or YYYY-MM-DD", s.get_ref()),
                ),
                Err(e) => self.err(s.span(), field, format!("bad date `{}`: {e}", s.get_ref())),
            },
        }
    }
}

/// Parses and checks one actor file.
pub(crate) fn parse_actors(file: &str, text: &str) -> Result<Vec<Parsed>, GazetteerError> {
    let raw: RawActorFile = toml::from_str(text).map_err(|e| syntax(file, text, e))?;
    let cx = Ctx::new(file, text);
    let mut out = Vec::with_capacity(raw.actor.len());
    for ra in raw.actor {
        let line = cx.line(ra.span());
        let ra = ra.into_inner();
        let id = ra.id.get_ref().trim().to_string();
        if id.is_empty() || id.chars().any(|c| c.is_whitespace()) {
            return cx.err(ra.id.span(), "id", format!("bad id `{}`", ra.id.get_ref()));
        }
        let Some(kind) = parse_kind(ra.kind.get_ref()) else {
            return cx.err(
                ra.kind.span(),
                "kind",
                format!(
                    "unknown kind `{}` (expected state, person, organization, forum, party, outlet or place)",
                    ra.kind.get_ref()
                ),
            );
        };
        if kind == ActorKind::State && !entente_core::is_state_code(&id) {
            return cx.err(
                ra.id.span(),
                "id",
                format!("state id `{id}` must be an ISO 3166-1 alpha-2 code"),
            );
        }
        if ra.city_state && kind != ActorKind::State {
            return cx.err(
                ra.id.span(),
                "city_state",
                "only a state can be a city-state".into(),
            );
        }
        let is_qid = |s: &str| {
            s.len() > 1 && s.starts_with('Q') && s[1..].bytes().all(|b| b.is_ascii_digit())
        };
        if id.starts_with('Q') && id[1..].bytes().all(|b| b.is_ascii_digit()) && !is_qid(&id) {
            return cx.err(ra.id.span(), "id", format!("bad QID `{id}`"));
        }
        if let Some(w) = &ra.wikidata
            && !is_qid(w.get_ref())
        {
            return cx.err(
                w.span(),
                "wikidata",
                format!("`{}` is not a Wikidata QID", w.get_ref()),
            );
        }
        let name_en = ra.name_en.get_ref().trim().to_string();
        if name_en.is_empty() {
            return cx.err(ra.name_en.span(), "name_en", "empty name".into());
        }
        let mut name_lines = HashMap::new();
        name_lines.insert(
            ("en".to_string(), fold_for_match(&name_en)),
            cx.line(ra.name_en.span()),
        );
        for (lang, ns) in &ra.names {
            for n in ns {
                name_lines
                    .entry((lang.get_ref().clone(), fold_for_match(n.get_ref())))
                    .or_insert(cx.line(n.span()));
                if kind == ActorKind::Person {
                    let f = fold_for_match(n.get_ref());
                    let han = f.chars().all(is_cjk_ideograph);
                    let hangul = f.chars().all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
                    if BARE_SURNAMES.contains(&f.as_str())
                        || ((han || hangul) && f.chars().count() == 1)
                    {
                        return cx.err(
                            n.span(),
                            "names",
                            format!(
                                "`{}` is a bare surname; it cannot name one person",
                                n.get_ref()
                            ),
                        );
                    }
                }
            }
        }
        let names = cx.langs(ra.names, "names")?;
        let aliases = cx.langs(ra.aliases, "aliases")?;
        let abbrev = cx.langs(ra.abbrev, "abbrev")?;
        let mut ambiguous = Vec::new();
        for a in &ra.ambiguous {
            let f = fold_for_match(a.get_ref());
            let known = std::iter::once(name_en.as_str())
                .chain(names.values().flatten().map(|s| s.as_str()))
                .any(|n| fold_for_match(n) == f);
            if !known {
                return cx.err(
                    a.span(),
                    "ambiguous",
                    format!("`{}` is not one of this actor's names", a.get_ref()),
                );
            }
            ambiguous.push(a.get_ref().clone());
        }
        let country = match &ra.country {
            Some(c) if !entente_core::is_state_code(c.get_ref()) => {
                return cx.err(
                    c.span(),
                    "country",
                    format!("`{}` is not an ISO 3166-1 alpha-2 code", c.get_ref()),
                );
            }
            Some(c) => Some(c.get_ref().clone()),
            None => None,
        };
        let died = cx.date(&ra.died, "died")?;
        if let (Some(d), Some(s)) = (died, &ra.died)
            && kind != ActorKind::Person
        {
            return cx.err(s.span(), "died", format!("`{d}`: only people die"));
        }
        let mut positions = Vec::new();
        let mut position_lines = Vec::new();
        for rp in ra.positions {
            let pline = cx.line(rp.span());
            let span = rp.span();
            let rp = rp.into_inner();
            let from = cx.date(&rp.from, "positions.from")?;
            let to = cx.date(&rp.to, "positions.to")?;
            if let (Some(f), Some(t)) = (from, to)
                && f.start() > t.end()
            {
                return cx.err(
                    span,
                    "positions.to",
                    format!("ends ({t}) before it starts ({f})"),
                );
            }
            if kind != ActorKind::Person {
                return cx.err(span, "positions", "only people hold positions".into());
            }
            if let (Some(f), Some(d)) = (from, died)
                && f.start() > d.end()
            {
                return cx.err(
                    span,
                    "positions.from",
                    format!("starts ({f}) after the holder died ({d})"),
                );
            }
            positions.push(Position {
                post: rp.post.into_inner(),
                org: rp.org.into_inner(),
                from,
                to,
                title_en: rp.title_en,
            });
            position_lines.push(pline);
        }
        out.push(Parsed {
            actor: Actor {
                id,
                kind,
                name_en,
                names,
                aliases,
                wikidata: ra.wikidata.map(|w| w.into_inner()),
                country,
                located_in: ra.located_in.map(|l| l.into_inner()),
                positions,
                died,
                un_designation: ra.un_designation,
                note: ra.note,
            },
            extra: Extra {
                ambiguous,
                abbrev,
                city_state: ra.city_state,
            },
            origin: Origin {
                file: file.to_string(),
                line,
            },
            position_lines,
            name_lines,
        });
    }
    Ok(out)
}

pub(crate) fn is_cjk_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPostFile {
    #[serde(default)]
    post: Vec<Spanned<RawPost>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPost {
    id: Spanned<String>,
    label_en: String,
    org_kinds: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    title_only: bool,
    #[serde(default)]
    terms: Langs,
}

fn yes() -> bool {
    true
}

pub(crate) fn parse_posts(file: &str, text: &str) -> Result<Vec<Post>, GazetteerError> {
    let raw: RawPostFile = toml::from_str(text).map_err(|e| syntax(file, text, e))?;
    let cx = Ctx::new(file, text);
    let mut out: Vec<Post> = Vec::new();
    for rp in raw.post {
        let rp = rp.into_inner();
        if out.iter().any(|p| &p.id == rp.id.get_ref()) {
            return cx.err(
                rp.id.span(),
                "id",
                format!("duplicate post id `{}`", rp.id.get_ref()),
            );
        }
        let mut kinds = Vec::new();
        for k in &rp.org_kinds {
            match parse_kind(k.get_ref()) {
                Some(k) => kinds.push(k),
                None => {
                    return cx.err(
                        k.span(),
                        "org_kinds",
                        format!("unknown kind `{}`", k.get_ref()),
                    );
                }
            }
        }
        if kinds.is_empty() {
            return cx.err(
                rp.id.span(),
                "org_kinds",
                "at least one kind is needed".into(),
            );
        }
        out.push(Post {
            id: rp.id.into_inner(),
            label_en: rp.label_en,
            org_kinds: kinds,
            title_only: rp.title_only,
            terms: cx.langs(rp.terms, "terms")?,
        });
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitleFile {
    #[serde(default)]
    title: Vec<Spanned<RawTitle>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitle {
    id: Spanned<String>,
    label_en: String,
    #[serde(default)]
    before: Langs,
    #[serde(default)]
    after: Langs,
}

pub(crate) fn parse_titles(file: &str, text: &str) -> Result<Vec<Title>, GazetteerError> {
    let raw: RawTitleFile = toml::from_str(text).map_err(|e| syntax(file, text, e))?;
    let cx = Ctx::new(file, text);
    let mut out: Vec<Title> = Vec::new();
    for rt in raw.title {
        let rt = rt.into_inner();
        if out.iter().any(|p| &p.id == rt.id.get_ref()) {
            return cx.err(
                rt.id.span(),
                "id",
                format!("duplicate title id `{}`", rt.id.get_ref()),
            );
        }
        out.push(Title {
            id: rt.id.into_inner(),
            label_en: rt.label_en,
            before: cx.langs(rt.before, "before")?,
            after: cx.langs(rt.after, "after")?,
        });
    }
    Ok(out)
}

/// Checks an actor that comes from outside the data files (an import, an analyst's addition):
/// a usable id, a canonical English name, known language tags, no empty name, and for people
/// no bare surname standing for one person.
pub(crate) fn check_bare(p: &Parsed) -> Result<(), GazetteerError> {
    let a = &p.actor;
    let what = |m: String| format!("actor `{}`: {m}", a.id);
    if a.id.is_empty()
        || !a
            .id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(p.err(
            "id",
            format!(
                "invalid id `{}`: letters, digits, `.`, `-` and `_` only",
                a.id
            ),
        ));
    }
    if a.name_en.trim().is_empty() {
        return Err(p.err("name_en", what("empty name".into())));
    }
    for (field, map) in [("names", &a.names), ("aliases", &a.aliases)] {
        for (lang, ns) in map {
            if !LANGS.contains(&lang.as_str()) {
                return Err(p.err(
                    field,
                    what(format!(
                        "unknown language tag `{lang}` (expected one of {})",
                        LANGS.join(", ")
                    )),
                ));
            }
            for n in ns {
                if n.trim().is_empty() {
                    return Err(p.err(field, what(format!("empty name in `{lang}`"))));
                }
                if a.kind == ActorKind::Person && field == "names" {
                    let f = fold_for_match(n);
                    let han = f.chars().all(is_cjk_ideograph);
                    let hangul = f.chars().all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
                    if BARE_SURNAMES.contains(&f.as_str())
                        || ((han || hangul) && f.chars().count() == 1)
                    {
                        return Err(p.err(
                            field,
                            what(format!(
                                "`{n}` is a bare surname; it cannot name one person"
                            )),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod line_tests {
    use super::*;

    proptest::proptest! {
        /// The binary search gives the same line as counting newlines.
        #[test]
        fn line_by_search_equals_line_by_count(text in "[a-z\n]{0,200}", at in 0usize..220) {
            let cx = Ctx::new("f.toml", &text);
            let at = at.min(text.len());
            proptest::prop_assert_eq!(cx.line(at..at), line_of(&text, at));
        }
    }
}
