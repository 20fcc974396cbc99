//! [`Jobs`] on the embedded SQLite store (migration 7).

use rusqlite::{OptionalExtension, Row, params};

use crate::jobs::{JobItem, JobRow, Jobs};
use crate::{SqliteStore, StoreError};

const COLS: &str =
    "id, kind, state, created_by, created, started, finished, request, done, total, summary, error";

fn json_col(r: &Row, i: usize) -> rusqlite::Result<Option<serde_json::Value>> {
    let s: Option<String> = r.get(i)?;
    s.map(|s| {
        serde_json::from_str(&s).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn job_row(r: &Row) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        state: r.get(2)?,
        created_by: r.get(3)?,
        created: r.get(4)?,
        started: r.get(5)?,
        finished: r.get(6)?,
        request: json_col(r, 7)?.unwrap_or(serde_json::Value::Null),
        done: r.get::<_, i64>(8)? as u64,
        total: r.get::<_, i64>(9)? as u64,
        summary: json_col(r, 10)?,
        error: r.get(11)?,
    })
}

fn text(v: &serde_json::Value) -> String {
    v.to_string()
}

impl Jobs for SqliteStore {
    fn add_job(&self, j: &JobRow) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn.execute(
                &format!(
                    "INSERT INTO jobs ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                ),
                params![
                    j.id,
                    j.kind,
                    j.state,
                    j.created_by,
                    j.created,
                    j.started,
                    j.finished,
                    text(&j.request),
                    j.done as i64,
                    j.total as i64,
                    j.summary.as_ref().map(text),
                    j.error
                ],
            )?;
            Ok(())
        })
    }

    fn job(&self, id: &str) -> Result<Option<JobRow>, StoreError> {
        self.read(|c| {
            Ok(
                c.prepare_cached(&format!("SELECT {COLS} FROM jobs WHERE id = ?1"))?
                    .query_row([id], job_row)
                    .optional()?,
            )
        })
    }

    fn jobs(&self, before: Option<&str>, limit: usize) -> Result<Vec<JobRow>, StoreError> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {COLS} FROM jobs WHERE ?1 IS NULL OR created < ?1 \
                 ORDER BY created DESC, id DESC LIMIT ?2"
            ))?;
            let rows = st.query_map(
                params![before, limit.min(i64::MAX as usize) as i64],
                job_row,
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn update_job(&self, j: &JobRow) -> Result<(), StoreError> {
        self.write(|w| {
            let n = w.conn.execute(
                "UPDATE jobs SET state = ?2, started = ?3, finished = ?4, done = ?5, total = ?6, \
                 summary = ?7, error = ?8 WHERE id = ?1",
                params![
                    j.id,
                    j.state,
                    j.started,
                    j.finished,
                    j.done as i64,
                    j.total as i64,
                    j.summary.as_ref().map(text),
                    j.error
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "job",
                    id: j.id.clone(),
                });
            }
            Ok(())
        })
    }

    fn add_job_items(&self, job: &str, items: &[JobItem]) -> Result<(), StoreError> {
        self.write(|w| {
            let tx = w.conn.transaction()?;
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO job_items (job_id, item, message) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(job_id, item) DO UPDATE SET message = excluded.message",
                )?;
                for i in items {
                    put.execute(params![job, i.item, i.message])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn job_items(&self, job: &str) -> Result<Vec<JobItem>, StoreError> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT item, message FROM job_items WHERE job_id = ?1 ORDER BY item",
            )?;
            let rows = st.query_map([job], |r| {
                Ok(JobItem {
                    item: r.get(0)?,
                    message: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn interrupt_unfinished(&self, at: &str) -> Result<u64, StoreError> {
        self.write(|w| {
            Ok(w.conn.execute(
                "UPDATE jobs SET state = 'interrupted', finished = ?1, \
                 error = coalesce(error, 'the server stopped before the job finished') \
                 WHERE state IN ('queued', 'running')",
                [at],
            )? as u64)
        })
    }
}
