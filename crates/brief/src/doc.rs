//! The document model: what the application fills with resolved analysis results and the
//! renderers turn into HTML or Markdown.
//!
//! Every claim in a briefing points at a [`Source`] through a [`FootnoteId`] kept in the
//! document's [`Footnotes`] registry. The registry stores each distinct source once; the
//! renderers number footnotes in order of first appearance in the document, so numbering
//! depends only on the document's content and order.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use entente_core::DateValue;
use serde::{Deserialize, Serialize};

use crate::chart::Chart;
use crate::graph::Graph;
use crate::labels::LabelLang;
use crate::spec::BriefSpec;

/// An inclusive date range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Period {
    /// First date covered.
    pub from: DateValue,
    /// Last date covered.
    pub to: DateValue,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} – {}", self.from, self.to)
    }
}

/// A calendar month, `2025-10`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u8,
}

impl YearMonth {
    /// A month; `None` when `month` is not 1–12 or the year not 1–9999.
    pub fn new(year: i32, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (1..=9999).contains(&year))
            .then_some(YearMonth { year, month })
    }

    /// The following month.
    pub fn next(self) -> YearMonth {
        if self.month >= 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Every month from `self` to `last`, inclusive (empty when `last` is earlier).
    pub fn through(self, last: YearMonth) -> Vec<YearMonth> {
        let mut out = Vec::new();
        let mut m = self;
        while m <= last && out.len() < 12 * 10_000 {
            out.push(m);
            m = m.next();
        }
        out
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a month (expected YYYY-MM)");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).ok_or_else(bad)
    }
}

impl schemars::JsonSchema for YearMonth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "YearMonth".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A calendar month: YYYY-MM.",
            "pattern": "^[0-9]{4}-[0-9]{2}$"
        })
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a claim comes from.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A news article or other document in the knowledge base.
    Article {
        /// The outlet ("KCNA", "Xinhua").
        outlet: String,
        /// The article's title.
        title: String,
        /// Publication date, as precise as known.
        date: DateValue,
        /// The article's URL, when it has one.
        url: Option<String>,
        /// The source id in the knowledge base.
        source_id: String,
    },
    /// Rows of a customs statistics file.
    Customs {
        /// The dataset ("China Customs", "UN Comtrade").
        dataset: String,
        /// The file name.
        file: String,
        /// The rows cited, e.g. "rows 2–131".
        rows: String,
        /// An optional note (e.g. "HS 27, exports").
        note: Option<String>,
    },
    /// A free-text note.
    Note(String),
}

/// A reference to a source in a document's [`Footnotes`].
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct FootnoteId(pub u32);

/// The footnote registry: each distinct source once, in order of registration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(from = "Vec<Source>", into = "Vec<Source>")]
pub struct Footnotes {
    sources: Vec<Source>,
    index: BTreeMap<Source, FootnoteId>,
}

impl From<Vec<Source>> for Footnotes {
    fn from(sources: Vec<Source>) -> Self {
        let mut f = Footnotes::default();
        for s in sources {
            f.add(s);
        }
        f
    }
}

impl From<Footnotes> for Vec<Source> {
    fn from(f: Footnotes) -> Self {
        f.sources
    }
}

impl Footnotes {
    /// Registers a source and returns its id; an identical source gets the same id.
    pub fn add(&mut self, source: Source) -> FootnoteId {
        if let Some(id) = self.index.get(&source) {
            return *id;
        }
        let id = FootnoteId(u32::try_from(self.sources.len()).unwrap_or(u32::MAX));
        self.index.insert(source.clone(), id);
        self.sources.push(source);
        id
    }

    /// The source behind an id (`None` for an id of another registry).
    pub fn get(&self, id: FootnoteId) -> Option<&Source> {
        self.sources.get(id.0 as usize)
    }

    /// Number of distinct sources.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Whether no source is registered.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Sources with their ids, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = (FootnoteId, &Source)> {
        self.sources
            .iter()
            .enumerate()
            .map(|(i, s)| (FootnoteId(i as u32), s))
    }
}

/// A table cell: text, alignment, emphasis and the sources it rests on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cell {
    /// The text shown.
    pub text: String,
    /// Right-aligned with tabular figures.
    #[serde(default)]
    pub numeric: bool,
    /// Bold (totals).
    #[serde(default)]
    pub strong: bool,
    /// Footnotes shown as markers after the text.
    #[serde(default)]
    pub refs: Vec<FootnoteId>,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    /// A numeric (right-aligned) cell.
    pub fn num(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: true,
            ..Cell::default()
        }
    }

    /// Adds a footnote reference.
    pub fn with_ref(mut self, id: FootnoteId) -> Self {
        self.refs.push(id);
        self
    }

    /// Adds footnote references.
    pub fn with_refs(mut self, ids: impl IntoIterator<Item = FootnoteId>) -> Self {
        self.refs.extend(ids);
        self
    }

    /// Makes the cell bold.
    pub fn strong(mut self) -> Self {
        self.strong = true;
        self
    }
}

