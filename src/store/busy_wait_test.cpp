// Two connections to one database file, as two certcron processes have: a writer waiting for
// the write lock gets its turn between another connection's back-to-back transactions, and
// one held past the busy timeout is reported as busy rather than waited on for ever.

#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/reminder_store.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <functional>
#include <thread>

namespace certcron::store {
namespace {

struct TwoConnections {
  std::string folder;
  std::unique_ptr<SQLite::Database> first;
  std::unique_ptr<SQLite::Database> second;

  TwoConnections() {
    std::string pattern = (std::filesystem::temp_directory_path() / "certcron-busy.XXXXXX").string();
    folder = mkdtemp(pattern.data());
    auto a = open_database(path());
    REQUIRE(a);
    first = std::move(*a);
    auto b = open_database(path());
    REQUIRE(b);
    second = std::move(*b);
  }
  ~TwoConnections() {
    second.reset();
    first.reset();
    std::filesystem::remove_all(folder);
  }
  std::string path() const { return folder + "/certcron.db"; }
};

JobDefinition job_named(const std::string& name) {
  JobDefinition definition;
  definition.name = name;
  definition.cron_expression = "0 2 * * *";
  definition.server_timezone = "UTC";
  return definition;
}

}  // namespace

TEST_SUITE("store.busy") {
  TEST_CASE("a writer gets its turn between another connection's back-to-back transactions") {
    TwoConnections db;
    auto third = open_database(db.path());
    REQUIRE(third);
    SqliteJobStore hammers[] = {SqliteJobStore(*db.first, db.path()),
                                SqliteJobStore(**third, db.path())};
    SqliteJobStore waiter(*db.second, db.path());
    std::atomic<bool> stop{false};
    std::atomic<int> hammered{0};
    // Two connections (as the server's two I/O threads) each hold the lock a few
    // milliseconds and begin again at once, for longer than the busy timeout: the lock is
    // free only in the short gaps one leaves before the other takes it, so a waiter that
    // looked only every 100 ms could miss every gap.
    auto hammer = [&](SqliteJobStore& store, const std::string& prefix) {
      int n = 0;
      while (!stop.load()) {
        auto done = store.in_transaction([&]() -> Result<void> {
          auto inserted = store.insert_job(job_named(prefix + std::to_string(n++)), Seconds{});
          std::this_thread::sleep_for(std::chrono::milliseconds{3});
          return inserted ? Result<void>{} : fail(inserted.error());
        });
        if (done) {
          hammered.fetch_add(1);
        }
      }
    };
    std::thread busy_a(hammer, std::ref(hammers[0]), "a");
    std::thread busy_b(hammer, std::ref(hammers[1]), "b");
    int waited = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{6};
    while (std::chrono::steady_clock::now() < until) {
      auto inserted = waiter.insert_job(job_named("w" + std::to_string(waited)), Seconds{});
      CHECK_MESSAGE(inserted, (inserted ? "" : inserted.error().message));
      if (!inserted) {
        break;
      }
      ++waited;
    }
    stop.store(true);
    busy_a.join();
    busy_b.join();
    CHECK(waited >= 3);
    CHECK(hammered.load() >= 3);
  }

  TEST_CASE("a write lock held past the busy timeout is reported as busy, after about 5 s") {
    TwoConnections db;
    db.first->exec("BEGIN IMMEDIATE");
    SqliteJobStore waiter(*db.second, db.path());
    const auto began = std::chrono::steady_clock::now();
    auto inserted = waiter.insert_job(job_named("late"), Seconds{});
    const auto waited = std::chrono::steady_clock::now() - began;
    db.first->exec("ROLLBACK");
    REQUIRE_FALSE(inserted);
    CHECK(inserted.error().kind == ErrorKind::busy);
    CHECK(waited >= std::chrono::milliseconds{4900});
    CHECK(waited < std::chrono::seconds{30});
  }

  // `import` and the ledger write through the reminder store: its busy error said only
  // "database is locked", without what to do.
  TEST_CASE("the reminder store reports a busy database in the job store's words") {
    TwoConnections db;
    db.first->exec("BEGIN IMMEDIATE");
    SqliteReminderStore waiter(*db.second);
    auto written = waiter.in_transaction([] { return Result<void>{}; });
    db.first->exec("ROLLBACK");
    REQUIRE_FALSE(written);
    CHECK(written.error().kind == ErrorKind::busy);
    CHECK(written.error().message ==
          "the database is busy (database is locked); another certcron process holds it, try again");
  }
}

}  // namespace certcron::store
