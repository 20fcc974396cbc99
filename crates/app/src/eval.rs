//! Evaluation against gold sets, on a scratch data directory: sources stored as prepared,
//! what extraction makes of each stored source on its own (before the knowledge base merges
//! it with what other sources said: the way both gold sets are scored), and the scoring of a
//! real-text set, whose names resolve against the directory's actors.

use entente_core::{NewSource, SourceId};
use entente_extract::analysis::{self, EventView, Names};
use entente_extract::eval::real::{self, RealDoc};
use entente_extract::run;

use crate::error::{Context as _, Result};
use crate::{App, AppError};

impl App {
    /// Stores sources already read and prepared (no near-duplicate grouping, no index
    /// update), each whole or not at all; returns their ids.
    pub fn put_prepared_sources(&self, sources: &[NewSource]) -> Result<Vec<SourceId>> {
        let repo = self.writable()?;
        for s in sources {
            repo.store()
                .put_source(s)
                .with_context(|| format!("storing source {}", s.origin))?;
        }
        Ok(sources.iter().map(|s| s.id).collect())
    }

    /// What extraction makes of each of `sources` on its own, stored nowhere: drafts with
    /// names and citations, in the order given. Writes the bundled actors first, as
    /// [`App::extract`] does.
    pub fn draft_events(&self, sources: &[SourceId]) -> Result<Vec<Vec<EventView>>> {
        let repo = self.writable()?;
        let ex = run::prepare_extractor(repo.store())?;
        let store = repo.store();
        let mut names = Names::new(store);
        let mut out = Vec::with_capacity(sources.len());
        for id in sources {
            let src = store
                .get_source(id)?
                .with_context(|| format!("no source with id {id}"))?;
            let drafts = run::extract_source(&ex, &src)?;
            out.push(
                drafts
                    .events
                    .iter()
                    .enumerate()
                    .map(|(n, d)| analysis::draft_view(store, &mut names, d, n))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(AppError::from)?,
            );
        }
        Ok(out)
    }

    /// Scores predictions against a real-text set's annotations, resolving the annotators'
    /// names against this directory's actors.
    pub fn score_real(&self, docs: &[(RealDoc, Vec<EventView>)]) -> Result<real::Report> {
        let repo = self.repo()?;
        Ok(real::score(docs, &real::StoreResolver::new(repo.store())))
    }
}
