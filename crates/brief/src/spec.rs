//! The briefing spec: a TOML file naming the blocks of a briefing, parsed and validated.
//!
//! ```toml
//! title = "China–Russia–DPRK relations in 2025"
//! period = { from = "2025-01-01", to = "2025-12-31" }
//! lang = "en"
//!
//! [[block]]
//! kind = "trade_top"
//! reporter = "CN"
//! partner = "KP"
//! year = 2025
//! ```
//!
//! Errors name the block (counting from 0), its kind and the field:
//! ``block[3] (trade_top): missing field `partner` ``. Unknown fields are errors, so typos
//! do not pass silently.
//!
//! The same spec can arrive as JSON (a file ending `.json`, or a request body): the same
//! fields, `block` an array of objects each tagged by `kind`, `null` the same as leaving a
//! field out. Both syntaxes go through one validator, so they accept and refuse the same
//! specs with the same messages. A parsed spec serialises (serde, [`BriefSpec::to_toml`])
//! back to that input shape, and parsing what it wrote gives the same spec.

use std::collections::BTreeSet;
use std::path::Path;

use entente_core::{DateValue, EventType};
use serde::{Serialize, Serializer};
use toml::{Table, Value};

use crate::doc::{Period, YearMonth};
use crate::error::BriefError;
use crate::labels::LabelLang;

/// A parsed and validated briefing spec. It serialises to its input shape (see the module
/// documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct BriefSpec {
    /// The briefing's title.
    pub title: String,
    /// An optional subtitle.
    pub subtitle: Option<String>,
    /// The period the briefing covers.
    pub period: Period,
    /// The language of fixed labels ("Sources", month names…).
    pub lang: LabelLang,
    /// An optional author line.
    pub author: Option<String>,
    /// The blocks, in document order.
    pub blocks: Vec<Block>,
}

/// One `[[block]]`: what to show, with an optional title and note.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Overrides the section heading the application would choose.
    pub title: Option<String>,
    /// A note shown under the heading.
    pub note: Option<String>,
    /// What the block shows.
    pub kind: BlockKind,
}

/// Which direction of trade a block shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowFilter {
    /// Exports and imports.
    Both,
    /// The reporter's exports only.
    Export,
    /// The reporter's imports only.
    Import,
}

/// The time bucket of a trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// Calendar years.
    Year,
    /// Calendar quarters.
    Quarter,
    /// Calendar months.
    Month,
}

/// What a trend counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrendSubject {
    /// A literal phrase.
    Phrase(String),
    /// A concept id from `data/concepts/`.
    Concept(String),
    /// A named ladder of terms (e.g. `meeting-verbs`).
    Ladder(String),
}

/// An event named by who took part and when, for specs written before the event ids are
/// known: `event = { actors = ["Xi Jinping", "Kim Jong Un"], date = "2025-09-04" }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSelector {
    /// Every one of these actors takes part (names or ids).
    pub actors: Vec<String>,
    /// The day (or month, year) the event falls on.
    pub date: DateValue,
}

/// The event or sources a comparison block aligns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ComparisonTarget {
    /// All reports of one event.
    Event(String),
    /// All reports of the event the selector finds.
    Meeting(EventSelector),
    /// Two or more sources by id.
    Sources(Vec<String>),
}

/// Whose participants a roster block lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RosterTarget {
    /// The participants of one event.
    Event(String),
    /// The participants of the event the selector finds.
    Meeting(EventSelector),
    /// The delegations an actor took part in.
    Actor(String),
}

/// An inclusive month range within a year, `months = "1-10"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthRange {
    /// First month, 1–12.
    pub first: u8,
    /// Last month, 1–12, not before `first`.
    pub last: u8,
}

