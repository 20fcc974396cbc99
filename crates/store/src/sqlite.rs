//! The embedded knowledge base: one SQLite file in WAL mode.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use entente_core::{DateValue, Lang, LangSpan, NewSource, Source, SourceId, minhash};
use rusqlite::{Connection, OptionalExtension, Row, params};

use std::sync::{Mutex, MutexGuard};

use crate::policy::{self, MAX_CANDIDATES_PER_BAND, NearCandidate};
use crate::{ListQuery, PutOutcome, Queued, SourceSummary, Store, StoreError, migrations};

pub struct SqliteStore {
    path: PathBuf,
    /// The one writing connection and what it caches. SQLite has one writer at a time; the
    /// mutex makes that this process's writers take turns instead of failing as busy.
    writer: Mutex<Writer>,
    /// Idle read connections (file databases): in WAL mode they read a consistent snapshot
    /// while the writer writes. An in-memory database has only the writer's connection.
    readers: Mutex<Vec<Connection>>,
    in_memory: bool,
}

/// Read connections kept for reuse.
const IDLE_READERS: usize = 8;

pub(crate) struct Writer {
    pub(crate) conn: Connection,
    /// Band keys of the sources stored after `bands_upto`, not yet in `source_bands`.
    recent: RecentBands,
    /// Near-duplicate candidates read so far: seq → candidate. The same early sources are
    /// candidates for many later ones; a row never changes once stored, so the cache only
    /// has to forget what a rolled-back transaction added.
    candidates: std::collections::HashMap<i64, NearCandidate>,
}

/// Most candidates kept in memory (about 300 bytes each).
const CANDIDATE_CACHE: usize = 1 << 16;

/// Sources whose bands are kept in memory before they are written, sorted, to
/// `source_bands`: random-key inserts into that B-tree, one per band per document, cost more
/// than the rest of storing a document.
const BANDS_FLUSH_EVERY: usize = 50_000;

/// LSH band keys of sources stored since the last [`SqliteStore::flush_bands`]: key → seqs in
/// ascending order (the earliest [`MAX_CANDIDATES_PER_BAND`] only).
#[derive(Default)]
struct RecentBands {
    /// Whether `map` reflects the database (loaded once per connection before the first write).
    loaded: bool,
    docs: usize,
    map: std::collections::HashMap<i64, Vec<i64>>,
}

impl RecentBands {
    /// Empty, and in step with the database.
    fn loaded() -> RecentBands {
        RecentBands {
            loaded: true,
            ..RecentBands::default()
        }
    }

    fn add(&mut self, keys: &[i64], seq: i64) {
        self.docs += 1;
        for &k in keys {
            let v = self.map.entry(k).or_default();
            if v.len() < MAX_CANDIDATES_PER_BAND {
                v.push(seq);
            }
        }
    }
}

const SUMMARY_COLS: &str =
    "id, seq, outlet, lang, published, title, url, length(text), near_duplicate_of";
