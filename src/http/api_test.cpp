#include "http/api.hpp"

#include "app/app.hpp"
#include "http/api_test_support.hpp"
#include "util/file.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace certcron::http {
namespace {

using nlohmann::json;
using testing::ApiFixture;
using testing::header_of;

json body_of(const Response& response) { return json::parse(response.body); }

constexpr const char* kJobs = "/api/v1/certification-cron";
constexpr const char* kNightly = R"({"name":"nightly_expiry_check","cron_expression":"0 2 * * *","enabled":true})";

}  // namespace

TEST_CASE("http.api: the contract's create, show, update, list and delete, at both prefixes") {
  ApiFixture api;
  Response created = api.call("POST", kJobs, kNightly);
  REQUIRE(created.status == 201);
  CHECK(header_of(created, "Location") == "/api/v1/certification-cron/cron-001");
  json job = body_of(created);
  CHECK(job["id"] == "cron-001");
  CHECK(job["status"] == "active");
  CHECK(job["next_run_at"] == "2026-03-27T02:00:00Z");
  CHECK(job["created_at"] == "2026-03-26T10:00:00Z");
  CHECK(job["server_timezone"] == "UTC");  // the configured default zone

  Response shown = api.call("GET", "/api/v1/certification-cron/api/v1/certification-cron/nightly_expiry_check");
  REQUIRE(shown.status == 200);
  CHECK(body_of(shown)["id"] == "cron-001");

  Response updated = api.call("PUT", std::string(kJobs) + "/cron-001", R"({"cron_expression":"0 3 * * *"})");
  REQUIRE(updated.status == 200);
  CHECK(body_of(updated)["next_run_at"] == "2026-03-27T03:00:00Z");
  CHECK(body_of(updated)["name"] == "nightly_expiry_check");  // a partial update keeps the rest

  Response listed = api.call("GET", std::string(kJobs) + "?page=1&limit=1");
  REQUIRE(listed.status == 200);
  CHECK(body_of(listed)["pagination"] == json{{"page", 1}, {"limit", 1}, {"total", 1}});
  Response past_end = api.call("GET", std::string(kJobs) + "?page=99");
  CHECK(past_end.status == 200);
  CHECK(body_of(past_end)["data"].empty());

  Response deleted = api.call("DELETE", std::string(kJobs) + "/cron-001");
  REQUIRE(deleted.status == 200);
  CHECK(body_of(deleted) == json{{"deleted", true}, {"id", "cron-001"}});
  CHECK(api.call("GET", std::string(kJobs) + "/cron-001").status == 404);
}

TEST_CASE("http.api: bad requests get the status and JSON body their kind maps to") {
  ApiFixture api;
  REQUIRE(api.call("POST", kJobs, kNightly).status == 201);

  Response duplicate = api.call("POST", kJobs, kNightly);
  CHECK(duplicate.status == 422);
  CHECK(body_of(duplicate) ==
        json::parse(R"({"message":"The given data was invalid.","errors":{"name":["There already exist a cron check with this name."]}})"));

  CHECK(api.call("POST", kJobs, "{not json").status == 400);
  CHECK(api.call("POST", kJobs, "[1,2]").status == 400);
  Response wrong_type = api.call("POST", kJobs, R"({"name":"x","cron_expression":"0 2 * * *","enabled":"yes"})");
  CHECK(wrong_type.status == 400);
  CHECK(body_of(wrong_type)["message"] == "The field 'enabled' must be true or false.");

  Response misspelt = api.call("POST", kJobs, R"({"name":"q","cron_expression":"0 2 * * *","enabeld":false})");
  CHECK(misspelt.status == 422);
  CHECK(body_of(misspelt)["errors"].contains("enabeld"));
  CHECK(api.call("GET", std::string(kJobs) + "/q").status == 404);  // nothing was created

  Response both = api.call("POST", kJobs, R"({"name":"y","cron_expression":"0 2 * * *","frequency_in_minutes":5})");
  CHECK(both.status == 422);
  CHECK(body_of(both)["errors"].contains("cron_expression"));
  Response bad_cron = api.call("POST", kJobs, R"({"name":"z","cron_expression":"61 2 * * *"})");
  CHECK(bad_cron.status == 422);

  Response bad_page = api.call("GET", std::string(kJobs) + "?page=abc&limit=500");
  CHECK(bad_page.status == 422);
  CHECK(body_of(bad_page)["errors"].contains("page"));
  CHECK(body_of(bad_page)["errors"].contains("limit"));
  CHECK(api.call("GET", std::string(kJobs) + "?status=sleeping").status == 422);

  Response unknown = api.call("GET", std::string(kJobs) + "/cron-404");
  CHECK(unknown.status == 404);
  CHECK(body_of(unknown)["message"].is_string());
  CHECK(api.call("GET", "/nowhere").status == 404);

  Response not_allowed = api.call("PATCH", std::string(kJobs) + "/cron-001");
  CHECK(not_allowed.status == 405);
  CHECK(header_of(not_allowed, "Allow") == "GET, PUT, DELETE");
}

