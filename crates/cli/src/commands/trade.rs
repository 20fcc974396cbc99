//! `entente trade …`: customs statistics import, queries and the sanctions screen. The
//! application layer runs them; this parses flags, prints tables and notes.

use std::path::PathBuf;
use std::process::ExitCode;

use entente_app::export;
use entente_app::{
    Access, ReconcileQuery, ScreenQuery, SeriesQuery, TopQuery, TotalsQuery, TradeImport,
    TradeImportProgress, TradeScope, YtdQuery,
};
use entente_trade::{By, Flow, Format, LineKind, model::display_hs};
use serde::Serialize;

use super::Ctx;
use crate::output;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Import customs statistics (China Customs CSV, UN Comtrade CSV, canonical CSV).
    Import(ImportArgs),
    /// Exports, imports, total and balance per year or month.
    Totals(TotalsArgs),
    /// January to month N of several years side by side.
    Ytd(YtdArgs),
    /// The largest HS codes for one flow and period.
    Top(TopArgs),
    /// Values of one HS code or prefix over time.
    Series(SeriesArgs),
    /// Read-only SQL over the tables `trade`, `records` and `vintages`.
    Sql(SqlArgs),
    /// Screen HS lines against UN Security Council measures.
    Screen(ScreenArgs),
    /// Each dataset's figures side by side per period (China Customs, Comtrade, CSV), with
    /// the one queries use and the difference.
    Reconcile(ReconcileArgs),
    /// List imported files (the manifest), with superseded periods.
    Files(OutArgs),
}

#[derive(clap::Args, Clone, Copy)]
pub struct OutArgs {
    /// JSON Lines.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// CSV with a header line.
    #[arg(long)]
    csv: bool,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Files to import.
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// china-customs, comtrade or csv.
    #[arg(long)]
    format: Format,
    /// Reporter (ISO alpha-2) for formats that do not say it (China Customs: default CN).
    #[arg(long)]
    reporter: Option<String>,
    /// Flow for formats that do not say it (China Customs): export or import.
    #[arg(long)]
    flow: Option<Flow>,
    /// The file holds cumulative year-to-date figures (difference them into months).
    #[arg(long)]
    cumulative: bool,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct ScopeArgs {
    /// Reporter (ISO alpha-2).
    #[arg(long, default_value = "CN")]
    reporter: String,
    /// Partner (ISO alpha-2).
    #[arg(long)]
    partner: String,
    /// Only this dataset (china-customs, comtrade, csv). Without it, where several datasets
    /// hold the same year and flow, one is read by precedence: china-customs > comtrade > csv.
    #[arg(long)]
    dataset: Option<String>,
}

/// The period range of a query.
#[derive(clap::Args, Default)]
pub struct PeriodArgs {
    /// First period (YYYY or YYYY-MM).
    #[arg(long)]
    from: Option<String>,
    /// Last period (YYYY or YYYY-MM).
    #[arg(long)]
    to: Option<String>,
}

/// The data as released at a date or release.
#[derive(clap::Args)]
pub struct AsOfArgs {
    /// The data as released on this date (YYYY-MM-DD) or right after this release (sha256
    /// prefix from `trade files`): later imports left out, the figures they replaced back.
    #[arg(
        long = "as-of",
        visible_alias = "data-as-of",
        value_name = "DATE|RELEASE"
    )]
    as_of: Option<String>,
}

/// The period range of a query and the data release it reads.
#[derive(clap::Args)]
pub struct WindowArgs {
    #[command(flatten)]
    period: PeriodArgs,
    #[command(flatten)]
    as_of: AsOfArgs,
}

impl ScopeArgs {
    /// The request's scope over a period range and a data release.
    fn scope(&self, p: &PeriodArgs, as_of: Option<&String>) -> TradeScope {
        TradeScope {
            reporter: self.reporter.clone(),
            partner: self.partner.clone(),
            dataset: self.dataset.clone(),
            from: p.from.clone(),
            to: p.to.clone(),
            as_of: as_of.cloned(),
        }
    }

    /// The scope over a window.
    fn with(&self, w: &WindowArgs) -> TradeScope {
        self.scope(&w.period, w.as_of.as_of.as_ref())
    }
}

