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
    CHECK(describe("45,0,15,30 * * * *") == "At 0, 15, 30, and 45 minutes past the hour");
    CHECK(describe("1 * * * *") == "At 1 minute past the hour");
    CHECK(describe("0-10 * * * *") == "Minutes 0 through 10 past the hour");
    CHECK(describe("10-40/10 * * * *") == "Every 10 minutes, minutes 10 through 40 past the hour");
    CHECK(describe("0-5,30 * * * *") == "At 0 through 5 and 30 minutes past the hour");
    CHECK(describe("0-10 9 * * *") == "Every minute between 09:00 and 09:10");
  }

  TEST_CASE("hour-level schedules") {
    CHECK(describe("0 * * * *") == "Every hour");
    CHECK(describe("@hourly") == "Every hour");
    CHECK(describe("0 */2 * * *") == "On the hour, every 2 hours");
    CHECK(describe("0 1-3 * * *") == "Every hour, between 01:00 and 03:00");
    CHECK(describe("30 */2 * * *") == "At 30 minutes past the hour, every 2 hours");
    CHECK(describe("* 2 * * *") == "Every minute, between 02:00 and 02:59");
    CHECK(describe("*/15 9-17 * * *") == "Every 15 minutes, between 09:00 and 17:59");
    CHECK(describe("23 0-20/2 * * *") ==
          "At 23 minutes past the hour, every 2 hours, between 00:00 and 20:59");
    CHECK(describe("*/15 10 * * *") == "Every 15 minutes, between 10:00 and 10:59");
    CHECK(describe("30 1-3 * * *") == "At 30 minutes past the hour, between 01:00 and 03:59");
    CHECK(describe("*/10 8,12,18 * * *") == "Every 10 minutes, at 08:00, 12:00, and 18:00");
    CHECK(describe("0 1-3,5 * * *") == "Every hour, at 01:00 through 03:00 and 05:00");
    CHECK(describe("0,30 0-23 * * *") ==
          "At 0 and 30 minutes past the hour, between 00:00 and 23:59");
  }

  TEST_CASE("fixed times are written as 24-hour clock times") {
    CHECK(describe("0 2 * * *") == "At 02:00");
    CHECK(describe("@daily") == "At 00:00");
    CHECK(describe("5 14 * * *") == "At 14:05");
    CHECK(describe("30 8,12,16 * * *") == "At 08:30, 12:30 and 16:30");
    CHECK(describe("0,30 9 * * *") == "At 0 and 30 minutes past the hour, at 09:00");
    CHECK(describe("15 18,2,9 * * *") == "At 02:15, 09:15 and 18:15");
  }

  TEST_CASE("day-of-month, day-of-week and month clauses") {
    CHECK(describe("0 9 1-7 * 1") == "At 09:00, between day 1 and 7 of the month, and on Monday");
    CHECK(describe("0 2 * * 0") == "At 02:00, only on Sunday");
    CHECK(describe("0 2 * * 7") == "At 02:00, only on Sunday");
    CHECK(describe("0 0 1 1 *") == "At 00:00, on day 1 of the month, only in January");
    CHECK(describe("@yearly") == "At 00:00, on day 1 of the month, only in January");
    CHECK(describe("@weekly") == "At 00:00, only on Sunday");
    CHECK(describe("@monthly") == "At 00:00, on day 1 of the month");
    CHECK(describe("0 22 * * 1-5") == "At 22:00, Monday through Friday");
    CHECK(describe("0 22 * * mon,wed,fri") == "At 22:00, only on Monday, Wednesday, and Friday");
    CHECK(describe("0 0 1,15 * *") == "At 00:00, on day 1 and 15 of the month");
    CHECK(describe("0 0 */2 * *") == "At 00:00, every 2 days in a month");
    CHECK(describe("0 0 1-10/3 * *") ==
          "At 00:00, every 3 days in a month, between day 1 and 10 of the month");
    CHECK(describe("0 0 1 */3 *") == "At 00:00, on day 1 of the month, every 3 months");
    CHECK(describe("0 0 * jan-jun *") == "At 00:00, January through June");
    CHECK(describe("0 0 * 1,7 *") == "At 00:00, only in January and July");
    CHECK(describe("0 0 13 * fri") == "At 00:00, on day 13 of the month, and on Friday");
    CHECK(describe("0 0 1-7 * mon-wed") ==
          "At 00:00, between day 1 and 7 of the month, and on Monday through Wednesday");
    CHECK(describe("0 0 * * */2") == "At 00:00, every 2 days of the week");
    CHECK(describe("0 0 * 2-11/3 *") == "At 00:00, every 3 months, February through November");
  }

  TEST_CASE("a list of plain numbers reads in order; one written with names reads as written") {
    CHECK(describe("0 0 * * 6,0") == "At 00:00, only on Sunday and Saturday");
    CHECK(describe("0 0 * * sat,sun") == "At 00:00, only on Saturday and Sunday");
    CHECK(describe("0 0 * 10,9 *") == "At 00:00, only in September and October");
    CHECK(describe("0 0 * sep,mar *") == "At 00:00, only in September and March");
    CHECK(describe("0 0 * * 0,7") == "At 00:00, only on Sunday");
  }

  TEST_CASE("in a list with a step, each item reads on its own") {
    CHECK(describe("0-30/10,45 * * * *") ==
          "Every 10 minutes, minutes 0 through 30 past the hour and at 45 minutes past the hour");
    CHECK(describe("0 */2,5 * * *") == "On the hour, every 2 hours and at 05:00");
    CHECK(describe("0 0 1-10/3,20 * *") ==
          "At 00:00, every 3 days in a month, between day 1 and 10 of the month and on day 20 "
          "of the month");
  }

  TEST_CASE("the day of week says how cron combines it with a restricted day of month") {
    // Neither field starts with '*': a day matching either runs, whatever the field's form.
    CHECK(describe("0 0 1-7 * mon-fri") ==
          "At 00:00, between day 1 and 7 of the month, and on Monday through Friday");
    CHECK(describe("0 0 13 * 1-5/2") ==
          "At 00:00, on day 13 of the month, and on every 2 days of the week, Monday through "
          "Friday");
    // One starts with '*': a day must match both, so no "and on".
    CHECK(describe("0 0 */2 * 5") == "At 00:00, every 2 days in a month, only on Friday");
    CHECK(describe("0 0 */3 * mon,wed") ==
          "At 00:00, every 3 days in a month, only on Monday and Wednesday");
    CHECK(describe("0 0 13 * */2") == "At 00:00, on day 13 of the month, every 2 days of the week");
    CHECK(describe("0 0 */5 * mon-fri") ==
          "At 00:00, every 5 days in a month, Monday through Friday");
  }

  TEST_CASE("0-7 in the day of week is the whole week, 7 being Sunday again") {
    CHECK(describe("0 0 * * 0-7") == "At 00:00, Sunday through Saturday");
    CHECK(describe("0 0 * * 5-7") == "At 00:00, Friday through Sunday");
  }
}
