#pragma once

namespace certcron::store {

// Schema step 2: mentors, certifications and the reminder ledger. Several statements: run it
// with sqlite3_exec (SQLite::Database::exec) inside the migration's transaction.
extern const char* const kMigration2Reminders;

// Schema step 6: what lets the nightly check read only what can be due. The expiry index
// covers expires_on (the ledger key), so the anti-join against the ledger never reads a
// certification row; reminder_totals keeps the counts a run reports and a data version that
// every import changing a row bumps; reminder_watermarks records, per policy, the last day a
// complete run covered (see ReminderStore::watermark).
extern const char* const kMigration6DueQuery;

}  // namespace certcron::store
