//! Background jobs: a request (ingest, extraction, trade import) stored before it runs, run later by a
//! server's worker, its progress, failed items and result written as it goes. A job is
//! idempotent work (ingest and extraction store each thing once), so a job interrupted by a
//! crash is run again whole by [`App::retry_job`], and one whose items partly failed can be
//! run again on its failed items alone.
//!
//! States: `queued` → `running` → `done` | `failed` | `cancelled` | `interrupted`. A queued
//! job is cancelled at once; a running one stops at its next boundary (between documents or
//! sources), keeping what it stored. A server shutting down stops its running job the same
//! way and marks it `interrupted`, so a retry resumes it (what was stored is `unchanged`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use entente_core::Cancel;
use entente_store::jobs::{JobItem, JobRow};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, ExtractRequest, IngestRequest, Permission, Principal, TradeImport};

type Result<T> = std::result::Result<T, AppError>;

/// What a job does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "request", rename_all = "snake_case")]
pub enum JobRequest {
    Ingest(Box<IngestRequest>),
    Extract(ExtractRequest),
    /// Customs files into the trade store (a server's are uploads it keeps).
    TradeImport(TradeImport),
    /// One poll of a watched source.
    Watch(WatchJob),
}

/// The watch a `watch` job polls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchJob {
    pub watch: String,
}

impl JobRequest {
    fn kind(&self) -> &'static str {
        match self {
            JobRequest::Ingest(_) => "ingest",
            JobRequest::Extract(_) => "extract",
            JobRequest::TradeImport(_) => "trade_import",
            JobRequest::Watch(_) => "watch",
        }
    }
}

/// A job as shown: its state (`queued`, `running`, `done`, `failed`, `cancelled`,
/// `interrupted`), progress
/// (`done` of `total` units: documents for an ingest, sources for an extraction), the items
/// that failed, and the result once finished.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JobView {
    #[serde(flatten)]
    pub job: JobRow,
    /// Items that failed (with the whole job shown; empty in lists).
    pub failed: Vec<JobItem>,
}

/// A job running in this process: what stops it, and whether it is stopped by a shutdown
/// (then it ends `interrupted`, else `cancelled`).
#[derive(Clone, Default)]
pub(crate) struct Running {
    cancel: Cancel,
    shutdown: Arc<AtomicBool>,
}

/// Takes a job off the running list however its run ends.
struct Unregister<'a> {
    app: &'a App,
    id: &'a str,
}

impl Drop for Unregister<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.app.running.lock() {
            running.remove(self.id);
        }
    }
}

/// The input a failed item came from: its origin without the record it names
/// (`dump.jsonl#line=7` → `dump.jsonl`).
fn input_of(origin: &str) -> &str {
    match origin.rsplit_once('#') {
        Some((input, rec)) if rec.starts_with("line=") || rec.starts_with("item=") => input,
        _ => origin,
    }
}

/// Progress is written at most this often (each write is a transaction).
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn new_id() -> Result<String> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b)
        .map_err(|e| AppError::internal(format!("no randomness from the system: {e}")))?;
    Ok(format!("job-{}", hex::encode(b)))
}

impl App {
    pub(crate) fn job_store(&self) -> Result<&dyn entente_store::jobs::Jobs> {
        let store: &dyn entente_store::Store = self.repo()?.store();
        Ok(store)
    }

    /// Stores a job to run later; the request is checked now (a bad one is never queued).
    pub fn submit_job(&self, by: &Principal, req: &JobRequest) -> Result<JobView> {
        by.require(Permission::Write)?;
        self.check_writable()?;
        match req {
            JobRequest::Ingest(r) => {
                r.options()?;
            }
            JobRequest::TradeImport(t) if t.files.is_empty() => {
                return Err(AppError::invalid("`files`: name at least one file"));
            }
            JobRequest::Watch(w) => {
                by.require(Permission::Admin)?;
                if self.watch_store()?.watch(&w.watch)?.is_none() {
                    return Err(AppError::not_found(format!("no watch {}", w.watch)));
                }
            }
            _ => {}
        }
        self.queue_job(&by.user, req)
    }

    /// Stores a checked request as a queued job created by `by`.
    pub(crate) fn queue_job(&self, by: &str, req: &JobRequest) -> Result<JobView> {
        let row = JobRow {
            id: new_id()?,
            kind: req.kind().into(),
            state: "queued".into(),
            created_by: by.to_string(),
            created: now(),
            started: None,
            finished: None,
            request: serde_json::to_value(req)
                .map_err(|e| AppError::internal(format!("job request: {e}")))?,
            done: 0,
            total: 0,
            summary: None,
            error: None,
        };
        self.job_store()?.add_job(&row)?;
        Ok(JobView {
            job: row,
            failed: vec![],
        })
    }

