//! `entente actors`: list, show, add, alias and import the actors extraction matches.
//!
//! The bundled gazetteer (`data/actors/`) is copied into the knowledge base with origin
//! `bundled`; an analyst's additions and changes are stored with origin `user`, imports with
//! `import:<file name>`. Extraction matches the bundled gazetteer with the stored non-bundled
//! actors laid over it, so a change here makes the next `entente extract` re-read every source.
//! Every change is validated against the whole gazetteer before anything is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use entente_core::{Actor, ActorKind, DateValue, Position};
use entente_extract::gazetteer::{self, Gazetteer, fold_for_match};
use entente_extract::run;
use entente_store::{EventFilter, OpenMode, Repo};
use serde::Serialize;

use super::Ctx;
use crate::output;

/// Origin of actors added or changed by hand.
const USER: &str = "user";

#[derive(clap::Subcommand)]
pub enum Command {
    /// List actors (JSON Lines with --json).
    List {
        /// Only these kinds (state, person, organization, forum, party, outlet, place).
        #[arg(long, value_delimiter = ',')]
        kind: Vec<ActorKind>,
        /// Only actors of this state (ISO 3166 alpha-2, e.g. KP).
        #[arg(long)]
        country: Option<String>,
        /// Only actors designated by the UN Security Council.
        #[arg(long)]
        designated: bool,
        /// Only actors from this origin: bundled, user, import (any file) or import:FILE.
        #[arg(long)]
        origin: Option<String>,
        /// Only actors one of whose names contains TEXT (case and character variants folded).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one actor: names by language, aliases, positions, designation, events.
    Show {
        /// Id or any name of the actor.
        actor: String,
        /// Only the positions held on this date.
        #[arg(long)]
        on: Option<DateValue>,
        #[arg(long)]
        json: bool,
    },
    /// Add an actor by hand.
    Add(AddArgs),
    /// Give an actor another name (or, with --alias, a demonym or metonym).
    Alias {
        /// Id or any name of the actor.
        actor: String,
        /// The new name as written in the sources.
        name: String,
        /// Language tag (en, ja, zh-Hans, zh-Hant, ko, ru); guessed from the script if absent,
        /// except for Chinese characters, which need it.
        #[arg(long)]
        lang: Option<String>,
        /// Store it as an alias (a word that refers to the actor without being its name).
        #[arg(long)]
        alias: bool,
    },
    /// Import actors from TOML (the data/actors schema), CSV, or the UN Security Council
    /// consolidated list XML (designated persons and entities, with all their aliases).
    Import {
        file: PathBuf,
        /// File format; by default from the extension (.toml, .csv, .xml).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// For the UN list: the regime to import (the list's UN_LIST_TYPE).
        #[arg(long, default_value = "DPRK")]
        list_type: String,
        /// Validate and report without writing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Csv,
    /// The UN Security Council consolidated list.
    Un,
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// Id: a Wikidata QID, an ISO alpha-2 code for a state, or a slug (`choe-son-hui`).
    id: String,
    #[arg(long)]
    kind: ActorKind,
    /// The canonical English name.
    #[arg(long)]
    name_en: String,
    /// A name in a language: LANG=NAME (repeatable), e.g. ko=최선희.
    #[arg(long = "name", value_name = "LANG=NAME")]
    names: Vec<String>,
    /// An alias in a language: LANG=WORD (repeatable), e.g. en=North Korean.
    #[arg(long = "alias", value_name = "LANG=WORD")]
    aliases: Vec<String>,
    /// The state the actor belongs to (ISO alpha-2).
    #[arg(long)]
    country: Option<String>,
    #[arg(long)]
    wikidata: Option<String>,
    /// A post held: POST@ORG[,FROM[,TO]], e.g. foreign_minister@KP,2022-06.
    #[arg(long = "position", value_name = "POST@ORG[,FROM[,TO]]")]
    positions: Vec<String>,
    #[arg(long)]
    note: Option<String>,
}

pub fn run(ctx: &Ctx, c: Command) -> anyhow::Result<ExitCode> {
    let mut repo = ctx.open(OpenMode::ReadWrite)?;
    let bundled = Gazetteer::bundled().context("loading data/actors")?;
    run::sync_bundled_actors(repo.store_mut(), &bundled)?;
    match c {
        Command::List {
            kind,
            country,
            designated,
            origin,
            name,
            json,
        } => list(
            &repo,
            &ListFilter {
                kinds: kind,
                country,
                designated,
                origin,
                name,
            },
            json,
        ),
        Command::Show { actor, on, json } => show(&repo, &actor, on, json),
        Command::Add(a) => add(ctx, &mut repo, a),
        Command::Alias {
            actor,
            name,
            lang,
            alias,
        } => add_alias(ctx, &mut repo, &actor, &name, lang, alias),
        Command::Import {
            file,
            format,
            list_type,
            dry_run,
            json,
        } => import(ctx, &mut repo, &file, format, &list_type, dry_run, json),
    }
}

struct ListFilter {
    kinds: Vec<ActorKind>,
    country: Option<String>,
    designated: bool,
    origin: Option<String>,
    name: Option<String>,
}

impl ListFilter {
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
            if !own.is_some_and(|o| o.eq_ignore_ascii_case(c)) {
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

/// An actor as printed by `--json`: its stored fields, its origin and (for `show`) how many
/// events it takes part in.
#[derive(Serialize)]
struct ActorJson<'a> {
    #[serde(flatten)]
    actor: &'a Actor,
    origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<usize>,
}

fn list(repo: &Repo, f: &ListFilter, json: bool) -> anyhow::Result<ExitCode> {
    let store = repo.store();
    let mut rows = Vec::new();
    for a in store.actors()? {
        let origin = store.actor_origin(&a.id)?.unwrap_or_default();
        if f.keeps(&a, &origin) {
            rows.push((a, origin));
        }
    }
    if json {
        let items: Vec<ActorJson> = rows
            .iter()
            .map(|(a, o)| ActorJson {
                actor: a,
                origin: o.clone(),
                events: None,
            })
            .collect();
        output::json_lines(&items)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = output::table(&["id", "kind", "name", "country", "names", "origin"]);
    for (a, origin) in &rows {
        let langs = a
            .names
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(l, v)| format!("{l}:{}", v.len()))
            .collect::<Vec<_>>()
            .join(" ");
        let mut name = a.name_en.clone();
        if let Some(d) = &a.un_designation {
            name.push_str(&format!(" [UN {d}]"));
        }
        t.add_row(vec![
            a.id.clone(),
            a.kind.to_string(),
            output::clip(&name, 48),
            a.country.clone().unwrap_or_default(),
            langs,
            origin.clone(),
        ]);
    }
    println!("{t}");
    println!("{} actors", rows.len());
    Ok(ExitCode::SUCCESS)
}

/// The one actor `query` (an id or a name) designates, or an error listing the candidates.
fn resolve(repo: &Repo, query: &str) -> anyhow::Result<Actor> {
    let id = entente_extract::analysis::resolve_actor(repo.store(), query)?;
    repo.store()
        .actor(&id)?
        .with_context(|| format!("actor `{id}` vanished from the knowledge base"))
}

fn show(repo: &Repo, query: &str, on: Option<DateValue>, json: bool) -> anyhow::Result<ExitCode> {
    let store = repo.store();
    let a = resolve(repo, query)?;
    let origin = store.actor_origin(&a.id)?.unwrap_or_default();
    let events = store.events(&EventFilter {
        actors: vec![a.id.clone()],
        ..EventFilter::default()
    })?;
    if json {
        let mut shown = a.clone();
        if let Some(d) = on {
            shown.positions.retain(|p| p.held_on(&d));
        }
        println!(
            "{}",
            serde_json::to_string(&ActorJson {
                actor: &shown,
                origin,
                events: Some(events.len()),
            })?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let gaz = run::gazetteer_for(store)?;
    println!("{}  {} ({})", a.id, a.name_en, a.kind);
    let mut facts = Vec::new();
    if let Some(c) = &a.country {
        facts.push(format!("country: {c}"));
    }
    if let Some(w) = &a.wikidata {
        facts.push(format!("Wikidata: {w}"));
    }
    if let Some(d) = &a.un_designation {
        facts.push(format!("designated by the UN Security Council: {d}"));
    }
    facts.push(format!("origin: {origin}"));
    println!("{}", facts.join(" · "));
    print_names("Names", &a.names);
    print_names("Aliases", &a.aliases);
    let positions: Vec<&Position> = match &on {
        Some(d) => a.positions_on(d).collect(),
        None => a.positions.iter().collect(),
    };
    if !positions.is_empty() || on.is_some() {
        match on {
            Some(d) => println!("Positions held on {d}:"),
            None => println!("Positions:"),
        }
        if positions.is_empty() {
            println!("  none");
        }
        for p in positions {
            let post = p
                .title_en
                .clone()
                .or_else(|| gaz.post(&p.post).map(|x| x.label_en.clone()))
                .unwrap_or_else(|| p.post.clone());
            let org = gaz
                .actor(&p.org)
                .map(|o| o.name_en.clone())
                .unwrap_or_else(|| p.org.clone());
            let span = format!(
                "{} – {}",
                p.from.map(|d| d.to_string()).unwrap_or_else(|| "?".into()),
                p.to.map(|d| d.to_string()).unwrap_or_default()
            );
            println!("  {span:<25} {post}, {org}");
        }
    }
    if let Some(n) = &a.note {
        println!("Note: {n}");
    }
    let confirmed = events
        .iter()
        .filter(|e| e.status == entente_core::Status::Confirmed)
        .count();
    println!(
        "Events: {} ({} confirmed){}",
        events.len(),
        confirmed,
        if events.is_empty() {
            String::new()
        } else {
            format!(" — entente events list --actor {}", a.id)
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn print_names(label: &str, map: &BTreeMap<String, Vec<String>>) {
    if map.values().all(|v| v.is_empty()) {
        return;
    }
    println!("{label}:");
    for (lang, ns) in map {
        if !ns.is_empty() {
            println!("  {lang:<8} {}", ns.join("; "));
        }
    }
}

/// Splits `LANG=TEXT`.
fn lang_value<'a>(flag: &str, s: &'a str) -> anyhow::Result<(&'a str, &'a str)> {
    match s.split_once('=') {
        Some((l, v)) if !l.trim().is_empty() && !v.trim().is_empty() => Ok((l.trim(), v.trim())),
        _ => bail!("--{flag} `{s}`: expected LANG=TEXT, e.g. ko=최선희"),
    }
}

/// Parses `POST@ORG[,FROM[,TO]]`.
fn parse_position(s: &str) -> anyhow::Result<Position> {
    let bad = |why: &str| {
        anyhow::anyhow!(
            "--position `{s}`: {why} (expected POST@ORG[,FROM[,TO]], e.g. foreign_minister@KP,2022-06)"
        )
    };
    let mut parts = s.split(',').map(str::trim);
    let head = parts.next().unwrap_or_default();
    let (post, org) = head
        .split_once('@')
        .filter(|(p, o)| !p.is_empty() && !o.is_empty())
        .ok_or_else(|| bad("no POST@ORG"))?;
    let date = |d: Option<&str>, which: &str| -> anyhow::Result<Option<DateValue>> {
        match d.filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) => d
                .parse::<DateValue>()
                .map(Some)
                .map_err(|e| bad(&format!("{which} date: {e}"))),
        }
    };
    let from = date(parts.next(), "start")?;
    let to = date(parts.next(), "end")?;
    if parts.next().is_some() {
        return Err(bad("too many fields"));
    }
    Ok(Position {
        post: post.to_string(),
        org: org.to_string(),
        from,
        to,
        title_en: None,
    })
}

/// Checks `actors` laid over the current gazetteer (bundled plus the knowledge base's own);
/// the error names the file (or command) and the field.
fn validate(repo: &Repo, actors: &[Actor], what: &str) -> anyhow::Result<Gazetteer> {
    let mut gaz = run::gazetteer_for(repo.store())?;
    gaz.overlay_actors(actors.to_vec(), what)
        .with_context(|| format!("{what}: rejected, nothing was written"))?;
    Ok(gaz)
}

/// Validates one actor changed by hand and stores it as the analyst's.
fn save_own(repo: &mut Repo, actor: &Actor, what: &str) -> anyhow::Result<()> {
    validate(repo, std::slice::from_ref(actor), what)?;
    repo.store_mut()
        .upsert_actors(std::slice::from_ref(actor), USER)?;
    Ok(())
}

fn add(ctx: &Ctx, repo: &mut Repo, a: AddArgs) -> anyhow::Result<ExitCode> {
    if let Some(existing) = repo.store().actor(&a.id)? {
        bail!(
            "an actor with id `{}` exists ({}); use `entente actors alias` to give it another name",
            a.id,
            existing.name_en
        );
    }
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &a.names {
        let (l, v) = lang_value("name", n)?;
        push_unique(names.entry(l.to_string()).or_default(), v);
    }
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &a.aliases {
        let (l, v) = lang_value("alias", n)?;
        push_unique(aliases.entry(l.to_string()).or_default(), v);
    }
    let actor = Actor {
        id: a.id.trim().to_string(),
        kind: a.kind,
        name_en: a.name_en.trim().to_string(),
        names,
        aliases,
        wikidata: a.wikidata,
        country: a.country.map(|c| c.trim().to_ascii_uppercase()),
        located_in: None,
        died: None,
        positions: a
            .positions
            .iter()
            .map(|p| parse_position(p))
            .collect::<anyhow::Result<_>>()?,
        un_designation: None,
        note: a.note,
    };
    save_own(repo, &actor, "entente actors add")?;
    if !ctx.quiet {
        println!(
            "added {} ({}); the next `entente extract` re-reads every source with it",
            actor.id, actor.name_en
        );
    }
    Ok(ExitCode::SUCCESS)
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
fn guess_lang(s: &str) -> Option<&'static str> {
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

fn add_alias(
    ctx: &Ctx,
    repo: &mut Repo,
    query: &str,
    name: &str,
    lang: Option<String>,
    as_alias: bool,
) -> anyhow::Result<ExitCode> {
    let mut a = resolve(repo, query)?;
    let name = name.trim();
    if name.is_empty() {
        bail!("the new name is empty");
    }
    let lang = match lang {
        Some(l) => l,
        None => guess_lang(name)
            .with_context(|| {
                format!(
                    "cannot tell the language of `{name}` from its script; give --lang ({})",
                    gazetteer::LANGS.join(", ")
                )
            })?
            .to_string(),
    };
    let map = if as_alias {
        &mut a.aliases
    } else {
        &mut a.names
    };
    if !push_unique(map.entry(lang.clone()).or_default(), name) {
        if !ctx.quiet {
            println!("{} already has `{name}` ({lang}); nothing changed", a.id);
        }
        return Ok(ExitCode::SUCCESS);
    }
    save_own(repo, &a, "entente actors alias")?;
    if !ctx.quiet {
        println!(
            "{} ({}) gained the {} `{name}` ({lang}); the next `entente extract` re-reads every source",
            a.id,
            a.name_en,
            if as_alias { "alias" } else { "name" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What an import did (or would do with --dry-run).
#[derive(Serialize)]
struct ImportSummary {
    file: String,
    origin: String,
    read: usize,
    added: usize,
    updated: usize,
    unchanged: usize,
    designated: usize,
    /// Actors imported earlier from a file of the same kind that this file no longer has
    /// (for the UN list: possibly delisted). They are kept; review them.
    missing_since_last_import: Vec<String>,
    /// Names this file shares with other actors: matched as ambiguous, resolved by context.
    shared_names: Vec<String>,
    dry_run: bool,
}

fn import(
    ctx: &Ctx,
    repo: &mut Repo,
    file: &Path,
    format: Option<Format>,
    list_type: &str,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let format = match format {
        Some(f) => f,
        None => match file
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref()
        {
            Some("toml") => Format::Toml,
            Some("csv") => Format::Csv,
            Some("xml") => Format::Un,
            _ => bail!(
                "{}: cannot tell the format from the extension; give --format toml|csv|un",
                file.display()
            ),
        },
    };
    let actors = match format {
        Format::Toml => gazetteer::import_toml(file)?,
        Format::Csv => gazetteer::import_csv(file)?,
        Format::Un => gazetteer::import_un_consolidated(file, list_type)?,
    };
    if actors.is_empty() {
        bail!(
            "{}: no actors found{}",
            file.display(),
            if format == Format::Un {
                format!(" for list type `{list_type}`")
            } else {
                String::new()
            }
        );
    }
    let base = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let origin = format!("import:{base}");
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
    // Earlier imports of the same kind of file (the UN list, by its designations) that this
    // one no longer carries.
    let mut missing = Vec::new();
    if format == Format::Un {
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
        dry_run,
    };
    if !dry_run {
        repo.store_mut().upsert_actors(&fresh, &origin)?;
    }
    if json {
        println!("{}", serde_json::to_string(&summary)?);
    } else if !ctx.quiet {
        println!(
            "{}{}: {} actors read ({} UN-designated): {} added, {} updated, {} unchanged",
            if dry_run { "dry run — " } else { "" },
            summary.file,
            summary.read,
            summary.designated,
            summary.added,
            summary.updated,
            summary.unchanged
        );
        if !summary.shared_names.is_empty() {
            println!(
                "{} names are shared with other actors and will be resolved by context: {}",
                summary.shared_names.len(),
                output::clip(&summary.shared_names.join(", "), 300)
            );
        }
        if !summary.missing_since_last_import.is_empty() {
            println!(
                "{} actors from an earlier import are not on this list (kept; review them): {}",
                summary.missing_since_last_import.len(),
                output::clip(&summary.missing_since_last_import.join(", "), 300)
            );
        }
        if !dry_run && summary.added + summary.updated > 0 {
            println!("the next `entente extract` re-reads every source with these names");
        }
    }
    Ok(ExitCode::SUCCESS)
}
