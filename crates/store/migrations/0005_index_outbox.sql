-- The search index is fed from an outbox: a document is queued in the transaction that stores
-- it and leaves the queue once an index commit holds it. Before this, the index caught up by
-- `seq`, which concurrent writers to a server database commit out of order. Every stored source
-- is queued once here; replaying a document the index already holds replaces it.
CREATE TABLE index_outbox (
    entry     INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL REFERENCES sources(id)
);
INSERT INTO index_outbox(source_id) SELECT id FROM sources ORDER BY seq;
