#include "json/cron_check.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace certcron::json {
namespace {

Seconds at(const char* text) { return *util::parse_rfc3339(text); }

// The seed's example object as a certcron job: simple, every 15 minutes, last pinged finished.
JobDetails simple_check() {
  JobDetails details;
  Job& job = details.job;
  job.seq = 1;
  job.uuid = "0d210b09-1c2d-4e3f-8a4b-5c6d7e8f9a0b";
  job.definition.name = "cronjob number one";
  job.definition.description = "a description goes here";
  job.definition.type = ScheduleType::simple;
  job.definition.frequency_in_minutes = 15;
  job.definition.grace_time_in_minutes = 5;
  job.definition.server_timezone = "Europe/Brussels";
  job.created_at = at("2020-07-28T13:27:02Z");
  job.updated_at = at("2020-08-01T00:00:00Z");
  job.latest_result = LatestResult::ping_finished;
  job.latest_ping_at = at("2020-11-16T09:19:40Z");
  details.human_readable_cron_expression = "Every 15 minutes";
  return details;
}

JobDetails cron_check() {
  JobDetails details;
  Job& job = details.job;
  job.seq = 12;
  job.uuid = "5f0c2d7e-3b1a-4c8e-9d2f-0a1b2c3d4e5f";
  job.definition.name = "cron job #1";
  job.definition.type = ScheduleType::cron;
  job.definition.cron_expression = "* * * * *";
  job.definition.grace_time_in_minutes = 10;
  job.definition.server_timezone = "UTC";
  job.created_at = at("2026-03-26T10:00:00Z");
  details.human_readable_cron_expression = "Every minute";
  return details;
}

const std::string kBase = "http://127.0.0.1:8080";

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) {
    keys.push_back(item.key());
  }
  return keys;
}

}  // namespace