const SOURCE_COLS: &str = "id, seq, outlet, lang, lang_spans, published, url, title, text, \
     original_text, encoding, format, origin, ingested_at, near_duplicate_of, minhash";

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    ///
    /// Several processes may open a new data directory at once (three `trade import`s, an
    /// ingest and a server): the switch to WAL and the migrations can then meet a lock that
    /// SQLite reports at once rather than through the busy handler. Such an open is retried
    /// for up to 30 seconds before the busy error is returned.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let start = std::time::Instant::now();
        loop {
            match Self::open_once(path) {
                Err(e) if e.is_busy() && start.elapsed() < std::time::Duration::from_secs(30) => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Self, StoreError> {
        let wrap = |e: rusqlite::Error| StoreError::from(e).at(path);
        let mut conn = Connection::open(path).map_err(wrap)?;
        // Wait for another process opening the same new directory (WAL switch, migrations).
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(wrap)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(wrap)?;
        tune(&conn).map_err(wrap)?;
        migrations::migrate(&mut conn, path)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Mutex::new(Writer::new(conn)),
            readers: Mutex::new(Vec::new()),
            in_memory: false,
        })
    }

    /// An in-memory store (tests).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let path = PathBuf::from(":memory:");
        migrations::migrate(&mut conn, &path)?;
        Ok(SqliteStore {
            path,
            writer: Mutex::new(Writer::new(conn)),
            readers: Mutex::new(Vec::new()),
            in_memory: true,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The writer, for one write. A panic in an earlier write rolled its transaction back
    /// (rusqlite's transactions roll back on drop), so a poisoned lock is still usable; the
    /// caches are dropped since they may hold what was rolled back.
    fn writer(&self) -> MutexGuard<'_, Writer> {
        match self.writer.lock() {
            Ok(w) => w,
            Err(poisoned) => {
                let mut w = poisoned.into_inner();
                w.recent = RecentBands::default();
                w.candidates.clear();
                self.writer.clear_poison();
                w
            }
        }
    }

    /// Runs one write on the writer connection.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut Writer) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&mut self.writer())
    }

    /// Runs one read: on an idle read connection (a new one if none is idle), so reads go on
    /// while another thread writes; on the writer's connection for an in-memory database.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.in_memory {
            return f(&self.writer().conn);
        }
        let idle = self.readers.lock().map(|mut r| r.pop()).unwrap_or(None);
        let conn = match idle {
            Some(c) => c,
            None => {
                let wrap = |e: rusqlite::Error| StoreError::from(e).at(&self.path);
                let c = Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | rusqlite::OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(wrap)?;
                tune(&c).map_err(wrap)?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut idle) = self.readers.lock()
            && idle.len() < IDLE_READERS
        {
            idle.push(conn);
        }
        out
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
    }

    pub fn get_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    /// Writes the band keys of every source after `bands_upto` to `source_bands` (see
    /// [`Writer::flush_bands`]). Returns how many keys were written.
    pub fn flush_bands(&self) -> Result<usize, StoreError> {
        self.write(|w| w.flush_bands())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(|w| put_meta(&w.conn, key, value))
    }
}

/// Settings of every connection: wait for a lock rather than fail at once, and memory-mapped
/// reads (ingest and extraction revisit the same index pages, bands and citations, for every
/// document; through read() each visit was a copy).
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
    conn.pragma_update(None, "cache_size", -32768)?;
    Ok(())
}

impl Writer {
    fn new(conn: Connection) -> Writer {
        Writer {
            conn,
            recent: RecentBands::default(),
            candidates: Default::default(),
        }
    }

    /// The highest source seq whose band keys are in `source_bands`.
    fn bands_upto(conn: &Connection) -> Result<i64, StoreError> {
        let v: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'bands_upto'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Loads the band keys of sources stored after `bands_upto` (a previous run that stopped
    /// before flushing them) from their stored signatures, once per connection.
    fn load_recent(&mut self) -> Result<(), StoreError> {
        if self.recent.loaded {
            return Ok(());
        }
        let upto = Self::bands_upto(&self.conn)?;
        let mut recent = RecentBands::loaded();
        unbanded(&self.conn, upto, |seq, keys| recent.add(&keys, seq))?;
        self.recent = recent;
        Ok(())
    }

    /// Writes the band keys of every source after `bands_upto` to `source_bands`, sorted, in
    /// one transaction with the new `bands_upto`. Computed from the stored signatures, so a
    /// crash between storing sources and flushing their bands loses nothing.
    pub(crate) fn flush_bands(&mut self) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let upto = Self::bands_upto(&tx)?;
        let mut rows: Vec<(i64, i64)> = Vec::new();
        let mut last = upto;
        unbanded(&tx, upto, |seq, keys| {
            last = seq;
            rows.extend(keys.into_iter().map(|k| (k, seq)));
        })?;
        if last == upto {
            self.recent = RecentBands::loaded();
            return Ok(0);
        }
        rows.sort_unstable();
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO source_bands(band_key, seq) VALUES (?1, ?2)",
            )?;
            for (k, seq) in &rows {
                ins.execute(params![k, seq])?;
            }
        }
        put_meta(&tx, "bands_upto", &last.to_string())?;
        tx.commit()?;
        self.recent = RecentBands::loaded();
        Ok(rows.len())
    }
}

