//! The actors extraction matches: list, show, add, give another name, import.
//!
//! The bundled gazetteer (`data/actors/`) is copied into the knowledge base with origin
//! `bundled`; an analyst's additions and changes are stored with origin `user`, imports with
//! `import:<file name>`. Extraction matches the bundled gazetteer with the stored non-bundled
//! actors laid over it, so a change here makes the next extraction re-read every source.
//! Every change is validated against the whole gazetteer before anything is written.
//! A writable app brings the bundled actors up to date before each actor request; a
//! read-only one shows them as last brought up to date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use entente_core::{Actor, ActorKind, DateValue, Position, Status};
use entente_extract::gazetteer::{self, Gazetteer, fold_for_match};
use entente_extract::run;
use entente_store::{EventFilter, Repo};
use serde::{Deserialize, Serialize};

use crate::error::{Context as _, Result};
use crate::{Access, App, AppError, Permission, Principal};

/// Origin of actors added or changed by hand.
const USER: &str = "user";

/// Which actors to list. Empty or absent fields mean "any".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActorQuery {
    pub kinds: Vec<ActorKind>,
    /// The state an actor belongs to (a state belongs to itself), ISO alpha-2.
    pub country: Option<String>,
    /// Only actors designated by the UN Security Council.
    pub designated: bool,
    /// `bundled`, `user`, `import` (any file) or `import:FILE`.
    pub origin: Option<String>,
    /// One of the actor's names or aliases contains this (case and variants folded).
    pub name: Option<String>,
}

impl ActorQuery {
    fn keeps(&self, a: &Actor, origin: &str) -> bool {
        if !self.kinds.is_empty() && !self.kinds.contains(&a.kind) {
            return false;
        }
        if let Some(c) = &self.country {
            let own = a.country.as_deref().or(if a.kind == ActorKind::State {
                Some(a.id.as_str())
            } else {
                None
            });
            if !own.is_some_and(|o| o.eq_ignore_ascii_case(c.trim())) {
                return false;
            }
        }
        if self.designated && a.un_designation.is_none() {
            return false;
        }
        if let Some(o) = &self.origin {
            let ok = if o == "import" {
                origin.starts_with("import:")
            } else {
                origin == o
            };
            if !ok {
                return false;
            }
        }
        if let Some(n) = &self.name {
            let q = fold_for_match(n);
            if !a
                .all_names()
                .chain(a.aliases.values().flatten().map(|s| ("", s.as_str())))
                .any(|(_, name)| fold_for_match(name).contains(&q))
            {
                return false;
            }
        }
        true
    }
}

/// An actor as stored, with its origin and (when shown alone) how many events it takes part
/// in: the JSON of `actors list` and `actors show`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActorRecord {
    #[serde(flatten)]
    pub actor: Actor,
    pub origin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<usize>,
}

/// One actor with what a reader needs beside the record: its positions with the post's and
/// organisation's names, and how many of its events an analyst confirmed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActorDetail {
    /// The record; with `on`, only the positions held that day.
    pub record: ActorRecord,
    pub positions: Vec<PositionView>,
    pub confirmed_events: usize,
}

/// A position with display names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PositionView {
    #[serde(flatten)]
    pub position: Position,
    /// The post's English title (`Minister of Foreign Affairs`).
    pub post_label: String,
    /// The organisation's English name.
    pub org_name: String,
}

/// A new actor, added by hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorAdd {
    /// A Wikidata QID, an ISO alpha-2 code for a state, or a slug (`choe-son-hui`).
    pub id: String,
    pub kind: ActorKind,
    pub name_en: String,
    /// Names by language tag.
    #[serde(default)]
    pub names: BTreeMap<String, Vec<String>>,
    /// Aliases (demonyms, metonyms) by language tag.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub wikidata: Option<String>,
    #[serde(default)]
    pub positions: Vec<Position>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Another name (or alias) for an actor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorAlias {
    /// Id or any name of the actor.
    pub actor: String,
    /// The name as written in the sources.
    pub name: String,
    /// Language tag; guessed from the script when absent, except for Chinese characters.
    #[serde(default)]
    pub lang: Option<String>,
    /// A word that refers to the actor without being its name.
    #[serde(default)]
    pub alias: bool,
}

