-- The import floor: what `certcron import certifications.csv` must do at least, in SQL, run by
-- the sqlite3 shell in the folder holding certifications.csv, on a database that already has
-- certcron's schema (run.sh makes it with `certcron import` of a header-only file).
-- Written from the schema and the CSV's columns, not from certcron's import code.
--
-- Why it is tight: the CSV is read and parsed once (the shell's .import, one prepared INSERT
-- per row into a staging table); every row then costs one upsert into mentors (a primary-key
-- lookup) and one into certifications (a lookup on the (mentor_id, certification) index, then
-- the row and that index entry written); the expiry is converted once per row by SQLite's date
-- functions; the expires_at index is dropped and built again at the end, one sort instead of a
-- million random inserts (cheaper whenever the file is a large part of the table, as here);
-- everything is one transaction with one commit.
-- What it skips that certcron does: checking each row (a valid email, the dates) and
-- reporting errors by line, counting inserted/updated rows, the foreign-key check of each
-- certification's mentor (the upsert just before guarantees it).
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
DROP INDEX certifications_by_expiry;
CREATE TEMP TABLE staging (
  mentor_id TEXT, name TEXT, email TEXT, certification TEXT, expires_at TEXT, issued_at TEXT
);
.import --csv --skip 1 --schema temp certifications.csv staging
-- Mentors in file order, so the latest row of a mentor sets the name and email; a row that
-- changes nothing writes nothing.
INSERT INTO mentors (mentor_id, name, email)
  SELECT mentor_id, name, email FROM staging WHERE true ORDER BY rowid
  ON CONFLICT (mentor_id) DO UPDATE SET name = excluded.name, email = excluded.email
    WHERE name IS NOT excluded.name OR email IS NOT excluded.email;
-- expires_on: a date as given, an RFC 3339 instant in UTC; expires_at: UTC seconds (midnight
-- UTC for a date).
INSERT INTO certifications (mentor_id, certification, expires_on, expires_at, issued_at)
  SELECT mentor_id, certification,
         CASE WHEN length(expires_at) = 10 THEN expires_at
              ELSE strftime('%Y-%m-%dT%H:%M:%SZ', expires_at) END,
         unixepoch(expires_at), nullif(issued_at, '')
  FROM staging WHERE true ORDER BY rowid
  ON CONFLICT (mentor_id, certification) DO UPDATE SET
    expires_on = excluded.expires_on, expires_at = excluded.expires_at,
    issued_at = excluded.issued_at;
CREATE INDEX certifications_by_expiry ON certifications (expires_at, expires_on);
-- The totals a run reports, kept with the data (schema step 6).
UPDATE reminder_totals SET mentors = (SELECT count(*) FROM mentors),
  certifications = (SELECT count(*) FROM certifications), data_version = data_version + 1;
COMMIT;
