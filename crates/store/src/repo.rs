//! A data directory: the store and the search index kept in agreement.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use entente_core::{NewSource, SourceId};
use serde::Serialize;

use crate::index::{SearchIndex, SearchQuery};
use crate::{PutOutcome, SourceSummary, SqliteStore, Store, StoreError};

/// How a data directory is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Takes the index writer lock and brings the index up to date with the store.
    ReadWrite,
    /// Searches and reads only; several readers may run beside one writer.
    ReadOnly,
}

/// Commit the index after this many added sources, bounding the work a crash can lose
/// (lost index work is redone from the store on the next open).
const COMMIT_EVERY: usize = 20_000;

pub struct Repo {
    store: Box<dyn Store>,
    index: SearchIndex,
    dir: PathBuf,
    /// Sources this process stored and added to the index writer since its last commit:
    /// their outbox entries are acknowledged at the next commit without reading them again.
    fresh: Mutex<HashSet<SourceId>>,
    /// Held while the outbox is drained into an index commit, so that two threads do not
    /// acknowledge each other's entries before their commit.
    draining: Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // What these locks guard stays consistent through a panic (a set of ids, nothing).
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One search result with what a listing shows.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SearchResult {
    pub source_id: SourceId,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub lang: String,
    pub published: Option<String>,
    pub url: Option<String>,
    pub score: f32,
    /// Text around the best match, matches wrapped in `<b>…</b>` (HTML-escaped).
    pub snippet: String,
}

/// What `doctor` found (and did).
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default, schemars::JsonSchema)]
pub struct DoctorReport {
    pub sources_in_store: u64,
    pub documents_in_index: u64,
    /// Stored documents queued for the index and not yet committed to it.
    pub waiting_for_index: u64,
    pub missing_from_index: Vec<SourceId>,
    pub extra_in_index: Vec<SourceId>,
    pub store_problems: Vec<String>,
    pub repaired: bool,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.missing_from_index.is_empty()
            && self.extra_in_index.is_empty()
            && self.store_problems.is_empty()
    }
}

impl Repo {
    pub const DB_FILE: &'static str = "entente.sqlite";
    pub const INDEX_DIR: &'static str = "index";

