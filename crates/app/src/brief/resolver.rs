//! The state shared by all blocks of one briefing: the stores, the document being built and
//! the footnotes for sources and customs files.

use std::collections::{BTreeMap, HashMap};

use entente_brief::{
    Block, BlockKind, BriefSpec, Document, FootnoteId, LabelLang, Section, Source,
};
use entente_core::{DateValue, Event, SourceId};
use entente_extract::Extractor;
use entente_store::Repo;
use entente_trade::TradeStore;

use crate::error::Result;

/// Resolves spec blocks into document sections.
pub struct Resolver<'a> {
    pub(super) repo: &'a Repo,
    pub(super) extractor: &'a Extractor,
    pub(super) lexicon: &'a entente_compare::Lexicon,
    /// The trade store, opened on the first trade block (a briefing without one needs no
    /// runtime and no trade directory).
    trade_store: &'a (dyn Fn() -> Result<&'a TradeStore> + 'a),
    pub(super) spec: &'a BriefSpec,
    pub(super) doc: Document,
    articles: HashMap<SourceId, Option<FootnoteId>>,
    names: HashMap<String, String>,
}

impl<'a> Resolver<'a> {
    pub fn new(
        repo: &'a Repo,
        extractor: &'a Extractor,
        lexicon: &'a entente_compare::Lexicon,
        trade_store: &'a (dyn Fn() -> Result<&'a TradeStore> + 'a),
        spec: &'a BriefSpec,
        generated_from: String,
    ) -> Self {
        Resolver {
            repo,
            extractor,
            lexicon,
            trade_store,
            spec,
            doc: Document::from_spec(spec, generated_from),
            articles: HashMap::new(),
            names: HashMap::new(),
        }
    }

