//! The ingest pipeline: expand inputs, read and prepare documents on one thread, store
//! and index them on another, one transaction per document, and summarise.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

use entente_core::{Cancel, DateValue, Lang, NewSource, SourceId};
use entente_store::{PutOutcome, Repo, StoreError};
use serde::Serialize;

use crate::Format;
use crate::fetch::{FetchOptions, fetch};
use crate::readers::{self, RawDoc, ReadOptions};
use crate::{IngestError, dedupe};

/// One input as given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Url(String),
    Stdin,
    /// A page fetched already (by a watch, with its own politeness and retries), with what
    /// the feed that linked to it said of it.
    Fetched(Arc<FetchedPage>),
}

/// A fetched page given to the pipeline as an input; its `published` and `title` are used
/// when the page itself says none (a feed's `pubDate` for an article page without a date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedPage {
    pub url: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    pub published: Option<DateValue>,
    pub title: Option<String>,
}

impl Input {
    /// `-` is standard input; an address whose scheme is http or https (in any case, as
    /// RFC 3986 allows: `HTTPS://…` too) is a URL; anything else is a path.
    pub fn parse(s: &str) -> Input {
        let scheme = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        if s == "-" {
            Input::Stdin
        } else if scheme("http://") || scheme("https://") {
            Input::Url(s.to_string())
        } else {
            Input::Path(PathBuf::from(s))
        }
    }

    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Url(u) => u.clone(),
            Input::Stdin => "-".into(),
            Input::Fetched(p) => p.url.clone(),
        }
    }
}

/// Metadata given on the command line; it overrides what the documents say.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub outlet: Option<String>,
    pub lang: Option<Lang>,
    pub published: Option<DateValue>,
    pub url: Option<String>,
    pub title: Option<String>,
}

/// Everything that steers one ingest run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub read: ReadOptions,
    pub overrides: Overrides,
    /// Only files whose path (relative to a directory given) matches this glob.
    pub glob: Option<String>,
    /// Inputs larger than this are refused.
    pub max_bytes: u64,
    pub fetch: FetchOptions,
    /// Longest one document may take to read and prepare; past it the document is abandoned
    /// with the rest of its input, and the run goes on with the next input.
    pub time_budget: Duration,
    /// Looked at between documents: a cancelled run stops there, with what was stored kept.
    pub cancel: Cancel,
}

/// How often a waiting run looks whether it was cancelled.
const CANCEL_POLL: Duration = Duration::from_millis(200);

/// The per-document time budget unless configured: far above any real document (a 100 MB
/// text takes seconds), low enough that a hostile one cannot hold a run for long.
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_secs(120);

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            read: ReadOptions {
                map: Default::default(),
                format: None,
                encoding: None,
            },
            overrides: Overrides::default(),
            glob: None,
            max_bytes: readers::DEFAULT_MAX_BYTES,
            fetch: FetchOptions::default(),
            time_budget: DEFAULT_TIME_BUDGET,
            cancel: Cancel::new(),
        }
    }
}

/// What happened to one document.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Unchanged,
    NearDuplicate,
    Failed,
}

/// The outcome for one document (or one input that failed as a whole).
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ItemReport {
    pub origin: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SourceId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near_duplicate_of: Option<SourceId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Counts and the per-item reports of one run.
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default, schemars::JsonSchema)]
pub struct Summary {
    pub new: usize,
    pub unchanged: usize,
    pub near_duplicate: usize,
    pub failed: usize,
    pub items: Vec<ItemReport>,
    /// The run was cancelled before its end; the inputs not reported were not read.
    #[serde(default)]
    pub cancelled: bool,
}

impl Summary {
    pub fn failures(&self) -> impl Iterator<Item = &ItemReport> {
        self.items.iter().filter(|i| i.status == Status::Failed)
    }
}

/// Progress notifications for the caller's progress bar.
#[derive(Debug, Clone)]
pub enum Progress {
    /// Inputs found (after expanding directories) and their total size in bytes.
    Planned { inputs: usize, bytes: u64 },
    /// One input fully read (its size in bytes).
    InputDone { bytes: u64 },
    /// One document stored.
    Document,
}

