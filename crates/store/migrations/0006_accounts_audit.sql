-- A team's server: accounts, their sessions and API tokens, and an append-only audit log of
-- analysts' decisions. Secrets are never stored: passwords as argon2id PHC strings, session
-- and API tokens as the BLAKE3 hash of the random token the client holds.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL,
    updated       TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users(name),
    csrf_hash  TEXT NOT NULL,
    created    TEXT NOT NULL,
    expires    TEXT NOT NULL,
    last_used  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_name);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_name  TEXT NOT NULL REFERENCES users(name),
    label      TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    created    TEXT NOT NULL,
    expires    TEXT NOT NULL,
    revoked    TEXT,
    last_used  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_name);

-- Append-only: nothing updates or deletes a row (triggers refuse it).
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    who     TEXT NOT NULL,
    action  TEXT NOT NULL,
    entity  TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before  TEXT,
    after   TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
