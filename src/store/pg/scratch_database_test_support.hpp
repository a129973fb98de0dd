#pragma once

// For unit tests of the PostgreSQL adapter: a new, empty database on the throw-away server
// named by CERTCRON_TEST_PG (a URL to its maintenance database; the CTest fixture `pg` starts
// one and runs these tests as unit.pg, see tests/README.md), dropped when the test ends.
// Without CERTCRON_TEST_PG a test cannot run: it reports itself skipped (cannot_run_here), or
// fails where every test must run.

#include "store/pg/connection.hpp"
#include "unit/cannot_run.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

namespace certcron::store::pg::testing {

// The server's maintenance URL, or nullopt after reporting the test as not run here.
inline std::optional<std::string> test_server() {
  const char* url = std::getenv("CERTCRON_TEST_PG");
  if (url == nullptr || *url == '\0') {
    certcron::testing::cannot_run_here(
        "CERTCRON_TEST_PG names no PostgreSQL server (run it as ctest's unit.pg)");
    return std::nullopt;
  }
  return std::string(url);
}

// `url` with its database replaced by `name`: the path of a postgresql:// URL, or a dbname
// keyword added to a key=value string (libpq takes the last one).
inline std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    return url + " dbname=" + name;
  }
  const auto slash = url.find('/', scheme + 3);
  const auto query = url.find('?', scheme + 3);
  const auto end = query == std::string::npos ? url.size() : query;
  if (slash == std::string::npos || (query != std::string::npos && slash > query)) {
    return url.substr(0, end) + "/" + name + url.substr(end);
  }
  return url.substr(0, slash + 1) + name + url.substr(end);
}

inline std::unique_ptr<Connection> connect(const std::string& url) {
  auto opened = Connection::open(url);
  if (!opened) {
    FAIL("cannot connect to " << url << ": " << opened.error().message);
  }
  return std::move(*opened);
}

class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& server) : admin_(connect(server)) {
    static std::atomic<int> counter{0};
    name_ = "certcron_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    admin_->script(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str());
    admin_->script(("CREATE DATABASE " + name_).c_str());
    url_ = with_database(server, name_);
  }
  ~ScratchDatabase() {
    try {
      admin_->script(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str());
    } catch (...) {  // a database left behind goes with the throw-away server
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::unique_ptr<Connection> admin_;
  std::string name_;
  std::string url_;
};

}  // namespace certcron::store::pg::testing
