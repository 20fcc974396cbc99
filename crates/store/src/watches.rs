//! Watched sources as stored: a feed or index page a server polls on schedule, the
//! validators of its last answer, its schedule and last outcome, and the item addresses it
//! has taken in. Polling is the application layer's; times are RFC 3339 UTC.

use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One watched source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WatchRow {
    pub id: String,
    /// The feed (RSS, Atom) or index page polled.
    pub url: String,
    /// The outlet its items are ingested as.
    pub outlet: Option<String>,
    /// The language of its items, when not identified from the text.
    pub lang: Option<String>,
    /// On an index page, only links whose address matches this regular expression are items.
    pub links: Option<String>,
    /// Seconds between polls.
    pub every_secs: u64,
    pub created_by: String,
    pub created: String,
    /// Validators of the last full answer, sent back for a conditional request.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_polled: Option<String>,
    /// When the next poll is due.
    pub next_due: String,
    /// How the last poll ended: `new`, `not_modified`, `nothing_new`, `partial`, `failed`.
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    /// Polls failed in a row (the schedule backs off with them).
    pub failures: u32,
    /// The job of the last poll run by a server.
    pub last_job: Option<String>,
}

/// Watched sources and the items each has taken in. Each call is one transaction.
pub trait Watches: Send + Sync {
    /// Adds a watch; [`StoreError::Exists`] when its URL is watched already.
    fn add_watch(&self, w: &WatchRow) -> Result<(), StoreError>;
    fn watch(&self, id: &str) -> Result<Option<WatchRow>, StoreError>;
    /// Every watch, in the order they were added.
    fn watches(&self) -> Result<Vec<WatchRow>, StoreError>;
    /// Replaces a watch's settings, validators, schedule and outcome; not found when absent.
    fn update_watch(&self, w: &WatchRow) -> Result<(), StoreError>;
    /// Removes a watch and its items; not found when absent.
    fn remove_watch(&self, id: &str) -> Result<(), StoreError>;
    /// Watches due at `now` (next_due ≤ now), soonest first.
    fn due_watches(&self, now: &str) -> Result<Vec<WatchRow>, StoreError>;
    /// Of `urls`, those this watch has taken in already.
    fn seen_items(&self, watch: &str, urls: &[String]) -> Result<Vec<String>, StoreError>;
    /// Records items as taken in at `at` (an item recorded twice keeps its first time).
    fn mark_seen(&self, watch: &str, urls: &[String], at: &str) -> Result<(), StoreError>;
}
