#include "core/schedule/posix_tz.hpp"
#include "core/schedule/schedule.hpp"
#include "core/schedule/schedule_test_support.hpp"

#include <doctest/doctest.h>

using certcron::schedule::PosixZoneRule;
using certcron::schedule::TimeZone;
using certcron::schedule::testing::fires;
using certcron::schedule::testing::instant;
using namespace std::chrono_literals;
using Instants = std::vector<std::string>;

namespace {

PosixZoneRule rule(std::string_view text) {
  auto parsed = PosixZoneRule::parse(text);
  REQUIRE_MESSAGE(parsed.has_value(), "expected a valid rule: ", std::string(text));
  return *parsed;
}

std::vector<std::string> changes(const PosixZoneRule& zone_rule, int year) {
  std::vector<std::string> out;
  for (const auto& [when, offset] : zone_rule.changes_in(year)) {
    out.push_back(certcron::util::format_rfc3339(when) + " " + std::to_string(offset.count()));
  }
  return out;
}

}  // namespace

TEST_SUITE("schedule.posix_tz") {
  TEST_CASE("European rules: last Sunday of March and October, at 01:00 UTC") {
    auto brussels = rule("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(brussels.has_dst());
    CHECK(brussels.standard_offset() == 3600s);
    CHECK(changes(brussels, 2040) ==
          std::vector<std::string>{"2040-03-25T01:00:00Z 7200", "2040-10-28T01:00:00Z 3600"});
  }

  TEST_CASE("North American rules: second Sunday of March, first of November") {
    CHECK(changes(rule("EST5EDT,M3.2.0,M11.1.0"), 2040) ==
          std::vector<std::string>{"2040-03-11T07:00:00Z -14400", "2040-11-04T06:00:00Z -18000"});
  }

  TEST_CASE("southern rules with a half-hour DST offset come out in time order") {
    CHECK(changes(rule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"), 2040) ==
          std::vector<std::string>{"2040-03-31T15:00:00Z 37800", "2040-10-06T15:30:00Z 39600"});
  }

  TEST_CASE("rule times past 24 hours and Julian days are understood") {
    // Santiago: the first Saturday's 24:00, i.e. the Sunday's midnight.
    CHECK(changes(rule("<-04>4<-03>,M9.1.6/24,M4.1.6/24"), 2040) ==
          std::vector<std::string>{"2040-04-08T03:00:00Z -14400", "2040-09-02T04:00:00Z -10800"});
    // J60 is March 1st even in a leap year; 59 (zero-based) is February 29th then, read on
    // the DST clock.
    CHECK(changes(rule("XST0XDT,J60/0,59/0"), 2040) ==
          std::vector<std::string>{"2040-02-28T23:00:00Z 0", "2040-03-01T00:00:00Z 3600"});
  }

  TEST_CASE("zones without DST have no changes") {
    auto kolkata = rule("IST-5:30");
    CHECK_FALSE(kolkata.has_dst());
    CHECK(kolkata.standard_offset() == 19800s);
    CHECK(rule("<-03>3").standard_offset() == -10800s);
    CHECK(changes(kolkata, 2040).empty());
  }

  TEST_CASE("malformed rules are refused") {
    for (const char* text : {"", "C-1", "CET", "CET-1CEST", "CET-1CEST,M13.5.0,M10.5.0",
                             "CET-1CEST,M3.5.0", "<+01", "CET-1CEST,M3.5.0,M10.5.0/3x"}) {
      CAPTURE(text);
      CHECK_FALSE(PosixZoneRule::parse(text).has_value());
    }
  }

  // Found by the tzif fuzz target: "GAA31" was read as UTC-31:00, an offset the TZif reader
  // itself refuses. Hours past 24 are for a rule's time of day only.
  TEST_CASE("offsets are at most 24 hours, while rule times may reach 167") {
    for (const char* text : {"GAA31", "CET-25", "CET-1CEST-25,M3.5.0,M10.5.0/3"}) {
      CAPTURE(text);
      CHECK_FALSE(PosixZoneRule::parse(text).has_value());
    }
    CHECK(rule("<+24>-24").standard_offset() == 86400s);
    CHECK(rule("EST5EDT,M3.2.0/-167,M11.1.0/167").has_dst());
  }

  TEST_CASE("zones keep changing clocks after 2037, the end of the listed transitions") {
    auto brussels = TimeZone::locate("Europe/Brussels");
    REQUIRE(brussels.has_value());
    CHECK(brussels->offset_at(instant("2039-07-01T00:00:00Z")) == 7200s);
    CHECK(brussels->offset_at(instant("2039-12-01T00:00:00Z")) == 3600s);
    CHECK(brussels->offset_at(instant("2100-07-01T00:00:00Z")) == 7200s);
    CHECK(fires("0 2 * * *", "Europe/Brussels", "2039-09-08T12:00:00Z", 1) ==
          Instants{"2039-09-09T00:00:00Z"});
    CHECK(fires("30 2 * * *", "America/New_York", "2045-03-11T12:00:00Z", 2) ==
          Instants{"2045-03-12T07:00:00Z", "2045-03-13T06:30:00Z"});
    CHECK(fires("45 1 * * *", "Australia/Lord_Howe", "2050-04-02T00:00:00Z", 2) ==
          Instants{"2050-04-02T14:45:00Z", "2050-04-03T15:15:00Z"});
  }
}
