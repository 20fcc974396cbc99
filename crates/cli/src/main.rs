//! `entente`: the command-line front of the entente workspace. It parses arguments,
//! shows progress and formats output; the work happens in the library crates.

#[macro_use]
mod output;
mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "entente",
    version,
    about = "Sourced analysis of relations between states from open sources"
)]
pub struct Cli {
    /// Data directory (SQLite knowledge base, search index, trade store).
    #[arg(
        long,
        global = true,
        env = "ENTENTE_HOME",
        default_value = "entente-data"
    )]
    data_dir: PathBuf,
    /// Print only results and errors (no progress bars or notes).
    #[arg(short, long, global = true)]
    quiet: bool,
    /// More log output (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or check) the data directory. Safe to run again.
    Init,
    /// Ingest files, directories, URLs or standard input (`-`).
    Ingest(commands::ingest::Args),
    /// Full-text search over ingested sources.
    Search(commands::search::Args),
    /// List and show ingested sources.
    #[command(subcommand)]
    Sources(commands::sources::Command),
    /// Check that the store and the search index agree, and repair them.
    Doctor(commands::doctor::Args),
    /// Extract events and statements from ingested sources (only new ones unless --all).
    Extract(commands::kb::ExtractArgs),
    /// List, show, add, rename and import actors (people, states, organisations, places…).
    #[command(subcommand)]
    Actors(commands::actors::Command),
    /// List, show, confirm, reject, edit and add events.
    #[command(subcommand)]
    Events(commands::kb::EventsCommand),
    /// The summit table: events in which all the given actors take part.
    Chronology(commands::kb::ChronologyArgs),
    /// High-level exchanges between two states per year, with a leader's share.
    Exchanges(commands::kb::ExchangesArgs),
    /// How outlets reported the same event: aligned statements, omissions, concepts, absences.
    Compare(commands::compare::CompareArgs),
    /// How often a phrase or concept is used per period and outlet; intensity ladders.
    Trend(commands::compare::TrendArgs),
    /// Render a briefing (HTML, Markdown or PDF) from a spec, every figure footnoted.
    Brief(commands::brief::BriefArgs),
    /// Export the relationship map (states, leaders, relations) as GraphML, GEXF or JSON.
    Graph(commands::brief::GraphArgs),
    /// Score extraction against a gold set (NAME.md articles with NAME.json expected events).
    Eval(commands::eval::Args),
    /// Run the demonstration: a fresh data directory under ./demo with the bundled examples.
    Demo(commands::demo::Args),
    /// Customs statistics: import, totals, year-to-date, top products, series, SQL, sanctions screen.
    #[command(subcommand)]
    Trade(commands::trade::Command),
    /// HS nomenclature: labels, rollups, edition concordance.
    #[command(subcommand)]
    Hs(commands::hs::Command),
    /// Serve the HTTP API (`/api/v1`) on this data directory, for a team.
    Serve(commands::serve::Args),
    /// Accounts of the server: add, list, disable, enable, reset.
    #[command(subcommand)]
    Users(commands::users::Command),
    /// Watched sources: feeds and index pages polled for new items (add, list, run, remove).
    #[command(subcommand)]
    Watch(commands::watch::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ENTENTE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    let ctx = commands::Ctx {
        data_dir: cli.data_dir,
        quiet: cli.quiet,
    };
    let result = match cli.command {
        Command::Init => commands::init::run(&ctx),
        Command::Ingest(a) => commands::ingest::run(&ctx, a),
        Command::Search(a) => commands::search::run(&ctx, a),
        Command::Sources(c) => commands::sources::run(&ctx, c),
        Command::Doctor(a) => commands::doctor::run(&ctx, a),
        Command::Demo(a) => commands::demo::run(&ctx, a),
        Command::Extract(a) => commands::kb::extract(&ctx, a),
        Command::Eval(a) => commands::eval::run(&ctx, a),
        Command::Actors(c) => commands::actors::run(&ctx, c),
        Command::Events(c) => commands::kb::events(&ctx, c),
        Command::Chronology(a) => commands::kb::chronology(&ctx, a),
        Command::Exchanges(a) => commands::kb::exchanges(&ctx, a),
        Command::Compare(a) => commands::compare::compare(&ctx, a),
        Command::Trend(a) => commands::compare::trend(&ctx, a),
        Command::Brief(a) => commands::brief::brief(&ctx, a),
        Command::Graph(a) => commands::brief::graph(&ctx, a),
        Command::Trade(c) => commands::trade::run(&ctx, c),
        Command::Hs(c) => commands::hs::run(&ctx, c),
        Command::Serve(a) => commands::serve::run(&ctx, a),
        Command::Users(c) => commands::users::run(&ctx, c),
        Command::Watch(c) => commands::watch::run(&ctx, c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            errln!("error: {e:#}");
            exit_code(&e)
        }
    }
}

/// The exit code for an error, by who must act (README, "Exit codes"): 3 when the record
/// changed since it was read, 75 (EX_TEMPFAIL) when another process holds a lock, else 1.
fn exit_code(e: &anyhow::Error) -> ExitCode {
    use entente_app::ErrorKind;
    let kind = e.chain().find_map(|c| {
        c.downcast_ref::<entente_app::AppError>()
            .map(|a| a.kind)
            .or_else(|| {
                c.downcast_ref::<entente_store::StoreError>()
                    .map(entente_app::ErrorKind::of_store)
            })
    });
    match kind {
        Some(ErrorKind::Conflict | ErrorKind::Exists | ErrorKind::WrongState) => ExitCode::from(3),
        Some(ErrorKind::Busy) => ExitCode::from(75),
        _ => ExitCode::FAILURE,
    }
}
