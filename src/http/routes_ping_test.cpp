#include "http/api_test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace certcron::http {
namespace {

// A job's ping path, "/ping/UUID", from a job created through the API.
std::string ping_path(testing::ApiFixture& api) {
  const Response created = api.call("POST", "/api/v1/certification-cron",
                                    R"({"name":"pinged","cron_expression":"0 2 * * *"})");
  REQUIRE(created.status == 201);
  return "/ping/" + nlohmann::json::parse(created.body)["uuid"].get<std::string>();
}

const Fields kJson = {{"content-type", "application/json"}};

}  // namespace

TEST_SUITE("http.ping") {
  // Found by tests/e2e/test_http_abuse.sh: the server died on the stack overflow of dumping
  // such a value as text, for any uuid, since the body is read before the job is looked up.
  TEST_CASE("a JSON body nesting a field 100,000 deep is answered, not dumped") {
    testing::ApiFixture api;
    const std::string path = ping_path(api);
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const Response in_field =
        api.call("POST", path + "/failed", R"({"exit_code": )" + deep + "}", kJson);
    CHECK(in_field.status == 422);
    CHECK(nlohmann::json::parse(in_field.body)["errors"].contains("exit_code"));
    const Response unknown_uuid = api.call(
        "POST", "/ping/00000000-0000-4000-8000-000000000000", R"({"runtime": )" + deep + "}", kJson);
    CHECK(unknown_uuid.status == 422);
    const Response other_field =
        api.call("POST", path + "/failed", R"({"exit_code": 3, "extra": )" + deep + "}", kJson);
    CHECK(other_field.status == 200);
  }

  TEST_CASE("an object or array in an Oh Dear field is a 422 on that field") {
    testing::ApiFixture api;
    const std::string path = ping_path(api);
    const Response object =
        api.call("POST", path + "/failed", R"({"failure_message": {"a": [1]}})", kJson);
    CHECK(object.status == 422);
    CHECK(nlohmann::json::parse(object.body)["errors"].contains("failure_message"));
    const Response numbers =
        api.call("POST", path + "/finished", R"({"exit_code": 0, "runtime": 1.5})", kJson);
    CHECK(numbers.status == 200);
  }
}

}  // namespace certcron::http