TEST_SUITE("json.cron_check") {
  TEST_CASE("a simple check has the seed's fields, in the seed's order, with the seed's values") {
    const Json check = cron_check_to_json(simple_check(), at("2020-11-16T09:24:40Z"), kBase);
    CHECK(keys_of(check) ==
          std::vector<std::string>{"id", "uuid", "name", "type", "description",
                                   "frequency_in_minutes", "grace_time_in_minutes",
                                   "cron_expression", "human_readable_cron_expression",
                                   "server_timezone", "ping_url", "created_at", "latest_result",
                                   "latest_result_label", "latest_result_label_color",
                                   "latest_ping_at", "human_readable_latest_ping_at",
                                   "active_snooze"});
    CHECK(check["id"].is_number_integer());
    CHECK(check["id"] == 1);
    CHECK(check["uuid"] == "0d210b09-1c2d-4e3f-8a4b-5c6d7e8f9a0b");
    CHECK(check["name"] == "cronjob number one");
    CHECK(check["type"] == "simple");
    CHECK(check["description"] == "a description goes here");
    CHECK(check["frequency_in_minutes"] == 15);
    CHECK(check["grace_time_in_minutes"] == 5);
    CHECK(check["cron_expression"].is_null());
    CHECK(check["human_readable_cron_expression"] == "");
    CHECK(check["server_timezone"] == "Europe/Brussels");
    CHECK(check["ping_url"] == "http://127.0.0.1:8080/ping/0d210b09-1c2d-4e3f-8a4b-5c6d7e8f9a0b");
    CHECK(check["created_at"] == "2020-07-28 13:27:02");
    CHECK(check["latest_result"] == "pingFinished");
    CHECK(check["latest_result_label"] == "ok");
    CHECK(check["latest_result_label_color"] == "green");
    CHECK(check["latest_ping_at"] == "2020-11-16 09:19:40");
    CHECK(check["human_readable_latest_ping_at"] == "5 minutes ago");
    CHECK(check["active_snooze"].is_null());
  }

  TEST_CASE("a cron check has its expression, no frequency, and nulls until its first ping") {
    const Json check = cron_check_to_json(cron_check(), at("2026-03-26T10:00:00Z"), kBase);
    CHECK(check.size() == 18);
    CHECK(check["id"] == 12);
    CHECK(check["type"] == "cron");
    CHECK(check["description"] == "");
    CHECK(check["frequency_in_minutes"].is_null());
    CHECK(check["cron_expression"] == "* * * * *");
    CHECK(check["human_readable_cron_expression"] == "Every minute");
    CHECK(check["server_timezone"] == "UTC");
    CHECK(check["created_at"] == "2026-03-26 10:00:00");
    CHECK(check["latest_result"].is_null());
    CHECK(check["latest_result_label"] == "pending");
    CHECK(check["latest_result_label_color"] == "grey");
    CHECK(check["latest_ping_at"].is_null());
    CHECK(check["human_readable_latest_ping_at"].is_null());
    CHECK(check["active_snooze"].is_null());
  }

  TEST_CASE("instants are written YYYY-MM-DD HH:MM:SS in UTC") {
    CHECK(format_seed_time(at("2020-07-28T13:27:02Z")) == "2020-07-28 13:27:02");
    CHECK(format_seed_time(at("2026-03-29T03:30:00+02:00")) == "2026-03-29 01:30:00");
    CHECK(format_seed_time(at("2028-02-29T00:00:00Z")) == "2028-02-29 00:00:00");
    CHECK(format_seed_time(at("1999-12-31T23:59:59Z")) == "1999-12-31 23:59:59");
  }

  TEST_CASE("the last ping is said relative to now, in the largest whole unit") {
    const Seconds ping = at("2026-03-26T10:00:00Z");
    // The same ping, read at a clock set later and later.
    FixedClock clock(ping);
    auto said = [&](std::chrono::seconds later) {
      clock.set(ping + later);
      return human_readable_since(ping, clock.now());
    };
    using std::chrono::seconds;
    using std::chrono::minutes;
    using std::chrono::hours;
    using std::chrono::days;
    CHECK(said(seconds(0)) == "just now");
    CHECK(said(seconds(59)) == "just now");
    CHECK(said(seconds(60)) == "1 minute ago");
    CHECK(said(seconds(119)) == "1 minute ago");
    CHECK(said(minutes(2)) == "2 minutes ago");
    CHECK(said(minutes(5)) == "5 minutes ago");
    CHECK(said(minutes(59) + seconds(59)) == "59 minutes ago");
    CHECK(said(hours(1)) == "1 hour ago");
    CHECK(said(hours(23) + minutes(59)) == "23 hours ago");
    CHECK(said(days(1)) == "1 day ago");
    CHECK(said(days(6) + hours(23)) == "6 days ago");
    CHECK(said(days(7)) == "1 week ago");
    CHECK(said(days(29)) == "4 weeks ago");
    CHECK(said(days(30)) == "1 month ago");
    CHECK(said(days(364)) == "12 months ago");
    CHECK(said(days(365)) == "1 year ago");
    CHECK(said(days(3 * 365 + 10)) == "3 years ago");
    // A ping stamped after now (another host's clock ahead of ours) is not "in the future".
    CHECK(said(seconds(-30)) == "just now");
    CHECK(said(hours(-2)) == "just now");
  }

  TEST_CASE("human_readable_latest_ping_at follows the clock the object is built at") {
    JobDetails details = simple_check();
    const Seconds ping = *details.job.latest_ping_at;
    CHECK(cron_check_to_json(details, ping + std::chrono::seconds(10), kBase)
              ["human_readable_latest_ping_at"] == "just now");
    CHECK(cron_check_to_json(details, ping + std::chrono::minutes(1), kBase)
              ["human_readable_latest_ping_at"] == "1 minute ago");
    CHECK(cron_check_to_json(details, ping + std::chrono::hours(3), kBase)
              ["human_readable_latest_ping_at"] == "3 hours ago");
    CHECK(cron_check_to_json(details, ping + std::chrono::days(2), kBase)
              ["human_readable_latest_ping_at"] == "2 days ago");
  }

  TEST_CASE("an active snooze is ends_at and minutes; one that has ended is null") {
    JobDetails details = cron_check();
    const Seconds now = at("2026-03-26T10:00:00Z");
    details.job.snooze = Snooze{at("2026-03-26T11:00:00Z"), 60};
    const Json active = cron_check_to_json(details, now, kBase)["active_snooze"];
    REQUIRE(active.is_object());
    CHECK(keys_of(active) == std::vector<std::string>{"ends_at", "minutes"});
    CHECK(active["ends_at"] == "2026-03-26T11:00:00Z");
    CHECK(active["minutes"] == 60);
    CHECK(cron_check_to_json(details, at("2026-03-26T10:59:59Z"), kBase)["active_snooze"]
              .is_object());
    CHECK(cron_check_to_json(details, at("2026-03-26T11:00:00Z"), kBase)["active_snooze"]
              .is_null());
    CHECK(cron_check_to_json(details, at("2026-03-27T00:00:00Z"), kBase)["active_snooze"]
              .is_null());
  }

  TEST_CASE("the object differs from the contract's job where the seed says so") {
    const JobDetails details = simple_check();
    const Json check = cron_check_to_json(details, at("2020-11-16T09:24:40Z"), kBase);
    const Json job = job_to_json(details, at("2020-11-16T09:24:40Z"), kBase);
    CHECK(job["id"] == "cron-001");
    CHECK(check["id"] == 1);
    CHECK(check["ping_url"] == job["ping_url"]);
    CHECK(job["created_at"] == "2020-07-28T13:27:02Z");
    CHECK(check["created_at"] == "2020-07-28 13:27:02");
    for (const char* contract_only : {"status", "last_run_at", "next_run_at", "updated_at"}) {
      CHECK_FALSE(check.contains(contract_only));
    }
  }
}

}  // namespace certcron::json
