// Two writers on one job row, each through its own SQLite connection as two certcron
// processes (cron's and the server's) have: neither may undo the other's change by writing
// back a copy it read earlier.

#include "core/job_service.hpp"
#include "core/monitor_service.hpp"
#include "core/run_service.hpp"

#include "unit/service_fixture.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace certcron {
namespace {

using testing::at;

RunLiveness alive_with(std::function<void()> meanwhile) {
  return {[meanwhile](std::int64_t, std::int64_t) {
            meanwhile();
            return true;
          },
          1};
}

// What writer B does between writer A's read and A's write: an administrator changes the
// definition and snoozes the job.
void change_definition_and_snooze(testing::Connection& b, const Clock& clock) {
  JobService service(*b.jobs, clock, nullptr, {});
  JobChanges changes;
  changes.description = "changed by B";
  changes.grace_time_in_minutes = 9;
  REQUIRE(service.update("nightly", changes));
  auto job = require_job(*b.jobs, "nightly");
  REQUIRE(job);
  REQUIRE(b.jobs->set_snooze(job->seq, Snooze{at("2026-03-26T00:00:00Z"), 45}));
}

void check_b_change_kept(testing::Connection& b) {
  auto job = require_job(*b.jobs, "nightly");
  REQUIRE(job);
  CHECK(job->definition.description == "changed by B");
  CHECK(job->definition.grace_time_in_minutes == 9);
  REQUIRE(job->snooze);
  CHECK(job->snooze->minutes == 45);
}

}  // namespace

