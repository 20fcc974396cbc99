//! Renderers: one standalone HTML file, or Markdown with SVG files beside it.

mod html;
mod markdown;
mod mdsub;

pub use html::render_html;
pub use markdown::render_markdown;

use crate::doc::Source;
use crate::labels::Labels;

/// The table under a relationship map: one row per drawn edge, with its sources. `None`
/// when the map has no edges.
pub(crate) fn links_table(g: &crate::graph::Graph, l: &Labels) -> Option<crate::doc::Table> {
    use crate::doc::{Cell, Table};
    let edges = g.valid_edges();
    if edges.is_empty() {
        return None;
    }
    let label_of = |id: &str| {
        g.nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    Some(Table {
        header: vec![
            Cell::text(&l.links),
            Cell::text(&l.link_kind),
            Cell::text(""),
        ],
        rows: edges
            .iter()
            .map(|e| {
                vec![
                    Cell::text(format!("{} – {}", label_of(&e.a), label_of(&e.b))),
                    Cell::text(e.kind.label(l)),
                    Cell::text(&e.label).with_refs(e.refs.iter().copied()),
                ]
            })
            .collect(),
    })
}

/// The parts of a source's entry in the Sources list, before escaping.
pub(crate) struct SourceText {
    /// Main text ("KCNA, “Title”, 2025-09-04").
    pub text: String,
    /// A URL to link, when there is a safe one.
    pub url: Option<String>,
    /// The knowledge-base source id.
    pub id: Option<String>,
}

pub(crate) fn source_text(s: &Source, l: &Labels) -> SourceText {
    match s {
        Source::Article {
            outlet,
            title,
            date,
            url,
            source_id,
        } => SourceText {
            text: format!("{outlet}, {}{title}{}, {date}", l.quote_open, l.quote_close),
            url: url.clone().filter(|u| {
                let u = u.trim().to_ascii_lowercase();
                u.starts_with("http://") || u.starts_with("https://")
            }),
            id: (!source_id.is_empty()).then(|| source_id.clone()),
        },
        Source::Customs {
            dataset,
            file,
            rows,
            note,
        } => {
            let mut text = format!("{dataset}, {file}, {rows}");
            if let Some(n) = note.as_deref().filter(|n| !n.is_empty()) {
                text.push_str(&format!(" ({n})"));
            }
            SourceText {
                text,
                url: None,
                id: None,
            }
        }
        Source::Note(n) => SourceText {
            text: n.clone(),
            url: None,
            id: None,
        },
    }
}
