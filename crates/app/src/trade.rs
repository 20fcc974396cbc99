//! Customs statistics: import, the analytic tables (totals, year-to-date, top products,
//! series, the reconciliation of datasets), read-only SQL, the sanctions screen and HS labels.
//!
//! Requests carry periods, release ids and codes as the analyst types them; the app parses
//! and checks every field before the store is touched, and a bad one is
//! [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming it (`` `from`: … ``).
//! Queries that choose among datasets or releases return [`Noted`] rows: the notes say which
//! dataset and release were read.

use std::path::{Path, PathBuf};

use entente_trade::hs::{self, Concordance, ConcordanceRow, HsImportReport};
use entente_trade::{
    AsOf, By, DATASET_PRECEDENCE, Flow, Format, ImportOptions, ImportReport, Measures, NaiveDate,
    Period, ReconcileRow, Scope, ScreenRow, SeriesRow, SqlResult, TopTable, TotalsRow, TradeStore,
    YtdRow,
};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::kb::state_code;
use crate::{App, AppError};

/// Label languages of the HS nomenclature.
pub const HS_LANGS: [&str; 3] = ["en", "zh", "ja"];

fn cn() -> String {
    "CN".into()
}

fn en() -> String {
    "en".into()
}

fn by_year() -> By {
    By::Year
}

fn by_month() -> By {
    By::Month
}

fn level_4() -> usize {
    4
}

fn limit_10() -> usize {
    10
}

/// The rows a trade query reads: a reporter and a partner (ISO 3166-1 alpha-2), optionally
/// one dataset, a period range (`YYYY` or `YYYY-MM`, both ends included) and the data as
/// released on a date (`YYYY-MM-DD`) or right after a release (a sha256 prefix from
/// [`App::trade_files`]): later imports left out, the figures they replaced back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeScope {
    #[serde(default = "cn")]
    pub reporter: String,
    pub partner: String,
    /// `china-customs`, `comtrade` or `csv`. Without it, where several datasets hold the same
    /// year and flow, one is read by precedence: china-customs > comtrade > csv.
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub as_of: Option<String>,
}

impl TradeScope {
    /// Everything the `partner` traded with China (the reporter), all periods, latest data.
    pub fn new(partner: &str) -> TradeScope {
        TradeScope {
            reporter: cn(),
            partner: partner.to_string(),
            dataset: None,
            from: None,
            to: None,
            as_of: None,
        }
    }

    /// The library's scope for `flow`, every field checked.
    fn scope(&self, flow: Option<Flow>) -> Result<Scope> {
        let mut s = Scope::new(
            &state_code("reporter", &self.reporter)?,
            &state_code("partner", &self.partner)?,
        );
        s.flow = flow;
        if let Some(d) = &self.dataset {
            if !DATASET_PRECEDENCE.contains(&d.as_str()) {
                return Err(AppError::invalid(format!(
                    "`dataset`: `{d}` is not one of {}",
                    DATASET_PRECEDENCE.join(", ")
                )));
            }
            s.dataset = Some(d.clone());
        }
        s.from = period("from", self.from.as_deref())?;
        s.to = period("to", self.to.as_deref())?;
        if let (Some(a), Some(b)) = (s.from, s.to)
            && (a.year, a.month.unwrap_or(1)) > (b.year, b.month.unwrap_or(12))
        {
            return Err(AppError::invalid(format!("`from`: {a} is after `to` {b}")));
        }
        s.as_of = self
            .as_of
            .as_deref()
            .map(|a| AsOf::parse(a).map_err(|e| AppError::invalid(format!("`as_of`: {e}"))))
            .transpose()?;
        Ok(s)
    }
}

fn period(field: &str, s: Option<&str>) -> Result<Option<Period>> {
    s.map(|p| Period::parse(p).map_err(|e| AppError::invalid(format!("`{field}`: {e}"))))
        .transpose()
}

fn date(field: &str, s: Option<&str>) -> Result<Option<NaiveDate>> {
    s.map(|d| {
        d.trim()
            .parse::<NaiveDate>()
            .map_err(|_| AppError::invalid(format!("`{field}`: `{d}` is not a date (YYYY-MM-DD)")))
    })
    .transpose()
}

