//! Transactions of the trade store: one writer at a time, readers that never see half an
//! import, and a journal so that a killed import is rolled back or forward on the next open.
//!
//! # Protocol
//!
//! * `.write.lock` — held exclusively by a writer (an import, an HS label import, a repair)
//!   for its whole run. A second writer waits for it (up to [`TradeStore::lock_wait`]), then
//!   gets [`TradeError::Busy`] naming the lock.
//! * `.read.lock` — held shared by every query for its whole run, and exclusively by a writer
//!   only while it commits (a few renames), so a query sees the store before or after an
//!   import, never between.
//! * A writer prepares every new Parquet file under `staging/` (fsynced), then writes
//!   `journal.json` — the renames, the deletions and the manifest after the import — through
//!   a temporary file, fsync and an atomic rename. That rename is the commit point. Applying
//!   the journal is idempotent; once applied, the journal is removed.
//! * On the next write or read, a `journal.json` left by a killed writer is applied (roll
//!   forward); a `staging/` without a journal is removed (roll back).
//!
//! Queries also check that the manifest and `records/` agree (every listed part present, no
//! Parquet file unlisted) and refuse to answer otherwise: a missing part is not zero.
//! [`TradeStore::check`] reports the same and [`TradeStore::repair`] mends it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Result, TradeError};
use crate::fsutil::sync_dir;
pub use crate::fsutil::write_atomic;
use crate::store::{Manifest, TradeStore};

pub(crate) const WRITE_LOCK: &str = ".write.lock";
pub(crate) const READ_LOCK: &str = ".read.lock";
pub(crate) const JOURNAL: &str = "journal.json";
pub(crate) const STAGING: &str = "staging";
pub(crate) const LOST: &str = "lost+found";

/// The decided outcome of one write, applied after it is durable.
#[derive(Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct Journal {
    /// `(staged, final)` paths relative to the store root.
    pub renames: Vec<(String, String)>,
    /// Paths relative to the store root.
    pub deletes: Vec<String>,
    /// The manifest once the write is applied.
    pub manifest: Manifest,
}

/// The writer's exclusive hold on the store; released when dropped.
pub struct WriteGuard {
    _file: fs::File,
}

/// A query's shared hold; released when dropped.
pub(crate) struct ReadGuard {
    _file: fs::File,
}

/// What [`TradeStore::check`] found (and, after [`TradeStore::repair`], what it did).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TradeCheck {
    /// Imports in the manifest.
    pub imports: usize,
    /// Parquet parts the manifest lists.
    pub parts: usize,
    /// Listed parts that are not on disk (figures from them would be missing).
    pub missing_parts: Vec<String>,
    /// Parquet files under `records/` that no import lists (figures would be counted twice).
    pub unlisted_parts: Vec<String>,
    /// Leftover temporary files and staging directories of interrupted writes.
    pub temp_files: Vec<String>,
    /// An interrupted import whose journal has not been applied yet.
    pub pending_journal: bool,
    /// An import (or another write) was running while the store was checked.
    pub write_running: bool,
    /// Files whose import was dropped by a repair (their parts were missing): import them again.
    pub reimport: Vec<String>,
    /// Where a repair set unlisted parts aside (relative to the store root).
    pub set_aside: Option<String>,
    pub repaired: bool,
}

impl TradeCheck {
    pub fn healthy(&self) -> bool {
        self.missing_parts.is_empty()
            && self.unlisted_parts.is_empty()
            && self.temp_files.is_empty()
            && !self.pending_journal
    }
}

fn lock_file(root: &Path, name: &str) -> Result<fs::File> {
    let p = root.join(name);
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&p)
        .map_err(|e| TradeError::io(p, e))
}

