//! Sanctions measures as data (`data/sanctions/*.toml`) and the screen of trade lines
//! against them.

// Without the engine only the measures' parser is built (the fuzz targets); the screen's
// helpers are then unused.
#![cfg_attr(not(feature = "engine"), allow(dead_code, unused_imports))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Result, TradeError};
use crate::hs::Nomenclature;
use crate::model::{Flow, Period};
#[cfg(feature = "engine")]
use crate::query::Scope;
#[cfg(feature = "engine")]
use crate::store::{Grouped, TradeStore, f64_col, opt_f64, opt_str, string_col};

/// The bundled UN Security Council measures on the DPRK.
pub const UNSC_DPRK: &str = include_str!("../../../data/sanctions/unsc-dprk.toml");

/// Which way goods move relative to the sanctioned state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Supply, sale or transfer to the target.
    To,
    /// Procurement from the target.
    From,
}

impl Direction {
    /// The direction of `reporter`'s `flow` with `partner` relative to `target`; `None` when
    /// neither side (or both) is the target.
    pub fn of(reporter: &str, partner: &str, target: &str, flow: Flow) -> Option<Direction> {
        match (reporter == target, partner == target, flow) {
            (false, true, Flow::Export) | (true, false, Flow::Import) => Some(Direction::To),
            (false, true, Flow::Import) | (true, false, Flow::Export) => Some(Direction::From),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Ban,
    Cap,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    pub amount: f64,
    pub unit: String,
    pub period: String,
    /// Cap units per metric ton, to compare customs quantities in kg or t with the cap.
    #[serde(default)]
    pub per_tonne: Option<f64>,
}

/// One provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    pub resolution: u32,
    pub paragraph: String,
    pub adopted: NaiveDate,
    pub direction: Direction,
    pub kind: Kind,
    pub items: String,
    pub hs: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub cap: Option<Cap>,
    pub note: String,
}

impl Measure {
    /// Whether an HS code is in scope.
    pub fn covers(&self, hs: &str) -> bool {
        let norm = |p: &String| p.replace('.', "");
        self.hs.iter().any(|p| hs.starts_with(&norm(p)))
            && !self.exclude.iter().any(|p| hs.starts_with(&norm(p)))
    }

