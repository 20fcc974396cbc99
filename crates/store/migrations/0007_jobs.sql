-- Background jobs of the server (ingest of an upload, extraction): what was asked, by whom,
-- how far it got, what failed per item. A job left `running` or `queued` by a crash is marked
-- `interrupted` when the server starts again, and can be run again (ingest and extraction
-- are idempotent: what was stored stays stored once).
CREATE TABLE jobs (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    created_by TEXT NOT NULL,
    created    TEXT NOT NULL,
    started    TEXT,
    finished   TEXT,
    request    TEXT NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0,
    summary    TEXT,
    error      TEXT
);
CREATE INDEX jobs_created ON jobs(created);

CREATE TABLE job_items (
    job_id  TEXT NOT NULL REFERENCES jobs(id),
    item    TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (job_id, item)
);
