// The job store's hot reads stay cheap: a page walks jobs in order and takes one seek per job
// for its last run, with no temporary table, and repeated reads prepare nothing new and
// leave no statement or transaction open.

#include "store/job_store.hpp"

#include "unit/service_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

namespace certcron::store {
namespace {

using testing::at;

// The opcodes of `sql`'s program and its query plan, one detail per line.
struct Plan {
  std::vector<std::string> opcodes;
  std::string details;
};

Plan plan_of(SQLite::Database& db, const std::string& sql) {
  Plan plan;
  SQLite::Statement program(db, "EXPLAIN " + sql);
  while (program.executeStep()) {
    plan.opcodes.push_back(program.getColumn(1).getString());
  }
  SQLite::Statement query_plan(db, "EXPLAIN QUERY PLAN " + sql);
  while (query_plan.executeStep()) {
    plan.details += query_plan.getColumn(3).getString() + "\n";
  }
  return plan;
}

bool has_opcode(const Plan& plan, const std::string& name) {
  for (const auto& opcode : plan.opcodes) {
    if (opcode == name) {
      return true;
    }
  }
  return false;
}

bool mentions(const Plan& plan, const std::string& text) {
  return plan.details.find(text) != std::string::npos;
}

void add_runs(SqliteJobStore& store, std::int64_t job_seq, int count) {
  for (int i = 0; i < count; ++i) {
    Run run;
    run.job_seq = job_seq;
    run.started_at = at("2026-03-25T01:00:00Z");
    run.status = RunStatus::success;
    REQUIRE(store.insert_run(run));
  }
}

struct Steps {
  int vm = 0;
  int full_scan = 0;
  int sort = 0;
  int auto_index = 0;
  int rows = 0;
};

// Runs the page query (the first page of 20, any status) and reads its statement counters.
Steps page_steps(SQLite::Database& db) {
  const std::string& sql = SqliteJobStore::list_page_sql(JobStatusFilter::any);
  SQLite::Statement query(db, sql);
  query.bind(1, 20);
  query.bind(2, 0);
  Steps steps;
  while (query.executeStep()) {
    ++steps.rows;
  }
  sqlite3_stmt* handle = nullptr;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.getHandle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.getHandle(), s)) {
    if (std::string(sqlite3_sql(s)) == sql) {
      handle = s;
    }
  }
  REQUIRE(handle != nullptr);
  steps.vm = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 0);
  steps.full_scan = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
  steps.sort = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_SORT, 0);
  steps.auto_index = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_AUTOINDEX, 0);
  return steps;
}

int statements_of(SQLite::Database& db, bool stepping_only) {
  int count = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.getHandle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.getHandle(), s)) {
    count += !stepping_only || sqlite3_stmt_busy(s) != 0 ? 1 : 0;
  }
  return count;
}

}  // namespace

TEST_SUITE("store.plans") {
  TEST_CASE("a page of jobs, for every filter, walks jobs in order and finds each last run by one seek on runs_by_job") {
    testing::ServiceFixture fx;
    for (auto filter : {JobStatusFilter::any, JobStatusFilter::active, JobStatusFilter::disabled}) {
      Plan plan = plan_of(*fx.db, SqliteJobStore::list_page_sql(filter));
      INFO(plan.details);
      CHECK_FALSE(has_opcode(plan, "OpenEphemeral"));
      CHECK_FALSE(mentions(plan, "TEMP B-TREE"));
      CHECK(mentions(plan, "runs_by_job"));
      CHECK_FALSE(mentions(plan, "SCAN r"));
      CHECK_FALSE(mentions(plan, "SCAN runs"));
    }
  }

  TEST_CASE("a page of jobs costs the same however many runs each job has") {
    testing::ServiceFixture fx;
    std::vector<std::int64_t> jobs;
    for (int i = 0; i < 5; ++i) {
      jobs.push_back(fx.add_job("job" + std::to_string(i), "0 2 * * *").seq);
      add_runs(*fx.jobs, jobs.back(), 1);
    }
    Steps few = page_steps(*fx.db);
    CHECK(few.rows == 5);
    for (auto seq : jobs) {
      add_runs(*fx.jobs, seq, 40);
    }
    Steps many = page_steps(*fx.db);
    CHECK(many.rows == 5);
    CHECK(many.vm == few.vm);
    CHECK(many.sort == 0);
    CHECK(many.auto_index == 0);
  }

  TEST_CASE("reading again prepares nothing new and leaves no statement running or transaction open") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    add_runs(*fx.jobs, job.seq, 2);
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto read_both = [&] {
      REQUIRE(service.show("cron-001"));
      REQUIRE(service.list(JobStatusFilter::any, PageRequest{1, 20}));
    };
    read_both();
    const int prepared = statements_of(*fx.db, false);
    read_both();
    read_both();
    CHECK(statements_of(*fx.db, false) == prepared);
    CHECK(statements_of(*fx.db, true) == 0);
    CHECK(sqlite3_get_autocommit(fx.db->getHandle()) != 0);
  }
}

}  // namespace certcron::store