fn put_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Each source after `upto`, in order, with the band keys of its stored signature.
fn unbanded(
    conn: &Connection,
    upto: i64,
    mut each: impl FnMut(i64, Vec<i64>),
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare("SELECT seq, minhash FROM sources WHERE seq > ?1 ORDER BY seq")?;
    let rows = stmt.query_map([upto], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    for row in rows {
        let (seq, sig) = row?;
        each(seq, minhash::band_keys(&minhash::from_bytes(&sig)));
    }
    Ok(())
}

fn parse_id(table: &'static str, field: &'static str, s: &str) -> Result<SourceId, StoreError> {
    s.parse()
        .map_err(|e: entente_core::CoreError| StoreError::Corrupt {
            table,
            id: s.to_string(),
            field,
            message: e.to_string(),
        })
}

/// Row → summary; columns in SUMMARY_COLS order.
fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<(String, SourceSummary)> {
    let id: String = r.get(0)?;
    let near: Option<String> = r.get(8)?;
    Ok((
        id,
        SourceSummary {
            id: SourceId([0; 16]),
            seq: r.get(1)?,
            outlet: r.get(2)?,
            lang: r.get(3)?,
            published: r.get(4)?,
            title: r.get(5)?,
            url: r.get(6)?,
            chars: r.get(7)?,
            near_duplicate_of: near.and_then(|n| n.parse().ok()),
        },
    ))
}

fn finish_summary(pair: (String, SourceSummary)) -> Result<SourceSummary, StoreError> {
    let (id, mut s) = pair;
    s.id = parse_id("sources", "id", &id)?;
    Ok(s)
}

struct RawSource {
    id: String,
    seq: i64,
    outlet: Option<String>,
    lang: String,
    lang_spans: Option<String>,
    published: Option<String>,
    url: Option<String>,
    title: Option<String>,
    text: String,
    original_text: Option<String>,
    encoding: String,
    format: String,
    origin: String,
    ingested_at: String,
    near_duplicate_of: Option<String>,
    minhash: Vec<u8>,
}

fn raw_from_row(r: &Row<'_>) -> rusqlite::Result<RawSource> {
    Ok(RawSource {
        id: r.get(0)?,
        seq: r.get(1)?,
        outlet: r.get(2)?,
        lang: r.get(3)?,
        lang_spans: r.get(4)?,
        published: r.get(5)?,
        url: r.get(6)?,
        title: r.get(7)?,
        text: r.get(8)?,
        original_text: r.get(9)?,
        encoding: r.get(10)?,
        format: r.get(11)?,
        origin: r.get(12)?,
        ingested_at: r.get(13)?,
        near_duplicate_of: r.get(14)?,
        minhash: r.get(15)?,
    })
}

impl RawSource {
    fn into_source(self) -> Result<Source, StoreError> {
        let corrupt = |field: &'static str, message: String| StoreError::Corrupt {
            table: "sources",
            id: self.id.clone(),
            field,
            message,
        };
        let id = parse_id("sources", "id", &self.id)?;
        let lang: Lang = self
            .lang
            .parse()
            .map_err(|e| corrupt("lang", format!("{e}")))?;
        let lang_spans: Vec<LangSpan> = match &self.lang_spans {
            Some(j) => serde_json::from_str(j).map_err(|e| corrupt("lang_spans", e.to_string()))?,
            None => Vec::new(),
        };
        let published = match &self.published {
            Some(p) => {
                Some(DateValue::parse_loose(p).map_err(|e| corrupt("published", e.to_string()))?)
            }
            None => None,
        };
        let ingested_at = DateTime::parse_from_rfc3339(&self.ingested_at)
            .map_err(|e| corrupt("ingested_at", e.to_string()))?
            .with_timezone(&Utc);
        let near_duplicate_of = match &self.near_duplicate_of {
            Some(n) => Some(parse_id("sources", "near_duplicate_of", n)?),
            None => None,
        };
        let original_text = self.original_text.unwrap_or_else(|| self.text.clone());
        Ok(Source {
            new: NewSource {
                id,
                outlet: self.outlet,
                lang,
                lang_spans,
                published,
                url: self.url,
                title: self.title,
                text: self.text,
                original_text,
                encoding: self.encoding,
                format: self.format,
                origin: self.origin,
                minhash: minhash::from_bytes(&self.minhash),
            },
            seq: self.seq,
            ingested_at,
            near_duplicate_of,
        })
    }
}