TEST_SUITE("core.concurrent_writes") {
  TEST_CASE("a run started and finished from a stale copy keeps a definition change and a snooze") {
    testing::ServiceFixture fx;
    Job stale = fx.add_job("nightly", "0 2 * * *");
    testing::Connection b = fx.connect();
    change_definition_and_snooze(b, fx.clock);

    RunService runs(*fx.jobs, *fx.reminders, fx.clock,
                    RunLiveness{[](std::int64_t, std::int64_t) { return true; }, 1});
    auto started = runs.start(stale, RunTrigger::manual, std::nullopt, false);
    REQUIRE(started);
    check_b_change_kept(b);
    CHECK((*b.jobs->find_job("nightly"))->latest_result == LatestResult::ping_starting);

    JobService admin(*b.jobs, fx.clock, nullptr, {});
    JobChanges again;
    again.description = "changed by B while running";
    REQUIRE(admin.update("nightly", again));
    fx.clock.advance(std::chrono::seconds{30});
    REQUIRE(runs.finish(*started, RunResult{}));
    Job after = **b.jobs->find_job("nightly");
    CHECK(after.definition.description == "changed by B while running");
    CHECK(after.snooze.has_value());
    CHECK(after.latest_result == LatestResult::ping_finished);
    CHECK(after.latest_ping_at == fx.clock.now());
  }

  // A manual run of `job` started at 01:30, before its 02:00 slot, and still running: the pass
  // asks its liveness after reading the jobs and before marking the job late.
  void insert_run_started_before_slot(testing::ServiceFixture& fx, const Job& job) {
    Run running;
    running.job_seq = job.seq;
    running.started_at = at("2026-03-25T01:30:00Z");
    running.pid = 4242;
    REQUIRE(fx.jobs->insert_run(running));
  }

  TEST_CASE("the monitoring pass marks a late job without undoing a change made during the pass") {
    testing::ServiceFixture fx;
    fx.clock.set(at("2026-03-25T01:00:00Z"));
    Job job = fx.add_job("nightly", "0 2 * * *", 5);
    insert_run_started_before_slot(fx, job);
    testing::Connection b = fx.connect();
    fx.clock.set(at("2026-03-25T02:10:00Z"));
    bool changed = false;
    MonitorService monitor(*fx.jobs, fx.clock, alive_with([&] {
                             change_definition_and_snooze(b, fx.clock);
                             changed = true;
                           }));
    auto report = monitor.check();
    REQUIRE(report);
    REQUIRE(changed);
    REQUIRE(report->late.size() == 1);
    CHECK(report->late[0].newly_late);
    CHECK(report->late[0].job.definition.description == "changed by B");
    check_b_change_kept(b);
    CHECK((*b.jobs->find_job("nightly"))->latest_result == LatestResult::check_ran_too_late);
  }

  TEST_CASE("a start ping that arrives during the pass keeps the job from being marked late") {
    testing::ServiceFixture fx;
    fx.clock.set(at("2026-03-25T01:00:00Z"));
    Job job = fx.add_job("nightly", "0 2 * * *", 5);
    insert_run_started_before_slot(fx, job);
    testing::Connection b = fx.connect();
    fx.clock.set(at("2026-03-25T02:10:00Z"));
    // The job's own wrapper reports it started, after the pass read the job as never pinged.
    MonitorService monitor(*fx.jobs, fx.clock, alive_with([&] {
                             REQUIRE(b.jobs->record_monitoring(job.seq, LatestResult::ping_starting,
                                                               at("2026-03-25T02:08:00Z")));
                           }));
    auto report = monitor.check();
    REQUIRE(report);
    CHECK(report->late.empty());
    Job after = **b.jobs->find_job("nightly");
    CHECK(after.latest_result == LatestResult::ping_starting);
    CHECK(after.latest_ping_at == at("2026-03-25T02:08:00Z"));
  }

  TEST_CASE("a run that finished while its liveness was asked is not overwritten as abandoned") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    testing::Connection b = fx.connect();
    RunService b_runs(*b.jobs, *b.reminders, fx.clock,
                      RunLiveness{[](std::int64_t, std::int64_t) { return true; }, 4242});
    auto started = b_runs.start(job, RunTrigger::manual, std::nullopt, false);
    REQUIRE(started);
    auto stale = fx.jobs->find_run(started->seq);
    REQUIRE(stale);
    REQUIRE(stale->has_value());
    // The process finishes its run and exits just as it is asked about: seen dead.
    RunLiveness finished_then_dead{[&](std::int64_t, std::int64_t) {
                                     REQUIRE(b_runs.finish(*started, RunResult{}));
                                     return false;
                                   },
                                   1};
    auto settled = settle_run(*fx.jobs, fx.clock, finished_then_dead, **stale);
    REQUIRE(settled);
    CHECK(settled->status == RunStatus::success);
    CHECK((*fx.jobs->find_run(started->seq))->status == RunStatus::success);
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_finished);
  }

  TEST_CASE("an abandoned run marks the job failed and keeps a change made meanwhile") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    Run running;
    running.job_seq = job.seq;
    running.started_at = fx.clock.now();
    running.pid = 4242;
    auto inserted = fx.jobs->insert_run(running);
    REQUIRE(inserted);
    testing::Connection b = fx.connect();
    RunLiveness dead_after_change{[&](std::int64_t, std::int64_t) {
                                    change_definition_and_snooze(b, fx.clock);
                                    return false;
                                  },
                                  1};
    auto settled = settle_run(*fx.jobs, fx.clock, dead_after_change, *inserted);
    REQUIRE(settled);
    CHECK(settled->status == RunStatus::abandoned);
    check_b_change_kept(b);
    CHECK((*b.jobs->find_job("nightly"))->latest_result == LatestResult::check_failed);
  }

  TEST_CASE("two processes writing different columns for a while both keep their last write") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    testing::Connection a = fx.connect();
    testing::Connection b = fx.connect();
    constexpr int kRounds = 300;  // A's rounds; B's run as long as A's
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    std::atomic<int> failures{0};
    std::atomic<bool> admin_done{false};
    int a_last = -1;
    Seconds b_last_ping{};
    int b_rounds_alongside = 0;  // B's rounds while A was still writing
    // A: an administrator editing the description and snoozing, over and over.
    std::thread admin([&] {
      FixedClock clock(fx.clock.now());
      JobService service(*a.jobs, clock, nullptr, {});
      for (int i = 0; i < kRounds && std::chrono::steady_clock::now() < deadline; ++i) {
        JobChanges changes;
        changes.description = "edit " + std::to_string(i);
        bool ok = service.update("nightly", changes) &&
                  a.jobs->set_snooze(job.seq, Snooze{clock.now(), i + 1});
        if (ok) {
          a_last = i;
        } else {
          ++failures;
        }
      }
      admin_done = true;
    });
    // B: runs started from the copy read before the first round, as a long-lived process
    // would; it goes on a few rounds after A stops, so that a write of its stale copy would
    // be the last word on A's columns.
    std::thread runner([&] {
      FixedClock clock(fx.clock.now());
      RunService runs(*b.jobs, *b.reminders, clock,
                      RunLiveness{[](std::int64_t, std::int64_t) { return true; }, 2});
      int after_admin = 3;
      while ((!admin_done || after_admin-- > 0) && std::chrono::steady_clock::now() < deadline) {
        clock.advance(std::chrono::seconds{1});
        auto started = runs.start(job, RunTrigger::manual, std::nullopt, false);
        bool ok = started && runs.finish(*started, RunResult{});
        if (ok) {
          b_rounds_alongside += admin_done ? 0 : 1;
          b_last_ping = clock.now();
        } else {
          ++failures;
        }
      }
    });
    admin.join();
    runner.join();
    CHECK(failures == 0);
    CHECK(b_rounds_alongside > 0);
    REQUIRE(a_last >= 0);
    REQUIRE(b_last_ping != Seconds{});
    Job after = **fx.jobs->find_job("nightly");
    CHECK(after.definition.description == "edit " + std::to_string(a_last));
    REQUIRE(after.snooze);
    CHECK(after.snooze->minutes == a_last + 1);
    CHECK(after.latest_result == LatestResult::ping_finished);
    CHECK(after.latest_ping_at == b_last_ping);
  }
}

}  // namespace certcron
