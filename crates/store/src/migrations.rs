//! Versioned schema migrations, applied in order inside one transaction each.
//! The schema version is SQLite's `user_version`.

use std::path::Path;

use rusqlite::Connection;

use crate::StoreError;

/// (version, SQL). Never edit a released migration: add a new one.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_sources.sql")),
    (2, include_str!("../migrations/0002_knowledge_base.sql")),
    (3, include_str!("../migrations/0003_source_bands.sql")),
    (4, include_str!("../migrations/0004_event_versions.sql")),
    (5, include_str!("../migrations/0005_index_outbox.sql")),
    (6, include_str!("../migrations/0006_accounts_audit.sql")),
    (7, include_str!("../migrations/0007_jobs.sql")),
    (8, include_str!("../migrations/0008_job_cancel.sql")),
    (9, include_str!("../migrations/0009_watches.sql")),
];

pub fn latest() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// Brings the database up to the latest schema. Returns the versions applied.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<Vec<i64>, StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found: current,
            known: latest(),
        });
    }
    let mut applied = Vec::new();
    for &(version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        // IMMEDIATE takes the write lock first: two processes opening a new data directory at
        // once apply each migration once, the second finding it done.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now >= version {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|e| StoreError::from(e).at(path))?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        applied.push(version);
    }
    Ok(applied)
}