impl Store for SqliteStore {
    fn put_source(&self, src: &NewSource) -> Result<PutOutcome, StoreError> {
        let mut out = self.put_sources(std::slice::from_ref(src))?;
        out.pop().unwrap_or_else(|| {
            Err(StoreError::Corrupt {
                table: "sources",
                id: src.id.to_hex(),
                field: "seq",
                message: "no outcome for the stored source".into(),
            })
        })
    }

    fn put_sources(
        &self,
        srcs: &[NewSource],
    ) -> Result<Vec<Result<PutOutcome, StoreError>>, StoreError> {
        let mut guard = self.writer();
        let w = &mut *guard;
        w.load_recent()?;
        let now = Utc::now().to_rfc3339();
        let result = (|| {
            let mut tx = w.conn.transaction()?;
            let mut out = Vec::with_capacity(srcs.len());
            for src in srcs {
                // Each document in its own savepoint: one that fails leaves no trace and the
                // others are kept.
                let sp = tx.savepoint()?;
                match put_one(&sp, src, &now, &w.recent, &mut w.candidates) {
                    Ok((o, keys)) => {
                        sp.commit()?;
                        if let PutOutcome::New { seq, .. } | PutOutcome::NearDuplicate { seq, .. } =
                            o
                        {
                            w.recent.add(&keys, seq);
                        }
                        out.push(Ok(o));
                    }
                    Err(e) => {
                        drop(sp);
                        out.push(Err(e));
                    }
                }
            }
            tx.commit()?;
            Ok(out)
        })();
        match result {
            Ok(out) => {
                if w.recent.docs >= BANDS_FLUSH_EVERY {
                    w.flush_bands()?;
                }
                Ok(out)
            }
            Err(e) => {
                // The transaction rolled back: forget what it added to memory.
                w.recent.loaded = false;
                w.candidates.clear();
                Err(e)
            }
        }
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.flush_bands().map(|_| ())
    }

    fn get_source(&self, id: &SourceId) -> Result<Option<Source>, StoreError> {
        let sql = format!("SELECT {SOURCE_COLS} FROM sources WHERE id = ?1");
        let raw =
            self.read(|c| Ok(c.query_row(&sql, [id.to_hex()], raw_from_row).optional()?))?;
        raw.map(RawSource::into_source).transpose()
    }

