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

  TEST_CASE("a job in a zone with a constant offset gets exact minute and hour fields") {
    auto tokyo = fields(cron("0 9 * * *", "Asia/Tokyo"), "UTC");
    CHECK(tokyo.fields == "0 0 * * *");
    CHECK(tokyo.exact);
    auto kolkata = fields(cron("30 2 * * *", "Asia/Kolkata"), "UTC");
    CHECK(kolkata.fields == "0 21 * * *");
    CHECK(kolkata.exact);
    // Sao Paulo has kept UTC-3 all year since 2019.
    CHECK(fields(cron("0 2 * * *", "America/Sao_Paulo"), "UTC").fields == "0 5 * * *");
    CHECK(fields(cron("30 23 * * *", "Asia/Tokyo"), "UTC").fields == "30 14 * * *");
    CHECK(fields(cron("0 9 * * *", "UTC"), "Asia/Tokyo").fields == "0 18 * * *");
  }

  TEST_CASE("a constant shift that keeps every slot on its date keeps the job's day fields") {
    auto weekdays = fields(cron("0 9 * * 1-5", "Asia/Tokyo"), "UTC");
    CHECK(weekdays.fields == "0 0 * * 1-5");
    CHECK(weekdays.exact);
    // Either day field may match when both are restricted: kept as written.
    auto either = fields(cron("0 12 1,15 * MON", "Asia/Tokyo"), "UTC");
    CHECK(either.fields == "0 3 1,15 * MON");
    CHECK(either.exact);
    CHECK(fields(cron("0 10 */2 * *", "Asia/Tokyo"), "UTC").fields == "0 1 */2 * *");
    CHECK(fields(cron("@monthly", "UTC"), "Asia/Tokyo").fields == "0 9 1 * *");
  }

  TEST_CASE("a constant shift across midnight moves weekdays and drops other day fields") {
    // 08:00 in Tokyo is 23:00 UTC the day before.
    auto weekdays = fields(cron("0 8 * * 1-5", "Asia/Tokyo"), "UTC");
    CHECK(weekdays.fields == "0 23 * * 0-4");
    CHECK(weekdays.exact);
    // Some slots move to the day before, some stay: the union of both weekday sets.
    auto spread = fields(cron("0 8-18/2 * * 1-5", "Asia/Tokyo"), "UTC");
    CHECK(spread.fields == "0 1,3,5,7,9,23 * * 0-5");
    CHECK_FALSE(spread.exact);
    // The 1st at 00:15 in Tokyo is the last day of the previous month in UTC.
    auto monthly = fields(cron("15 0 1 * *", "Asia/Tokyo"), "UTC");
    CHECK(monthly.fields == "15 15 * * *");
    CHECK_FALSE(monthly.exact);
    CHECK(fields(cron("0 0 * * 0", "UTC"), "Asia/Tokyo").fields == "0 9 * * 0");
    CHECK(fields(cron("0 20 * * 6", "UTC"), "Asia/Tokyo").fields == "0 5 * * 0");
  }

  TEST_CASE("a shift that moves minutes across an hour boundary is not exact") {
    // 02:00 and 02:30 in Kolkata are 20:30 and 21:00 UTC; the line also fires at 20:00, 21:30.
    auto line = fields(cron("0,30 2 * * *", "Asia/Kolkata"), "UTC");
    CHECK(line.fields == "0,30 20,21 * * *");
    CHECK_FALSE(line.exact);
  }

  TEST_CASE("a Brussels fixed-time job on a UTC host also fires at the end of the spring gap") {
    // 02:00 is 00:00 UTC in summer, 01:00 UTC in winter and at the end of the gap.
    auto two = fields(cron("0 2 * * *", "Europe/Brussels"), "UTC");
    CHECK(two.fields == "0 0,1 * * *");
    CHECK_FALSE(two.exact);
    // 02:30 is :30 in UTC in both seasons; the gap ends at 01:00Z, minute 0.
    CHECK(fields(cron("30 2 * * *", "Europe/Brussels"), "UTC").fields == "0,30 0,1 * * *");
    // No slot of a 09:00 job falls in the gap: no hour is added for it.
    CHECK(fields(cron("0 9 * * *", "Europe/Brussels"), "UTC").fields == "0 7,8 * * *");
    // A wildcard job has no gap run: slots in the gap are skipped.
    CHECK(fields(cron("30 * * * *", "Europe/Brussels"), "UTC").fields == "30 * * * *");
    CHECK(fields(cron("*/15 2 * * *", "Europe/Brussels"), "UTC").fields == "0,15,30,45 0,1 * * *");
  }

  TEST_CASE("the gap end counts only when a slot of the job falls in a gap") {
    // The spring gaps of 2026..2040 are all on Sundays; a Monday job never lands in one.
    CHECK(fields(cron("30 2 * * 1", "Europe/Brussels"), "UTC").fields == "30 0,1 * * *");
    CHECK(fields(cron("30 2 * * 0", "Europe/Brussels"), "UTC").fields == "0,30 0,1 * * *");
  }

  TEST_CASE("a Lord Howe job on a UTC host covers both half-hour offsets and its gap end") {
    // +10:30 and +11:00: 02:15 local is 15:45 or 15:15 UTC; the gap ends at 02:30 local,
    // 15:30 UTC.
    CHECK(fields(cron("15 2 * * *", "Australia/Lord_Howe"), "UTC").fields == "15,30,45 15 * * *");
  }

  TEST_CASE("southern and northern DST both shift a job's hours") {
    // Sydney is +10 or +11; 09:00 there is 23:00 or 22:00 UTC the day before.
    CHECK(fields(cron("0 9 * * *", "Australia/Sydney"), "UTC").fields == "0 22,23 * * *");
    // Against Brussels (+1/+2) the differences are 10 h (northern winter), 9 h (both in
    // summer time for a few weeks in spring and autumn) and 8 h (southern winter).
    CHECK(fields(cron("0 9 * * *", "Australia/Sydney"), "Europe/Brussels").fields ==
          "0 0,1,23 * * *");
    CHECK(fields(cron("0 9 * * *", "America/New_York"), "Europe/Brussels").fields ==
          "0 14,15 * * *");
  }

  TEST_CASE("a slot on the second pass of the host's repeated hour keeps the hours at *") {
    // Brussels goes back at 01:00 UTC; 01:30 UTC is then the second 02:30 in Brussels, which
    // a line with fixed times would not start again.
    auto second_pass = fields(cron("30 1 * * *", "UTC"), "Europe/Brussels");
    CHECK(second_pass.fields == "30 * * * *");
    CHECK_FALSE(second_pass.exact);
    // 00:30 UTC is the first pass: a fixed-time line starts it.
    CHECK(fields(cron("30 0 * * *", "UTC"), "Europe/Brussels").fields == "30 1,2 * * *");
    // A job whose minutes already follow the clock keeps its hours narrowed.
    CHECK(fields(cron("* 1 * * *", "UTC"), "Europe/Brussels").fields == "* 2,3 * * *");
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
    auto two_hours_brussels = fields(every(120), "Europe/Brussels");
    CHECK(two_hours_brussels.fields == "0 * * * *");
    CHECK_FALSE(two_hours_brussels.exact);
    CHECK(fields(every(7), "UTC").fields == "* * * * *");
    CHECK_FALSE(fields(every(7), "UTC").exact);
    CHECK(fields(every(90), "UTC").fields == "0,30 * * * *");
    CHECK(fields(every(45), "Asia/Kolkata").fields == "0,15,30,45 * * * *");
    // Lord Howe's half-hour DST shift moves slots of an every-60 job between :00 and :30.
    auto hourly_lord_howe = fields(every(60), "Australia/Lord_Howe");
    CHECK(hourly_lord_howe.fields == "0,30 * * * *");
    CHECK_FALSE(hourly_lord_howe.exact);
  }

  TEST_CASE("every N minutes that is whole hours dividing a day narrows hours on a DST host") {
    // Daily at 00:00 UTC is 01:00 or 02:00 in Brussels.
    auto daily_brussels = fields(every(1440), "Europe/Brussels");
    CHECK(daily_brussels.fields == "0 1,2 * * *");
    CHECK_FALSE(daily_brussels.exact);
    CHECK(fields(every(720), "Europe/Brussels").fields == "0 1,2,13,14 * * *");
    CHECK(fields(every(1440), "Australia/Lord_Howe").fields == "0,30 10,11 * * *");
    CHECK(fields(every(480), "Asia/Kolkata").fields == "30 5,13,21 * * *");
    CHECK(fields(every(480), "Asia/Kolkata").exact);
  }

  TEST_CASE("an unknown host zone is a validation error") {
    auto result = cron_fields_for(cron("0 2 * * *", "UTC"), "Mars/Olympus", kNow);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == certcron::ErrorKind::validation);
  }

  TEST_CASE("minute and hour lists are written compactly") {
    std::bitset<60> minutes;
    CHECK(format_minutes(std::bitset<60>().set()) == "*");
    minutes.set(0).set(1).set(2).set(3).set(30).set(31).set(59);
    CHECK(format_minutes(minutes) == "0-3,30,31,59");
    std::bitset<24> hours;
    CHECK(format_hours(std::bitset<24>().set()) == "*");
    hours.set(0).set(1).set(8).set(9).set(10).set(23);
    CHECK(format_hours(hours) == "0,1,8-10,23");
  }

}  // TEST_SUITE