    /// Opens the data directory `dir` on the embedded SQLite store, creating what is missing.
    pub fn open(dir: &Path, mode: OpenMode) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let store = SqliteStore::open(&dir.join(Self::DB_FILE))?;
        Self::open_with(Box::new(store), dir, mode)
    }

    /// Opens the data directory `dir` (the search index, files) on any backend: the index
    /// lives beside the data and is fed from `store`'s outbox.
    pub fn open_with(
        store: Box<dyn Store>,
        dir: &Path,
        mode: OpenMode,
    ) -> Result<Self, StoreError> {
        let index = SearchIndex::open(&dir.join(Self::INDEX_DIR), mode == OpenMode::ReadWrite)?;
        let repo = Repo {
            store,
            index,
            dir: dir.to_path_buf(),
            fresh: Default::default(),
            draining: Mutex::new(()),
        };
        if mode == OpenMode::ReadWrite {
            if repo.index.num_docs() == 0 && repo.store.count_sources()? > 0 {
                // An empty index beside a store with sources (new, rebuilt for a new schema,
                // or lost, whoever opened it first): index them all again. Replaying what is
                // queued already replaces, never doubles.
                repo.store.queue_all_for_index()?;
            }
            match repo.catch_up() {
                // Another process holds the index writer: it drains the queue itself.
                Err(e) if e.is_busy() => {}
                other => {
                    other?;
                }
            }
        }
        Ok(repo)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// Claims the index writer for a run that will index (see [`SearchIndex::claim_writer`]);
    /// [`StoreError::Busy`] while another process holds it.
    pub fn claim_index(&self) -> Result<(), StoreError> {
        self.index.claim_writer()
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// How many stored sources the committed index does not hold yet.
    pub fn index_lag(&self) -> Result<i64, StoreError> {
        Ok(self.store.index_queue_len()? as i64)
    }

    /// Indexes every source waiting in the outbox (after a crash, another writer's work, or
    /// an upgrade) and commits. Returns how many were indexed.
    pub fn catch_up(&self) -> Result<usize, StoreError> {
        let _draining = lock(&self.draining);
        let mut n = 0;
        loop {
            let batch = self.store.index_queue(1000)?;
            if batch.is_empty() {
                break;
            }
            n += self.drain(&batch)?;
        }
        Ok(n)
    }

    /// Indexes the queued sources this process has not added yet, commits the index, then
    /// acknowledges the entries: a crash in between leaves them queued, and replaying one
    /// replaces the document rather than adding it twice. The caller holds `draining`.
    fn drain(&self, batch: &[crate::Queued]) -> Result<usize, StoreError> {
        let mut n = 0;
        for q in batch {
            // Added to the writer before it was marked fresh: the commit below holds it.
            if lock(&self.fresh).contains(&q.source) {
                continue;
            }
            match self.store.get_source(&q.source)? {
                Some(src) => self.index.add(&src.new, src.seq)?,
                None => self.index.delete(&q.source)?,
            }
            n += 1;
        }
        self.index.commit()?;
        let entries: Vec<i64> = batch.iter().map(|q| q.entry).collect();
        self.store.index_done(&entries)?;
        Ok(n)
    }

    /// Stores one source (one transaction) and queues it for indexing.
    pub fn add(&self, src: &NewSource) -> Result<PutOutcome, StoreError> {
        let outcome = self.store.put_source(src)?;
        match &outcome {
            PutOutcome::New { seq, .. } | PutOutcome::NearDuplicate { seq, .. } => {
                self.index.add(src, *seq)?;
                let pending = {
                    let mut fresh = lock(&self.fresh);
                    fresh.insert(src.id);
                    fresh.len()
                };
                if pending >= COMMIT_EVERY {
                    self.flush()?;
                }
            }
            PutOutcome::Unchanged { .. } => {}
        }
        Ok(outcome)
    }

    /// Stores several sources in one transaction (each document still atomic, see
    /// [`Store::put_sources`]) and queues the stored ones for indexing.
    pub fn add_batch(
        &self,
        srcs: &[NewSource],
    ) -> Result<Vec<Result<PutOutcome, StoreError>>, StoreError> {
        let outcomes = self.store.put_sources(srcs)?;
        for (src, o) in srcs.iter().zip(&outcomes) {
            if let Ok(PutOutcome::New { seq, .. } | PutOutcome::NearDuplicate { seq, .. }) = o {
                self.index.add(src, *seq)?;
                lock(&self.fresh).insert(src.id);
            }
        }
        if lock(&self.fresh).len() >= COMMIT_EVERY {
            self.flush()?;
        }
        Ok(outcomes)
    }

    /// Commits the index so that everything stored so far is searchable, and empties the
    /// outbox of what the commit holds.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()?;
        let _draining = lock(&self.draining);
        // What is fresh now is in the writer and goes out with the commits below; a source
        // added meanwhile stays queued and is replayed (replaced, not doubled) next time.
        let committed: HashSet<SourceId> = lock(&self.fresh).clone();
        loop {
            let batch = self.store.index_queue(10_000)?;
            if batch.is_empty() {
                break;
            }
            self.drain(&batch)?;
        }
        // Uncommitted deletes, or a commit with an empty queue (another process drained it).
        self.index.commit()?;
        lock(&self.fresh).retain(|id| !committed.contains(id));
        Ok(())
    }

    /// Searches and decorates hits with metadata and snippets.
    pub fn search(
        &self,
        q: &SearchQuery,
    ) -> Result<(Vec<SearchResult>, Option<usize>), StoreError> {
        let crate::index::Matches { hits, total, query } = self.index.search(q)?;
        let generator = self.index.snippets(&*query, 200)?;
        let terms = self.index.text_terms(&*query);
        let ids: Vec<SourceId> = hits.iter().map(|h| h.id).collect();
        let summaries = self.store.summaries(&ids)?;
        let mut out = Vec::with_capacity(hits.len());
        for (hit, s) in hits.iter().zip(summaries) {
            let text = self.store.source_text(&hit.id)?.unwrap_or_default();
            out.push(SearchResult {
                source_id: hit.id,
                snippet: render_snippet(&generator, &terms, &text),
                title: s.title,
                outlet: s.outlet,
                lang: s.lang,
                published: s.published,
                url: s.url,
                score: hit.score,
            });
        }
        Ok((out, total))
    }

    /// Checks that the store is sound and that store and index hold the same sources;
    /// with `repair`, re-indexes what is missing and deletes what should not be there.
    pub fn doctor(&self, repair: bool) -> Result<DoctorReport, StoreError> {
        let mut report = self.check()?;
        if repair && !(report.missing_from_index.is_empty() && report.extra_in_index.is_empty()) {
            for id in &report.extra_in_index {
                self.index.delete(id)?;
            }
            for id in report
                .missing_from_index
                .iter()
                .chain(&report.extra_in_index)
            {
                if let Some(src) = self.store.get_source(id)? {
                    self.index.add(&src.new, src.seq)?;
                }
            }
            self.flush()?;
            report.repaired = true;
            report.documents_in_index = self.index.num_docs();
            report.waiting_for_index = self.store.index_queue_len()?;
        }
        Ok(report)
    }

    /// Checks that the store is sound and that store and index hold the same sources,
    /// changing nothing (a read: it runs beside a writer).
    pub fn check(&self) -> Result<DoctorReport, StoreError> {
        let mut report = DoctorReport {
            store_problems: self.store.integrity_check()?,
            sources_in_store: self.store.count_sources()?,
            documents_in_index: self.index.num_docs(),
            waiting_for_index: self.store.index_queue_len()?,
            ..Default::default()
        };
        let in_store = self.store.all_ids()?;
        let in_index = self.index.all_ids()?;
        let store_set: std::collections::HashSet<SourceId> =
            in_store.iter().map(|(_, id)| *id).collect();
        let mut index_set = std::collections::HashSet::new();
        for (_, id) in &in_index {
            // A duplicate document in the index is as wrong as an extra one.
            if !store_set.contains(id) || !index_set.insert(*id) {
                report.extra_in_index.push(*id);
            }
        }
        report.missing_from_index = in_store
            .iter()
            .filter(|(_, id)| !index_set.contains(id))
            .map(|(_, id)| *id)
            .collect();
        Ok(report)
    }

    pub fn near_duplicates(&self, id: &SourceId) -> Result<Vec<SourceSummary>, StoreError> {
        self.store.near_duplicates(id)
    }
}

