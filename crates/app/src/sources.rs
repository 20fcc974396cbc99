//! Sources: ingest, listing, one source with its near-duplicates, full-text search, and the
//! data directory's health (`doctor`) and settings (`config.toml`).

use entente_core::{Cancel, DateValue, Lang, Source};
use entente_ingest::fetch::FetchPolicy;
use entente_ingest::pipeline::{self, IngestOptions, Input, Overrides};
use entente_ingest::{FieldMap, Format};
use entente_store::{ListQuery, SearchQuery, SearchResult, SortOrder, SourceSummary};
use serde::{Deserialize, Serialize};

pub use entente_ingest::pipeline::{Progress as IngestProgress, Summary as IngestSummary};

use crate::error::{Context as _, Result};
use crate::{App, AppError};

/// The data directory's settings file.
pub const CONFIG_FILE: &str = "config.toml";

/// What `entente init` writes when there is no `config.toml` yet.
pub const DEFAULT_CONFIG: &str = "\
# entente data directory settings
[ingest]
# Inputs larger than this many bytes are refused (override with --max-bytes).
max_bytes = 52428800
# Longest one document may take to read and prepare, in seconds; past it the document is
# abandoned with the rest of its input and the run goes on.
time_budget_secs = 120

[fetch]
# URLs are fetched from public addresses only. Hosts, addresses or networks (CIDR) listed
# here may be fetched although they are loopback, private or link-local, e.g.
# allow = [\"wiki.intranet.example\", \"10.20.0.0/16\"]
allow = []

[watch]
# Watched sources (`entente watch`): seconds between two requests to one site (longer when
# its robots.txt asks for a Crawl-delay), items fetched per poll at most (the rest wait for
# the next poll), tries again after a failed request and the wait before the first of them
# (doubled each time), the size cap of one page and the time one request may take.
delay_secs = 1.0
max_items = 30
retries = 2
retry_secs = 2.0
max_bytes = 10485760
timeout_secs = 30.0
";

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(default)]
    ingest: IngestConfig,
    #[serde(default)]
    fetch: FetchConfig,
    #[serde(default)]
    watch: WatchConfig,
}

/// `[watch]`: how watched sources are polled.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct WatchConfig {
    delay_secs: Option<f64>,
    max_items: Option<usize>,
    retries: Option<u32>,
    retry_secs: Option<f64>,
    max_bytes: Option<u64>,
    timeout_secs: Option<f64>,
}

