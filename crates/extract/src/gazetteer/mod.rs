//! The gazetteer: actors, posts and titles loaded from `data/actors/`, and the matcher that
//! finds every name of every actor in one pass.
//!
//! * [`Gazetteer`] — the validated data: [`Gazetteer::bundled`] (the files under
//!   `data/actors/`, embedded at build time) or [`Gazetteer::load_dir`].
//! * [`Matcher`] — one Aho-Corasick pass over a text, per-script boundary rules, Russian
//!   inflection, Korean particles, disambiguation by date and context, and title-only mentions
//!   ("the Russian foreign minister") resolved through positions.
//! * [`import`] — actors from other TOML files, CSV, and the UN Security Council consolidated
//!   list.
//!
//! The schema of the data files is documented in `data/README.md`, section `actors/`.

mod error;
pub mod import;
mod inflect;
mod matcher;
mod schema;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use entente_core::{Actor, ActorKind, DateValue};

pub use error::GazetteerError;
pub use import::{import_csv, import_toml, import_un_consolidated};
pub use matcher::{MatchKind, Matcher, Mention, fold_for_match};

/// The language tags names may be given in.
pub const LANGS: &[&str] = &["en", "ja", "zh-Hans", "zh-Hant", "ko", "ru"];

/// A post (office) people hold: `foreign_minister`, `head_of_state`, …, with the words that
/// name it in each language and the kinds of actor it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: String,
    pub label_en: String,
    /// Kinds of the organisation a position's `org` must be (`state`, `party`, …).
    pub org_kinds: Vec<ActorKind>,
    /// Whether a term with an organisation next to it resolves to the holder (false for
    /// ambassadors: many holders per state at once).
    pub title_only: bool,
    /// Terms by language tag ("foreign minister", "外相", "외무상", "министр иностранных дел").
    pub terms: BTreeMap<String, Vec<String>>,
}

/// A title or honorific that stands before or after a name ("Comrade", 同志, 동지, товарищ).
#[derive(Clone, Debug, PartialEq)]
pub struct Title {
    pub id: String,
    pub label_en: String,
    pub before: BTreeMap<String, Vec<String>>,
    pub after: BTreeMap<String, Vec<String>>,
}

/// Where an actor was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// What the gazetteer keeps about an actor beyond [`Actor`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra {
    /// Names knowingly shared with another actor (e.g. two DPRK officials named Ri Yong Ho).
    pub ambiguous: Vec<String>,
    /// One- or two-character abbreviations used only right before a post term
    /// (俄 in 俄外长, 露 in 露外相, 러 in 러 외무장관), by language.
    pub abbrev: BTreeMap<String, Vec<String>>,
    /// A state that is its own capital (Singapore): named as where something happens, it is
    /// the place as well as the state.
    pub city_state: bool,
}

/// Lines of an actor's positions and names in its file, for error messages.
#[derive(Clone, Debug, Default)]
struct Lines {
    positions: Vec<usize>,
    names: HashMap<(String, String), usize>,
}

/// Validated actors, posts and titles.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    actors: Vec<Actor>,
    extras: Vec<Extra>,
    origins: Vec<Origin>,
    lines: Vec<Lines>,
    by_id: HashMap<String, usize>,
    posts: Vec<Post>,
    post_index: HashMap<String, usize>,
    titles: Vec<Title>,
    /// post → organisation → every (actor, position) of that post, in definition order.
    /// Built on first use; any change to the actors clears it.
    holders: std::sync::OnceLock<HolderIndex>,
}

/// Nested so that a lookup by `&str` allocates nothing (titles are resolved per mention).
type HolderIndex = HashMap<String, HashMap<String, Vec<(usize, usize)>>>;