fn hs_code(field: &str, s: &str) -> Result<String> {
    entente_trade::model::normalize_hs(s).map_err(|e| AppError::invalid(format!("`{field}`: {e}")))
}

fn label_lang(lang: &str) -> Result<&str> {
    HS_LANGS.into_iter().find(|l| *l == lang).ok_or_else(|| {
        AppError::invalid(format!(
            "`lang`: `{lang}` is not one of {}",
            HS_LANGS.join(", ")
        ))
    })
}

/// `2019-2025` (or one year, `2025`) as the first and last year.
fn years(field: &str, s: &str) -> Result<(i32, i32)> {
    let bad = || AppError::invalid(format!("`{field}`: `{s}`: expected YYYY-YYYY"));
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    for y in [a, b] {
        if !(1900..=2100).contains(&y) {
            return Err(AppError::invalid(format!(
                "`{field}`: `{s}`: impossible year {y}"
            )));
        }
    }
    if a > b {
        return Err(AppError::invalid(format!(
            "`{field}`: `{s}`: the first year is after the last"
        )));
    }
    Ok((a, b))
}

/// Customs files to import, and what the files do not say themselves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeImport {
    pub files: Vec<PathBuf>,
    /// `china-customs`, `comtrade` or `csv`.
    pub format: Format,
    /// Reporter (ISO alpha-2) for formats that do not say it (China Customs: default CN).
    #[serde(default)]
    pub reporter: Option<String>,
    /// Flow for formats that do not say it (China Customs).
    #[serde(default)]
    pub flow: Option<Flow>,
    /// The files hold cumulative year-to-date figures (differenced into months).
    #[serde(default)]
    pub cumulative: bool,
}

/// Where a trade import is.
#[derive(Clone, Copy, Debug)]
pub enum TradeImportProgress<'a> {
    /// The `index`th (from 0) of `total` files is being read.
    Started {
        file: &'a Path,
        index: usize,
        total: usize,
    },
    /// A file is done; `error` when it was refused (nothing of it was imported).
    Finished {
        file: &'a Path,
        error: Option<&'a AppError>,
    },
}

/// A file the import refused, whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FailedImport {
    pub file: String,
    pub error: AppError,
}

/// What a trade import did: one report per imported file, and the files refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TradeImportSummary {
    pub reports: Vec<ImportReport>,
    pub failed: Vec<FailedImport>,
    /// The import was cancelled before its last file (the files reported are complete).
    #[serde(default)]
    pub cancelled: bool,
}

/// Query results with notes for the reader: which dataset and release were read, caveats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Noted<T> {
    pub rows: T,
    pub notes: Vec<String>,
}

/// Exports, imports, total and balance per year or month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotalsQuery {
    pub scope: TradeScope,
    #[serde(default = "by_year")]
    pub by: By,
}

/// Each dataset's figures side by side per period and flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconcileQuery {
    pub scope: TradeScope,
    #[serde(default)]
    pub flow: Option<Flow>,
    #[serde(default = "by_year")]
    pub by: By,
    /// Only periods held by two datasets or more.
    #[serde(default)]
    pub overlaps: bool,
}

/// January to month `through` of several years side by side. The scope's `from` and `to`
/// must be empty: `years` and `through` make the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YtdQuery {
    pub scope: TradeScope,
    /// Last month of the comparison (1-12).
    pub through: u8,
    /// `2019-2025`, or one year.
    pub years: String,
    /// Base year of `change_on_base` (default: the first year), within `years`.
    #[serde(default)]
    pub base: Option<i32>,
}

/// The largest HS codes for one flow and period range; the lines add up to the flow's total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TopQuery {
    pub scope: TradeScope,
    pub flow: Flow,
    /// HS digits: 2, 4, 6, 8 or 10.
    #[serde(default = "level_4")]
    pub level: usize,
    #[serde(default = "limit_10")]
    pub limit: usize,
    /// Compare with the same months of this year.
    #[serde(default)]
    pub compare: Option<i32>,
    /// Label language: en, zh or ja.
    #[serde(default = "en")]
    pub lang: String,
    /// Merge codes that changed between HS editions (data/hs/concordance.csv).
    #[serde(default)]
    pub harmonize: bool,
}

