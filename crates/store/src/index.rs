//! The full-text index (tantivy) over source titles and texts.
//!
//! Analysis is `entente_text::tokenize`: CJK and Hangul character bigrams and trigrams,
//! variant folding (习近平 finds 習近平), Russian and English stemming. Queries are tokenised
//! in query mode: a CJK word of two or three characters is one term, a longer one a phrase of
//! trigrams that must occur contiguously, and one character becomes a prefix query (see
//! `rewrite`).

use std::ops::Bound;
use std::path::{Path, PathBuf};

use entente_core::{DateValue, NewSource, SourceId};
use entente_text::Mode;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager};
use tantivy::{Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term, doc};

use crate::StoreError;

/// Name of our analyzer in tantivy's tokenizer manager.
/// The text analyzer's name; a new name when tokens change (v2: CJK trigrams), so that an
/// index built with the old tokens is rebuilt (the schema differs).
const ANALYZER: &str = "entente_v2";
/// Sort value for undated sources (sorts last in newest-first order, excluded by date filters).
const NO_DATE: i64 = i64::MIN / 2;

/// Adapter from `entente_text::tokenize` to tantivy's pull-based token streams.
/// Token buffers are reused across documents to avoid one allocation per token.
#[derive(Clone)]
struct EntenteTokenizer {
    mode: Mode,
    tokens: Vec<Token>,
}

struct BufStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl TokenStream for BufStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for EntenteTokenizer {
    type TokenStream<'a> = BufStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BufStream<'a> {
        let mut n = 0;
        let tokens = &mut self.tokens;
        entente_text::tokenize(text, self.mode, &mut |t| {
            if n == tokens.len() {
                tokens.push(Token::default());
            }
            let slot = &mut tokens[n];
            slot.text.clear();
            slot.text.push_str(&t.text);
            slot.offset_from = t.start;
            slot.offset_to = t.end;
            slot.position = t.position;
            slot.position_length = 1;
            n += 1;
        });
        BufStream {
            tokens: &mut self.tokens[..n],
            next: 0,
        }
    }
}

fn analyzer(mode: Mode) -> TextAnalyzer {
    TextAnalyzer::from(EntenteTokenizer {
        mode,
        tokens: Vec::new(),
    })
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    seq: Field,
    title: Field,
    text: Field,
    lang: Field,
    outlet: Field,
    /// The outlet as stored, untokenised, for per-outlet counts (trends).
    outlet_key: Field,
    published: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let outlet_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        seq: b.add_i64_field("seq", INDEXED | FAST | STORED),
        title: b.add_text_field("title", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        lang: b.add_text_field("lang", STRING),
        outlet: b.add_text_field("outlet", outlet_opts),
        outlet_key: b.add_text_field("outlet_key", STRING | FAST),
        published: b.add_i64_field("published", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Sort order of search results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Relevance,
    NewestFirst,
    OldestFirst,
}

/// A search request.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Query text: words, "phrases", AND / OR / NOT, -word, parentheses, title:word.
    pub text: String,
    /// Language tags (`ja`, `ko`, `zh` for both scripts, `zh-Hant`, …); any of them.
    pub langs: Vec<String>,
    /// Outlet names (matched as phrases on the outlet field); any of them.
    pub outlets: Vec<String>,
    pub from: Option<DateValue>,
    pub to: Option<DateValue>,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
    /// Also count every match (costs a pass over all of them; top-k alone can skip most).
    pub count: bool,
}

/// One matching source.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: SourceId,
    /// BM25 score (0 when sorted by date).
    pub score: f32,
}

