// The job row's narrow writes (each keeps the columns it does not own), the conflict message
// of a refused run, and paging past the end.

#include "store/job_store.hpp"

#include "unit/service_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <climits>
#include <string>

namespace certcron::store {
namespace {

using testing::at;

// Refuses every SELECT statement, so that reading fails while inserting still works.
int refuse_selects(void*, int action, const char*, const char*, const char*, const char*) {
  return action == SQLITE_SELECT ? SQLITE_DENY : SQLITE_OK;
}

}  // namespace

TEST_SUITE("store.job_columns") {
  TEST_CASE("a definition update keeps the ping time and the snooze, and the result unless marked") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job job = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(store.record_monitoring(job.seq, LatestResult::ping_finished, at("2026-03-25T02:01:00Z")));
    REQUIRE(store.set_snooze(job.seq, Snooze{at("2026-03-26T00:00:00Z"), 60}));

    JobDefinition changed = job.definition;
    changed.description = "renamed";
    REQUIRE(store.update_definition(job.seq, changed, at("2026-03-25T13:00:00Z"), std::nullopt));
    Job after = **store.find_job_by_seq(job.seq);
    CHECK(after.definition.description == "renamed");
    CHECK(after.updated_at == at("2026-03-25T13:00:00Z"));
    CHECK(after.latest_result == LatestResult::ping_finished);
    CHECK(after.latest_ping_at == at("2026-03-25T02:01:00Z"));
    REQUIRE(after.snooze);
    CHECK(after.snooze->minutes == 60);
    CHECK(after.snooze->ends_at == at("2026-03-26T00:00:00Z"));

    changed.cron_expression = "0 3 * * *";
    REQUIRE(store.update_definition(job.seq, changed, at("2026-03-25T14:00:00Z"),
                                    LatestResult::cron_check_changed));
    after = **store.find_job_by_seq(job.seq);
    CHECK(after.latest_result == LatestResult::cron_check_changed);
    CHECK(after.latest_ping_at == at("2026-03-25T02:01:00Z"));
    CHECK(after.snooze.has_value());
  }