/// What a block shows; each variant carries the fields of its `kind`.
#[derive(Clone, Debug, PartialEq)]
pub enum BlockKind {
    /// Free text in Markdown.
    Markdown {
        /// The text.
        text: String,
    },
    /// A chronology of events involving the actors.
    Chronology {
        /// State codes or leader ids.
        actors: Vec<String>,
        /// Start date; the briefing period's start when absent.
        since: Option<DateValue>,
        /// End date; the briefing period's end when absent.
        until: Option<DateValue>,
    },
    /// Counts of high-level exchanges between two actors by year.
    Exchanges {
        /// First actor.
        a: String,
        /// Second actor.
        b: String,
        /// First and last year, inclusive.
        years: (i32, i32),
    },
    /// A link chart of the actors' relations.
    RelationshipMap {
        /// Actors to include.
        actors: Vec<String>,
        /// Optional start date.
        from: Option<DateValue>,
        /// Optional end date.
        to: Option<DateValue>,
    },
    /// Annual trade by direction for the last `years` years.
    TradeAnnual {
        /// Reporting state (ISO alpha-2).
        reporter: String,
        /// Partner state (ISO alpha-2).
        partner: String,
        /// How many years back, counting the period's last year.
        years: u16,
    },
    /// Year-to-date trade through a month, compared across years.
    TradeYtd {
        /// Reporting state.
        reporter: String,
        /// Partner state.
        partner: String,
        /// Last month included, 1–12.
        through_month: u8,
        /// The years compared.
        years: Vec<i32>,
    },
    /// Monthly trade between two months.
    TradeMonthly {
        /// Reporting state.
        reporter: String,
        /// Partner state.
        partner: String,
        /// First month.
        from: YearMonth,
        /// Last month.
        to: YearMonth,
    },
    /// The top HS headings traded in a year.
    TradeTop {
        /// Reporting state.
        reporter: String,
        /// Partner state.
        partner: String,
        /// The year.
        year: i32,
        /// How many headings (default 10).
        n: usize,
        /// Which direction (default both).
        flow: FlowFilter,
        /// Optional month range within the year.
        months: Option<MonthRange>,
        /// Screen against sanctions measures.
        sanctions: bool,
    },
    /// A side-by-side comparison of reports.
    Comparison {
        /// The event or sources to compare.
        target: ComparisonTarget,
        /// For an event: only these outlets, one report each (empty: every report).
        outlets: Vec<String>,
    },
    /// Counts of a phrase, concept or ladder over time.
    Trend {
        /// What is counted.
        subject: TrendSubject,
        /// Restrict to sources about these actors (empty: all).
        actors: Vec<String>,
        /// Time bucket (default year).
        by: Granularity,
        /// Split by outlet.
        outlets: bool,
    },
    /// The military-cooperation ledger.
    Ledger {
        /// Actors involved.
        actors: Vec<String>,
        /// Event types listed (default transfer and deployment).
        kinds: Vec<EventType>,
    },
    /// A roster of participants.
    Roster {
        /// The event or actor.
        target: RosterTarget,
    },
}

/// The block kinds, as written in `kind = "…"`.
pub const BLOCK_KINDS: [&str; 12] = [
    "markdown",
    "chronology",
    "exchanges",
    "relationship_map",
    "trade_annual",
    "trade_ytd",
    "trade_monthly",
    "trade_top",
    "comparison",
    "trend",
    "ledger",
    "roster",
];

const TOP_FIELDS: [&str; 6] = ["title", "subtitle", "period", "lang", "author", "block"];