    /// Whether an aggregated HS code (a chapter or heading) contains goods in scope without
    /// being wholly in scope: chapter 27 contains coal (2701) and refined petroleum (2710).
    pub fn covers_part(&self, hs: &str) -> bool {
        !self.covers(hs)
            && self.hs.iter().any(|p| {
                let p = p.replace('.', "");
                p.len() > hs.len() && p.starts_with(hs)
            })
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MeasureFile {
    #[serde(default)]
    target: Option<String>,
    measure: Vec<Measure>,
}

/// A validated set of measures against one target state.
#[derive(Debug, Clone)]
pub struct Measures {
    /// ISO code of the sanctioned state.
    pub target: String,
    pub measures: Vec<Measure>,
    pub file: PathBuf,
}

impl Measures {
    /// The bundled UNSC measures on the DPRK.
    pub fn unsc_dprk() -> Result<Self> {
        Self::parse(UNSC_DPRK, Path::new("data/sanctions/unsc-dprk.toml"))
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| TradeError::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses and validates; errors name the measure and the field.
    pub fn parse(text: &str, file: &Path) -> Result<Self> {
        let bad = |message: String| TradeError::Data {
            file: file.to_path_buf(),
            message,
        };
        let f: MeasureFile =
            toml::from_str(text).map_err(|e| bad(e.to_string().trim().to_string()))?;
        let mut ids = std::collections::HashSet::new();
        for (i, m) in f.measure.iter().enumerate() {
            let who = if m.id.is_empty() {
                format!("measure #{}", i + 1)
            } else {
                format!("measure `{}`", m.id)
            };
            if m.id.is_empty() {
                return Err(bad(format!("{who}: field `id` is empty")));
            }
            if !ids.insert(m.id.clone()) {
                return Err(bad(format!("{who}: duplicate id")));
            }
            if !(1..=9999).contains(&m.resolution) {
                return Err(bad(format!(
                    "{who}: field `resolution`: {} is not a resolution number",
                    m.resolution
                )));
            }
            if m.paragraph.trim().is_empty() {
                return Err(bad(format!("{who}: field `paragraph` is empty")));
            }
            if m.hs.is_empty() {
                return Err(bad(format!(
                    "{who}: field `hs` is empty (list at least one HS prefix)"
                )));
            }
            for (field, list) in [("hs", &m.hs), ("exclude", &m.exclude)] {
                for p in list {
                    let d = p.replace('.', "");
                    if d.is_empty()
                        || !d.chars().all(|c| c.is_ascii_digit())
                        || d.len() % 2 == 1
                        || d.len() > 10
                    {
                        return Err(bad(format!(
                            "{who}: field `{field}`: `{p}` is not an HS prefix (2, 4, 6, 8 or 10 digits)"
                        )));
                    }
                }
            }
            match (m.kind, &m.cap) {
                (Kind::Cap, None) => {
                    return Err(bad(format!(
                        "{who}: kind = \"cap\" needs a [measure.cap] table (amount, unit, period)"
                    )));
                }
                (Kind::Ban, Some(_)) => {
                    return Err(bad(format!("{who}: field `cap` given for kind = \"ban\"")));
                }
                (Kind::Cap, Some(c)) if c.amount.is_nan() || c.amount <= 0.0 => {
                    return Err(bad(format!("{who}: field `cap.amount` must be positive")));
                }
                _ => {}
            }
            if m.note.trim().is_empty() {
                return Err(bad(format!(
                    "{who}: field `note` is empty (say what is uncertain)"
                )));
            }
        }
        Ok(Measures {
            target: f.target.unwrap_or_else(|| "KP".into()),
            measures: f.measure,
            file: file.to_path_buf(),
        })
    }
}

/// One measure as it applies to one screened line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct AppliedMeasure {
    pub id: String,
    pub resolution: u32,
    pub paragraph: String,
    pub kind: Kind,
    pub adopted: NaiveDate,
    /// The measure applied already when the first shipment of the line in the window was made.
    pub in_force_at_shipment: bool,
    /// Value shipped on or after adoption, within the window.
    #[serde(serialize_with = "crate::json::usd")]
    pub value_usd_after_adoption: f64,
    /// The line is an aggregate (chapter, heading) that only partly falls in the measure's
    /// scope; its value is an upper bound of what the measure concerns.
    pub partial: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<CapUse>,
}

/// Quantity of a capped line against the cap.
///
/// The rule: a period (a month, or a year given as one annual figure) counts against a cap
/// only when the cap was in force on its first day. An annual figure for the year of
/// adoption, or a month in which the cap was adopted, cannot be split and is left out; so is
/// everything before adoption. Caps are per year: the share is that of the calendar year
/// with the largest counted quantity (a "twelve months" cap is read per calendar year too).
/// `note` says what was left out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct CapUse {
    #[serde(serialize_with = "crate::json::num")]
    pub cap_amount: f64,
    pub cap_unit: String,
    pub cap_period: String,
    /// Quantity in the whole window, in the customs unit (counted or not).
    #[serde(serialize_with = "crate::json::num_opt")]
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    /// The window's quantity converted to the cap unit (when the customs unit is kg or t).
    #[serde(serialize_with = "crate::json::num_opt")]
    pub quantity_in_cap_unit: Option<f64>,
    /// Quantity of the periods that count against the cap (see above), in the cap unit,
    /// for the calendar year of `share_year`.
    #[serde(serialize_with = "crate::json::num_opt")]
    pub counted_in_cap_unit: Option<f64>,
    /// The calendar year whose counted quantity `share_of_cap` measures.
    pub share_year: Option<i32>,
    /// `counted_in_cap_unit / cap_amount`; `None` when no period of the window counts.
    #[serde(serialize_with = "crate::json::frac_opt")]
    pub share_of_cap: Option<f64>,
    /// What was counted and what was left out, in words.
    pub note: String,
}

/// One line of the screen.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ScreenRow {
    pub hs: String,
    pub label: Option<String>,
    #[serde(serialize_with = "crate::json::usd")]
    pub value_usd: f64,
    pub first_period: String,
    pub last_period: String,
    pub measures: Vec<AppliedMeasure>,
}

/// Value, quantity and unit of one HS line in one month.
type MonthFigures = (f64, Option<f64>, Option<String>);

fn month_start(p: Period) -> NaiveDate {
    NaiveDate::from_ymd_opt(p.year, u32::from(p.month.unwrap_or(1)), 1).unwrap_or(NaiveDate::MIN)
}

/// The quantity of `periods` against the cap of `m` (see [`CapUse`] for the rule).
fn cap_use(
    m: &Measure,
    c: &Cap,
    periods: &BTreeMap<Period, MonthFigures>,
    quantity: Option<f64>,
    unit: Option<&str>,
) -> CapUse {
    let in_cap = |q: f64, u: Option<&str>| match (u, c.per_tonne) {
        (Some(u), Some(f)) => to_tonnes(q, u).map(|t| t * f),
        _ => None,
    };
    let mut by_year: BTreeMap<i32, f64> = BTreeMap::new();
    let mut left_out: Vec<String> = Vec::new();
    let mut unconvertible = false;
    for (p, (_, q, u)) in periods {
        if month_start(*p) < m.adopted {
            left_out.push(p.to_string());
            continue;
        }
        match q.and_then(|q| in_cap(q, u.as_deref().or(unit))) {
            Some(x) => *by_year.entry(p.year).or_insert(0.0) += x,
            None => unconvertible = true,
        }
    }
    let best = by_year
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(y, q)| (*y, *q));
    let mut note = format!(
        "counts periods that began on or after adoption ({}); caps are per calendar year",
        m.adopted
    );
    if !left_out.is_empty() {
        let first = left_out.first().cloned().unwrap_or_default();
        let last = left_out.last().cloned().unwrap_or_default();
        let span = if first == last {
            first
        } else {
            format!("{first} to {last}")
        };
        note.push_str(&format!(
            "; not counted: {span} (before adoption, or an annual figure of the year of adoption, which cannot be split)"
        ));
    }
    if unconvertible {
        note.push_str("; some counted periods lack a quantity in kg or t");
    }
    if by_year.len() > 1 {
        note.push_str(&format!(
            "; share is of {}, the largest of {} years",
            best.map_or(0, |b| b.0),
            by_year.len()
        ));
    }
    CapUse {
        cap_amount: c.amount,
        cap_unit: c.unit.clone(),
        cap_period: c.period.clone(),
        quantity,
        quantity_unit: unit.map(str::to_string),
        quantity_in_cap_unit: quantity.zip(unit).and_then(|(q, u)| in_cap(q, Some(u))),
        counted_in_cap_unit: best.map(|b| b.1),
        share_year: best.map(|b| b.0),
        share_of_cap: best.map(|b| b.1 / c.amount),
        note,
    }
}

