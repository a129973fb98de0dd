#pragma once

// For the tests of the routes: a handler over a real database in a scratch folder, called
// without a socket, and a response's header.

#include "http/api.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace certcron::http::testing {

// The routes over a real database in a scratch folder, called without a socket: what the
// transport hands a handler, and what it gets back.
struct ApiFixture {
  std::string folder;
  FixedClock clock{*util::parse_rfc3339("2026-03-26T10:00:00Z")};
  util::TaskGroup runs;
  ApiContext context;
  std::unique_ptr<Handler> handler;

  explicit ApiFixture(std::string token = "") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "certcron-api.XXXXXX").string();
    folder = mkdtemp(pattern.data());
    Settings settings;
    settings.db_path = folder + "/certcron.db";
    settings.state_dir = folder + "/state";
    settings.default_timezone = "UTC";
    settings.crontab.file = folder + "/cron.d-certcron";
    settings.crontab.binary = "/usr/bin/certcron";
    settings.server.listen = "127.0.0.1:8080";
    context = ApiContext{settings, &clock, &runs, std::move(token)};
    handler = api_handler_factory(context)();
  }
  ~ApiFixture() {
    runs.wait(std::chrono::seconds(30));
    std::filesystem::remove_all(folder);
  }

  Response call(std::string method, std::string path, std::string body = "",
                Fields headers = {}) {
    Request request;
    request.method = std::move(method);
    request.target = path;
    REQUIRE(parse_target(path, request.path, request.query));
    request.headers = std::move(headers);
    request.body = std::move(body);
    return handler->handle(request);
  }
};

inline std::string header_of(const Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return "";
}

}  // namespace certcron::http::testing