    pub(super) fn trade(&self) -> Result<&'a TradeStore> {
        (self.trade_store)()
    }

    pub fn finish(self) -> Document {
        self.doc
    }

    pub(super) fn ja(&self) -> bool {
        self.spec.lang == LabelLang::Ja
    }

    /// A heading: the block's title, else a default in the label language.
    pub(super) fn heading(&self, block: &Block, en: &str, ja: &str) -> String {
        block.title.clone().unwrap_or_else(|| {
            if self.ja() {
                ja.to_string()
            } else {
                en.to_string()
            }
        })
    }

    pub(super) fn push(&mut self, block: &Block, mut section: Section) {
        if section.note.is_none()
            && let Some(n) = &block.note
        {
            section = section.with_note(n.clone());
        }
        self.doc.push(section);
    }

    /// Resolves one block into one or more sections.
    pub fn block(&mut self, block: &Block) -> Result<()> {
        match &block.kind {
            BlockKind::Markdown { text } => {
                let heading = block.title.clone().unwrap_or_default();
                self.push(
                    block,
                    Section::new(heading, entente_brief::Body::Markdown(text.clone())),
                );
                Ok(())
            }
            BlockKind::Chronology {
                actors,
                since,
                until,
            } => self.chronology(block, actors, *since, *until),
            BlockKind::Exchanges { a, b, years } => self.exchanges(block, a, b, *years),
            BlockKind::RelationshipMap { actors, from, to } => {
                let g = self.relationship_graph(actors, *from, *to)?;
                let heading = self.heading(block, "Relationship map", "関係図");
                self.push(block, Section::new(heading, entente_brief::Body::Graph(g)));
                Ok(())
            }
            BlockKind::TradeAnnual {
                reporter,
                partner,
                years,
            } => self.trade_annual(block, reporter, partner, *years),
            BlockKind::TradeYtd {
                reporter,
                partner,
                through_month,
                years,
            } => self.trade_ytd(block, reporter, partner, *through_month, years),
            BlockKind::TradeMonthly {
                reporter,
                partner,
                from,
                to,
            } => self.trade_monthly(block, reporter, partner, *from, *to),
            BlockKind::TradeTop {
                reporter,
                partner,
                year,
                n,
                flow,
                months,
                sanctions,
            } => self.trade_top(
                block, reporter, partner, *year, *n, *flow, *months, *sanctions,
            ),
            BlockKind::Comparison { target, outlets } => self.comparison(block, target, outlets),
            BlockKind::Trend {
                subject,
                actors,
                by,
                outlets,
            } => self.trend(block, subject, actors, *by, *outlets),
            BlockKind::Ledger { actors, kinds } => self.ledger(block, actors, kinds),
            BlockKind::Roster { target } => self.roster(block, target),
        }
    }

    /// The footnote of a source of the knowledge base (outlet, title, date, URL).
    pub(super) fn article(&mut self, id: SourceId) -> Result<Option<FootnoteId>> {
        if let Some(f) = self.articles.get(&id) {
            return Ok(*f);
        }
        let s = self.repo.store().summaries(&[id])?.into_iter().next();
        let f = s.map(|s| {
            let outlet = s
                .outlet
                .clone()
                .unwrap_or_else(|| "(unknown outlet)".into());
            let title = s.title.clone().unwrap_or_else(|| "(untitled)".into());
            match s
                .published
                .as_deref()
                .and_then(|p| DateValue::parse_loose(p).ok())
            {
                Some(date) => self.doc.cite(Source::Article {
                    outlet,
                    title,
                    date,
                    url: s.url.clone(),
                    source_id: id.to_hex(),
                }),
                None => self.doc.cite(Source::Note(format!(
                    "{outlet}, “{title}” (undated), source {}",
                    id.to_hex()
                ))),
            }
        });
        self.articles.insert(id, f);
        Ok(f)
    }

    /// Footnotes for the sources citing an event, at most `max`, in citation order.
    pub(super) fn event_refs(&mut self, e: &Event, max: usize) -> Result<Vec<FootnoteId>> {
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for c in &e.citations {
            if seen.contains(&c.source_id) {
                continue;
            }
            seen.push(c.source_id);
            if let Some(f) = self.article(c.source_id)? {
                out.push(f);
            }
            if out.len() >= max {
                break;
            }
        }
        Ok(out)
    }

    /// An actor's name in the label language (Japanese names where the gazetteer has them).
    pub(super) fn name(&mut self, id: &str) -> String {
        if let Some(n) = self.names.get(id) {
            return n.clone();
        }
        let a = self.repo.store().actor(id).ok().flatten();
        let n = match a {
            Some(a) if self.ja() => a
                .names
                .get("ja")
                .and_then(|v| v.first().cloned())
                .unwrap_or(a.name_en),
            Some(a) => a.name_en,
            None => id.to_string(),
        };
        self.names.insert(id.to_string(), n.clone());
        n
    }

    /// An actor id from a name, id or state code given in a spec.
    pub(super) fn actor_id(&self, query: &str) -> Result<String> {
        Ok(entente_extract::analysis::resolve_actor(
            self.repo.store(),
            query,
        )?)
    }

    /// The state an actor belongs to (itself for a state).
    pub(super) fn country(&self, id: &str) -> Option<String> {
        let a = self.repo.store().actor(id).ok().flatten()?;
        if a.kind == entente_core::ActorKind::State {
            Some(a.id)
        } else {
            a.country
        }
    }

    /// The state's top leader on `date`: supreme leader, party general secretary or head of
    /// state, in that order of preference.
    pub(super) fn top_leader(&self, state: &str, date: DateValue) -> Result<Option<String>> {
        let mut best: BTreeMap<u8, String> = BTreeMap::new();
        for a in self.repo.store().actors()? {
            if a.kind != entente_core::ActorKind::Person {
                continue;
            }
            for p in &a.positions {
                let rank = match (p.post.as_str(), p.org == state) {
                    ("supreme_leader", true) => 0,
                    ("head_of_state", true) => 1,
                    _ => continue,
                };
                if p.held_on(&date) {
                    best.entry(rank).or_insert_with(|| a.id.clone());
                }
            }
        }
        Ok(best.into_values().next())
    }
}
