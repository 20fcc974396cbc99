//! `entente trade …`: customs statistics import, queries and the sanctions screen.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use entente_trade::{By, Flow, Format, ImportOptions, Measures, Period, Scope, TradeStore, today};
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
    /// Only this dataset (china-customs, comtrade, csv).
    #[arg(long)]
    dataset: Option<String>,
}

impl ScopeArgs {
    fn scope(&self) -> Scope {
        let mut s = Scope::new(&self.reporter, &self.partner);
        s.dataset = self.dataset.clone();
        s
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
    /// First period (YYYY or YYYY-MM).
    #[arg(long)]
    from: Option<Period>,
    /// Last period (YYYY or YYYY-MM).
    #[arg(long)]
    to: Option<Period>,
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
    out: OutArgs,
}

#[derive(clap::Args)]
pub struct TopArgs {
    #[command(flatten)]
    scope: ScopeArgs,
    #[arg(long)]
    flow: Flow,
    #[arg(long)]
    from: Option<Period>,
    #[arg(long)]
    to: Option<Period>,
    /// HS digits: 2, 4, 6 or 8.
    #[arg(long, default_value_t = 4)]
    level: usize,
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Compare with the same months of this year.
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
    #[arg(long)]
    from: Option<Period>,
    #[arg(long)]
    to: Option<Period>,
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
    #[arg(long)]
    from: Option<Period>,
    #[arg(long)]
    to: Option<Period>,
    /// Measures in force on this date (YYYY-MM-DD; default today).
    #[arg(long)]
    as_of: Option<entente_trade::NaiveDate>,
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
    TradeStore::open(&dir).with_context(|| format!("opening trade store {}", dir.display()))
}

/// Money with thousands separators.
pub fn money(v: f64) -> String {
    let neg = v < 0.0;
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

pub fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:+.1}%", x * 100.0)).unwrap_or_default()
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

/// Writes rows as JSON Lines, CSV (nested values as compact JSON), or returns false for a table.
pub fn emit<T: Serialize>(rows: &[T], out: OutArgs) -> anyhow::Result<bool> {
    if out.json {
        output::json_lines(rows)?;
        return Ok(true);
    }
    if out.csv {
        // Columns in the order the row type declares its fields (a serde_json::Value map
        // would sort them alphabetically).
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
        println!(
            "{}",
            header
                .iter()
                .map(|h| csv_field(h))
                .collect::<Vec<_>>()
                .join(",")
        );
        for v in &values {
            let line: Vec<String> = header
                .iter()
                .map(|h| match v.iter().find(|(k, _)| k == h).map(|(_, x)| x) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => csv_field(s),
                    Some(serde_json::Value::Number(n)) => csv_number(n),
                    Some(other) => csv_field(&other.to_string()),
                })
                .collect();
            println!("{}", line.join(","));
        }
        return Ok(true);
    }
    Ok(false)
}

