// The proof that a job's crontab line never misses a slot: across DST changes of the job's
// zone and of the host's, every slot of the job is an instant at which the line fires (the
// line's firings computed by the same engine, which models the cron daemon), and the
// `execute --scheduled` rule run at each firing starts every slot exactly once, on time.

#include "crontab/schedule_fields.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <set>

using namespace certcron::crontab;
using certcron::schedule::Schedule;
using Seconds = std::chrono::sys_seconds;

namespace {

// Usable in static initialisers, where doctest assertions are not.
Seconds at(std::string_view text) {
  return certcron::util::parse_rfc3339(text).value();
}

// Three days either side of each DST change of 2026 in Brussels, Lord Howe and Sydney (the
// same days), and New York (Tokyo, Kolkata, Kathmandu and Sao Paulo have none, which is the
// point of pairing them with zones that do). The windows also hold the 1st of April, October
// and November, for monthly jobs.
const std::vector<std::pair<Seconds, Seconds>> kWindows = {
    {at("2026-03-05T00:00:00Z"), at("2026-03-11T00:00:00Z")},  // New York springs forward
    {at("2026-03-26T00:00:00Z"), at("2026-04-01T00:00:00Z")},  // Brussels spring forward
    {at("2026-04-01T00:00:00Z"), at("2026-04-08T00:00:00Z")},  // Lord Howe, Sydney fall back
    {at("2026-09-30T00:00:00Z"), at("2026-10-07T00:00:00Z")},  // Lord Howe, Sydney spring
    {at("2026-10-22T00:00:00Z"), at("2026-10-28T00:00:00Z")},  // Brussels falls back
    {at("2026-10-29T00:00:00Z"), at("2026-11-04T00:00:00Z")},  // New York falls back
};

const std::vector<std::string> kJobZones = {
    "Europe/Brussels",   "Asia/Kolkata",     "Australia/Lord_Howe",
    "Asia/Kathmandu",    "America/New_York", "Asia/Tokyo",
    "America/Sao_Paulo", "Australia/Sydney", "UTC"};
const std::vector<std::string> kHostZones = {"UTC", "Europe/Brussels", "Australia/Lord_Howe",
                                             "America/New_York", "Australia/Sydney"};
// Single times, hour lists, ranges and steps, times a shift carries across midnight, days
// of the month and of the week, and minutes or hours that follow the clock.
const std::vector<std::string> kExpressions = {
    "30 2 * * *",    "0 2 * * *",    "15 2 * * 0",   "*/20 1-3 * * *", "45 23 * * *",
    "0 0 1,4,6 * *", "59 1 * * *",   "0,30 * * * *", "0 9 * * *",      "0 8-18/2 * * 1-5",
    "30 23 * * *",   "15 0 1 * *",   "30 1 * * *",   "0 8 * * 1-5",    "* 2 * * *",
    "0 6,7 * * 0",   "30 0-4 * * *", "0 12 1 * MON", "5 */6 * * *"};
const std::vector<int> kFrequencies = {7, 15, 45, 60, 90, 120, 180, 720, 1440};

std::vector<Seconds> fires_between(const Schedule& schedule, Seconds from, Seconds to) {
  std::vector<Seconds> result;
  for (Seconds t = schedule.next_fire_after(from); t < to; t = schedule.next_fire_after(t)) {
    result.push_back(t);
  }
  return result;
}

// What `execute --scheduled` does when cron starts it at `now`: run the latest slot at or
// before now, no older than the grace time, unless that slot already ran.
std::map<Seconds, Seconds> simulate_runs(const Schedule& job, const std::vector<Seconds>& firings,
                                         std::chrono::minutes grace) {
  std::map<Seconds, Seconds> ran_at;  // slot -> when it ran
  for (Seconds now : firings) {
    auto slot = job.latest_fire_between(now - grace - std::chrono::seconds(1), now);
    if (slot && !ran_at.contains(*slot)) {
      ran_at[*slot] = now;
    }
  }
  return ran_at;
}

CronFieldsPlanner planner_for(const std::string& host_zone) {
  auto planner = CronFieldsPlanner::create(host_zone, at("2026-01-01T00:00:00Z"));
  REQUIRE(planner.has_value());
  return *planner;
}

void check_line_serves(const Schedule& job, CronFieldsPlanner& planner,
                       const std::string& host_zone) {
  auto line = std::optional<CronFields>(planner.fields_for(job));
  CAPTURE(line->fields);
  auto line_schedule = Schedule::cron(line->fields, host_zone);
  REQUIRE(line_schedule.has_value());
  for (const auto& [from, to] : kWindows) {
    CAPTURE(certcron::util::format_rfc3339(from));
    std::vector<Seconds> slots = fires_between(job, from, to);
    // Start the line a little earlier so a firing exactly at `from` is not the only one lost.
    std::vector<Seconds> firings = fires_between(*line_schedule, from - std::chrono::hours(1), to);
    std::set<Seconds> firing_set(firings.begin(), firings.end());
    for (Seconds slot : slots) {
      CAPTURE(certcron::util::format_rfc3339(slot));
      CHECK(firing_set.contains(slot));
    }
    auto runs = simulate_runs(job, firings, std::chrono::minutes(5));
    std::size_t on_time = 0;
    for (Seconds slot : slots) {
      auto ran = runs.find(slot);
      on_time += ran != runs.end() && ran->second == slot ? 1 : 0;
    }
    CHECK(on_time == slots.size());
    if (line->exact) {
      std::vector<Seconds> in_window;
      for (Seconds f : firings) {
        if (f > from) {
          in_window.push_back(f);
        }
      }
      CHECK(in_window == slots);
    }
  }
}

}  // namespace