/// Renders a snippet with merged, HTML-escaped `<b>` highlights; falls back to the opening
/// of the text when the match was in the title only.
/// Bytes of text handed to the snippet generator at a time. Tokenising a whole article for
/// its snippet cost more than the search itself (CJK text becomes bigrams and trigrams), so
/// the generator sees only the first window that can contain a query term.
const SNIPPET_WINDOW: usize = 768;

/// Windows of about [`SNIPPET_WINDOW`] bytes covering `text`, each overlapping the previous
/// one by a quarter so that a passage across a boundary is whole in one of them; cut after a
/// line or sentence end where there is one.
fn snippet_windows(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + SNIPPET_WINDOW).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end < text.len() {
            let slice = &text[start..end];
            let mut half = slice.len() / 2;
            while !slice.is_char_boundary(half) {
                half += 1;
            }
            if let Some(cut) = slice[half..]
                .rfind(['\n', '。', '.', '!', '?', '！', '？'])
                .map(|i| half + i)
            {
                let ch = slice[cut..].chars().next().map_or(1, char::len_utf8);
                end = start + cut + ch;
            }
        }
        out.push(&text[start..end]);
        if end >= text.len() {
            break;
        }
        let mut next = end - (end - start) / 4;
        while !text.is_char_boundary(next) {
            next += 1;
        }
        start = next.max(start + 1);
    }
    out
}

