//! Charts as hand-built SVG: grouped bars, stacked bars, lines over months or labels, and a
//! timeline of events. Output is deterministic (fixed number formatting, no hash-map order),
//! uses the CJK font stack and the Okabe–Ito palette, and never panics: non-finite values are
//! treated as missing and a chart without data renders a "No data" panel.

pub mod axis;
mod bars;
mod line;
mod timeline;

use entente_core::{DateValue, Edtf};
use serde::{Deserialize, Serialize};

use crate::doc::{FootnoteId, YearMonth};
use crate::labels::{LabelLang, labels};
use crate::svg::{Anchor, INK, MUTED, Svg, colour, fit, text_width};

pub use axis::format_value;

/// What the values of a chart measure; decides axis and value formatting.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// US dollars: "US$1.2 bn", "12億ドル".
    #[default]
    UsDollars,
    /// Counts: "1,200".
    Count,
    /// Percentages: "12%".
    Percent,
}

/// A named series of values, one per category or month; `None` is a gap.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Series {
    /// Shown in the legend.
    pub name: String,
    /// One value per category; missing and non-finite values are gaps.
    pub values: Vec<Option<f64>>,
    /// The sources of the series.
    #[serde(default)]
    pub refs: Vec<FootnoteId>,
}

impl Series {
    /// A series with values.
    pub fn new(name: impl Into<String>, values: Vec<Option<f64>>) -> Self {
        Series {
            name: name.into(),
            values,
            refs: Vec::new(),
        }
    }

    /// Adds footnote references.
    pub fn with_refs(mut self, ids: impl IntoIterator<Item = FootnoteId>) -> Self {
        self.refs.extend(ids);
        self
    }
}

/// Categories along the x axis of a bar chart, with one series per bar colour.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BarData {
    /// Category labels ("2016" … "2025", or HS headings).
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
}

/// The x axis of a line chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "values", rename_all = "snake_case")]
pub enum XAxis {
    /// Consecutive months; labelled by month and year.
    Months(Vec<YearMonth>),
    /// Arbitrary labels (years, quarters).
    Labels(Vec<String>),
}

impl XAxis {
    fn len(&self) -> usize {
        match self {
            XAxis::Months(m) => m.len(),
            XAxis::Labels(l) => l.len(),
        }
    }
}

/// One event on a timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TimelineEvent {
    /// When; an interval is drawn as a bar.
    pub date: Edtf,
    /// The label.
    pub label: String,
    /// A group (e.g. the pair of states) that picks the colour and legend entry.
    pub group: Option<String>,
    /// The sources of the event.
    #[serde(default)]
    pub refs: Vec<FootnoteId>,
}

/// The kind of chart and its data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum ChartKind {
    /// Bars side by side per category; negative values go below the zero line.
    GroupedBars(BarData),
    /// Bars stacked per category; negative parts stack downwards.
    StackedBars(BarData),
    /// Lines, one per series.
    Lines {
        /// The x axis.
        x: XAxis,
        /// The series, one value per x position.
        series: Vec<Series>,
    },
    /// Events on a date axis.
    Timeline {
        /// The events.
        events: Vec<TimelineEvent>,
        /// Axis start (default: the first event).
        from: Option<DateValue>,
        /// Axis end (default: the last event).
        to: Option<DateValue>,
    },
}

/// A chart: title, description, unit and data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Chart {
    /// The title (SVG `<title>`, and drawn unless the HTML caption shows it).
    pub title: String,
    /// A description for screen readers (`<desc>`); generated when absent.
    pub desc: Option<String>,
    /// What the values measure.
    #[serde(default)]
    pub unit: Unit,
    /// The data.
    pub kind: ChartKind,
}

/// How to render a chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvgOptions {
    /// Label language (axis units, "No data", month names).
    pub lang: LabelLang,
    /// Draw the title inside the SVG (off when an HTML caption shows it).
    pub show_title: bool,
    /// viewBox width.
    pub width: f64,
    /// viewBox height (timelines grow to fit their labels).
    pub height: f64,
}

impl Default for SvgOptions {
    fn default() -> Self {
        SvgOptions {
            lang: LabelLang::En,
            show_title: true,
            width: 720.0,
            height: 360.0,
        }
    }
}

impl SvgOptions {
    /// Default options in a language.
    pub fn lang(lang: LabelLang) -> Self {
        SvgOptions {
            lang,
            ..SvgOptions::default()
        }
    }
}

impl Chart {
    /// A chart with a generated description.
    pub fn new(title: impl Into<String>, unit: Unit, kind: ChartKind) -> Self {
        Chart {
            title: title.into(),
            desc: None,
            unit,
            kind,
        }
    }

