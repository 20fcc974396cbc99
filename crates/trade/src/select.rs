//! Which rows a query reads: one dataset per period (no double counting when the same
//! trade was imported from two sources) and, on request, the data as released at a date.
//!
//! Both decisions come from the manifest alone (no scan of the data):
//!
//! * **Dataset precedence.** When a `(reporter, partner, flow, year)` holds rows of more than
//!   one dataset, a query reads the first of [`DATASET_PRECEDENCE`] present and sets the others
//!   aside: China Customs (the reporter's own national release, monthly, HS8) before UN
//!   Comtrade (the same statistics as re-published later, HS6) before entente's canonical CSV
//!   (figures an analyst assembled). The choice is per year, so an annual Comtrade figure and
//!   China Customs months of the same year are never added together. `Scope::dataset` reads
//!   one dataset only and overrides the precedence; [`TradeStore::reconcile`](crate::TradeStore::reconcile)
//!   shows the datasets side by side.
//! * **As of.** [`AsOf`] cuts the manifest after the last import made by a date (or after a
//!   given release): rows of later imports are left out and the rows those imports replaced
//!   (kept under `vintages/`) come back.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Result, TradeError};
use crate::model::{Flow, Period, valid_country};
use crate::query::Scope;
use crate::store::{Group, ManifestEntry, TradeStore};

/// Datasets in order of precedence: the first present in a period is the one read.
pub const DATASET_PRECEDENCE: [&str; 3] = ["china-customs", "comtrade", "csv"];

/// The data "as of" an earlier point: a date, or one release (import) by its sha256 prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsOf {
    /// As the store held it at the end of this day (UTC).
    Date(NaiveDate),
    /// As the store held it right after this import (sha256 prefix, 6 to 64 hex digits).
    Release(String),
}

impl AsOf {
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let t = s.trim();
        if let Ok(d) = t.parse::<NaiveDate>() {
            return Ok(AsOf::Date(d));
        }
        if (6..=64).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(AsOf::Release(t.to_ascii_lowercase()));
        }
        Err(format!(
            "`{t}` is neither a date (YYYY-MM-DD) nor a release id (6+ hex digits of a \
             sha256 from `entente trade files`)"
        ))
    }
}

impl std::str::FromStr for AsOf {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        AsOf::parse(s)
    }
}

/// Where two or more datasets hold the same flow and year, the one read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DatasetChoice {
    pub flow: Flow,
    pub year: i32,
    pub used: String,
    pub set_aside: Vec<String>,
}

/// The release an [`AsOf`] resolved to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Release {
    /// The last import included (`None`: nothing had been imported by then).
    pub sha256: Option<String>,
    pub file: Option<String>,
    pub imported_at: Option<String>,
    /// Imports made later, left out.
    pub later_imports: usize,
}

/// The rows a query reads: a table expression and a filter, with what was decided.
#[derive(Debug, Clone)]
pub struct Selection {
    /// `records`, or a union of `records` and `vintages` for an as-of query.
    pub(crate) table: String,
    /// The `WHERE` clause: the scope plus the datasets set aside.
    pub(crate) filter: String,
    /// Periods where precedence chose between datasets.
    pub choices: Vec<DatasetChoice>,
    /// Set for an as-of query.
    pub release: Option<Release>,
    /// The periods (months, or years with annual figures) the selected rows hold per flow,
    /// within the scope's years.
    pub periods: BTreeSet<(Flow, Period)>,
}

impl Selection {
    /// `FROM … WHERE …` for the query's SQL.
    pub(crate) fn sql_from(&self) -> String {
        format!("{} WHERE {}", self.table, self.filter)
    }

    /// One line per decision, for a human reader ("2019 export: china-customs; comtrade set aside").
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(r) = &self.release {
            out.push(match (&r.sha256, &r.file) {
                (Some(sha), Some(file)) => format!(
                    "data as of release {} ({file}, imported {}); {} later import(s) left out",
                    &sha[..12.min(sha.len())],
                    r.imported_at.as_deref().unwrap_or("?"),
                    r.later_imports
                ),
                _ => "no data had been imported by that date".to_string(),
            });
        }
        // One line per (used, set aside) pair, listing the years.
        let mut by: BTreeMap<(String, Vec<String>, Flow), Vec<i32>> = BTreeMap::new();
        for c in &self.choices {
            by.entry((c.used.clone(), c.set_aside.clone(), c.flow))
                .or_default()
                .push(c.year);
        }
        for ((used, aside, flow), years) in by {
            out.push(format!(
                "{flow} {}: {used} used, {} set aside (precedence {}; --dataset to choose, \
                 `trade reconcile` to compare)",
                year_ranges(&years),
                aside.join(", "),
                DATASET_PRECEDENCE.join(" > ")
            ));
        }
        out
    }
}

