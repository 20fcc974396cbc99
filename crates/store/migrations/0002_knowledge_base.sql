-- Actors: the gazetteer as stored (bundled data, user additions, imports).
CREATE TABLE actors (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    data       TEXT NOT NULL,          -- JSON of the whole actor (names, positions, ...)
    origin     TEXT NOT NULL,          -- 'bundled', 'user', 'import:<file>'
    updated_at TEXT NOT NULL
);
CREATE TABLE actor_names (
    actor_id TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    lang     TEXT NOT NULL,
    name     TEXT NOT NULL,
    folded   TEXT NOT NULL,            -- lower-cased, variant-folded, for look-ups
    PRIMARY KEY (actor_id, lang, name)
);
CREATE INDEX actor_names_folded ON actor_names(folded);

-- Events and their evidence.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    date        TEXT,                  -- EDTF
    first_day   INTEGER,               -- epoch days, for range queries
    last_day    INTEGER,
    place_id    TEXT,
    framework   TEXT,
    quantities  TEXT,                  -- JSON array
    status      TEXT NOT NULL DEFAULT 'extracted',
    confidence  REAL NOT NULL,
    edited      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX events_type_day ON events(type, first_day);
CREATE INDEX events_day ON events(first_day);

CREATE TABLE event_participants (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    role     TEXT NOT NULL,
    PRIMARY KEY (event_id, actor_id)
);
CREATE INDEX event_participants_actor ON event_participants(actor_id);

CREATE TABLE statements (
    id        TEXT PRIMARY KEY,
    event_id  TEXT REFERENCES events(id) ON DELETE SET NULL,
    speaker   TEXT,
    verb      TEXT NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id),
    start     INTEGER NOT NULL,
    end       INTEGER NOT NULL,
    quote     TEXT NOT NULL
);
CREATE INDEX statements_source ON statements(source_id);
CREATE INDEX statements_event ON statements(event_id);

CREATE TABLE citations (
    id        INTEGER PRIMARY KEY,
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES sources(id),
    start     INTEGER NOT NULL,
    end       INTEGER NOT NULL,
    quote     TEXT NOT NULL,
    auto      INTEGER NOT NULL DEFAULT 1,   -- 0 when an analyst added it
    UNIQUE (event_id, source_id, start, end)
);
CREATE INDEX citations_source ON citations(source_id);

-- Which sources were extracted, with which version of the lexicons.
CREATE TABLE extractions (
    source_id    TEXT PRIMARY KEY REFERENCES sources(id),
    version      TEXT NOT NULL,
    extracted_at TEXT NOT NULL
);