TEST_CASE("http.api: with a token every /api route needs it; /healthz and /openapi.json do not") {
  ApiFixture api("s3cret-token");
  Response missing = api.call("GET", kJobs);
  CHECK(missing.status == 401);
  CHECK(header_of(missing, "WWW-Authenticate") == "Bearer");
  CHECK(api.call("GET", kJobs, "", {{"authorization", "Bearer wrong"}}).status == 401);
  CHECK(api.call("GET", kJobs, "", {{"authorization", "Bearer s3cret-token"}}).status == 200);
  // Empty segments do not open another way in, nor does a write route.
  CHECK(api.call("GET", "//api/v1/certification-cron").status == 401);
  CHECK(api.call("GET", "/api//v1/certification-cron/").status == 401);
  CHECK(api.call("POST", "//api/v1/certification-cron", kNightly).status == 401);
  CHECK(api.call("DELETE", "/api/v1/certification-cron/cron-001").status == 401);
  CHECK(api.call("GET", std::string(kJobs) + "/cron-001", "", {{"authorization", "Bearer s3cret-token"}}).status == 404);
  CHECK(api.call("GET", "/healthz").status == 200);
  Response document = api.call("GET", "/openapi.json");
  CHECK(document.status == 200);
  CHECK(body_of(document)["openapi"].get<std::string>().starts_with("3.1"));
}

TEST_CASE("http.api: execute answers 202 at once, the run finishes in the background; 409 while one runs") {
  ApiFixture api;
  REQUIRE(api.call("POST", kJobs, kNightly).status == 201);

  // A run claimed elsewhere (cron's process) holds the job: the API refuses a second one.
  {
    auto other = app::App::open(api.context.settings, api.clock);
    REQUIRE(other);
    auto claimed = (*other)->runs().claim({"cron-001", RunTrigger::manual, false, false});
    REQUIRE(claimed);
    REQUIRE(claimed->run);
    Response conflict = api.call("POST", std::string(kJobs) + "/cron-001/execute", R"({"dry_run":false})");
    CHECK(conflict.status == 409);
    REQUIRE((*other)->runs().abort(*claimed->run, "test over"));
  }

  Response accepted = api.call("POST", std::string(kJobs) + "/cron-001/execute", R"({"dry_run":true})");
  REQUIRE(accepted.status == 202);
  json run = body_of(accepted);
  CHECK(run == json{{"run_id", "run-0002"}, {"cron_id", "cron-001"},
                    {"triggered_at", "2026-03-26T10:00:00Z"}, {"status", "running"}});
  REQUIRE(api.runs.wait(std::chrono::seconds(30)));
  Response runs = api.call("GET", std::string(kJobs) + "/cron-001/runs?status=success");
  REQUIRE(runs.status == 200);
  json page = body_of(runs);
  REQUIRE(page["data"].size() == 1);
  CHECK(page["data"][0]["run_id"] == "run-0002");
  CHECK(page["data"][0]["trigger"] == "api");
  CHECK(page["data"][0]["dry_run"] == true);
  CHECK(api.call("POST", std::string(kJobs) + "/cron-001/execute", R"({"dry_run":"no"})").status == 400);

  // The background run wrote its line to the run log (the run aborted above by another
  // process's RunService directly did not).
  auto log = util::read_file(api.folder + "/state/cron.log");
  REQUIRE(log);
  CHECK(log->starts_with("2026-03-26T10:00:00Z job=cron-001 name=nightly_expiry_check run=run-0002 "
                         "trigger=api slot=- status=success dry_run=true mentors_checked=0 "
                         "reminders_sent=0 errors=0 duration_ms="));
  CHECK(std::count(log->begin(), log->end(), '\n') == 1);
}

