//! Analyst briefings: from a spec and resolved analysis results to HTML, Markdown and PDF.
//!
//! This crate is the presentation end of entente. It never queries storage: the application
//! reads a [`BriefSpec`], runs the analyses each block names, and fills a
//! [`Document`] with plain data — tables, charts, link charts, comparisons —
//! each cell and series pointing at its sources. The renderers then write one standalone
//! HTML file (inline CSS and SVG, numbered footnotes, a Sources list, A4 print rules) or
//! Markdown with SVG files, byte-identical for identical input; [`pdf`] prints the HTML
//! through headless Chromium.
//!
//! Charts are hand-built SVG (no font files, no plotting crate): deterministic, colour-blind
//! safe, CJK-ready. Fixed words ("Sources", month names, money units) come from
//! `data/brief/labels.toml` in English or Japanese.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod chart;
pub mod doc;
pub mod error;
pub mod graph;
pub mod labels;
pub mod pdf;
pub mod render;
pub mod spec;
mod svg;

pub use chart::{
    BarData, Chart, ChartKind, Series, SvgOptions, TimelineEvent, Unit, XAxis, format_value,
};
pub use doc::{
    Absence, Body, Cell, ComparedSource, Comparison, ComparisonRow, ConceptPresence, Document,
    FootnoteId, FootnoteNumbers, Footnotes, OnlyIn, Period, Section, Source, Table, YearMonth,
};
pub use error::BriefError;
pub use graph::{Edge, EdgeKind, Graph, Node, NodeKind};
pub use labels::{LabelLang, Labels};
pub use pdf::{Chromium, print_pdf, screenshot};
pub use render::{render_html, render_markdown};
pub use spec::{Block, BlockKind, BriefSpec};
pub use svg::{FONT_STACK, PALETTE, escape_xml};
