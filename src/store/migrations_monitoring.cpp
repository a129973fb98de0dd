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

}  // namespace certcron::store