impl BriefSpec {
    /// Reads and validates a spec file, JSON when its name ends `.json`, else TOML; errors
    /// name the file.
    pub fn from_file(path: &Path) -> Result<Self, BriefError> {
        let text = std::fs::read_to_string(path).map_err(|e| BriefError::io(path, e))?;
        let origin = path.display().to_string();
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Self::parse_json(&text, &origin)
        } else {
            Self::parse(&text, &origin)
        }
    }

    /// Parses and validates a TOML spec; `origin` (a path, or `<spec>`) prefixes error
    /// messages.
    pub fn parse(text: &str, origin: &str) -> Result<Self, BriefError> {
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| BriefError::Toml {
                path: origin.to_string(),
                message: e.to_string().trim_end().to_string(),
            })?;
        Self::from_table(&table, origin)
    }

    /// Parses and validates a JSON spec: the TOML spec's fields, `block` an array of objects.
    pub fn parse_json(text: &str, origin: &str) -> Result<Self, BriefError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BriefError::Json {
                path: origin.to_string(),
                message: e.to_string(),
            })?;
        Self::from_json_value(value, origin)
    }

    /// Validates a spec already read as JSON (a request body).
    pub fn from_json_value(value: serde_json::Value, origin: &str) -> Result<Self, BriefError> {
        let json_err = |message: String| BriefError::Json {
            path: origin.to_string(),
            message,
        };
        let table = match value {
            serde_json::Value::Object(map) => json_object(map, "").map_err(json_err)?,
            other => {
                return Err(json_err(format!(
                    "expected an object with title, period and block, found {}",
                    json_type(&other)
                )));
            }
        };
        Self::from_table(&table, origin)
    }

    /// The spec in its input shape, as a TOML table (what [`Serialize`] writes).
    pub fn to_table(&self) -> Table {
        let mut t = Table::new();
        t.insert("title".into(), Value::String(self.title.clone()));
        if let Some(s) = &self.subtitle {
            t.insert("subtitle".into(), Value::String(s.clone()));
        }
        let mut period = Table::new();
        period.insert("from".into(), date_value(&self.period.from));
        period.insert("to".into(), date_value(&self.period.to));
        t.insert("period".into(), Value::Table(period));
        t.insert("lang".into(), Value::String(self.lang.tag().into()));
        if let Some(a) = &self.author {
            t.insert("author".into(), Value::String(a.clone()));
        }
        if !self.blocks.is_empty() {
            t.insert(
                "block".into(),
                Value::Array(
                    self.blocks
                        .iter()
                        .map(|b| Value::Table(b.to_table()))
                        .collect(),
                ),
            );
        }
        t
    }

    /// The spec as a TOML file that [`BriefSpec::parse`] reads back to the same spec.
    pub fn to_toml(&self) -> Result<String, BriefError> {
        toml::to_string(&self.to_table()).map_err(|e| BriefError::Toml {
            path: format!("spec `{}`", self.title),
            message: format!("cannot be written as TOML: {e}"),
        })
    }

    fn from_table(table: &Table, origin: &str) -> Result<Self, BriefError> {
        let field_err = |field: &str, message: String| BriefError::SpecField {
            path: origin.to_string(),
            field: field.to_string(),
            message,
        };
        if let Some(k) = table.keys().find(|k| !TOP_FIELDS.contains(&k.as_str())) {
            return Err(field_err(
                k,
                format!("unknown field (expected one of: {})", TOP_FIELDS.join(", ")),
            ));
        }
        let top_str = |field: &str, required: bool| -> Result<Option<String>, BriefError> {
            match table.get(field) {
                None if required => Err(field_err(field, "missing".into())),
                None => Ok(None),
                Some(Value::String(s)) if s.trim().is_empty() => {
                    Err(field_err(field, "must not be empty".into()))
                }
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(v) => Err(field_err(
                    field,
                    format!("expected a string, found {}", v.type_str()),
                )),
            }
        };
        let title = top_str("title", true)?.unwrap_or_default();
        let subtitle = top_str("subtitle", false)?;
        let author = top_str("author", false)?;
        let lang = match top_str("lang", false)? {
            None => LabelLang::En,
            Some(l) => l
                .parse()
                .map_err(|_| field_err("lang", format!("`{l}`: expected \"en\" or \"ja\"")))?,
        };
        let period = match table.get("period") {
            None => return Err(field_err("period", "missing".into())),
            Some(Value::Table(t)) => parse_period(t).map_err(|m| field_err("period", m))?,
            Some(v) => {
                return Err(field_err(
                    "period",
                    format!(
                        "expected a table {{ from = \"…\", to = \"…\" }}, found {}",
                        v.type_str()
                    ),
                ));
            }
        };
        let blocks = match table.get("block") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| parse_block(origin, i, v))
                .collect::<Result<Vec<_>, _>>()?,
            Some(v) => {
                return Err(field_err(
                    "block",
                    format!(
                        "expected an array of tables ([[block]]), found {}",
                        v.type_str()
                    ),
                ));
            }
        };
        Ok(BriefSpec {
            title,
            subtitle,
            period,
            lang,
            author,
            blocks,
        })
    }
}

impl BlockKind {
    /// The kind as written in `kind = "…"` (one of [`BLOCK_KINDS`]).
    pub fn name(&self) -> &'static str {
        match self {
            BlockKind::Markdown { .. } => "markdown",
            BlockKind::Chronology { .. } => "chronology",
            BlockKind::Exchanges { .. } => "exchanges",
            BlockKind::RelationshipMap { .. } => "relationship_map",
            BlockKind::TradeAnnual { .. } => "trade_annual",
            BlockKind::TradeYtd { .. } => "trade_ytd",
            BlockKind::TradeMonthly { .. } => "trade_monthly",
            BlockKind::TradeTop { .. } => "trade_top",
            BlockKind::Comparison { .. } => "comparison",
            BlockKind::Trend { .. } => "trend",
            BlockKind::Ledger { .. } => "ledger",
            BlockKind::Roster { .. } => "roster",
        }
    }
}

impl Serialize for BriefSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_table().serialize(serializer)
    }
}

