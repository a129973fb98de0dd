#include "http/message.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace certcron::http;

TEST_SUITE("http.message") {
  TEST_CASE("http.message: a logged path has no query and hides a ping URL's uuid") {
  CHECK(path_for_log("/api/v1/certification-cron?page=2&token=x") == "/api/v1/certification-cron");
  CHECK(path_for_log("/ping/0d210b09-aaaa/finished?rid=7") == "/ping/.../finished");
  CHECK(path_for_log("//ping/0d210b09") == "//ping/...");
  CHECK(path_for_log("/api/v1/certification-cron/ping/x") == "/api/v1/certification-cron/ping/x");
}

TEST_CASE("parse_target splits and decodes the path and the query in order") {
    std::string path;
    Fields query;
    REQUIRE(parse_target("/a%20b/c?x=1&name=J%C3%A9r%C3%B4me&x=2", path, query));
    CHECK(path == "/a b/c");
    REQUIRE(query.size() == 3);
    CHECK(query[0] == std::pair<std::string, std::string>{"x", "1"});
    CHECK(query[1].second == "J\xC3\xA9r\xC3\xB4me");
    CHECK(query[2] == std::pair<std::string, std::string>{"x", "2"});
  }

  TEST_CASE("parse_target reads '+' as a space in the query only") {
    std::string path;
    Fields query;
    REQUIRE(parse_target("/a+b?q=hello+world%2B", path, query));
    CHECK(path == "/a+b");
    REQUIRE(query.size() == 1);
    CHECK(query[0].second == "hello world+");
  }

  TEST_CASE("parse_target keeps parameters without a value and skips empty pairs") {
    std::string path;
    Fields query;
    REQUIRE(parse_target("/x?flag&&a=&=v&", path, query));
    REQUIRE(query.size() == 3);
    CHECK(query[0] == std::pair<std::string, std::string>{"flag", ""});
    CHECK(query[1] == std::pair<std::string, std::string>{"a", ""});
    CHECK(query[2] == std::pair<std::string, std::string>{"", "v"});
  }

  TEST_CASE("parse_target accepts a bare path and an empty query") {
    std::string path = "stale";
    Fields query = {{"stale", "1"}};
    REQUIRE(parse_target("/", path, query));
    CHECK(path == "/");
    CHECK(query.empty());
    REQUIRE(parse_target("/p?", path, query));
    CHECK(path == "/p");
    CHECK(query.empty());
  }

  TEST_CASE("parse_target rejects targets that are not origin-form") {
    std::string path;
    Fields query;
    CHECK_FALSE(parse_target("", path, query));
    CHECK_FALSE(parse_target("*", path, query));
    CHECK_FALSE(parse_target("http://example.com/x", path, query));
    CHECK_FALSE(parse_target("x/y", path, query));
  }

  TEST_CASE("parse_target rejects bad percent escapes in the path and the query") {
    std::string path;
    Fields query;
    CHECK_FALSE(parse_target("/a%2", path, query));
    CHECK_FALSE(parse_target("/a%", path, query));
    CHECK_FALSE(parse_target("/a%zz", path, query));
    CHECK_FALSE(parse_target("/a?x=%G0", path, query));
    CHECK_FALSE(parse_target("/a?%4=1", path, query));
    CHECK(parse_target("/a%2f?x=%2F", path, query));
    CHECK(path == "/a/");
  }

  TEST_CASE("parse_target rejects a NUL byte in the decoded path") {
    std::string path;
    Fields query;
    CHECK_FALSE(parse_target("/etc%00passwd", path, query));
  }

  TEST_CASE("Request::header matches names without case and returns the first") {
    Request request;
    request.headers = {{"content-type", "application/json"}, {"x-token", "a"}, {"x-token", "b"}};
    CHECK(request.header("Content-Type") == "application/json");
    CHECK(request.header("X-TOKEN") == "a");
    CHECK_FALSE(request.header("authorization").has_value());
  }

  TEST_CASE("Request::query_param returns the first parameter of that exact name") {
    Request request;
    request.query = {{"page", "2"}, {"Page", "9"}, {"page", "3"}};
    CHECK(request.query_param("page") == "2");
    CHECK(request.query_param("Page") == "9");
    CHECK_FALSE(request.query_param("limit").has_value());
  }

  TEST_CASE("Response::json and Response::text set the status, body and content type") {
    const Response json = Response::json(201, R"({"id":1})");
    CHECK(json.status == 201);
    CHECK(json.body == R"({"id":1})");
    REQUIRE(json.headers.size() == 1);
    CHECK(json.headers[0] ==
          std::pair<std::string, std::string>{"Content-Type", "application/json"});
    const Response text = Response::text(404, "no");
    CHECK(text.status == 404);
    CHECK(text.headers[0].second == "text/plain; charset=utf-8");
  }

}  // TEST_SUITE
