-- The floor for `certcron import`: the sqlite3 shell loads the CSV into a staging table and
-- upserts from it with two INSERT ... SELECT ... ON CONFLICT statements, in one transaction,
-- on the same schema (foreign keys on, the expires_at index kept). No validation, no counts.
-- Run from the folder holding certifications.csv: sqlite3 floor.db < floor.sql
.bail on
PRAGMA foreign_keys = ON;
BEGIN IMMEDIATE;
CREATE TEMP TABLE staging (
  mentor_id TEXT, name TEXT, email TEXT, certification TEXT, expires_at TEXT, issued_at TEXT
);
.import --csv --skip 1 certifications.csv staging
INSERT INTO mentors (mentor_id, name, email)
  SELECT mentor_id, name, email FROM staging WHERE true
  ON CONFLICT (mentor_id) DO UPDATE SET name = excluded.name, email = excluded.email
  WHERE mentors.name IS NOT excluded.name OR mentors.email IS NOT excluded.email;
INSERT INTO certifications (mentor_id, certification, expires_on, expires_at, issued_at)
  SELECT mentor_id, certification,
         CASE WHEN length(expires_at) = 10 THEN expires_at
              ELSE strftime('%Y-%m-%dT%H:%M:%SZ', expires_at) END,
         unixepoch(expires_at), nullif(issued_at, '')
  FROM staging WHERE true
  ON CONFLICT (mentor_id, certification) DO UPDATE
  SET expires_on = excluded.expires_on, expires_at = excluded.expires_at,
      issued_at = excluded.issued_at
  WHERE certifications.expires_on IS NOT excluded.expires_on
     OR certifications.expires_at IS NOT excluded.expires_at
     OR certifications.issued_at IS NOT excluded.issued_at;
DROP TABLE staging;
COMMIT;
