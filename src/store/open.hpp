#pragma once

// Opening the stores of one database, whichever engine holds it: a path is a SQLite file
// (created and migrated when missing), a postgresql:// or postgres:// URL (libpq's syntax,
// is_postgresql_url) a PostgreSQL database, migrated when behind. The three stores
// share one connection, so a ping and the job's monitoring state, or a run's ledger entries
// and its end, can be written in one transaction (JobStore::in_transaction).

#include "core/error.hpp"
#include "core/ping_store.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/store.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace certcron::store {

// Held while a run delivers reminders; released when destroyed.
class DeliveryLock {
 public:
  virtual ~DeliveryLock() = default;
};

class Stores {
 public:
  virtual ~Stores() = default;
  virtual JobStore& jobs() = 0;
  virtual reminders::ReminderStore& reminders() = 0;
  virtual PingStore& pings() = 0;
  // Runs of different jobs read and write one ledger: two delivering at once (two jobs on one
  // schedule, the API and cron, two hosts) would each find the same reminders due and each
  // deliver them. A run that delivers holds this lock, which excludes every other holder of
  // it on this database, from any host, from its due query to its last ledger entry.
  // ErrorKind::busy when another holder kept it for `timeout`. Held by a process that dies,
  // it is released: with the process (SQLite: a lock file beside the database) or with its
  // database session (PostgreSQL: an advisory lock; the server ends the session of a host
  // that stopped answering within a minute).
  virtual Result<std::unique_ptr<DeliveryLock>> lock_delivery(std::chrono::milliseconds timeout) = 0;
};

// Whether `db` names a PostgreSQL database rather than a SQLite file.
bool is_postgresql(std::string_view db);

// Opens (and migrates) the database `db` names. Errors name the database without any
// password it carries.
Result<std::unique_ptr<Stores>> open_stores(const std::string& db);

}  // namespace certcron::store
