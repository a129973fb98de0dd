// Fire times across DST changes, following the cron daemon: fixed-time jobs fire once
// (right after a gap, on the first pass of a repeated stretch); wildcard jobs follow the
// wall clock (skip the gap, fire on both passes).

#include "core/schedule/schedule.hpp"
#include "core/schedule/schedule_test_support.hpp"

#include <doctest/doctest.h>

using certcron::schedule::testing::cron_in;
using certcron::schedule::testing::fires;
using certcron::schedule::testing::instant;
using Instants = std::vector<std::string>;

TEST_SUITE("schedule.dst") {
  // Europe/Brussels 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z.
  TEST_CASE("Brussels spring forward: a fixed-time slot in the gap fires once at 03:00") {
    CHECK(fires("30 2 * * *", "Europe/Brussels", "2026-03-28T00:00:00Z", 3) ==
          Instants{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"});
  }

  TEST_CASE("Brussels spring forward: several fixed-time slots in the gap fire once together") {
    CHECK(fires("15,45 2 * * *", "Europe/Brussels", "2026-03-29T00:00:00Z", 3) ==
          Instants{"2026-03-29T01:00:00Z", "2026-03-30T00:15:00Z", "2026-03-30T00:45:00Z"});
    // The gap slots and the real 03:00 slot are one instant.
    CHECK(fires("0,30 2,3 * * *", "Europe/Brussels", "2026-03-29T00:00:00Z", 3) ==
          Instants{"2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:00:00Z"});
  }

  TEST_CASE("Brussels spring forward: wildcard slots in the gap are skipped") {
    CHECK(fires("30 * * * *", "Europe/Brussels", "2026-03-29T00:00:00Z", 2) ==
          Instants{"2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"});
    CHECK(fires("*/30 * * * *", "Europe/Brussels", "2026-03-29T00:15:00Z", 3) ==
          Instants{"2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"});
    // A minute wildcard in the 02 hour only: nothing that day.
    CHECK(fires("* 2 * * *", "Europe/Brussels", "2026-03-29T00:00:00Z", 1) ==
          Instants{"2026-03-30T00:00:00Z"});
  }

  // Europe/Brussels 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z.
  TEST_CASE("Brussels fall back: a fixed-time slot in the repeated hour fires on the first pass") {
    CHECK(fires("30 2 * * *", "Europe/Brussels", "2026-10-24T12:00:00Z", 2) ==
          Instants{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"});
    // Asked from inside the second pass, the slot is not offered again.
    CHECK(fires("30 2 * * *", "Europe/Brussels", "2026-10-25T01:10:00Z", 1) ==
          Instants{"2026-10-26T01:30:00Z"});
  }

  TEST_CASE("Brussels fall back: wildcard slots in the repeated hour fire on both passes") {
    CHECK(fires("30 * * * *", "Europe/Brussels", "2026-10-24T23:00:00Z", 4) ==
          Instants{"2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z",
                   "2026-10-25T02:30:00Z"});
    CHECK(fires("*/20 2 * * *", "Europe/Brussels", "2026-10-25T00:00:00Z", 6) ==
          Instants{"2026-10-25T00:20:00Z", "2026-10-25T00:40:00Z", "2026-10-25T01:00:00Z",
                   "2026-10-25T01:20:00Z", "2026-10-25T01:40:00Z", "2026-10-26T01:00:00Z"});
  }

  // America/New_York 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z;
  // 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z.
  TEST_CASE("New York spring forward: fixed-time fires at 03:00, wildcard skips the gap") {
    CHECK(fires("30 2 * * *", "America/New_York", "2026-03-08T00:00:00Z", 2) ==
          Instants{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"});
    CHECK(fires("0 * * * *", "America/New_York", "2026-03-08T06:30:00Z", 2) ==
          Instants{"2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"});
  }

  TEST_CASE("New York fall back: fixed-time once, wildcard twice") {
    CHECK(fires("30 1 * * *", "America/New_York", "2026-11-01T00:00:00Z", 2) ==
          Instants{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"});
    CHECK(fires("*/30 1 * * *", "America/New_York", "2026-11-01T05:00:00Z", 4) ==
          Instants{"2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
                   "2026-11-02T06:00:00Z"});
  }

  // Australia/Lord_Howe 2026-04-05: 02:00 (+11) becomes 01:30 (+10:30) at 2026-04-04T15:00Z;
  // 2026-10-04: 02:00 (+10:30) becomes 02:30 (+11) at 2026-10-03T15:30Z.
  TEST_CASE("Lord Howe half-hour fall back: fixed-time once, wildcard twice") {
    CHECK(fires("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T12:00:00Z", 2) ==
          Instants{"2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"});
    CHECK(fires("*/15 1 * * *", "Australia/Lord_Howe", "2026-04-04T14:00:00Z", 6) ==
          Instants{"2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z",
                   "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z", "2026-04-05T14:30:00Z"});
  }

  TEST_CASE("Lord Howe half-hour spring forward: fixed-time fires at 02:30, wildcard skips") {
    CHECK(fires("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00Z", 2) ==
          Instants{"2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"});
    CHECK(fires("15,45 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00Z", 3) ==
          Instants{"2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:15:00Z"});
    CHECK(fires("*/15 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00Z", 3) ==
          Instants{"2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:00:00Z"});
  }

  TEST_CASE("Sao Paulo keeps -03:00 all year since 2019") {
    CHECK(fires("0 0 * * *", "America/Sao_Paulo", "2026-10-30T12:00:00Z", 4) ==
          Instants{"2026-10-31T03:00:00Z", "2026-11-01T03:00:00Z", "2026-11-02T03:00:00Z",
                   "2026-11-03T03:00:00Z"});
    CHECK(fires("0 0 * * *", "America/Sao_Paulo", "2027-02-18T12:00:00Z", 2) ==
          Instants{"2027-02-19T03:00:00Z", "2027-02-20T03:00:00Z"});
  }

  // America/Sao_Paulo 2018-11-04: 00:00 (-03) became 01:00 (-02) at 03:00Z.
  TEST_CASE("Sao Paulo 2018: a midnight job fires at the end of the midnight gap") {
    CHECK(fires("0 0 * * *", "America/Sao_Paulo", "2018-11-02T12:00:00Z", 3) ==
          Instants{"2018-11-03T03:00:00Z", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"});
    CHECK(fires("*/30 * * * *", "America/Sao_Paulo", "2018-11-04T02:00:00Z", 3) ==
          Instants{"2018-11-04T02:30:00Z", "2018-11-04T03:00:00Z", "2018-11-04T03:30:00Z"});
  }

  TEST_CASE("Kolkata and Kathmandu offsets of :30 and :45 move every slot") {
    CHECK(fires("0 9 * * *", "Asia/Kolkata", "2026-03-29T00:00:00Z", 2) ==
          Instants{"2026-03-29T03:30:00Z", "2026-03-30T03:30:00Z"});
    CHECK(fires("0 * * * *", "Asia/Kolkata", "2026-10-25T00:00:00Z", 2) ==
          Instants{"2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"});
    CHECK(fires("0 9 * * *", "Asia/Kathmandu", "2026-03-29T00:00:00Z", 1) ==
          Instants{"2026-03-29T03:15:00Z"});
    CHECK(fires("*/30 * * * *", "Asia/Kathmandu", "2026-03-29T00:00:00Z", 2) ==
          Instants{"2026-03-29T00:15:00Z", "2026-03-29T00:45:00Z"});
  }

  TEST_CASE("fires are strictly increasing across a whole year with two DST changes") {
    for (const char* expression : {"*/7 * * * *", "30 2 * * *", "0,30 1-3 * * *", "* 2 * * *"}) {
      CAPTURE(expression);
      auto schedule = cron_in(expression, "Europe/Brussels");
      auto all = schedule.next_fires_after(instant("2026-01-01T00:00:00Z"), 20000);
      REQUIRE(!all.empty());
      for (std::size_t i = 1; i < all.size(); ++i) {
        REQUIRE(all[i - 1] < all[i]);
      }
    }
  }

  TEST_CASE("a fixed-time job fires exactly once per local day across both changes") {
    auto schedule = cron_in("30 2 * * *", "Europe/Brussels");
    auto all = schedule.next_fires_after(instant("2025-12-31T23:00:00Z"), 365);
    REQUIRE(all.size() == 365);
    auto& zone = schedule.zone();
    for (std::size_t i = 0; i < all.size(); ++i) {
      auto local_day = std::chrono::floor<std::chrono::days>(zone.to_local(all[i]));
      auto expected = std::chrono::local_days{std::chrono::year{2026} / 1 / 1} +
                      std::chrono::days{static_cast<int>(i)};
      REQUIRE(local_day == expected);
    }
  }
}
