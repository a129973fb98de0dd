#include "crontab/schedule_fields.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace certcron::crontab;
using certcron::schedule::Schedule;
using Seconds = std::chrono::sys_seconds;

namespace {

// Usable in static initialisers, where doctest assertions are not.
Seconds at(std::string_view text) {
  return certcron::util::parse_rfc3339(text).value();
}

const Seconds kNow = at("2026-01-01T00:00:00Z");

Schedule cron(std::string_view expression, std::string_view zone) {
  auto schedule = Schedule::cron(expression, zone);
  REQUIRE(schedule.has_value());
  return *schedule;
}

Schedule every(int minutes, std::string_view zone = "UTC") {
  auto schedule = Schedule::every(minutes, zone);
  REQUIRE(schedule.has_value());
  return *schedule;
}

CronFields fields(const Schedule& schedule, std::string_view host) {
  auto result = cron_fields_for(schedule, host, kNow);
  REQUIRE(result.has_value());
  return *result;
}

}  // namespace

TEST_SUITE("crontab.schedule_fields") {
  TEST_CASE("a job in the host's own zone keeps its expression as is") {
    auto line = fields(cron("30 2 * * 1-5", "Europe/Brussels"), "Europe/Brussels");
    CHECK(line.fields == "30 2 * * 1-5");
    CHECK(line.exact);
  }

  TEST_CASE("zones with the same offsets at all times count as the host's zone") {
    CHECK(fields(cron("0 2 * * *", "Etc/UTC"), "UTC").fields == "0 2 * * *");
    CHECK(fields(cron("0 2 * * *", "Europe/Paris"), "Europe/Brussels").fields == "0 2 * * *");
    CHECK(fields(cron("@daily", "Europe/Paris"), "Europe/Brussels").fields == "@daily");
  }

  TEST_CASE("a Kolkata job on a UTC host fires every hour at the shifted minute") {
    auto line = fields(cron("30 2 * * *", "Asia/Kolkata"), "UTC");
    CHECK(line.fields == "0 * * * *");
    CHECK_FALSE(line.exact);
  }

  TEST_CASE("a Brussels fixed-time job on a UTC host also fires at the end of the spring gap") {
    // 02:30 is :30 in UTC in both seasons; the gap ends at 01:00Z, minute 0.
    CHECK(fields(cron("30 2 * * *", "Europe/Brussels"), "UTC").fields == "0,30 * * * *");
    // A wildcard job has no gap run: slots in the gap are skipped.
    CHECK(fields(cron("30 * * * *", "Europe/Brussels"), "UTC").fields == "30 * * * *");
  }

  TEST_CASE("a Lord Howe job on a UTC host covers both half-hour offsets and its gap end") {
    // +10:30 and +11:00: 02:15 local is :45 or :15 UTC; the gap ends at 02:30 local, :30 UTC.
    CHECK(fields(cron("15 2 * * *", "Australia/Lord_Howe"), "UTC").fields == "15,30,45 * * * *");
  }

  TEST_CASE("every N minutes that divides an hour is exact in any host zone") {
    CHECK(fields(every(15), "UTC").fields == "0,15,30,45 * * * *");
    CHECK(fields(every(15), "UTC").exact);
    CHECK(fields(every(1), "Europe/Brussels").fields == "* * * * *");
    CHECK(fields(every(60), "Asia/Kolkata").fields == "30 * * * *");
    CHECK(fields(every(60), "Asia/Kathmandu").fields == "45 * * * *");
    CHECK(fields(every(30), "Europe/Brussels").exact);
  }

  TEST_CASE("every N minutes that is whole hours dividing a day is exact on a host without DST") {
    auto two_hours = fields(every(120), "UTC");
    CHECK(two_hours.fields == "0 0,2,4,6,8,10,12,14,16,18,20,22 * * *");
    CHECK(two_hours.exact);
    CHECK(fields(every(1440), "Asia/Kolkata").fields == "30 5 * * *");
    CHECK(fields(every(60 * 24), "Asia/Kolkata").exact);
  }

  TEST_CASE("every N minutes that cron cannot say gets a superset line") {
    auto daily_brussels = fields(every(1440), "Europe/Brussels");
    CHECK(daily_brussels.fields == "0 * * * *");
    CHECK_FALSE(daily_brussels.exact);
    CHECK(fields(every(7), "UTC").fields == "* * * * *");
    CHECK_FALSE(fields(every(7), "UTC").exact);
    CHECK(fields(every(90), "UTC").fields == "0,30 * * * *");
    CHECK(fields(every(45), "Asia/Kolkata").fields == "0,15,30,45 * * * *");
    // Lord Howe's half-hour DST shift moves slots of an every-60 job between :00 and :30.
    auto hourly_lord_howe = fields(every(60), "Australia/Lord_Howe");
    CHECK(hourly_lord_howe.fields == "0,30 * * * *");
    CHECK_FALSE(hourly_lord_howe.exact);
  }

  TEST_CASE("an unknown host zone is a validation error") {
    auto result = cron_fields_for(cron("0 2 * * *", "UTC"), "Mars/Olympus", kNow);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == certcron::ErrorKind::validation);
  }

  TEST_CASE("minute lists are written compactly") {
    std::bitset<60> minutes;
    CHECK(format_minutes(std::bitset<60>().set()) == "*");
    minutes.set(0).set(1).set(2).set(3).set(30).set(31).set(59);
    CHECK(format_minutes(minutes) == "0-3,30,31,59");
  }

}  // TEST_SUITE