/// Expands directories (recursively, filtered by `glob`) into files; URLs and stdin pass.
/// Directory entries are sorted so runs are reproducible. An entry that cannot be walked (a
/// dangling or looping symbolic link, an unreadable directory) is an `Err` in its place: it
/// fails alone and the rest of the directory is still read.
pub fn expand(
    inputs: &[Input],
    glob: Option<&str>,
) -> Result<Vec<Result<Input, IngestError>>, IngestError> {
    let matcher = match glob {
        Some(g) => Some(
            globset::GlobBuilder::new(g)
                .literal_separator(false)
                .build()
                .map_err(|e| IngestError::BadOption {
                    option: "--glob".into(),
                    message: e.to_string(),
                })?
                .compile_matcher(),
        ),
        None => None,
    };
    let mut out = Vec::new();
    for input in inputs {
        match input {
            Input::Path(p) if p.is_dir() => {
                let mut files = Vec::new();
                for entry in walkdir::WalkDir::new(p)
                    .follow_links(true)
                    .sort_by_file_name()
                {
                    let entry = match entry {
                        Ok(entry) => entry,
                        Err(e) => {
                            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                            let source = match e.loop_ancestor() {
                                Some(a) => std::io::Error::other(format!(
                                    "a symbolic link loop: it leads back to {}",
                                    a.display()
                                )),
                                None => e.into_io_error().unwrap_or_else(|| {
                                    std::io::Error::other("cannot be read as part of the directory")
                                }),
                            };
                            files.push(Err(IngestError::Io { path, source }));
                            continue;
                        }
                    };
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    let rel = entry.path().strip_prefix(p).unwrap_or(entry.path());
                    let hidden = rel
                        .components()
                        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
                    if hidden {
                        continue;
                    }
                    if let Some(m) = &matcher
                        && !m.is_match(rel)
                        && !m.is_match(entry.file_name())
                    {
                        continue;
                    }
                    files.push(Ok(Input::Path(entry.into_path())));
                }
                out.extend(files);
            }
            other => out.push(Ok(other.clone())),
        }
    }
    Ok(out)
}

/// Reads the bytes of one input, refusing inputs over `max_bytes`.
fn load(
    input: &Input,
    opts: &IngestOptions,
) -> Result<(Vec<u8>, Option<String>, String), IngestError> {
    let origin = input.name();
    match input {
        Input::Path(p) => {
            let io = |e| IngestError::Io {
                path: p.clone(),
                source: e,
            };
            let size = std::fs::metadata(p).map_err(io)?.len();
            if size > opts.max_bytes {
                return Err(IngestError::TooLarge {
                    origin,
                    size,
                    limit: opts.max_bytes,
                });
            }
            Ok((std::fs::read(p).map_err(io)?, None, origin))
        }
        Input::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(opts.max_bytes + 1)
                .read_to_end(&mut buf)
                .map_err(|e| IngestError::Io {
                    path: PathBuf::from("-"),
                    source: e,
                })?;
            if buf.len() as u64 > opts.max_bytes {
                return Err(IngestError::TooLarge {
                    origin,
                    size: buf.len() as u64,
                    limit: opts.max_bytes,
                });
            }
            Ok((buf, None, origin))
        }
        Input::Fetched(p) => {
            let size = p.bytes.len() as u64;
            if size > opts.max_bytes {
                return Err(IngestError::TooLarge {
                    origin,
                    size,
                    limit: opts.max_bytes,
                });
            }
            Ok((p.bytes.clone(), p.content_type.clone(), origin))
        }
        Input::Url(u) => {
            let mut fo = opts.fetch.clone();
            fo.max_bytes = fo.max_bytes.min(opts.max_bytes);
            let f = fetch(u, &fo)?;
            Ok((f.bytes, f.content_type, f.url))
        }
    }
}

/// Whether `text` holds nothing but character references a reader left unresolved
/// (`&lol9;` from an XML entity that was never defined) and white space: no words to store.
fn only_entity_references(text: &str) -> bool {
    let mut rest = text.trim();
    while let Some(r) = rest.strip_prefix('&') {
        let Some(end) = r.find(';') else {
            return false;
        };
        let name = &r[..end];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '#') {
            return false;
        }
        rest = r[end + 1..].trim_start();
    }
    rest.is_empty() && !text.trim().is_empty()
}