impl Block {
    /// The block in its input shape: `kind`, then `title` and `note`, then the kind's fields.
    pub fn to_table(&self) -> Table {
        let mut t = Table::new();
        let s = |v: &str| Value::String(v.to_string());
        let strs = |v: &[String]| Value::Array(v.iter().map(|x| s(x)).collect());
        let int = |v: i64| Value::Integer(v);
        let mut put = |k: &str, v: Value| {
            t.insert(k.to_string(), v);
        };
        if let Some(title) = &self.title {
            put("title", s(title));
        }
        if let Some(note) = &self.note {
            put("note", s(note));
        }
        match &self.kind {
            BlockKind::Markdown { text } => {
                put("text", s(text));
            }
            BlockKind::Chronology {
                actors,
                since,
                until,
            } => {
                put("actors", strs(actors));
                if let Some(d) = since {
                    put("since", date_value(d));
                }
                if let Some(d) = until {
                    put("until", date_value(d));
                }
            }
            BlockKind::Exchanges { a, b, years } => {
                put("a", s(a));
                put("b", s(b));
                put(
                    "years",
                    Value::Array(vec![int(years.0.into()), int(years.1.into())]),
                );
            }
            BlockKind::RelationshipMap { actors, from, to } => {
                put("actors", strs(actors));
                if let Some(d) = from {
                    put("from", date_value(d));
                }
                if let Some(d) = to {
                    put("to", date_value(d));
                }
            }
            BlockKind::TradeAnnual {
                reporter,
                partner,
                years,
            } => {
                put("reporter", s(reporter));
                put("partner", s(partner));
                put("years", int((*years).into()));
            }
            BlockKind::TradeYtd {
                reporter,
                partner,
                through_month,
                years,
            } => {
                put("reporter", s(reporter));
                put("partner", s(partner));
                put("through_month", int((*through_month).into()));
                put(
                    "years",
                    Value::Array(years.iter().map(|y| int((*y).into())).collect()),
                );
            }
            BlockKind::TradeMonthly {
                reporter,
                partner,
                from,
                to,
            } => {
                put("reporter", s(reporter));
                put("partner", s(partner));
                put("from", s(&from.to_string()));
                put("to", s(&to.to_string()));
            }
            BlockKind::TradeTop {
                reporter,
                partner,
                year,
                n,
                flow,
                months,
                sanctions,
            } => {
                put("reporter", s(reporter));
                put("partner", s(partner));
                put("year", int((*year).into()));
                put("n", int(i64::try_from(*n).unwrap_or(i64::MAX)));
                put(
                    "flow",
                    s(match flow {
                        FlowFilter::Both => "both",
                        FlowFilter::Export => "export",
                        FlowFilter::Import => "import",
                    }),
                );
                if let Some(m) = months {
                    put("months", s(&format!("{}-{}", m.first, m.last)));
                }
                put("sanctions", Value::Boolean(*sanctions));
            }
            BlockKind::Comparison { target, outlets } => {
                match target {
                    ComparisonTarget::Event(id) => put("event", s(id)),
                    ComparisonTarget::Meeting(sel) => put("event", selector_value(sel)),
                    ComparisonTarget::Sources(ids) => put("sources", strs(ids)),
                }
                if !outlets.is_empty() {
                    put("outlets", strs(outlets));
                }
            }
            BlockKind::Trend {
                subject,
                actors,
                by,
                outlets,
            } => {
                match subject {
                    TrendSubject::Phrase(p) => put("phrase", s(p)),
                    TrendSubject::Concept(c) => put("concept", s(c)),
                    TrendSubject::Ladder(l) => put("ladder", s(l)),
                }
                if !actors.is_empty() {
                    put("actors", strs(actors));
                }
                put(
                    "by",
                    s(match by {
                        Granularity::Year => "year",
                        Granularity::Quarter => "quarter",
                        Granularity::Month => "month",
                    }),
                );
                put("outlets", Value::Boolean(*outlets));
            }
            BlockKind::Ledger { actors, kinds } => {
                put("actors", strs(actors));
                put(
                    "kinds",
                    Value::Array(kinds.iter().map(|k| s(k.as_str())).collect()),
                );
            }
            BlockKind::Roster { target } => match target {
                RosterTarget::Event(id) => put("event", s(id)),
                RosterTarget::Meeting(sel) => put("event", selector_value(sel)),
                RosterTarget::Actor(a) => put("actor", s(a)),
            },
        };
        t.insert("kind".into(), Value::String(self.kind.name().into()));
        t
    }
}

fn date_value(d: &DateValue) -> Value {
    Value::String(d.to_string())
}