/// What [`App::alias_actor`] did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AliasOutcome {
    pub id: String,
    pub name_en: String,
    pub lang: String,
    /// False when the actor already had the name.
    pub changed: bool,
}

/// The format of an actor file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorFormat {
    /// The `data/actors` schema.
    Toml,
    Csv,
    /// The UN Security Council consolidated list (XML).
    Un,
}

/// An import of actors from a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorImport {
    pub file: PathBuf,
    /// By default from the extension (`.toml`, `.csv`, `.xml`).
    #[serde(default)]
    pub format: Option<ActorFormat>,
    /// For the UN list: the regime (the list's UN_LIST_TYPE).
    #[serde(default = "dprk")]
    pub list_type: String,
    /// Validate and report without writing.
    #[serde(default)]
    pub dry_run: bool,
}

fn dprk() -> String {
    "DPRK".into()
}

/// What an import did (or would do, in a dry run).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportSummary {
    pub file: String,
    pub origin: String,
    pub read: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub designated: usize,
    /// Actors imported earlier from a file of the same kind that this file no longer has
    /// (for the UN list: possibly delisted). They are kept; review them.
    pub missing_since_last_import: Vec<String>,
    /// Names this file shares with other actors: matched as ambiguous, resolved by context.
    pub shared_names: Vec<String>,
    pub dry_run: bool,
}

/// The one actor `query` (an id or a name) designates, or an error listing the candidates.
fn resolve(repo: &Repo, query: &str) -> Result<Actor> {
    let id = entente_extract::analysis::resolve_actor(repo.store(), query)?;
    repo.store()
        .actor(&id)?
        .with_context(|| format!("actor `{id}` vanished from the knowledge base"))
}

/// Checks `actors` laid over the current gazetteer (bundled plus the knowledge base's own);
/// the error names the file (or request) and the field.
fn validate(repo: &Repo, actors: &[Actor], what: &str) -> Result<Gazetteer> {
    let mut gaz = run::gazetteer_for(repo.store())?;
    gaz.overlay_actors(actors.to_vec(), what)
        .map_err(|e| AppError::invalid(format!("{what}: rejected, nothing was written: {e}")))?;
    Ok(gaz)
}

/// Validates one actor changed by hand and stores it as the analyst's.
fn save_own(repo: &Repo, actor: &Actor, what: &str, audit: (&str, &str)) -> Result<()> {
    validate(repo, std::slice::from_ref(actor), what)?;
    repo.store()
        .upsert_actors(std::slice::from_ref(actor), USER, Some(audit))?;
    Ok(())
}

fn push_unique(v: &mut Vec<String>, s: &str) -> bool {
    if v.iter().any(|x| fold_for_match(x) == fold_for_match(s)) {
        false
    } else {
        v.push(s.to_string());
        true
    }
}

/// The language of a name from its script: Hangul → ko, kana → ja, Cyrillic → ru, Latin → en.
/// Chinese characters alone could be ja, zh-Hans or zh-Hant: no guess.
pub fn guess_lang(s: &str) -> Option<&'static str> {
    let has = |r: std::ops::RangeInclusive<char>| s.chars().any(|c| r.contains(&c));
    if has('\u{AC00}'..='\u{D7A3}') || has('\u{1100}'..='\u{11FF}') {
        Some("ko")
    } else if has('\u{3040}'..='\u{30FF}') {
        Some("ja")
    } else if has('\u{0400}'..='\u{04FF}') {
        Some("ru")
    } else if s.chars().any(|c| c.is_alphabetic())
        && s.chars()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
    {
        Some("en")
    } else {
        None
    }
}

impl App {
    /// The store with the bundled actors brought up to date when the app may write.
    fn actors_repo(&self) -> Result<&Repo> {
        let repo = self.repo()?;
        if self.access == Access::ReadWrite {
            let bundled = Gazetteer::bundled()
                .map_err(|e| AppError::internal(format!("loading data/actors: {e}")))?;
            run::sync_bundled_actors(repo.store(), &bundled)?;
        }
        Ok(repo)
    }

