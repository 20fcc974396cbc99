-- Jobs can be cancelled: a queued job at once, a running one at its next document or source
-- (it keeps what it stored). SQLite cannot change a CHECK constraint in place, so both job
-- tables are rebuilt; job_items_new first refers to jobs_new, and renaming jobs_new to jobs
-- carries that reference along (SQLite >= 3.26 rewrites foreign keys on rename).
CREATE TABLE jobs_new (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
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
INSERT INTO jobs_new (id, kind, state, created_by, created, started, finished, request, done, total, summary, error)
    SELECT id, kind, state, created_by, created, started, finished, request, done, total, summary, error FROM jobs;

CREATE TABLE job_items_new (
    job_id  TEXT NOT NULL REFERENCES jobs_new(id),
    item    TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (job_id, item)
);
INSERT INTO job_items_new (job_id, item, message) SELECT job_id, item, message FROM job_items;

DROP TABLE job_items;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
ALTER TABLE job_items_new RENAME TO job_items;
CREATE INDEX jobs_created ON jobs(created);