/// A table: a header row and rows of cells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Table {
    /// The header row.
    pub header: Vec<Cell>,
    /// The body rows.
    pub rows: Vec<Vec<Cell>>,
}

/// One source's column in a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComparedSource {
    /// Column heading, usually the outlet ("KCNA", "新华社").
    pub label: String,
    /// The article(s) behind the column.
    pub refs: Vec<FootnoteId>,
}

/// One aligned row of a comparison: what each source says about one point.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComparisonRow {
    /// The point compared ("Date", "Participants", "Ukraine").
    pub topic: String,
    /// One entry per source; `None` when the source does not say it (shown as "—").
    pub cells: Vec<Option<String>>,
    /// Concept tags of the row.
    pub concepts: Vec<String>,
}

/// Statements only one source makes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OnlyIn {
    /// Index into [`Comparison::sources`].
    pub source: usize,
    /// The statements.
    pub items: Vec<String>,
}

/// Whether each source mentions a concept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConceptPresence {
    /// The concept's label.
    pub concept: String,
    /// One flag per source.
    pub present: Vec<bool>,
}

/// A concept a source used to mention and this time does not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Absence {
    /// The concept's label.
    pub concept: String,
    /// Index into [`Comparison::sources`] of the source that leaves it out; `None` when
    /// every compared source does.
    pub source: Option<usize>,
    /// When that source last used it, if ever.
    pub last_seen: Option<DateValue>,
    /// The source where it was last seen.
    pub refs: Vec<FootnoteId>,
}

/// The side-by-side comparison of two or more reports of one event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Comparison {
    /// The compared sources, one column each.
    pub sources: Vec<ComparedSource>,
    /// Aligned rows.
    pub rows: Vec<ComparisonRow>,
    /// What only one source says.
    pub only_in: Vec<OnlyIn>,
    /// Concept × source presence matrix.
    pub presence: Vec<ConceptPresence>,
    /// Notable absences.
    pub absences: Vec<Absence>,
}

/// What a section shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Body {
    /// Text in the Markdown subset the renderers understand (paragraphs, `#` headings, `-`/`1.`
    /// lists, `**bold**`, `*italic*`, `` `code` ``, `[links](https://…)`).
    Markdown(String),
    /// A table.
    Table(Table),
    /// A chart.
    Chart(Chart),
    /// A link chart.
    Graph(Graph),
    /// A comparison of reports.
    Comparison(Comparison),
}

/// One section: a heading, an optional note, sources for the whole section and one body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// A note shown under the heading.
    pub note: Option<String>,
    /// Footnotes for the section as a whole (shown after the heading).
    #[serde(default)]
    pub refs: Vec<FootnoteId>,
    /// The content.
    pub body: Body,
}

impl Section {
    /// A section without note or section-level refs.
    pub fn new(heading: impl Into<String>, body: Body) -> Self {
        Section {
            heading: heading.into(),
            note: None,
            refs: Vec::new(),
            body,
        }
    }

    /// Sets the note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Adds section-level footnote references.
    pub fn with_refs(mut self, ids: impl IntoIterator<Item = FootnoteId>) -> Self {
        self.refs.extend(ids);
        self
    }
}

/// A briefing document, ready to render.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Document {
    /// The title.
    pub title: String,
    /// An optional subtitle.
    pub subtitle: Option<String>,
    /// The period covered.
    pub period: Option<Period>,
    /// The label language.
    pub lang: LabelLang,
    /// An optional author line.
    pub author: Option<String>,
    /// What the document was generated from (a spec path or hash; never a timestamp, so
    /// identical input renders to identical bytes).
    pub generated_from: String,
    /// The sections in order.
    pub sections: Vec<Section>,
    /// The footnote registry.
    pub footnotes: Footnotes,
}

impl Document {
    /// An empty document.
    pub fn new(title: impl Into<String>, lang: LabelLang) -> Self {
        Document {
            title: title.into(),
            subtitle: None,
            period: None,
            lang,
            author: None,
            generated_from: String::new(),
            sections: Vec::new(),
            footnotes: Footnotes::default(),
        }
    }

    /// An empty document with the spec's title, subtitle, period, language and author.
    pub fn from_spec(spec: &BriefSpec, generated_from: impl Into<String>) -> Self {
        Document {
            title: spec.title.clone(),
            subtitle: spec.subtitle.clone(),
            period: Some(spec.period),
            lang: spec.lang,
            author: spec.author.clone(),
            generated_from: generated_from.into(),
            sections: Vec::new(),
            footnotes: Footnotes::default(),
        }
    }

