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

#include <memory>
#include <string>
#include <string_view>

namespace certcron::store {

class Stores {
 public:
  virtual ~Stores() = default;
  virtual JobStore& jobs() = 0;
  virtual reminders::ReminderStore& reminders() = 0;
  virtual PingStore& pings() = 0;
};

// Whether `db` names a PostgreSQL database rather than a SQLite file.
bool is_postgresql(std::string_view db);

// Opens (and migrates) the database `db` names. Errors name the database without any
// password it carries.
Result<std::unique_ptr<Stores>> open_stores(const std::string& db);

}  // namespace certcron::store