TEST_SUITE("crontab.schedule_fields") {
  TEST_CASE(
      "cron jobs in other zones: the line fires at every slot across DST changes of both zones") {
    for (const auto& host : kHostZones) {
      CronFieldsPlanner planner = planner_for(host);
      for (const auto& zone : kJobZones) {
        for (const auto& expression : kExpressions) {
          CAPTURE(host);
          CAPTURE(zone);
          CAPTURE(expression);
          auto job = Schedule::cron(expression, zone);
          REQUIRE(job.has_value());
          check_line_serves(*job, planner, host);
        }
      }
    }
  }

  TEST_CASE("every-N-minute jobs: the line fires at every slot across DST changes of the host") {
    for (const auto& host : kHostZones) {
      CronFieldsPlanner planner = planner_for(host);
      for (int frequency : kFrequencies) {
        CAPTURE(host);
        CAPTURE(frequency);
        auto job = Schedule::every(frequency, "Asia/Kolkata");
        REQUIRE(job.has_value());
        check_line_serves(*job, planner, host);
      }
    }
  }

  TEST_CASE(
      "over a year the filter starts every slot once and on time, and only exact lines "
      "fire at nothing but slots") {
    struct Case {
      const char* expression;
      const char* zone;
      const char* host;
    };
    const Case cases[] = {
        {"30 2 * * *", "Europe/Brussels", "UTC"},
        {"30 2 * * *", "Asia/Kolkata", "UTC"},
        {"0 8 * * 1-5", "Asia/Tokyo", "UTC"},
        {"15 0 1 * *", "Asia/Tokyo", "UTC"},
        {"30 1 * * *", "UTC", "Europe/Brussels"},
        {"0 9 * * *", "Australia/Sydney", "Europe/Brussels"},
        {"0 2 * * *", "America/New_York", "Australia/Lord_Howe"},
        {"0 8-18/2 * * 1-5", "America/Sao_Paulo", "America/New_York"},
    };
    Seconds from = at("2026-01-01T00:00:00Z");
    Seconds to = at("2027-01-01T00:00:00Z");
    for (const Case& c : cases) {
      CAPTURE(c.expression);
      CAPTURE(c.zone);
      CAPTURE(c.host);
      auto job = Schedule::cron(c.expression, c.zone);
      REQUIRE(job.has_value());
      auto line = cron_fields_for(*job, c.host, from);
      REQUIRE(line.has_value());
      CAPTURE(line->fields);
      auto line_schedule = Schedule::cron(line->fields, c.host);
      REQUIRE(line_schedule.has_value());
      auto slots = fires_between(*job, from, to);
      auto firings = fires_between(*line_schedule, from, to);
      REQUIRE_FALSE(slots.empty());
      if (line->exact) {
        CHECK(firings == slots);
      } else {
        CHECK(firings.size() > slots.size());
      }
      auto runs = simulate_runs(*job, firings, std::chrono::minutes(5));
      REQUIRE(runs.size() == slots.size());
      for (Seconds slot : slots) {
        CHECK(runs.at(slot) == slot);
      }
    }
  }

  TEST_CASE(
      "a line with fixed times does not fire on the second pass of the host's repeated "
      "hour, which is why such slots keep the hours at *") {
    // The engine's model of the daemon, which the hour narrowing relies on.
    auto fixed = Schedule::cron("30 2,3 * * *", "Europe/Brussels");
    REQUIRE(fixed.has_value());
    auto fixed_fires =
        fires_between(*fixed, at("2026-10-25T00:00:00Z"), at("2026-10-25T03:00:00Z"));
    CHECK(fixed_fires ==
          std::vector<Seconds>{at("2026-10-25T00:30:00Z"), at("2026-10-25T02:30:00Z")});
    // 01:30 UTC is the second 02:30 in Brussels that day.
    auto job = Schedule::cron("30 1 * * *", "UTC");
    REQUIRE(job.has_value());
    auto line = cron_fields_for(*job, "Europe/Brussels", at("2026-01-01T00:00:00Z"));
    REQUIRE(line.has_value());
    auto line_schedule = Schedule::cron(line->fields, "Europe/Brussels");
    REQUIRE(line_schedule.has_value());
    auto line_fires =
        fires_between(*line_schedule, at("2026-10-25T01:00:00Z"), at("2026-10-25T02:00:00Z"));
    CHECK(line_fires == std::vector<Seconds>{at("2026-10-25T01:30:00Z")});
  }

}  // TEST_SUITE