/// `year` or `month`, by the names of [`By`].
fn by() -> impl clap::builder::TypedValueParser<Value = By> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(By::ALL.map(By::as_str)).try_map(|s| s.parse::<By>())
}

#[derive(clap::Args)]
pub struct TotalsArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long, default_value = "year", value_parser = by())]
    by: By,
    #[command(flatten)]
    window: WindowArgs,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long)]
    flow: Option<Flow>,
    #[arg(long, default_value = "year", value_parser = by())]
    by: By,
    #[command(flatten)]
    window: WindowArgs,
    /// Only periods held by two datasets or more.
    #[arg(long)]
    overlaps: bool,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct YtdArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    /// Last month of the comparison (1-12).
    #[arg(long)]
    through: u8,
    /// Years, `2019-2025`.
    #[arg(long)]
    years: String,
    /// Base year for `change_on_base` (default: the first year).
    #[arg(long)]
    base: Option<i32>,
    #[command(flatten)]
    as_of: AsOfArgs,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct TopArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long)]
    flow: Flow,
    #[command(flatten)]
    window: WindowArgs,
    /// HS digits: 2, 4, 6 or 8. Value reported only at fewer digits is shown as
    /// "unallocated", so the lines add up to the total.
    #[arg(long, default_value_t = 4)]
    level: usize,
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Compare with the same months of this year ("—" where that year has no data to tell).
    #[arg(long)]
    compare: Option<i32>,
    /// Label language: en, zh or ja.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Merge codes that changed between HS editions (data/hs/concordance.csv) so years compare.
    #[arg(long)]
    harmonize: bool,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct SeriesArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    /// HS code or prefix (2710, 2710.12).
    #[arg(long)]
    hs: String,
    #[arg(long)]
    flow: Option<Flow>,
    #[arg(long, default_value = "month", value_parser = by())]
    by: By,
    #[command(flatten)]
    window: WindowArgs,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct SqlArgs {
    /// A SELECT over `trade` (reporter, partner, flow, year, month, period, hs, value_usd,
    /// quantity, unit, …, source_file, source_sha256, source_line), `records` or `vintages`.
    query: String,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long)]
    flow: Flow,
    #[command(flatten)]
    period: PeriodArgs,
    /// Measures in force on this date (YYYY-MM-DD; default today).
    #[arg(long)]
    as_of: Option<String>,
    /// The trade data as released on this date or right after this release (see `--as-of`
    /// of the other queries; here `--as-of` dates the measures).
    #[arg(long, value_name = "DATE|RELEASE")]
    data_as_of: Option<String>,
    /// A measures file (default: the bundled data/sanctions/unsc-dprk.toml).
    #[arg(long)]
    measures: Option<PathBuf>,
    /// Show lines without measures too.
    #[arg(long)]
    all: bool,
    #[arg(long, default_value = "en")]
    lang: String,
    #[command(flatten)]
    out: OutArgs,
}

/// Money with thousands separators.
pub fn money(v: f64) -> String {
    entente_trade::query::thousands(v)
}

pub fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:+.1}%", x * 100.0)).unwrap_or_default()
}

/// A value that may be missing: "—" for no data (never a 0 that was not reported).
fn money_or_dash(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), money)
}

/// The amount columns of `totals` and `ytd`.
const AMOUNTS: [&str; 4] = ["exports US$", "imports US$", "total US$", "balance US$"];

/// Exports, imports, total and balance as cells ("—" where missing).
fn amounts(v: [Option<f64>; 4]) -> [String; 4] {
    v.map(money_or_dash)
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
/// Exports keep their bytes exact in a file or a pipe; on a terminal, control characters
/// are shown escaped.
fn write_out(text: &str) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        crate::output::stdout_bytes(crate::output::clean(text).as_bytes());
    } else {
        crate::output::stdout_bytes(text.as_bytes());
    }
    Ok(())
}

/// Writes rows as JSON Lines or CSV (see [`entente_app::export`]), or returns false for a
/// table.
pub fn emit<T: Serialize>(rows: &[T], out: OutArgs) -> anyhow::Result<bool> {
    let text = if out.json {
        export::to_json_lines(rows)?
    } else if out.csv {
        export::to_csv(rows)?
    } else {
        return Ok(false);
    };
    write_out(&text)?;
    Ok(true)
}

