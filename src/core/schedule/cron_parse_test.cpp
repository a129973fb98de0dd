#include "core/schedule/schedule.hpp"
#include "core/schedule/schedule_test_support.hpp"

#include <doctest/doctest.h>

#include <bitset>
#include <vector>

using certcron::schedule::CronExpression;
using certcron::schedule::testing::rejection;

namespace {

CronExpression parsed(std::string_view text) {
  auto cron = CronExpression::parse(text);
  REQUIRE_MESSAGE(cron.has_value(), "expected valid: ", std::string(text));
  return *cron;
}

template <std::size_t N>
std::vector<int> values(const std::bitset<N>& bits) {
  std::vector<int> out;
  for (std::size_t i = 0; i < N; ++i) {
    if (bits[i]) {
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

using Values = std::vector<int>;

}  // namespace

TEST_SUITE("schedule.parse") {
  TEST_CASE("a star selects every value of each field") {
    auto cron = parsed("* * * * *");
    CHECK(cron.minutes.count() == 60);
    CHECK(cron.hours.count() == 24);
    CHECK(values(cron.days_of_month).size() == 31);
    CHECK(values(cron.days_of_month).front() == 1);
    CHECK(values(cron.months) == Values{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    CHECK(cron.days_of_week.count() == 7);
    CHECK_FALSE(cron.day_of_month_restricted);
    CHECK_FALSE(cron.day_of_week_restricted);
    CHECK_FALSE(cron.fixed_time);
  }

  TEST_CASE("single values, ranges, stepped ranges, stepped stars and lists") {
    auto cron = parsed("5 1-4 1-10/3 */5 1,3,5");
    CHECK(values(cron.minutes) == Values{5});
    CHECK(values(cron.hours) == Values{1, 2, 3, 4});
    CHECK(values(cron.days_of_month) == Values{1, 4, 7, 10});
    CHECK(values(cron.months) == Values{1, 6, 11});
    CHECK(values(cron.days_of_week) == Values{1, 3, 5});
  }

  TEST_CASE("list items may mix values, ranges and steps") {
    auto cron = parsed("0,10-12,40-59/10 * * * *");
    CHECK(values(cron.minutes) == Values{0, 10, 11, 12, 40, 50});
  }

  TEST_CASE("the text is kept trimmed and fields may be separated by several blanks") {
    auto cron = parsed("  0  2\t* *   *  ");
    CHECK(cron.text == "0  2\t* *   *");
    CHECK(values(cron.hours) == Values{2});
  }

  TEST_CASE("month names work in any case, in ranges and in lists") {
    CHECK(values(parsed("0 0 1 JAN *").months) == Values{1});
    CHECK(values(parsed("0 0 1 mar-May *").months) == Values{3, 4, 5});
    CHECK(values(parsed("0 0 1 jan,jul,Dec *").months) == Values{1, 7, 12});
    CHECK(values(parsed("0 0 1 jan-dec/6 *").months) == Values{1, 7});
  }

  TEST_CASE("day names work in any case, in ranges and in lists") {
    CHECK(values(parsed("0 0 * * SUN").days_of_week) == Values{0});
    CHECK(values(parsed("0 0 * * mon-fri").days_of_week) == Values{1, 2, 3, 4, 5});
    CHECK(values(parsed("0 0 * * Tue,thu,SAT").days_of_week) == Values{2, 4, 6});
  }

  TEST_CASE("day-of-week 0 and 7 are both Sunday") {
    CHECK(values(parsed("0 0 * * 7").days_of_week) == Values{0});
    CHECK(values(parsed("0 0 * * 0").days_of_week) == Values{0});
    CHECK(values(parsed("0 0 * * 5-7").days_of_week) == Values{0, 5, 6});
    CHECK(values(parsed("0 0 * * */7").days_of_week) == Values{0});
  }

  TEST_CASE("each macro expands to its five fields") {
    struct Case {
      const char* macro;
      const char* fields;
    };
    for (Case c : {Case{"@yearly", "0 0 1 1 *"}, Case{"@annually", "0 0 1 1 *"},
                   Case{"@monthly", "0 0 1 * *"}, Case{"@weekly", "0 0 * * 0"},
                   Case{"@daily", "0 0 * * *"}, Case{"@midnight", "0 0 * * *"},
                   Case{"@hourly", "0 * * * *"}, Case{"@DAILY", "0 0 * * *"}}) {
      CAPTURE(c.macro);
      auto macro = parsed(c.macro);
      auto plain = parsed(c.fields);
      CHECK(macro.text == c.macro);
      CHECK(macro.minutes == plain.minutes);
      CHECK(macro.hours == plain.hours);
      CHECK(macro.days_of_month == plain.days_of_month);
      CHECK(macro.months == plain.months);
      CHECK(macro.days_of_week == plain.days_of_week);
      CHECK(macro.fixed_time == plain.fixed_time);
    }
  }

  TEST_CASE("a day field is unrestricted exactly when it starts with a star") {
    auto stepped = parsed("0 0 */2 * 1");
    CHECK_FALSE(stepped.day_of_month_restricted);
    CHECK(stepped.day_of_week_restricted);
    auto listed = parsed("0 0 1,15 * *");
    CHECK(listed.day_of_month_restricted);
    CHECK_FALSE(listed.day_of_week_restricted);
    auto full_range = parsed("0 0 1-31 * 0-7");
    CHECK(full_range.day_of_month_restricted);
    CHECK(full_range.day_of_week_restricted);
  }

  TEST_CASE("a job is fixed-time only when neither minute nor hour starts with a star") {
    CHECK(parsed("30 2 * * *").fixed_time);
    CHECK(parsed("0,30 1-3 * * *").fixed_time);
    CHECK_FALSE(parsed("*/5 2 * * *").fixed_time);
    CHECK_FALSE(parsed("30 * * * *").fixed_time);
    CHECK_FALSE(parsed("30 */2 * * *").fixed_time);
    CHECK_FALSE(parsed("@hourly").fixed_time);
    CHECK(parsed("@daily").fixed_time);
  }

  TEST_CASE("out-of-range values are rejected naming the field and the value") {
    CHECK(rejection("60 * * * *") == "minute field: 60 is out of range 0-59");
    CHECK(rejection("* 24 * * *") == "hour field: 24 is out of range 0-23");
    CHECK(rejection("* * 0 * *") == "day-of-month field: 0 is out of range 1-31");
    CHECK(rejection("* * 32 * *") == "day-of-month field: 32 is out of range 1-31");
    CHECK(rejection("* * * 13 *") == "month field: 13 is out of range 1-12");
    CHECK(rejection("* * * 0 *") == "month field: 0 is out of range 1-12");
    CHECK(rejection("* * * * 8") == "day-of-week field: 8 is out of range 0-7");
    CHECK(rejection("0-60 * * * *") == "minute field: 60 is out of range 0-59");
    CHECK(rejection("99999999999 * * * *") ==
          "minute field: 99999999999 is out of range 0-59");
  }

  TEST_CASE("a step of 0 is rejected naming the field and the item") {
    CHECK(rejection("*/0 * * * *") == "minute field: step 0 in '*/0' must be at least 1");
    CHECK(rejection("* 1-5/0 * * *") == "hour field: step 0 in '1-5/0' must be at least 1");
  }

  TEST_CASE("a step larger than the field is rejected") {
    CHECK(rejection("*/61 * * * *") == "minute field: step 61 in '*/61' is out of range 1-60");
    CHECK(rejection("* * * */13 *") == "month field: step 13 in '*/13' is out of range 1-12");
  }

  TEST_CASE("a step that is not a number is rejected") {
    CHECK(rejection("*/x * * * *") == "minute field: step 'x' in '*/x' is not a number");
    CHECK(rejection("*/ * * * *") == "minute field: step '' in '*/' is not a number");
    CHECK(rejection("1-5/2/3 * * * *") ==
          "minute field: step '2/3' in '1-5/2/3' is not a number");
  }

  TEST_CASE("a step after a single number is rejected with the ways to write it") {
    CHECK(rejection("5/10 * * * *") ==
          "minute field: '5/10' has a step after a single number; write 5-59/10 or */10");
    CHECK(rejection("* * * jan/2 *") ==
          "month field: 'jan/2' has a step after a single number; write jan-12/2 or */2");
  }

  TEST_CASE("a backwards range is rejected") {
    CHECK(rejection("* 5-2 * * *") == "hour field: range '5-2' runs backwards");
    CHECK(rejection("* * * * fri-mon") == "day-of-week field: range 'fri-mon' runs backwards");
  }

  TEST_CASE("wrong field counts are rejected with the expected layout") {
    CHECK(rejection("* * * * * *") ==
          "expected 5 fields (minute hour day-of-month month day-of-week) but got 6");
    CHECK(rejection("* * * *") ==
          "expected 5 fields (minute hour day-of-month month day-of-week) but got 4");
    CHECK(rejection("0 2 * * * /usr/bin/true") ==
          "expected 5 fields (minute hour day-of-month month day-of-week) but got 6");
  }

  TEST_CASE("empty or blank input is rejected") {
    std::string expected =
        "the expression is empty; expected 5 fields (minute hour day-of-month month "
        "day-of-week) or a macro such as @daily";
    CHECK(rejection("") == expected);
    CHECK(rejection(" \t ") == expected);
  }

  TEST_CASE("unknown names are rejected, and names only work in month and day-of-week") {
    CHECK(rejection("* * * foo *") == "month field: unknown name 'foo' (names are jan-dec)");
    CHECK(rejection("* * * * monday") ==
          "day-of-week field: unknown name 'monday' (names are sun-sat)");
    CHECK(rejection("* * * * mon-xyz") ==
          "day-of-week field: unknown name 'xyz' (names are sun-sat)");
    CHECK(rejection("jan * * * *") == "minute field: 'jan' is not a number");
    CHECK(rejection("* * mon * *") == "day-of-month field: 'mon' is not a number");
  }

  TEST_CASE("malformed items are rejected") {
    CHECK(rejection("1,,2 * * * *") == "minute field: a list item is empty");
    CHECK(rejection("1, * * * *") == "minute field: a list item is empty");
    CHECK(rejection("-5 * * * *") == "minute field: a value is missing");
    CHECK(rejection("1x * * * *") == "minute field: '1x' is not a number");
    CHECK(rejection("? * * * *") == "minute field: '?' is not a number");
    CHECK(rejection("* * * * 1-") == "day-of-week field: a value is missing");
    CHECK(rejection("* * * * 1#2") == "day-of-week field: '1#2' is not a number or name");
  }

  TEST_CASE("unknown macros are rejected naming the macro") {
    CHECK(rejection("@fortnightly") ==
          "unknown macro '@fortnightly'; use @yearly, @annually, @monthly, @weekly, @daily, "
          "@midnight or @hourly");
    CHECK(rejection("@") ==
          "unknown macro '@'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or "
          "@hourly");
  }

  TEST_CASE("@reboot is rejected as not schedulable") {
    CHECK(rejection("@reboot") ==
          "@reboot runs once at boot, not on a schedule; use a five-field expression or a "
          "macro such as @daily");
  }

  TEST_CASE("a macro followed by more text is rejected") {
    CHECK(rejection("@daily 5") == "unexpected text after @daily; a macro stands alone");
  }

  TEST_CASE("a day of the month that never occurs in the chosen months is rejected") {
    CHECK(rejection("0 0 30 2 *") ==
          "day-of-month field: '30' never occurs in the selected months, so the job would "
          "never run");
    CHECK(rejection("0 0 31 apr,jun,sep,nov *") ==
          "day-of-month field: '31' never occurs in the selected months, so the job would "
          "never run");
    CHECK(CronExpression::parse("0 0 29 2 *").has_value());
    CHECK(CronExpression::parse("0 0 30 2 1").has_value());  // Mondays in February
    CHECK(CronExpression::parse("0 0 31 2,3 *").has_value());
  }

  TEST_CASE("errors are validation errors on the cron_expression field") {
    auto result = CronExpression::parse("61 * * * *");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == certcron::ErrorKind::validation);
    CHECK(result.error().message == "The given data was invalid.");
    CHECK(result.error().fields.size() == 1);
  }
}