    /// Registers a source (see [`Footnotes::add`]).
    pub fn cite(&mut self, source: Source) -> FootnoteId {
        self.footnotes.add(source)
    }

    /// Appends a section.
    pub fn push(&mut self, section: Section) {
        self.sections.push(section);
    }

    /// Display numbers of the footnotes: 1, 2, … in order of first reference in the
    /// document; registered sources never referenced follow in registration order. Ids not
    /// in the registry get no number.
    pub fn footnote_numbers(&self) -> FootnoteNumbers {
        let mut order: Vec<FootnoteId> = Vec::new();
        let mut seen: BTreeMap<FootnoteId, u32> = BTreeMap::new();
        let mut visit = |id: FootnoteId| {
            if self.footnotes.get(id).is_some() && !seen.contains_key(&id) {
                order.push(id);
                seen.insert(id, order.len() as u32);
            }
        };
        for s in &self.sections {
            s.refs.iter().copied().for_each(&mut visit);
            for id in body_refs(&s.body) {
                visit(id);
            }
        }
        for (id, _) in self.footnotes.iter() {
            visit(id);
        }
        FootnoteNumbers {
            order,
            number: seen,
        }
    }
}

/// Every footnote reference of a body, in reading order.
pub(crate) fn body_refs(body: &Body) -> Vec<FootnoteId> {
    let mut out = Vec::new();
    match body {
        Body::Markdown(_) => {}
        Body::Table(t) => {
            for c in t.header.iter().chain(t.rows.iter().flatten()) {
                out.extend(&c.refs);
            }
        }
        Body::Chart(c) => out.extend(c.refs()),
        Body::Graph(g) => out.extend(g.refs()),
        Body::Comparison(c) => {
            for s in &c.sources {
                out.extend(&s.refs);
            }
            for a in &c.absences {
                out.extend(&a.refs);
            }
        }
    }
    out
}

/// Footnote display numbers of one document (see [`Document::footnote_numbers`]).
#[derive(Clone, Debug, Default)]
pub struct FootnoteNumbers {
    order: Vec<FootnoteId>,
    number: BTreeMap<FootnoteId, u32>,
}

impl FootnoteNumbers {
    /// The display number of an id, from 1.
    pub fn number(&self, id: FootnoteId) -> Option<u32> {
        self.number.get(&id).copied()
    }

    /// Ids in display order.
    pub fn in_order(&self) -> &[FootnoteId] {
        &self.order
    }

    /// Display numbers of refs, deduplicated and sorted, unknown ids dropped.
    pub fn numbers_of(&self, refs: &[FootnoteId]) -> Vec<u32> {
        let mut n: Vec<u32> = refs.iter().filter_map(|r| self.number(*r)).collect();
        n.sort_unstable();
        n.dedup();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(t: &str) -> Source {
        Source::Article {
            outlet: "KCNA".into(),
            title: t.into(),
            date: "2025-09-04".parse().expect("date"),
            url: None,
            source_id: "abcd".into(),
        }
    }

    #[test]
    fn registry_dedups_and_numbers_by_first_appearance() {
        let mut d = Document::new("t", LabelLang::En);
        let a = d.cite(art("a"));
        let b = d.cite(art("b"));
        assert_eq!(d.cite(art("a")), a);
        assert_eq!(d.footnotes.len(), 2);
        // b appears first in the document, so it is number 1.
        d.push(Section::new(
            "s",
            Body::Table(Table {
                header: vec![Cell::text("x")],
                rows: vec![
                    vec![Cell::text("1").with_ref(b)],
                    vec![Cell::text("2").with_ref(a)],
                ],
            }),
        ));
        let n = d.footnote_numbers();
        assert_eq!(n.number(b), Some(1));
        assert_eq!(n.number(a), Some(2));
        assert_eq!(n.number(FootnoteId(99)), None);
        assert_eq!(n.numbers_of(&[a, b, a, FootnoteId(7)]), vec![1, 2]);
    }

    #[test]
    fn footnotes_round_trip_through_json() {
        let mut f = Footnotes::default();
        f.add(art("a"));
        f.add(Source::Note("n".into()));
        let json = serde_json::to_string(&f).expect("json");
        let back: Footnotes = serde_json::from_str(&json).expect("back");
        assert_eq!(back, f);
        assert_eq!(back.iter().count(), 2);
    }

    #[test]
    fn year_month_parses_and_iterates() {
        let a: YearMonth = "2024-11".parse().expect("ym");
        let b: YearMonth = "2025-02".parse().expect("ym");
        assert_eq!(a.through(b).len(), 4);
        assert!("2024-13".parse::<YearMonth>().is_err());
        assert!("2024-1".parse::<YearMonth>().is_err());
        assert!(b.through(a).is_empty());
    }
}
