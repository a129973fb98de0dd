#pragma once

// For tests of the PostgreSQL adapter: a new, empty database on the throw-away server named by
// CERTCRON_TEST_PG (a URL to its maintenance database; tests/support/pg_cluster.sh starts one),
// dropped when the test ends. Without CERTCRON_TEST_PG the test is not run (the CTest test
// that gives the variable runs these cases; see tests/README.md).

#include "store/pg/connection.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <unistd.h>

namespace certcron::store::pg::testing {

inline const char* test_server() {
  const char* url = std::getenv("CERTCRON_TEST_PG");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

// The URL of database `name` on the server of maintenance URL `server` (libpq takes a later
// dbname over the URL's own).
inline std::string url_of(const std::string& server, const std::string& name) {
  return server + (server.find('?') == std::string::npos ? "?" : "&") + "dbname=" + name;
}

class ScratchDatabase {
 public:
  ScratchDatabase() {
    static std::atomic<int> counter{0};
    name_ = "certcron_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    auto admin = Connection::open(test_server());
    REQUIRE_MESSAGE(admin, (admin ? "" : admin.error().message));
    (*admin)->script(("CREATE DATABASE " + name_).c_str());
    url_ = url_of(test_server(), name_);
  }
  ~ScratchDatabase() {
    auto admin = Connection::open(test_server());
    if (admin) {
      try {
        (*admin)->script(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str());
      } catch (...) {  // a database left behind goes with the throw-away server
      }
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};


}  // namespace certcron::store::pg::testing