/// Whether `window` may hold one of the query's index terms: they are folded, lower-cased
/// (ё as е) and, for words, stemmed, so a stem that is a prefix of the word is found as a
/// substring. A window that fails this test cannot give a highlight; one that passes may not.
fn may_contain(window: &str, terms: &[&str]) -> bool {
    let folded: String = entente_text::fold(window)
        .to_lowercase()
        .chars()
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect();
    terms.iter().any(|t| folded.contains(t))
}

fn render_snippet(
    generator: &tantivy::snippet::SnippetGenerator,
    terms: &[String],
    text: &str,
) -> String {
    let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
    let mut snippet = None;
    if text.len() > SNIPPET_WINDOW * 3 / 2 && !terms.is_empty() {
        for w in snippet_windows(text) {
            if may_contain(w, &terms) {
                let s = generator.snippet(w);
                if !s.highlighted().is_empty() {
                    snippet = Some(s);
                    break;
                }
            }
        }
    }
    // Short texts, and terms no window showed (stems that are not prefixes): the whole text.
    let snippet = snippet.unwrap_or_else(|| generator.snippet(text));
    let fragment = snippet.fragment();
    if fragment.is_empty() {
        let head: String = text.chars().take(160).collect();
        return escape(head.trim());
    }
    let mut ranges: Vec<std::ops::Range<usize>> = snippet.highlighted().to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            // Adjacent words of a phrase read better as one highlight.
            Some(last)
                if r.start <= last.end
                    || fragment
                        .get(last.end..r.start)
                        .is_some_and(|gap| gap.chars().all(char::is_whitespace)) =>
            {
                last.end = last.end.max(r.end)
            }
            _ => merged.push(r),
        }
    }
    let mut out = String::with_capacity(fragment.len() + 16);
    let mut pos = 0;
    for r in merged {
        let (Some(before), Some(hit)) = (fragment.get(pos..r.start), fragment.get(r.start..r.end))
        else {
            continue;
        };
        out.push_str(&escape(before));
        out.push_str("<b>");
        out.push_str(&escape(hit));
        out.push_str("</b>");
        pos = r.end;
    }
    out.push_str(&escape(fragment.get(pos..).unwrap_or("")));
    out.replace('\n', " ")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn snippet_windows_cover_the_text(parts in proptest::collection::vec(
            prop_oneof![
                Just("会談した。"), Just("talks. "), Just("переговоры!\n"), Just("김정은 "),
                Just("x"), Just("\n\n"), Just("習近平"), Just("🙂"),
            ],
            0..600,
        )) {
            let text: String = parts.concat();
            let ws = snippet_windows(&text);
            let mut covered = 0usize;
            for w in &ws {
                // Each window is a slice of the text (so on char boundaries)…
                let start = w.as_ptr() as usize - text.as_ptr() as usize;
                prop_assert!(start <= covered, "gap before byte {start}");
                prop_assert!(w.len() <= SNIPPET_WINDOW + 4);
                prop_assert!(!w.is_empty());
                covered = covered.max(start + w.len());
            }
            // …and together they cover it.
            prop_assert_eq!(covered, text.len());
        }
    }

    #[test]
    fn may_contain_folds_like_the_index() {
        assert!(may_contain("國家主席習近平", &["习近"]));
        assert!(may_contain("Партнёрство", &["партнерств"]));
        assert!(may_contain("PUTIN met", &["putin"]));
        assert!(!may_contain("Putin met", &["xi"]));
    }
}