TEST_CASE("http.api: a text value that is not text is a 422 naming the field; nothing is stored") {
  ApiFixture api;
  Response raw = api.call("POST", kJobs, "{\"name\":\"abc\x80" "def\",\"cron_expression\":\"0 2 * * *\"}");
  CHECK(raw.status == 422);
  CHECK(body_of(raw) == json{{"message", "The given data was invalid."},
                             {"errors", {{"name", {"The name is not valid UTF-8 (byte 4)."}}}}});
  Response escaped = api.call("POST", kJobs, R"({"name":" \u0007","cron_expression":"0 2 * * *"})");
  CHECK(escaped.status == 422);
  CHECK(body_of(escaped)["errors"] ==
        json{{"name", {"The name may not contain control characters (U+0007 at byte 2)."}}});
  CHECK(api.call("POST", kJobs, R"({"name":"  ","cron_expression":"0 2 * * *"})").status == 422);
  CHECK(body_of(api.call("GET", kJobs))["pagination"]["total"] == 0);
  CHECK(api.call("POST", kJobs, "{\"name\":").status == 400);

  // An id that is not UTF-8 is not found, and the answer quoting it is still JSON.
  Response unknown = api.call("GET", std::string(kJobs) + "/abc%80def");
  CHECK(unknown.status == 404);
  CHECK(body_of(unknown)["message"].get<std::string>().find("abc\xEF\xBF\xBD" "def") !=
        std::string::npos);
}

