//! The ingest pipeline: expand inputs, read and prepare documents on one thread, store
//! and index them on another, one transaction per document, and summarise.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use entente_core::{DateValue, Lang, NewSource, SourceId};
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
}

impl Input {
    pub fn parse(s: &str) -> Input {
        if s == "-" {
            Input::Stdin
        } else if s.starts_with("http://") || s.starts_with("https://") {
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
}

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
        }
    }
}

/// What happened to one document.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Unchanged,
    NearDuplicate,
    Failed,
}

/// The outcome for one document (or one input that failed as a whole).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default)]
pub struct Summary {
    pub new: usize,
    pub unchanged: usize,
    pub near_duplicate: usize,
    pub failed: usize,
    pub items: Vec<ItemReport>,
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
    Doc(Box<NewSource>),
    Failed { origin: String, error: String },
    InputDone { bytes: u64 },
}

/// Ingests `inputs` into `repo`. Each document is stored in its own transaction; a failing
/// document or input is reported and the run goes on. Only store failures (disk full, a
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
    let mut summary = Summary::default();
    let (tx, rx) = mpsc::sync_channel::<Work>(256);
    let result = std::thread::scope(|scope| -> Result<(), IngestError> {
        let reader = std::thread::Builder::new().name("ingest-read".into());
        let spawned = reader.spawn_scoped(scope, move || {
            for input in &files {
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
                let fetched = matches!(input, Ok(Input::Url(_)));
                for doc in readers::read_iter(&origin, &bytes, content_type.as_deref(), &opts.read)
                {
                    // A fetched page is at the address it was fetched from, unless it names
                    // its own (canonical link); items of a fetched feed or dump keep theirs.
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
                        d
                    });
                    let work = match doc.and_then(|d| prepare(d, &opts.overrides)) {
                        Ok(src) => Work::Doc(Box::new(src)),
                        Err(e) => Work::Failed {
                            origin: e.origin().to_string(),
                            error: e.to_string(),
                        },
                    };
                    if tx.send(work).is_err() {
                        return;
                    }
                }
                if tx.send(Work::InputDone { bytes: size }).is_err() {
                    return;
                }
            }
        });
        if let Err(e) = spawned {
            return Err(IngestError::Io {
                path: PathBuf::from("<ingest reader thread>"),
                source: e,
            });
        }
        // Documents are stored in batches (one transaction, one savepoint per document):
        // a commit per document cost more than the document itself.
        let mut batch: Vec<NewSource> = Vec::with_capacity(STORE_BATCH);
        while let Ok(first) = rx.recv() {
            let mut works = vec![first];
            while works.len() < STORE_BATCH {
                match rx.try_recv() {
                    Ok(w) => works.push(w),
                    Err(_) => break,
                }
            }
            for work in works {
                match work {
                    Work::Doc(src) => batch.push(*src),
                    other => {
                        store_batch(repo, &mut batch, &mut summary, progress)?;
                        match other {
                            Work::Failed { origin, error } => {
                                summary.failed += 1;
                                summary.items.push(ItemReport {
                                    origin,
                                    status: Status::Failed,
                                    id: None,
                                    near_duplicate_of: None,
                                    encoding: None,
                                    error: Some(error),
                                });
                            }
                            Work::InputDone { bytes } => progress(Progress::InputDone { bytes }),
                            Work::Doc(_) => {}
                        }
                    }
                }
            }
            store_batch(repo, &mut batch, &mut summary, progress)?;
        }
        Ok(())
    });
    // Whatever was stored is committed to the index even if the run stopped early.
    let flushed = repo.flush();
    result?;
    flushed?;
    Ok(summary)
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