    /// The same for a change of the gazetteer: one at a time, so that what is validated is
    /// what is written.
    fn actors_repo_for_write(&self) -> Result<(std::sync::MutexGuard<'_, ()>, &Repo)> {
        let repo = self.writable()?;
        let lock = self.gazetteer_lock();
        let bundled = Gazetteer::bundled()
            .map_err(|e| AppError::internal(format!("loading data/actors: {e}")))?;
        run::sync_bundled_actors(repo.store(), &bundled)?;
        Ok((lock, repo))
    }

    /// Actors matching `q`, by id, with their origins.
    pub fn actors(&self, q: &ActorQuery) -> Result<Vec<ActorRecord>> {
        let repo = self.actors_repo()?;
        let store = repo.store();
        let mut rows = Vec::new();
        for a in store.actors()? {
            let origin = store.actor_origin(&a.id)?.unwrap_or_default();
            if q.keeps(&a, &origin) {
                rows.push(ActorRecord {
                    actor: a,
                    origin,
                    events: None,
                });
            }
        }
        Ok(rows)
    }

    /// One actor by id or any name; with `on`, only the positions held that day.
    pub fn actor(&self, query: &str, on: Option<DateValue>) -> Result<ActorDetail> {
        let repo = self.actors_repo()?;
        let store = repo.store();
        let mut a = resolve(repo, query)?;
        let origin = store.actor_origin(&a.id)?.unwrap_or_default();
        let events = store.events(&EventFilter {
            actors: vec![a.id.clone()],
            ..EventFilter::default()
        })?;
        if let Some(d) = on {
            a.positions.retain(|p| p.held_on(&d));
        }
        let gaz = run::gazetteer_for(store)?;
        let positions = a
            .positions
            .iter()
            .map(|p| PositionView {
                position: p.clone(),
                post_label: p
                    .title_en
                    .clone()
                    .or_else(|| gaz.post(&p.post).map(|x| x.label_en.clone()))
                    .unwrap_or_else(|| p.post.clone()),
                org_name: gaz
                    .actor(&p.org)
                    .map(|o| o.name_en.clone())
                    .unwrap_or_else(|| p.org.clone()),
            })
            .collect();
        Ok(ActorDetail {
            confirmed_events: events
                .iter()
                .filter(|e| e.status == Status::Confirmed)
                .count(),
            record: ActorRecord {
                actor: a,
                origin,
                events: Some(events.len()),
            },
            positions,
        })
    }

