//! Analytic queries over the store. Each returns tidy rows (one observation per row),
//! ready for tables, JSON Lines and charts.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::execution::context::SQLOptions;
use serde::{Deserialize, Serialize};

use crate::error::{Result, TradeError};
use crate::hs::{Concordance, Nomenclature};
use crate::model::{Flow, Period, normalize_hs, valid_country};
use crate::select::AsOf;
use crate::store::{Grouped, TradeStore, f64_col, opt_f64, opt_str, string_col};

/// Which rows a query reads.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub reporter: String,
    pub partner: String,
    pub flow: Option<Flow>,
    pub from: Option<Period>,
    pub to: Option<Period>,
    /// Only rows of this dataset (`china-customs`, `comtrade`, `csv`); without it, one
    /// dataset per period by [`DATASET_PRECEDENCE`](crate::select::DATASET_PRECEDENCE).
    pub dataset: Option<String>,
    /// The data as released at a date or release (default: the latest).
    pub as_of: Option<AsOf>,
}

impl Scope {
    pub fn new(reporter: &str, partner: &str) -> Self {
        Scope {
            reporter: reporter.to_ascii_uppercase(),
            partner: partner.to_ascii_uppercase(),
            ..Default::default()
        }
    }

    /// The SQL `WHERE` clause; every value is validated, so nothing user-typed reaches SQL raw.
    pub(crate) fn where_sql(&self) -> Result<String> {
        for (what, c) in [("reporter", &self.reporter), ("partner", &self.partner)] {
            if !valid_country(c) {
                return Err(TradeError::Query(format!(
                    "{what} `{c}` is not an ISO 3166-1 alpha-2 code (e.g. CN, KP, RU)"
                )));
            }
        }
        let mut w = vec![
            format!("reporter = '{}'", self.reporter),
            format!("partner = '{}'", self.partner),
        ];
        if let Some(f) = self.flow {
            w.push(format!("flow = '{}'", f.as_str()));
        }
        if let Some(d) = &self.dataset {
            if !matches!(d.as_str(), "china-customs" | "comtrade" | "csv") {
                return Err(TradeError::Query(format!(
                    "unknown dataset `{d}` (china-customs, comtrade or csv)"
                )));
            }
            w.push(format!("dataset = '{d}'"));
        }
        if let Some(p) = self.from {
            w.push(format!("year >= {}", p.year));
            if let Some(m) = p.month {
                w.push(format!("(year > {} OR month >= {m})", p.year));
            }
        }
        if let Some(p) = self.to {
            w.push(format!("year <= {}", p.year));
            if let Some(m) = p.month {
                w.push(format!(
                    "(year < {} OR month <= {m} OR month IS NULL)",
                    p.year
                ));
            }
        }
        Ok(w.join(" AND "))
    }
}

/// Grouping of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Year,
    Month,
}

impl By {
    pub const ALL: [By; 2] = [By::Year, By::Month];

    /// The name in requests and on the command line (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            By::Year => "year",
            By::Month => "month",
        }
    }

    /// The `month` column of a query grouped this way (null when grouping by year).
    fn month_sql(self) -> &'static str {
        match self {
            By::Month => "month",
            By::Year => "CAST(NULL AS INT)",
        }
    }
}

/// One period of `totals`. A flow without any row in the period is `None` (no data, shown
/// as "—"), never 0; so are the total and balance then.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TotalsRow {
    pub period: String,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub exports_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub imports_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub total_usd: Option<f64>,
    /// exports − imports
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub balance_usd: Option<f64>,
    /// Change of the total on the previous period, as a fraction (0.25 = +25 %). For a partial
    /// year, on the same months of the previous year; `None` where no like period exists.
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub change: Option<f64>,
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub exports_change: Option<f64>,
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub imports_change: Option<f64>,
    /// By year: the months the figures cover (`01-10`, `01-03,05-12`); `None` for a year
    /// given as annual figures.
    pub months: Option<String>,
    /// By year: monthly figures that do not cover all twelve months.
    pub partial: bool,
    /// The dataset(s) the figures come from (`china-customs`; `comtrade+csv` when the two
    /// flows come from different ones).
    pub dataset: String,
    /// What the reader must know about this row (partial year, basis of the change, a flow
    /// without figures).
    pub note: Option<String>,
}

impl std::str::FromStr for By {
    type Err = String;
    fn from_str(s: &str) -> Result<By, String> {
        By::ALL
            .into_iter()
            .find(|b| b.as_str() == s.trim())
            .ok_or_else(|| format!("`{s}`: expected year or month"))
    }
}

