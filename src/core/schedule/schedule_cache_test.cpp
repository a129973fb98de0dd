#include "core/schedule/schedule_cache.hpp"

#include <doctest/doctest.h>

#include <string>

using certcron::schedule::ScheduleCache;

TEST_SUITE("schedule.cache") {
  TEST_CASE("the same expression and zone are built once and give the same entry") {
    ScheduleCache cache;
    const auto& first = cache.cron("0 2 * * *", "UTC");
    const auto& again = cache.cron("0 2 * * *", "UTC");
    CHECK(&first == &again);
    CHECK(cache.size() == 1);
    REQUIRE(again.schedule.has_value());
    CHECK(again.description == "At 02:00");
    CHECK(again.schedule->zone().name() == "UTC");
  }

  TEST_CASE("a changed expression, zone or kind gives a fresh entry with its own schedule") {
    ScheduleCache cache;
    CHECK(cache.cron("0 2 * * *", "UTC").description == "At 02:00");
    CHECK(cache.cron("30 4 * * *", "UTC").description == "At 04:30");
    const auto& brussels = cache.cron("0 2 * * *", "Europe/Brussels");
    REQUIRE(brussels.schedule.has_value());
    CHECK(brussels.schedule->zone().name() == "Europe/Brussels");
    CHECK(cache.every(15, "UTC").description == "Every 15 minutes");
    CHECK(cache.every(1, "UTC").description == "Every minute");
    CHECK(cache.size() == 5);
    // Each is still what it was: a later entry did not overwrite an earlier one.
    CHECK(cache.cron("0 2 * * *", "UTC").schedule->zone().name() == "UTC");
    CHECK(cache.size() == 5);
  }

  TEST_CASE("keys do not run into each other when zone and expression split differently") {
    // Glued together, both would read "UTC1 * * * *".
    ScheduleCache cache;
    CHECK(cache.cron("1 * * * *", "UTC").schedule.has_value());
    CHECK_FALSE(cache.cron(" * * * *", "UTC1").schedule.has_value());
    CHECK(cache.cron("1 * * * *", "UTC").schedule.has_value());
    CHECK(cache.size() == 2);
  }

  TEST_CASE("a schedule that does not build is kept with its error and no description") {
    ScheduleCache cache;
    const auto& bad_zone = cache.cron("0 2 * * *", "Mars/Olympus");
    REQUIRE_FALSE(bad_zone.schedule.has_value());
    CHECK(bad_zone.schedule.error().fields.contains("server_timezone"));
    CHECK(bad_zone.description.empty());
    const auto& bad_cron = cache.cron("61 * * * *", "UTC");
    REQUIRE_FALSE(bad_cron.schedule.has_value());
    CHECK(bad_cron.schedule.error().fields.contains("cron_expression"));
    CHECK_FALSE(cache.every(0, "UTC").schedule.has_value());
  }

  TEST_CASE("the cache never holds more than its capacity and still answers correctly") {
    ScheduleCache cache(4);
    for (int minute = 0; minute < 10; ++minute) {
      const auto& built = cache.cron(std::to_string(minute) + " 3 * * *", "UTC");
      CHECK(built.description == "At 03:0" + std::to_string(minute));
      CHECK(cache.size() <= 4);
    }
    CHECK(cache.size() >= 1);
  }
}