/// Turns a read document into a storable source: normalises, identifies the language,
/// applies the command-line overrides, and computes id and MinHash signature.
pub fn prepare(raw: RawDoc, ov: &Overrides) -> Result<NewSource, IngestError> {
    let outlet = ov.outlet.clone().or(raw.outlet.clone());
    let headline = match outlet.as_deref() {
        Some(o) => entente_text::outlets::bundled_profile(o)?.map(|p| p.headline),
        None => None,
    };
    let body = match headline {
        Some(h) => entente_text::outlets::text_with_headline(
            &raw.text,
            ov.title.as_deref().or(raw.title.as_deref()),
            h,
        ),
        None => raw.text.clone(),
    };
    let text = entente_text::normalize(&body);
    if text.is_empty() || only_entity_references(&text) {
        return Err(IngestError::NoText { origin: raw.origin });
    }
    let (detected, lang_spans) = entente_text::detect_spans(&text);
    let lang = ov.lang.clone().or(raw.lang).unwrap_or(detected);
    let (id, minhash) = dedupe::fingerprint(&text);
    let title = ov
        .title
        .clone()
        .or(raw.title)
        .map(|t| entente_text::normalize(&t))
        .filter(|t| !t.is_empty());
    Ok(NewSource {
        id,
        outlet,
        lang,
        lang_spans,
        published: ov.published.or(raw.published),
        url: ov.url.clone().or(raw.url),
        title,
        text,
        original_text: raw.text,
        encoding: raw.encoding,
        format: raw.format.name().to_string(),
        origin: raw.origin,
        minhash,
    })
}

/// Work items passed from the reading thread to the storing thread.
enum Work {
    /// The reader starts on input `index` (of the expanded list).
    InputStarted {
        index: usize,
        origin: String,
    },
    Doc(Box<NewSource>),
    Failed {
        origin: String,
        error: String,
    },
    InputDone {
        bytes: u64,
    },
}

/// Reads and prepares the inputs from `from` on, sending each document as it is ready; it
/// stops when the receiver is gone.
fn read_inputs(
    files: &[Result<Input, IngestError>],
    from: usize,
    opts: &IngestOptions,
    tx: &SyncSender<Work>,
) {
    for (index, input) in files.iter().enumerate().skip(from) {
        let origin = match input {
            Ok(i) => i.name(),
            Err(e) => e.origin().to_string(),
        };
        if tx.send(Work::InputStarted { index, origin }).is_err() {
            return;
        }
        let failed = |e: &IngestError| Work::Failed {
            origin: e.origin().to_string(),
            error: e.to_string(),
        };
        let loaded = match input {
            Ok(i) => load(i, opts),
            Err(e) => {
                if tx.send(failed(e)).is_err() {
                    return;
                }
                continue;
            }
        };
        let (bytes, content_type, origin) = match loaded {
            Ok(x) => x,
            Err(e) => {
                if tx.send(failed(&e)).is_err() {
                    return;
                }
                continue;
            }
        };
        let size = bytes.len() as u64;
        let fetched = matches!(input, Ok(Input::Url(_) | Input::Fetched(_)));
        let page = match input {
            Ok(Input::Fetched(p)) => Some(p.clone()),
            _ => None,
        };
        for doc in readers::read_iter(&origin, &bytes, content_type.as_deref(), &opts.read) {
            // A fetched page is at the address it was fetched from, unless it names its own
            // (canonical link); items of a fetched feed or dump keep theirs.
            let doc = doc.map(|mut d| {
                if fetched
                    && d.url.is_none()
                    && matches!(
                        d.format,
                        Format::Html | Format::Text | Format::Markdown | Format::Pdf
                    )
                {
                    d.url = Some(origin.clone());
                }
                if let Some(p) = &page {
                    d.published = d.published.or(p.published);
                    if d.title.is_none() {
                        d.title = p.title.clone();
                    }
                }
                d
            });
            let work = match doc.and_then(|d| prepare(d, &opts.overrides)) {
                Ok(src) => Work::Doc(Box::new(src)),
                Err(e) => failed(&e),
            };
            if tx.send(work).is_err() {
                return;
            }
        }
        if tx.send(Work::InputDone { bytes: size }).is_err() {
            return;
        }
    }
}

