// The per-connection statement cache: one preparation per SQL, every use reset when it ends
// (however it ends), and a second statement when the same SQL is needed twice at once.

#include "store/statement_cache.hpp"

#include "unit/service_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace certcron::store {
namespace {

// Statements of the connection that are part way through a run (stepped, not reset).
int stepping_statements(SQLite::Database& db) {
  int count = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.getHandle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.getHandle(), s)) {
    count += sqlite3_stmt_busy(s) != 0 ? 1 : 0;
  }
  return count;
}

struct Numbers {
  testing::ServiceFixture fx;
  Numbers() { fx.db->exec("CREATE TABLE numbers (n INTEGER); INSERT INTO numbers VALUES (1), (2), (3)"); }
};

constexpr const char* kNumbers = "SELECT n FROM numbers ORDER BY n";

}  // namespace

TEST_SUITE("store.statement_cache") {
  TEST_CASE("the same SQL is prepared once and its statement serves every later use") {
    Numbers numbers;
    StatementCache cache(*numbers.fx.db);
    const SQLite::Statement* first = nullptr;
    {
      auto use = cache.use(kNumbers);
      first = &*use;
      REQUIRE(use->executeStep());
    }
    auto again = cache.use(kNumbers);
    CHECK(&*again == first);
    REQUIRE(again->executeStep());
    CHECK(again->getColumn(0).getInt() == 1);  // from the first row again: it was reset
    CHECK(cache.size() == 1);
  }

  TEST_CASE("a use that ends mid-step leaves no read snapshot behind, so a checkpoint completes") {
    Numbers numbers;
    StatementCache cache(*numbers.fx.db);
    {
      auto use = cache.use(kNumbers);
      REQUIRE(use->executeStep());  // one row of three: the statement is still running
      CHECK(stepping_statements(*numbers.fx.db) == 1);
    }
    CHECK(stepping_statements(*numbers.fx.db) == 0);
    // Another connection writes and checkpoints the whole WAL: it could not while this
    // connection still read from the older snapshot.
    SQLite::Database other(numbers.fx.path(), SQLite::OPEN_READWRITE);
    other.exec("INSERT INTO numbers VALUES (4)");
    SQLite::Statement checkpoint(other, "PRAGMA wal_checkpoint(TRUNCATE)");
    REQUIRE(checkpoint.executeStep());
    CHECK(checkpoint.getColumn(0).getInt() == 0);  // 0: not blocked by a reader
  }

  TEST_CASE("an exception between two steps still resets the statement") {
    Numbers numbers;
    StatementCache cache(*numbers.fx.db);
    try {
      auto use = cache.use(kNumbers);
      REQUIRE(use->executeStep());
      throw std::runtime_error("stopped half-way");
    } catch (const std::runtime_error&) {
    }
    CHECK(stepping_statements(*numbers.fx.db) == 0);
    auto again = cache.use(kNumbers);
    REQUIRE(again->executeStep());
    CHECK(again->getColumn(0).getInt() == 1);
  }

  TEST_CASE("the same SQL needed again while in use gets a statement of its own") {
    Numbers numbers;
    StatementCache cache(*numbers.fx.db);
    auto outer = cache.use(kNumbers);
    REQUIRE(outer->executeStep());
    CHECK(outer->getColumn(0).getInt() == 1);
    const SQLite::Statement* cached = &*outer;
    {
      auto inner = cache.use(kNumbers);
      CHECK(&*inner != cached);
      int rows = 0;
      while (inner->executeStep()) {
        ++rows;
      }
      CHECK(rows == 3);
    }
    // The outer use carries on where it was.
    REQUIRE(outer->executeStep());
    CHECK(outer->getColumn(0).getInt() == 2);
    CHECK(cache.size() == 1);
  }

  TEST_CASE("a use's row reads its own statement, also beside a second statement of the same SQL") {
    Numbers numbers;
    numbers.fx.db->exec("CREATE TABLE words (w TEXT, n INTEGER); "
                        "INSERT INTO words VALUES ('one', 1), (NULL, NULL)");
    StatementCache cache(*numbers.fx.db);
    // Other statements prepared first, so the one read is not simply the newest.
    auto words = cache.use("SELECT w, n FROM words ORDER BY rowid");
    auto outer = cache.use(kNumbers);
    REQUIRE(outer->executeStep());
    CHECK(outer.row().int64(0) == 1);
    {
      auto inner = cache.use(kNumbers);
      REQUIRE(inner->executeStep());
      REQUIRE(inner->executeStep());
      CHECK(inner.row().int64(0) == 2);
      CHECK(outer.row().int64(0) == 1);  // the cached statement, still on its first row
    }
    REQUIRE(outer->executeStep());
    CHECK(outer.row().integer(0) == 2);
    REQUIRE(words->executeStep());
    CHECK(words.row().text(0) == "one");
    CHECK_FALSE(words.row().is_null(0));
    REQUIRE(words->executeStep());
    CHECK(words.row().is_null(0));
    CHECK(words.row().text(0).empty());
    CHECK(words.row().int64(1) == 0);
  }

  TEST_CASE("a use's bindings do not leak into the next use") {
    Numbers numbers;
    StatementCache cache(*numbers.fx.db);
    {
      auto bound = cache.use("SELECT ?");
      bound->bind(1, 42);
      REQUIRE(bound->executeStep());
      CHECK(bound->getColumn(0).getInt() == 42);
    }
    auto unbound = cache.use("SELECT ?");
    REQUIRE(unbound->executeStep());
    CHECK(unbound->getColumn(0).isNull());
  }

  TEST_CASE("SQL that does not prepare throws and is not kept") {
    Numbers numbers;
    StatementCache cache(*numbers.fx.db);
    CHECK_THROWS_AS(cache.use("SELECT n FROM no_such_table"), SQLite::Exception);
    CHECK(cache.size() == 0);
  }
}

}  // namespace certcron::store
