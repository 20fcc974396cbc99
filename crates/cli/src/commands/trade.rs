//! `entente trade …`: customs statistics import, queries and the sanctions screen.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use entente_trade::{
    AsOf, By, Flow, Format, ImportOptions, Measures, Period, Scope, TradeStore, today,
};
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
#[derive(clap::Args)]
pub struct PeriodArgs {
    /// First period (YYYY or YYYY-MM).
    #[arg(long)]
    from: Option<Period>,
    /// Last period (YYYY or YYYY-MM).
    #[arg(long)]
    to: Option<Period>,
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
    as_of: Option<AsOf>,
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
    fn scope(&self) -> Scope {
        let mut s = Scope::new(&self.reporter, &self.partner);
        s.dataset = self.dataset.clone();
        s
    }

    /// The scope with a flow, a period range and a vintage.
    fn with_period(&self, flow: Option<Flow>, p: &PeriodArgs, as_of: Option<&AsOf>) -> Scope {
        let mut s = self.scope();
        s.flow = flow;
        s.from = p.from;
        s.to = p.to;
        s.as_of = as_of.cloned();
        s
    }

    /// The scope with a flow and a window.
    fn with(&self, flow: Option<Flow>, w: &WindowArgs) -> Scope {
        self.with_period(flow, &w.period, w.as_of.as_of.as_ref())
    }
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum ByArg {
    Year,
    Month,
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> By {
        match b {
            ByArg::Year => By::Year,
            ByArg::Month => By::Month,
        }
    }
}

#[derive(clap::Args)]
pub struct TotalsArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long, value_enum, default_value = "year")]
    by: ByArg,
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
    #[arg(long, value_enum, default_value = "year")]
    by: ByArg,
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
    #[arg(long, value_enum, default_value = "month")]
    by: ByArg,
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
    as_of: Option<entente_trade::NaiveDate>,
    /// The trade data as released on this date or right after this release (see `--as-of`
    /// of the other queries; here `--as-of` dates the measures).
    #[arg(long, value_name = "DATE|RELEASE")]
    data_as_of: Option<AsOf>,
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

