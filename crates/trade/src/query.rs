//! Analytic queries over the store. Each returns tidy rows (one observation per row),
//! ready for tables, JSON Lines and charts.

use std::collections::{BTreeMap, HashMap};

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::execution::context::SQLOptions;
use serde::Serialize;

use crate::error::{Result, TradeError};
use crate::hs::{Concordance, Nomenclature};
use crate::model::{Flow, Period, normalize_hs, valid_country};
use crate::store::{TradeStore, f64_col, opt_f64, opt_str, string_col};

/// Which rows a query reads.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub reporter: String,
    pub partner: String,
    pub flow: Option<Flow>,
    pub from: Option<Period>,
    pub to: Option<Period>,
    /// Only rows of this dataset (`china-customs`, `comtrade`, `csv`).
    pub dataset: Option<String>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Year,
    Month,
}

/// One period of `totals`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TotalsRow {
    pub period: String,
    pub exports_usd: f64,
    pub imports_usd: f64,
    pub total_usd: f64,
    /// exports − imports
    pub balance_usd: f64,
    /// Change of the total on the previous period, as a fraction (0.25 = +25 %).
    pub change: Option<f64>,
    pub exports_change: Option<f64>,
    pub imports_change: Option<f64>,
}

/// One year of `ytd`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YtdRow {
    pub year: i32,
    /// Months covered: `01-10`.
    pub months: String,
    pub exports_usd: f64,
    pub imports_usd: f64,
    pub total_usd: f64,
    pub balance_usd: f64,
    /// Change of the total on the previous year.
    pub change: Option<f64>,
    /// Change of the total on the base year.
    pub change_on_base: Option<f64>,
    pub base_year: i32,
}

/// One line of `top`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopRow {
    pub rank: usize,
    pub hs: String,
    pub label: Option<String>,
    pub value_usd: f64,
    /// Share of the flow's total at this level in the period.
    pub share: f64,
    /// Change on the comparison period (same months of `compare` year).
    pub change: Option<f64>,
    pub compare_value_usd: Option<f64>,
}

/// One point of `series`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesRow {
    pub period: String,
    pub flow: Flow,
    pub hs: String,
    pub value_usd: f64,
    pub quantity: Option<f64>,
    /// The quantity unit when all rows share one.
    pub unit: Option<String>,
}

/// The result of `sql`: column names and rows of JSON values.
#[derive(Debug, Clone, Serialize)]
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

fn period_label(year: i32, month: Option<i32>) -> String {
    match month {
        Some(m) => format!("{year:04}-{m:02}"),
        None => format!("{year:04}"),
    }
}

/// Iterates `(year, month, flow, value)` over grouped result batches.
fn each_row(
    batches: &[RecordBatch],
    mut f: impl FnMut(i32, Option<i32>, &str, f64, &RecordBatch, usize),
) -> Result<()> {
    for b in batches {
        let year = f64_col(b, "year")?;
        let month = f64_col(b, "month")?;
        let flow = string_col(b, "flow")?;
        let v = f64_col(b, "v")?;
        for i in 0..b.num_rows() {
            let y = opt_f64(&year, i).unwrap_or(0.0) as i32;
            let m = opt_f64(&month, i).map(|m| m as i32);
            f(y, m, flow.value(i), opt_f64(&v, i).unwrap_or(0.0), b, i);
        }
    }
    Ok(())
}

