#include "core/schedule/fire_times.hpp"
#include "core/schedule/schedule.hpp"
#include "core/schedule/schedule_test_support.hpp"

#include <doctest/doctest.h>

using certcron::schedule::kEarliestSupported;
using certcron::schedule::Schedule;
using certcron::schedule::Seconds;
using certcron::schedule::testing::cron_in;
using certcron::schedule::testing::fires;
using certcron::schedule::testing::instant;
using Instants = std::vector<std::string>;

TEST_SUITE("schedule.next") {
  TEST_CASE("the next fire is strictly after the given instant") {
    CHECK(fires("0 2 * * *", "UTC", "2026-03-25T02:00:00Z", 2) ==
          Instants{"2026-03-26T02:00:00Z", "2026-03-27T02:00:00Z"});
    CHECK(fires("0 2 * * *", "UTC", "2026-03-25T01:59:59Z", 1) ==
          Instants{"2026-03-25T02:00:00Z"});
    CHECK(fires("* * * * *", "UTC", "2026-03-25T10:00:30Z", 2) ==
          Instants{"2026-03-25T10:01:00Z", "2026-03-25T10:02:00Z"});
  }

  TEST_CASE("fields roll over into the next hour, day, month and year") {
    CHECK(fires("*/15 * * * *", "UTC", "2026-12-31T23:50:00Z", 2) ==
          Instants{"2027-01-01T00:00:00Z", "2027-01-01T00:15:00Z"});
    CHECK(fires("0 0 1 * *", "UTC", "2026-01-31T12:00:00Z", 2) ==
          Instants{"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"});
    CHECK(fires("@yearly", "UTC", "2026-06-01T00:00:00Z", 2) ==
          Instants{"2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"});
    CHECK(fires("5 4 * dec *", "UTC", "2026-01-01T00:00:00Z", 1) ==
          Instants{"2026-12-01T04:05:00Z"});
  }

  TEST_CASE("day 31 is only found in months that have it") {
    CHECK(fires("0 0 31 * *", "UTC", "2026-01-31T00:00:00Z", 3) ==
          Instants{"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z"});
  }

  TEST_CASE("February 29 fires only in leap years") {
    CHECK(fires("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", 3) ==
          Instants{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"});
    CHECK(fires("0 0 29 2 *", "Europe/Brussels", "2026-01-01T00:00:00Z", 1) ==
          Instants{"2028-02-28T23:00:00Z"});
    // 2100 is not a leap year.
    CHECK(fires("0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", 1) ==
          Instants{"2104-02-29T00:00:00Z"});
  }

  TEST_CASE("the leap day itself is an ordinary day for daily schedules") {
    CHECK(fires("30 12 * 2 *", "UTC", "2028-02-28T13:00:00Z", 2) ==
          Instants{"2028-02-29T12:30:00Z", "2029-02-01T12:30:00Z"});
  }

  TEST_CASE("both day fields restricted: a day matches if either matches") {
    // 2026-03: Fridays are the 6th, 13th, 20th and 27th.
    CHECK(fires("0 0 13 * 5", "UTC", "2026-03-01T00:00:00Z", 5) ==
          Instants{"2026-03-06T00:00:00Z", "2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z",
                   "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z"});
    // 2026-04: the 1st is a Wednesday; Mondays are the 6th, 13th...
    CHECK(fires("0 9 1-3 * mon", "UTC", "2026-03-31T00:00:00Z", 5) ==
          Instants{"2026-04-01T09:00:00Z", "2026-04-02T09:00:00Z", "2026-04-03T09:00:00Z",
                   "2026-04-06T09:00:00Z", "2026-04-13T09:00:00Z"});
  }

  TEST_CASE("a day field starting with a star counts as unrestricted, so both must match") {
    // Odd days that are Fridays: 13th and 27th of March, 3rd and 17th of April 2026.
    CHECK(fires("0 0 */2 * 5", "UTC", "2026-03-01T00:00:00Z", 4) ==
          Instants{"2026-03-13T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z",
                   "2026-04-17T00:00:00Z"});
    // The 1st of a month falling on Sunday, Tuesday, Thursday or Saturday.
    CHECK(fires("0 0 1 * */2", "UTC", "2026-01-01T00:00:00Z", 3) ==
          Instants{"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-08-01T00:00:00Z"});
  }

  TEST_CASE("an unrestricted day-of-month leaves the weekday to decide") {
    CHECK(fires("0 0 * * 1", "UTC", "2026-03-01T00:00:00Z", 2) ==
          Instants{"2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"});
    CHECK(fires("0 0 * * 7", "UTC", "2026-03-02T00:00:00Z", 1) ==
          Instants{"2026-03-08T00:00:00Z"});
  }

  TEST_CASE("a weekday-and-day combination decades away is still found") {
    // Feb 29 on a Sunday or Monday: 2032 (a Sunday), then 2044 (a Monday).
    CHECK(fires("0 0 29 2 */7,1", "UTC", "2026-01-01T00:00:00Z", 2) ==
          Instants{"2032-02-29T00:00:00Z", "2044-02-29T00:00:00Z"});
  }

  TEST_CASE("next_fire_after agrees with next_fires_after") {
    auto schedule = cron_in("*/5 9-17 * * mon-fri", "Europe/Brussels");
    Seconds cursor = instant("2026-03-27T15:50:00Z");
    auto batch = schedule.next_fires_after(cursor, 50);
    REQUIRE(batch.size() == 50);
    for (Seconds fire : batch) {
      cursor = schedule.next_fire_after(cursor);
      CHECK(cursor == fire);
    }
  }

  TEST_CASE("asking for zero fires gives none, and the far future ends the list") {
    auto schedule = cron_in("0 0 1 1 *", "UTC");
    CHECK(schedule.next_fires_after(instant("2026-01-01T00:00:00Z"), 0).empty());
    CHECK(schedule.next_fire_after(instant("9998-06-01T00:00:00Z")) ==
          instant("9999-01-01T00:00:00Z"));
    CHECK(schedule.next_fire_after(instant("9999-06-01T00:00:00Z")) == Seconds::max());
  }

  // Found by the cron fuzz target: from the last minute of 9998 UTC, Apia's next Sunday
  // midnight (UTC+13) was given although it lies past the supported range.
  TEST_CASE("no fire is given past the supported range, whatever the zone") {
    const Seconds last_minute = instant("9998-12-31T23:59:00Z");
    CHECK(cron_in("@weekly", "Pacific/Apia").next_fire_after(last_minute) == Seconds::max());
    CHECK(cron_in("@weekly", "Pacific/Apia").next_fires_after(last_minute, 3).empty());
    CHECK(cron_in("0 0 * * *", "America/New_York").next_fire_after(last_minute) == Seconds::max());
    auto weekly = Schedule::every(7 * 24 * 60, "UTC");
    REQUIRE(weekly.has_value());
    CHECK(weekly->next_fire_after(last_minute) == Seconds::max());
    CHECK(weekly->next_fires_after(last_minute, 3).empty());
  }

  // Found by the cron fuzz target: from before the supported range, a fire at its very first
  // second (0001-01-01T00:00:00Z) was skipped, by next_fire_after and latest_fire_between.
  TEST_CASE("a fire at the start of the supported range is found from before it") {
    using namespace std::chrono_literals;
    auto yearly = cron_in("@yearly", "UTC");
    CHECK(yearly.next_fire_after(kEarliestSupported - 1s) == kEarliestSupported);
    CHECK(yearly.next_fire_after(Seconds::min()) == kEarliestSupported);
    CHECK(yearly.next_fire_after(kEarliestSupported) == kEarliestSupported + 24h * 365);
    CHECK(yearly.latest_fire_between(kEarliestSupported - 1s, kEarliestSupported) ==
          kEarliestSupported);
    CHECK(yearly.latest_fire_between(Seconds::min(), kEarliestSupported + 1h) == kEarliestSupported);
  }
}