/// Every file under `dir`, relative to `root`, sorted.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(TradeError::io(dir, e)),
    };
    for ent in rd {
        let ent = ent.map_err(|e| TradeError::io(dir, e))?;
        let p = ent.path();
        let ft = ent.file_type().map_err(|e| TradeError::io(&p, e))?;
        if ft.is_dir() {
            walk(root, &p, out)?;
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

impl TradeStore {
    /// Takes the writer's lock, waiting up to [`TradeStore::lock_wait`] for another writer
    /// (in this or another process) to finish, then brings the store to a committed state
    /// (applies a journal left by a killed writer, drops its staging).
    pub fn write_lock(&self) -> Result<WriteGuard> {
        let start = Instant::now();
        loop {
            if let Some(g) = self.try_write_lock()? {
                return Ok(g);
            }
            if start.elapsed() >= self.lock_wait() {
                return Err(TradeError::Busy {
                    lock: self.root().join(WRITE_LOCK),
                    waited: start.elapsed(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The writer's lock if no other writer holds it (then recovered as in
    /// [`TradeStore::write_lock`]), `None` if one does.
    pub fn try_write_lock(&self) -> Result<Option<WriteGuard>> {
        let f = lock_file(self.root(), WRITE_LOCK)?;
        match f.try_lock() {
            Ok(()) => {
                let g = WriteGuard { _file: f };
                self.recover(&g)?;
                Ok(Some(g))
            }
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(TradeError::io(self.root().join(WRITE_LOCK), e)),
        }
    }

    /// A query's view: waits for a commit in progress, applies a killed writer's journal,
    /// and refuses a store whose manifest and parts disagree.
    pub(crate) fn read_guard(&self) -> Result<ReadGuard> {
        // Leftovers of a killed writer are cleared by whoever comes next while no writer runs.
        if self.root().join(STAGING).exists() || self.root().join(JOURNAL).exists() {
            drop(self.try_write_lock()?);
        }
        loop {
            let f = lock_file(self.root(), READ_LOCK)?;
            f.lock_shared()
                .map_err(|e| TradeError::io(self.root().join(READ_LOCK), e))?;
            if !self.root().join(JOURNAL).exists() {
                let g = ReadGuard { _file: f };
                let c = self.inspect()?;
                if !c.missing_parts.is_empty() || !c.unlisted_parts.is_empty() {
                    return Err(TradeError::Inconsistent {
                        root: self.root().to_path_buf(),
                        missing: c.missing_parts,
                        unlisted: c.unlisted_parts,
                    });
                }
                return Ok(g);
            }
            // A writer was killed after its commit point: finish its work, then read.
            drop(f);
            drop(self.write_lock()?);
        }
    }

    /// Applies a pending journal (roll forward) or drops an uncommitted staging (roll back).
    fn recover(&self, _w: &WriteGuard) -> Result<()> {
        let jp = self.root().join(JOURNAL);
        match fs::read(&jp) {
            Ok(bytes) => {
                let j: Journal =
                    serde_json::from_slice(&bytes).map_err(|e| TradeError::Manifest {
                        file: jp.clone(),
                        message: format!(
                            "the journal of an interrupted import cannot be read ({e}); \
                             move it aside and run `entente doctor` to check the trade store"
                        ),
                    })?;
                self.apply(&j)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(TradeError::io(jp, e)),
        }
        let staging = self.root().join(STAGING);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| TradeError::io(&staging, e))?;
        }
        Ok(())
    }

    /// Makes `j` durable (the commit point), then applies it while no query runs.
    /// `_writer` is the proof that the caller holds the writer's lock.
    pub(crate) fn commit(&self, _writer: &WriteGuard, j: &Journal) -> Result<()> {
        // Staged files were fsynced as written; make their directory entries durable too.
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for (from, _) in &j.renames {
            if let Some(d) = self.root().join(from).parent() {
                dirs.insert(d.to_path_buf());
            }
        }
        for d in &dirs {
            sync_dir(d);
        }
        let body = serde_json::to_vec(j).map_err(|e| TradeError::Manifest {
            file: self.root().join(JOURNAL),
            message: e.to_string(),
        })?;
        write_atomic(&self.root().join(JOURNAL), &body)?;
        let rl = lock_file(self.root(), READ_LOCK)?;
        rl.lock()
            .map_err(|e| TradeError::io(self.root().join(READ_LOCK), e))?;
        self.apply(j)
    }

    /// Applies a journal; every step may already have been done by a killed run.
    fn apply(&self, j: &Journal) -> Result<()> {
        let root = self.root();
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for (from, to) in &j.renames {
            let (src, dst) = (root.join(from), root.join(to));
            if src.exists() {
                if let Some(d) = dst.parent() {
                    fs::create_dir_all(d).map_err(|e| TradeError::io(d, e))?;
                    dirs.insert(d.to_path_buf());
                }
                fs::rename(&src, &dst).map_err(|e| TradeError::io(&dst, e))?;
            } else if !dst.exists() {
                return Err(TradeError::Manifest {
                    file: root.join(JOURNAL),
                    message: format!(
                        "the interrupted import's file {from} is gone and {to} was never \
                         written; run `entente doctor` to repair the trade store"
                    ),
                });
            }
        }
        for d in &j.deletes {
            let p = root.join(d);
            match fs::remove_file(&p) {
                Ok(()) => {
                    if let Some(d) = p.parent() {
                        dirs.insert(d.to_path_buf());
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(TradeError::io(p, e)),
            }
        }
        for d in &dirs {
            sync_dir(d);
        }
        self.save_manifest(&j.manifest)?;
        let jp = root.join(JOURNAL);
        match fs::remove_file(&jp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(TradeError::io(jp, e)),
        }
        sync_dir(root);
        let staging = root.join(STAGING);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| TradeError::io(&staging, e))?;
        }
        Ok(())
    }

    /// Compares the manifest with the files on disk (no lock taken).
    fn inspect(&self) -> Result<TradeCheck> {
        let root = self.root();
        let manifest = self.manifest_shared()?;
        let listed: BTreeSet<&str> = manifest
            .imports
            .iter()
            .flat_map(|e| e.parts.iter().map(String::as_str))
            .collect();
        let mut files = Vec::new();
        walk(root, &root.join("records"), &mut files)?;
        let mut on_disk = BTreeSet::new();
        let mut temp_files = Vec::new();
        for f in files {
            if f.ends_with(".parquet") {
                on_disk.insert(f);
            } else if f.ends_with(".tmp") {
                temp_files.push(f);
            }
        }
        let mut others = Vec::new();
        walk(root, &root.join("vintages"), &mut others)?;
        let top = fs::read_dir(root).map_err(|e| TradeError::io(root, e))?;
        for ent in top.flatten() {
            let n = ent.file_name().to_string_lossy().into_owned();
            if n.ends_with(".tmp") {
                others.push(n);
            }
        }
        temp_files.extend(others.into_iter().filter(|f| f.ends_with(".tmp")));
        if root.join(STAGING).exists() {
            temp_files.push(format!("{STAGING}/"));
        }
        Ok(TradeCheck {
            imports: manifest.imports.len(),
            parts: listed.len(),
            missing_parts: listed
                .iter()
                .filter(|p| !on_disk.contains(**p))
                .map(|p| p.to_string())
                .collect(),
            unlisted_parts: on_disk
                .iter()
                .filter(|p| !listed.contains(p.as_str()))
                .cloned()
                .collect(),
            temp_files,
            pending_journal: root.join(JOURNAL).exists(),
            ..TradeCheck::default()
        })
    }

    /// Checks that the manifest and the Parquet parts agree, without changing anything.
    /// Waits for an import that is committing.
    pub fn check(&self) -> Result<TradeCheck> {
        let running = {
            let f = lock_file(self.root(), WRITE_LOCK)?;
            matches!(f.try_lock(), Err(fs::TryLockError::WouldBlock))
        };
        let f = lock_file(self.root(), READ_LOCK)?;
        f.lock_shared()
            .map_err(|e| TradeError::io(self.root().join(READ_LOCK), e))?;
        let mut c = self.inspect()?;
        if running {
            // The running writer's staging is its work in progress, not a leftover.
            c.temp_files.retain(|t| t != &format!("{STAGING}/"));
            c.write_running = true;
        }
        Ok(c)
    }

    /// Brings the store back to a state queries can trust: applies or drops an interrupted
    /// import, removes temporary files, sets unlisted parts aside under `lost+found/`, and
    /// drops imports whose parts are missing (their files are listed in
    /// [`TradeCheck::reimport`]: import them again to restore their figures).
    pub fn repair(&self) -> Result<TradeCheck> {
        let w = self.write_lock()?;
        let mut c = self.inspect()?;
        if c.healthy() {
            return Ok(c);
        }
        let root = self.root().to_path_buf();
        for t in &c.temp_files {
            let p = root.join(t.trim_end_matches('/'));
            let r = if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
            match r {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(TradeError::io(p, e)),
            }
        }
        let mut manifest = self.manifest()?;
        let missing: BTreeSet<&str> = c.missing_parts.iter().map(String::as_str).collect();
        let mut aside: Vec<String> = c.unlisted_parts.clone();
        let mut kept = Vec::new();
        for e in manifest.imports.drain(..) {
            if e.parts.iter().any(|p| missing.contains(p.as_str())) {
                c.reimport.push(e.file.clone());
                aside.extend(
                    e.parts
                        .iter()
                        .filter(|p| !missing.contains(p.as_str()))
                        .cloned(),
                );
            } else {
                kept.push(e);
            }
        }
        manifest.imports = kept;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let lost = format!("{LOST}/{stamp}");
        let mut j = Journal {
            manifest,
            ..Journal::default()
        };
        for p in &aside {
            j.renames.push((p.clone(), format!("{lost}/{p}")));
        }
        if !aside.is_empty() {
            c.set_aside = Some(lost);
        }
        self.commit(&w, &j)?;
        c.repaired = true;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Flow, Format, ImportOptions, Scope};

    fn rt() -> &'static tokio::runtime::Runtime {
        static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
        RT.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .expect("runtime")
        })
    }

    fn csv(dir: &Path, name: &str, year: i32, value: u32) -> PathBuf {
        let p = dir.join(name);
        let mut s = String::from("reporter,partner,flow,period,hs,value_usd\n");
        for m in 1..=12 {
            s.push_str(&format!("CN,KP,export,{year}-{m:02},2710,{value}\n"));
        }
        fs::write(&p, s).expect("write");
        p
    }

    fn exports(s: &TradeStore) -> Result<Vec<(String, Option<f64>)>> {
        let mut scope = Scope::new("CN", "KP");
        scope.flow = Some(Flow::Export);
        Ok(s.totals(&scope, crate::By::Year)?
            .into_iter()
            .map(|r| (r.period, r.exports_usd))
            .collect())
    }

    fn opts() -> ImportOptions {
        ImportOptions::default()
    }

    #[test]
    fn threads_importing_at_once_are_all_listed() {
        let d = tempfile::tempdir().expect("tmp");
        let files: Vec<PathBuf> = (0..4)
            .map(|i| csv(d.path(), &format!("{i}.csv"), 2010 + i, 1))
            .collect();
        std::thread::scope(|sc| {
            for f in &files {
                let root = d.path().join("trade");
                sc.spawn(move || {
                    let s = TradeStore::open(root, rt().handle().clone()).expect("open");
                    s.import_file(f, Format::Csv, &opts()).expect("import");
                });
            }
        });
        let s = TradeStore::open(d.path().join("trade"), rt().handle().clone()).expect("open");
        assert_eq!(s.manifest().expect("manifest").imports.len(), 4);
        assert_eq!(exports(&s).expect("totals").len(), 4);
        assert!(s.check().expect("check").healthy());
    }

    #[test]
    fn a_second_writer_gets_busy_naming_the_lock_and_changes_nothing() {
        let d = tempfile::tempdir().expect("tmp");
        let root = d.path().join("trade");
        let a = TradeStore::open(&root, rt().handle().clone()).expect("open");
        let b = TradeStore::open(&root, rt().handle().clone())
            .expect("open")
            .with_lock_wait(Duration::from_millis(100));
        let held = a.write_lock().expect("lock");
        let e = b
            .import_file(&csv(d.path(), "x.csv", 2020, 5), Format::Csv, &opts())
            .expect_err("busy");
        assert!(matches!(e, TradeError::Busy { .. }), "{e}");
        assert!(e.to_string().contains(".write.lock"), "{e}");
        assert!(b.manifest().expect("manifest").imports.is_empty());
        drop(held);
        b.import_file(&csv(d.path(), "x.csv", 2020, 5), Format::Csv, &opts())
            .expect("after the lock is released");
    }

    /// The state a kill leaves after the commit point (journal durable, renames not done):
    /// the next query finishes the import.
    #[test]
    fn a_journal_left_by_a_kill_is_rolled_forward() {
        let d = tempfile::tempdir().expect("tmp");
        let s = TradeStore::open(d.path().join("trade"), rt().handle().clone()).expect("open");
        s.import_file(&csv(d.path(), "a.csv", 2015, 1), Format::Csv, &opts())
            .expect("import");
        // A second import, staged and journaled by hand but not applied.
        let other = d.path().join("other");
        let o = TradeStore::open(&other, rt().handle().clone()).expect("open");
        o.import_file(&csv(d.path(), "b.csv", 2016, 2), Format::Csv, &opts())
            .expect("import");
        let entry = o.manifest().expect("manifest").imports.remove(0);
        let mut j = Journal {
            manifest: s.manifest().expect("manifest"),
            ..Journal::default()
        };
        for rel in &entry.parts {
            let staged = format!("{STAGING}/{rel}");
            let to = s.root().join(&staged);
            fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            fs::copy(other.join(rel), &to).expect("copy");
            j.renames.push((staged, rel.clone()));
        }
        j.manifest.imports.push(entry);
        write_atomic(
            &s.root().join(JOURNAL),
            &serde_json::to_vec(&j).expect("json"),
        )
        .expect("journal");
        assert!(s.check().expect("check").pending_journal);
        assert_eq!(
            exports(&s).expect("totals"),
            vec![("2015".into(), Some(12.0)), ("2016".into(), Some(24.0))]
        );
        assert!(!s.root().join(JOURNAL).exists());
        assert!(!s.root().join(STAGING).exists());
        assert!(s.check().expect("check").healthy());
    }

    /// The state a kill leaves before the commit point (files staged, no journal): the next
    /// writer drops them and the figures are those from before.
    #[test]
    fn staging_without_a_journal_is_rolled_back() {
        let d = tempfile::tempdir().expect("tmp");
        let s = TradeStore::open(d.path().join("trade"), rt().handle().clone()).expect("open");
        s.import_file(&csv(d.path(), "a.csv", 2015, 1), Format::Csv, &opts())
            .expect("import");
        let junk = s
            .root()
            .join(STAGING)
            .join("records/reporter=CN/year=2015/part-x.parquet");
        fs::create_dir_all(junk.parent().expect("parent")).expect("mkdir");
        fs::write(&junk, b"half a file").expect("write");
        let c = s.check().expect("check");
        assert!(
            !c.healthy() && c.temp_files == vec![format!("{STAGING}/")],
            "{c:?}"
        );
        // Queries are not misled by staged files (they are outside records/) …
        assert_eq!(
            exports(&s).expect("totals"),
            vec![("2015".into(), Some(12.0))]
        );
        // … and the next writer drops them.
        drop(s.write_lock().expect("lock"));
        assert!(!s.root().join(STAGING).exists());
        assert!(s.check().expect("check").healthy());
    }

    /// Queries running during revising imports see each import whole: the figures of
    /// before or of after, never both summed, never a gap.
    #[test]
    fn readers_during_writes_see_whole_imports() {
        let d = tempfile::tempdir().expect("tmp");
        let root = d.path().join("trade");
        let s = TradeStore::open(&root, rt().handle().clone()).expect("open");
        s.import_file(&csv(d.path(), "v1.csv", 2015, 1), Format::Csv, &opts())
            .expect("import");
        let revisions: Vec<PathBuf> = (2..=6)
            .map(|v| csv(d.path(), &format!("v{v}.csv"), 2015, v))
            .collect();
        let done = std::sync::atomic::AtomicBool::new(false);
        let seen = std::thread::scope(|sc| {
            sc.spawn(|| {
                let w = TradeStore::open(&root, rt().handle().clone()).expect("open");
                for f in &revisions {
                    w.import_file(f, Format::Csv, &opts()).expect("revise");
                }
                done.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            let mut seen = BTreeSet::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let t = exports(&s).expect("totals");
                assert_eq!(t.len(), 1, "{t:?}");
                let v = t[0].1.expect("a figure");
                assert!(
                    [12.0, 24.0, 36.0, 48.0, 60.0, 72.0].contains(&v),
                    "a mixed figure: {v}"
                );
                seen.insert(v as i64);
                if finished {
                    break seen;
                }
            }
        });
        assert!(seen.contains(&72), "{seen:?}");
    }

    #[test]
    fn write_atomic_never_shares_a_temporary_file() {
        let d = tempfile::tempdir().expect("tmp");
        let p = d.path().join("m.json");
        std::thread::scope(|sc| {
            for i in 0..8 {
                let p = &p;
                sc.spawn(move || {
                    for k in 0..50 {
                        let body = format!(
                            "{{\"writer\":{i},\"n\":{k},\"pad\":\"{}\"}}",
                            "x".repeat(i * 300)
                        );
                        write_atomic(p, body.as_bytes()).expect("write");
                    }
                });
            }
        });
        let v: serde_json::Value =
            serde_json::from_slice(&fs::read(&p).expect("read")).expect("whole JSON");
        assert_eq!(v["n"], 49);
        let left: Vec<_> = fs::read_dir(d.path())
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty());
    }
}