pub fn run(ctx: &Ctx, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import(a) => import(ctx, a),
        Command::Totals(a) => {
            let store = open(ctx)?;
            let mut s = a.scope.scope();
            s.from = a.from;
            s.to = a.to;
            let rows = store.totals(&s, a.by.into())?;
            if !emit(&rows, a.out)? {
                let mut t = output::table(&[
                    "period",
                    "exports US$",
                    "imports US$",
                    "total US$",
                    "balance US$",
                    "change",
                ]);
                for r in &rows {
                    t.add_row(vec![
                        r.period.clone(),
                        money(r.exports_usd),
                        money(r.imports_usd),
                        money(r.total_usd),
                        money(r.balance_usd),
                        pct(r.change),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ytd(a) => {
            let store = open(ctx)?;
            let (y0, y1) = parse_years(&a.years)?;
            let rows = store.ytd(&a.scope.scope(), a.through, (y0, y1), a.base)?;
            if !emit(&rows, a.out)? {
                let base = rows.first().map_or(y0, |r| r.base_year);
                let on_base = format!("on {base}");
                let mut t = output::table(&[
                    "year",
                    "months",
                    "exports US$",
                    "imports US$",
                    "total US$",
                    "balance US$",
                    "on prev. year",
                    &on_base,
                ]);
                for r in &rows {
                    t.add_row(vec![
                        r.year.to_string(),
                        r.months.clone(),
                        money(r.exports_usd),
                        money(r.imports_usd),
                        money(r.total_usd),
                        money(r.balance_usd),
                        pct(r.change),
                        pct(r.change_on_base),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Top(a) => {
            let store = open(ctx)?;
            let mut s = a.scope.scope();
            s.flow = Some(a.flow);
            s.from = a.from;
            s.to = a.to;
            let nm = store.nomenclature()?;
            let conc = if a.harmonize {
                Some(entente_trade::Concordance::bundled()?)
            } else {
                None
            };
            let rows = store.top_harmonized(
                &s,
                a.level,
                a.limit,
                a.compare,
                Some((&nm, &a.lang)),
                conc.as_ref(),
            )?;
            if !emit(&rows, a.out)? {
                let mut header = vec!["#", "HS", "label", "US$", "share"];
                if a.compare.is_some() {
                    header.extend(["compare US$", "change"]);
                }
                let mut t = output::table(&header);
                for r in &rows {
                    let mut row = vec![
                        r.rank.to_string(),
                        entente_trade::model::display_hs(&r.hs),
                        output::clip(r.label.as_deref().unwrap_or(""), 60),
                        money(r.value_usd),
                        format!("{:.1}%", r.share * 100.0),
                    ];
                    if a.compare.is_some() {
                        row.push(r.compare_value_usd.map(money).unwrap_or_default());
                        row.push(pct(r.change));
                    }
                    t.add_row(row);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Series(a) => {
            let store = open(ctx)?;
            let mut s = a.scope.scope();
            s.flow = a.flow;
            s.from = a.from;
            s.to = a.to;
            let rows = store.series(&s, &a.hs, a.by.into())?;
            if !emit(&rows, a.out)? {
                let mut t = output::table(&["period", "flow", "HS", "US$", "quantity", "unit"]);
                for r in &rows {
                    t.add_row(vec![
                        r.period.clone(),
                        r.flow.to_string(),
                        entente_trade::model::display_hs(&r.hs),
                        money(r.value_usd),
                        r.quantity.map(money).unwrap_or_default(),
                        r.unit.clone().unwrap_or_default(),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sql(a) => {
            let store = open(ctx)?;
            let res = store.sql(&a.query)?;
            let objects = res.objects();
            if a.out.csv {
                println!(
                    "{}",
                    res.columns
                        .iter()
                        .map(|c| csv_field(c))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                for r in &res.rows {
                    let line: Vec<String> = r
                        .iter()
                        .map(|v| match v {
                            serde_json::Value::Null => String::new(),
                            serde_json::Value::String(s) => csv_field(s),
                            o => o.to_string(),
                        })
                        .collect();
                    println!("{}", line.join(","));
                }
            } else if !emit(&objects, a.out)? {
                let header: Vec<&str> = res.columns.iter().map(String::as_str).collect();
                let mut t = output::table(&header);
                for r in &res.rows {
                    t.add_row(
                        r.iter()
                            .map(|v| match v {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Null => String::new(),
                                o => o.to_string(),
                            })
                            .collect::<Vec<_>>(),
                    );
                }
                println!("{t}");
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
                let mut t = output::table(&[
                    "sha256",
                    "file",
                    "format",
                    "imported",
                    "rows",
                    "periods",
                    "superseded",
                ]);
                for r in &rows {
                    t.add_row(vec![
                        r.sha256[..12].to_string(),
                        output::clip(&r.file, 50),
                        r.format.as_str().to_string(),
                        r.imported_at.clone(),
                        r.rows.to_string(),
                        format!(
                            "{}–{}",
                            r.first_period.as_deref().unwrap_or(""),
                            r.last_period.as_deref().unwrap_or("")
                        ),
                        r.superseded_groups.to_string(),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
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
    if !emit(&reports, a.out)? {
        let mut t = output::table(&[
            "file",
            "status",
            "rows",
            "skipped",
            "periods",
            "encoding",
            "superseded",
        ]);
        for r in &reports {
            t.add_row(vec![
                output::clip(&r.file, 50),
                r.status.clone(),
                r.rows.to_string(),
                r.skipped.to_string(),
                format!(
                    "{}–{}",
                    r.first_period.as_deref().unwrap_or(""),
                    r.last_period.as_deref().unwrap_or("")
                ),
                r.encoding.clone(),
                r.superseded_rows.to_string(),
            ]);
        }
        if !reports.is_empty() {
            println!("{t}");
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} file(s) failed to import", a.files.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn screen(ctx: &Ctx, a: ScreenArgs) -> anyhow::Result<ExitCode> {
    let store = open(ctx)?;
    let measures = match &a.measures {
        Some(p) => Measures::load(p)?,
        None => Measures::unsc_dprk()?,
    };
    let mut s = a.scope.scope();
    s.flow = Some(a.flow);
    s.from = a.from;
    s.to = a.to;
    let as_of = a.as_of.unwrap_or_else(today);
    let nm = store.nomenclature()?;
    let mut rows = store.screen(&s, &measures, as_of, Some((&nm, &a.lang)))?;
    if !a.all {
        rows.retain(|r| !r.measures.is_empty());
    }
    if !emit(&rows, a.out)? {
        let mut t = output::table(&[
            "HS",
            "label",
            "US$",
            "measures (as of date)",
            "in force at shipment",
        ]);
        for r in &rows {
            let ms: Vec<String> = r
                .measures
                .iter()
                .map(|m| {
                    let cap = m
                        .cap
                        .as_ref()
                        .and_then(|c| c.share_of_cap.map(|s| format!(" {:.1}% of cap", s * 100.0)))
                        .unwrap_or_default();
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
            t.add_row(vec![
                entente_trade::model::display_hs(&r.hs),
                output::clip(r.label.as_deref().unwrap_or(""), 40),
                money(r.value_usd),
                ms.join("\n"),
                at.join("\n"),
            ]);
        }
        println!("{t}");
        if !ctx.quiet {
            eprintln!(
                "{} line(s) with measures as of {as_of} ({} measures from {})",
                rows.iter().filter(|r| !r.measures.is_empty()).count(),
                measures.measures.len(),
                measures.file.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
