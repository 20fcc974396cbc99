-- Watched sources: feeds and index pages a server polls on schedule. A watch remembers the
-- validators of its last answer (ETag, Last-Modified) for conditional requests, when it is
-- due next, and how its last poll went; `watch_items` holds every item address it has taken
-- in, so an item is fetched and ingested once however often it stays in the feed.
CREATE TABLE watches (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    outlet        TEXT,
    lang          TEXT,
    links         TEXT,
    every_secs    INTEGER NOT NULL CHECK (every_secs > 0),
    created_by    TEXT NOT NULL,
    created       TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    next_due      TEXT NOT NULL,
    last_status   TEXT,
    last_error    TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_job      TEXT
);
CREATE INDEX watches_next_due ON watches(next_due);

CREATE TABLE watch_items (
    watch_id   TEXT NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (watch_id, url)
);
