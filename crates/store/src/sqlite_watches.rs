//! [`Watches`] on the embedded SQLite store (migration 9).

use rusqlite::{OptionalExtension, Row, params};

use crate::watches::{WatchRow, Watches};
use crate::{SqliteStore, StoreError};

const COLS: &str = "id, url, outlet, lang, links, every_secs, created_by, created, etag, \
                    last_modified, last_polled, next_due, last_status, last_error, failures, last_job";

fn watch_row(r: &Row) -> rusqlite::Result<WatchRow> {
    Ok(WatchRow {
        id: r.get(0)?,
        url: r.get(1)?,
        outlet: r.get(2)?,
        lang: r.get(3)?,
        links: r.get(4)?,
        every_secs: r.get::<_, i64>(5)?.max(1) as u64,
        created_by: r.get(6)?,
        created: r.get(7)?,
        etag: r.get(8)?,
        last_modified: r.get(9)?,
        last_polled: r.get(10)?,
        next_due: r.get(11)?,
        last_status: r.get(12)?,
        last_error: r.get(13)?,
        failures: r.get::<_, i64>(14)?.clamp(0, u32::MAX as i64) as u32,
        last_job: r.get(15)?,
    })
}

fn secs(w: &WatchRow) -> i64 {
    w.every_secs.min(i64::MAX as u64) as i64
}

impl Watches for SqliteStore {
    fn add_watch(&self, w: &WatchRow) -> Result<(), StoreError> {
        self.write(|c| {
            let tx = c.conn.transaction()?;
            let taken = tx
                .prepare_cached("SELECT 1 FROM watches WHERE url = ?1")?
                .exists([&w.url])?;
            if taken {
                return Err(StoreError::Exists {
                    what: "watch of",
                    id: w.url.clone(),
                });
            }
            tx.execute(
                &format!(
                    "INSERT INTO watches ({COLS}) VALUES \
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                ),
                params![
                    w.id,
                    w.url,
                    w.outlet,
                    w.lang,
                    w.links,
                    secs(w),
                    w.created_by,
                    w.created,
                    w.etag,
                    w.last_modified,
                    w.last_polled,
                    w.next_due,
                    w.last_status,
                    w.last_error,
                    w.failures as i64,
                    w.last_job
                ],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn watch(&self, id: &str) -> Result<Option<WatchRow>, StoreError> {
        self.read(|c| {
            Ok(
                c.prepare_cached(&format!("SELECT {COLS} FROM watches WHERE id = ?1"))?
                    .query_row([id], watch_row)
                    .optional()?,
            )
        })
    }

    fn watches(&self) -> Result<Vec<WatchRow>, StoreError> {
        self.read(|c| {
            let mut st =
                c.prepare_cached(&format!("SELECT {COLS} FROM watches ORDER BY created, id"))?;
            let rows = st.query_map([], watch_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn update_watch(&self, w: &WatchRow) -> Result<(), StoreError> {
        self.write(|c| {
            let n = c.conn.execute(
                "UPDATE watches SET outlet = ?2, lang = ?3, links = ?4, every_secs = ?5, \
                 etag = ?6, last_modified = ?7, last_polled = ?8, next_due = ?9, \
                 last_status = ?10, last_error = ?11, failures = ?12, last_job = ?13 WHERE id = ?1",
                params![
                    w.id,
                    w.outlet,
                    w.lang,
                    w.links,
                    secs(w),
                    w.etag,
                    w.last_modified,
                    w.last_polled,
                    w.next_due,
                    w.last_status,
                    w.last_error,
                    w.failures as i64,
                    w.last_job
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "watch",
                    id: w.id.clone(),
                });
            }
            Ok(())
        })
    }

    fn remove_watch(&self, id: &str) -> Result<(), StoreError> {
        self.write(|c| {
            let n = c.conn.execute("DELETE FROM watches WHERE id = ?1", [id])?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "watch",
                    id: id.to_string(),
                });
            }
            Ok(())
        })
    }

    fn due_watches(&self, now: &str) -> Result<Vec<WatchRow>, StoreError> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {COLS} FROM watches WHERE next_due <= ?1 ORDER BY next_due, id"
            ))?;
            let rows = st.query_map([now], watch_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn seen_items(&self, watch: &str, urls: &[String]) -> Result<Vec<String>, StoreError> {
        self.read(|c| {
            let mut st =
                c.prepare_cached("SELECT 1 FROM watch_items WHERE watch_id = ?1 AND url = ?2")?;
            let mut seen = Vec::new();
            for u in urls {
                if st.exists(params![watch, u])? {
                    seen.push(u.clone());
                }
            }
            Ok(seen)
        })
    }

    fn mark_seen(&self, watch: &str, urls: &[String], at: &str) -> Result<(), StoreError> {
        self.write(|c| {
            let tx = c.conn.transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO watch_items (watch_id, url, first_seen) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(watch_id, url) DO NOTHING",
                )?;
                for u in urls {
                    put.execute(params![watch, u, at])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }
}
