//! `entente actors`: list, show, add, alias and import the actors extraction matches. The
//! application layer validates and stores (see `entente_app::App::actors`); this module parses
//! the arguments and prints.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use entente_app::{
    Access, ActorAdd, ActorAlias, ActorFormat, ActorImport, ActorQuery, App, ImportSummary,
};
use entente_core::{ActorKind, DateValue, Position};

use super::Ctx;
use crate::output;

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
    // Every actor command brings the bundled actors up to date first, so it writes.
    let app = ctx.app(Access::ReadWrite)?;
    match c {
        Command::List {
            kind,
            country,
            designated,
            origin,
            name,
            json,
        } => list(
            &app,
            &ActorQuery {
                kinds: kind,
                country,
                designated,
                origin,
                name,
            },
            json,
        ),
        Command::Show { actor, on, json } => show(&app, &actor, on, json),
        Command::Add(a) => add(ctx, &app, a),
        Command::Alias {
            actor,
            name,
            lang,
            alias,
        } => add_alias(ctx, &app, actor, name, lang, alias),
        Command::Import {
            file,
            format,
            list_type,
            dry_run,
            json,
        } => import(
            ctx,
            &app,
            ActorImport {
                file,
                format: format.map(|f| match f {
                    Format::Toml => ActorFormat::Toml,
                    Format::Csv => ActorFormat::Csv,
                    Format::Un => ActorFormat::Un,
                }),
                list_type,
                dry_run,
            },
            json,
        ),
    }
}

fn list(app: &App, q: &ActorQuery, json: bool) -> anyhow::Result<ExitCode> {
    let rows = app.actors(q)?;
    if json {
        output::json_lines(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = output::table(&["id", "kind", "name", "country", "names", "origin"]);
    for r in &rows {
        let a = &r.actor;
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
            r.origin.clone(),
        ]);
    }
    outln!("{t}");
    outln!("{} actors", rows.len());
    Ok(ExitCode::SUCCESS)
}

fn show(app: &App, query: &str, on: Option<DateValue>, json: bool) -> anyhow::Result<ExitCode> {
    let d = app.actor(query, on)?;
    if json {
        outln!("{}", serde_json::to_string(&d.record)?);
        return Ok(ExitCode::SUCCESS);
    }
    let a = &d.record.actor;
    outln!("{}  {} ({})", a.id, a.name_en, a.kind);
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
    facts.push(format!("origin: {}", d.record.origin));
    outln!("{}", facts.join(" · "));
    print_names("Names", &a.names);
    print_names("Aliases", &a.aliases);
    if !d.positions.is_empty() || on.is_some() {
        match on {
            Some(d) => outln!("Positions held on {d}:"),
            None => outln!("Positions:"),
        }
        if d.positions.is_empty() {
            outln!("  none");
        }
        for p in &d.positions {
            let span = format!(
                "{} – {}",
                p.position
                    .from
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "?".into()),
                p.position.to.map(|d| d.to_string()).unwrap_or_default()
            );
            outln!("  {span:<25} {}, {}", p.post_label, p.org_name);
        }
    }
    if let Some(n) = &a.note {
        outln!("Note: {n}");
    }
    let events = d.record.events.unwrap_or(0);
    outln!(
        "Events: {} ({} confirmed){}",
        events,
        d.confirmed_events,
        if events == 0 {
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
    outln!("{label}:");
    for (lang, ns) in map {
        if !ns.is_empty() {
            outln!("  {lang:<8} {}", ns.join("; "));
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

fn add(ctx: &Ctx, app: &App, a: AddArgs) -> anyhow::Result<ExitCode> {
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &a.names {
        let (l, v) = lang_value("name", n)?;
        names.entry(l.to_string()).or_default().push(v.to_string());
    }
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &a.aliases {
        let (l, v) = lang_value("alias", n)?;
        aliases
            .entry(l.to_string())
            .or_default()
            .push(v.to_string());
    }
    let actor = app.add_actor(
        &ctx.who(),
        &ActorAdd {
            id: a.id,
            kind: a.kind,
            name_en: a.name_en,
            names,
            aliases,
            country: a.country,
            wikidata: a.wikidata,
            positions: a
                .positions
                .iter()
                .map(|p| parse_position(p))
                .collect::<anyhow::Result<_>>()?,
            note: a.note,
        },
    )?;
    if !ctx.quiet {
        outln!(
            "added {} ({}); the next `entente extract` re-reads every source with it",
            actor.id,
            actor.name_en
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn add_alias(
    ctx: &Ctx,
    app: &App,
    actor: String,
    name: String,
    lang: Option<String>,
    alias: bool,
) -> anyhow::Result<ExitCode> {
    if lang.is_none() && !name.trim().is_empty() && entente_app::guess_lang(name.trim()).is_none() {
        bail!(
            "cannot tell the language of `{}` from its script; give --lang ({})",
            name.trim(),
            entente_extract::gazetteer::LANGS.join(", ")
        );
    }
    let o = app.alias_actor(
        &ctx.who(),
        &ActorAlias {
            actor,
            name: name.clone(),
            lang,
            alias,
        },
    )?;
    let (name, lang) = (name.trim(), &o.lang);
    if ctx.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    if o.changed {
        outln!(
            "{} ({}) gained the {} `{name}` ({lang}); the next `entente extract` re-reads every source",
            o.id,
            o.name_en,
            if alias { "alias" } else { "name" }
        );
    } else {
        outln!("{} already has `{name}` ({lang}); nothing changed", o.id);
    }
    Ok(ExitCode::SUCCESS)
}

fn import(ctx: &Ctx, app: &App, req: ActorImport, json: bool) -> anyhow::Result<ExitCode> {
    let summary: ImportSummary = app.import_actors(&ctx.who(), &req)?;
    let dry_run = summary.dry_run;
    if json {
        outln!("{}", serde_json::to_string(&summary)?);
    } else if !ctx.quiet {
        outln!(
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
            outln!(
                "{} names are shared with other actors and will be resolved by context: {}",
                summary.shared_names.len(),
                output::clip(&summary.shared_names.join(", "), 300)
            );
        }
        if !summary.missing_since_last_import.is_empty() {
            outln!(
                "{} actors from an earlier import are not on this list (kept; review them): {}",
                summary.missing_since_last_import.len(),
                output::clip(&summary.missing_since_last_import.join(", "), 300)
            );
        }
        if !dry_run && summary.added + summary.updated > 0 {
            outln!("the next `entente extract` re-reads every source with these names");
        }
    }
    Ok(ExitCode::SUCCESS)
}
