//! [`Accounts`] on the embedded SQLite store (migration 6).

use rusqlite::{OptionalExtension, Row, params};

use crate::accounts::{Accounts, SessionRow, TokenRow, UserRow};
use crate::{SqliteStore, StoreError};

fn user_row(r: &Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        name: r.get(0)?,
        role: r.get(1)?,
        password_hash: r.get(2)?,
        disabled: r.get::<_, i64>(3)? != 0,
        created: r.get(4)?,
        updated: r.get(5)?,
    })
}

const USER_COLS: &str = "name, role, password_hash, disabled, created, updated";

fn session_row(r: &Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.get(0)?,
        user_name: r.get(1)?,
        csrf_hash: r.get(2)?,
        created: r.get(3)?,
        expires: r.get(4)?,
        last_used: r.get(5)?,
    })
}

fn token_row(r: &Row) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        token_hash: r.get(1)?,
        user_name: r.get(2)?,
        label: r.get(3)?,
        role: r.get(4)?,
        created: r.get(5)?,
        expires: r.get(6)?,
        revoked: r.get(7)?,
        last_used: r.get(8)?,
    })
}

const TOKEN_COLS: &str =
    "id, token_hash, user_name, label, role, created, expires, revoked, last_used";

impl Accounts for SqliteStore {
    fn add_user(&self, u: &UserRow) -> Result<(), StoreError> {
        self.write(|w| {
            let tx = w
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let taken: bool = tx
                .prepare_cached("SELECT 1 FROM users WHERE name = ?1")?
                .exists([&u.name])?;
            if taken {
                return Err(StoreError::Exists {
                    what: "user",
                    id: u.name.clone(),
                });
            }
            tx.execute(
                &format!("INSERT INTO users ({USER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                params![
                    u.name,
                    u.role,
                    u.password_hash,
                    u.disabled as i64,
                    u.created,
                    u.updated
                ],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn user(&self, name: &str) -> Result<Option<UserRow>, StoreError> {
        self.read(|c| {
            Ok(
                c.prepare_cached(&format!("SELECT {USER_COLS} FROM users WHERE name = ?1"))?
                    .query_row([name], user_row)
                    .optional()?,
            )
        })
    }

    fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        self.read(|c| {
            let mut st =
                c.prepare_cached(&format!("SELECT {USER_COLS} FROM users ORDER BY name"))?;
            let rows = st.query_map([], user_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn update_user(&self, u: &UserRow) -> Result<(), StoreError> {
        self.write(|w| {
            let n = w.conn.execute(
                "UPDATE users SET role = ?2, password_hash = ?3, disabled = ?4, updated = ?5 \
                 WHERE name = ?1",
                params![
                    u.name,
                    u.role,
                    u.password_hash,
                    u.disabled as i64,
                    u.updated
                ],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "user",
                    id: u.name.clone(),
                });
            }
            Ok(())
        })
    }

    fn add_session(&self, s: &SessionRow) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn.execute(
                "INSERT INTO sessions (token_hash, user_name, csrf_hash, created, expires, last_used) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![s.token_hash, s.user_name, s.csrf_hash, s.created, s.expires, s.last_used],
            )?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT token_hash, user_name, csrf_hash, created, expires, last_used \
                 FROM sessions WHERE token_hash = ?1",
            )?
            .query_row([token_hash], session_row)
            .optional()?)
        })
    }

    fn touch_session(&self, token_hash: &str, used: &str, expires: &str) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn.execute(
                "UPDATE sessions SET last_used = ?2, expires = ?3 WHERE token_hash = ?1",
                params![token_hash, used, expires],
            )?;
            Ok(())
        })
    }

    fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn
                .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
    }

    fn delete_sessions_of(&self, user: &str) -> Result<u64, StoreError> {
        self.write(|w| {
            Ok(w.conn
                .execute("DELETE FROM sessions WHERE user_name = ?1", [user])?
                as u64)
        })
    }

    fn add_token(&self, t: &TokenRow) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn.execute(
                &format!(
                    "INSERT INTO api_tokens ({TOKEN_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                ),
                params![
                    t.id,
                    t.token_hash,
                    t.user_name,
                    t.label,
                    t.role,
                    t.created,
                    t.expires,
                    t.revoked,
                    t.last_used
                ],
            )?;
            Ok(())
        })
    }

    fn token(&self, token_hash: &str) -> Result<Option<TokenRow>, StoreError> {
        self.read(|c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = ?1"
            ))?
            .query_row([token_hash], token_row)
            .optional()?)
        })
    }

    fn tokens(&self, user: Option<&str>) -> Result<Vec<TokenRow>, StoreError> {
        self.read(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {TOKEN_COLS} FROM api_tokens WHERE ?1 IS NULL OR user_name = ?1 \
                 ORDER BY created DESC, id"
            ))?;
            let rows = st.query_map([user], token_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn revoke_token(&self, id: &str, at: &str) -> Result<(), StoreError> {
        self.write(|w| {
            let n = w.conn.execute(
                "UPDATE api_tokens SET revoked = coalesce(revoked, ?2) WHERE id = ?1",
                params![id, at],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "API token",
                    id: id.to_string(),
                });
            }
            Ok(())
        })
    }

    fn touch_token(&self, id: &str, used: &str) -> Result<(), StoreError> {
        self.write(|w| {
            w.conn.execute(
                "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1",
                params![id, used],
            )?;
            Ok(())
        })
    }
}