/// The hits of one page, the number of all matches, and the parsed query (for snippets).
pub(crate) struct Matches {
    pub hits: Vec<Hit>,
    /// Number of all matches, when counted.
    pub total: Option<usize>,
    pub query: Box<dyn Query>,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// The writer (a writable index only). Adding takes `&self` in tantivy; committing takes
    /// the writer alone, so it sits behind a mutex and the index is shared between threads.
    /// Taken on the first write, not at open: a writable data directory opened for work that
    /// never indexes (a trade import, an edit) leaves the lock to a running ingest.
    writer: std::sync::Mutex<Option<IndexWriter>>,
    writable: bool,
    fields: Fields,
    query_tokenizers: TokenizerManager,
    path: PathBuf,
}

impl SearchIndex {
    /// Opens or creates the index in `dir`. With `writable`, takes the writer lock.
    pub fn open(dir: &Path, writable: bool) -> Result<Self, StoreError> {
        let wrap = |e: tantivy::TantivyError| StoreError::from(e).at(dir);
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        let (schema, fields) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| wrap(tantivy::TantivyError::from(e)))?;
        let index = match Index::exists(&mmap).map_err(|e| wrap(e.into()))? {
            true => {
                let old = Index::open(mmap.clone()).map_err(wrap)?;
                if old.schema() == schema {
                    old
                } else if writable {
                    // An index from an older version: it is derived data, so rebuild it
                    // from the store (an empty index: the caller queues every source again).
                    drop(old);
                    clear_dir(dir)?;
                    Index::create(mmap, schema.clone(), Default::default()).map_err(wrap)?
                } else {
                    return Err(StoreError::Query {
                        query: String::new(),
                        message: format!(
                            "the search index in {} was built by an older version of entente; run `entente doctor` to rebuild it",
                            dir.display()
                        ),
                    });
                }
            }
            false => Index::create(mmap, schema.clone(), Default::default()).map_err(wrap)?,
        };
        index.tokenizers().register(ANALYZER, analyzer(Mode::Index));
        let query_tokenizers = TokenizerManager::default();
        query_tokenizers.register(ANALYZER, analyzer(Mode::Query));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(wrap)?;
        Ok(SearchIndex {
            index,
            reader,
            writer: std::sync::Mutex::new(None),
            writable,
            fields,
            query_tokenizers,
            path: dir.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the writer lock now (a run that is about to index: an ingest claims the index
    /// before it reads its inputs, so a second one is refused at once, not after storing).
    pub fn claim_writer(&self) -> Result<(), StoreError> {
        self.with_writer(|_| Ok(()))
    }

    /// Runs `f` on the writer. A panic while it was held leaves nothing half-done that a
    /// commit could publish (tantivy applies operations at commit), so the lock is reused.
    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() {
            if !self.writable {
                return Err(StoreError::Query {
                    query: String::new(),
                    message: "the search index was opened read-only".into(),
                });
            }
            let w = self.index.writer(128 * 1024 * 1024).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => StoreError::Busy(format!(
                    "another entente process is writing to {} (index lock held); wait for it to finish",
                    self.path.display()
                )),
                e => StoreError::from(e).at(&self.path),
            })?;
            *guard = Some(w);
        }
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(StoreError::Busy("the index writer is not available".into())),
        }
    }

    /// Adds (or replaces) one source. Not visible until [`commit`](Self::commit).
    pub fn add(&self, src: &NewSource, seq: i64) -> Result<(), StoreError> {
        let f = self.fields;
        let id = src.id.to_hex();
        let published = src.published.map(|p| p.epoch_days()).unwrap_or(NO_DATE);
        let mut document = doc!(
            f.id => id.clone(),
            f.seq => seq,
            f.text => src.text.clone(),
            f.lang => src.lang.tag().to_string(),
            f.published => published,
        );
        if let Some(t) = &src.title {
            document.add_text(f.title, t);
        }
        if let Some(o) = &src.outlet {
            document.add_text(f.outlet, o);
            document.add_text(f.outlet_key, o);
        }
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(f.id, &id));
            w.add_document(document)?;
            Ok(())
        })
    }

    /// Removes one source from the index.
    pub fn delete(&self, id: &SourceId) -> Result<(), StoreError> {
        let f = self.fields.id;
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(f, &id.to_hex()));
            Ok(())
        })
    }

    /// Commits what was added and deleted, and reloads the reader. (What the index holds is
    /// tracked by the store's outbox, not by the commit.)
    pub fn commit(&self) -> Result<(), StoreError> {
        self.with_writer(|w| Ok(w.commit()?))?;
        self.reader.reload()?;
        Ok(())
    }

    /// Waits for the writer's background segment merges to end and gives the writer up
    /// (after a bulk load, before measuring queries). The index stays readable.
    pub fn finish_merges(&self) -> Result<(), StoreError> {
        let taken = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(w) = taken {
            w.wait_merging_threads()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Discards uncommitted changes.
    pub fn rollback(&self) -> Result<(), StoreError> {
        self.with_writer(|w| Ok(w.rollback().map(|_| ())?))
    }

    /// Number of indexed documents (committed).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// (seq, id) of every committed document.
    pub fn all_ids(&self) -> Result<Vec<(i64, SourceId)>, StoreError> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64).map_err(|e| StoreError::Io {
                path: self.path.clone(),
                source: e,
            })?;
            let alive = segment.alive_bitset();
            for doc_id in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc_id)) {
                    continue;
                }
                let d: TantivyDocument = store.get(doc_id)?;
                let id = d.get_first(self.fields.id).and_then(|v| v.as_str());
                let seq = d.get_first(self.fields.seq).and_then(|v| v.as_i64());
                if let (Some(id), Some(seq)) = (id, seq) {
                    out.push((seq, id.parse()?));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn build_query(&self, q: &SearchQuery) -> Result<Box<dyn Query>, StoreError> {
        let f = self.fields;
        let text = entente_text::normalize(&q.text);
        let mut parser = QueryParser::new(
            self.index.schema(),
            vec![f.title, f.text],
            self.query_tokenizers.clone(),
        );
        parser.set_conjunction_by_default();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !text.trim().is_empty() {
            let user = parser.parse_query(&text).map_err(|e| StoreError::Query {
                query: q.text.clone(),
                message: e.to_string(),
            })?;
            clauses.push((Occur::Must, rewrite(user, &f)));
        }
        if !q.langs.is_empty() {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for l in &q.langs {
                let tags: Vec<String> = match l.to_ascii_lowercase().as_str() {
                    "zh" => vec!["zh-Hans".into(), "zh-Hant".into()],
                    _ => vec![l.parse::<entente_core::Lang>()?.tag().to_string()],
                };
                for tag in tags {
                    any.push((
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.lang, &tag),
                            IndexRecordOption::Basic,
                        )),
                    ));
                }
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if !q.outlets.is_empty() {
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut analyzer =
                self.index
                    .tokenizers()
                    .get("default")
                    .ok_or_else(|| StoreError::Query {
                        query: q.text.clone(),
                        message: "default tokenizer missing".into(),
                    })?;
            for o in &q.outlets {
                let mut terms = Vec::new();
                let mut stream = analyzer.token_stream(o);
                while let Some(t) = stream.next() {
                    terms.push(Term::from_field_text(f.outlet, &t.text));
                }
                let query: Box<dyn Query> = match terms.len() {
                    0 => continue,
                    1 => Box::new(TermQuery::new(terms.remove(0), IndexRecordOption::Basic)),
                    _ => Box::new(PhraseQuery::new(terms)),
                };
                any.push((Occur::Should, query));
            }
            if any.is_empty() {
                return Err(StoreError::Query {
                    query: q.outlets.join(","),
                    message: "the outlet filter has no words".into(),
                });
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if q.from.is_some() || q.to.is_some() {
            let lo = match q.from {
                Some(d) => Bound::Included(Term::from_field_i64(f.published, d.epoch_days())),
                None => Bound::Excluded(Term::from_field_i64(f.published, NO_DATE)),
            };
            let hi = match q.to {
                Some(d) => {
                    let end = DateValue::from_naive(d.end()).epoch_days();
                    Bound::Included(Term::from_field_i64(f.published, end))
                }
                None => Bound::Unbounded,
            };
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        if clauses.is_empty() {
            return Err(StoreError::Query {
                query: q.text.clone(),
                message: "empty query: give words to search for or a filter".into(),
            });
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// Runs a query; returns the hits of the requested page and the total number of matches.
    pub(crate) fn search(&self, q: &SearchQuery) -> Result<Matches, StoreError> {
        let query = self.build_query(q)?;
        let searcher = self.reader.searcher();
        let limit = q.limit.max(1);
        let collector = TopDocs::with_limit(limit).and_offset(q.offset);
        let addrs: Vec<(f32, tantivy::DocAddress)>;
        let mut total = None;
        match q.sort {
            SortOrder::Relevance => {
                // Equal scores in ingest order: without a tie-break their order would follow
                // the index's segment layout, which differs between two stores of the same
                // documents and changes when segments merge (a page could repeat or skip one).
                let top = collector.tweak_score(|segment: &tantivy::SegmentReader| {
                    let seq = segment.fast_fields().i64("seq").ok();
                    move |doc: tantivy::DocId, score: tantivy::Score| {
                        let seq = seq.as_ref().and_then(|c| c.first(doc)).unwrap_or(i64::MAX);
                        (score, std::cmp::Reverse(seq))
                    }
                });
                let found = if q.count {
                    let (t, n) = searcher.search(&*query, &(top, tantivy::collector::Count))?;
                    total = Some(n);
                    t
                } else {
                    searcher.search(&*query, &top)?
                };
                addrs = found.into_iter().map(|((s, _), a)| (s, a)).collect();
            }
            SortOrder::NewestFirst | SortOrder::OldestFirst => {
                let order = if q.sort == SortOrder::NewestFirst {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let top = collector.order_by_fast_field::<i64>("published", order);
                let found = if q.count {
                    let (t, n) = searcher.search(&*query, &(top, tantivy::collector::Count))?;
                    total = Some(n);
                    t
                } else {
                    searcher.search(&*query, &top)?
                };
                addrs = found.into_iter().map(|(_, a)| (0.0, a)).collect();
            }
        }
        let mut hits = Vec::with_capacity(addrs.len());
        for (score, addr) in addrs {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = d.get_first(self.fields.id).and_then(|v| v.as_str()) {
                hits.push(Hit {
                    id: id.parse()?,
                    score,
                });
            }
        }
        Ok(Matches { hits, total, query })
    }

    /// How many documents match `q` (every document with `None`) per publication month and
    /// outlet, read from fast fields: no stored document is loaded. The basis of trends
    /// (months roll up into quarters and years).
    pub fn month_outlet_counts(
        &self,
        q: Option<&SearchQuery>,
    ) -> Result<Vec<MonthCount>, StoreError> {
        let query: Box<dyn Query> = match q {
            Some(q) => self.build_query(q)?,
            None => Box::new(tantivy::query::AllQuery),
        };
        let searcher = self.reader.searcher();
        let counts = searcher.search(&*query, &MonthOutletCollector)?;
        let mut out: Vec<MonthCount> = counts
            .into_iter()
            .map(|((month, outlet), docs)| MonthCount {
                month: (month != NO_MONTH)
                    .then(|| {
                        chrono::NaiveDate::from_ymd_opt(
                            month.div_euclid(12) as i32,
                            month.rem_euclid(12) as u32 + 1,
                            1,
                        )
                    })
                    .flatten(),
                outlet,
                docs,
            })
            .collect();
        out.sort_by(|a, b| (a.month, &a.outlet).cmp(&(b.month, &b.outlet)));
        Ok(out)
    }

    /// A snippet generator for the text field of `query`.
    /// The words and bigrams `query` looks for in the text field, as indexed (folded,
    /// lower-cased, stemmed).
    pub(crate) fn text_terms(&self, query: &dyn Query) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == self.fields.text
                && let Some(t) = term.value().as_str()
                && !out.iter().any(|o| o == t)
            {
                out.push(t.to_string());
            }
        });
        out
    }

    pub(crate) fn snippets(
        &self,
        query: &dyn Query,
        max_chars: usize,
    ) -> Result<SnippetGenerator, StoreError> {
        let searcher = self.reader.searcher();
        let mut generator = SnippetGenerator::create(&searcher, query, self.fields.text)?;
        generator.set_max_num_chars(max_chars);
        Ok(generator)
    }
}

/// Weight of a match in the title against one in the text.
const TITLE_BOOST: f32 = 2.0;

/// Finishes a parsed user query: a single CJK or Hangul character, which the index holds only
/// inside bigrams and trigrams (and alone at the end of a run), becomes a prefix query over
/// the grams that start with it; matches in the title weigh [`TITLE_BOOST`] times more.
fn rewrite(q: Box<dyn Query>, f: &Fields) -> Box<dyn Query> {
    if let Some(b) = q.downcast_ref::<BooleanQuery>() {
        let clauses = b
            .clauses()
            .iter()
            .map(|(o, c)| (*o, rewrite(c.box_clone(), f)))
            .collect();
        let mut out = BooleanQuery::new(clauses);
        out.set_minimum_number_should_match(b.get_minimum_number_should_match());
        return Box::new(out);
    }
    let mut field = None;
    let mut out = q;
    if let Some(t) = out.downcast_ref::<TermQuery>() {
        let term = t.term();
        field = Some(term.field());
        if let Some(text) = term.value().as_str()
            && let mut chars = text.chars()
            && let (Some(c), None) = (chars.next(), chars.next())
            && entente_text::tokenize::is_gram_char(c)
            && let Ok(prefix) = tantivy::query::RegexQuery::from_pattern(
                &format!("{}.{{0,2}}", regex_syntax_escape(c)),
                term.field(),
            )
        {
            out = Box::new(prefix);
        }
    } else if let Some(p) = out.downcast_ref::<PhraseQuery>() {
        field = Some(p.field());
    }
    if field == Some(f.title) {
        out = Box::new(tantivy::query::BoostQuery::new(out, TITLE_BOOST));
    }
    out
}

/// A character as a regular expression that matches only itself.
fn regex_syntax_escape(c: char) -> String {
    if c.is_alphanumeric() {
        c.to_string()
    } else {
        format!("\\x{{{:x}}}", c as u32)
    }
}

/// Matching documents published in one month by one outlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCount {
    /// The first day of the month; `None` for undated sources.
    pub month: Option<chrono::NaiveDate>,
    pub outlet: Option<String>,
    pub docs: u64,
}

/// Month index (`year * 12 + month - 1`) of undated sources.
const NO_MONTH: i64 = i64::MIN;

type MonthOutletKey = (i64, Option<String>);

/// Counts matching documents per (publication month, outlet) from the fast fields. Each
/// segment counts into a dense table (months × outlets) and hands over a few hundred
/// totals, so the cost is one table increment per matching document.
struct MonthOutletCollector;

struct MonthOutletSegment {
    published: tantivy::columnar::Column<i64>,
    outlet: Option<tantivy::columnar::StrColumn>,
    /// Month index of each day of the segment's range, from `min_day`.
    month_of_day: Vec<i64>,
    min_day: i64,
    min_month: i64,
    /// Outlets + 1 (the last slot: no outlet).
    width: u64,
    /// `(month - min_month) * width + outlet`
    dense: Vec<u64>,
    /// Undated sources and anything outside the table, by (month, outlet ordinal).
    sparse: std::collections::HashMap<(i64, u64), u64>,
}

/// Longest day range a segment tabulates densely (about 270 years).
const DENSE_DAYS: i64 = 100_000;

fn month_index(epoch_days: i64) -> i64 {
    let d = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_signed(chrono::TimeDelta::days(epoch_days)));
    match d {
        Some(d) => {
            use chrono::Datelike;
            i64::from(d.year()) * 12 + i64::from(d.month0())
        }
        None => NO_MONTH,
    }
}

