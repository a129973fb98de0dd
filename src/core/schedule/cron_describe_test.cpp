#include "core/schedule/schedule.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

std::string describe(std::string_view text) {
  auto cron = certcron::schedule::CronExpression::parse(text);
  REQUIRE_MESSAGE(cron.has_value(), "expected valid: ", std::string(text));
  return cron->describe();
}

}  // namespace

TEST_SUITE("schedule.describe") {
  TEST_CASE("minute-level schedules") {
    CHECK(describe("* * * * *") == "Every minute");
    CHECK(describe("*/5 * * * *") == "Every 5 minutes");
    CHECK(describe("*/1 * * * *") == "Every minute");
    CHECK(describe("0,30 * * * *") == "At 0 and 30 minutes past the hour");
    CHECK(describe("45,0,15,30 * * * *") == "At 0, 15, 30 and 45 minutes past the hour");
    CHECK(describe("1 * * * *") == "At 1 minute past the hour");
    CHECK(describe("0-10 * * * *") == "Minutes 0 through 10 past the hour");
    CHECK(describe("10-40/10 * * * *") ==
          "Every 10 minutes, minutes 10 through 40 past the hour");
    CHECK(describe("0-5,30 * * * *") == "Minutes 0 through 5 and 30 past the hour");
  }

  TEST_CASE("hour-level schedules") {
    CHECK(describe("0 * * * *") == "Every hour");
    CHECK(describe("@hourly") == "Every hour");
    CHECK(describe("0 */2 * * *") == "Every 2 hours");
    CHECK(describe("30 */2 * * *") == "At 30 minutes past the hour, every 2 hours");
    CHECK(describe("* 2 * * *") == "Every minute, between 02:00 and 02:59");
    CHECK(describe("*/15 9-17 * * *") == "Every 15 minutes, between 09:00 and 17:59");
    CHECK(describe("23 0-20/2 * * *") ==
          "At 23 minutes past the hour, every 2 hours, between 00:00 and 20:59");
    CHECK(describe("*/10 8,12,18 * * *") ==
          "Every 10 minutes, in the 08:00, 12:00 and 18:00 hours");
    CHECK(describe("0,30 0-23 * * *") == "At 0 and 30 minutes past the hour, between 00:00 and 23:59");
  }

  TEST_CASE("fixed times are written as 24-hour clock times") {
    CHECK(describe("0 2 * * *") == "At 02:00");
    CHECK(describe("@daily") == "At 00:00");
    CHECK(describe("5 14 * * *") == "At 14:05");
    CHECK(describe("30 8,12,16 * * *") == "At 08:30, 12:30 and 16:30");
    CHECK(describe("0,30 9 * * *") == "At 09:00 and 09:30");
  }

  TEST_CASE("day-of-month, day-of-week and month clauses") {
    CHECK(describe("0 9 1-7 * 1") ==
          "At 09:00, between day 1 and 7 of the month, and on Monday");
    CHECK(describe("0 2 * * 0") == "At 02:00, only on Sunday");
    CHECK(describe("0 2 * * 7") == "At 02:00, only on Sunday");
    CHECK(describe("0 0 1 1 *") == "At 00:00, on day 1 of the month, only in January");
    CHECK(describe("@yearly") == "At 00:00, on day 1 of the month, only in January");
    CHECK(describe("@weekly") == "At 00:00, only on Sunday");
    CHECK(describe("@monthly") == "At 00:00, on day 1 of the month");
    CHECK(describe("0 22 * * 1-5") == "At 22:00, Monday through Friday");
    CHECK(describe("0 22 * * mon,wed,fri") == "At 22:00, only on Monday, Wednesday and Friday");
    CHECK(describe("0 0 1,15 * *") == "At 00:00, on day 1 and 15 of the month");
    CHECK(describe("0 0 */2 * *") == "At 00:00, every 2 days");
    CHECK(describe("0 0 1 */3 *") == "At 00:00, on day 1 of the month, every 3 months");
    CHECK(describe("0 0 * jan-jun *") == "At 00:00, January through June");
    CHECK(describe("0 0 * 1,7 *") == "At 00:00, only in January and July");
    CHECK(describe("0 0 13 * fri") == "At 00:00, on day 13 of the month, and on Friday");
    CHECK(describe("0 0 1-7 * mon-wed") ==
          "At 00:00, between day 1 and 7 of the month, and on Monday through Wednesday");
    CHECK(describe("0 0 */2 * 5") == "At 00:00, every 2 days, only on Friday");
    CHECK(describe("0 0 * * */2") == "At 00:00, every 2 days of the week");
  }
}
