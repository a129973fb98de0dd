#include "json/shapes.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace certcron;

namespace {

Seconds at(std::string_view text) { return *util::parse_rfc3339(text); }

JobDetails full_job() {
  JobDetails details;
  Job& job = details.job;
  job.seq = 7;
  job.uuid = "0b7c";
  job.definition = {"backup \"db\"", "line1\nline2", ScheduleType::cron, "0 2 * * *", 0, 5,
                    "Europe/Brussels", true, 90, false};
  job.created_at = at("2026-01-02T03:04:05Z");
  job.updated_at = at("2026-01-03T03:04:05Z");
  job.latest_result = LatestResult::ping_finished;
  job.latest_ping_at = at("2026-01-04T00:00:00Z");
  job.snooze = Snooze{at("2026-01-05T00:00:00Z"), 60};
  Run run;
  run.seq = 3;
  run.job_seq = 7;
  run.started_at = at("2026-01-04T01:00:00Z");
  run.status = RunStatus::success;
  run.result = RunResult{1, 2, 3, 4, ""};
  details.last_run = run;
  details.next_run_at = at("2026-01-05T01:00:00Z");
  details.human_readable_cron_expression = "At 02:00";
  return details;
}

std::string written(const JobDetails& details, Seconds now) {
  std::string out;
  json::JsonWriter writer(out);
  json::write_job(writer, details, now, "http://h:1");
  return out;
}

}  // namespace

TEST_SUITE("json.shapes") {
  TEST_CASE("a job is written with the contract's keys in order, compact and escaped") {
    CHECK(written(full_job(), at("2026-01-04T12:00:00Z")) ==
          R"({"id":"cron-007","name":"backup \"db\"","description":"line1\nline2","type":"cron",)"
          R"("cron_expression":"0 2 * * *","frequency_in_minutes":null,"grace_time_in_minutes":5,)"
          R"("max_runtime_in_minutes":90,"catch_up":false,)"
          R"("server_timezone":"Europe/Brussels","status":"active","uuid":"0b7c",)"
          R"("ping_url":"http://h:1/ping/0b7c","human_readable_cron_expression":"At 02:00",)"
          R"("last_run_at":"2026-01-04T01:00:00Z","last_run_status":"success",)"
          R"("last_run_result":{"mentors_checked":1,"reminders_sent":3,"errors":4,)"
          R"("certifications_checked":2},"next_run_at":"2026-01-05T01:00:00Z",)"
          R"("schedule_error":null,"latest_result":"pingFinished","latest_result_label":"ok",)"
          R"("latest_result_label_color":"green","latest_ping_at":"2026-01-04T00:00:00Z",)"
          R"("active_snooze":{"ends_at":"2026-01-05T00:00:00Z","minutes":60},)"
          R"("created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-03T03:04:05Z"})");
  }

  TEST_CASE("a simple job with nothing recorded has nulls where values are missing") {
    JobDetails details = full_job();
    details.job.definition.type = ScheduleType::simple;
    details.job.definition.frequency_in_minutes = 15;
    details.job.definition.enabled = false;
    details.job.latest_result.reset();
    details.job.latest_ping_at.reset();
    details.last_run.reset();
    details.next_run_at.reset();
    details.schedule_error = "server_timezone: unknown";
    // The snooze has ended by "now": it is not shown.
    const auto json = json::job_to_json(details, at("2026-02-01T00:00:00Z"), "http://h:1");
    CHECK(json["cron_expression"].is_null());
    CHECK(json["frequency_in_minutes"] == 15);
    CHECK(json["status"] == "disabled");
    CHECK(json["last_run_at"].is_null());
    CHECK(json["last_run_status"].is_null());
    CHECK(json["last_run_result"].is_null());
    CHECK(json["next_run_at"].is_null());
    CHECK(json["schedule_error"] == "server_timezone: unknown");
    CHECK(json["latest_result"].is_null());
    CHECK(json["latest_ping_at"].is_null());
    CHECK(json["active_snooze"].is_null());
  }

  TEST_CASE("a page of jobs reads back as the tree page_to_json builds") {
    Page<JobDetails> page{{full_job(), full_job()}, 2, 2, 5};
    const Seconds now = at("2026-01-04T12:00:00Z");
    json::Json data = json::Json::array();
    for (const auto& details : page.items) {
      data.push_back(json::job_to_json(details, now, "http://h:1"));
    }
    const auto expected = json::page_to_json(std::move(data), 2, 2, 5);
    CHECK(json::job_page_to_json(page, now, "http://h:1") == expected);
    std::string out;
    json::JsonWriter writer(out);
    json::write_job_page(writer, page, now, "http://h:1");
    CHECK(out == expected.dump());
  }
}
