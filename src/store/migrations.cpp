#include "store/database.hpp"
#include "store/migrations_monitoring.hpp"
#include "store/migrations_reminders.hpp"

namespace certcron::store {
namespace {

// Version 1: jobs, their runs, and the database's identity.
constexpr const char* kMigration1Jobs = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('identity', lower(hex(randomblob(6))));

CREATE TABLE jobs (
  seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
  name                  TEXT NOT NULL UNIQUE,
  description           TEXT NOT NULL DEFAULT '',
  type                  TEXT NOT NULL CHECK (type IN ('cron', 'simple')),
  cron_expression       TEXT,
  frequency_in_minutes  INTEGER,
  grace_time_in_minutes INTEGER NOT NULL,
  server_timezone       TEXT NOT NULL,
  enabled               INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  uuid                  TEXT NOT NULL UNIQUE,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  latest_result         TEXT,
  latest_ping_at        INTEGER,
  snooze_ends_at        INTEGER,
  snooze_minutes        INTEGER
) STRICT;
CREATE INDEX jobs_by_enabled ON jobs (enabled, seq);

CREATE TABLE runs (
  seq                    INTEGER PRIMARY KEY AUTOINCREMENT,
  job_seq                INTEGER NOT NULL REFERENCES jobs (seq) ON DELETE CASCADE,
  trigger                TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'api', 'catch_up')),
  scheduled_for          INTEGER,
  started_at             INTEGER NOT NULL,
  completed_at           INTEGER,
  status                 TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed', 'abandoned')),
  dry_run                INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
  pid                    INTEGER NOT NULL DEFAULT 0,
  mentors_checked        INTEGER,
  certifications_checked INTEGER,
  reminders_sent         INTEGER,
  errors                 INTEGER,
  error_message          TEXT NOT NULL DEFAULT ''
) STRICT;
-- The database, not luck, keeps one running run per job and one run per scheduled slot.
CREATE UNIQUE INDEX runs_one_running_per_job ON runs (job_seq) WHERE status = 'running';
CREATE UNIQUE INDEX runs_one_per_slot ON runs (job_seq, scheduled_for)
  WHERE scheduled_for IS NOT NULL AND dry_run = 0;
CREATE INDEX runs_by_job ON runs (job_seq, seq);
CREATE INDEX runs_by_job_status ON runs (job_seq, status, seq);
)sql";

// A run records when its process started as well as its pid, so a pid reused by another
// process no longer hides that the run's own process died.
constexpr const char* kMigration3RunProcessStart = R"sql(
ALTER TABLE runs ADD COLUMN pid_start INTEGER NOT NULL DEFAULT 0;
)sql";

// A run names its owner (a host, or a Kubernetes Job) and the end of its claim's lease, as
// on PostgreSQL, where several hosts share one database.
constexpr const char* kMigration7RunOwner = R"sql(
ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN lease_until INTEGER;
)sql";

// A run claims each reminder before delivering it (ReminderStore::claim); the claim ends when
// the ledger entry is written, or when its run is over or its lease passed.
constexpr const char* kMigration8ReminderClaims = R"sql(
CREATE TABLE reminder_claims (
  certification_id INTEGER NOT NULL REFERENCES certifications (id) ON DELETE CASCADE,
  expires_on TEXT NOT NULL,
  threshold INTEGER NOT NULL,
  run_seq INTEGER NOT NULL,
  lease_until INTEGER NOT NULL,
  PRIMARY KEY (certification_id, expires_on, threshold)
) STRICT, WITHOUT ROWID;
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> steps{
      {1, "jobs and runs", kMigration1Jobs},
      {2, "mentors, certifications and the reminder ledger", kMigration2Reminders},
      {3, "the start time of a run's process", kMigration3RunProcessStart},
      {4, "the ping history of each job", kMigration4Pings},
      {5, "monitoring flips and alerts, max runtime and catch-up", kMigration5Flips},
      {6, "the due query's covering index, reminder totals and watermarks", kMigration6DueQuery},
      {7, "the owner and lease of a run", kMigration7RunOwner},
      {8, "claims on reminders before their delivery", kMigration8ReminderClaims},
  };
  return steps;
}

int latest_schema_version() { return migrations().back().version; }

}  // namespace certcron::store
