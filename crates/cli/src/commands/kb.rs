//! Knowledge-base commands: extract, events, chronology, exchanges.

use std::process::ExitCode;

use entente_app::{
    Access, ChronologyQuery, EventAdd, EventEdit, EventQuery, ExchangesQuery, ExtractRequest,
    Period,
};
use entente_core::{DateValue, Edtf, EventType, Status};
use entente_extract::analysis::EventView;

use super::Ctx;
use crate::output;

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// Re-extract every source (after a gazetteer or lexicon change this happens anyway).
    #[arg(long)]
    all: bool,
    /// Only these sources (ids or unique prefixes).
    sources: Vec<String>,
    #[arg(long)]
    json: bool,
}

pub fn extract(ctx: &Ctx, a: ExtractArgs) -> anyhow::Result<ExitCode> {
    let app = ctx.app(Access::ReadWrite)?;
    let bar = if ctx.quiet || a.json {
        indicatif::ProgressBar::hidden()
    } else {
        output::progress_bar()
    };
    let req = ExtractRequest {
        all: a.all,
        sources: a.sources,
    };
    let summary = app.extract(&req, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    if a.json {
        outln!("{}", serde_json::to_string(&summary)?);
    } else if !ctx.quiet {
        outln!(
            "{} sources extracted: {} new events, {} merged into known events, {} statements{}",
            summary.sources,
            summary.new_events,
            summary.merged,
            summary.statements,
            if summary.dropped > 0 {
                format!(", {} events without evidence removed", summary.dropped)
            } else {
                String::new()
            }
        );
    }
    if summary.failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for f in &summary.failed {
        errln!("error: source {}: {}", f.id, f.reason);
    }
    errln!(
        "{} sources could not be extracted (listed above); nothing of theirs was stored, the others were",
        summary.failed.len()
    );
    Ok(ExitCode::FAILURE)
}

#[derive(clap::Args, Clone)]
pub struct FilterArgs {
    /// Only events in which this actor takes part (name or id); repeatable: all must take part.
    #[arg(long)]
    actor: Vec<String>,
    /// Only these types (meeting, visit, call, message, attendance, delegation, agreement…).
    #[arg(long = "type", value_delimiter = ',')]
    types: Vec<EventType>,
    /// Events on or after (YYYY, YYYY-MM, YYYY-MM-DD).
    #[arg(long)]
    from: Option<DateValue>,
    /// Events on or before.
    #[arg(long)]
    to: Option<DateValue>,
    /// Only these statuses (extracted, confirmed, rejected).
    #[arg(long, value_delimiter = ',')]
    status: Vec<Status>,
}

impl FilterArgs {
    fn query(&self) -> EventQuery {
        EventQuery {
            actors: self.actor.clone(),
            types: self.types.clone(),
            from: self.from,
            to: self.to,
            statuses: self.status.clone(),
            ..Default::default()
        }
    }
}

#[derive(clap::Subcommand)]
pub enum EventsCommand {
    /// List events (JSON Lines with --json).
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// At most this many events.
        #[arg(long)]
        limit: Option<usize>,
        /// Only events after this one in the list's order (the last id of the previous page).
        #[arg(long)]
        after: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one event with its citations.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark events as confirmed (extraction will not change them).
    Confirm { ids: Vec<String> },
    /// Mark events as rejected (they stay out of chronologies and counts).
    Reject { ids: Vec<String> },
    /// Change an event's fields (the event is then protected from re-extraction).
    Edit {
        id: String,
        #[arg(long = "type")]
        kind: Option<EventType>,
        /// EDTF date: 2025-09-04, 2025-09, 2025-10-25/2025-10-28.
        #[arg(long)]
        date: Option<Edtf>,
        /// Place (name or id).
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        framework: Option<String>,
        /// Add a participant: NAME_OR_ID[:ROLE] (role host, guest, sender, recipient, head, member, participant).
        #[arg(long = "add")]
        add: Vec<String>,
        /// Remove a participant (name or id).
        #[arg(long = "remove")]
        remove: Vec<String>,
        /// The version the edit is made on (`events show --json` gives it); when the event has
        /// changed since, nothing is written and the exit code is 3. Default: the current one.
        #[arg(long = "version")]
        version: Option<u64>,
    },
    /// Add an event by hand, citing a span of a source.
    Add {
        #[arg(long = "type")]
        kind: EventType,
        #[arg(long)]
        date: Option<Edtf>,
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        framework: Option<String>,
        /// Participant: NAME_OR_ID[:ROLE]; repeatable.
        #[arg(long = "participant", required = true)]
        participants: Vec<String>,
        /// The source that reports it (id or prefix).
        #[arg(long)]
        source: String,
        /// The quoted text in that source (must occur in it).
        #[arg(long)]
        quote: String,
    },
}

/// The distinct "outlet date" pairs of an event's citations, for a table cell.
fn sources_cell(v: &EventView, sep: &str) -> String {
    v.citations
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.outlet.as_deref().unwrap_or("?"),
                c.published.as_deref().unwrap_or("")
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(sep)
}

fn print_events(views: &[EventView], json: bool, quiet: bool) -> anyhow::Result<()> {
    if json {
        return output::json_lines(views);
    }
    let mut t = output::table(&[
        "id",
        "date",
        "type",
        "place",
        "framework",
        "participants",
        "status",
        "sources",
    ]);
    for v in views {
        t.add_row(vec![
            v.id.clone(),
            v.date.clone().unwrap_or_else(|| "?".into()),
            v.kind.to_string(),
            v.place
                .as_ref()
                .map(|p| p.name_en.clone())
                .unwrap_or_default(),
            v.framework.clone().unwrap_or_default(),
            v.participants
                .iter()
                .map(|p| format!("{} ({})", p.name_en, p.role))
                .collect::<Vec<_>>()
                .join("\n"),
            format!("{} {:.2}", v.status.as_str(), v.confidence),
            sources_cell(v, "\n"),
        ]);
    }
    outln!("{t}");
    if !quiet {
        outln!("{} events", views.len());
    }
    Ok(())
}

pub fn events(ctx: &Ctx, c: EventsCommand) -> anyhow::Result<ExitCode> {
    match c {
        EventsCommand::List {
            filter,
            limit,
            after,
            json,
        } => {
            let q = EventQuery {
                limit,
                after,
                ..filter.query()
            };
            let views = ctx.app(Access::ReadOnly)?.events(&q)?;
            print_events(&views, json, ctx.quiet)?;
        }
        EventsCommand::Show { id, json } => {
            let v = ctx.app(Access::ReadOnly)?.event(&id)?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print_events(std::slice::from_ref(&v), false, true)?;
                for c in &v.citations {
                    outln!(
                        "\n[{} {} {}] {}..{}\n  «{}»\n  {}",
                        c.outlet.as_deref().unwrap_or("?"),
                        c.published.as_deref().unwrap_or(""),
                        c.source_id.short(),
                        c.start,
                        c.end,
                        c.quote,
                        c.url.as_deref().unwrap_or("")
                    );
                }
            }
        }
        EventsCommand::Confirm { ids } => {
            let n = ctx.app(Access::ReadWrite)?.set_event_status(
                &ctx.who(),
                &ids,
                Status::Confirmed,
            )?;
            if !ctx.quiet {
                outln!("{n} confirmed");
            }
        }
        EventsCommand::Reject { ids } => {
            let n =
                ctx.app(Access::ReadWrite)?
                    .set_event_status(&ctx.who(), &ids, Status::Rejected)?;
            if !ctx.quiet {
                outln!("{n} rejected");
            }
        }
        EventsCommand::Edit {
            id,
            kind,
            date,
            place,
            framework,
            add,
            remove,
            version,
        } => {
            let app = ctx.app(Access::ReadWrite)?;
            let version = match version {
                Some(v) => v,
                None => app.event(&id)?.version,
            };
            app.edit_event(
                &ctx.who(),
                &id,
                &EventEdit {
                    version,
                    kind,
                    date,
                    place,
                    framework,
                    add,
                    remove,
                },
            )?;
            if !ctx.quiet {
                outln!("event {id} updated (protected from re-extraction)");
            }
        }
        EventsCommand::Add {
            kind,
            date,
            place,
            framework,
            participants,
            source,
            quote,
        } => {
            let v = ctx.app(Access::ReadWrite)?.add_event(
                &ctx.who(),
                &EventAdd {
                    kind,
                    date,
                    place,
                    framework,
                    participants,
                    source,
                    quote,
                },
            )?;
            outln!("{}", v.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct ChronologyArgs {
    /// Actors who all take part, comma-separated names or ids ("Xi Jinping,Vladimir Putin").
    #[arg(long, value_delimiter = ',', required = true)]
    actors: Vec<String>,
    /// Event types (default: meeting, visit, call).
    #[arg(long, value_delimiter = ',')]
    types: Vec<EventType>,
    #[arg(long)]
    from: Option<DateValue>,
    #[arg(long)]
    to: Option<DateValue>,
    #[arg(long)]
    json: bool,
}

pub fn chronology(ctx: &Ctx, a: ChronologyArgs) -> anyhow::Result<ExitCode> {
    let views = ctx.app(Access::ReadOnly)?.chronology(&ChronologyQuery {
        actors: a.actors,
        types: a.types,
        from: a.from,
        to: a.to,
    })?;
    if a.json {
        output::json_lines(&views)?;
        return Ok(ExitCode::SUCCESS);
    }
    print_chronology(&views);
    Ok(ExitCode::SUCCESS)
}

pub fn print_chronology(views: &[EventView]) {
    let mut t = output::table(&[
        "date",
        "type",
        "place",
        "framework",
        "participants",
        "sources",
    ]);
    for v in views {
        t.add_row(vec![
            v.date.clone().unwrap_or_else(|| "?".into()),
            v.kind.to_string(),
            v.place
                .as_ref()
                .map(|p| p.name_en.clone())
                .unwrap_or_default(),
            v.framework.clone().unwrap_or_default(),
            v.participants
                .iter()
                .map(|p| p.name_en.clone())
                .collect::<Vec<_>>()
                .join(", "),
            sources_cell(v, "; "),
        ]);
    }
    outln!("{t}");
}

#[derive(clap::Args)]
pub struct ExchangesArgs {
    /// Two states, ISO codes: RU,KP.
    #[arg(long, value_delimiter = ',', required = true, num_args = 1)]
    between: Vec<String>,
    /// Count per year or per month.
    #[arg(long, default_value = "year", value_parser = ["year", "month"])]
    by: String,
    /// Also count the exchanges this leader took part in.
    #[arg(long = "with")]
    with: Option<String>,
    #[arg(long)]
    from: Option<DateValue>,
    #[arg(long)]
    to: Option<DateValue>,
    #[arg(long)]
    json: bool,
}

pub fn exchanges(ctx: &Ctx, a: ExchangesArgs) -> anyhow::Result<ExitCode> {
    let rows = ctx.app(Access::ReadOnly)?.exchanges(&ExchangesQuery {
        between: a.between.clone(),
        by: if a.by == "month" {
            Period::Month
        } else {
            Period::Year
        },
        with: a.with.clone(),
        from: a.from,
        to: a.to,
    })?;
    if a.json {
        return output::json_lines(&rows).map(|_| ExitCode::SUCCESS);
    }
    let with_name = a.with.clone().unwrap_or_default();
    let mut t = output::table(&[
        "period",
        "exchanges",
        &format!("with {with_name}"),
        "change",
        "events",
    ]);
    for r in &rows {
        t.add_row(vec![
            r.period.clone(),
            r.exchanges.to_string(),
            r.with_leader.map(|n| n.to_string()).unwrap_or_default(),
            match (r.change, r.change_pct) {
                (Some(c), Some(p)) => format!("{c:+} ({p:+.0}%)"),
                (Some(c), None) => format!("{c:+}"),
                _ => String::new(),
            },
            output::clip(&r.event_ids.join(" "), 60),
        ]);
    }
    outln!("{t}");
    Ok(ExitCode::SUCCESS)
}