TEST_CASE("http.api: the monitoring seed's own routes, in its shapes, on the same services") {
  ApiFixture api;
  constexpr const char* kChecks = "/api/monitors/1/cron-checks";
  constexpr const char* kSimple = R"({"name": "your cron job name", "type": "simple",
    "frequency_in_minutes": 10, "grace_time_in_minutes": 15, "description": "a description goes here"})";
  Response created = api.call("POST", kChecks, kSimple);
  REQUIRE(created.status == 201);
  json check = body_of(created);
  CHECK(check["id"] == 1);
  CHECK(check["frequency_in_minutes"] == 10);
  CHECK(check["created_at"] == "2026-03-26 10:00:00");
  CHECK(api.call("GET", std::string(kJobs) + "/cron-001").status == 200);  // the same job

  // The seed requires what the contract defaults: the type, the grace time, a cron job's zone.
  Response lacking = api.call("POST", kChecks, R"({"name": "c", "cron_expression": "* * * * *"})");
  CHECK(lacking.status == 422);
  CHECK(body_of(lacking)["errors"].contains("type"));
  CHECK(body_of(lacking)["errors"].contains("grace_time_in_minutes"));
  CHECK(body_of(lacking)["errors"].contains("server_timezone"));
  Response no_frequency = api.call("POST", kChecks,
                                   R"({"name": "s", "type": "simple", "grace_time_in_minutes": 5})");
  CHECK(no_frequency.status == 422);
  CHECK(body_of(no_frequency)["errors"].contains("frequency_in_minutes"));
  Response duplicate = api.call("POST", kChecks, kSimple);
  CHECK(duplicate.status == 422);
  CHECK(body_of(duplicate)["errors"].contains("name"));

  Response other_monitor = api.call("GET", "/api/monitors/2/cron-checks");
  CHECK(other_monitor.status == 404);
  CHECK(body_of(other_monitor)["message"].is_string());
  CHECK(api.call("POST", "/api/monitors/x/cron-checks", kSimple).status == 404);
  Response listed = api.call("GET", kChecks);
  REQUIRE(listed.status == 200);
  REQUIRE(body_of(listed)["data"].size() == 1);
  CHECK(body_of(listed)["data"][0] == check);

  Response updated = api.call("PUT", "/api/cron-checks/1", R"({"grace_time_in_minutes": 20})");
  REQUIRE(updated.status == 200);
  CHECK(body_of(updated)["grace_time_in_minutes"] == 20);
  for (const char* id : {"99", "abc", "cron-001", "-1", "0", "1x"}) {
    CHECK(api.call("PUT", std::string("/api/cron-checks/") + id, "{}").status == 404);
  }

  Response snoozed = api.call("POST", "/api/cron-checks/1/snooze", R"({"minutes": 60})");
  REQUIRE(snoozed.status == 200);
  CHECK(body_of(snoozed)["active_snooze"] ==
        json{{"ends_at", "2026-03-26T11:00:00Z"}, {"minutes", 60}});
  CHECK(api.call("POST", "/api/cron-checks/1/snooze", R"({"minutes": 144001})").status == 422);
  Response unsnoozed = api.call("POST", "/api/cron-checks/1/unsnooze");
  REQUIRE(unsnoozed.status == 200);
  CHECK(body_of(unsnoozed)["active_snooze"].is_null());

  // Sync: a missing zone is keyed by its entry, with the entries' other problems; nothing changes.
  Response invalid = api.call("POST", std::string(kChecks) + "/sync", R"({"cron_checks": [
    {"name": "a", "type": "cron", "cron_expression": "* * * * *", "grace_time_in_minutes": 10, "server_timezone": "UTC"},
    {"name": "b", "type": "cron", "cron_expression": "61 * * * *", "grace_time_in_minutes": 10}]})");
  CHECK(invalid.status == 422);
  CHECK(body_of(invalid)["errors"].contains("cron_checks.1.server_timezone"));
  CHECK(body_of(invalid)["errors"].contains("cron_checks.1.cron_expression"));
  Response synced = api.call("POST", std::string(kChecks) + "/sync", R"({"cron_checks": [
    {"name": "your cron job name", "type": "simple", "frequency_in_minutes": 10, "grace_time_in_minutes": 15},
    {"name": "b", "type": "cron", "cron_expression": "0 * * * *", "grace_time_in_minutes": 10, "server_timezone": "UTC"}]})");
  REQUIRE(synced.status == 200);
  json data = body_of(synced)["data"];
  REQUIRE(data.size() == 2);
  CHECK(data[0]["id"] == 1);  // updated in place
  CHECK(data[0]["uuid"] == check["uuid"]);
  CHECK(data[1]["id"] == 2);

  Response removed = api.call("DELETE", "/api/cron-checks/2");
  CHECK(removed.status == 204);
  CHECK(removed.body.empty());
  CHECK(api.call("DELETE", "/api/cron-checks/2").status == 404);
  Response not_allowed = api.call("PATCH", "/api/cron-checks/1");
  CHECK(not_allowed.status == 405);
  CHECK(header_of(not_allowed, "Allow") == "PUT, DELETE");
}

TEST_CASE("http.api: the seed's routes need the token like every /api route") {
  ApiFixture api("s3cret-token");
  CHECK(api.call("GET", "/api/monitors/1/cron-checks").status == 401);
  CHECK(api.call("GET", "//api//monitors/1/cron-checks").status == 401);
  CHECK(api.call("DELETE", "/api/cron-checks/1").status == 401);
  CHECK(api.call("GET", "/api/monitors/1/cron-checks", "", {{"authorization", "Bearer s3cret-token"}})
            .status == 200);
  CHECK(api.call("GET", "//api//monitors/1/cron-checks", "",
                 {{"authorization", "Bearer s3cret-token"}}).status == 200);
}

TEST_CASE("http.api: bearer_matches wants the scheme and the exact token") {
  CHECK(bearer_matches("Bearer abc", "abc"));
  CHECK(bearer_matches("bearer abc", "abc"));
  CHECK_FALSE(bearer_matches("Bearer abcd", "abc"));
  CHECK_FALSE(bearer_matches("Bearer ab", "abc"));
  CHECK_FALSE(bearer_matches("Basic abc", "abc"));
  CHECK_FALSE(bearer_matches("abc", "abc"));
  CHECK_FALSE(bearer_matches("Bearer ", ""));  // no token configured never matches
}

}  // namespace certcron::http