/// The data files embedded at build time: (file name, contents).
const BUNDLED: &[(&str, &str)] = &[
    (
        "posts.toml",
        include_str!("../../../../data/actors/posts.toml"),
    ),
    (
        "titles.toml",
        include_str!("../../../../data/actors/titles.toml"),
    ),
    (
        "states.toml",
        include_str!("../../../../data/actors/states.toml"),
    ),
    (
        "world-states.toml",
        include_str!("../../../../data/actors/world-states.toml"),
    ),
    (
        "leaders-cn.toml",
        include_str!("../../../../data/actors/leaders-cn.toml"),
    ),
    (
        "leaders-ru.toml",
        include_str!("../../../../data/actors/leaders-ru.toml"),
    ),
    (
        "leaders-kp.toml",
        include_str!("../../../../data/actors/leaders-kp.toml"),
    ),
    (
        "others.toml",
        include_str!("../../../../data/actors/others.toml"),
    ),
    (
        "organizations.toml",
        include_str!("../../../../data/actors/organizations.toml"),
    ),
    (
        "forums.toml",
        include_str!("../../../../data/actors/forums.toml"),
    ),
    (
        "outlets.toml",
        include_str!("../../../../data/actors/outlets.toml"),
    ),
    (
        "places.toml",
        include_str!("../../../../data/actors/places.toml"),
    ),
    (
        "world-leaders.toml",
        include_str!("../../../../data/actors/world-leaders.toml"),
    ),
];

impl Gazetteer {
    /// The gazetteer built from `data/actors/*.toml` as embedded at build time.
    pub fn bundled() -> Result<Gazetteer, GazetteerError> {
        Self::from_files(
            BUNDLED
                .iter()
                .map(|(f, t)| (format!("data/actors/{f}"), t.to_string()))
                .collect(),
        )
    }