/// Prints a table in the house style.
fn show(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> anyhow::Result<()> {
    let mut t = output::table(header);
    for r in rows {
        t.add_row(r);
    }
    write_out(&format!("{t}\n"))
}

/// Notes for the reader on stderr (`--quiet` hides them): which dataset and release were
/// read, and caveats.
fn notes(ctx: &Ctx, lines: impl IntoIterator<Item = String>) {
    if !ctx.quiet {
        for l in lines {
            errln!("note: {l}");
        }
    }
}

/// Each row's note, after what the row is (`2025: …`).
fn row_notes<'a>(ctx: &Ctx, rows: impl IntoIterator<Item = (String, Option<&'a String>)>) {
    notes(
        ctx,
        rows.into_iter()
            .filter_map(|(what, n)| n.map(|n| format!("{what}: {n}"))),
    );
}

pub fn run(ctx: &Ctx, cmd: Command) -> anyhow::Result<ExitCode> {
    let app = match cmd {
        Command::Import(a) => return import(ctx, a),
        _ => ctx.reader()?,
    };
    match cmd {
        Command::Import(a) => return import(ctx, a),
        Command::Totals(a) => {
            let res = app.trade_totals(&TotalsQuery {
                scope: a.scope.with(&a.window),
                by: a.by,
            })?;
            notes(ctx, res.notes);
            let rows = res.rows;
            if !emit(&rows, a.out)? {
                let several = rows.iter().any(|r| r.dataset.contains('+'))
                    || rows.windows(2).any(|w| w[0].dataset != w[1].dataset);
                let mut header = vec!["period"];
                header.extend(AMOUNTS);
                header.push("change");
                if several {
                    header.push("dataset");
                }
                show(
                    &header,
                    rows.iter().map(|r| {
                        let mut row = vec![r.period_label()];
                        row.extend(amounts([
                            r.exports_usd,
                            r.imports_usd,
                            r.total_usd,
                            r.balance_usd,
                        ]));
                        row.push(pct(r.change));
                        if several {
                            row.push(r.dataset.clone());
                        }
                        row
                    }),
                )?;
            }
            row_notes(
                ctx,
                rows.iter().map(|r| (r.period.clone(), r.note.as_ref())),
            );
        }
        Command::Reconcile(a) => {
            let rows = app.trade_reconcile(&ReconcileQuery {
                scope: a.scope.with(&a.window),
                flow: a.flow,
                by: a.by,
                overlaps: a.overlaps,
            })?;
            if !emit(&rows, a.out)? {
                show(
                    &[
                        "period",
                        "flow",
                        "china-customs US$",
                        "comtrade US$",
                        "csv US$",
                        "used",
                        "difference US$",
                        "difference",
                    ],
                    rows.iter().map(|r| {
                        vec![
                            r.period.clone(),
                            r.flow.to_string(),
                            money_or_dash(r.china_customs_usd),
                            money_or_dash(r.comtrade_usd),
                            money_or_dash(r.csv_usd),
                            r.used.clone(),
                            r.difference_usd.map(money).unwrap_or_default(),
                            pct(r.difference_share),
                        ]
                    }),
                )?;
            }
            row_notes(
                ctx,
                rows.iter()
                    .map(|r| (format!("{} {}", r.period, r.flow), r.note.as_ref())),
            );
        }
        Command::Ytd(a) => {
            let res = app.trade_ytd(&YtdQuery {
                scope: a
                    .scope
                    .scope(&PeriodArgs::default(), a.as_of.as_of.as_ref()),
                through: a.through,
                years: a.years.clone(),
                base: a.base,
            })?;
            notes(ctx, res.notes);
            let rows = res.rows;
            if !emit(&rows, a.out)? {
                let base = rows.first().map_or_else(
                    || a.years.split('-').next().unwrap_or("").trim().to_string(),
                    |r| r.base_year.to_string(),
                );
                let on_base = format!("on {base}");
                let mut header = vec!["year", "months"];
                header.extend(AMOUNTS);
                header.extend(["on prev. year", &on_base]);
                show(
                    &header,
                    rows.iter().map(|r| {
                        let mut row = vec![
                            r.year.to_string(),
                            r.months_label().unwrap_or_else(|| "—".into()),
                        ];
                        row.extend(amounts([
                            r.exports_usd,
                            r.imports_usd,
                            r.total_usd,
                            r.balance_usd,
                        ]));
                        row.extend([pct(r.change), pct(r.change_on_base)]);
                        row
                    }),
                )?;
            }
            // Why a cell is "—" (no data, not zero) or a year partial.
            row_notes(
                ctx,
                rows.iter().map(|r| (r.year.to_string(), r.note.as_ref())),
            );
        }
        Command::Top(a) => {
            let res = app.trade_top(&TopQuery {
                scope: a.scope.with(&a.window),
                flow: a.flow,
                level: a.level,
                limit: a.limit,
                compare: a.compare,
                lang: a.lang,
                harmonize: a.harmonize,
            })?;
            notes(ctx, res.notes);
            let table = res.rows;
            let lines = table.lines(a.flow);
            if !emit(&lines, a.out)? {
                let mut header = vec!["#", "HS", "label", "US$", "share"];
                let cmp_head = table
                    .compare_period
                    .as_ref()
                    .map(|p| format!("US$ {p}"))
                    .unwrap_or_default();
                if a.compare.is_some() {
                    header.extend([cmp_head.as_str(), "change"]);
                }
                let mut rows: Vec<Vec<String>> = lines
                    .iter()
                    .map(|r| {
                        let mut row = vec![
                            r.rank.map(|n| n.to_string()).unwrap_or_default(),
                            match r.line {
                                LineKind::Code => display_hs(&r.hs),
                                _ => String::new(),
                            },
                            output::clip(r.label.as_deref().unwrap_or(""), 60),
                            money(r.value_usd),
                            format!("{:.1}%", r.share * 100.0),
                        ];
                        if a.compare.is_some() {
                            row.push(money_or_dash(r.compare_value_usd));
                            row.push(pct(r.change));
                        }
                        row
                    })
                    .collect();
                let mut total = vec![
                    String::new(),
                    String::new(),
                    "Total".to_string(),
                    money(table.total_usd),
                    "100.0%".to_string(),
                ];
                if a.compare.is_some() {
                    total.extend([String::new(), String::new()]);
                }
                rows.push(total);
                show(&header, rows)?;
            }
            notes(ctx, table.notes.iter().cloned());
        }
        Command::Series(a) => {
            let res = app.trade_series(&SeriesQuery {
                scope: a.scope.with(&a.window),
                hs: a.hs,
                flow: a.flow,
                by: a.by,
            })?;
            notes(ctx, res.notes);
            if !emit(&res.rows, a.out)? {
                show(
                    &["period", "flow", "HS", "US$", "quantity", "unit"],
                    res.rows.iter().map(|r| {
                        vec![
                            r.period.clone(),
                            r.flow.to_string(),
                            display_hs(&r.hs),
                            money(r.value_usd),
                            r.quantity.map(money).unwrap_or_default(),
                            r.unit.clone().unwrap_or_default(),
                        ]
                    }),
                )?;
            }
        }
        Command::Sql(a) => {
            let res = app.trade_sql(&a.query)?;
            if a.out.csv {
                write_out(&export::table_to_csv(&res.columns, &res.rows))?;
            } else if !emit(&res.objects(), a.out)? {
                let header: Vec<&str> = res.columns.iter().map(String::as_str).collect();
                show(
                    &header,
                    res.rows
                        .iter()
                        .map(|r| r.iter().map(export::cell_text).collect::<Vec<_>>()),
                )?;
                if !ctx.quiet {
                    errln!("{} rows", res.rows.len());
                }
            }
        }
        Command::Screen(a) => screen(ctx, &app, a)?,
        Command::Files(out) => {
            let rows = app.trade_files()?;
            if !emit(&rows, out)? {
                show(
                    &[
                        "sha256",
                        "file",
                        "format",
                        "imported",
                        "rows",
                        "periods",
                        "superseded",
                    ],
                    rows.iter().map(|r| {
                        vec![
                            r.sha256.chars().take(12).collect(),
                            output::clip(&r.file, 50),
                            r.format.as_str().to_string(),
                            r.imported_at.clone(),
                            r.rows.to_string(),
                            span(&r.first_period, &r.last_period),
                            r.superseded_groups.to_string(),
                        ]
                    }),
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `2025-01–2025-10`.
fn span(first: &Option<String>, last: &Option<String>) -> String {
    format!(
        "{}–{}",
        first.as_deref().unwrap_or(""),
        last.as_deref().unwrap_or("")
    )
}

fn import(ctx: &Ctx, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let app = ctx.app(Access::ReadWrite)?;
    let bar = output::progress_bar();
    if ctx.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_length(a.files.len() as u64);
    let total = a.files.len();
    let summary = app.trade_import(
        &TradeImport {
            files: a.files,
            format: a.format,
            reporter: a.reporter,
            flow: a.flow,
            cumulative: a.cumulative,
        },
        &mut |p| match p {
            TradeImportProgress::Started { file, .. } => {
                bar.set_message(file.display().to_string())
            }
            TradeImportProgress::Finished { error, .. } => {
                if let Some(e) = error {
                    bar.suspend(|| errln!("error: {e}"));
                }
                bar.inc(1);
            }
        },
    )?;
    bar.finish_and_clear();
    let reports = summary.reports;
    if !emit(&reports, a.out)? && !reports.is_empty() {
        show(
            &[
                "file",
                "status",
                "rows",
                "skipped",
                "periods",
                "encoding",
                "superseded",
            ],
            reports.iter().map(|r| {
                vec![
                    output::clip(&r.file, 50),
                    r.status.clone(),
                    r.rows.to_string(),
                    r.skipped.to_string(),
                    span(&r.first_period, &r.last_period),
                    r.encoding.clone(),
                    r.superseded_rows.to_string(),
                ]
            }),
        )?;
    }
    if !summary.failed.is_empty() {
        anyhow::bail!(
            "{} of {total} file(s) failed to import",
            summary.failed.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn screen(ctx: &Ctx, app: &entente_app::App, a: ScreenArgs) -> anyhow::Result<()> {
    let res = app.trade_screen(&ScreenQuery {
        scope: a.scope.scope(&a.period, a.data_as_of.as_ref()),
        flow: a.flow,
        measures_as_of: a.as_of,
        measures: a.measures,
        all: a.all,
        lang: a.lang,
    })?;
    notes(ctx, res.notes);
    let screen = res.rows;
    let rows = &screen.lines;
    if a.out.csv {
        write_out(&export::screen_to_csv(rows)?)?;
    } else if !emit(rows, a.out)? {
        show(
            &[
                "HS",
                "label",
                "US$",
                "measures (as of date)",
                "in force at shipment",
            ],
            rows.iter().map(|r| {
                let ms: Vec<String> = r
                    .measures
                    .iter()
                    .map(|m| {
                        let cap = match &m.cap {
                            Some(c) => match (c.share_of_cap, c.share_year) {
                                (Some(s), Some(y)) => format!(" {:.1}% of {y} cap", s * 100.0),
                                _ if c.quantity.is_some() => " cap: nothing counted".into(),
                                _ => String::new(),
                            },
                            None => String::new(),
                        };
                        let part = if m.partial {
                            " (part of this code)"
                        } else {
                            ""
                        };
                        format!("{} ¶{} {:?}{cap}{part}", m.resolution, m.paragraph, m.kind)
                            .to_lowercase()
                    })
                    .collect();
                let at: Vec<&str> = r
                    .measures
                    .iter()
                    .map(|m| if m.in_force_at_shipment { "yes" } else { "no" })
                    .collect();
                vec![
                    display_hs(&r.hs),
                    output::clip(r.label.as_deref().unwrap_or(""), 40),
                    money(r.value_usd),
                    ms.join("\n"),
                    at.join("\n"),
                ]
            }),
        )?;
        if !ctx.quiet {
            errln!(
                "{} line(s) with measures as of {} ({} measures from {})",
                rows.iter().filter(|r| !r.measures.is_empty()).count(),
                screen.as_of,
                screen.measures,
                screen.measures_file
            );
        }
    }
    // What each cap share counts (the adoption-date rule), once per line and measure.
    notes(
        ctx,
        rows.iter().flat_map(|r| {
            r.measures.iter().filter_map(move |m| {
                m.cap.as_ref().map(|c| {
                    format!(
                        "{} {} ¶{} cap: {}",
                        display_hs(&r.hs),
                        m.resolution,
                        m.paragraph,
                        c.note
                    )
                })
            })
        }),
    );
    Ok(())
}
