#pragma once

// A real SQLite database in a scratch folder, with the stores and a settable clock, for the
// tests of the core services.

#include "core/clock.hpp"
#include "core/job_service.hpp"
#include "core/reminders/delivery.hpp"
#include "core/run_liveness.hpp"
#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/reminder_store.hpp"
#include "util/time.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace certcron::testing {

inline Seconds at(const char* rfc3339) {
  auto parsed = util::parse_rfc3339(rfc3339);
  REQUIRE(parsed);
  return *parsed;
}

// Keeps every message it is given; fails (and keeps nothing) while `failing` is set.
class RecordingDelivery final : public reminders::Delivery {
 public:
  Result<void> deliver(const reminders::Message& message) override {
    if (failing) {
      return fail(Error::failed("mail relay refused the message"));
    }
    sent.push_back(message);
    return {};
  }
  std::vector<reminders::Message> sent;
  bool failing = false;
};

// Every run's process counts as alive (this process is pid 1 to the services).
inline RunLiveness everyone_alive() {
  return {[](std::int64_t, std::int64_t) { return true; }, 1};
}

// Another connection to a database file, as a second certcron process (cron's, the server's)
// has: its own SQLite handle and stores.
struct Connection {
  std::unique_ptr<SQLite::Database> db;
  std::unique_ptr<store::SqliteJobStore> jobs;
  std::unique_ptr<store::SqliteReminderStore> reminders;

  explicit Connection(const std::string& path) {
    auto opened = store::open_database(path);
    REQUIRE(opened);
    db = std::move(*opened);
    jobs = std::make_unique<store::SqliteJobStore>(*db, path);
    reminders = std::make_unique<store::SqliteReminderStore>(*db);
  }
};

struct ServiceFixture {
  std::string folder;
  std::unique_ptr<SQLite::Database> db;
  std::unique_ptr<store::SqliteJobStore> jobs;
  std::unique_ptr<store::SqliteReminderStore> reminders;
  FixedClock clock{at("2026-03-25T12:00:00Z")};

  ServiceFixture() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "certcron-services.XXXXXX").string();
    folder = mkdtemp(pattern.data());
    auto opened = store::open_database(folder + "/certcron.db");
    REQUIRE(opened);
    db = std::move(*opened);
    jobs = std::make_unique<store::SqliteJobStore>(*db, folder + "/certcron.db");
    reminders = std::make_unique<store::SqliteReminderStore>(*db);
  }
  ~ServiceFixture() { std::filesystem::remove_all(folder); }

  std::string path() const { return folder + "/certcron.db"; }
  Connection connect() const { return Connection(path()); }

  Job add_job(const std::string& name, const std::string& expression, int grace = 5) {
    JobDefinition definition;
    definition.name = name;
    definition.cron_expression = expression;
    definition.server_timezone = "UTC";
    definition.grace_time_in_minutes = grace;
    auto job = jobs->insert_job(definition, clock.now());
    REQUIRE(job);
    return *job;
  }
};

}  // namespace certcron::testing
