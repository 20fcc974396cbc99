//! Watched sources: feeds (RSS, Atom) and index pages polled on schedule, so the record
//! stays current without anybody ingesting by hand.
//!
//! One poll ([`App::poll_watch`]): robots.txt of the site is read (a disallowed page is not
//! fetched); the page is asked for conditionally (its last `ETag` / `Last-Modified`), so a
//! site with nothing new answers 304 and nothing else happens; otherwise its item links are
//! read ([`entente_ingest::watch::discover`]) and those the watch has not taken in yet are
//! fetched — at most `max_items` per poll, the rest wait for the next — each after the
//! per-site politeness delay, a transient failure (timeout, 5xx, 429) tried again with a
//! doubling wait. The fetched pages are ingested in one run (the feed's date and title fill
//! in what a page does not say), and what is new is extracted at once (incremental
//! extraction). An item is taken in once: ingested, or failed for good (no text, 404); an
//! item that failed for now is tried again at the next poll.
//!
//! A poll that cannot read the page at all is recorded in the watch (`failures` in a row,
//! `last_error`) and the schedule backs off (the interval doubled per failure, up to 8×).
//! A server runs due watches as jobs (`watch` jobs: progress, failed items, cancel);
//! `entente watch run` polls in the terminal.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use entente_core::{Cancel, Lang};
use entente_ingest::IngestError;
use entente_ingest::fetch::{Conditional, FetchOptions, Validators, fetch_conditional};
use entente_ingest::pipeline::{self, FetchedPage, IngestOptions, Input, Overrides, Status};
use entente_ingest::robots::Robots;
use entente_ingest::watch::{Politeness, discover, robots_for, robots_path, site_of};
use entente_store::jobs::JobItem;
use entente_store::watches::WatchRow;
use serde::{Deserialize, Serialize};

use crate::{App, AppError, ErrorKind, ExtractRequest, Permission, Principal, RunSummary};

type Result<T> = std::result::Result<T, AppError>;

/// How watched sources are polled (`config.toml`, `[watch]`).
#[derive(Clone, Debug, PartialEq)]
pub struct WatchSettings {
    /// Least time between two requests to one site.
    pub delay: Duration,
    /// Items fetched per poll at most.
    pub max_items: usize,
    /// Tries again after a transient failure, and the wait before the first (doubled after).
    pub retries: u32,
    pub retry_wait: Duration,
    /// Size cap of one page, and the time one request may take.
    pub max_bytes: u64,
    pub timeout: Duration,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            delay: Duration::from_secs(1),
            max_items: 30,
            retries: 2,
            retry_wait: Duration::from_secs(2),
            max_bytes: 10 * 1024 * 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The longest crawl delay a site can ask of us.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);
/// The shortest interval between polls of one watch.
const MIN_EVERY: u64 = 60;
/// Back-off after failed polls stops growing at this many times the interval.
const MAX_BACKOFF: u64 = 8;

/// A source to watch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchAdd {
    /// The feed (RSS, Atom) or HTML index page to poll.
    pub url: String,
    /// The outlet its items are ingested as.
    #[serde(default)]
    pub outlet: Option<String>,
    /// The language of its items, when the text does not tell.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// On an index page: a regular expression the item links match.
    #[serde(default)]
    pub links: Option<String>,
    /// How often to poll: `90s`, `30m`, `1h`, `1d` (default 1h, at least 1m).
    #[serde(default)]
    pub every: Option<String>,
}

/// What one poll did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PollSummary {
    pub watch: String,
    pub url: String,
    /// `not_modified` (304), `nothing_new`, `new`, `partial` (some items failed).
    pub status: String,
    /// Items the page lists.
    pub found: usize,
    /// Of those, not taken in before.
    pub unseen: usize,
    /// Left for the next poll (over `max_items`).
    pub deferred: usize,
    /// Not fetched: the site's robots.txt disallows them.
    pub disallowed: usize,
    /// Pages ingested as new sources, already stored, near-duplicates, and failed.
    pub new: usize,
    pub unchanged: usize,
    pub near_duplicate: usize,
    pub failed: usize,
    /// The extraction run on the new sources, if there were any.
    pub extraction: Option<RunSummary>,
    /// Items that failed, and why.
    pub failures: Vec<JobItem>,
    pub cancelled: bool,
}

