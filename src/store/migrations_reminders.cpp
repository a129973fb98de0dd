#include "store/migrations_reminders.hpp"

namespace certcron::store {

// certifications.expires_on is the ledger key: a date-only expiry as given ("2026-04-10"), an
// RFC 3339 instant normalised to UTC ("2026-04-09T21:00:00Z"). expires_at is the same expiry
// in UTC seconds (midnight UTC for a date) for the index the nightly range scan uses.
//
// reminder_ledger has no foreign key to runs: a ledger entry must outlive the job and run
// that wrote it, or deleting a job would send every reminder again. threshold -1 is the
// reminder sent after expiry; outcome 'superseded' marks a less urgent reminder passed over
// when a more urgent one was sent (a missed week), so it is never sent later.
const char* const kMigration2Reminders = R"sql(
CREATE TABLE mentors (
  mentor_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL
) STRICT;

CREATE TABLE certifications (
  id INTEGER PRIMARY KEY,
  mentor_id TEXT NOT NULL REFERENCES mentors (mentor_id) ON DELETE CASCADE,
  certification TEXT NOT NULL,
  expires_on TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  issued_at TEXT,
  UNIQUE (mentor_id, certification)
) STRICT;

CREATE INDEX certifications_by_expiry ON certifications (expires_at);

CREATE TABLE reminder_ledger (
  certification_id INTEGER NOT NULL REFERENCES certifications (id) ON DELETE CASCADE,
  expires_on TEXT NOT NULL,
  threshold INTEGER NOT NULL CHECK (threshold >= -1),
  outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'superseded')),
  recorded_at INTEGER NOT NULL,
  run_seq INTEGER,
  message_id TEXT,
  PRIMARY KEY (certification_id, expires_on, threshold)
) STRICT, WITHOUT ROWID;
)sql";

// The totals are kept by upsert (inserts) and by the triggers below (deletes, which only a
// mentor's removal cascades to), so a run never counts a million rows to report them.
const char* const kMigration6DueQuery = R"sql(
DROP INDEX certifications_by_expiry;
CREATE INDEX certifications_by_expiry ON certifications (expires_at, expires_on);

CREATE TABLE reminder_totals (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  mentors INTEGER NOT NULL,
  certifications INTEGER NOT NULL,
  data_version INTEGER NOT NULL
) STRICT;
INSERT INTO reminder_totals (id, mentors, certifications, data_version)
  SELECT 1, (SELECT count(*) FROM mentors), (SELECT count(*) FROM certifications), 1;

CREATE TRIGGER mentors_deleted AFTER DELETE ON mentors BEGIN
  UPDATE reminder_totals SET mentors = mentors - 1, data_version = data_version + 1;
END;
CREATE TRIGGER certifications_deleted AFTER DELETE ON certifications BEGIN
  UPDATE reminder_totals SET certifications = certifications - 1,
    data_version = data_version + 1;
END;

CREATE TABLE reminder_watermarks (
  policy TEXT PRIMARY KEY,
  through_day INTEGER NOT NULL,
  data_version INTEGER NOT NULL
) STRICT;
)sql";

}  // namespace certcron::store