impl tantivy::collector::Collector for MonthOutletCollector {
    type Fruit = std::collections::HashMap<MonthOutletKey, u64>;
    type Child = MonthOutletSegment;

    fn for_segment(
        &self,
        _ord: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<MonthOutletSegment> {
        let ff = segment.fast_fields();
        let published = ff.i64("published")?;
        let outlet = ff.str("outlet_key")?;
        let width = outlet.as_ref().map_or(0, |c| c.num_terms() as u64) + 1;
        // Undated sources carry NO_DATE, far below every real day: start the table at the
        // first real day.
        let (mut min_day, max_day) = (published.min_value(), published.max_value());
        if min_day == NO_DATE {
            min_day = max_day.min(0);
        }
        let mut month_of_day = Vec::new();
        let mut dense = Vec::new();
        let mut min_month = 0;
        if max_day >= min_day && max_day - min_day < DENSE_DAYS && max_day != NO_DATE {
            month_of_day = (min_day..=max_day).map(month_index).collect();
            min_month = month_of_day.first().copied().unwrap_or(0);
            let months = month_of_day.last().copied().unwrap_or(0) - min_month + 1;
            dense = vec![0; (months as u64 * width) as usize];
        }
        Ok(MonthOutletSegment {
            published,
            outlet,
            month_of_day,
            min_day,
            min_month,
            width,
            dense,
            sparse: Default::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<std::collections::HashMap<MonthOutletKey, u64>>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut all = fruits.into_iter();
        let mut out = all.next().unwrap_or_default();
        for f in all {
            for (k, n) in f {
                *out.entry(k).or_default() += n;
            }
        }
        Ok(out)
    }
}

impl tantivy::collector::SegmentCollector for MonthOutletSegment {
    type Fruit = std::collections::HashMap<MonthOutletKey, u64>;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        let day = self.published.first(doc).unwrap_or(NO_DATE);
        let outlet = self
            .outlet
            .as_ref()
            .and_then(|c| c.term_ords(doc).next())
            .unwrap_or(self.width - 1);
        if day >= self.min_day
            && let Some(&m) = self.month_of_day.get((day - self.min_day) as usize)
        {
            let i = (m - self.min_month) as u64 * self.width + outlet;
            if let Some(slot) = self.dense.get_mut(i as usize) {
                *slot += 1;
                return;
            }
        }
        let month = if day == NO_DATE {
            NO_MONTH
        } else {
            month_index(day)
        };
        *self.sparse.entry((month, outlet)).or_default() += 1;
    }

    fn harvest(mut self) -> Self::Fruit {
        for (i, &n) in self.dense.iter().enumerate() {
            if n > 0 {
                let i = i as u64;
                let month = self.min_month + (i / self.width) as i64;
                *self.sparse.entry((month, i % self.width)).or_default() += n;
            }
        }
        let mut out = std::collections::HashMap::with_capacity(self.sparse.len());
        let mut name = String::new();
        for ((month, ord), n) in self.sparse {
            let outlet = match &self.outlet {
                Some(c) if ord != self.width - 1 => {
                    name.clear();
                    match c.ord_to_str(ord, &mut name) {
                        Ok(true) => Some(name.clone()),
                        _ => None,
                    }
                }
                _ => None,
            };
            *out.entry((month, outlet)).or_default() += n;
        }
        out
    }
}

/// Removes every file of a directory (an outdated index), keeping the directory.
fn clear_dir(dir: &Path) -> Result<(), StoreError> {
    let io = |e| StoreError::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).map_err(io)?;
        } else {
            std::fs::remove_file(&path).map_err(io)?;
        }
    }
    Ok(())
}