    /// Every footnote reference, in series (or event) order.
    pub fn refs(&self) -> Vec<FootnoteId> {
        match &self.kind {
            ChartKind::GroupedBars(b) | ChartKind::StackedBars(b) => b
                .series
                .iter()
                .flat_map(|s| s.refs.iter().copied())
                .collect(),
            ChartKind::Lines { series, .. } => {
                series.iter().flat_map(|s| s.refs.iter().copied()).collect()
            }
            ChartKind::Timeline { events, .. } => {
                events.iter().flat_map(|e| e.refs.iter().copied()).collect()
            }
        }
    }

    /// Renders the chart as a standalone SVG document.
    pub fn to_svg(&self, opts: &SvgOptions) -> String {
        let opts = SvgOptions {
            width: finite_or(opts.width, 720.0).clamp(200.0, 4000.0),
            height: finite_or(opts.height, 360.0).clamp(120.0, 4000.0),
            ..*opts
        };
        match &self.kind {
            ChartKind::GroupedBars(b) => bars::render(self, b, false, &opts),
            ChartKind::StackedBars(b) => bars::render(self, b, true, &opts),
            ChartKind::Lines { x, series } => line::render(self, x, series, &opts),
            ChartKind::Timeline { events, from, to } => {
                timeline::render(self, events, *from, *to, &opts)
            }
        }
    }

    fn description(&self, series: &[Series]) -> String {
        if let Some(d) = &self.desc {
            return d.clone();
        }
        let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
        if names.is_empty() {
            self.title.clone()
        } else {
            format!("{}: {}", self.title, names.join(", "))
        }
    }
}

fn finite_or(v: f64, default: f64) -> f64 {
    if v.is_finite() { v } else { default }
}

/// A finite value, clamped to ±1e15 so scales stay finite; anything else is a gap.
pub(crate) fn clean(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite()).map(|x| x.clamp(-1e15, 1e15))
}

/// The drawing area left after title and legend.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A legend entry: name and colour; `line` draws a line swatch instead of a box.
pub(crate) struct LegendItem<'a> {
    pub name: &'a str,
    pub colour: &'static str,
    pub line: bool,
}

/// Draws the title (when shown) and the legend; returns the top of the remaining area.
pub(crate) fn header(
    svg: &mut Svg,
    title: &str,
    items: &[LegendItem<'_>],
    opts: &SvgOptions,
) -> f64 {
    let mut y = 8.0;
    if opts.show_title {
        let t = fit(title, opts.width - 32.0, 15.0);
        svg.text(
            16.0,
            26.0,
            &t,
            15.0,
            Anchor::Start,
            INK,
            "font-weight=\"bold\"",
        );
        y = 36.0;
    }
    if items.is_empty() {
        return y + 8.0;
    }
    // Legend rows, wrapping at the right edge.
    let mut x = 16.0;
    let mut row_y = y + 12.0;
    for item in items {
        let name = fit(item.name, 220.0, 11.0);
        let w = 18.0 + text_width(&name, 11.0) + 16.0;
        if x + w > opts.width - 16.0 && x > 16.0 {
            x = 16.0;
            row_y += 18.0;
        }
        if item.line {
            svg.line(x, row_y - 4.0, x + 14.0, row_y - 4.0, item.colour, 2.5);
        } else {
            svg.rect(x, row_y - 10.0, 12.0, 12.0, item.colour);
        }
        svg.text(x + 18.0, row_y, &name, 11.0, Anchor::Start, INK, "");
        x += w;
    }
    row_y + 14.0
}

/// Legend entries for series, in palette order.
pub(crate) fn series_legend(series: &[Series], line: bool) -> Vec<LegendItem<'_>> {
    series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            name: &s.name,
            colour: colour(i),
            line,
        })
        .collect()
}

/// The panel drawn when there is nothing to plot.
pub(crate) fn no_data(chart: &Chart, opts: &SvgOptions) -> String {
    let l = labels(opts.lang);
    let mut svg = Svg::new(opts.width, opts.height, &chart.title, &l.no_data);
    let top = header(&mut svg, &chart.title, &[], opts);
    let h = (opts.height - top - 16.0).max(10.0);
    svg.raw(&format!(
        "<rect x=\"16\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#F6F6F6\" stroke=\"#DDDDDD\"/>\n",
        crate::svg::num(top),
        crate::svg::num(opts.width - 32.0),
        crate::svg::num(h)
    ));
    svg.text(
        opts.width / 2.0,
        top + h / 2.0 + 5.0,
        &l.no_data,
        14.0,
        Anchor::Middle,
        MUTED,
        "",
    );
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_charts_say_no_data() {
        let c = Chart::new(
            "Empty",
            Unit::UsDollars,
            ChartKind::GroupedBars(BarData::default()),
        );
        let svg = c.to_svg(&SvgOptions::default());
        assert!(svg.contains("No data"));
        let ja = c.to_svg(&SvgOptions::lang(LabelLang::Ja));
        assert!(ja.contains("データなし"));
    }
}