  TEST_CASE("recording monitoring keeps the definition and snooze; no ping time keeps the old one") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job job = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(store.set_snooze(job.seq, Snooze{at("2026-03-26T00:00:00Z"), 30}));
    REQUIRE(store.record_monitoring(job.seq, LatestResult::ping_starting, at("2026-03-25T02:00:00Z")));
    REQUIRE(store.record_monitoring(job.seq, LatestResult::check_ran_too_late, std::nullopt));
    Job after = **store.find_job_by_seq(job.seq);
    CHECK(after.latest_result == LatestResult::check_ran_too_late);
    CHECK(after.latest_ping_at == at("2026-03-25T02:00:00Z"));
    CHECK(after.definition.cron_expression == "0 2 * * *");
    CHECK(after.updated_at == job.updated_at);
    CHECK(after.snooze.has_value());
  }

  TEST_CASE("a snooze is set and lifted without touching anything else") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job job = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(store.record_monitoring(job.seq, LatestResult::ping_failed, at("2026-03-25T02:00:00Z")));
    REQUIRE(store.set_snooze(job.seq, Snooze{at("2026-03-25T18:00:00Z"), 360}));
    Job snoozed = **store.find_job_by_seq(job.seq);
    REQUIRE(snoozed.snooze);
    CHECK(snoozed.snooze->ends_at == at("2026-03-25T18:00:00Z"));
    CHECK(snoozed.snooze->minutes == 360);
    CHECK(snoozed.updated_at == job.updated_at);
    REQUIRE(store.set_snooze(job.seq, std::nullopt));
    Job lifted = **store.find_job_by_seq(job.seq);
    CHECK_FALSE(lifted.snooze);
    CHECK(lifted.latest_result == LatestResult::ping_failed);
    CHECK(lifted.latest_ping_at == at("2026-03-25T02:00:00Z"));
  }

  TEST_CASE("a narrow write to a missing job is not_found; a taken name is a validation error") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job a = fx.add_job("a", "0 2 * * *");
    fx.add_job("b", "0 3 * * *");
    auto missing = store.record_monitoring(999, LatestResult::ping_starting, std::nullopt);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::not_found);
    auto unsnoozed = store.set_snooze(999, std::nullopt);
    REQUIRE_FALSE(unsnoozed);
    CHECK(unsnoozed.error().kind == ErrorKind::not_found);
    JobDefinition renamed = a.definition;
    renamed.name = "b";
    auto taken = store.update_definition(a.seq, renamed, fx.clock.now(), std::nullopt);
    REQUIRE_FALSE(taken);
    CHECK(taken.error().kind == ErrorKind::validation);
    CHECK(taken.error().fields.count("name") == 1);
    CHECK_FALSE(store.find_job_by_seq(999)->has_value());
  }

  TEST_CASE("a run refused while the running run cannot be read reports that error, not a slot") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job job = fx.add_job("nightly", "0 2 * * *");
    Run run;
    run.job_seq = job.seq;
    run.started_at = fx.clock.now();
    run.pid = 4242;
    REQUIRE(store.insert_run(run));
    Job other = fx.add_job("other", "0 3 * * *");
    Run unrelated = run;
    unrelated.job_seq = other.seq;
    sqlite3_set_authorizer(fx.db->getHandle(), refuse_selects, nullptr);
    // Inserting itself is allowed: only the read that names the holder fails.
    CHECK(store.insert_run(unrelated));
    auto refused = store.insert_run(run);
    sqlite3_set_authorizer(fx.db->getHandle(), nullptr, nullptr);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind != ErrorKind::conflict);
    CHECK(refused.error().message.find("not authorized") != std::string::npos);
    CHECK(refused.error().message.find("1970") == std::string::npos);
  }

  TEST_CASE("a manual run refused by a running one names it; a scheduled one names its slot") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job job = fx.add_job("nightly", "0 2 * * *");
    Run scheduled;
    scheduled.job_seq = job.seq;
    scheduled.trigger = RunTrigger::schedule;
    scheduled.scheduled_for = at("2026-03-25T02:00:00Z");
    scheduled.started_at = at("2026-03-25T02:00:01Z");
    scheduled.status = RunStatus::success;
    REQUIRE(store.insert_run(scheduled));
    auto again = store.insert_run(scheduled);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::conflict);
    CHECK(again.error().message.find("slot 2026-03-25T02:00:00Z") != std::string::npos);

    Run manual;
    manual.job_seq = job.seq;
    manual.started_at = fx.clock.now();
    auto holder = store.insert_run(manual);
    REQUIRE(holder);
    auto second = store.insert_run(manual);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::conflict);
    CHECK(second.error().message.find(holder->id()) != std::string::npos);
    CHECK(second.error().message.find("slot") == std::string::npos);
  }

  TEST_CASE("a page past the end, even page INT_MAX, is an empty list with the total") {
    testing::ServiceFixture fx;
    SqliteJobStore& store = *fx.jobs;
    Job job = fx.add_job("nightly", "0 2 * * *");
    Run run;
    run.job_seq = job.seq;
    run.started_at = fx.clock.now();
    run.status = RunStatus::success;
    REQUIRE(store.insert_run(run));
    for (PageRequest page : {PageRequest{2, 20}, PageRequest{INT_MAX, 100}, PageRequest{INT_MAX, 1}}) {
      CAPTURE(page.page);
      CAPTURE(page.limit);
      auto jobs = store.list_jobs(JobStatusFilter::any, page);
      REQUIRE(jobs);
      CHECK(jobs->items.empty());
      CHECK(jobs->total == 1);
      CHECK(jobs->page == page.page);
      auto runs = store.list_runs(job.seq, std::nullopt, page);
      REQUIRE(runs);
      CHECK(runs->items.empty());
      CHECK(runs->total == 1);
    }
  }
}

}  // namespace certcron::store
