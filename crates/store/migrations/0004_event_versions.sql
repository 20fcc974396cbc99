-- Every event carries a version, raised by each change of what an analyst can edit (type, date,
-- place, framework, participants, status). An edit names the version it was made on; a stale
-- one is a conflict, never a silent overwrite.
ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
