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

// Three days either side of each DST change of 2026 in Brussels and Lord Howe (Kolkata and
// Kathmandu have none, which is the point of pairing them with zones that do).
const std::vector<std::pair<Seconds, Seconds>> kWindows = {
    {at("2026-03-26T00:00:00Z"), at("2026-04-01T00:00:00Z")},  // Brussels spring forward
    {at("2026-04-01T00:00:00Z"), at("2026-04-08T00:00:00Z")},  // Lord Howe falls back
    {at("2026-09-30T00:00:00Z"), at("2026-10-07T00:00:00Z")},  // Lord Howe springs forward
    {at("2026-10-22T00:00:00Z"), at("2026-10-28T00:00:00Z")},  // Brussels falls back
};

const std::vector<std::string> kJobZones = {"Europe/Brussels", "Asia/Kolkata",
                                            "Australia/Lord_Howe", "Asia/Kathmandu"};
const std::vector<std::string> kHostZones = {"UTC", "Europe/Brussels", "Australia/Lord_Howe"};
const std::vector<std::string> kExpressions = {"30 2 * * *",     "0 2 * * *",   "15 2 * * 0",
                                               "*/20 1-3 * * *", "45 23 * * *", "0 0 1,4,6 * *",
                                               "59 1 * * *",     "0,30 * * * *"};
const std::vector<int> kFrequencies = {7, 15, 45, 60, 90, 120, 1440};

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
      "the superset filter starts a Brussels and a Kolkata job once per slot over a year on a UTC "
      "host") {
    for (const auto& zone : {"Europe/Brussels", "Asia/Kolkata"}) {
      CAPTURE(zone);
      auto job = Schedule::cron("30 2 * * *", zone);
      REQUIRE(job.has_value());
      auto line = cron_fields_for(*job, "UTC", at("2026-01-01T00:00:00Z"));
      REQUIRE(line.has_value());
      REQUIRE_FALSE(line->exact);
      auto line_schedule = Schedule::cron(line->fields, "UTC");
      Seconds from = at("2026-01-01T00:00:00Z");
      Seconds to = at("2027-01-01T00:00:00Z");
      auto slots = fires_between(*job, from, to);
      auto firings = fires_between(*line_schedule, from, to);
      CHECK(firings.size() > slots.size());
      auto runs = simulate_runs(*job, firings, std::chrono::minutes(5));
      CHECK(slots.size() == 365);
      REQUIRE(runs.size() == slots.size());
      for (Seconds slot : slots) {
        CHECK(runs.at(slot) == slot);
      }
    }
  }

}  // TEST_SUITE
