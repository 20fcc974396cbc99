//! Briefings and the relationship map: the blocks of a [`BriefSpec`] resolved against the
//! knowledge base, the comparison crate and the trade store; `entente-brief` renders the
//! document.

mod kb;
mod resolver;
mod trade;

use entente_brief::{BriefSpec, Document, Graph};
use entente_core::DateValue;
use serde::{Deserialize, Serialize};

use crate::App;
use crate::error::{Context as _, Result};
use resolver::Resolver;

/// Which relationship map to draw: states (their leaders are added) and an optional period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GraphQuery {
    /// States (ISO codes), leaders or other actors, by name or id.
    pub actors: Vec<String>,
    pub from: Option<DateValue>,
    pub to: Option<DateValue>,
}

impl Default for GraphQuery {
    fn default() -> Self {
        GraphQuery {
            actors: vec!["CN".into(), "RU".into(), "KP".into()],
            from: None,
            to: None,
        }
    }
}

/// A section holding a table with a bold header row.
fn table_section(
    heading: String,
    head: &[&str],
    rows: Vec<Vec<entente_brief::Cell>>,
) -> entente_brief::Section {
    entente_brief::Section::new(
        heading,
        entente_brief::Body::Table(entente_brief::Table {
            header: head
                .iter()
                .map(|h| entente_brief::Cell::text(*h).strong())
                .collect(),
            rows,
        }),
    )
}

impl App {
    /// The document of a briefing spec, every figure footnoted. `origin` names the spec (its
    /// file name, or the request) in the document's colophon and in errors, which say which
    /// block failed: `briefing.toml: block[3] (trade_top): …`.
    pub fn briefing(&self, spec: &BriefSpec, origin: &str) -> Result<Document> {
        let repo = self.repo()?;
        let extractor = entente_extract::run::extractor_for(repo.store())?;
        let lexicon = self.lexicon()?;
        let trade = || self.trade();
        let mut r = Resolver::new(repo, &extractor, lexicon, &trade, spec, origin.to_string());
        for (i, block) in spec.blocks.iter().enumerate() {
            r.block(block)
                .with_context(|| format!("{origin}: block[{i}] ({})", block.kind.name()))?;
        }
        Ok(r.finish())
    }

    /// The relationship map (states, their leaders, relations between them) for Gephi,
    /// Cytoscape or the workbench.
    pub fn relationship_graph(&self, q: &GraphQuery) -> Result<Graph> {
        let repo = self.repo()?;
        let extractor = entente_extract::run::extractor_for(repo.store())?;
        let lexicon = self.lexicon()?;
        let trade = || self.trade();
        let spec = BriefSpec {
            title: "graph".into(),
            subtitle: None,
            period: entente_brief::Period {
                from: DateValue::new(1900, Some(1), Some(1))?,
                to: DateValue::new(2100, Some(12), Some(31))?,
            },
            lang: entente_brief::LabelLang::En,
            author: None,
            blocks: Vec::new(),
        };
        let mut r = Resolver::new(
            repo,
            &extractor,
            lexicon,
            &trade,
            &spec,
            "entente graph".into(),
        );
        r.relationship_graph(&q.actors, q.from, q.to)
    }
}