/// `90s`, `30m`, `1h`, `1d`, `2h30m` as seconds; at least a minute.
pub fn parse_every(s: &str) -> Result<u64> {
    let bad = || {
        AppError::invalid(format!(
            "`every`: `{s}` is not a duration like 90s, 30m, 1h or 1d"
        ))
    };
    let mut total: u64 = 0;
    let mut num = String::new();
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        num.clear();
        total = n
            .checked_mul(unit)
            .and_then(|x| total.checked_add(x))
            .ok_or_else(bad)?;
    }
    if !num.is_empty() {
        return Err(bad());
    }
    if total < MIN_EVERY {
        return Err(AppError::invalid(format!(
            "`every`: {s} is too often; poll at most once a minute (60s)"
        )));
    }
    if total > 366 * 86_400 {
        return Err(AppError::invalid(format!(
            "`every`: {s} is longer than a year"
        )));
    }
    Ok(total)
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn new_id() -> Result<String> {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b)
        .map_err(|e| AppError::internal(format!("no randomness from the system: {e}")))?;
    Ok(format!("w-{}", hex::encode(b)))
}

/// When a watch is due after a poll that ended at `at` with `failures` failed polls in a row.
fn next_due(at: chrono::DateTime<Utc>, every: u64, failures: u32) -> String {
    let factor = 1u64 << failures.min(3);
    let secs = every
        .saturating_mul(factor.min(MAX_BACKOFF))
        .min(i64::MAX as u64 / 1000);
    stamp(at + chrono::Duration::seconds(secs as i64))
}

/// robots.txt per site, read once per poll.
struct Sites<'a> {
    opts: &'a FetchOptions,
    robots: HashMap<String, Robots>,
}

impl Sites<'_> {
    fn robots(&mut self, site: &str) -> std::result::Result<&Robots, IngestError> {
        if !self.robots.contains_key(site) {
            let r = robots_for(site, self.opts)?;
            self.robots.insert(site.to_string(), r);
        }
        self.robots.get(site).ok_or_else(|| IngestError::Fetch {
            url: site.into(),
            message: "robots.txt was not kept".into(),
            transient: true,
        })
    }
}

impl App {
    pub(crate) fn watch_store(&self) -> Result<&dyn entente_store::watches::Watches> {
        let store: &dyn entente_store::Store = self.repo()?.store();
        Ok(store)
    }

    fn politeness(&self) -> &Politeness {
        self.politeness
            .get_or_init(|| Politeness::new(Duration::ZERO, MAX_CRAWL_DELAY))
    }

    /// Starts watching a feed or index page; its first poll is due at once. Admins only.
    pub fn add_watch(&self, by: &Principal, req: &WatchAdd) -> Result<WatchRow> {
        by.require(Permission::Admin)?;
        self.check_writable()?;
        let url = req.url.trim();
        let parsed = url::Url::parse(url)
            .map_err(|e| AppError::invalid(format!("`url`: `{url}` is not a URL: {e}")))?;
        if parsed.scheme() != "http" && parsed.scheme() != "https" || parsed.host_str().is_none() {
            return Err(AppError::invalid(format!(
                "`url`: only http:// and https:// addresses can be watched, not `{url}`"
            )));
        }
        if let Some(re) = &req.links {
            regex::Regex::new(re).map_err(|e| {
                AppError::invalid(format!("`links`: not a regular expression: {e}"))
            })?;
        }
        let every = match &req.every {
            Some(e) => parse_every(e)?,
            None => 3600,
        };
        let at = stamp(now());
        let row = WatchRow {
            id: new_id()?,
            url: parsed.to_string(),
            outlet: req.outlet.clone().filter(|o| !o.trim().is_empty()),
            lang: req.lang.as_ref().map(|l| l.to_string()),
            links: req.links.clone(),
            every_secs: every,
            created_by: by.user.clone(),
            created: at.clone(),
            etag: None,
            last_modified: None,
            last_polled: None,
            next_due: at,
            last_status: None,
            last_error: None,
            failures: 0,
            last_job: None,
        };
        self.watch_store()?.add_watch(&row)?;
        Ok(row)
    }

    /// Every watched source, in the order they were added.
    pub fn watches(&self, by: &Principal) -> Result<Vec<WatchRow>> {
        by.require(Permission::Read)?;
        Ok(self.watch_store()?.watches()?)
    }