impl std::fmt::Display for By {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TotalsRow {
    /// `2025 (Jan–Oct)` for a partial year, else the period.
    pub fn period_label(&self) -> String {
        match (&self.months, self.partial) {
            (Some(m), true) => format!("{} ({})", self.period, months_label(m)),
            _ => self.period.clone(),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Runs of consecutive numbers (sorted input): `[1, 2, 3, 5]` → `[(1, 3), (5, 5)]`.
pub(crate) fn runs(v: &[i32]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for &x in v {
        match out.last_mut() {
            Some(r) if r.1 + 1 == x => r.1 = x,
            _ => out.push((x, x)),
        }
    }
    out
}

/// `01-03,05-10` from a set of months.
fn month_ranges(months: &BTreeSet<u8>) -> String {
    let v: Vec<i32> = months.iter().map(|m| i32::from(*m)).collect();
    runs(&v)
        .into_iter()
        .map(|(a, b)| {
            if a == b {
                format!("{a:02}")
            } else {
                format!("{a:02}-{b:02}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `Jan–Oct` / `Jan–Mar, May–Oct` from `01-10` / `01-03,05-10`.
pub fn months_label(ranges: &str) -> String {
    let name = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .copied()
            .unwrap_or("?")
    };
    ranges
        .split(',')
        .map(|r| match r.split_once('-') {
            Some((a, b)) => format!("{}–{}", name(a), name(b)),
            None => name(r).to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One year of `ytd`. A flow without monthly figures for the window is `None` (no data, shown
/// as "—"), never 0; so are the total and balance then.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct YtdRow {
    pub year: i32,
    /// The months the figures cover: `01-10`, or `01-08` when later months have no data;
    /// `None` when the year has no monthly figures in the window.
    pub months: Option<String>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub exports_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub imports_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub total_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub balance_usd: Option<f64>,
    /// Change of the total on the previous year; `None` unless both years have figures for
    /// the same months of both flows.
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub change: Option<f64>,
    /// Change of the total on the base year (same condition).
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub change_on_base: Option<f64>,
    pub base_year: i32,
    /// Figures for fewer months than asked (or not the same months in both flows).
    pub partial: bool,
    /// Why a value is missing or partial, or a change not given.
    pub note: Option<String>,
}

impl YtdRow {
    /// `Jan–Oct` (the months covered), or `None` for a year without monthly figures.
    pub fn months_label(&self) -> Option<String> {
        self.months.as_deref().map(months_label)
    }
}

/// One line of `top`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TopRow {
    pub rank: usize,
    pub hs: String,
    pub label: Option<String>,
    #[serde(serialize_with = "crate::json::usd")]
    pub value_usd: f64,
    /// Share of the flow's total in the period (all codes, including those not allocated at
    /// this level).
    #[serde(serialize_with = "crate::json::frac")]
    pub share: f64,
    /// Change on the comparison period (same months of `compare` year).
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub change: Option<f64>,
    /// The value in the comparison period: `Some(0.0)` when that period has detail at this
    /// level but not this code, `None` when it has no data (or none at this level) to tell.
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub compare_value_usd: Option<f64>,
}

/// Which kind of line of a top-N table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    /// One HS code, ranked.
    Code,
    /// The codes below the first N, together.
    Others,
    /// Value reported only at a coarser level than asked (e.g. a chapter-level row when
    /// asking HS4): it cannot be put under any code of this level.
    Unallocated,
}

/// A line of the whole top-N table, in output order: ranked codes, others, unallocated.
/// The lines' values add up to the flow's total for the period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TopLine {
    /// The period, as an EDTF interval (`2025-01/2025-10`) or a single period.
    pub period: String,
    pub flow: Flow,
    pub line: LineKind,
    pub rank: Option<usize>,
    /// The code; `others` / `unallocated` on the summary lines.
    pub hs: String,
    pub label: Option<String>,
    #[serde(serialize_with = "crate::json::usd")]
    pub value_usd: f64,
    #[serde(serialize_with = "crate::json::frac")]
    pub share: f64,
    pub compare_period: Option<String>,
    /// `None` (shown as "—") when the comparison period has no data to tell.
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub compare_value_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub change: Option<f64>,
    pub note: Option<String>,
}

/// `top` with everything needed to reconcile it with `totals`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct TopTable {
    pub level: usize,
    pub rows: Vec<TopRow>,
    /// The codes after the first N, together (`None` when there are none).
    pub others: Option<TopLine>,
    /// Value at codes shorter than the level (`None` when there is none).
    pub unallocated: Option<TopLine>,
    /// The flow's total in the period: ranked rows + others + unallocated.
    #[serde(serialize_with = "crate::json::usd")]
    pub total_usd: f64,
    pub period: String,
    pub compare_period: Option<String>,
    /// Caveats for the reader (comparison without data, unallocated value).
    pub notes: Vec<String>,
}

impl TopTable {
    /// All lines in output order.
    pub fn lines(&self, flow: Flow) -> Vec<TopLine> {
        let mut out: Vec<TopLine> = self
            .rows
            .iter()
            .map(|r| TopLine {
                period: self.period.clone(),
                flow,
                line: LineKind::Code,
                rank: Some(r.rank),
                hs: r.hs.clone(),
                label: r.label.clone(),
                value_usd: r.value_usd,
                share: r.share,
                compare_period: self.compare_period.clone(),
                compare_value_usd: r.compare_value_usd,
                change: r.change,
                note: None,
            })
            .collect();
        out.extend(self.others.iter().cloned());
        out.extend(self.unallocated.iter().cloned());
        out
    }
}

/// One period and flow of `reconcile`: each dataset's figure side by side.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ReconcileRow {
    pub period: String,
    pub flow: Flow,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub china_customs_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub comtrade_usd: Option<f64>,
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub csv_usd: Option<f64>,
    /// The dataset queries read for this period (by precedence, or `--dataset`).
    pub used: String,
    /// The next dataset by precedence, when there is one.
    pub other: Option<String>,
    /// other − used.
    #[serde(serialize_with = "crate::json::usd_opt")]
    pub difference_usd: Option<f64>,
    /// (other − used) / used.
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub difference_share: Option<f64>,
    /// Why the figures may differ for want of like periods (months missing).
    pub note: Option<String>,
}

/// One point of `series`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct SeriesRow {
    pub period: String,
    pub flow: Flow,
    pub hs: String,
    #[serde(serialize_with = "crate::json::usd")]
    pub value_usd: f64,
    #[serde(serialize_with = "crate::json::num_opt")]
    pub quantity: Option<f64>,
    /// The quantity unit when all rows share one.
    pub unit: Option<String>,
}

/// The customs file lines behind some figures: see [`TradeStore::provenance`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Provenance {
    /// `china-customs`, `comtrade` or `csv`.
    pub dataset: String,
    /// The imported file, as recorded at import.
    pub file: String,
    pub flow: Flow,
    pub year: i32,
    /// First and last 1-based line of the rows in the file.
    pub first_line: u64,
    pub last_line: u64,
    /// How many rows.
    pub rows: u64,
}

/// The result of `sql`: column names and rows of JSON values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SqlResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

impl SqlResult {
    /// Rows as JSON objects keyed by column name.
    pub fn objects(&self) -> Vec<serde_json::Map<String, serde_json::Value>> {
        self.rows
            .iter()
            .map(|r| {
                self.columns
                    .iter()
                    .cloned()
                    .zip(r.iter().cloned())
                    .collect()
            })
            .collect()
    }
}

fn ratio(now: f64, before: f64) -> Option<f64> {
    if before == 0.0 {
        None
    } else {
        Some(now / before - 1.0)
    }
}

/// `1,234,567`.
pub fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && out != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// Exports and imports of one period; `None` for a flow without any row (no data, not 0).
type Flows = (Option<f64>, Option<f64>);

/// A sum over rows that may be absent: absent only when both sides are.
fn plus(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

/// `ratio` when both values are known.
fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    ratio(now?, before?)
}

/// Exports + imports, when both flows have figures.
fn total_of((x, m): Flows) -> Option<f64> {
    x.zip(m).map(|(x, m)| x + m)
}

/// Exports − imports, when both flows have figures.
fn balance_of((x, m): Flows) -> Option<f64> {
    x.zip(m).map(|(x, m)| x - m)
}

/// "no import figures (no data, not zero)" for each flow without rows in a period.
fn missing_flows((x, m): Flows) -> Vec<String> {
    [(Flow::Export, x), (Flow::Import, m)]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(f, _)| format!("no {f} figures (no data, not zero)"))
        .collect()
}

impl TradeStore {
    /// Exports, imports, total and balance per year or month, with change on the previous
    /// period. Years with monthly figures for fewer than twelve months are marked partial
    /// and compared with the same months of the previous year. A flow without any row in a
    /// period is `None` (no data, not 0), and so are the total and balance then.
    pub fn totals(&self, scope: &Scope, by: By) -> Result<Vec<TotalsRow>> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        let mut s = scope.clone();
        s.flow = None;
        let sel = self.select(&s)?;
        let sql = format!(
            "SELECT year, month, flow, dataset, sum(value_usd) AS v FROM {} GROUP BY 1, 2, 3, 4",
            sel.sql_from()
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        // (year, month; 0 = annual figure) -> (exports, imports), and the datasets.
        let mut cells: BTreeMap<(i32, u8), Flows> = BTreeMap::new();
        let mut datasets: BTreeMap<(i32, u8), BTreeSet<String>> = BTreeMap::new();
        for b in &batches {
            let g = Grouped::of(b)?;
            let ds = string_col(b, "dataset")?;
            for i in 0..b.num_rows() {
                let (y, m) = (g.year(i), g.month(i).unwrap_or(0));
                let e = cells.entry((y, m)).or_default();
                let slot = match g.flow(i) {
                    Flow::Export => &mut e.0,
                    Flow::Import => &mut e.1,
                };
                *slot = plus(*slot, Some(g.v(i)));
                let key = if by == By::Year { (y, 0) } else { (y, m) };
                datasets
                    .entry(key)
                    .or_default()
                    .insert(ds.value(i).to_string());
            }
        }
        let dataset_of = |k: (i32, u8)| -> String {
            datasets
                .get(&k)
                .map(|d| d.iter().cloned().collect::<Vec<_>>().join("+"))
                .unwrap_or_default()
        };
        let mut out: Vec<TotalsRow> = Vec::new();
        let row = |period: Period, v: Flows, p: Option<Flows>, notes: Vec<String>| TotalsRow {
            period: period.to_string(),
            exports_usd: v.0,
            imports_usd: v.1,
            total_usd: total_of(v),
            balance_usd: balance_of(v),
            change: change(total_of(v), p.and_then(total_of)),
            exports_change: change(v.0, p.and_then(|p| p.0)),
            imports_change: change(v.1, p.and_then(|p| p.1)),
            months: None,
            partial: false,
            dataset: dataset_of((period.year, period.month.unwrap_or(0))),
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        };
        if by == By::Month {
            let mut prev: Option<((i32, u8), Flows)> = None;
            for (&(y, m), &v) in &cells {
                let expected_prev = match m {
                    0 => (y - 1, 0),
                    1 => (y - 1, 12),
                    _ => (y, m - 1),
                };
                let p = prev.filter(|(k, _)| *k == expected_prev).map(|(_, v)| v);
                let period = Period {
                    year: y,
                    month: (m != 0).then_some(m),
                };
                out.push(row(period, v, p, missing_flows(v)));
                prev = Some(((y, m), v));
            }
            return Ok(out);
        }
        // By year: sum the months, note which months.
        struct Year {
            v: Flows,
            annual: bool,
            months: BTreeSet<u8>,
        }
        let mut years: BTreeMap<i32, Year> = BTreeMap::new();
        for (&(y, m), &(x, im)) in &cells {
            let e = years.entry(y).or_insert(Year {
                v: (None, None),
                annual: false,
                months: BTreeSet::new(),
            });
            e.v = (plus(e.v.0, x), plus(e.v.1, im));
            if m == 0 {
                e.annual = true;
            } else {
                e.months.insert(m);
            }
        }
        let full = |y: &Year| y.annual || y.months.len() == 12;
        for (&y, cur) in &years {
            let prev = years.get(&(y - 1));
            let mut notes = Vec::new();
            let label = months_label(&month_ranges(&cur.months));
            let p = match prev {
                None => None,
                Some(pv) if full(cur) && full(pv) => Some(pv.v),
                Some(pv) if full(cur) => {
                    notes.push(format!(
                        "no change: {} covers {} only",
                        y - 1,
                        months_label(&month_ranges(&pv.months))
                    ));
                    None
                }
                // A partial year: the same months of the previous year, if it has them.
                Some(pv) if !pv.annual && cur.months.is_subset(&pv.months) => {
                    notes.push(format!("{label} only; change on {label} {}", y - 1));
                    Some(cur.months.iter().fold((None, None), |acc, m| {
                        let c = cells.get(&(y - 1, *m)).copied().unwrap_or_default();
                        (plus(acc.0, c.0), plus(acc.1, c.1))
                    }))
                }
                Some(_) => {
                    notes.push(format!(
                        "{label} only; no change: {} has no figures for the same months",
                        y - 1
                    ));
                    None
                }
            };
            let partial = !full(cur);
            if partial && notes.is_empty() {
                notes.push(format!("{label} only"));
            }
            notes.extend(missing_flows(cur.v));
            let mut r = row(Period::year(y), cur.v, p, notes);
            r.months = (!cur.annual).then(|| month_ranges(&cur.months));
            r.partial = partial;
            out.push(r);
        }
        Ok(out)
    }

    /// January to `through` of each year in `years`, side by side, with change on the previous
    /// year and on `base` (default: the first year).
    pub fn ytd(
        &self,
        scope: &Scope,
        through: u8,
        years: (i32, i32),
        base: Option<i32>,
    ) -> Result<Vec<YtdRow>> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        if !(1..=12).contains(&through) {
            return Err(TradeError::Query(format!(
                "--through {through}: expected a month 1-12"
            )));
        }
        let (y0, y1) = years;
        if y0 > y1 {
            return Err(TradeError::Query(format!("--years {y0}-{y1}: empty range")));
        }
        let mut s = scope.clone();
        s.flow = None;
        s.from = Some(Period::month(y0, 1));
        s.to = Some(Period::month(y1, through));
        let sel = self.select(&s)?;
        // Months with figures per year and flow (within Jan–`through`), and years held as
        // annual figures only, from the selection (no scan).
        let mut covered: BTreeMap<(i32, Flow), BTreeSet<u8>> = BTreeMap::new();
        let mut annual: BTreeSet<(i32, Flow)> = BTreeSet::new();
        for (f, p) in &sel.periods {
            match p.month {
                Some(m) if m <= through => {
                    covered.entry((p.year, *f)).or_default().insert(m);
                }
                Some(_) => {}
                None => {
                    annual.insert((p.year, *f));
                }
            }
        }
        let sql = format!(
            "SELECT year, CAST(NULL AS INT) AS month, flow, sum(value_usd) AS v FROM {} \
             AND month <= {through} GROUP BY 1, 2, 3",
            sel.sql_from()
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        let mut acc: BTreeMap<i32, (f64, f64)> = (y0..=y1).map(|y| (y, (0.0, 0.0))).collect();
        for b in &batches {
            let g = Grouped::of(b)?;
            for i in 0..b.num_rows() {
                let e = acc.entry(g.year(i)).or_default();
                match g.flow(i) {
                    Flow::Export => e.0 += g.v(i),
                    Flow::Import => e.1 += g.v(i),
                }
            }
        }
        let asked: BTreeSet<u8> = (1..=through).collect();
        let window = months_label(&month_ranges(&asked));
        let empty = BTreeSet::new();
        // The months of each flow, for like-for-like changes.
        let cover = |y: i32| -> (&BTreeSet<u8>, &BTreeSet<u8>) {
            (
                covered.get(&(y, Flow::Export)).unwrap_or(&empty),
                covered.get(&(y, Flow::Import)).unwrap_or(&empty),
            )
        };
        let base_year = base.unwrap_or(y0);
        let year_total = |y: i32| -> Option<f64> {
            let (x, m) = cover(y);
            let (vx, vm) = acc.get(&y).copied().unwrap_or_default();
            (!x.is_empty() && !m.is_empty()).then_some(vx + vm)
        };
        // The change of `y` on `other`: only when both have the same months in both flows.
        let like = |y: i32, other: i32| -> Option<f64> {
            let (a, b) = (year_total(y)?, year_total(other)?);
            (cover(y) == cover(other)).then(|| ratio(a, b)).flatten()
        };
        let mut out = Vec::new();
        for (&y, &(vx, vm)) in &acc {
            let (cx, cm) = cover(y);
            let exports = (!cx.is_empty()).then_some(vx);
            let imports = (!cm.is_empty()).then_some(vm);
            let all: BTreeSet<u8> = cx.union(cm).copied().collect();
            let mut notes: Vec<String> = Vec::new();
            let why = |annual_only: bool, what: &str| {
                if annual_only {
                    format!("{y} has annual {what}figures only, which cannot be split into months")
                } else {
                    "no data, not zero".to_string()
                }
            };
            if all.is_empty() {
                let annual_only =
                    annual.contains(&(y, Flow::Export)) || annual.contains(&(y, Flow::Import));
                notes.push(format!(
                    "no figures for {window} ({})",
                    why(annual_only, "")
                ));
            } else {
                for (f, c) in [(Flow::Export, cx), (Flow::Import, cm)] {
                    if c.is_empty() {
                        notes.push(format!(
                            "no {f} figures for {window} ({})",
                            why(annual.contains(&(y, f)), &format!("{f} "))
                        ));
                    }
                }
            }
            let partial =
                !all.is_empty() && (all != asked || (!cx.is_empty() && !cm.is_empty() && cx != cm));
            if partial {
                for (f, c) in [(Flow::Export, cx), (Flow::Import, cm)] {
                    if !c.is_empty() && *c != asked {
                        notes.push(format!(
                            "{f}s cover {} only",
                            months_label(&month_ranges(c))
                        ));
                    }
                }
            }
            let prev = (y > y0).then_some(y - 1);
            let change = prev.and_then(|p| like(y, p));
            if let Some(p) = prev
                && change.is_none()
                && year_total(y).is_some()
                && year_total(p).is_some()
                && cover(y) != cover(p)
            {
                notes.push(format!("no change on {p}: not the same months"));
            }
            out.push(YtdRow {
                year: y,
                months: (!all.is_empty()).then(|| month_ranges(&all)),
                exports_usd: exports,
                imports_usd: imports,
                total_usd: total_of((exports, imports)),
                balance_usd: balance_of((exports, imports)),
                change,
                change_on_base: like(y, base_year),
                base_year,
                partial,
                note: (!notes.is_empty()).then(|| notes.join("; ")),
            });
        }
        Ok(out)
    }

    /// The `n` largest HS codes at `level` digits for one flow and period range, with shares
    /// and change on the same months of `compare` year.
    pub fn top(
        &self,
        scope: &Scope,
        level: usize,
        n: usize,
        compare: Option<i32>,
        labels: Option<(&Nomenclature, &str)>,
    ) -> Result<Vec<TopRow>> {
        self.top_harmonized(scope, level, n, compare, labels, None)
    }

    /// [`TradeStore::top`], with codes that changed between HS editions merged into their
    /// concordance group (e.g. 8517.12 with 8517.13 and 8517.14) so years compare.
    pub fn top_harmonized(
        &self,
        scope: &Scope,
        level: usize,
        n: usize,
        compare: Option<i32>,
        labels: Option<(&Nomenclature, &str)>,
        concordance: Option<&Concordance>,
    ) -> Result<Vec<TopRow>> {
        Ok(self
            .top_table(scope, level, n, compare, labels, concordance)?
            .rows)
    }

    /// The top-N table with the lines that make it add up to the flow's total: the codes
    /// after the first `n` (others) and the value reported only at a coarser level than
    /// `level` (unallocated). Comparison values are `None` where the comparison period has
    /// no data to tell (no rows, only annual figures for a span of months, or no detail at
    /// this level), and `Some(0.0)` only where it has detail but not this code.
    pub fn top_table(
        &self,
        scope: &Scope,
        level: usize,
        n: usize,
        compare: Option<i32>,
        labels: Option<(&Nomenclature, &str)>,
        concordance: Option<&Concordance>,
    ) -> Result<TopTable> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        if !matches!(level, 2 | 4 | 6 | 8 | 10) {
            return Err(TradeError::Query(format!(
                "--level {level}: expected 2, 4, 6, 8 or 10"
            )));
        }
        let Some(flow) = scope.flow else {
            return Err(TradeError::Query(
                "top needs a flow (--flow export|import)".into(),
            ));
        };
        let ctx = self.session()?;
        // Per code at `level`, and per shorter (unallocated) code.
        type Codes = HashMap<String, f64>;
        type Grouped = (Codes, BTreeMap<String, f64>);
        let grouped = |s: &Scope| -> Result<Grouped> {
            // Group by the stored code (a few thousand at most) and roll up here.
            let sql = format!(
                "SELECT hs AS code, sum(value_usd) AS v FROM {} GROUP BY 1",
                self.select(s)?.sql_from()
            );
            let mut m = HashMap::new();
            let mut short = BTreeMap::new();
            for b in self.run(&ctx, &sql)? {
                let code = string_col(&b, "code")?;
                let v = f64_col(&b, "v")?;
                for i in 0..b.num_rows() {
                    let Some(c) = opt_str(&code, i) else { continue };
                    let v = opt_f64(&v, i).unwrap_or(0.0);
                    let Some(c) = c.get(..level) else {
                        *short.entry(c).or_insert(0.0) += v;
                        continue;
                    };
                    let c = concordance.map_or(c.to_string(), |k| k.harmonize(c));
                    *m.entry(c).or_insert(0.0) += v;
                }
            }
            Ok((m, short))
        };
        let window = |s: &Scope| match (s.from, s.to) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (a, b) => format!(
                "{}/{}",
                a.map_or("..".into(), |p| p.to_string()),
                b.map_or("..".into(), |p| p.to_string())
            ),
        };
        let (now, now_short) = grouped(scope)?;
        let mut notes = Vec::new();
        let mut compare_period = None;
        // (values, unallocated codes) of the comparison window; values None = cannot tell.
        let before: Option<(Option<Codes>, BTreeMap<String, f64>)> = match compare {
            None => None,
            Some(cy) => {
                let mut s = scope.clone();
                let shift = |p: Option<Period>| {
                    p.map(|p| Period {
                        year: cy + (p.year - scope.from.map_or(p.year, |f| f.year)),
                        month: p.month,
                    })
                };
                s.from = shift(scope.from).or(Some(Period::year(cy)));
                s.to = shift(scope.to).or(Some(Period::year(cy)));
                compare_period = Some(window(&s));
                let (m, short) = grouped(&s)?;
                let cp = window(&s);
                if m.is_empty() && short.is_empty() {
                    // Annual figures for the year, when months were asked?
                    let mut y = s.clone();
                    y.from = Some(Period::year(cy));
                    y.to = Some(Period::year(cy));
                    let annual = self
                        .select(&y)?
                        .periods
                        .iter()
                        .any(|(f, p)| *f == flow && p.month.is_none());
                    notes.push(if annual {
                        format!(
                            "{cp}: {cy} has annual figures only, which cannot be split into months; \
                             no comparison (compare whole years: --from/--to YYYY)"
                        )
                    } else {
                        format!("{cp}: no data; no comparison")
                    });
                    Some((None, short))
                } else if m.is_empty() {
                    notes.push(format!(
                        "{cp}: no figures at HS{level} (only {}); no comparison",
                        short
                            .keys()
                            .map(|c| format!("HS{} {c}", c.len()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    Some((None, short))
                } else {
                    Some((Some(m), short))
                }
            }
        };
        let unallocated: f64 = now_short.values().sum();
        let total: f64 = now.values().sum::<f64>() + unallocated;
        let share = |v: f64| if total == 0.0 { 0.0 } else { v / total };
        let compare_of = |hs: &str| -> Option<f64> {
            let (m, short) = before.as_ref()?;
            // Part of this code may sit in a coarser row of the comparison window.
            if short.keys().any(|c| hs.starts_with(c.as_str())) {
                return None;
            }
            m.as_ref().map(|m| m.get(hs).copied().unwrap_or(0.0))
        };
        let mut rows: Vec<(String, f64)> = now.into_iter().collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let rest: Vec<(String, f64)> = rows.split_off(n.min(rows.len()));
        let period = window(scope);
        let rows: Vec<TopRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (hs, v))| {
                let cmp = compare_of(&hs);
                TopRow {
                    rank: i + 1,
                    label: labels.and_then(|(nm, lang)| nm.label(&hs, lang)),
                    hs,
                    value_usd: v,
                    share: share(v),
                    change: cmp.and_then(|c| ratio(v, c)),
                    compare_value_usd: cmp,
                }
            })
            .collect();
        let summary = |line: LineKind, hs: &str, label: String, v: f64, cmp: Option<f64>| TopLine {
            period: period.clone(),
            flow,
            line,
            rank: None,
            hs: hs.to_string(),
            label: Some(label),
            value_usd: v,
            share: share(v),
            compare_period: compare_period.clone(),
            compare_value_usd: cmp,
            change: cmp.and_then(|c| ratio(v, c)),
            note: None,
        };
        let others = (!rest.is_empty()).then(|| {
            let v: f64 = rest.iter().map(|(_, v)| v).sum();
            // Everything of the comparison window at this level outside the ranked codes.
            let cmp = before.as_ref().and_then(|(m, _)| m.as_ref()).map(|m| {
                m.iter()
                    .filter(|(k, _)| !rows.iter().any(|r| &r.hs == *k))
                    .map(|(_, v)| v)
                    .sum::<f64>()
            });
            summary(
                LineKind::Others,
                "others",
                format!("{} other HS{level} codes", rest.len()),
                v,
                cmp,
            )
        });
        let unallocated = (!now_short.is_empty()).then(|| {
            let codes = now_short
                .iter()
                .map(|(c, v)| format!("HS{} {c} (US$ {})", c.len(), thousands(*v)))
                .collect::<Vec<_>>()
                .join(", ");
            let note = format!(
                "not allocated at HS{level}: reported only as {codes}; kept here so the lines \
                 add up to the total"
            );
            notes.push(note.clone());
            // Comparable only when the comparison window has detail at this level too.
            let cmp = match &before {
                Some((Some(_), short)) => Some(short.values().sum::<f64>()),
                _ => None,
            };
            let mut l = summary(
                LineKind::Unallocated,
                "unallocated",
                format!("Not allocated at HS{level}"),
                unallocated,
                cmp,
            );
            l.note = Some(note);
            l
        });
        Ok(TopTable {
            level,
            rows,
            others,
            unallocated,
            total_usd: total,
            period,
            compare_period,
            notes,
        })
    }

    /// Each dataset's figure per period and flow, side by side, with the one queries read
    /// and the difference to the next one by precedence. Reads every dataset (`scope.dataset`
    /// only names the one counted as used).
    pub fn reconcile(&self, scope: &Scope, by: By) -> Result<Vec<ReconcileRow>> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        let mut s = scope.clone();
        let chosen = s.dataset.take();
        let sel = self.select(&s)?;
        let month = by.month_sql();
        let sql = format!(
            "SELECT year, {month} AS month, flow, dataset, sum(value_usd) AS v, \
             count(DISTINCT month) AS months, count(*) - count(month) AS annual \
             FROM {} WHERE {} GROUP BY 1, 2, 3, 4",
            sel.table,
            s.where_sql()?
        );
        let ctx = self.session()?;
        // (year, month, flow) -> dataset -> (value, months with data, has annual rows)
        type Cell = BTreeMap<String, (f64, i64, bool)>;
        let mut cells: BTreeMap<(Period, Flow), Cell> = BTreeMap::new();
        for b in self.run(&ctx, &sql)? {
            let g = Grouped::of(&b)?;
            let ds = string_col(&b, "dataset")?;
            let months = f64_col(&b, "months")?;
            let annual = f64_col(&b, "annual")?;
            for i in 0..b.num_rows() {
                cells.entry((g.period(i), g.flow(i))).or_default().insert(
                    ds.value(i).to_string(),
                    (
                        g.v(i),
                        opt_f64(&months, i).unwrap_or(0.0) as i64,
                        opt_f64(&annual, i).unwrap_or(0.0) > 0.0,
                    ),
                );
            }
        }
        let rank = |d: &str| {
            crate::select::DATASET_PRECEDENCE
                .iter()
                .position(|x| *x == d)
                .unwrap_or(usize::MAX)
        };
        let mut out = Vec::new();
        for ((period, flow), ds) in cells {
            let mut order: Vec<&String> = ds.keys().collect();
            order.sort_by_key(|d| rank(d));
            let used = match &chosen {
                Some(c) if ds.contains_key(c) => c.clone(),
                _ => order[0].clone(),
            };
            let other = order.iter().find(|d| ***d != used).map(|d| d.to_string());
            let get = |d: &str| ds.get(d).map(|x| x.0);
            let (uv, ov) = (get(&used), other.as_deref().and_then(get));
            let diff = uv.zip(ov).map(|(u, o)| o - u);
            // A year where a dataset has fewer than twelve months is not like for like.
            let note = (by == By::Year && ds.len() > 1)
                .then(|| {
                    ds.iter()
                        .filter(|(_, (_, n, annual))| !annual && *n < 12)
                        .map(|(d, (_, n, _))| format!("{d} has {n} month(s) only"))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .filter(|n| !n.is_empty());
            out.push(ReconcileRow {
                period: period.to_string(),
                flow,
                china_customs_usd: get("china-customs"),
                comtrade_usd: get("comtrade"),
                csv_usd: get("csv"),
                difference_share: diff.zip(uv).and_then(|(d, u)| (u != 0.0).then(|| d / u)),
                difference_usd: diff,
                used,
                other,
                note,
            });
        }
        Ok(out)
    }

    /// Monthly (or yearly) values of one HS code or prefix, per flow.
    pub fn series(&self, scope: &Scope, hs: &str, by: By) -> Result<Vec<SeriesRow>> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        let hs = normalize_hs(hs).map_err(|e| TradeError::Query(format!("--hs: {e}")))?;
        let month = by.month_sql();
        let sql = format!(
            "SELECT year, {month} AS month, flow, sum(value_usd) AS v, sum(quantity) AS q, \
             min(unit) AS u0, max(unit) AS u1 FROM {} AND hs LIKE '{hs}%' \
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            self.select(scope)?.sql_from()
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        let mut out = Vec::new();
        for b in &batches {
            let g = Grouped::of(b)?;
            let (q, u0, u1) = (f64_col(b, "q")?, string_col(b, "u0")?, string_col(b, "u1")?);
            for i in 0..b.num_rows() {
                let (u0, u1) = (opt_str(&u0, i), opt_str(&u1, i));
                let same = u0 == u1;
                out.push(SeriesRow {
                    period: g.period(i).to_string(),
                    flow: g.flow(i),
                    hs: hs.clone(),
                    value_usd: g.v(i),
                    quantity: opt_f64(&q, i).filter(|_| same),
                    unit: u0.filter(|_| same),
                });
            }
        }
        Ok(out)
    }

    /// Which customs files and lines hold the `reporter`–`partner` rows of the years `years`
    /// (inclusive) and `flow` (both when `None`): one entry per dataset, file, flow and year,
    /// in file order. Every release of a figure is listed; choosing the dataset a query read
    /// is [`TradeStore::select`]'s business.
    pub fn provenance(
        &self,
        reporter: &str,
        partner: &str,
        years: (i32, i32),
        flow: Option<Flow>,
    ) -> Result<Vec<Provenance>> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        let (reporter, partner) = (reporter.to_ascii_uppercase(), partner.to_ascii_uppercase());
        for c in [&reporter, &partner] {
            if !valid_country(c) {
                return Err(TradeError::Query(format!(
                    "`{c}` is not an ISO 3166-1 alpha-2 state code (CN, KP, RU)"
                )));
            }
        }
        let flow_sql = flow
            .map(|f| format!(" AND flow = '{}'", f.as_str()))
            .unwrap_or_default();
        let sql = format!(
            "SELECT dataset, source_file, flow, year, min(source_line), max(source_line), count(*) \
             FROM records WHERE reporter = '{reporter}' AND partner = '{partner}' AND year >= {} \
             AND year <= {}{flow_sql} GROUP BY 1, 2, 3, 4 ORDER BY 2, 3, 4",
            years.0, years.1
        );
        let res = self.sql(&sql)?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let int = |v: &serde_json::Value| v.as_i64().unwrap_or(0);
        res.rows
            .iter()
            .map(|row| {
                let flow = text(&row[2]);
                Ok(Provenance {
                    dataset: text(&row[0]),
                    file: text(&row[1]),
                    flow: flow.parse().map_err(|_| {
                        TradeError::Query(format!("records hold an unknown flow `{flow}`"))
                    })?,
                    year: int(&row[3]) as i32,
                    first_line: int(&row[4]) as u64,
                    last_line: int(&row[5]) as u64,
                    rows: int(&row[6]) as u64,
                })
            })
            .collect()
    }

    /// Read-only SQL over the tables `trade` (view with `period`), `records` and `vintages`.
    pub fn sql(&self, query: &str) -> Result<SqlResult> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        let ctx = self.session()?;
        let opts = SQLOptions::new()
            .with_allow_ddl(false)
            .with_allow_dml(false)
            .with_allow_statements(false);
        let (schema, batches) = self.block_on(async {
            let df = ctx.sql_with_options(query, opts).await?;
            let schema = df.schema().as_arrow().clone();
            let batches = df.collect().await?;
            Ok::<_, TradeError>((schema, batches))
        })?;
        let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut rows = Vec::new();
        let fmt = FormatOptions::default();
        for b in &batches {
            let mut cols = Vec::new();
            for c in b.columns() {
                cols.push((ArrayFormatter::try_new(c.as_ref(), &fmt)?, c.clone()));
            }
            for i in 0..b.num_rows() {
                let mut row = Vec::with_capacity(cols.len());
                for (f, c) in &cols {
                    row.push(if c.is_null(i) {
                        serde_json::Value::Null
                    } else {
                        let s = f.value(i).to_string();
                        if c.data_type().is_numeric() {
                            serde_json::from_str::<serde_json::Number>(&s)
                                .map(serde_json::Value::Number)
                                .unwrap_or(serde_json::Value::String(s))
                        } else if matches!(
                            c.data_type(),
                            datafusion::arrow::datatypes::DataType::Boolean
                        ) {
                            serde_json::Value::Bool(s == "true")
                        } else {
                            serde_json::Value::String(s)
                        }
                    });
                }
                rows.push(row);
            }
        }
        Ok(SqlResult { columns, rows })
    }
}

use datafusion::arrow::array::Array;
