// The test support itself, on PostgreSQL (run as conformance.pg_support, before the engine is
// there to be tested): each case gets a database of its own, empty and reachable, and it is
// gone after the case.

#include "conformance/database.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

namespace certcron::conformance {

TEST_SUITE("support.postgresql") {
  TEST_CASE("a case's database is created on the server, reachable at its URL, and dropped after the case") {
    REQUIRE(engine() == Engine::postgresql);
    const char* server = std::getenv("CERTCRON_TEST_PG");
    REQUIRE(server != nullptr);
    std::string name;
    std::string error;
    {
      TestDatabase first;
      TestDatabase second;
      name = first.name();
      CHECK(name != second.name());
      CHECK(first.url().starts_with("postgresql:"));
      const auto current = pg::query_one(first.url(), "SELECT current_database()", error);
      REQUIRE_MESSAGE(current, error);
      CHECK(*current == name);
      // Empty: no table of its own.
      const auto tables = pg::query_one(
          first.url(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", error);
      REQUIRE_MESSAGE(tables, error);
      CHECK(*tables == "0");
      // A table made in one case's database is not in another's.
      CHECK(pg::execute(first.url(), "CREATE TABLE probe (x int)") == "");
      const auto other = pg::query_one(
          second.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'probe'", error);
      REQUIRE_MESSAGE(other, error);
      CHECK(*other == "0");
    }
    const auto left = pg::query_one(
        server, "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'", error);
    REQUIRE_MESSAGE(left, error);
    CHECK(*left == "0");
  }

  TEST_CASE("a database's URL keeps the server's parameters and replaces only its name") {
    CHECK(pg::database_url("postgresql:///postgres?host=/tmp/s&port=5433&user=postgres", "db1") ==
          "postgresql:///db1?host=/tmp/s&port=5433&user=postgres");
    CHECK(pg::database_url("postgresql://u@h:5432/postgres", "db1") == "postgresql://u@h:5432/db1");
    CHECK(pg::database_url("postgresql://h", "db1") == "postgresql://h/db1");
    CHECK(pg::database_url("postgresql://?host=/tmp/a/b", "db1") == "postgresql:///db1?host=/tmp/a/b");
  }
}

}  // namespace certcron::conformance
