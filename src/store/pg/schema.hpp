#pragma once

// The PostgreSQL schema and its versioned migrations (the version is in certcron_meta).

#include "store/pg/connection.hpp"

#include <chrono>

namespace certcron::store::pg {

// Advisory lock keys (pg_advisory_xact_lock(class, id)): certcron's class, then what is
// locked. kWriterLock serialises certcron's write transactions as SQLite's one writer does.
inline constexpr int kLockClass = 0x63657274;  // "cert"
inline constexpr int kMigrationLock = 1;
inline constexpr int kWriterLock = 2;
inline constexpr int kDeliveryLock = 3;
// How every certcron write transaction begins: writers queue on the lock (for up to 5 s, then
// ErrorKind::busy), so a decision read inside one holds until it commits, as on SQLite.
inline constexpr const char* kBeginWrite = "BEGIN; SET LOCAL lock_timeout = '5s'; SELECT pg_advisory_xact_lock(1667592820, 2)";

int latest_version();

// Takes the session-level advisory lock `id` of certcron's class, trying every 50 ms for up to
// `timeout` (ErrorKind::busy after it). While held, the session asks the server to end it
// when this host stops answering (TCP keepalives), so a dead host's lock does not outlive it
// by more than about a minute.
Result<void> take_session_lock(Connection& connection, int id, std::chrono::milliseconds timeout);
// Releases it; an error (a lost connection, which released it already) is ignored.
void release_session_lock(Connection& connection, int id) noexcept;

// Brings the database to latest_version() under an advisory lock, so that hosts starting
// together apply each step once; refuses a database with a newer version. Throws Failure.
void migrate(Connection& connection);

}  // namespace certcron::store::pg
