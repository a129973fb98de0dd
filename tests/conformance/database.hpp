#pragma once

// The database each conformance case runs against, from the environment:
//
//   CERTCRON_CONFORMANCE_DB=sqlite      a new SQLite file in a scratch folder
//   CERTCRON_CONFORMANCE_DB=postgresql  a new database (CREATE DATABASE) on the server whose
//                                       maintenance database CERTCRON_TEST_PG names (a libpq
//                                       URL), dropped at the end of the case
//
// Cases reach the stores only through store::open_stores(url()), so the same cases hold
// every engine to the same promises.

#include "store/open.hpp"

#include <memory>
#include <optional>
#include <string>

namespace certcron::conformance {

enum class Engine { sqlite, postgresql };

// The engine CERTCRON_CONFORMANCE_DB names; nullopt (with `why` set) when it names none.
std::optional<Engine> engine_from_environment(std::string& why);
// The engine of this run (main checked the environment before any case ran).
Engine engine();
void set_engine(Engine engine);

// Why the engine cannot be used here (a server that does not answer, libpq missing), or
// empty when it can. Asked once, before the cases run.
std::string cannot_use(Engine engine);

// One fresh, empty database, removed with the object.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // What open_stores is given: the SQLite file's path or the PostgreSQL database's URL.
  const std::string& url() const { return url_; }
  // The PostgreSQL database's name; empty for SQLite.
  const std::string& name() const { return name_; }
  // Another connection to the database: its own Stores, as another process would open.
  std::unique_ptr<store::Stores> open() const;

 private:
  std::string url_;
  std::string folder_;
  std::string name_;
};

namespace pg {

// The URL of database `name` on the server the maintenance URL `server` names (its path
// replaced, its parameters kept).
std::string database_url(const std::string& server, const std::string& name);
// Runs one statement on `url` in a connection of its own; the error text on failure.
std::string execute(const std::string& url, const std::string& sql);
// The first column of the first row `sql` gives on `url`; nullopt with `error` set when the
// statement fails, an empty string when there is no row.
std::optional<std::string> query_one(const std::string& url, const std::string& sql,
                                     std::string& error);

}  // namespace pg

}  // namespace certcron::conformance