impl TradeStore {
    /// Exports, imports, total and balance per year or month, with change on the previous period.
    pub fn totals(&self, scope: &Scope, by: By) -> Result<Vec<TotalsRow>> {
        let mut s = scope.clone();
        s.flow = None;
        let month = if by == By::Month {
            "month"
        } else {
            "CAST(NULL AS INT)"
        };
        let sql = format!(
            "SELECT year, {month} AS month, flow, sum(value_usd) AS v FROM records WHERE {} \
             GROUP BY 1, 2, 3",
            s.where_sql()?
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        let mut acc: BTreeMap<(i32, i32), (f64, f64)> = BTreeMap::new();
        each_row(&batches, |y, m, flow, v, _, _| {
            let e = acc.entry((y, m.unwrap_or(0))).or_default();
            if flow == "export" {
                e.0 += v;
            } else {
                e.1 += v;
            }
        })?;
        let mut out: Vec<TotalsRow> = Vec::new();
        let mut prev: Option<((i32, i32), (f64, f64))> = None;
        for (&(y, m), &(x, im)) in &acc {
            let expected_prev = match (by, m) {
                (By::Year, _) | (_, 0) => (y - 1, m),
                (By::Month, 1) => (y - 1, 12),
                (By::Month, _) => (y, m - 1),
            };
            let p = prev.filter(|(k, _)| *k == expected_prev).map(|(_, v)| v);
            out.push(TotalsRow {
                period: period_label(y, if m == 0 { None } else { Some(m) }),
                exports_usd: x,
                imports_usd: im,
                total_usd: x + im,
                balance_usd: x - im,
                change: p.and_then(|(px, pm)| ratio(x + im, px + pm)),
                exports_change: p.and_then(|(px, _)| ratio(x, px)),
                imports_change: p.and_then(|(_, pm)| ratio(im, pm)),
            });
            prev = Some(((y, m), (x, im)));
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
        let sql = format!(
            "SELECT year, CAST(NULL AS INT) AS month, flow, sum(value_usd) AS v FROM records \
             WHERE {} AND month <= {through} GROUP BY 1, 2, 3",
            s.where_sql()?
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        let mut acc: BTreeMap<i32, (f64, f64)> = (y0..=y1).map(|y| (y, (0.0, 0.0))).collect();
        each_row(&batches, |y, _, flow, v, _, _| {
            let e = acc.entry(y).or_default();
            if flow == "export" {
                e.0 += v;
            } else {
                e.1 += v;
            }
        })?;
        let base_year = base.unwrap_or(y0);
        let base_total = acc.get(&base_year).map(|(x, m)| x + m);
        let mut out = Vec::new();
        let mut prev: Option<f64> = None;
        for (&y, &(x, m)) in &acc {
            let total = x + m;
            out.push(YtdRow {
                year: y,
                months: format!("01-{through:02}"),
                exports_usd: x,
                imports_usd: m,
                total_usd: total,
                balance_usd: x - m,
                change: prev.and_then(|p| ratio(total, p)),
                change_on_base: base_total.and_then(|b| ratio(total, b)),
                base_year,
            });
            prev = Some(total);
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
        if !matches!(level, 2 | 4 | 6 | 8 | 10) {
            return Err(TradeError::Query(format!(
                "--level {level}: expected 2, 4, 6, 8 or 10"
            )));
        }
        if scope.flow.is_none() {
            return Err(TradeError::Query(
                "top needs a flow (--flow export|import)".into(),
            ));
        }
        let ctx = self.session()?;
        let grouped = |s: &Scope| -> Result<HashMap<String, f64>> {
            // Group by the stored code (a few thousand at most) and roll up here.
            let sql = format!(
                "SELECT hs AS code, sum(value_usd) AS v FROM records WHERE {} GROUP BY 1",
                s.where_sql()?
            );
            let mut m = HashMap::new();
            for b in self.run(&ctx, &sql)? {
                let code = string_col(&b, "code")?;
                let v = f64_col(&b, "v")?;
                for i in 0..b.num_rows() {
                    let Some(c) = opt_str(&code, i) else { continue };
                    let Some(c) = c.get(..level) else { continue };
                    let c = concordance.map_or(c.to_string(), |k| k.harmonize(c));
                    *m.entry(c).or_insert(0.0) += opt_f64(&v, i).unwrap_or(0.0);
                }
            }
            Ok(m)
        };
        let now = grouped(scope)?;
        let before = match compare {
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
                Some(grouped(&s)?)
            }
        };
        let total: f64 = now.values().sum();
        let mut rows: Vec<(String, f64)> = now.into_iter().collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(rows
            .into_iter()
            .take(n)
            .enumerate()
            .map(|(i, (hs, v))| {
                let cmp = before.as_ref().map(|b| b.get(&hs).copied().unwrap_or(0.0));
                TopRow {
                    rank: i + 1,
                    label: labels.and_then(|(nm, lang)| nm.label(&hs, lang)),
                    hs,
                    value_usd: v,
                    share: if total == 0.0 { 0.0 } else { v / total },
                    change: cmp.and_then(|c| ratio(v, c)),
                    compare_value_usd: cmp,
                }
            })
            .collect())
    }

    /// Monthly (or yearly) values of one HS code or prefix, per flow.
    pub fn series(&self, scope: &Scope, hs: &str, by: By) -> Result<Vec<SeriesRow>> {
        let hs = normalize_hs(hs).map_err(|e| TradeError::Query(format!("--hs: {e}")))?;
        let month = if by == By::Month {
            "month"
        } else {
            "CAST(NULL AS INT)"
        };
        let sql = format!(
            "SELECT year, {month} AS month, flow, sum(value_usd) AS v, sum(quantity) AS q, \
             min(unit) AS u0, max(unit) AS u1 FROM records WHERE {} AND hs LIKE '{hs}%' \
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            scope.where_sql()?
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        let mut out = Vec::new();
        each_row(&batches, |y, m, flow, v, b, i| {
            let q = f64_col(b, "q").ok().and_then(|a| opt_f64(&a, i));
            let u0 = string_col(b, "u0").ok().and_then(|a| opt_str(&a, i));
            let u1 = string_col(b, "u1").ok().and_then(|a| opt_str(&a, i));
            out.push(SeriesRow {
                period: period_label(y, m),
                flow: if flow == "export" {
                    Flow::Export
                } else {
                    Flow::Import
                },
                hs: hs.clone(),
                value_usd: v,
                quantity: if u0 == u1 { q } else { None },
                unit: if u0 == u1 { u0 } else { None },
            });
        })?;
        Ok(out)
    }

    /// Read-only SQL over the tables `trade` (view with `period`), `records` and `vintages`.
    pub fn sql(&self, query: &str) -> Result<SqlResult> {
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