/// Where the supervised reader's work goes.
trait Sink {
    /// One work item, in the order the reader sent it.
    fn work(&mut self, work: Work) -> Result<(), IngestError>;
    /// Nothing more is waiting: a good moment to commit what was batched.
    fn idle(&mut self) -> Result<(), IngestError>;
}

/// Runs the reader (started by `spawn` from an input index) and passes its work to `sink`,
/// allowing each document `budget`: when the reader sends nothing for that long, the input
/// it is on is reported failed with [`IngestError::TimeBudget`], the stalled reader is
/// abandoned (its channel is dropped, so it ends at its next send; a thread cannot be
/// stopped from outside) and a new one goes on from the next input.
///
/// `cancel` is looked at every [`CANCEL_POLL`] and after each batch; the result says whether
/// the run was cancelled.
fn supervise(
    budget: Duration,
    cancel: &Cancel,
    spawn: &dyn Fn(usize, SyncSender<Work>) -> std::io::Result<()>,
    sink: &mut dyn Sink,
) -> Result<bool, IngestError> {
    let mut from = 0;
    loop {
        let (tx, rx) = mpsc::sync_channel::<Work>(256);
        spawn(from, tx).map_err(|e| IngestError::Io {
            path: PathBuf::from("<ingest reader thread>"),
            source: e,
        })?;
        // The input the reader is on, and how many documents it has given.
        let mut current: Option<(usize, String)> = None;
        let mut read = 0usize;
        let take = |w: Work,
                    sink: &mut dyn Sink,
                    current: &mut Option<(usize, String)>,
                    read: &mut usize|
         -> Result<(), IngestError> {
            match &w {
                Work::InputStarted { index, origin } => {
                    *current = Some((*index, origin.clone()));
                    *read = 0;
                }
                Work::Doc(_) | Work::Failed { .. } => *read += 1,
                Work::InputDone { .. } => {}
            }
            sink.work(w)
        };
        let mut last = Instant::now();
        loop {
            if cancel.is_cancelled() {
                sink.idle()?;
                return Ok(true);
            }
            let wait = budget.saturating_sub(last.elapsed()).min(CANCEL_POLL);
            match rx.recv_timeout(wait) {
                Ok(first) => {
                    take(first, sink, &mut current, &mut read)?;
                    // Whatever else is ready, without waiting, then commit it.
                    for _ in 1..STORE_BATCH {
                        match rx.try_recv() {
                            Ok(w) => take(w, sink, &mut current, &mut read)?,
                            Err(_) => break,
                        }
                    }
                    sink.idle()?;
                    // The reader's clock starts after the batch is stored: time spent storing
                    // is not its document's.
                    last = Instant::now();
                }
                Err(RecvTimeoutError::Disconnected) => {
                    sink.idle()?;
                    return Ok(false);
                }
                Err(RecvTimeoutError::Timeout) if last.elapsed() < budget => {}
                Err(RecvTimeoutError::Timeout) => {
                    sink.idle()?;
                    let (index, origin) = current.clone().unwrap_or((from, String::new()));
                    let e = IngestError::TimeBudget {
                        origin,
                        read,
                        limit_secs: budget.as_secs_f64(),
                    };
                    sink.work(Work::Failed {
                        origin: e.origin().to_string(),
                        error: e.to_string(),
                    })?;
                    sink.work(Work::InputDone { bytes: 0 })?;
                    sink.idle()?;
                    from = index + 1;
                    break;
                }
            }
        }
    }
}

/// Stores what the reader sends, in batches, and keeps the summary.
struct Storer<'a> {
    repo: &'a Repo,
    batch: Vec<NewSource>,
    summary: Summary,
    progress: &'a mut dyn FnMut(Progress),
}

impl Sink for Storer<'_> {
    fn work(&mut self, work: Work) -> Result<(), IngestError> {
        match work {
            Work::Doc(src) => {
                self.batch.push(*src);
                if self.batch.len() >= STORE_BATCH {
                    self.idle()?;
                }
            }
            Work::InputStarted { .. } => {}
            Work::Failed { origin, error } => {
                self.idle()?;
                self.summary.failed += 1;
                self.summary.items.push(ItemReport {
                    origin,
                    status: Status::Failed,
                    id: None,
                    near_duplicate_of: None,
                    encoding: None,
                    error: Some(error),
                });
            }
            Work::InputDone { bytes } => {
                self.idle()?;
                (self.progress)(Progress::InputDone { bytes });
            }
        }
        Ok(())
    }

    fn idle(&mut self) -> Result<(), IngestError> {
        store_batch(self.repo, &mut self.batch, &mut self.summary, self.progress)
    }
}

