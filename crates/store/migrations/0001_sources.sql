-- Sources: one row per distinct normalised text.
CREATE TABLE sources (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    outlet            TEXT,
    lang              TEXT NOT NULL,
    lang_spans        TEXT,              -- JSON array of {start,end,lang}, NULL when one language
    published         TEXT,              -- EDTF: YYYY, YYYY-MM or YYYY-MM-DD
    published_days    INTEGER,           -- days since 1970-01-01 of the first day covered
    url               TEXT,
    title             TEXT,
    text              TEXT NOT NULL,     -- normalised; citations point into it
    original_text     TEXT,              -- as decoded, NULL when identical to text
    encoding          TEXT NOT NULL,
    format            TEXT NOT NULL,
    origin            TEXT NOT NULL,     -- where it was first seen
    ingested_at       TEXT NOT NULL,
    near_duplicate_of TEXT REFERENCES sources(id),
    similarity        REAL,
    minhash           BLOB NOT NULL
);
CREATE INDEX sources_outlet ON sources(outlet);
CREATE INDEX sources_published ON sources(published_days);
CREATE INDEX sources_near_dup ON sources(near_duplicate_of);

-- Every place a text was seen: re-ingesting from another file or encoding adds a row here.
CREATE TABLE source_origins (
    source_id TEXT NOT NULL REFERENCES sources(id),
    origin    TEXT NOT NULL,
    encoding  TEXT NOT NULL,
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (source_id, origin)
);

-- MinHash LSH band keys for near-duplicate candidates.
CREATE TABLE source_bands (
    band_key INTEGER NOT NULL,
    seq      INTEGER NOT NULL REFERENCES sources(seq)
);
CREATE INDEX source_bands_key ON source_bands(band_key, seq);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