    fn resolve_id(&self, prefix: &str) -> Result<SourceId, StoreError> {
        let p = entente_core::id::validate_prefix(prefix)?;
        // Every id with this prefix sorts below the prefix followed by a non-hex letter.
        let hi = format!("{p}g");
        self.read(|c| {
            let ids: Vec<String> = c
                .prepare_cached("SELECT id FROM sources WHERE id >= ?1 AND id < ?2 LIMIT 2")?
                .query_map(params![p, hi], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            match ids.as_slice() {
                [one] => parse_id("sources", "id", one),
                [] => Err(StoreError::no_source(p.clone())),
                _ => {
                    let count: i64 = c.query_row(
                        "SELECT count(*) FROM sources WHERE id >= ?1 AND id < ?2",
                        params![p, hi],
                        |r| r.get(0),
                    )?;
                    Err(StoreError::Ambiguous {
                        prefix: p.clone(),
                        count: count as usize,
                    })
                }
            }
        })
    }

    fn list_sources(&self, q: &ListQuery) -> Result<Vec<SourceSummary>, StoreError> {
        let mut sql = format!("SELECT {SUMMARY_COLS} FROM sources WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        if let Some(o) = &q.outlet {
            args.push(format!("%{}%", o.to_lowercase()));
            sql.push_str(&format!(" AND lower(outlet) LIKE ?{}", args.len()));
        }
        if let Some(l) = &q.lang {
            args.push(format!("{l}%"));
            sql.push_str(&format!(" AND lang LIKE ?{}", args.len()));
        }
        if let Some(after) = q.after {
            sql.push_str(&format!(" AND seq > {after}"));
        }
        sql.push_str(" ORDER BY seq");
        let limit = q.limit.map(|l| l as i64).unwrap_or(-1);
        sql.push_str(&format!(" LIMIT {limit} OFFSET {}", q.offset));
        self.read(|c| {
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), summary_from_row)?;
            rows.map(|r| finish_summary(r?)).collect()
        })
    }

    fn summaries(&self, ids: &[SourceId]) -> Result<Vec<SourceSummary>, StoreError> {
        let sql = format!("SELECT {SUMMARY_COLS} FROM sources WHERE id = ?1");
        self.read(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(pair) = stmt.query_row([id.to_hex()], summary_from_row).optional()? {
                    out.push(finish_summary(pair)?);
                }
            }
            Ok(out)
        })
    }

    fn near_duplicates(&self, id: &SourceId) -> Result<Vec<SourceSummary>, StoreError> {
        let sql = format!(
            "SELECT {SUMMARY_COLS} FROM sources
             WHERE near_duplicate_of = ?1
                OR id = (SELECT near_duplicate_of FROM sources WHERE id = ?1)
             ORDER BY seq"
        );
        self.read(|c| {
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([id.to_hex()], summary_from_row)?;
            rows.map(|r| finish_summary(r?)).collect()
        })
    }

    fn origins(&self, id: &SourceId) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT origin || ' (' || encoding || ')' FROM source_origins
                 WHERE source_id = ?1 ORDER BY seen_at, origin",
            )?;
            let rows = stmt.query_map([id.to_hex()], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn all_ids(&self) -> Result<Vec<(i64, SourceId)>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT seq, id FROM sources ORDER BY seq")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            rows.map(|r| {
                let (seq, id) = r?;
                Ok((seq, parse_id("sources", "id", &id)?))
            })
            .collect()
        })
    }

    fn count_sources(&self) -> Result<u64, StoreError> {
        self.read(|c| {
            Ok(c.query_row("SELECT count(*) FROM sources", [], |r| r.get::<_, i64>(0))? as u64)
        })
    }

    fn source_text(&self, id: &SourceId) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT text FROM sources WHERE id = ?1")?
                .query_row([id.to_hex()], |r| r.get(0))
                .optional()?)
        })
    }

    fn index_queue(&self, limit: usize) -> Result<Vec<Queued>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT entry, source_id FROM index_outbox ORDER BY entry LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.map(|r| {
                let (entry, id) = r?;
                Ok(Queued {
                    entry,
                    source: parse_id("index_outbox", "source_id", &id)?,
                })
            })
            .collect()
        })
    }

    fn index_done(&self, entries: &[i64]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        self.write(|w| {
            let tx = w.conn.transaction()?;
            {
                let mut del = tx.prepare_cached("DELETE FROM index_outbox WHERE entry = ?1")?;
                for e in entries {
                    del.execute([e])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn index_queue_len(&self) -> Result<u64, StoreError> {
        self.read(|c| {
            Ok(c.query_row("SELECT count(*) FROM index_outbox", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
        })
    }

    fn queue_all_for_index(&self) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn.execute(
                "INSERT INTO index_outbox(source_id) SELECT id FROM sources ORDER BY seq",
                [],
            )?;
            Ok(())
        })
    }

    fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut problems = Vec::new();
            let mut stmt = c.prepare("PRAGMA integrity_check")?;
            for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
                let line = row?;
                if line != "ok" {
                    problems.push(format!("sqlite: {line}"));
                }
            }
            let mut fk = c.prepare("PRAGMA foreign_key_check")?;
            for row in fk.query_map([], |r| r.get::<_, String>(0))? {
                problems.push(format!("foreign key violation in table {}", row?));
            }
            Ok(problems)
        })
    }
}

