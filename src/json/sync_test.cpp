#include "json/sync.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace certcron::json {

TEST_SUITE("json.sync") {
  TEST_CASE("the seed's sync body becomes one entry per cron check") {
    auto entries = parse_sync_document(R"({"cron_checks": [
      {"name": "cron job #1", "type": "cron", "cron_expression": "* * * * *",
       "grace_time_in_minutes": 10, "server_timezone": "UTC"},
      {"name": "cron job #2", "type": "simple", "frequency_in_minutes": 15, "enabled": false,
       "description": null}]})");
    REQUIRE(entries);
    REQUIRE(entries->size() == 2);
    CHECK((*entries)[0].name == "cron job #1");
    CHECK((*entries)[0].type == ScheduleType::cron);
    CHECK((*entries)[0].cron_expression == "* * * * *");
    CHECK((*entries)[0].grace_time_in_minutes == 10);
    CHECK((*entries)[0].server_timezone == "UTC");
    CHECK((*entries)[0].enabled);
    CHECK((*entries)[1].frequency_in_minutes == 15);
    CHECK_FALSE((*entries)[1].enabled);
    CHECK((*entries)[1].description.empty());
  }

  TEST_CASE("a wrong JSON type is a usage error naming cron_checks.N.field") {
    auto wrong = parse_sync_document(R"({"cron_checks": [{"name": "a"}, {"enabled": "yes"}]})");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().kind == ErrorKind::usage);
    CHECK(wrong.error().message.find("cron_checks.1.enabled") != std::string::npos);
    auto item = parse_sync_document(R"({"cron_checks": ["a"]})");
    REQUIRE_FALSE(item);
    CHECK(item.error().message.find("cron_checks.0") != std::string::npos);
    for (const char* text : {"{", "[]", R"({"cron_checks": {}})"}) {
      auto bad = parse_sync_document(text);
      REQUIRE_FALSE(bad);
      CHECK(bad.error().kind == ErrorKind::usage);
    }
  }

  TEST_CASE("unknown fields, an unknown type and a missing cron_checks are validation errors") {
    auto unknown = parse_sync_document(
        R"({"cron_checks": [{"name": "a", "enabeld": true, "type": "weekly"}], "extra": 1})");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == ErrorKind::validation);
    CHECK(unknown.error().fields.contains("cron_checks.0.enabeld"));
    CHECK(unknown.error().fields.contains("cron_checks.0.type"));
    CHECK(unknown.error().fields.contains("extra"));
    auto missing = parse_sync_document("{}");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().fields.contains("cron_checks"));
  }

  TEST_CASE("a whole number at or past 2^63 is out of range, not a negative number") {
    auto huge = parse_sync_document(
        R"({"cron_checks": [{"name": "a", "grace_time_in_minutes": 18446744073709551615}]})");
    REQUIRE_FALSE(huge);
    CHECK(huge.error().kind == ErrorKind::validation);
    CHECK(huge.error().fields.at("cron_checks.0.grace_time_in_minutes") ==
          std::vector<std::string>{"The grace_time_in_minutes is out of range."});
  }

  TEST_CASE("a plan step is its action, id, name and changed fields") {
    SyncStep step;
    step.action = SyncAction::remove;
    step.name = "gone";
    CHECK(sync_step_to_json(step).dump() ==
          R"({"action":"delete","id":null,"name":"gone","changes":[]})");
    Job job;
    job.seq = 3;
    step.action = SyncAction::update;
    step.job = job;
    step.changes = {"cron_expression"};
    CHECK(sync_step_to_json(step).dump() ==
          R"({"action":"update","id":"cron-003","name":"gone","changes":["cron_expression"]})");
  }
}

}  // namespace certcron::json