/// `config.toml` as the app uses it: read, parsed and checked.
#[derive(Default)]
pub(crate) struct Settings {
    max_bytes: Option<u64>,
    pub(crate) time_budget: Option<std::time::Duration>,
    pub(crate) fetch: FetchPolicy,
    pub(crate) watch: crate::watch::WatchSettings,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FetchConfig {
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct IngestConfig {
    max_bytes: Option<u64>,
    time_budget_secs: Option<f64>,
}

/// What to ingest and how to read it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IngestRequest {
    /// Files, directories (recursive), http(s) URLs, or `-` for standard input.
    pub inputs: Vec<String>,
    /// Only files matching this glob inside directories.
    pub glob: Option<String>,
    /// Field mapping for JSON / JSON Lines: `title=headline,published=date_str,text=story`.
    pub map: Option<String>,
    /// The input format instead of sniffing it: text, markdown, html, json, jsonl, rss, atom,
    /// pdf.
    pub format: Option<String>,
    /// The encoding (WHATWG label) instead of detecting it.
    pub encoding: Option<String>,
    /// Metadata for every document, over what the documents say.
    pub outlet: Option<String>,
    pub lang: Option<Lang>,
    pub published: Option<DateValue>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// Refuse inputs larger than this (default: `config.toml`, else 50 MB).
    pub max_bytes: Option<u64>,
}

/// Whether ingest reads `input` as a URL to fetch (http or https, any case) — the same
/// decision the pipeline makes, for a front end that must take URLs and nothing else.
pub fn is_url_input(input: &str) -> bool {
    matches!(Input::parse(input), Input::Url(_))
}

impl IngestRequest {
    /// The pipeline's options for this request (without the data directory's settings);
    /// checks every field, so a front end can refuse a bad request before opening anything.
    pub fn options(&self) -> Result<IngestOptions> {
        let req = self;
        if req.inputs.is_empty() {
            return Err(AppError::invalid(
                "`inputs`: name at least one file, directory or URL",
            ));
        }
        let mut opts = IngestOptions::default();
        if let Some(m) = &req.map {
            opts.read.map =
                FieldMap::parse(m).map_err(|e| AppError::invalid(format!("`map`: {e}")))?;
        }
        opts.read.format = req.format.as_deref().map(format).transpose()?;
        opts.read.encoding = req.encoding.clone();
        opts.glob = req.glob.clone();
        opts.overrides = Overrides {
            outlet: req.outlet.clone(),
            lang: req.lang.clone(),
            published: req.published,
            url: req.url.clone(),
            title: req.title.clone(),
        };
        Ok(opts)
    }
}

fn format(s: &str) -> Result<Format> {
    Ok(match s {
        "text" => Format::Text,
        "markdown" => Format::Markdown,
        "html" => Format::Html,
        "json" => Format::Json,
        "jsonl" => Format::Jsonl,
        "rss" => Format::Rss,
        "atom" => Format::Atom,
        "pdf" => Format::Pdf,
        other => {
            return Err(AppError::invalid(format!(
                "`format`: `{other}` is not one of text, markdown, html, json, jsonl, rss, atom, pdf"
            )));
        }
    })
}

/// Which sources to list, in the order they were ingested.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SourceQuery {
    /// Outlets whose name contains this (case-insensitive).
    pub outlet: Option<String>,
    /// A language (prefix match: `zh` gives both scripts).
    pub lang: Option<String>,
    pub limit: Option<usize>,
    pub offset: usize,
    /// Only sources after the one with this `seq` (keyset paging; `seq` is in every row).
    pub after: Option<i64>,
}

/// One source with where it was seen and its near-duplicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SourceDetail {
    #[serde(flatten)]
    pub source: Source,
    pub origins: Vec<String>,
    pub near_duplicates: Vec<SourceSummary>,
}

/// The order of search results.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first.
    Date,
    /// Oldest first.
    DateAsc,
}

/// A full-text search: the query language of `entente search` and its filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SearchRequest {
    /// Words, "exact phrases", AND / OR / NOT, -word, (groups), title:word.
    pub query: String,
    pub langs: Vec<String>,
    pub outlets: Vec<String>,
    pub from: Option<DateValue>,
    pub to: Option<DateValue>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    /// Count every match (costs a pass over all of them).
    pub count: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            langs: Vec::new(),
            outlets: Vec::new(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            count: true,
        }
    }
}

/// One page of search results.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SearchPage {
    pub results: Vec<SearchResult>,
    /// All matches, when counted.
    pub total: Option<usize>,
    /// Stored sources not in the index yet (an ingest is running or was interrupted).
    pub not_indexed: i64,
}

