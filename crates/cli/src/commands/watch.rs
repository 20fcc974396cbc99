//! `entente watch`: feeds and index pages polled for new items (ingested, then extracted).

use std::process::ExitCode;

use entente_app::{Access, PollSummary, WatchAdd, WatchRow};

use super::Ctx;
use crate::output::{self, clean};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Watch an RSS/Atom feed or an HTML index page; its first poll is due at once.
    Add {
        url: String,
        /// The outlet its items are ingested as (e.g. KCNA, TASS).
        #[arg(long)]
        outlet: Option<String>,
        /// How often to poll: 90s, 30m, 1h, 1d (at least 1m).
        #[arg(long, default_value = "1h")]
        every: String,
        /// The language of its items, when the text does not tell (BCP 47: ko, zh-Hans…).
        #[arg(long)]
        lang: Option<String>,
        /// On an index page, a regular expression the item links match (default: every link
        /// to another page of the same host).
        #[arg(long)]
        links: Option<String>,
    },
    /// List watched sources with their last poll.
    List {
        /// JSON Lines, one watch per line.
        #[arg(long)]
        json: bool,
    },
    /// Poll now: the watches named, or every due one (all with --all).
    Run {
        ids: Vec<String>,
        /// Every watch, due or not.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        /// JSON Lines, one poll summary per line.
        #[arg(long)]
        json: bool,
    },
    /// Stop watching (what was ingested stays).
    Remove { id: String },
}

fn when(s: &Option<String>) -> String {
    s.as_deref()
        .map(|t| t.get(..19).unwrap_or(t).replace('T', " "))
        .unwrap_or_default()
}

fn every(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

pub fn run(ctx: &Ctx, c: Command) -> anyhow::Result<ExitCode> {
    let who = ctx.who();
    match c {
        Command::Add {
            url,
            outlet,
            every,
            lang,
            links,
        } => {
            let lang = lang
                .map(|l| l.parse().map_err(|e| anyhow::anyhow!("--lang {l}: {e}")))
                .transpose()?;
            let w = ctx.app(Access::ReadWrite)?.add_watch(
                &who,
                &WatchAdd {
                    url,
                    outlet,
                    lang,
                    links,
                    every: Some(every),
                },
            )?;
            if !ctx.quiet {
                outln!(
                    "watching {} as {} (every {})",
                    clean(&w.url),
                    w.id,
                    self::every(w.every_secs)
                );
            }
        }
        Command::List { json } => {
            let rows: Vec<WatchRow> = ctx.app(Access::ReadOnly)?.watches(&who)?;
            if json {
                output::json_lines(&rows)?;
            } else {
                let mut t = output::table(&[
                    "id",
                    "url",
                    "outlet",
                    "every",
                    "last poll",
                    "status",
                    "next due",
                    "error",
                ]);
                for w in &rows {
                    t.add_row(vec![
                        w.id.clone(),
                        clean(&w.url).into_owned(),
                        clean(w.outlet.as_deref().unwrap_or("")).into_owned(),
                        every(w.every_secs),
                        when(&w.last_polled),
                        w.last_status.clone().unwrap_or_default(),
                        when(&Some(w.next_due.clone())),
                        clean(w.last_error.as_deref().unwrap_or("")).into_owned(),
                    ]);
                }
                outln!("{t}");
            }
        }
        Command::Run { ids, all, json } => {
            let app = ctx.app(Access::ReadWrite)?;
            let ids: Vec<String> = if !ids.is_empty() {
                ids
            } else if all {
                app.watches(&who)?.into_iter().map(|w| w.id).collect()
            } else {
                app.due_watches(&who)?.into_iter().map(|w| w.id).collect()
            };
            if ids.is_empty() && !ctx.quiet && !json {
                outln!("no watch is due (`entente watch run --all` polls every one)");
            }
            let mut failed = 0;
            for id in &ids {
                let bar = if ctx.quiet || json {
                    indicatif::ProgressBar::hidden()
                } else {
                    output::progress_bar()
                };
                bar.set_message(id.clone());
                let r = app.poll_watch(&who, id, &entente_app::Cancel::new(), &mut |d, t| {
                    bar.set_length(t);
                    bar.set_position(d);
                });
                bar.finish_and_clear();
                match r {
                    Ok(s) if json => output::json_lines(std::slice::from_ref(&s))?,
                    Ok(s) => {
                        if !ctx.quiet {
                            outln!("{}", describe(&s));
                        }
                        for f in &s.failures {
                            errln!("  failed: {}: {}", clean(&f.item), clean(&f.message));
                        }
                    }
                    Err(e) => {
                        failed += 1;
                        errln!("error: {}", clean(&e.to_string()));
                    }
                }
            }
            if failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Remove { id } => {
            ctx.app(Access::ReadWrite)?.remove_watch(&who, &id)?;
            if !ctx.quiet {
                outln!("no longer watching {id}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(s: &PollSummary) -> String {
    let mut line = format!("{} {}: ", s.watch, clean(&s.url));
    match s.status.as_str() {
        "not_modified" => line.push_str("not modified since the last poll"),
        _ => {
            line.push_str(&format!(
                "{} items listed, {} not seen before; {} new, {} already stored, {} near-duplicates, {} failed",
                s.found, s.unseen, s.new, s.unchanged, s.near_duplicate, s.failed
            ));
            if s.deferred > 0 {
                line.push_str(&format!("; {} left for the next poll", s.deferred));
            }
            if s.disallowed > 0 {
                line.push_str(&format!("; {} disallowed by robots.txt", s.disallowed));
            }
            if let Some(x) = &s.extraction {
                line.push_str(&format!(
                    "; extracted {} new events, {} merged",
                    x.new_events, x.merged
                ));
            }
        }
    }
    line
}