fn selector_value(sel: &EventSelector) -> Value {
    let mut t = Table::new();
    t.insert(
        "actors".into(),
        Value::Array(
            sel.actors
                .iter()
                .map(|a| Value::String(a.clone()))
                .collect(),
        ),
    );
    t.insert("date".into(), date_value(&sel.date));
    Value::Table(t)
}

fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A JSON object as a TOML table; `null` members are left out (the same as absent).
fn json_object(map: serde_json::Map<String, serde_json::Value>, at: &str) -> Result<Table, String> {
    let mut t = Table::new();
    for (k, v) in map {
        let here = if at.is_empty() {
            k.clone()
        } else {
            format!("{at}.{k}")
        };
        if let Some(v) = json_to_toml(v, &here)? {
            t.insert(k, v);
        }
    }
    Ok(t)
}

/// A JSON value as a TOML value; `None` for `null`.
fn json_to_toml(v: serde_json::Value, at: &str) -> Result<Option<Value>, String> {
    use serde_json::Value as J;
    Ok(Some(match v {
        J::Null => return Ok(None),
        J::Bool(b) => Value::Boolean(b),
        J::String(s) => Value::String(s),
        J::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Integer(i),
            (None, Some(f)) if n.is_f64() => Value::Float(f),
            _ => return Err(format!("field `{at}`: {n} is out of range")),
        },
        J::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match json_to_toml(item, &format!("{at}[{i}]"))? {
                    Some(v) => out.push(v),
                    None => {
                        return Err(format!("field `{at}[{i}]`: null is not allowed in a list"));
                    }
                }
            }
            Value::Array(out)
        }
        J::Object(map) => Value::Table(json_object(map, at)?),
    }))
}

fn parse_period(t: &Table) -> Result<Period, String> {
    if let Some(k) = t.keys().find(|k| *k != "from" && *k != "to") {
        return Err(format!("unknown field `{k}` (expected from, to)"));
    }
    let date = |k: &str| -> Result<DateValue, String> {
        match t.get(k) {
            None => Err(format!("missing field `{k}`")),
            Some(Value::String(s)) => strict_date(s).map_err(|m| format!("`{k}`: {m}")),
            Some(v) => Err(format!(
                "`{k}`: expected a date string, found {}",
                v.type_str()
            )),
        }
    };
    let from = date("from")?;
    let to = date("to")?;
    if to.end() < from.start() {
        return Err(format!("`to` ({to}) is before `from` ({from})"));
    }
    Ok(Period { from, to })
}

/// Dates in specs are written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn strict_date(s: &str) -> Result<DateValue, String> {
    let t = s.trim();
    let shape_ok = matches!(t.len(), 4 | 7 | 10)
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!(
            "`{s}` is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        ));
    }
    DateValue::parse_loose(t).map_err(|e| e.to_string())
}

/// Reads the fields of one block, remembering which were used so leftovers are reported.
struct BlockReader<'a> {
    origin: &'a str,
    index: usize,
    kind: String,
    table: &'a Table,
    used: BTreeSet<&'static str>,
}

impl<'a> BlockReader<'a> {
    fn err(&self, message: impl Into<String>) -> BriefError {
        BriefError::Block {
            path: self.origin.to_string(),
            index: self.index,
            kind: self.kind.clone(),
            message: message.into(),
        }
    }

    fn missing(&self, field: &str) -> BriefError {
        self.err(format!("missing field `{field}`"))
    }

    fn wrong(&self, field: &str, expected: &str, v: &Value) -> BriefError {
        let found = match v {
            Value::String(s) => format!("string \"{s}\""),
            Value::Integer(i) => format!("integer {i}"),
            other => other.type_str().to_string(),
        };
        self.err(format!(
            "field `{field}`: expected {expected}, found {found}"
        ))
    }