impl App {
    /// The data directory's `config.toml`, read and checked once (defaults when there is
    /// none); errors name the file and the field.
    pub(crate) fn settings(&self) -> Result<Settings> {
        let path = self.dir.join(CONFIG_FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(Settings::default());
        };
        let config: Config = toml::from_str(&text).map_err(|e| {
            AppError::invalid(format!(
                "reading {}: {}",
                path.display(),
                e.to_string().trim_end()
            ))
        })?;
        let fetch = FetchPolicy::parse(&config.fetch.allow)
            .map_err(|e| AppError::invalid(format!("reading {}: [fetch] {e}", path.display())))?;
        let time_budget = match config.ingest.time_budget_secs {
            None => None,
            Some(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => {
                Some(std::time::Duration::from_secs_f64(s))
            }
            Some(s) => {
                return Err(AppError::invalid(format!(
                    "reading {}: [ingest] time_budget_secs = {s}: expected a number of seconds above 0 and at most 86400",
                    path.display()
                )));
            }
        };
        let secs = |field: &str, v: Option<f64>, min: f64, max: f64, default: f64| match v {
            None => Ok(std::time::Duration::from_secs_f64(default)),
            Some(s) if s.is_finite() && s >= min && s <= max => {
                Ok(std::time::Duration::from_secs_f64(s))
            }
            Some(s) => Err(AppError::invalid(format!(
                "reading {}: [watch] {field} = {s}: expected a number of seconds from {min} to {max}",
                path.display()
            ))),
        };
        let d = crate::watch::WatchSettings::default();
        let w = &config.watch;
        let watch = crate::watch::WatchSettings {
            delay: secs(
                "delay_secs",
                w.delay_secs,
                0.0,
                3600.0,
                d.delay.as_secs_f64(),
            )?,
            max_items: match w.max_items {
                Some(0) => {
                    return Err(AppError::invalid(format!(
                        "reading {}: [watch] max_items = 0: expected at least 1",
                        path.display()
                    )));
                }
                Some(n) => n,
                None => d.max_items,
            },
            retries: w.retries.unwrap_or(d.retries).min(10),
            retry_wait: secs(
                "retry_secs",
                w.retry_secs,
                0.0,
                3600.0,
                d.retry_wait.as_secs_f64(),
            )?,
            max_bytes: w.max_bytes.unwrap_or(d.max_bytes),
            timeout: secs(
                "timeout_secs",
                w.timeout_secs,
                0.1,
                3600.0,
                d.timeout.as_secs_f64(),
            )?,
        };
        Ok(Settings {
            max_bytes: config.ingest.max_bytes,
            time_budget,
            fetch,
            watch,
        })
    }

    /// `max_bytes` from the data directory's `config.toml`, if set; errors name the file.
    pub fn configured_max_bytes(&self) -> Result<Option<u64>> {
        Ok(self.settings()?.max_bytes)
    }

    /// Which non-public hosts URLs may be fetched from (`[fetch] allow` in `config.toml`).
    pub fn fetch_policy(&self) -> Result<FetchPolicy> {
        Ok(self.settings()?.fetch)
    }

    /// Creates `config.toml` with the defaults when there is none; the counts of sources and
    /// indexed documents.
    pub fn init(&self) -> Result<(u64, u64)> {
        let repo = self.writable()?;
        let config = self.dir.join(CONFIG_FILE);
        if !config.exists() {
            std::fs::write(&config, DEFAULT_CONFIG)
                .map_err(|e| AppError::internal(format!("writing {}: {e}", config.display())))?;
        }
        Ok((repo.store().count_sources()?, repo.index().num_docs()))
    }

    /// Ingests files, directories, URLs or standard input; one failed item never stops the
    /// others (its error is in the summary).
    pub fn ingest(
        &self,
        req: &IngestRequest,
        progress: &mut dyn FnMut(IngestProgress),
    ) -> Result<IngestSummary> {
        self.ingest_cancellable(req, &Cancel::new(), progress)
    }

    /// [`App::ingest`] that stops between documents once `cancel` is raised (the summary
    /// says `cancelled`; what was stored stays).
    pub fn ingest_cancellable(
        &self,
        req: &IngestRequest,
        cancel: &Cancel,
        progress: &mut dyn FnMut(IngestProgress),
    ) -> Result<IngestSummary> {
        let mut opts = req.options()?;
        opts.cancel = cancel.clone();
        let settings = self.settings()?;
        if let Some(m) = req.max_bytes.or(settings.max_bytes) {
            opts.max_bytes = m;
        }
        opts.fetch.policy = settings.fetch;
        if let Some(b) = settings.time_budget {
            opts.time_budget = b;
        }
        if req.inputs.is_empty() {
            return Err(AppError::invalid(
                "`inputs`: name at least one file, directory or URL",
            ));
        }
        let inputs: Vec<Input> = req.inputs.iter().map(|s| Input::parse(s)).collect();
        let repo = self.writable()?;
        // Refused at once, before any input is read, while another process indexes.
        repo.claim_index()?;
        Ok(pipeline::run(repo, &inputs, &opts, progress)?)
    }

    /// Sources in the order they were ingested.
    pub fn sources(&self, q: &SourceQuery) -> Result<Vec<SourceSummary>> {
        let repo = self.repo()?;
        Ok(repo.store().list_sources(&ListQuery {
            outlet: q.outlet.clone(),
            lang: q.lang.clone(),
            limit: q.limit,
            offset: q.offset,
            after: q.after,
        })?)
    }

    /// One source by id or a unique prefix of at least 4 characters.
    pub fn source(&self, id: &str) -> Result<SourceDetail> {
        let repo = self.repo()?;
        let id = repo.store().resolve_id(id)?;
        let source = repo
            .store()
            .get_source(&id)?
            .with_context(|| format!("no source with id {id}"))?;
        Ok(SourceDetail {
            origins: repo.store().origins(&id)?,
            near_duplicates: repo.near_duplicates(&id)?,
            source,
        })
    }

    /// A page of full-text search results with snippets.
    pub fn search(&self, r: &SearchRequest) -> Result<SearchPage> {
        let repo = self.repo()?;
        let not_indexed = repo.index_lag()?;
        let q = SearchQuery {
            text: r.query.clone(),
            langs: r.langs.clone(),
            outlets: r.outlets.clone(),
            from: r.from,
            to: r.to,
            sort: match r.sort {
                Sort::Relevance => SortOrder::Relevance,
                Sort::Date => SortOrder::NewestFirst,
                Sort::DateAsc => SortOrder::OldestFirst,
            },
            limit: r.limit,
            offset: r.offset,
            count: r.count,
        };
        let (results, total) = repo.search(&q)?;
        Ok(SearchPage {
            results,
            total,
            not_indexed,
        })
    }

    /// Checks that the store and the search index agree, and that the trade store's
    /// manifest and Parquet parts agree; with `repair` (a writable app), brings the index in
    /// line and mends the trade store (see [`entente_trade::TradeStore::repair`]).
    pub fn doctor(&self, repair: bool) -> Result<DoctorReport> {
        let store = if repair {
            self.writable()?.doctor(true)?
        } else {
            self.repo()?.check()?
        };
        let trade = if self.data_dir().join("trade").is_dir() {
            let t = self.trade()?;
            Some(if repair { t.repair()? } else { t.check()? })
        } else {
            None
        };
        let writer_running = !repair && index_writer_running(self.data_dir());
        Ok(DoctorReport {
            store,
            trade,
            writer_running,
        })
    }
}

/// What `doctor` found: the knowledge base and its index, and the trade store (when the
/// data directory has one). The knowledge base's fields come first, flattened, as before.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct DoctorReport {
    #[serde(flatten)]
    pub store: entente_store::DoctorReport,
    pub trade: Option<entente_trade::TradeCheck>,
    /// Another process (an ingest, an extraction, a server) holds the index writer: documents
    /// waiting for the index or missing from it are its work in progress, not damage.
    pub writer_running: bool,
}

/// Whether another process holds the search index's writer lock (tantivy's lock file).
fn index_writer_running(dir: &std::path::Path) -> bool {
    let lock = dir
        .join(entente_store::Repo::INDEX_DIR)
        .join(".tantivy-writer.lock");
    match std::fs::File::open(&lock) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

impl DoctorReport {
    /// Nothing is wrong (a repair may have made it so: see [`DoctorReport::repaired`]).
    pub fn healthy(&self) -> bool {
        let store = if self.writer_running {
            // The index lags behind a running writer; the record itself must be sound.
            self.store.store_problems.is_empty()
        } else {
            self.store.healthy()
        };
        store && self.trade.as_ref().is_none_or(|t| t.healthy())
    }

    /// Whatever was wrong has been repaired.
    pub fn repaired(&self) -> bool {
        (self.store.healthy() || self.store.repaired)
            && self.store.store_problems.is_empty()
            && self
                .trade
                .as_ref()
                .is_none_or(|t| t.healthy() || t.repaired)
    }
}