/// Values of one HS code or prefix over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    pub scope: TradeScope,
    /// An HS code or prefix (`2710`, `2710.12`).
    pub hs: String,
    #[serde(default)]
    pub flow: Option<Flow>,
    #[serde(default = "by_month")]
    pub by: By,
}

/// HS lines of one flow screened against UN Security Council measures. The scope's `as_of`
/// dates the trade data; `measures_as_of` the measures in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenQuery {
    pub scope: TradeScope,
    pub flow: Flow,
    /// Measures in force on this date (`YYYY-MM-DD`; default today).
    #[serde(default)]
    pub measures_as_of: Option<String>,
    /// A measures file (default: the bundled data/sanctions/unsc-dprk.toml).
    #[serde(default)]
    pub measures: Option<PathBuf>,
    /// Lines without measures too.
    #[serde(default)]
    pub all: bool,
    #[serde(default = "en")]
    pub lang: String,
}

/// The screen's lines and what they were screened against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Screen {
    pub lines: Vec<ScreenRow>,
    /// The date the measures were taken in force on.
    pub as_of: NaiveDate,
    /// How many measures the file holds, and the file.
    pub measures: usize,
    pub measures_file: String,
}

/// One imported file of the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TradeFile {
    pub sha256: String,
    pub file: String,
    pub format: Format,
    pub imported_at: String,
    pub rows: usize,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    /// (dataset, reporter, flow, period) groups of earlier imports this one replaced.
    pub superseded_groups: usize,
}

/// One level of an HS code's rollup (`hs8`, `hs6`, `hs4`, `hs2`, `section`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HsLevel {
    pub level: String,
    pub code: String,
    pub label: Option<String>,
}

/// A code's rollup with labels; `labelled` is false when no nomenclature was imported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HsRollup {
    pub levels: Vec<HsLevel>,
    pub labelled: bool,
}

/// An HS code and its label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HsLabel {
    pub code: String,
    pub label: Option<String>,
}

impl App {
    /// The trade store and the notes of what a query of `scope` reads.
    fn selected(&self, scope: &Scope) -> Result<(&TradeStore, Vec<String>)> {
        let store = self.trade()?;
        let notes = store.select(scope)?.notes();
        Ok((store, notes))
    }

