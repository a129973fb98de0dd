#include "core/reminders/policy.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

using namespace certcron::reminders;
using certcron::Seconds;
using certcron::schedule::TimeZone;

namespace {

TimeZone zone(const char* name) {
  auto located = TimeZone::locate(name);
  REQUIRE(located.has_value());
  return *located;
}

TimeZone utc() {
  return zone("UTC");
}

Seconds instant(const char* text) {
  return *certcron::util::parse_rfc3339(text);
}

LedgerEntry entry(int threshold, LedgerOutcome outcome, const char* when) {
  return LedgerEntry{1,
                     "2026-03-10",
                     threshold,
                     outcome,
                     instant(when),
                     1,
                     outcome == LedgerOutcome::sent ? "<x@certcron>" : ""};
}

Certification expiring(const char* expires_on) {
  Certification c;
  c.expires_on = expires_on;
  if (auto day = certcron::util::parse_date(expires_on)) {
    c.expires_at = Seconds{*day};
  } else {
    c.expires_at = instant(expires_on);
  }
  return c;
}

// The defaults: thresholds 30, 7, 1; expired window 30 days.
const ReminderConfig config;

int days_left(const char* expires_on, const char* now, const TimeZone& z) {
  return static_cast<int>(
      (expiry_date(expiring(expires_on), z) - local_date(instant(now), z)).count());
}

}  // namespace