/// Ingests `inputs` into `repo`. Documents are read and prepared on a reader thread and
/// stored here in batches (one transaction per batch, one savepoint per document); a failing
/// document or input is reported and the run goes on, and so does a document that takes
/// longer than `opts.time_budget` (see [`supervise`]). Only store failures (disk full, a
/// corrupt database) stop the run, as an `Err`.
pub fn run(
    repo: &Repo,
    inputs: &[Input],
    opts: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, IngestError> {
    let files = expand(inputs, opts.glob.as_deref())?;
    let bytes: u64 = files
        .iter()
        .map(|i| match i {
            Ok(Input::Path(p)) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum();
    progress(Progress::Planned {
        inputs: files.len(),
        bytes,
    });
    // The reader owns what it reads: a reader abandoned over the budget may outlive the run.
    let files = Arc::new(files);
    let shared = Arc::new(opts.clone());
    let spawn = |from: usize, tx: SyncSender<Work>| -> std::io::Result<()> {
        let files = Arc::clone(&files);
        let opts = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("ingest-read".into())
            .spawn(move || read_inputs(&files, from, &opts, &tx))
            .map(|_| ())
    };
    let mut storer = Storer {
        repo,
        batch: Vec::with_capacity(STORE_BATCH),
        summary: Summary::default(),
        progress,
    };
    let result = supervise(opts.time_budget, &opts.cancel, &spawn, &mut storer);
    // Whatever was stored is committed to the index even if the run stopped early.
    let flushed = repo.flush();
    storer.summary.cancelled = result?;
    flushed?;
    Ok(storer.summary)
}

/// Most documents stored in one transaction.
const STORE_BATCH: usize = 64;

/// Stores the batched documents and records what happened to each; a store failure stops
/// the run (after the documents before it are committed).
fn store_batch(
    repo: &Repo,
    batch: &mut Vec<NewSource>,
    summary: &mut Summary,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), IngestError> {
    if batch.is_empty() {
        return Ok(());
    }
    let outcomes = repo.add_batch(batch)?;
    let mut first_error = None;
    for (src, outcome) in batch.drain(..).zip(outcomes) {
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        let mut item = ItemReport {
            origin: src.origin,
            status: Status::New,
            id: Some(src.id),
            near_duplicate_of: None,
            encoding: Some(src.encoding),
            error: None,
        };
        match outcome {
            PutOutcome::New { .. } => summary.new += 1,
            PutOutcome::Unchanged { .. } => {
                summary.unchanged += 1;
                item.status = Status::Unchanged;
            }
            PutOutcome::NearDuplicate { of, .. } => {
                summary.near_duplicate += 1;
                item.status = Status::NearDuplicate;
                item.near_duplicate_of = Some(of);
            }
        }
        summary.items.push(item);
        progress(Progress::Document);
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

impl From<StoreError> for IngestError {
    fn from(e: StoreError) -> Self {
        IngestError::Store(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what the supervisor passes on.
    #[derive(Default)]
    struct Record(Vec<String>);

    impl Sink for Record {
        fn work(&mut self, work: Work) -> Result<(), IngestError> {
            match work {
                Work::InputStarted { origin, .. } => self.0.push(format!("start {origin}")),
                Work::Failed { error, .. } => self.0.push(error),
                Work::InputDone { .. } => self.0.push("done".into()),
                Work::Doc(_) => self.0.push("doc".into()),
            }
            Ok(())
        }
        fn idle(&mut self) -> Result<(), IngestError> {
            Ok(())
        }
    }

    /// A reader stuck on a document (input b, after one good item) is given up after the
    /// budget; the inputs after it are still read by a new reader, and the one before is
    /// untouched. Without the budget the run would never end (the stuck reader waits on a
    /// channel nobody sends to).
    #[test]
    fn a_stalled_document_costs_its_input_not_the_run() {
        let (_never_tx, never_rx) = mpsc::channel::<()>();
        let never = std::sync::Arc::new(std::sync::Mutex::new(never_rx));
        let inputs = ["a", "b", "c"];
        let spawn = |from: usize, tx: SyncSender<Work>| -> std::io::Result<()> {
            let never = std::sync::Arc::clone(&never);
            std::thread::spawn(move || {
                for (index, name) in inputs.iter().enumerate().skip(from) {
                    let item = |n: u32| Work::Failed {
                        origin: name.to_string(),
                        error: format!("item {name}{n}"),
                    };
                    let _ = tx.send(Work::InputStarted {
                        index,
                        origin: name.to_string(),
                    });
                    let _ = tx.send(item(1));
                    if *name == "b" {
                        let _ = never.lock().map(|rx| rx.recv());
                        return;
                    }
                    let _ = tx.send(item(2));
                    let _ = tx.send(Work::InputDone { bytes: 1 });
                }
            });
            Ok(())
        };
        let mut record = Record::default();
        let cancelled = supervise(
            Duration::from_millis(300),
            &Cancel::new(),
            &spawn,
            &mut record,
        )
        .unwrap();
        assert!(!cancelled);
        let got = record.0;
        assert_eq!(
            got[..6],
            [
                "start a", "item a1", "item a2", "done", "start b", "item b1"
            ]
        );
        assert!(
            got[6].starts_with("b: a document took longer than the time budget of 0.3 s")
                && got[6].contains("(1 document(s) read before it were kept"),
            "{}",
            got[6]
        );
        assert_eq!(got[7..], ["done", "start c", "item c1", "item c2", "done"]);
    }

    /// Cancels after a number of items.
    struct CancelAfter {
        left: usize,
        seen: usize,
        cancel: Cancel,
    }

    impl Sink for CancelAfter {
        fn work(&mut self, _: Work) -> Result<(), IngestError> {
            self.seen += 1;
            self.left = self.left.saturating_sub(1);
            if self.left == 0 {
                self.cancel.cancel();
            }
            Ok(())
        }
        fn idle(&mut self) -> Result<(), IngestError> {
            Ok(())
        }
    }

    /// A cancelled run stops at the next boundary although its reader would go on for ever,
    /// and says it was cancelled; its reader ends at its next send.
    #[test]
    fn a_cancelled_run_stops_at_a_boundary() {
        let spawn = |_: usize, tx: SyncSender<Work>| -> std::io::Result<()> {
            std::thread::spawn(move || {
                let _ = tx.send(Work::InputStarted {
                    index: 0,
                    origin: "endless".into(),
                });
                for n in 0.. {
                    let item = Work::Failed {
                        origin: "endless".into(),
                        error: format!("{n}"),
                    };
                    if tx.send(item).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            });
            Ok(())
        };
        let cancel = Cancel::new();
        let mut sink = CancelAfter {
            left: 20,
            seen: 0,
            cancel: cancel.clone(),
        };
        let cancelled = supervise(Duration::from_secs(60), &cancel, &spawn, &mut sink).unwrap();
        assert!(cancelled);
        // It stops within the batch it was cancelled in.
        assert!((20..20 + STORE_BATCH).contains(&sink.seen), "{}", sink.seen);
    }

    #[test]
    fn url_schemes_are_recognised_in_any_case() {
        for u in ["http://a.org/x", "HTTPS://a.org/x", "Http://a.org"] {
            assert_eq!(Input::parse(u), Input::Url(u.to_string()), "{u}");
        }
        for p in ["httpx://a", "http:/a", "./http://a", "htt", "ftp://a.org"] {
            assert_eq!(Input::parse(p), Input::Path(PathBuf::from(p)), "{p}");
        }
        assert_eq!(Input::parse("-"), Input::Stdin);
    }

    #[test]
    fn text_of_unresolved_references_only_is_no_text() {
        assert!(only_entity_references("&lol9;"));
        assert!(only_entity_references(" &lol9; &lol8;\n&#x26; "));
        assert!(!only_entity_references("AT&T; rail"));
        assert!(!only_entity_references("&amp; talks held"));
        assert!(!only_entity_references(""));
        assert!(!only_entity_references("&broken"));
    }
}