/// Stores one source inside the caller's transaction or savepoint (see [`Store::put_source`]).
/// Also returns the source's band keys (empty when it was already stored).
fn put_one(
    tx: &rusqlite::Connection,
    src: &NewSource,
    now: &str,
    recent: &RecentBands,
    cache: &mut std::collections::HashMap<i64, NearCandidate>,
) -> Result<(PutOutcome, Vec<i64>), StoreError> {
    let id = src.id.to_hex();
    let exists: Option<i64> = tx
        .query_row("SELECT seq FROM sources WHERE id = ?1", [&id], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        tx.execute(
            "INSERT OR IGNORE INTO source_origins(source_id, origin, encoding, seen_at)
                 VALUES (?1, ?2, ?3, ?4)",
            params![id, src.origin, src.encoding, now],
        )?;
        return Ok((PutOutcome::Unchanged { id: src.id }, Vec::new()));
    }

    // Near-duplicate candidates: the earliest few stored sources sharing each LSH band (the
    // same early sources turn up in many bands: collect the distinct candidates first, an
    // index-only scan), compared in storage order by the policy.
    let keys = minhash::band_keys(&src.minhash);
    let mut seqs = std::collections::BTreeSet::new();
    if !keys.is_empty() {
        let mut band_stmt = tx.prepare_cached(
            "SELECT seq FROM source_bands WHERE band_key = ?1 ORDER BY seq LIMIT ?2",
        )?;
        for key in &keys {
            let rows = band_stmt.query_map(params![key, MAX_CANDIDATES_PER_BAND as i64], |r| {
                r.get::<_, i64>(0)
            })?;
            let mut n = 0;
            for seq in rows {
                seqs.insert(seq?);
                n += 1;
            }
            // Sources stored since the last band flush come after those in the table.
            if n < MAX_CANDIDATES_PER_BAND
                && let Some(later) = recent.map.get(key)
            {
                seqs.extend(later.iter().take(MAX_CANDIDATES_PER_BAND - n));
            }
        }
    }
    let mut cand_stmt =
        tx.prepare_cached("SELECT id, near_duplicate_of, minhash FROM sources WHERE seq = ?1")?;
    // Loaded lazily: the policy stops at the first similar candidate.
    let candidates = seqs.into_iter().filter_map(|seq| {
        if let Some(c) = cache.get(&seq) {
            return Some(Ok(c.clone()));
        }
        let row = cand_stmt
            .query_row([seq], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })
            .optional();
        let (id, root, sig) = match row {
            Ok(Some(row)) => row,
            Ok(None) => return None,
            Err(e) => return Some(Err(StoreError::from(e))),
        };
        let c = (|| {
            Ok(NearCandidate {
                id: parse_id("sources", "id", &id)?,
                root: root
                    .map(|r| parse_id("sources", "near_duplicate_of", &r))
                    .transpose()?,
                signature: minhash::from_bytes(&sig),
            })
        })();
        if let Ok(c) = &c {
            if cache.len() >= CANDIDATE_CACHE {
                cache.clear();
            }
            cache.insert(seq, c.clone());
        }
        Some(c)
    });
    let near = policy::first_near_duplicate(&src.minhash, candidates)?;

    let spans = if src.lang_spans.is_empty() {
        None
    } else {
        Some(
            serde_json::to_string(&src.lang_spans).map_err(|e| StoreError::Corrupt {
                table: "sources",
                id: id.clone(),
                field: "lang_spans",
                message: e.to_string(),
            })?,
        )
    };
    let original = (src.original_text != src.text).then_some(&src.original_text);
    tx.execute(
        "INSERT INTO sources(id, outlet, lang, lang_spans, published, published_days, url,
                 title, text, original_text, encoding, format, origin, ingested_at,
                 near_duplicate_of, similarity, minhash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            id,
            src.outlet,
            src.lang.tag(),
            spans,
            src.published.map(|p| p.to_string()),
            src.published.map(|p| p.epoch_days()),
            src.url,
            src.title,
            src.text,
            original,
            src.encoding,
            src.format,
            src.origin,
            now,
            near.map(|n| n.0.to_hex()),
            near.map(|n| n.1),
            minhash::to_bytes(&src.minhash),
        ],
    )?;
    let seq = tx.last_insert_rowid();
    tx.execute(
        "INSERT OR IGNORE INTO source_origins(source_id, origin, encoding, seen_at)
             VALUES (?1, ?2, ?3, ?4)",
        params![id, src.origin, src.encoding, now],
    )?;
    tx.prepare_cached("INSERT INTO index_outbox(source_id) VALUES (?1)")?
        .execute([&id])?;
    let outcome = match near {
        Some((of, similarity)) => PutOutcome::NearDuplicate {
            id: src.id,
            seq,
            of,
            similarity,
        },
        None => PutOutcome::New { id: src.id, seq },
    };
    Ok((outcome, keys))
}
