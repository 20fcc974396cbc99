//! Background jobs of a server, as stored: what was asked, its state and progress, and the
//! items that failed. Running them is the application layer's; times are RFC 3339 UTC.

use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JobRow {
    pub id: String,
    /// `ingest`, `extract`.
    pub kind: String,
    /// `queued`, `running`, `done`, `failed` or `interrupted`.
    pub state: String,
    pub created_by: String,
    pub created: String,
    pub started: Option<String>,
    pub finished: Option<String>,
    /// The request, as JSON.
    pub request: serde_json::Value,
    /// Units of work done and planned (documents, sources).
    pub done: u64,
    pub total: u64,
    /// The result, as JSON, once finished.
    pub summary: Option<serde_json::Value>,
    /// Why the job as a whole failed.
    pub error: Option<String>,
}

/// One item of a job that failed (a file, a record, a source) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct JobItem {
    pub item: String,
    pub message: String,
}

/// Jobs and their failed items. Each call is one transaction.
pub trait Jobs: Send + Sync {
    fn add_job(&self, j: &JobRow) -> Result<(), StoreError>;
    fn job(&self, id: &str) -> Result<Option<JobRow>, StoreError>;
    /// Jobs created before `before` (all when `None`), newest first, at most `limit`.
    fn jobs(&self, before: Option<&str>, limit: usize) -> Result<Vec<JobRow>, StoreError>;
    /// Replaces a job's state, times, progress, summary and error; not found when absent.
    fn update_job(&self, j: &JobRow) -> Result<(), StoreError>;
    /// Records failed items of a job (an item named twice keeps the last message).
    fn add_job_items(&self, job: &str, items: &[JobItem]) -> Result<(), StoreError>;
    fn job_items(&self, job: &str) -> Result<Vec<JobItem>, StoreError>;
    /// Marks every `queued` or `running` job `interrupted` at `at` (a server starting after a
    /// crash). Returns how many.
    fn interrupt_unfinished(&self, at: &str) -> Result<u64, StoreError>;
}