    /// A job with its failed items.
    pub fn job(&self, id: &str) -> Result<JobView> {
        let s = self.job_store()?;
        let job = s
            .job(id)?
            .ok_or_else(|| AppError::not_found(format!("no job {id}")))?;
        Ok(JobView {
            failed: s.job_items(id)?,
            job,
        })
    }

    /// Jobs created before `before` (a `created` time from the previous page), newest first.
    pub fn jobs(&self, before: Option<&str>, limit: usize) -> Result<Vec<JobView>> {
        Ok(self
            .job_store()?
            .jobs(before, limit.clamp(1, 1000))?
            .into_iter()
            .map(|job| JobView {
                job,
                failed: vec![],
            })
            .collect())
    }

    /// Marks jobs left queued or running by a stopped server as interrupted (call once, when a
    /// server starts). Returns how many.
    pub fn interrupt_unfinished_jobs(&self) -> Result<u64> {
        self.check_writable()?;
        Ok(self.job_store()?.interrupt_unfinished(&now())?)
    }

    /// Queues a stopped job's request again, as a new job: the whole request, or with
    /// `only_failed` the inputs (ingest) or sources (extraction) whose items failed.
    pub fn retry_job(&self, by: &Principal, id: &str, only_failed: bool) -> Result<JobView> {
        let old = self.job(id)?;
        if matches!(old.job.state.as_str(), "queued" | "running") {
            return Err(AppError::new(
                crate::ErrorKind::WrongState,
                format!(
                    "job {id} is {}; retry it once it has stopped",
                    old.job.state
                ),
            ));
        }
        let mut req: JobRequest = serde_json::from_value(old.job.request.clone())
            .map_err(|e| AppError::internal(format!("stored request of job {id}: {e}")))?;
        if only_failed {
            if old.failed.is_empty() {
                return Err(AppError::invalid(format!(
                    "job {id} has no failed items to retry"
                )));
            }
            let mut items: Vec<String> = Vec::new();
            for f in &old.failed {
                let item = match req {
                    JobRequest::Ingest(_) => input_of(&f.item),
                    JobRequest::Extract(_) | JobRequest::TradeImport(_) | JobRequest::Watch(_) => {
                        f.item.as_str()
                    }
                };
                if !items.iter().any(|i| i == item) {
                    items.push(item.to_string());
                }
            }
            match &mut req {
                JobRequest::Ingest(r) => r.inputs = items,
                JobRequest::Extract(r) => {
                    r.all = false;
                    r.sources = items;
                }
                JobRequest::TradeImport(t) => t.files = items.into_iter().map(Into::into).collect(),
                // A poll takes up again every item it has not taken in: the failed ones.
                JobRequest::Watch(_) => {}
            }
        }
        self.submit_job(by, &req)
    }

    /// Cancels a job: a queued one at once (`cancelled`), a running one at its next boundary
    /// (it ends `cancelled`, keeping what it stored). A job that has stopped is a conflict.
    pub fn cancel_job(&self, by: &Principal, id: &str) -> Result<JobView> {
        by.require(Permission::Write)?;
        self.check_writable()?;
        let running = self
            .running
            .lock()
            .map_err(|_| AppError::internal("the running-jobs list is poisoned"))?;
        if let Some(r) = running.get(id) {
            r.cancel.cancel();
            drop(running);
            return self.job(id);
        }
        let s = self.job_store()?;
        let mut job = s
            .job(id)?
            .ok_or_else(|| AppError::not_found(format!("no job {id}")))?;
        match job.state.as_str() {
            "queued" => {
                job.state = "cancelled".into();
                job.finished = Some(now());
                s.update_job(&job)?;
                drop(running);
                self.job(id)
            }
            "running" => Err(AppError::new(
                crate::ErrorKind::WrongState,
                format!("job {id} is running in another process; cancel it there"),
            )),
            other => Err(AppError::new(
                crate::ErrorKind::WrongState,
                format!("job {id} is {other}; only a queued or running job can be cancelled"),
            )),
        }
    }

    /// Stops every job this process is running at its next boundary, marking each
    /// `interrupted` (a server shutting down), and lets no other job start; returns how many
    /// were running. [`App::wait_for_running_jobs`] waits for them to record their state.
    pub fn interrupt_running_jobs(&self) -> usize {
        let Ok(running) = self.running.lock() else {
            return 0;
        };
        self.stopping.store(true, Ordering::SeqCst);
        for r in running.values() {
            r.shutdown.store(true, Ordering::SeqCst);
            r.cancel.cancel();
        }
        running.len()
    }