fn open(ctx: &Ctx) -> anyhow::Result<TradeStore> {
    let dir = ctx.data_dir.join("trade");
    super::open_trade(dir)
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The fields of one JSON object in document order.
struct OrderedFields(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for OrderedFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderedFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<OrderedFields, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, serde_json::Value>()? {
                    out.push((k, v));
                }
                Ok(OrderedFields(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Whole-valued floats as integers (US$ values), others as written.
fn csv_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// One CSV cell: empty for null (no data), integers for whole amounts, nested values as
/// compact JSON.
fn csv_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => csv_field(s),
        serde_json::Value::Number(n) => csv_number(n),
        other => csv_field(&other.to_string()),
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
fn write_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// CSV text: a header line, then one line per row.
fn csv_text(header: &[String], rows: &[Vec<serde_json::Value>]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(csv_cell).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Writes rows as JSON Lines, CSV (columns in the order the row type declares its fields,
/// nested values as compact JSON), or returns false for a table.
pub fn emit<T: Serialize>(rows: &[T], out: OutArgs) -> anyhow::Result<bool> {
    if out.json {
        output::json_lines(rows)?;
        return Ok(true);
    }
    if out.csv {
        // A serde_json::Value map would sort the fields alphabetically.
        let values: Vec<Vec<(String, serde_json::Value)>> = rows
            .iter()
            .map(|r| {
                let text = serde_json::to_string(r)?;
                let OrderedFields(fields) = serde_json::from_str(&text)?;
                Ok(fields)
            })
            .collect::<Result<_, serde_json::Error>>()?;
        let mut header: Vec<String> = Vec::new();
        for v in &values {
            for (k, _) in v {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
        let cells: Vec<Vec<serde_json::Value>> = values
            .iter()
            .map(|v| {
                header
                    .iter()
                    .map(|h| {
                        v.iter()
                            .find(|(k, _)| k == h)
                            .map_or(serde_json::Value::Null, |(_, x)| x.clone())
                    })
                    .collect()
            })
            .collect();
        write_out(&csv_text(&header, &cells))?;
        return Ok(true);
    }
    Ok(false)
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
            eprintln!("note: {l}");
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

/// Opens the store for a query of `scope` and prints what the selection decided (which
/// dataset and release it reads).
fn open_selected(ctx: &Ctx, scope: &Scope) -> anyhow::Result<TradeStore> {
    let store = open(ctx)?;
    notes(ctx, store.select(scope)?.notes());
    Ok(store)
}

pub fn run(ctx: &Ctx, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import(a) => import(ctx, a),
        Command::Totals(a) => {
            let s = a.scope.with(None, &a.window);
            let store = open_selected(ctx, &s)?;
            let rows = store.totals(&s, a.by.into())?;
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Reconcile(a) => {
            let store = open(ctx)?;
            let s = a.scope.with(a.flow, &a.window);
            let mut rows = store.reconcile(&s, a.by.into())?;
            if a.overlaps {
                rows.retain(|r| r.other.is_some());
            }
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Ytd(a) => {
            let (y0, y1) = parse_years(&a.years)?;
            let mut s = a.scope.scope();
            s.as_of = a.as_of.as_of.clone();
            s.from = Some(Period::month(y0, 1));
            s.to = Some(Period::month(y1, a.through.clamp(1, 12)));
            let store = open_selected(ctx, &s)?;
            let rows = store.ytd(&s, a.through, (y0, y1), a.base)?;
            if !emit(&rows, a.out)? {
                let base = rows.first().map_or(y0, |r| r.base_year);
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Top(a) => {
            let s = a.scope.with(Some(a.flow), &a.window);
            let store = open_selected(ctx, &s)?;
            let nm = store.nomenclature()?;
            let conc = if a.harmonize {
                Some(entente_trade::Concordance::bundled()?)
            } else {
                None
            };
            let table = store.top_table(
                &s,
                a.level,
                a.limit,
                a.compare,
                Some((&nm, &a.lang)),
                conc.as_ref(),
            )?;
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
                                entente_trade::LineKind::Code => {
                                    entente_trade::model::display_hs(&r.hs)
                                }
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Series(a) => {
            let s = a.scope.with(a.flow, &a.window);
            let store = open_selected(ctx, &s)?;
            let rows = store.series(&s, &a.hs, a.by.into())?;
            if !emit(&rows, a.out)? {
                show(
                    &["period", "flow", "HS", "US$", "quantity", "unit"],
                    rows.iter().map(|r| {
                        vec![
                            r.period.clone(),
                            r.flow.to_string(),
                            entente_trade::model::display_hs(&r.hs),
                            money(r.value_usd),
                            r.quantity.map(money).unwrap_or_default(),
                            r.unit.clone().unwrap_or_default(),
                        ]
                    }),
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sql(a) => {
            let store = open(ctx)?;
            let res = store.sql(&a.query)?;
            if a.out.csv {
                write_out(&csv_text(&res.columns, &res.rows))?;
            } else if !emit(&res.objects(), a.out)? {
                let header: Vec<&str> = res.columns.iter().map(String::as_str).collect();
                show(
                    &header,
                    res.rows.iter().map(|r| {
                        r.iter()
                            .map(|v| match v {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Number(n) => csv_number(n),
                                serde_json::Value::Null => String::new(),
                                o => o.to_string(),
                            })
                            .collect::<Vec<_>>()
                    }),
                )?;
                if !ctx.quiet {
                    eprintln!("{} rows", res.rows.len());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Screen(a) => screen(ctx, a),
        Command::Files(out) => {
            let store = open(ctx)?;
            let m = store.manifest()?;
            #[derive(Serialize)]
            struct FileRow {
                sha256: String,
                file: String,
                format: Format,
                imported_at: String,
                rows: usize,
                first_period: Option<String>,
                last_period: Option<String>,
                superseded_groups: usize,
            }
            let rows: Vec<FileRow> = m
                .imports
                .iter()
                .map(|e| FileRow {
                    sha256: e.sha256.clone(),
                    file: e.file.clone(),
                    format: e.format,
                    imported_at: e.imported_at.clone(),
                    rows: e.rows,
                    first_period: e.period_span().0,
                    last_period: e.period_span().1,
                    superseded_groups: e.superseded.len(),
                })
                .collect();
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
                            r.sha256[..12].to_string(),
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
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `2025-01–2025-10`.
fn span(first: &Option<String>, last: &Option<String>) -> String {
    format!(
        "{}–{}",
        first.as_deref().unwrap_or(""),
        last.as_deref().unwrap_or("")
    )
}

fn parse_years(s: &str) -> anyhow::Result<(i32, i32)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: i32 = a
        .trim()
        .parse()
        .with_context(|| format!("--years `{s}`: expected YYYY-YYYY"))?;
    let b: i32 = b
        .trim()
        .parse()
        .with_context(|| format!("--years `{s}`: expected YYYY-YYYY"))?;
    Ok((a, b))
}

fn import(ctx: &Ctx, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let store = open(ctx)?;
    let opts = ImportOptions {
        reporter: a.reporter.map(|r| r.to_ascii_uppercase()),
        flow: a.flow,
        cumulative: a.cumulative,
    };
    let bar = output::progress_bar();
    if ctx.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_length(a.files.len() as u64);
    let mut reports = Vec::new();
    let mut failed = 0;
    for f in &a.files {
        bar.set_message(f.display().to_string());
        match store.import_file(f, a.format, &opts) {
            Ok(r) => reports.push(r),
            Err(e) => {
                bar.suspend(|| eprintln!("error: {e}"));
                failed += 1;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
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
    if failed > 0 {
        anyhow::bail!("{failed} of {} file(s) failed to import", a.files.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// One (line, measure) pair of the screen, flat, for CSV.
#[derive(Serialize)]
struct ScreenCsvRow<'a> {
    first_period: &'a str,
    last_period: &'a str,
    hs: &'a str,
    label: Option<&'a str>,
    #[serde(serialize_with = "entente_trade::json::usd")]
    value_usd: f64,
    measure: Option<&'a str>,
    resolution: Option<u32>,
    paragraph: Option<&'a str>,
    kind: Option<entente_trade::sanctions::Kind>,
    adopted: Option<entente_trade::NaiveDate>,
    in_force_at_shipment: Option<bool>,
    #[serde(serialize_with = "entente_trade::json::usd_opt")]
    value_usd_after_adoption: Option<f64>,
    partial: Option<bool>,
    #[serde(serialize_with = "entente_trade::json::num_opt")]
    cap_amount: Option<f64>,
    cap_unit: Option<&'a str>,
    #[serde(serialize_with = "entente_trade::json::num_opt")]
    counted_in_cap_unit: Option<f64>,
    share_year: Option<i32>,
    #[serde(serialize_with = "entente_trade::json::frac_opt")]
    share_of_cap: Option<f64>,
    cap_note: Option<&'a str>,
}

fn screen(ctx: &Ctx, a: ScreenArgs) -> anyhow::Result<ExitCode> {
    let measures = match &a.measures {
        Some(p) => Measures::load(p)?,
        None => Measures::unsc_dprk()?,
    };
    let s = a
        .scope
        .with_period(Some(a.flow), &a.period, a.data_as_of.as_ref());
    let store = open_selected(ctx, &s)?;
    let as_of = a.as_of.unwrap_or_else(today);
    let nm = store.nomenclature()?;
    let mut rows = store.screen(&s, &measures, as_of, Some((&nm, &a.lang)))?;
    if !a.all {
        rows.retain(|r| !r.measures.is_empty());
    }
    if a.out.csv {
        // One row per line and measure (lines without measures: one row, measure empty).
        let mut flat = Vec::new();
        for r in &rows {
            let base = ScreenCsvRow {
                first_period: &r.first_period,
                last_period: &r.last_period,
                hs: &r.hs,
                label: r.label.as_deref(),
                value_usd: r.value_usd,
                measure: None,
                resolution: None,
                paragraph: None,
                kind: None,
                adopted: None,
                in_force_at_shipment: None,
                value_usd_after_adoption: None,
                partial: None,
                cap_amount: None,
                cap_unit: None,
                counted_in_cap_unit: None,
                share_year: None,
                share_of_cap: None,
                cap_note: None,
            };
            if r.measures.is_empty() {
                flat.push(base);
                continue;
            }
            for m in &r.measures {
                let cap = m.cap.as_ref();
                flat.push(ScreenCsvRow {
                    measure: Some(&m.id),
                    resolution: Some(m.resolution),
                    paragraph: Some(&m.paragraph),
                    kind: Some(m.kind),
                    adopted: Some(m.adopted),
                    in_force_at_shipment: Some(m.in_force_at_shipment),
                    value_usd_after_adoption: Some(m.value_usd_after_adoption),
                    partial: Some(m.partial),
                    cap_amount: cap.map(|c| c.cap_amount),
                    cap_unit: cap.map(|c| c.cap_unit.as_str()),
                    counted_in_cap_unit: cap.and_then(|c| c.counted_in_cap_unit),
                    share_year: cap.and_then(|c| c.share_year),
                    share_of_cap: cap.and_then(|c| c.share_of_cap),
                    cap_note: cap.map(|c| c.note.as_str()),
                    ..base
                });
            }
        }
        emit(&flat, a.out)?;
    } else if !emit(&rows, a.out)? {
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
                    entente_trade::model::display_hs(&r.hs),
                    output::clip(r.label.as_deref().unwrap_or(""), 40),
                    money(r.value_usd),
                    ms.join("\n"),
                    at.join("\n"),
                ]
            }),
        )?;
        if !ctx.quiet {
            eprintln!(
                "{} line(s) with measures as of {as_of} ({} measures from {})",
                rows.iter().filter(|r| !r.measures.is_empty()).count(),
                measures.measures.len(),
                measures.file.display()
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
                        entente_trade::model::display_hs(&r.hs),
                        m.resolution,
                        m.paragraph,
                        c.note
                    )
                })
            })
        }),
    );
    Ok(ExitCode::SUCCESS)
}