    fn get(&mut self, field: &'static str) -> Option<&'a Value> {
        self.used.insert(field);
        self.table.get(field)
    }

    fn opt_str(&mut self, field: &'static str) -> Result<Option<String>, BriefError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(self.err(format!("field `{field}`: must not be empty")))
            }
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(v) => Err(self.wrong(field, "a string", v)),
        }
    }

    fn req_str(&mut self, field: &'static str) -> Result<String, BriefError> {
        self.opt_str(field)?.ok_or_else(|| self.missing(field))
    }

    /// A state code: two capital ASCII letters.
    fn country(&mut self, field: &'static str) -> Result<String, BriefError> {
        let s = self.req_str(field)?;
        if entente_core::is_state_code(&s) {
            Ok(s)
        } else {
            Err(self.err(format!(
                "field `{field}`: `{s}` is not a state code (two capital letters, e.g. \"KP\")"
            )))
        }
    }

    fn opt_int(
        &mut self,
        field: &'static str,
        lo: i64,
        hi: i64,
    ) -> Result<Option<i64>, BriefError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Integer(i)) if (lo..=hi).contains(i) => Ok(Some(*i)),
            Some(v) => Err(self.wrong(field, &format!("an integer in {lo}..={hi}"), v)),
        }
    }

    fn req_int(&mut self, field: &'static str, lo: i64, hi: i64) -> Result<i64, BriefError> {
        self.opt_int(field, lo, hi)?
            .ok_or_else(|| self.missing(field))
    }

    fn opt_bool(&mut self, field: &'static str) -> Result<Option<bool>, BriefError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(v) => Err(self.wrong(field, "true or false", v)),
        }
    }

    fn str_list(&mut self, field: &'static str, required: bool) -> Result<Vec<String>, BriefError> {
        let items = match self.get(field) {
            None if required => return Err(self.missing(field)),
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(v) => return Err(self.wrong(field, "an array of strings", v)),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                other => {
                    return Err(self.wrong(&format!("{field}[{i}]"), "a non-empty string", other));
                }
            }
        }
        if required && out.is_empty() {
            return Err(self.err(format!("field `{field}`: must not be empty")));
        }
        Ok(out)
    }

    fn int_list(&mut self, field: &'static str, lo: i64, hi: i64) -> Result<Vec<i64>, BriefError> {
        let items = match self.get(field) {
            None => return Err(self.missing(field)),
            Some(Value::Array(items)) => items,
            Some(v) => return Err(self.wrong(field, "an array of integers", v)),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::Integer(n) if (lo..=hi).contains(n) => out.push(*n),
                other => {
                    return Err(self.wrong(
                        &format!("{field}[{i}]"),
                        &format!("an integer in {lo}..={hi}"),
                        other,
                    ));
                }
            }
        }
        if out.is_empty() {
            return Err(self.err(format!("field `{field}`: must not be empty")));
        }
        Ok(out)
    }

    /// `{ actors = [...], date = "..." }` naming an event.
    fn selector(&self, t: &toml::Table) -> Result<EventSelector, BriefError> {
        for k in t.keys() {
            if k != "actors" && k != "date" {
                return Err(self.err(format!(
                    "field `event`: unknown key `{k}` (expected `actors` and `date`)"
                )));
            }
        }
        let actors: Vec<String> = match t.get("actors") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                    other => Err(self.wrong("event.actors", "names", other)),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(self.wrong("event.actors", "a list of names", other)),
            None => return Err(self.missing("event.actors")),
        };
        if actors.is_empty() {
            return Err(self.err("field `event.actors`: name at least one actor"));
        }
        let date = match t.get("date") {
            Some(Value::String(s)) => {
                strict_date(s).map_err(|m| self.err(format!("field `event.date`: {m}")))?
            }
            Some(other) => return Err(self.wrong("event.date", "a date string", other)),
            None => return Err(self.missing("event.date")),
        };
        Ok(EventSelector { actors, date })
    }

    fn opt_date(&mut self, field: &'static str) -> Result<Option<DateValue>, BriefError> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(s) => strict_date(&s)
                .map(Some)
                .map_err(|m| self.err(format!("field `{field}`: {m}"))),
        }
    }

    fn month(&mut self, field: &'static str) -> Result<YearMonth, BriefError> {
        let s = self.req_str(field)?;
        s.parse::<YearMonth>()
            .map_err(|m| self.err(format!("field `{field}`: {m}")))
    }

    /// Exactly one of two alternative fields.
    fn one_of(
        &mut self,
        a: &'static str,
        b: &'static str,
    ) -> Result<(&'static str, &'a Value), BriefError> {
        match (self.get(a), self.get(b)) {
            (Some(v), None) => Ok((a, v)),
            (None, Some(v)) => Ok((b, v)),
            (None, None) => Err(self.err(format!("missing field `{a}` or `{b}`"))),
            (Some(_), Some(_)) => Err(self.err(format!("give either `{a}` or `{b}`, not both"))),
        }
    }

    fn finish(&self) -> Result<(), BriefError> {
        for k in self.table.keys() {
            if !self.used.contains(k.as_str()) {
                let mut known: Vec<&str> = self.used.iter().copied().collect();
                known.retain(|f| *f != "kind");
                return Err(self.err(format!(
                    "unknown field `{k}` (this kind takes: {})",
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }
}

fn parse_block(origin: &str, index: usize, v: &Value) -> Result<Block, BriefError> {
    let table = match v {
        Value::Table(t) => t,
        other => {
            return Err(BriefError::Block {
                path: origin.to_string(),
                index,
                kind: "?".into(),
                message: format!("expected a table, found {}", other.type_str()),
            });
        }
    };
    let kind = match table.get("kind") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(BriefError::Block {
                path: origin.to_string(),
                index,
                kind: "?".into(),
                message: format!(
                    "field `kind`: expected a string, found {}",
                    other.type_str()
                ),
            });
        }
        None => {
            return Err(BriefError::Block {
                path: origin.to_string(),
                index,
                kind: "?".into(),
                message: "missing field `kind`".into(),
            });
        }
    };
    let mut r = BlockReader {
        origin,
        index,
        kind: kind.clone(),
        table,
        used: BTreeSet::from(["kind"]),
    };
    let title = r.opt_str("title")?;
    let note = r.opt_str("note")?;
    let body = match kind.as_str() {
        "markdown" => BlockKind::Markdown {
            text: r.req_str("text")?,
        },
        "chronology" => {
            let actors = r.str_list("actors", true)?;
            let since = r.opt_date("since")?;
            let until = r.opt_date("until")?;
            if let (Some(s), Some(u)) = (since, until)
                && u.end() < s.start()
            {
                return Err(r.err(format!("field `until`: {u} is before `since` ({s})")));
            }
            BlockKind::Chronology {
                actors,
                since,
                until,
            }
        }
        "exchanges" => {
            let a = r.req_str("a")?;
            let b = r.req_str("b")?;
            let ys = r.int_list("years", 1, 9999)?;
            let years = match ys.as_slice() {
                [from, to] if from <= to => (*from as i32, *to as i32),
                _ => {
                    return Err(r.err(
                        "field `years`: expected [first, last] with first <= last, e.g. [2022, 2025]",
                    ));
                }
            };
            BlockKind::Exchanges { a, b, years }
        }
        "relationship_map" => {
            let actors = r.str_list("actors", true)?;
            let from = r.opt_date("from")?;
            let to = r.opt_date("to")?;
            BlockKind::RelationshipMap { actors, from, to }
        }
        "trade_annual" => BlockKind::TradeAnnual {
            reporter: r.country("reporter")?,
            partner: r.country("partner")?,
            years: r.opt_int("years", 1, 100)?.unwrap_or(10) as u16,
        },
        "trade_ytd" => BlockKind::TradeYtd {
            reporter: r.country("reporter")?,
            partner: r.country("partner")?,
            through_month: r.req_int("through_month", 1, 12)? as u8,
            years: r
                .int_list("years", 1, 9999)?
                .into_iter()
                .map(|y| y as i32)
                .collect(),
        },
        "trade_monthly" => {
            let reporter = r.country("reporter")?;
            let partner = r.country("partner")?;
            let from = r.month("from")?;
            let to = r.month("to")?;
            if to < from {
                return Err(r.err(format!("field `to`: {to} is before `from` ({from})")));
            }
            BlockKind::TradeMonthly {
                reporter,
                partner,
                from,
                to,
            }
        }
        "trade_top" => {
            let reporter = r.country("reporter")?;
            let partner = r.country("partner")?;
            let year = r.req_int("year", 1, 9999)? as i32;
            let n = r.opt_int("n", 1, 1000)?.unwrap_or(10) as usize;
            let flow = match r.opt_str("flow")?.as_deref() {
                None | Some("both") => FlowFilter::Both,
                Some("export") => FlowFilter::Export,
                Some("import") => FlowFilter::Import,
                Some(other) => {
                    return Err(r.err(format!(
                        "field `flow`: `{other}`: expected \"both\", \"export\" or \"import\""
                    )));
                }
            };
            let months = match r.opt_str("months")? {
                None => None,
                Some(s) => {
                    Some(parse_month_range(&s).map_err(|m| r.err(format!("field `months`: {m}")))?)
                }
            };
            let sanctions = r.opt_bool("sanctions")?.unwrap_or(false);
            BlockKind::TradeTop {
                reporter,
                partner,
                year,
                n,
                flow,
                months,
                sanctions,
            }
        }
        "comparison" => {
            let target = match r.one_of("event", "sources")? {
                ("event", Value::String(s)) if !s.trim().is_empty() => {
                    ComparisonTarget::Event(s.trim().to_string())
                }
                ("event", Value::Table(t)) => ComparisonTarget::Meeting(r.selector(t)?),
                ("event", v) => {
                    return Err(r.wrong(
                        "event",
                        "an event id or { actors = [...], date = \"YYYY-MM-DD\" }",
                        v,
                    ));
                }
                _ => {
                    let sources = r.str_list("sources", true)?;
                    if sources.len() < 2 {
                        return Err(r.err("field `sources`: name at least two sources"));
                    }
                    ComparisonTarget::Sources(sources)
                }
            };
            let outlets = r.str_list("outlets", false)?;
            BlockKind::Comparison { target, outlets }
        }
        "trend" => {
            let phrase = r.opt_str("phrase")?;
            let concept = r.opt_str("concept")?;
            let ladder = r.opt_str("ladder")?;
            let subject = match (phrase, concept, ladder) {
                (Some(p), None, None) => TrendSubject::Phrase(p),
                (None, Some(c), None) => TrendSubject::Concept(c),
                (None, None, Some(l)) => TrendSubject::Ladder(l),
                (None, None, None) => {
                    return Err(r.err("missing field `phrase`, `concept` or `ladder`"));
                }
                _ => return Err(r.err("give only one of `phrase`, `concept`, `ladder`")),
            };
            let actors = r.str_list("actors", false)?;
            let by = match r.opt_str("by")?.as_deref() {
                None | Some("year") => Granularity::Year,
                Some("quarter") => Granularity::Quarter,
                Some("month") => Granularity::Month,
                Some(other) => {
                    return Err(r.err(format!(
                        "field `by`: `{other}`: expected \"year\", \"quarter\" or \"month\""
                    )));
                }
            };
            let outlets = r.opt_bool("outlets")?.unwrap_or(false);
            BlockKind::Trend {
                subject,
                actors,
                by,
                outlets,
            }
        }
        "ledger" => {
            let actors = r.str_list("actors", true)?;
            let names = r.str_list("kinds", false)?;
            let kinds = if names.is_empty() {
                vec![EventType::Transfer, EventType::Deployment]
            } else {
                let mut kinds = Vec::with_capacity(names.len());
                for n in &names {
                    kinds.push(
                        n.parse::<EventType>()
                            .map_err(|e| r.err(format!("field `kinds`: {e}")))?,
                    );
                }
                kinds
            };
            BlockKind::Ledger { actors, kinds }
        }
        "roster" => {
            let target = match r.one_of("event", "actor")? {
                ("event", Value::String(s)) if !s.trim().is_empty() => {
                    RosterTarget::Event(s.trim().to_string())
                }
                ("event", Value::Table(t)) => RosterTarget::Meeting(r.selector(t)?),
                ("actor", Value::String(s)) if !s.trim().is_empty() => {
                    RosterTarget::Actor(s.trim().to_string())
                }
                (field, v) => return Err(r.wrong(field, "a non-empty string", v)),
            };
            BlockKind::Roster { target }
        }
        other => {
            return Err(r.err(format!(
                "unknown kind `{other}` (expected one of: {})",
                BLOCK_KINDS.join(", ")
            )));
        }
    };
    r.finish()?;
    Ok(Block {
        title,
        note,
        kind: body,
    })
}

/// `"1-10"` or `"3"`.
fn parse_month_range(s: &str) -> Result<MonthRange, String> {
    let bad = || format!("`{s}`: expected a month range such as \"1-10\"");
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s.trim(), s.trim()),
    };
    let first: u8 = a.parse().map_err(|_| bad())?;
    let last: u8 = b.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&first) || !(1..=12).contains(&last) || first > last {
        return Err(bad());
    }
    Ok(MonthRange { first, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ranges() {
        assert_eq!(
            parse_month_range("1-10"),
            Ok(MonthRange { first: 1, last: 10 })
        );
        assert_eq!(parse_month_range("3"), Ok(MonthRange { first: 3, last: 3 }));
        assert!(parse_month_range("10-1").is_err());
        assert!(parse_month_range("0-3").is_err());
        assert!(parse_month_range("x").is_err());
    }

    #[test]
    fn strict_dates() {
        assert!(strict_date("2025").is_ok());
        assert!(strict_date("2025-09").is_ok());
        assert!(strict_date("2025-09-04").is_ok());
        assert!(strict_date("2025/09/04").is_err());
        assert!(strict_date("2025-02-30").is_err());
        assert!(strict_date("20250904").is_err());
    }
}
