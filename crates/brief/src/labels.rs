//! Fixed words of rendered briefings, per label language, read from `data/brief/labels.toml`.
//!
//! The table is data, not code: it is embedded with `include_str!` and validated the first
//! time it is used (and by a unit test, so a broken table never ships).

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::BriefError;

const LABELS_TOML: &str = include_str!("../../../data/brief/labels.toml");

/// The language of a briefing's fixed labels.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum LabelLang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl LabelLang {
    /// The BCP 47 tag (`en`, `ja`), used for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            LabelLang::En => "en",
            LabelLang::Ja => "ja",
        }
    }
}

impl fmt::Display for LabelLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl FromStr for LabelLang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "en" => Ok(LabelLang::En),
            "ja" => Ok(LabelLang::Ja),
            other => Err(format!(
                "unknown label language `{other}` (expected en or ja)"
            )),
        }
    }
}

/// One unit step of money on chart axes: values are divided by `scale` and put in `template`.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyScale {
    /// The divisor (1e9 for "bn", 1e8 for 億).
    pub scale: f64,
    /// The text with `{n}` for the number.
    pub template: String,
}

/// Names of edge kinds in link charts.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct EdgeKindLabels {
    pub meeting: String,
    pub treaty: String,
    pub trade: String,
    pub military: String,
    pub membership: String,
}

/// Names of node kinds in link charts.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NodeKindLabels {
    pub state: String,
    pub leader: String,
    pub organization: String,
}

/// The fixed words of one label language; see `data/brief/labels.toml` for their meaning.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Labels {
    pub sources: String,
    pub date: String,
    pub place: String,
    pub framework: String,
    pub participants: String,
    pub exports: String,
    pub imports: String,
    pub total: String,
    pub balance: String,
    /// Template with `{}` for the source's name.
    pub only_in: String,
    pub notable_absences: String,
    /// Template with `{}` for the source's name.
    pub absent_from: String,
    /// Said of a concept none of the compared sources uses.
    pub absent_from_all: String,
    /// Template with `{}` for the date.
    pub last_seen: String,
    pub never_seen: String,
    pub concepts: String,
    pub concept_presence: String,
    pub not_stated: String,
    pub present: String,
    pub absent: String,
    pub period: String,
    pub generated_from: String,
    pub author: String,
    pub no_data: String,
    pub links: String,
    pub link_kind: String,
    pub weight: String,
    pub quote_open: String,
    pub quote_close: String,
    pub months: Vec<String>,
    pub months_short: Vec<String>,
    /// Template with `{m}` (short month name) and `{y}` (year).
    pub month_year: String,
    pub edge_kinds: EdgeKindLabels,
    pub node_kinds: NodeKindLabels,
    /// Largest scale first.
    pub money: Vec<MoneyScale>,
    pub thousands_separator: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct LabelFile {
    en: Labels,
    ja: Labels,
}

impl Labels {
    /// The bundled labels of a language, validated on first use.
    pub fn get(lang: LabelLang) -> Result<&'static Labels, BriefError> {
        static BOOK: OnceLock<Result<LabelFile, String>> = OnceLock::new();
        let book = BOOK
            .get_or_init(|| parse(LABELS_TOML))
            .as_ref()
            .map_err(|e| BriefError::Labels(e.clone()))?;
        Ok(match lang {
            LabelLang::En => &book.en,
            LabelLang::Ja => &book.ja,
        })
    }

    /// Short month name, `month` 1–12 (out of range: the number itself).
    pub fn month_short(&self, month: u8) -> String {
        self.months_short
            .get(usize::from(month).wrapping_sub(1))
            .cloned()
            .unwrap_or_else(|| month.to_string())
    }

    /// "Jan 2025" / "2025年1月".
    pub fn month_year(&self, year: i32, month: u8) -> String {
        self.month_year
            .replace("{y}", &year.to_string())
            .replace("{m}", &self.month_short(month))
    }

    /// Fills a `{}` template.
    pub fn fill(template: &str, value: &str) -> String {
        template.replacen("{}", value, 1)
    }
}

/// Labels for rendering; the bundled table is checked by tests, so failure here is a build bug.
pub(crate) fn labels(lang: LabelLang) -> &'static Labels {
    match Labels::get(lang) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
}

fn parse(text: &str) -> Result<LabelFile, String> {
    let file: LabelFile = toml::from_str(text).map_err(|e| e.to_string())?;
    validate("en", &file.en)?;
    validate("ja", &file.ja)?;
    Ok(file)
}

