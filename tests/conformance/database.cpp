#include "conformance/database.hpp"

#include <doctest/doctest.h>

#ifdef CERTCRON_CONFORMANCE_LIBPQ
#include <libpq-fe.h>
#endif

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace certcron::conformance {
namespace {

Engine the_engine = Engine::sqlite;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string server_url() { return environment("CERTCRON_TEST_PG"); }

std::string new_sqlite_folder() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "certcron-conformance.XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

// certcron_conformance_<pid>_<n>: unique on the server while this process runs, and a stale
// one (from a run that was killed) is recognisable by its prefix.
std::string new_database_name() {
  static std::atomic<int> counter{0};
  return "certcron_conformance_" + std::to_string(::getpid()) + "_" +
         std::to_string(++counter);
}

}  // namespace

std::optional<Engine> engine_from_environment(std::string& why) {
  const std::string name = environment("CERTCRON_CONFORMANCE_DB");
  if (name == "sqlite") {
    return Engine::sqlite;
  }
  if (name == "postgresql") {
    return Engine::postgresql;
  }
  why = "CERTCRON_CONFORMANCE_DB must be sqlite or postgresql" +
        (name.empty() ? std::string(" (it is not set)") : ", not \"" + name + "\"");
  return std::nullopt;
}

Engine engine() { return the_engine; }
void set_engine(Engine engine) { the_engine = engine; }

std::string cannot_use(Engine engine) {
  if (engine == Engine::sqlite) {
    return {};
  }
#ifndef CERTCRON_CONFORMANCE_LIBPQ
  return "certcron_conformance was built without libpq (libpq-dev)";
#else
  const std::string server = server_url();
  if (server.empty()) {
    return "CERTCRON_TEST_PG does not name a PostgreSQL server";
  }
  std::string error;
  if (!pg::query_one(server, "SELECT 1", error)) {
    return "the PostgreSQL server of CERTCRON_TEST_PG does not answer: " + error;
  }
  return {};
#endif
}

TestDatabase::TestDatabase() {
  if (engine() == Engine::sqlite) {
    folder_ = new_sqlite_folder();
    url_ = folder_ + "/certcron.db";
    return;
  }
  name_ = new_database_name();
  const std::string error = pg::execute(server_url(), "CREATE DATABASE " + name_);
  REQUIRE_MESSAGE(error.empty(), "CREATE DATABASE " << name_ << ": " << error);
  url_ = pg::database_url(server_url(), name_);
}

TestDatabase::~TestDatabase() {
  if (!folder_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  if (!name_.empty()) {
    // FORCE: a connection a failed case left open must not keep the database.
    const std::string error =
        pg::execute(server_url(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    if (!error.empty()) {
      MESSAGE("DROP DATABASE " << name_ << ": " << error);
    }
  }
}

std::unique_ptr<store::Stores> TestDatabase::open() const {
  auto opened = store::open_stores(url_);
  if (!opened) {
    FAIL("open_stores(" << url_ << "): " << opened.error().message);
  }
  return std::move(*opened);
}

namespace pg {

std::string database_url(const std::string& server, const std::string& name) {
  // scheme://authority/dbname?params: the path starts at the first '/' after "//".
  const std::size_t authority = server.find("//");
  const std::size_t path = authority == std::string::npos ? std::string::npos
                                                          : server.find('/', authority + 2);
  const std::size_t query = server.find('?', authority == std::string::npos ? 0 : authority + 2);
  std::string base;
  if (path != std::string::npos && (query == std::string::npos || path < query)) {
    base = server.substr(0, path);
  } else {
    base = server.substr(0, query);
  }
  const std::string params = query == std::string::npos ? std::string() : server.substr(query);
  return base + "/" + name + params;
}

#ifdef CERTCRON_CONFORMANCE_LIBPQ

namespace {

struct Connection {
  PGconn* handle;
  explicit Connection(const std::string& url) : handle(PQconnectdb(url.c_str())) {}
  ~Connection() { PQfinish(handle); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  bool ok() const { return PQstatus(handle) == CONNECTION_OK; }
  std::string error() const {
    std::string text = PQerrorMessage(handle);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.pop_back();
    }
    return text;
  }
};

}  // namespace

std::string execute(const std::string& url, const std::string& sql) {
  std::string error;
  return query_one(url, sql, error) ? std::string() : error;
}

std::optional<std::string> query_one(const std::string& url, const std::string& sql,
                                     std::string& error) {
  Connection connection(url);
  if (!connection.ok()) {
    error = connection.error();
    return std::nullopt;
  }
  PGresult* result = PQexec(connection.handle, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::optional<std::string> value;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    value = (status == PGRES_TUPLES_OK && PQntuples(result) > 0 && PQnfields(result) > 0)
                ? std::string(PQgetvalue(result, 0, 0))
                : std::string();
  } else {
    error = connection.error();
  }
  PQclear(result);
  return value;
}

#else

std::string execute(const std::string&, const std::string&) {
  return "built without libpq";
}

std::optional<std::string> query_one(const std::string&, const std::string&, std::string& error) {
  error = "built without libpq";
  return std::nullopt;
}

#endif

}  // namespace pg

}  // namespace certcron::conformance
