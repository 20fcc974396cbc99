-- Near-duplicate band keys: one B-tree keyed (band_key, seq) instead of a rowid table plus an
-- index, and written in sorted batches (see `SqliteStore::flush_bands`). `bands_upto` is the
-- highest source seq whose bands are in the table; sources after it are looked up in memory
-- until the next flush, and re-banded from their stored signature after a crash.
CREATE TABLE source_bands_new (
    band_key INTEGER NOT NULL,
    seq      INTEGER NOT NULL REFERENCES sources(seq),
    PRIMARY KEY (band_key, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO source_bands_new(band_key, seq)
    SELECT band_key, seq FROM source_bands ORDER BY band_key, seq;
DROP TABLE source_bands;
ALTER TABLE source_bands_new RENAME TO source_bands;
INSERT INTO meta(key, value)
    SELECT 'bands_upto', CAST(coalesce(max(seq), 0) AS TEXT) FROM sources WHERE true
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