    /// One watch by id.
    pub fn watch(&self, by: &Principal, id: &str) -> Result<WatchRow> {
        by.require(Permission::Read)?;
        self.watch_store()?
            .watch(id)?
            .ok_or_else(|| AppError::not_found(format!("no watch {id}")))
    }

    /// Watches due for a poll now, soonest first.
    pub fn due_watches(&self, by: &Principal) -> Result<Vec<WatchRow>> {
        by.require(Permission::Read)?;
        Ok(self.watch_store()?.due_watches(&stamp(now()))?)
    }

    /// Stops watching; what it ingested stays. Admins only.
    pub fn remove_watch(&self, by: &Principal, id: &str) -> Result<()> {
        by.require(Permission::Admin)?;
        self.check_writable()?;
        Ok(self.watch_store()?.remove_watch(id)?)
    }

    /// Queues a poll job for every due watch whose last poll is not still queued or running,
    /// and moves each one's next poll a full interval on (so a slow poll is not queued
    /// twice). Returns the jobs queued.
    pub fn queue_due_watches(&self) -> Result<Vec<String>> {
        self.check_writable()?;
        if self.stopping.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(Vec::new());
        }
        let store = self.watch_store()?;
        let at = now();
        let mut queued = Vec::new();
        for mut w in store.due_watches(&stamp(at))? {
            if let Some(j) = &w.last_job
                && let Some(job) = self.job_store()?.job(j)?
                && (job.state == "queued" || job.state == "running")
            {
                continue;
            }
            let job = self.queue_job(
                &format!("watch:{}", w.id),
                &crate::JobRequest::Watch(crate::jobs::WatchJob {
                    watch: w.id.clone(),
                }),
            )?;
            w.next_due = next_due(at, w.every_secs, 0);
            w.last_job = Some(job.job.id.clone());
            store.update_watch(&w)?;
            queued.push(job.job.id);
        }
        Ok(queued)
    }

    /// Polls one watch now (see the module's notes). An error is a poll that could not read
    /// the watched page at all; it is recorded in the watch too.
    pub fn poll_watch(
        &self,
        by: &Principal,
        id: &str,
        cancel: &Cancel,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PollSummary> {
        by.require(Permission::Write)?;
        self.poll(id, cancel, progress)
    }

    pub(crate) fn poll(
        &self,
        id: &str,
        cancel: &Cancel,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PollSummary> {
        let repo = self.writable()?;
        let store = self.watch_store()?;
        let mut w = store
            .watch(id)?
            .ok_or_else(|| AppError::not_found(format!("no watch {id}")))?;
        let settings = self.settings()?;
        let ws = &settings.watch;
        let opts = FetchOptions {
            timeout: ws.timeout,
            max_bytes: ws.max_bytes,
            max_redirects: 5,
            policy: settings.fetch.clone(),
        };
        let mut sites = Sites {
            opts: &opts,
            robots: HashMap::new(),
        };
        let links = match &w.links {
            Some(re) => Some(regex::Regex::new(re).map_err(|e| {
                AppError::invalid(format!(
                    "watch {id}: `links` is not a regular expression: {e}"
                ))
            })?),
            None => None,
        };
        let mut summary = PollSummary {
            watch: w.id.clone(),
            url: w.url.clone(),
            ..Default::default()
        };
        // Validators are kept only by a poll that settled every item (see the end): after
        // one that left items for later, the page is read again in full even if unchanged.
        let since = Validators {
            etag: w.etag.clone(),
            last_modified: w.last_modified.clone(),
        };
        let started = now();
        w.last_polled = Some(stamp(started));
        progress(0, 1);
        let page = self
            .polite_fetch(&mut sites, &w.url, &since, ws, cancel)
            .and_then(|c| match c {
                Conditional::NotModified => Ok(None),
                Conditional::Fetched(f) => {
                    let found = discover(&f, links.as_ref())?;
                    Ok(Some((f.validators.clone(), found)))
                }
            });
        let (validators, found) = match page {
            Ok(Some(x)) => x,
            Ok(None) => {
                summary.status = "not_modified".into();
                w.failures = 0;
                w.last_error = None;
                w.last_status = Some(summary.status.clone());
                w.next_due = next_due(now(), w.every_secs, 0);
                store.update_watch(&w)?;
                progress(1, 1);
                return Ok(summary);
            }
            Err(e) => {
                w.failures = w.failures.saturating_add(1);
                w.last_error = Some(e.to_string());
                w.last_status = Some("failed".into());
                w.next_due = next_due(now(), w.every_secs, w.failures);
                store.update_watch(&w)?;
                let kind = if e.is_transient() {
                    ErrorKind::Busy
                } else {
                    ErrorKind::InvalidInput
                };
                return Err(AppError::new(
                    kind,
                    format!(
                        "watch {id}: {e} (failed {} poll(s) in a row; next at {})",
                        w.failures, w.next_due
                    ),
                ));
            }
        };
        summary.found = found.items.len();
        let urls: Vec<String> = found.items.iter().map(|i| i.url.clone()).collect();
        let seen: HashSet<String> = store.seen_items(&w.id, &urls)?.into_iter().collect();
        let unseen: Vec<_> = found
            .items
            .into_iter()
            .filter(|i| !seen.contains(&i.url))
            .collect();
        summary.unseen = unseen.len();
        summary.deferred = unseen.len().saturating_sub(ws.max_items);
        let todo = &unseen[..unseen.len().min(ws.max_items)];
        let total = todo.len() as u64 + 1;
        progress(1, total);
        let mut pages = Vec::new();
        // Items taken in for good, whatever their ingest says: they are not fetched again.
        let mut settled: Vec<String> = Vec::new();
        // Items left to a later poll: deferred, or failed for now.
        let mut unsettled = summary.deferred;
        for (n, item) in todo.iter().enumerate() {
            if cancel.is_cancelled() {
                summary.cancelled = true;
                break;
            }
            // An item robots.txt leaves out is counted, not failed; one whose site cannot
            // be asked at all fails below with the reason.
            let allowed = site_of(&item.url)
                .map(|s| match sites.robots(&s) {
                    Ok(r) => r.allows(&robots_path(&item.url)) || r.unreadable_because().is_some(),
                    Err(_) => true,
                })
                .unwrap_or(true);
            if !allowed {
                summary.disallowed += 1;
                continue;
            }
            match self.polite_fetch(&mut sites, &item.url, &Validators::default(), ws, cancel) {
                Ok(Conditional::Fetched(f)) => pages.push(Input::Fetched(Arc::new(FetchedPage {
                    url: item.url.clone(),
                    content_type: f.content_type,
                    bytes: f.bytes,
                    published: item.published,
                    title: item.title.clone(),
                }))),
                Ok(Conditional::NotModified) => settled.push(item.url.clone()),
                Err(e) => {
                    summary.failed += 1;
                    if e.is_transient() {
                        unsettled += 1;
                    } else {
                        settled.push(item.url.clone());
                    }
                    summary.failures.push(JobItem {
                        item: item.url.clone(),
                        message: e.to_string(),
                    });
                }
            }
            progress(n as u64 + 2, total);
        }
        let mut new_ids = Vec::new();
        if !pages.is_empty() {
            let mut io = IngestOptions {
                overrides: Overrides {
                    outlet: w.outlet.clone(),
                    lang: w.lang.as_deref().and_then(|l| l.parse().ok()),
                    ..Default::default()
                },
                max_bytes: ws.max_bytes,
                ..Default::default()
            };
            io.fetch.policy = settings.fetch.clone();
            if let Some(b) = settings.time_budget {
                io.time_budget = b;
            }
            repo.claim_index()?;
            let sum = pipeline::run(repo, &pages, &io, &mut |_| {})?;
            summary.new += sum.new;
            summary.unchanged += sum.unchanged;
            summary.near_duplicate += sum.near_duplicate;
            for it in &sum.items {
                // Every report of a page names it; a page's documents share its origin.
                let page = pages
                    .iter()
                    .find_map(|p| match p {
                        Input::Fetched(f) if it.origin.starts_with(&f.url) => Some(f.url.clone()),
                        _ => None,
                    })
                    .unwrap_or_else(|| it.origin.clone());
                settled.push(page);
                match it.status {
                    Status::New => new_ids.extend(it.id.map(|i| i.to_string())),
                    Status::Failed => {
                        summary.failed += 1;
                        summary.failures.push(JobItem {
                            item: it.origin.clone(),
                            message: it.error.clone().unwrap_or_else(|| "failed".into()),
                        });
                    }
                    Status::Unchanged | Status::NearDuplicate => {}
                }
            }
        }
        settled.sort();
        settled.dedup();
        store.mark_seen(&w.id, &settled, &stamp(now()))?;
        if !new_ids.is_empty() && !cancel.is_cancelled() {
            summary.extraction = Some(self.extract_cancellable(
                &ExtractRequest {
                    all: false,
                    sources: new_ids,
                },
                cancel,
                &mut |_, _| {},
            )?);
        }
        summary.status = if summary.failed > 0 {
            "partial"
        } else if summary.new > 0 {
            "new"
        } else {
            "nothing_new"
        }
        .into();
        // A 304 next time would hide the items left for later: keep the validators only
        // when nothing was (a cancelled poll leaves the rest of its items too).
        if unsettled == 0 && !summary.cancelled {
            w.etag = validators.etag;
            w.last_modified = validators.last_modified;
        } else {
            w.etag = None;
            w.last_modified = None;
        }
        w.failures = 0;
        w.last_error = summary
            .failures
            .first()
            .map(|f| format!("{}: {}", f.item, f.message));
        w.last_status = Some(summary.status.clone());
        w.next_due = next_due(now(), w.every_secs, 0);
        store.update_watch(&w)?;
        Ok(summary)
    }

    /// One GET with the politeness delay before it, and transient failures tried again with a
    /// doubling wait. A page robots.txt disallows is refused without a request.
    fn polite_fetch(
        &self,
        sites: &mut Sites<'_>,
        url: &str,
        since: &Validators,
        ws: &WatchSettings,
        cancel: &Cancel,
    ) -> std::result::Result<Conditional, IngestError> {
        let site = site_of(url).ok_or_else(|| IngestError::Fetch {
            url: url.into(),
            message: "not an http(s) address with a host".into(),
            transient: false,
        })?;
        let robots = sites.robots(&site)?;
        let path = robots_path(url);
        if let Some(why) = robots.unreadable_because() {
            return Err(IngestError::Fetch {
                url: url.into(),
                message: format!(
                    "{site}/robots.txt could not be read ({why}); until it can, nothing of the site is fetched (RFC 9309)"
                ),
                transient: true,
            });
        }
        if !robots.allows(&path) {
            return Err(IngestError::Fetch {
                url: url.into(),
                message: format!("{site}/robots.txt disallows {path} for entente"),
                transient: false,
            });
        }
        let gap = robots
            .crawl_delay()
            .map(|c| c.min(MAX_CRAWL_DELAY))
            .unwrap_or_default()
            .max(ws.delay);
        let mut wait = ws.retry_wait;
        let mut attempt = 0;
        loop {
            self.politeness().wait(&site, Some(gap));
            match fetch_conditional(url, sites.opts, since) {
                Err(e) if e.is_transient() && attempt < ws.retries && !cancel.is_cancelled() => {
                    tracing::info!("{url}: {e}; trying again in {} s", wait.as_secs_f64());
                    attempt += 1;
                    sleep_unless_cancelled(wait, cancel);
                    wait = wait.saturating_mul(2);
                }
                other => return other,
            }
        }
    }
}

/// Sleeps `d`, waking early when `cancel` is raised.
fn sleep_unless_cancelled(d: Duration, cancel: &Cancel) {
    let end = std::time::Instant::now() + d;
    while !cancel.is_cancelled() {
        let left = end.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_and_are_bounded() {
        assert_eq!(parse_every("1h").ok(), Some(3600));
        assert_eq!(parse_every("90s").ok(), Some(90));
        assert_eq!(parse_every("2h30m").ok(), Some(9000));
        assert_eq!(parse_every("1d").ok(), Some(86_400));
        for bad in [
            "",
            "h",
            "10",
            "5x",
            "30s",
            "1h-",
            "99999999999999999999d",
            "400d",
        ] {
            let e = parse_every(bad).expect_err(bad);
            assert!(e.message.contains("`every`"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn failed_polls_back_off_up_to_eight_intervals() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(next_due(at, 3600, 0), "2026-01-01T01:00:00.000Z");
        assert_eq!(next_due(at, 3600, 1), "2026-01-01T02:00:00.000Z");
        assert_eq!(next_due(at, 3600, 2), "2026-01-01T04:00:00.000Z");
        assert_eq!(next_due(at, 3600, 9), "2026-01-01T08:00:00.000Z");
    }
}
