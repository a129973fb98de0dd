#pragma once

namespace certcron::store {

// Schema step 2: mentors, certifications and the reminder ledger. Several statements: run it
// with sqlite3_exec (SQLite::Database::exec) inside the migration's transaction.
extern const char* const kMigration2Reminders;

}  // namespace certcron::store
