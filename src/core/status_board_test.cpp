#include "core/status_board.hpp"

#include "store/ping_store.hpp"
#include "unit/service_fixture.hpp"

#include <doctest/doctest.h>

namespace certcron {
namespace {

using testing::at;

// The job service, the ping service and the board over the fixture's database.
struct Board {
  testing::ServiceFixture fx;
  store::SqlitePingStore ping_store{*fx.db};
  JobService jobs{*fx.jobs, fx.clock, nullptr, testing::everyone_alive()};
  PingService pings{*fx.jobs, ping_store, fx.clock};

  StatusBoard board(StatusLimits limits = {}) { return StatusBoard(*fx.jobs, jobs, pings, limits); }

  void add_runs(std::int64_t job_seq, int count, RunStatus status) {
    for (int i = 0; i < count; ++i) {
      Run run;
      run.job_seq = job_seq;
      run.started_at = at("2026-03-25T01:00:00Z") + std::chrono::minutes(i);
      run.completed_at = run.started_at;
      run.status = status;
      REQUIRE(fx.jobs->insert_run(run));
    }
  }
};

}  // namespace

TEST_SUITE("core.status_board") {
  TEST_CASE("the overview: every job in id order with its newest runs, newest first") {
    Board b;
    const Job first = b.fx.add_job("first", "0 2 * * *");
    const Job second = b.fx.add_job("second", "0 3 * * *");
    b.add_runs(first.seq, 3, RunStatus::success);
    b.add_runs(first.seq, 2, RunStatus::failed);
    auto board = b.board().overview();
    REQUIRE(board);
    CHECK(board->total_jobs == 2);
    REQUIRE(board->rows.size() == 2);
    CHECK(board->rows[0].details.job.definition.name == "first");
    CHECK(board->rows[0].run_count == 5);
    REQUIRE(board->rows[0].recent_runs.size() == 5);
    CHECK(board->rows[0].recent_runs.front().status == RunStatus::failed);  // the newest
    CHECK(board->rows[0].recent_runs.back().status == RunStatus::success);
    CHECK(board->rows[0].details.last_run->seq == board->rows[0].recent_runs.front().seq);
    CHECK(board->rows[1].details.job.seq == second.seq);
    CHECK(board->rows[1].recent_runs.empty());
  }

  TEST_CASE("the overview is bounded in jobs and in runs per job, and says how many jobs exist") {
    Board b;
    for (int i = 0; i < 5; ++i) {
      b.add_runs(b.fx.add_job("job" + std::to_string(i), "0 2 * * *").seq, 4, RunStatus::success);
    }
    StatusLimits limits;
    limits.jobs = 3;
    limits.strip_runs = 2;
    auto board = b.board(limits).overview();
    REQUIRE(board);
    CHECK(board->total_jobs == 5);
    REQUIRE(board->rows.size() == 3);
    for (const StatusRow& row : board->rows) {
      CHECK(row.recent_runs.size() == 2);
      CHECK(row.run_count == 4);
    }
  }

  TEST_CASE("past one page of the job service, the overview keeps reading up to its bound") {
    Board b;
    for (int i = 0; i < 130; ++i) {
      b.fx.add_job("job" + std::to_string(i), "0 2 * * *");
    }
    auto board = b.board().overview();
    REQUIRE(board);
    CHECK(board->rows.size() == 130);
    StatusLimits limits;
    limits.jobs = 120;
    auto bounded = b.board(limits).overview();
    REQUIRE(bounded);
    CHECK(bounded->rows.size() == 120);
    CHECK(bounded->total_jobs == 130);
  }

  TEST_CASE("a job's page: its runs, flips and pings, newest first; an unknown job is not found") {
    Board b;
    const Job job = b.fx.add_job("nightly", "0 2 * * *");
    b.add_runs(job.seq, 25, RunStatus::success);
    PingRequest failed;
    failed.kind = PingKind::failed;
    failed.message = "disk full";
    REQUIRE(b.pings.record("nightly", failed));
    auto status = b.board().job("nightly");
    REQUIRE(status);
    CHECK(status->runs.size() == 20);
    CHECK(status->run_count == 25);
    REQUIRE(status->pings.size() == 1);
    CHECK(status->pings[0].message == "disk full");
    REQUIRE_FALSE(status->flips.empty());
    CHECK(status->flips[0].to == MonitorState::failed);
    auto missing = b.board().job("cron-404");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::not_found);
  }
}

}  // namespace certcron
