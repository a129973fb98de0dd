#include "store/open.hpp"

#include "core/settings.hpp"

#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/pg/connection.hpp"
#include "store/pg/job_store.hpp"
#include "store/pg/reminder_store.hpp"
#include "store/pg/schema.hpp"
#include "store/ping_store.hpp"
#include "store/reminder_store.hpp"

#include <SQLiteCpp/Database.h>

namespace certcron::store {
namespace {

class SqliteStores final : public Stores {
 public:
  SqliteStores(std::unique_ptr<SQLite::Database> database, const std::string& path)
      : database_(std::move(database)),
        jobs_(*database_, path),
        reminders_(*database_),
        pings_(*database_) {}

  JobStore& jobs() override { return jobs_; }
  reminders::ReminderStore& reminders() override { return reminders_; }
  PingStore& pings() override { return pings_; }

 private:
  std::unique_ptr<SQLite::Database> database_;  // first in, last out: the stores use it
  SqliteJobStore jobs_;
  SqliteReminderStore reminders_;
  SqlitePingStore pings_;
};

// The three stores on one PostgreSQL connection.
class PgStores final : public Stores {
 public:
  explicit PgStores(std::unique_ptr<pg::Connection> connection)
      : connection_(std::move(connection)),
        jobs_(*connection_),
        reminders_(*connection_),
        pings_(*connection_) {}

  JobStore& jobs() override { return jobs_; }
  reminders::ReminderStore& reminders() override { return reminders_; }
  PingStore& pings() override { return pings_; }

 private:
  std::unique_ptr<pg::Connection> connection_;
  pg::PgJobStore jobs_;
  pg::PgReminderStore reminders_;
  pg::PgPingStore pings_;
};

// Never falls back to a SQLite file: a database that cannot be reached is an error.
Result<std::unique_ptr<Stores>> open_postgresql(const std::string& url) {
  auto connection = pg::Connection::open(url);
  if (!connection) {
    return fail(connection.error());
  }
  auto migrated = pg::guarded([&] { pg::migrate(**connection); });
  if (!migrated) {
    return fail(migrated.error());
  }
  return std::unique_ptr<Stores>(std::make_unique<PgStores>(std::move(*connection)));
}

}  // namespace

bool is_postgresql(std::string_view db) { return is_postgresql_url(db); }

Result<std::unique_ptr<Stores>> open_stores(const std::string& db) {
  if (is_postgresql(db)) {
    return open_postgresql(db);
  }
  auto database = open_database(db);
  if (!database) {
    return fail(database.error());
  }
  return std::unique_ptr<Stores>(std::make_unique<SqliteStores>(std::move(*database), db));
}

}  // namespace certcron::store