    /// Adds an actor by hand (origin `user`), validated against the whole gazetteer.
    pub fn add_actor(&self, by: &Principal, req: &ActorAdd) -> Result<Actor> {
        by.require(Permission::Write)?;
        let (_lock, repo) = self.actors_repo_for_write()?;
        let id = req.id.trim();
        if let Some(existing) = repo.store().actor(id)? {
            return Err(AppError::invalid(format!(
                "an actor with id `{id}` exists ({}); give it another name (`entente actors alias`) instead",
                existing.name_en
            )));
        }
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (l, vs) in &req.names {
            for v in vs {
                push_unique(names.entry(l.trim().to_string()).or_default(), v.trim());
            }
        }
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (l, vs) in &req.aliases {
            for v in vs {
                push_unique(aliases.entry(l.trim().to_string()).or_default(), v.trim());
            }
        }
        let actor = Actor {
            id: id.to_string(),
            kind: req.kind,
            name_en: req.name_en.trim().to_string(),
            names,
            aliases,
            wikidata: req.wikidata.clone(),
            country: req
                .country
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase()),
            located_in: None,
            died: None,
            positions: req.positions.clone(),
            un_designation: None,
            note: req.note.clone(),
        };
        save_own(repo, &actor, "entente actors add", (&by.user, "add"))?;
        Ok(actor)
    }

    /// Gives an actor another name or alias (stored as the analyst's).
    pub fn alias_actor(&self, by: &Principal, req: &ActorAlias) -> Result<AliasOutcome> {
        by.require(Permission::Write)?;
        let (_lock, repo) = self.actors_repo_for_write()?;
        let mut a = resolve(repo, &req.actor)?;
        let name = req.name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("the new name is empty"));
        }
        let lang = match &req.lang {
            Some(l) => l.trim().to_string(),
            None => guess_lang(name)
                .ok_or_else(|| {
                    AppError::invalid(format!(
                        "cannot tell the language of `{name}` from its script; give its language ({})",
                        gazetteer::LANGS.join(", ")
                    ))
                })?
                .to_string(),
        };
        let map = if req.alias {
            &mut a.aliases
        } else {
            &mut a.names
        };
        let changed = push_unique(map.entry(lang.clone()).or_default(), name);
        if changed {
            save_own(repo, &a, "entente actors alias", (&by.user, "alias"))?;
        }
        Ok(AliasOutcome {
            id: a.id,
            name_en: a.name_en,
            lang,
            changed,
        })
    }

    /// Imports actors from a file (origin `import:<file name>`), validated as a whole first.
    pub fn import_actors(&self, by: &Principal, req: &ActorImport) -> Result<ImportSummary> {
        by.require(Permission::Write)?;
        if !req.dry_run {
            self.check_writable()?;
        }
        let file: &Path = &req.file;
        let format = match req.format {
            Some(f) => f,
            None => match file
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| e.to_ascii_lowercase())
                .as_deref()
            {
                Some("toml") => ActorFormat::Toml,
                Some("csv") => ActorFormat::Csv,
                Some("xml") => ActorFormat::Un,
                _ => {
                    return Err(AppError::invalid(format!(
                        "{}: cannot tell the format from the extension; give the format (toml, csv or un)",
                        file.display()
                    )));
                }
            },
        };
        let actors = match format {
            ActorFormat::Toml => gazetteer::import_toml(file),
            ActorFormat::Csv => gazetteer::import_csv(file),
            ActorFormat::Un => gazetteer::import_un_consolidated(file, &req.list_type),
        }
        .map_err(|e| AppError::invalid(e.to_string()))?;
        if actors.is_empty() {
            return Err(AppError::invalid(format!(
                "{}: no actors found{}",
                file.display(),
                if format == ActorFormat::Un {
                    format!(" for list type `{}`", req.list_type)
                } else {
                    String::new()
                }
            )));
        }
        let base = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string());
        let origin = format!("import:{base}");
        // A dry run reads beside other work; an import changes the gazetteer alone.
        let (_lock, repo) = if req.dry_run {
            (None, self.actors_repo()?)
        } else {
            let (lock, repo) = self.actors_repo_for_write()?;
            (Some(lock), repo)
        };
        let gaz = validate(repo, &actors, &file.display().to_string())?;
        let store = repo.store();
        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        // What the import writes: the actors that are new or differ from the stored ones.
        let mut fresh: Vec<Actor> = Vec::new();
        for a in &actors {
            match store.actor(&a.id)? {
                Some(old) if &old == a => unchanged += 1,
                old => {
                    if old.is_none() {
                        added += 1;
                    } else {
                        updated += 1;
                    }
                    fresh.push(a.clone());
                }
            }
        }
        // Earlier imports of the same kind of file (the UN list, by its designations) that
        // this one no longer carries.
        let mut missing = Vec::new();
        if format == ActorFormat::Un {
            for old in store.actors()? {
                let from_import = store
                    .actor_origin(&old.id)?
                    .is_some_and(|o| o.starts_with("import:"));
                if from_import
                    && old.un_designation.is_some()
                    && old.country.as_deref() == actors[0].country.as_deref()
                    && !actors.iter().any(|a| a.id == old.id)
                {
                    missing.push(format!("{} ({})", old.id, old.name_en));
                }
            }
        }
        let mut shared = Vec::new();
        for a in &actors {
            if let Some(x) = gaz.extra(&a.id) {
                for n in &x.ambiguous {
                    shared.push(format!("{} ({})", n, a.id));
                }
            }
        }
        let summary = ImportSummary {
            file: file.display().to_string(),
            origin: origin.clone(),
            read: actors.len(),
            added,
            updated,
            unchanged,
            designated: actors.iter().filter(|a| a.un_designation.is_some()).count(),
            missing_since_last_import: missing,
            shared_names: shared,
            dry_run: req.dry_run,
        };
        if !req.dry_run {
            repo.store()
                .upsert_actors(&fresh, &origin, Some((&by.user, "import")))?;
        }
        Ok(summary)
    }
}