fn to_tonnes(q: f64, unit: &str) -> Option<f64> {
    match unit.trim().to_lowercase().as_str() {
        "千克" | "kg" | "kilogram" | "kilograms" | "公斤" => Some(q / 1000.0),
        "吨" | "t" | "tonne" | "tonnes" | "metric ton" | "metric tons" => Some(q),
        _ => None,
    }
}

#[cfg(feature = "engine")]
impl TradeStore {
    /// Each HS line of `scope` with the measures that apply to it as of `as_of`.
    pub fn screen(
        &self,
        scope: &Scope,
        measures: &Measures,
        as_of: NaiveDate,
        labels: Option<(&Nomenclature, &str)>,
    ) -> Result<Vec<ScreenRow>> {
        // Whole imports only, and never from a damaged store (crate::txn).
        let _read = self.read_guard()?;
        let Some(flow) = scope.flow else {
            return Err(TradeError::Query(
                "screen needs a flow (--flow export|import)".into(),
            ));
        };
        let Some(direction) =
            Direction::of(&scope.reporter, &scope.partner, &measures.target, flow)
        else {
            return Err(TradeError::Query(format!(
                "screen: the measures in {} concern {}; use it as --partner (or --reporter)",
                measures.file.display(),
                measures.target
            )));
        };
        let sql = format!(
            "SELECT hs, year, month, sum(value_usd) AS v, sum(quantity) AS q, min(unit) AS u \
             FROM {} GROUP BY 1, 2, 3",
            self.select(scope)?.sql_from()
        );
        let ctx = self.session()?;
        let batches = self.run(&ctx, &sql)?;
        // hs -> period -> (value, quantity, unit)
        let mut lines: BTreeMap<String, BTreeMap<Period, MonthFigures>> = BTreeMap::new();
        for b in &batches {
            let g = Grouped::of(b)?;
            let hs = string_col(b, "hs")?;
            let q = f64_col(b, "q")?;
            let u = string_col(b, "u")?;
            for i in 0..b.num_rows() {
                let e = lines
                    .entry(hs.value(i).to_string())
                    .or_default()
                    .entry(g.period(i))
                    .or_insert((0.0, None, None));
                e.0 += g.v(i);
                if let Some(x) = opt_f64(&q, i) {
                    e.1 = Some(e.1.unwrap_or(0.0) + x);
                }
                e.2 = e.2.take().or_else(|| opt_str(&u, i));
            }
        }
        let mut out = Vec::new();
        for (hs, periods) in lines {
            let value: f64 = periods.values().map(|p| p.0).sum();
            let (Some(first), Some(last)) = (
                periods.keys().next().copied(),
                periods.keys().last().copied(),
            ) else {
                continue;
            };
            let quantity = periods
                .values()
                .try_fold(0.0, |acc, p| p.1.map(|q| acc + q));
            let unit = periods.values().find_map(|p| p.2.clone());
            let mut applied = Vec::new();
            for m in &measures.measures {
                let partial = m.covers_part(&hs);
                if m.direction != direction || m.adopted > as_of || !(m.covers(&hs) || partial) {
                    continue;
                }
                let after: f64 = periods
                    .iter()
                    .filter(|(p, _)| month_start(**p) >= m.adopted)
                    .map(|(_, v)| v.0)
                    .fold(0.0, |a, v| a + v);
                // A cap cannot be measured against an aggregate that holds other goods too.
                let cap = m
                    .cap
                    .as_ref()
                    .filter(|_| !partial)
                    .map(|c| cap_use(m, c, &periods, quantity, unit.as_deref()));
                applied.push(AppliedMeasure {
                    id: m.id.clone(),
                    resolution: m.resolution,
                    paragraph: m.paragraph.clone(),
                    kind: m.kind,
                    adopted: m.adopted,
                    in_force_at_shipment: m.adopted <= month_start(first),
                    value_usd_after_adoption: after,
                    partial,
                    cap,
                });
            }
            out.push(ScreenRow {
                label: labels.and_then(|(n, l)| n.label(&hs, l)),
                hs,
                value_usd: value,
                first_period: first.to_string(),
                last_period: last.to_string(),
                measures: applied,
            });
        }
        out.sort_by(|a, b| {
            b.value_usd
                .total_cmp(&a.value_usd)
                .then_with(|| a.hs.cmp(&b.hs))
        });
        Ok(out)
    }
}