    /// Loads every `*.toml` in `dir`: `posts.toml` (required), `titles.toml` (optional) and
    /// any number of actor files.
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Gazetteer, GazetteerError> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|source| GazetteerError::Io {
            file: dir.display().to_string(),
            source,
        })?;
        let mut paths = Vec::new();
        for e in entries {
            let e = e.map_err(|source| GazetteerError::Io {
                file: dir.display().to_string(),
                source,
            })?;
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                paths.push(p);
            }
        }
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|source| GazetteerError::Io {
                file: p.display().to_string(),
                source,
            })?;
            files.push((p.display().to_string(), text));
        }
        Self::from_files(files)
    }

    /// Builds the gazetteer from (file name, contents) pairs. Files whose name ends in
    /// `posts.toml` or `titles.toml` hold posts and titles; all others hold actors.
    pub fn from_files(files: Vec<(String, String)>) -> Result<Gazetteer, GazetteerError> {
        let mut posts = Vec::new();
        let mut titles = Vec::new();
        let mut actor_files = Vec::new();
        let mut have_posts = false;
        for (name, text) in &files {
            let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
            if base == "posts.toml" {
                posts.extend(schema::parse_posts(name, text)?);
                have_posts = true;
            } else if base == "titles.toml" {
                titles.extend(schema::parse_titles(name, text)?);
            } else {
                actor_files.push((name, text));
            }
        }
        if !have_posts {
            return Err(GazetteerError::Other {
                file: "posts.toml".into(),
                message: "no posts.toml among the gazetteer files".into(),
            });
        }
        let mut g = Gazetteer::default();
        for (i, p) in posts.iter().enumerate() {
            g.post_index.insert(p.id.clone(), i);
        }
        g.posts = posts;
        g.titles = titles;
        let mut parsed = Vec::new();
        for (name, text) in actor_files {
            parsed.extend(schema::parse_actors(name, text)?);
        }
        g.add(parsed)?;
        Ok(g)
    }

    /// Adds actors (e.g. from an import) to the gazetteer, with the same cross-checks as at
    /// load time: unique ids, posts and organisations of positions, shared names.
    pub fn add_actors(&mut self, actors: Vec<Actor>, file: &str) -> Result<(), GazetteerError> {
        let parsed = actors
            .into_iter()
            .map(|a| schema::Parsed::bare(a, file))
            .collect::<Vec<_>>();
        for p in &parsed {
            schema::check_bare(p)?;
        }
        self.add(parsed)
    }

    /// Lays `actors` over the gazetteer: an actor whose id exists replaces it, others are
    /// added. Positions and countries are checked as at load time; a name shared with another
    /// actor is accepted and treated as ambiguous (the knowledge base has no flag for it).
    pub fn overlay_actors(&mut self, actors: Vec<Actor>, file: &str) -> Result<(), GazetteerError> {
        let mut touched = Vec::new();
        for a in actors {
            let p = schema::Parsed::bare(a, file);
            schema::check_bare(&p)?;
            match self.by_id.get(&p.actor.id) {
                Some(&i) => {
                    self.holders = std::sync::OnceLock::new();
                    self.actors[i] = p.actor;
                    self.extras[i] = p.extra;
                    self.origins[i] = p.origin;
                    self.lines[i] = Lines::default();
                    touched.push(i);
                }
                None => {
                    touched.push(self.actors.len());
                    self.push(p);
                }
            }
        }
        self.check_refs(&touched)?;
        // Shared names become ambiguous on both sides.
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        let mut shared: Vec<(usize, String)> = Vec::new();
        for (i, a) in self.actors.iter().enumerate() {
            for (l, n) in a.all_names() {
                let key = (l.to_string(), fold_for_match(n));
                match seen.get(&key) {
                    Some(&j) if j != i => {
                        shared.push((i, n.to_string()));
                        let other = self.actors[j]
                            .all_names()
                            .find(|(_, m)| fold_for_match(m) == key.1);
                        if let Some((_, m)) = other {
                            shared.push((j, m.to_string()));
                        }
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, i);
                    }
                }
            }
        }
        for (i, n) in shared {
            if !self.extras[i].ambiguous.contains(&n) {
                self.extras[i].ambiguous.push(n);
            }
        }
        Ok(())
    }

    fn push(&mut self, p: schema::Parsed) {
        self.holders = std::sync::OnceLock::new();
        self.by_id.insert(p.actor.id.clone(), self.actors.len());
        self.actors.push(p.actor);
        self.extras.push(p.extra);
        self.origins.push(p.origin);
        self.lines.push(Lines {
            positions: p.position_lines,
            names: p.name_lines,
        });
    }

    fn err_at(
        &self,
        i: usize,
        line: Option<usize>,
        field: &str,
        message: String,
    ) -> GazetteerError {
        let o = &self.origins[i];
        GazetteerError::Data {
            file: o.file.clone(),
            line: line.unwrap_or(o.line),
            field: field.to_string(),
            message,
        }
    }

    fn add(&mut self, parsed: Vec<schema::Parsed>) -> Result<(), GazetteerError> {
        let first_new = self.actors.len();
        for p in parsed {
            if let Some(&prev) = self.by_id.get(&p.actor.id) {
                let o = &self.origins[prev];
                return Err(p.err(
                    "id",
                    format!(
                        "duplicate id `{}` (first defined at {}:{})",
                        p.actor.id, o.file, o.line
                    ),
                ));
            }
            self.push(p);
        }
        let new: Vec<usize> = (first_new..self.actors.len()).collect();
        self.check_refs(&new)?;
        // Names shared between actors must be flagged as ambiguous by every actor sharing them.
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (i, a) in self.actors.iter().enumerate() {
            let mut mine: Vec<(String, String)> = a
                .all_names()
                .map(|(l, n)| (l.to_string(), fold_for_match(n)))
                .collect();
            mine.sort();
            mine.dedup();
            for key in mine {
                match seen.get(&key) {
                    Some(&j) if j != i => {
                        if i < first_new {
                            continue;
                        }
                        let flagged = |k: usize| {
                            self.extras[k]
                                .ambiguous
                                .iter()
                                .any(|n| fold_for_match(n) == key.1)
                        };
                        if !(flagged(i) && flagged(j)) {
                            let line = self.lines[i].names.get(&key).copied();
                            return Err(self.err_at(
                                i,
                                line,
                                "names",
                                format!(
                                    "name `{}` ({}) is also a name of `{}`; list it in `ambiguous` of both actors if that is intended",
                                    key.1, key.0, self.actors[j].id
                                ),
                            ));
                        }
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, i);
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks the positions, country and `located_in` of the actors at `idx`.
    fn check_refs(&self, idx: &[usize]) -> Result<(), GazetteerError> {
        for &ai in idx {
            let a = &self.actors[ai];
            for (i, pos) in a.positions.iter().enumerate() {
                let line = self.lines[ai].positions.get(i).copied();
                let Some(&post_i) = self.post_index.get(&pos.post) else {
                    return Err(self.err_at(
                        ai,
                        line,
                        "positions.post",
                        format!("unknown post `{}` (not in posts.toml)", pos.post),
                    ));
                };
                let Some(&org_i) = self.by_id.get(&pos.org) else {
                    return Err(self.err_at(
                        ai,
                        line,
                        "positions.org",
                        format!("organisation `{}` is not an actor", pos.org),
                    ));
                };
                let post = &self.posts[post_i];
                let kind = self.actors[org_i].kind;
                if !post.org_kinds.contains(&kind) {
                    return Err(self.err_at(
                        ai,
                        line,
                        "positions.org",
                        format!(
                            "post `{}` belongs to {} actors, but `{}` is a {}",
                            post.id,
                            post.org_kinds
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join("/"),
                            pos.org,
                            kind.as_str()
                        ),
                    ));
                }
            }
            if let Some(c) = &a.country {
                match self.by_id.get(c) {
                    Some(&i) if self.actors[i].kind == ActorKind::State => {}
                    _ => {
                        return Err(self.err_at(
                            ai,
                            None,
                            "country",
                            format!("country `{c}` is not a state actor"),
                        ));
                    }
                }
            }
            if let Some(l) = &a.located_in {
                let ok = a.kind == ActorKind::Place
                    && l != &a.id
                    && self
                        .by_id
                        .get(l)
                        .is_some_and(|&i| self.actors[i].kind == ActorKind::Place);
                if !ok {
                    return Err(self.err_at(
                        ai,
                        None,
                        "located_in",
                        format!("only a place can lie in another place, and `{l}` is not one"),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.by_id.get(id).map(|&i| &self.actors[i])
    }

    /// Whether `id` is a state that is its own capital (`city_state = true`).
    pub fn is_city_state(&self, id: &str) -> bool {
        self.extra(id).is_some_and(|e| e.city_state)
    }

    pub fn extra(&self, id: &str) -> Option<&Extra> {
        self.by_id.get(id).map(|&i| &self.extras[i])
    }

    pub(crate) fn extras(&self) -> &[Extra] {
        &self.extras
    }

    /// Where an actor was defined.
    pub fn origin(&self, id: &str) -> Option<&Origin> {
        self.by_id.get(id).map(|&i| &self.origins[i])
    }

    pub fn posts(&self) -> &[Post] {
        &self.posts
    }

    pub fn post(&self, id: &str) -> Option<&Post> {
        self.post_index.get(id).map(|&i| &self.posts[i])
    }

    pub fn titles(&self) -> &[Title] {
        &self.titles
    }

    /// The person holding `post` in `org` on `date`. On a hand-over day, or for an
    /// imprecise date overlapping two terms, the holder whose term covers the whole date wins,
    /// else the one who took office last. When several people hold the post over the whole
    /// date at once (spokespersons), the answer is `None`: the title alone does not say who.
    pub fn resolve_title(&self, post: &str, org: &str, date: DateValue) -> Option<&Actor> {
        let index = self.holders.get_or_init(|| {
            let mut m: HolderIndex = HashMap::new();
            for (ai, a) in self.actors.iter().enumerate() {
                for (pi, p) in a.positions.iter().enumerate() {
                    m.entry(p.post.clone())
                        .or_default()
                        .entry(p.org.clone())
                        .or_default()
                        .push((ai, pi));
                }
            }
            m
        });
        let mut held: Vec<(&Actor, &entente_core::Position)> = index
            .get(post)
            .and_then(|by_org| by_org.get(org))
            .into_iter()
            .flatten()
            .map(|&(ai, pi)| (&self.actors[ai], &self.actors[ai].positions[pi]))
            .filter(|(_, p)| p.held_on(&date))
            .collect();
        held.dedup_by(|x, y| x.0.id == y.0.id);
        match held.len() {
            0 => return None,
            1 => return Some(held[0].0),
            _ => {}
        }
        let covering: Vec<&(&Actor, &entente_core::Position)> = held
            .iter()
            .filter(|(_, p)| {
                p.from.is_none_or(|f| f.start() <= date.start())
                    && p.to.is_none_or(|t| t.end() > date.end())
            })
            .collect();
        match covering.len() {
            1 => Some(covering[0].0),
            0 => held
                .iter()
                .max_by_key(|(_, p)| p.from.map(|f| f.start()))
                .map(|(a, _)| *a),
            _ => None,
        }
    }

    /// A matcher over this gazetteer.
    pub fn matcher(self) -> Matcher {
        Matcher::new(self)
    }
}