    /// Imports customs files, each whole or not at all; a refused file never stops the
    /// others (it is in the summary).
    pub fn trade_import(
        &self,
        req: &TradeImport,
        progress: &mut dyn FnMut(TradeImportProgress<'_>),
    ) -> Result<TradeImportSummary> {
        self.trade_import_cancellable(req, &entente_core::Cancel::new(), progress)
    }

    /// [`App::trade_import`] that stops between files once `cancel` is raised (each file is
    /// imported whole or not at all; the files not started are not in the summary).
    pub fn trade_import_cancellable(
        &self,
        req: &TradeImport,
        cancel: &entente_core::Cancel,
        progress: &mut dyn FnMut(TradeImportProgress<'_>),
    ) -> Result<TradeImportSummary> {
        if req.files.is_empty() {
            return Err(AppError::invalid("`files`: name at least one file"));
        }
        let opts = ImportOptions {
            reporter: req
                .reporter
                .as_deref()
                .map(|r| state_code("reporter", r))
                .transpose()?,
            flow: req.flow,
            cumulative: req.cumulative,
        };
        self.check_writable()?;
        let store = self.trade()?;
        let mut out = TradeImportSummary {
            reports: Vec::new(),
            failed: Vec::new(),
            cancelled: false,
        };
        let total = req.files.len();
        for (index, file) in req.files.iter().enumerate() {
            if cancel.is_cancelled() {
                out.cancelled = true;
                break;
            }
            progress(TradeImportProgress::Started { file, index, total });
            match store.import_file(file, req.format, &opts) {
                Ok(r) => {
                    progress(TradeImportProgress::Finished { file, error: None });
                    out.reports.push(r);
                }
                Err(e) => {
                    let error = AppError::from(e);
                    progress(TradeImportProgress::Finished {
                        file,
                        error: Some(&error),
                    });
                    out.failed.push(FailedImport {
                        file: file.display().to_string(),
                        error,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Exports, imports, total and balance per period, with the change on the previous one.
    pub fn trade_totals(&self, q: &TotalsQuery) -> Result<Noted<Vec<TotalsRow>>> {
        let s = q.scope.scope(None)?;
        let (store, notes) = self.selected(&s)?;
        Ok(Noted {
            rows: store.totals(&s, q.by)?,
            notes,
        })
    }

    /// Each dataset's figure per period and flow, the one queries use and the difference.
    pub fn trade_reconcile(&self, q: &ReconcileQuery) -> Result<Vec<ReconcileRow>> {
        let s = q.scope.scope(q.flow)?;
        let mut rows = self.trade()?.reconcile(&s, q.by)?;
        if q.overlaps {
            rows.retain(|r| r.other.is_some());
        }
        Ok(rows)
    }

    /// January to `through` of each year side by side.
    pub fn trade_ytd(&self, q: &YtdQuery) -> Result<Noted<Vec<YtdRow>>> {
        if q.scope.from.is_some() || q.scope.to.is_some() {
            return Err(AppError::invalid(
                "`from`, `to`: a year-to-date comparison takes its window from `years` and `through`",
            ));
        }
        if !(1..=12).contains(&q.through) {
            return Err(AppError::invalid(format!(
                "`through`: {} is not a month (1-12)",
                q.through
            )));
        }
        let (y0, y1) = years("years", &q.years)?;
        if let Some(b) = q.base
            && !(y0..=y1).contains(&b)
        {
            return Err(AppError::invalid(format!(
                "`base`: {b} is not one of the years {y0}-{y1}"
            )));
        }
        let mut s = q.scope.scope(None)?;
        s.from = Some(Period::month(y0, 1));
        s.to = Some(Period::month(y1, q.through));
        let (store, notes) = self.selected(&s)?;
        Ok(Noted {
            rows: store.ytd(&s, q.through, (y0, y1), q.base)?,
            notes,
        })
    }

    /// The top-N table of one flow (ranked codes, others, unallocated value). Its own notes
    /// stay in [`TopTable::notes`]; the [`Noted`] notes are the selection's.
    pub fn trade_top(&self, q: &TopQuery) -> Result<Noted<TopTable>> {
        if !matches!(q.level, 2 | 4 | 6 | 8 | 10) {
            return Err(AppError::invalid(format!(
                "`level`: {} HS digits; expected 2, 4, 6, 8 or 10",
                q.level
            )));
        }
        let lang = label_lang(&q.lang)?;
        let s = q.scope.scope(Some(q.flow))?;
        let (store, notes) = self.selected(&s)?;
        let nm = store.nomenclature()?;
        let conc = if q.harmonize {
            Some(Concordance::bundled()?)
        } else {
            None
        };
        let table = store.top_table(
            &s,
            q.level,
            q.limit,
            q.compare,
            Some((&nm, lang)),
            conc.as_ref(),
        )?;
        Ok(Noted { rows: table, notes })
    }

    /// Values of one HS code or prefix per period and flow.
    pub fn trade_series(&self, q: &SeriesQuery) -> Result<Noted<Vec<SeriesRow>>> {
        let hs = hs_code("hs", &q.hs)?;
        let s = q.scope.scope(q.flow)?;
        let (store, notes) = self.selected(&s)?;
        Ok(Noted {
            rows: store.series(&s, &hs, q.by)?,
            notes,
        })
    }

    /// A read-only SQL query over the tables `trade`, `records` and `vintages`.
    pub fn trade_sql(&self, query: &str) -> Result<SqlResult> {
        Ok(self.trade()?.sql(query)?)
    }

    /// HS lines of one flow with the measures that apply to them; only lines with measures
    /// unless `all`.
    pub fn trade_screen(&self, q: &ScreenQuery) -> Result<Noted<Screen>> {
        let lang = label_lang(&q.lang)?;
        let as_of = date("measures_as_of", q.measures_as_of.as_deref())?
            .unwrap_or_else(entente_trade::today);
        let measures = match &q.measures {
            Some(p) => Measures::load(p)?,
            None => Measures::unsc_dprk()?,
        };
        let s = q.scope.scope(Some(q.flow))?;
        let (store, notes) = self.selected(&s)?;
        let nm = store.nomenclature()?;
        let mut lines = store.screen(&s, &measures, as_of, Some((&nm, lang)))?;
        if !q.all {
            lines.retain(|r| !r.measures.is_empty());
        }
        Ok(Noted {
            rows: Screen {
                lines,
                as_of,
                measures: measures.measures.len(),
                measures_file: measures.file.display().to_string(),
            },
            notes,
        })
    }

    /// The imported files (the manifest), with how many groups each superseded.
    pub fn trade_files(&self) -> Result<Vec<TradeFile>> {
        let m = self.trade()?.manifest()?;
        Ok(m.imports
            .iter()
            .map(|e| {
                let (first_period, last_period) = e.period_span();
                TradeFile {
                    sha256: e.sha256.clone(),
                    file: e.file.clone(),
                    format: e.format,
                    imported_at: e.imported_at.clone(),
                    rows: e.rows,
                    first_period,
                    last_period,
                    superseded_groups: e.superseded.len(),
                }
            })
            .collect())
    }

    /// Imports HS labels (the HS list's harmonized-system.csv and sections.csv, or China's
    /// 8-digit lists); `progress(done, total)` after each file. Saved only when every file
    /// was read.
    pub fn hs_import(
        &self,
        files: &[PathBuf],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<HsImportReport>> {
        if files.is_empty() {
            return Err(AppError::invalid("`files`: name at least one file"));
        }
        self.check_writable()?;
        // Load, add and save under the writer's lock: two label imports never lose one.
        let _writer = self.trade()?.write_lock()?;
        let mut nm = self.trade()?.nomenclature()?;
        let mut reports = Vec::new();
        for (i, f) in files.iter().enumerate() {
            reports.push(nm.import_file(f)?);
            progress(i + 1, files.len());
        }
        nm.save()?;
        Ok(reports)
    }

    /// A code's label and rollup (HS8 → HS6 → HS4 → HS2 → section) in `lang` (en, zh, ja;
    /// falling back ja → zh → en, zh → en, en → zh).
    pub fn hs_rollup(&self, code: &str, lang: &str) -> Result<HsRollup> {
        let code = hs_code("code", code)?;
        let lang = label_lang(lang)?;
        let nm = self.trade()?.nomenclature()?;
        let r = hs::rollup(&code);
        let mut levels = Vec::new();
        for (level, c) in [
            ("hs8", r.hs8),
            ("hs6", r.hs6),
            ("hs4", r.hs4),
            ("hs2", r.hs2),
            ("section", r.section),
        ] {
            if let Some(c) = c {
                levels.push(HsLevel {
                    level: level.to_string(),
                    label: nm.label(&c, lang),
                    code: c,
                });
            }
        }
        Ok(HsRollup {
            levels,
            labelled: !nm.is_empty(),
        })
    }

    /// Codes under `prefix` (dots allowed; empty for all) with labels in `lang`.
    pub fn hs_list(&self, prefix: &str, lang: &str) -> Result<Vec<HsLabel>> {
        let lang = label_lang(lang)?;
        let p: String = prefix.chars().filter(|c| *c != '.').collect();
        if !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::invalid(format!(
                "`prefix`: `{prefix}` is not an HS code prefix (digits only)"
            )));
        }
        let nm = self.trade()?.nomenclature()?;
        Ok(nm
            .list(&p, lang)
            .into_iter()
            .map(|(code, label)| HsLabel { code, label })
            .collect())
    }
}

/// The concordance between HS editions (data/hs/concordance.csv, bundled; no data directory
/// needed); with `code`, only its group.
pub fn hs_concordance(code: Option<&str>) -> Result<Vec<ConcordanceRow>> {
    let c = Concordance::bundled()?;
    Ok(match code {
        Some(code) => {
            let g = c.harmonize(&hs_code("code", code)?);
            c.rows.into_iter().filter(|r| r.group == g).collect()
        }
        None => c.rows,
    })
}