    /// Waits until no job runs in this process (each has written its final state), at most
    /// `timeout`; whether none is left.
    pub fn wait_for_running_jobs(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let idle = self.running.lock().map(|r| r.is_empty()).unwrap_or(true);
            if idle {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs a queued job to its end on this thread, writing progress, failed items and the
    /// result as it goes. A failure of the job as a whole is recorded in it, not returned;
    /// the error is for a job that cannot be run at all (unknown, not queued).
    pub fn run_job(&self, id: &str) -> Result<JobView> {
        let s = self.job_store()?;
        // Checked and marked running under the running list's lock, so a cancel cannot fall
        // between the two.
        let mut running = self
            .running
            .lock()
            .map_err(|_| AppError::internal("the running-jobs list is poisoned"))?;
        let mut job = s
            .job(id)?
            .ok_or_else(|| AppError::not_found(format!("no job {id}")))?;
        if job.state != "queued" {
            return Err(AppError::invalid(format!(
                "job {id} is {}, not queued",
                job.state
            )));
        }
        if self.stopping.load(Ordering::SeqCst) {
            return Err(AppError::new(
                crate::ErrorKind::Busy,
                format!("job {id} stays queued: the server is stopping"),
            ));
        }
        let req: JobRequest = serde_json::from_value(job.request.clone())
            .map_err(|e| AppError::internal(format!("stored request of job {id}: {e}")))?;
        job.state = "running".into();
        job.started = Some(now());
        s.update_job(&job)?;
        let stop = Running::default();
        running.insert(id.to_string(), stop.clone());
        drop(running);
        let _unregister = Unregister { app: self, id };
        let mut last = Instant::now();
        let mut progress = |job: &mut JobRow, done: u64, total: u64| {
            job.done = done;
            job.total = total.max(done);
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                // Progress is advisory: a failed write of it does not stop the work.
                if let Err(e) = s.update_job(job) {
                    tracing::warn!("job {}: progress not recorded: {e}", job.id);
                }
            }
        };
        let mut cancelled = false;
        let outcome: Result<(serde_json::Value, Vec<JobItem>)> = match &req {
            JobRequest::Ingest(r) => {
                let mut docs = 0u64;
                let mut planned = 0u64;
                let r = self.ingest_cancellable(r, &stop.cancel, &mut |p| {
                    match p {
                        crate::IngestProgress::Planned { inputs, .. } => planned = inputs as u64,
                        crate::IngestProgress::Document => docs += 1,
                        crate::IngestProgress::InputDone { .. } => {}
                    }
                    progress(&mut job, docs, planned.max(docs));
                });
                r.map(|sum| {
                    cancelled = sum.cancelled;
                    let failed = sum
                        .failures()
                        .map(|f| JobItem {
                            item: f.origin.clone(),
                            message: f.error.clone().unwrap_or_else(|| "failed".into()),
                        })
                        .collect();
                    (
                        serde_json::json!({
                            "new": sum.new,
                            "unchanged": sum.unchanged,
                            "near_duplicate": sum.near_duplicate,
                            "failed": sum.failed,
                            "cancelled": sum.cancelled,
                        }),
                        failed,
                    )
                })
            }
            JobRequest::Extract(r) => self
                .extract_cancellable(r, &stop.cancel, &mut |done, total| {
                    progress(&mut job, done as u64, total as u64)
                })
                .map(|sum| {
                    cancelled = sum.cancelled;
                    let failed = sum
                        .failed
                        .iter()
                        .map(|f| JobItem {
                            item: f.id.clone(),
                            message: f.reason.clone(),
                        })
                        .collect();
                    (
                        serde_json::to_value(&sum).unwrap_or(serde_json::Value::Null),
                        failed,
                    )
                }),
            JobRequest::TradeImport(t) => {
                let mut finished = 0u64;
                self.trade_import_cancellable(t, &stop.cancel, &mut |p| {
                    if let crate::TradeImportProgress::Finished { .. } = p {
                        finished += 1;
                    }
                    let total = t.files.len() as u64;
                    progress(&mut job, finished, total);
                })
                .map(|sum| {
                    cancelled = sum.cancelled;
                    let failed = sum
                        .failed
                        .iter()
                        .map(|f| JobItem {
                            item: f.file.clone(),
                            message: f.error.message.clone(),
                        })
                        .collect();
                    (
                        serde_json::to_value(&sum).unwrap_or(serde_json::Value::Null),
                        failed,
                    )
                })
            }
            JobRequest::Watch(w) => self
                .poll(&w.watch, &stop.cancel, &mut |done, total| {
                    progress(&mut job, done, total)
                })
                .map(|sum| {
                    cancelled = sum.cancelled;
                    let failed = sum.failures.clone();
                    (
                        serde_json::to_value(&sum).unwrap_or(serde_json::Value::Null),
                        failed,
                    )
                }),
        };
        job.finished = Some(now());
        match outcome {
            Ok((summary, failed)) => {
                s.add_job_items(id, &failed)?;
                job.state = match (cancelled, stop.shutdown.load(Ordering::SeqCst)) {
                    (false, _) => "done",
                    (true, false) => "cancelled",
                    (true, true) => "interrupted",
                }
                .into();
                job.summary = Some(summary);
            }
            Err(e) => {
                job.state = "failed".into();
                job.error = Some(e.message);
            }
        }
        s.update_job(&job)?;
        self.job(id)
    }
}
