#include "core/schedule/schedule.hpp"
#include "core/schedule/schedule_test_support.hpp"

#include <doctest/doctest.h>

#include <chrono>

using certcron::ErrorKind;
using certcron::schedule::Schedule;
using certcron::schedule::Seconds;
using certcron::schedule::testing::cron_in;
using certcron::schedule::testing::fires;
using certcron::schedule::testing::instant;
using Instants = std::vector<std::string>;
using namespace std::chrono_literals;

namespace {

Schedule every(int minutes, std::string_view zone = "Europe/Brussels") {
  auto schedule = Schedule::every(minutes, zone);
  REQUIRE(schedule.has_value());
  return *schedule;
}

std::string latest(const Schedule& schedule, std::string_view not_before, std::string_view at) {
  auto found = schedule.latest_fire_between(instant(not_before), instant(at));
  return found ? certcron::util::format_rfc3339(*found) : "none";
}

}  // namespace

TEST_SUITE("schedule.schedule") {
  TEST_CASE("a simple schedule fires on multiples of its frequency since the Unix epoch") {
    CHECK(fires(every(15), "2026-03-25T10:07:00Z", 3) ==
          Instants{"2026-03-25T10:15:00Z", "2026-03-25T10:30:00Z", "2026-03-25T10:45:00Z"});
    CHECK(fires(every(15), "2026-03-25T10:15:00Z", 1) == Instants{"2026-03-25T10:30:00Z"});
    // 7 minutes: 1970-01-01 plus multiples of 420 s, whatever the wall clock says.
    auto seven = every(7).next_fire_after(instant("2026-03-25T10:00:00Z"));
    CHECK(seven.time_since_epoch().count() % 420 == 0);
    CHECK(seven > instant("2026-03-25T10:00:00Z"));
    CHECK(seven <= instant("2026-03-25T10:07:00Z"));
  }

  TEST_CASE("a simple schedule ignores the zone and DST: slots stay UTC-anchored") {
    CHECK(fires(every(60, "Europe/Brussels"), "2026-03-29T00:30:00Z", 3) ==
          Instants{"2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"});
    CHECK(fires(every(1440, "Asia/Kolkata"), "2026-03-29T12:00:00Z", 1) ==
          Instants{"2026-03-30T00:00:00Z"});
  }

  TEST_CASE("a simple frequency outside 1..525600 minutes is rejected") {
    for (int minutes : {0, -5, 525601}) {
      CAPTURE(minutes);
      auto schedule = Schedule::every(minutes, "UTC");
      REQUIRE_FALSE(schedule.has_value());
      CHECK(schedule.error().kind == ErrorKind::validation);
      CHECK(schedule.error().fields.at("frequency_in_minutes") ==
            std::vector<std::string>{"must be between 1 and 525600 minutes"});
    }
    CHECK(Schedule::every(1, "UTC").has_value());
    CHECK(Schedule::every(525600, "UTC").has_value());
  }

  TEST_CASE("a simple schedule reports its kind and frequency") {
    auto schedule = every(15);
    CHECK_FALSE(schedule.is_cron());
    CHECK(schedule.expression() == nullptr);
    CHECK(schedule.frequency_minutes() == 15);
    CHECK(schedule.zone().name() == "Europe/Brussels");
  }

  TEST_CASE("a cron schedule reports its expression and zone") {
    auto schedule = cron_in("0 2 * * *", "America/New_York");
    CHECK(schedule.is_cron());
    REQUIRE(schedule.expression() != nullptr);
    CHECK(schedule.expression()->text == "0 2 * * *");
    CHECK(schedule.frequency_minutes() == 0);
    CHECK(schedule.zone().name() == "America/New_York");
  }

  TEST_CASE("a bad expression and a bad zone are both reported") {
    auto both = Schedule::cron("61 * * * *", "Mars/Olympus");
    REQUIRE_FALSE(both.has_value());
    CHECK(both.error().fields.size() == 2);
    CHECK(both.error().fields.count("cron_expression") == 1);
    CHECK(both.error().fields.count("server_timezone") == 1);
    auto zone_only = Schedule::every(5, "Nowhere");
    REQUIRE_FALSE(zone_only.has_value());
    CHECK(zone_only.error().fields.at("server_timezone").front() ==
          "unknown time zone 'Nowhere'; use an IANA name such as Europe/Brussels");
  }

  TEST_CASE("describe words simple schedules in minutes") {
    CHECK(every(1).describe() == "Every minute");
    CHECK(every(15).describe() == "Every 15 minutes");
    CHECK(every(1440).describe() == "Every 1440 minutes");
    CHECK(cron_in("0 2 * * *", "UTC").describe() == "At 02:00");
  }

  TEST_CASE("latest_fire_between finds the slot due now within the grace window") {
    auto nightly = cron_in("0 2 * * *", "UTC");
    CHECK(latest(nightly, "2026-03-25T01:58:00Z", "2026-03-25T02:03:00Z") ==
          "2026-03-25T02:00:00Z");
    // The bounds: not_before is excluded, at is included.
    CHECK(latest(nightly, "2026-03-25T02:00:00Z", "2026-03-25T02:03:00Z") == "none");
    CHECK(latest(nightly, "2026-03-25T01:55:00Z", "2026-03-25T02:00:00Z") ==
          "2026-03-25T02:00:00Z");
    CHECK(latest(nightly, "2026-03-25T01:55:00Z", "2026-03-25T01:59:59Z") == "none");
  }

  TEST_CASE("latest_fire_between picks the latest of several slots") {
    auto often = cron_in("*/5 * * * *", "Europe/Brussels");
    CHECK(latest(often, "2026-03-25T09:00:00Z", "2026-03-25T09:23:00Z") ==
          "2026-03-25T09:20:00Z");
    auto simple = every(10);
    CHECK(latest(simple, "2026-03-25T09:00:00Z", "2026-03-25T09:29:59Z") ==
          "2026-03-25T09:20:00Z");
    CHECK(latest(simple, "2026-03-25T09:20:00Z", "2026-03-25T09:29:59Z") == "none");
  }

  TEST_CASE("latest_fire_between scans long windows over sparse schedules") {
    auto yearly = cron_in("@yearly", "UTC");
    CHECK(latest(yearly, "2000-06-01T00:00:00Z", "2026-03-25T00:00:00Z") ==
          "2026-01-01T00:00:00Z");
    CHECK(latest(yearly, "2026-01-01T00:00:00Z", "2026-12-31T23:59:59Z") == "none");
    auto minutely = cron_in("* * * * *", "UTC");
    CHECK(latest(minutely, "1990-01-01T00:00:00Z", "2026-03-25T10:00:30Z") ==
          "2026-03-25T10:00:00Z");
  }

  TEST_CASE("latest_fire_between follows the DST rules of next_fire_after") {
    auto fixed = cron_in("30 2 * * *", "Europe/Brussels");
    // In the repeated hour of 2026-10-25 the fixed-time slot fired on the first pass only.
    CHECK(latest(fixed, "2026-10-25T01:00:00Z", "2026-10-25T01:45:00Z") == "none");
    CHECK(latest(fixed, "2026-10-25T00:00:00Z", "2026-10-25T01:45:00Z") ==
          "2026-10-25T00:30:00Z");
    // The gap slot of 2026-03-29 is due at 03:00 CEST.
    CHECK(latest(fixed, "2026-03-29T00:55:00Z", "2026-03-29T01:05:00Z") ==
          "2026-03-29T01:00:00Z");
  }

  TEST_CASE("an empty or inverted window has no fire") {
    auto minutely = cron_in("* * * * *", "UTC");
    CHECK(latest(minutely, "2026-03-25T10:00:00Z", "2026-03-25T10:00:00Z") == "none");
    CHECK(latest(minutely, "2026-03-25T10:05:00Z", "2026-03-25T10:00:00Z") == "none");
  }
}
