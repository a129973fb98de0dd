#include "store/migrations_monitoring.hpp"

namespace certcron::store {

// One row per ping a job received; the store keeps the newest 1,000 per job (older rows are
// deleted in the transaction that adds one), so the (job_seq, seq) index serves both the
// newest-first listing and that trim. body holds at most 10 kB of what a POST carried.
const char* const kMigration4Pings = R"sql(
CREATE TABLE pings (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  job_seq    INTEGER NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('starting', 'finished', 'failed', 'log')),
  exit_code  INTEGER,
  runtime_ms INTEGER,
  message    TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL DEFAULT '' CHECK (length(CAST(body AS BLOB)) <= 10240),
  rid        TEXT NOT NULL DEFAULT '',
  source     TEXT NOT NULL CHECK (source IN ('cli', 'http')),
  remote     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX pings_by_job ON pings (job_seq, seq);
)sql";



// Every change of a job's monitoring state (up, late, failed, running too long) is one flip;
// alerts are sent from flips, so a job that stays late is reported once. `alert` is where
// the flip's alert stands: pending (to be delivered, retried by each check pass until it
// goes out), sent, snoozed (recorded while the job was snoozed; sent if the job is still in
// that state when the snooze ends) or none (nothing to tell: a recovery from a state that
// was never reported). The partial index finds the pending ones without a scan.
// A job's definition also gains its longest expected run and whether check catches up a
// missed slot.
const char* const kMigration5Flips = R"sql(
CREATE TABLE flips (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  job_seq     INTEGER NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  from_state  TEXT NOT NULL CHECK (from_state IN ('up', 'late', 'failed', 'running_too_long')),
  to_state    TEXT NOT NULL CHECK (to_state IN ('up', 'late', 'failed', 'running_too_long')),
  reason      TEXT NOT NULL,
  slot        INTEGER,
  run_seq     INTEGER,
  alert       TEXT NOT NULL CHECK (alert IN ('pending', 'sent', 'snoozed', 'none')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  alert_error TEXT NOT NULL DEFAULT '',
  alerted_at  INTEGER
) STRICT;
CREATE INDEX flips_by_job ON flips (job_seq, seq);
CREATE INDEX flips_pending ON flips (seq) WHERE alert = 'pending';
ALTER TABLE jobs ADD COLUMN max_runtime_in_minutes INTEGER;
ALTER TABLE jobs ADD COLUMN catch_up INTEGER NOT NULL DEFAULT 1 CHECK (catch_up IN (0, 1));
)sql";

}  // namespace certcron::store