fn validate(lang: &str, l: &Labels) -> Result<(), String> {
    let err = |field: &str, msg: &str| Err(format!("[{lang}] `{field}`: {msg}"));
    for (field, value) in plain_fields(l) {
        if value.trim().is_empty() {
            return err(field, "must not be empty");
        }
    }
    for (field, list) in [("months", &l.months), ("months_short", &l.months_short)] {
        if list.len() != 12 {
            return err(field, "needs exactly 12 entries");
        }
        if list.iter().any(|m| m.trim().is_empty()) {
            return err(field, "has an empty entry");
        }
    }
    let templates: [(&str, &str, &[&str]); 4] = [
        ("only_in", &l.only_in, &["{}"]),
        ("absent_from", &l.absent_from, &["{}"]),
        ("last_seen", &l.last_seen, &["{}"]),
        ("month_year", &l.month_year, &["{m}", "{y}"]),
    ];
    for (field, t, needs) in templates {
        for n in needs {
            if !t.contains(n) {
                return err(field, &format!("template must contain {n}"));
            }
        }
    }
    if l.money.is_empty() {
        return err("money", "needs at least one scale");
    }
    let mut prev = f64::INFINITY;
    for m in &l.money {
        if !(m.scale.is_finite() && m.scale >= 1.0 && m.scale < prev) {
            return err("money", "scales must be finite, >= 1 and decreasing");
        }
        if !m.template.contains("{n}") {
            return err("money", "each template must contain {n}");
        }
        prev = m.scale;
    }
    if l.money.last().is_some_and(|m| m.scale != 1.0) {
        return err("money", "the last scale must be 1");
    }
    Ok(())
}

/// The plain string fields with their names, for the emptiness check.
fn plain_fields(l: &Labels) -> Vec<(&'static str, &str)> {
    vec![
        ("sources", &l.sources),
        ("date", &l.date),
        ("place", &l.place),
        ("framework", &l.framework),
        ("participants", &l.participants),
        ("exports", &l.exports),
        ("imports", &l.imports),
        ("total", &l.total),
        ("balance", &l.balance),
        ("notable_absences", &l.notable_absences),
        ("never_seen", &l.never_seen),
        ("concepts", &l.concepts),
        ("concept_presence", &l.concept_presence),
        ("not_stated", &l.not_stated),
        ("present", &l.present),
        ("absent", &l.absent),
        ("period", &l.period),
        ("generated_from", &l.generated_from),
        ("author", &l.author),
        ("no_data", &l.no_data),
        ("links", &l.links),
        ("link_kind", &l.link_kind),
        ("weight", &l.weight),
        ("quote_open", &l.quote_open),
        ("quote_close", &l.quote_close),
        ("edge_kinds.meeting", &l.edge_kinds.meeting),
        ("edge_kinds.treaty", &l.edge_kinds.treaty),
        ("edge_kinds.trade", &l.edge_kinds.trade),
        ("edge_kinds.military", &l.edge_kinds.military),
        ("edge_kinds.membership", &l.edge_kinds.membership),
        ("node_kinds.state", &l.node_kinds.state),
        ("node_kinds.leader", &l.node_kinds.leader),
        ("node_kinds.organization", &l.node_kinds.organization),
        ("thousands_separator", &l.thousands_separator),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_labels_are_valid() {
        let en = Labels::get(LabelLang::En).expect("en labels");
        let ja = Labels::get(LabelLang::Ja).expect("ja labels");
        assert_eq!(en.sources, "Sources");
        assert_eq!(ja.sources, "出典");
        assert_eq!(en.month_year(2025, 1), "Jan 2025");
        assert_eq!(ja.month_year(2025, 1), "2025年1月");
        assert_eq!(en.month_short(13), "13");
    }

    #[test]
    fn invalid_tables_are_rejected() {
        let broken = LABELS_TOML.replacen("sources = \"Sources\"", "sources = \"\"", 1);
        assert!(parse(&broken).unwrap_err().contains("[en] `sources`"));
        let typo = LABELS_TOML.replacen("balance = \"Balance\"", "balanse = \"Balance\"", 1);
        assert!(parse(&typo).is_err());
        let months = LABELS_TOML
            .replacen("\"December\"]", "]", 1)
            .replacen(", ]", "]", 1);
        assert!(parse(&months).unwrap_err().contains("months"));
        let tpl = LABELS_TOML.replacen("only_in = \"Only in {}\"", "only_in = \"Only in\"", 1);
        assert!(parse(&tpl).unwrap_err().contains("only_in"));
    }
}
