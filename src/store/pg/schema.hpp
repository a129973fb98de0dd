#pragma once

// The PostgreSQL schema and its versioned migrations (the version is in certcron_meta).

#include "store/pg/connection.hpp"


namespace certcron::store::pg {

// Advisory lock keys (pg_advisory_xact_lock(class, id)): certcron's class, then what is
// locked. kWriterLock serialises certcron's write transactions as SQLite's one writer does.
inline constexpr int kLockClass = 0x63657274;  // "cert"
inline constexpr int kMigrationLock = 1;
inline constexpr int kWriterLock = 2;
// How every certcron write transaction begins: writers queue on the lock (for up to 5 s, then
// ErrorKind::busy), so a decision read inside one holds until it commits, as on SQLite.
inline constexpr const char* kBeginWrite = "BEGIN; SET LOCAL lock_timeout = '5s'; SELECT pg_advisory_xact_lock(1667592820, 2)";

int latest_version();


// Brings the database to latest_version() under an advisory lock, so that hosts starting
// together apply each step once; refuses a database with a newer version. Throws Failure.
void migrate(Connection& connection);

}  // namespace certcron::store::pg