/// `2015–2017, 2019`.
fn year_ranges(years: &[i32]) -> String {
    crate::query::runs(years)
        .into_iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}–{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn known_dataset(d: &str) -> bool {
    DATASET_PRECEDENCE.contains(&d)
}

fn group_sql(g: &Group) -> Option<String> {
    if !valid_country(&g.reporter) || !known_dataset(&g.dataset) {
        return None;
    }
    let mut w = vec![
        format!("reporter = {}", q(&g.reporter)),
        format!("year = {}", g.period.year),
        format!("flow = '{}'", g.flow.as_str()),
        format!("dataset = {}", q(&g.dataset)),
        match g.period.month {
            Some(m) => format!("month = {m}"),
            None => "month IS NULL".into(),
        },
    ];
    if valid_country(&g.partner) {
        w.push(format!("partner = {}", q(&g.partner)));
    }
    Some(format!("({})", w.join(" AND ")))
}

fn hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl TradeStore {
    /// Decides which rows `scope` reads (see the module documentation).
    pub fn select(&self, scope: &Scope) -> Result<Selection> {
        let scope_sql = scope.where_sql()?;
        let manifest = self.manifest_shared()?;
        let entries = &manifest.imports;
        // The imports included: all, or those up to the as-of cut.
        let (cut, release) = match &scope.as_of {
            None => (entries.len(), None),
            Some(a) => {
                let k = match a {
                    AsOf::Date(d) => {
                        let day = d.format("%Y-%m-%d").to_string();
                        entries
                            .iter()
                            .rposition(|e| e.imported_at.get(..10).is_some_and(|x| x <= &day[..]))
                            .map_or(0, |i| i + 1)
                    }
                    AsOf::Release(p) => {
                        let hits: Vec<usize> = entries
                            .iter()
                            .enumerate()
                            .filter(|(_, e)| e.sha256.starts_with(p.as_str()))
                            .map(|(i, _)| i)
                            .collect();
                        match hits.as_slice() {
                            [i] => i + 1,
                            [] => {
                                return Err(TradeError::Query(format!(
                                    "--as-of {p}: no imported file has that sha256 (see `entente trade files`)"
                                )));
                            }
                            _ => {
                                return Err(TradeError::Query(format!(
                                    "--as-of {p}: {} imported files match; give more digits",
                                    hits.len()
                                )));
                            }
                        }
                    }
                };
                let last = k.checked_sub(1).map(|i| &entries[i]);
                (
                    k,
                    Some(Release {
                        sha256: last.map(|e| e.sha256.clone()),
                        file: last.map(|e| e.file.clone()),
                        imported_at: last.map(|e| e.imported_at.clone()),
                        later_imports: entries.len() - k,
                    }),
                )
            }
        };
        let included = &entries[..cut];
        let excluded: HashSet<&str> = entries[cut..].iter().map(|e| e.sha256.as_str()).collect();
        let table = if excluded.is_empty() {
            "records".to_string()
        } else {
            as_of_table(included, &excluded)
        };

        // Datasets present per (flow, year) at the cut.
        let (y0, y1) = (
            scope.from.map_or(i32::MIN, |p| p.year),
            scope.to.map_or(i32::MAX, |p| p.year),
        );
        let mut present: BTreeMap<(Flow, i32), BTreeMap<&str, BTreeSet<Period>>> = BTreeMap::new();
        for e in included {
            for g in &e.groups {
                let gone = e
                    .superseded
                    .iter()
                    .any(|s| &s.group == g && !excluded.contains(s.by_sha256.as_str()));
                if gone
                    || g.reporter != scope.reporter
                    || !(g.partner.is_empty() || g.partner == scope.partner)
                    || scope.flow.is_some_and(|f| f != g.flow)
                    || !(y0..=y1).contains(&g.period.year)
                {
                    continue;
                }
                if scope.dataset.as_ref().is_some_and(|d| d != &g.dataset) {
                    continue;
                }
                present
                    .entry((g.flow, g.period.year))
                    .or_default()
                    .entry(g.dataset.as_str())
                    .or_default()
                    .insert(g.period);
            }
        }
        let mut choices = Vec::new();
        let mut aside_sql = Vec::new();
        let mut periods = BTreeSet::new();
        for ((flow, year), by_ds) in present {
            let rank = |d: &str| DATASET_PRECEDENCE.iter().position(|x| *x == d);
            let mut ds: Vec<&str> = by_ds.keys().copied().filter(|d| known_dataset(d)).collect();
            ds.sort_by_key(|d| rank(d));
            let Some((used, aside)) = ds.split_first() else {
                continue;
            };
            periods.extend(by_ds[used].iter().map(|p| (flow, *p)));
            if !aside.is_empty() {
                aside_sql.push(format!(
                    "(flow = '{}' AND year = {year} AND dataset IN ({}))",
                    flow.as_str(),
                    aside.iter().map(|d| q(d)).collect::<Vec<_>>().join(", ")
                ));
                choices.push(DatasetChoice {
                    flow,
                    year,
                    used: used.to_string(),
                    set_aside: aside.iter().map(|d| d.to_string()).collect(),
                });
            }
        }
        let filter = if aside_sql.is_empty() {
            scope_sql
        } else {
            format!("{scope_sql} AND NOT ({})", aside_sql.join(" OR "))
        };
        Ok(Selection {
            table,
            filter,
            choices,
            release,
            periods,
        })
    }
}

/// `records` without the rows of later imports, plus the `vintages` rows that later imports
/// replaced.
fn as_of_table(included: &[ManifestEntry], excluded: &HashSet<&str>) -> String {
    let mut later: Vec<&str> = excluded.iter().copied().filter(|s| hex(s)).collect();
    later.sort_unstable();
    let current = format!(
        "SELECT * FROM records WHERE source_sha256 NOT IN ({})",
        later.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    );
    let mut back = Vec::new();
    for e in included.iter().filter(|e| hex(&e.sha256)) {
        let by_later: Vec<&Group> = e
            .superseded
            .iter()
            .filter(|s| excluded.contains(s.by_sha256.as_str()))
            .map(|s| &s.group)
            .collect();
        if by_later.is_empty() {
            continue;
        }
        if by_later.len() == e.superseded.len() {
            back.push(format!("source_sha256 = {}", q(&e.sha256)));
        } else {
            for g in by_later {
                if let Some(gs) = group_sql(g) {
                    back.push(format!("(source_sha256 = {} AND {gs})", q(&e.sha256)));
                }
            }
        }
    }
    if back.is_empty() {
        format!("({current}) AS r")
    } else {
        format!(
            "({current} UNION ALL SELECT * FROM vintages WHERE {}) AS r",
            back.join(" OR ")
        )
    }
}