TEST_SUITE("reminders.policy") {
  TEST_CASE("a threshold is crossed on the day days_left reaches it, not before") {
    CHECK_FALSE(decide(config, 31, {}, utc()).has_value());
    auto at_30 = decide(config, 30, {}, utc());
    REQUIRE(at_30.has_value());
    CHECK(at_30->threshold == 30);
    CHECK(at_30->superseded.empty());
    CHECK(at_30->reason == "expires in 30 days: crossed the 30-day threshold");
    CHECK_FALSE(decide(config, 8, {entry(30, LedgerOutcome::sent, "2026-02-08T02:00:00Z")}, utc()));
    CHECK(decide(config, 7, {entry(30, LedgerOutcome::sent, "2026-02-08T02:00:00Z")}, utc())
              ->threshold == 7);
  }

  TEST_CASE("the reason names the threshold and what was sent before") {
    auto decision =
        decide(config, 6, {entry(30, LedgerOutcome::sent, "2026-03-01T02:00:00Z")}, utc());
    REQUIRE(decision.has_value());
    CHECK(decision->reason ==
          "expires in 6 days: crossed the 7-day threshold (30-day reminder sent 2026-03-01)");
  }

  TEST_CASE("when several thresholds are crossed and unsent only the most urgent is due") {
    auto missed_week = decide(config, 5, {}, utc());
    REQUIRE(missed_week.has_value());
    CHECK(missed_week->threshold == 7);
    CHECK(missed_week->superseded == std::vector<int>{30});
    CHECK(missed_week->reason ==
          "expires in 5 days: crossed the 7-day threshold (30-day "
          "reminder never sent, now skipped)");
    auto today = decide(config, 0, {entry(30, LedgerOutcome::sent, "2026-02-08T02:00:00Z")}, utc());
    REQUIRE(today.has_value());
    CHECK(today->threshold == 1);
    CHECK(today->superseded == std::vector<int>{7});
    CHECK(today->reason.starts_with("expires today: crossed the 1-day threshold"));
  }

  TEST_CASE("nothing is due once the most urgent crossed reminder is in the ledger") {
    CHECK_FALSE(decide(config, 3, {entry(7, LedgerOutcome::sent, "2026-03-03T02:00:00Z")}, utc()));
    CHECK_FALSE(
        decide(config, 20, {entry(30, LedgerOutcome::superseded, "2026-03-03T02:00:00Z")}, utc()));
  }

  TEST_CASE("after expiry one expired reminder is due, only within the window") {
    auto expired =
        decide(config, -1, {entry(1, LedgerOutcome::sent, "2026-03-09T02:00:00Z")}, utc());
    REQUIRE(expired.has_value());
    CHECK(expired->threshold == kExpiredThreshold);
    CHECK(expired->superseded == std::vector<int>{7, 30});
    CHECK(expired->reason ==
          "expired yesterday: within the 30-day window for the one reminder after expiry "
          "(1-day reminder sent 2026-03-09; 7- and 30-day reminders never sent, now skipped)");
    CHECK(decide(config, -2, {}, utc())
              ->reason.ends_with("(1-, 7- and 30-day reminders never sent, now skipped)"));
    CHECK(decide(config, -30, {}, utc())->threshold == kExpiredThreshold);
    CHECK_FALSE(decide(config, -31, {}, utc()).has_value());
    CHECK_FALSE(decide(config, -2,
                       {entry(kExpiredThreshold, LedgerOutcome::sent, "2026-03-11T02:00:00Z")},
                       utc()));
    ReminderConfig narrow = config;
    narrow.expired_window_days = 0;
    CHECK_FALSE(decide(narrow, -1, {}, utc()).has_value());
  }

  TEST_CASE("a configured 0-day threshold is distinct from the expired reminder") {
    ReminderConfig with_zero = config;
    with_zero.thresholds_days = {7, 0};
    auto on_the_day =
        decide(with_zero, 0, {entry(7, LedgerOutcome::sent, "2026-03-03T02:00:00Z")}, utc());
    REQUIRE(on_the_day.has_value());
    CHECK(on_the_day->threshold == 0);
    auto after =
        decide(with_zero, -1, {entry(0, LedgerOutcome::sent, "2026-03-10T02:00:00Z")}, utc());
    REQUIRE(after.has_value());
    CHECK(after->threshold == kExpiredThreshold);
    CHECK(after->superseded == std::vector<int>{7});
  }

  TEST_CASE("with no thresholds only the expired reminder is sent") {
    ReminderConfig none = config;
    none.thresholds_days.clear();
    CHECK_FALSE(decide(none, 0, {}, utc()).has_value());
    CHECK(decide(none, -3, {}, utc())->threshold == kExpiredThreshold);
    CHECK(day_window(none).latest == -1);
  }

  TEST_CASE("the same instant is a different local date in Auckland and Los Angeles") {
    const auto auckland = zone("Pacific/Auckland");
    const auto los_angeles = zone("America/Los_Angeles");
    // 12:00 UTC on 9 March is 01:00 on the 10th in Auckland and 05:00 on the 9th in LA.
    CHECK(days_left("2026-03-10", "2026-03-09T12:00:00Z", auckland) == 0);
    CHECK(days_left("2026-03-10", "2026-03-09T12:00:00Z", los_angeles) == 1);
    CHECK(days_left("2026-03-10", "2026-03-09T12:00:00Z", utc()) == 1);
    // An instant expiry counts by its own local date: 20:00 UTC on the 9th is the 10th in
    // Auckland (09:00) and still the 9th in LA (13:00).
    CHECK(days_left("2026-03-09T20:00:00Z", "2026-03-09T12:00:00Z", auckland) == 0);
    CHECK(days_left("2026-03-09T20:00:00Z", "2026-03-09T12:00:00Z", los_angeles) == 0);
    CHECK(days_left("2026-03-09T20:00:00Z", "2026-03-08T10:00:00Z", auckland) == 2);
    CHECK(days_left("2026-03-09T20:00:00Z", "2026-03-08T10:00:00Z", los_angeles) == 1);
    CHECK(days_left("2026-03-10T11:30:00Z", "2026-03-09T12:00:00Z", auckland) == 1);
    CHECK(days_left("2026-03-10T11:30:00Z", "2026-03-09T12:00:00Z", los_angeles) == 1);
  }

  TEST_CASE("days are calendar days, so a DST change does not shift them") {
    const auto los_angeles = zone("America/Los_Angeles");
    // 2026-03-08 has 23 hours in LA (PST, then PDT); 00:30 local on the 7th is 2 days before
    // the 9th, and the 9th starts at 07:00 UTC, not 08:00.
    CHECK(days_left("2026-03-09", "2026-03-07T08:30:00Z", los_angeles) == 2);
    CHECK(days_left("2026-03-09", "2026-03-09T06:59:59Z", los_angeles) == 1);
    CHECK(days_left("2026-03-09", "2026-03-09T07:00:00Z", los_angeles) == 0);
    CHECK(days_left("2026-03-09", "2026-03-10T06:59:59Z", los_angeles) == 0);
    CHECK(days_left("2026-03-09", "2026-03-10T07:00:00Z", los_angeles) == -1);
  }

  TEST_CASE("relative day phrases") {
    CHECK(relative_days(6) == "in 6 days");
    CHECK(relative_days(1) == "tomorrow");
    CHECK(relative_days(0) == "today");
    CHECK(relative_days(-1) == "yesterday");
    CHECK(relative_days(-4) == "4 days ago");
    CHECK(threshold_label(7) == "7");
    CHECK(threshold_label(kExpiredThreshold) == "expired");
  }
}
