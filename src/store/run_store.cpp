#include "store/common.hpp"
#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/rows.hpp"
#include "store/statement_cache.hpp"
#include "util/time.hpp"

#include <SQLiteCpp/Database.h>

#include <array>

// The run half of SqliteJobStore.

namespace certcron::store {
namespace {

using namespace rows;

constexpr const char* kRunColumns =
    "seq, job_seq, trigger, scheduled_for, started_at, completed_at, status, dry_run, pid, "
    "mentors_checked, certifications_checked, reminders_sent, errors, error_message, pid_start, "
    "owner, lease_until";
const std::string kSelectRuns = std::string("SELECT ") + kRunColumns + " FROM runs";
const std::string kRunBySeq = kSelectRuns + " WHERE seq = ?";
const std::string kRunningRun = kSelectRuns + " WHERE job_seq = ? AND status = 'running'";
const std::string kLastRun = kSelectRuns + " WHERE job_seq = ? ORDER BY seq DESC LIMIT 1";
const std::string kRunsOfJob = kSelectRuns + " WHERE job_seq = ?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3";
const std::string kRunsOfJobWithStatus =
    kSelectRuns + " WHERE job_seq = ?1 AND status = ?4 ORDER BY seq DESC LIMIT ?2 OFFSET ?3";
// A job's columns (as kJobColumns in job_store.cpp) then its newest run's (as kRunColumns;
// all null when it never ran). The correlated max() is one seek on runs_by_job (job_seq,
// seq) however many runs the job has, then the run by its primary key.
const std::string kJobWithLastRunColumns =
    "SELECT j.seq, j.name, j.description, j.type, j.cron_expression, j.frequency_in_minutes, "
    "j.grace_time_in_minutes, j.server_timezone, j.enabled, j.uuid, j.created_at, "
    "j.updated_at, j.latest_result, j.latest_ping_at, j.snooze_ends_at, j.snooze_minutes, "
    "j.max_runtime_in_minutes, j.catch_up, "
    "r.seq, r.job_seq, r.trigger, r.scheduled_for, r.started_at, r.completed_at, r.status, "
    "r.dry_run, r.pid, r.mentors_checked, r.certifications_checked, r.reminders_sent, "
    "r.errors, r.error_message, r.pid_start, r.owner, r.lease_until";
const std::string kJobWithLastRunFrom =
    " FROM jobs AS j LEFT JOIN runs AS r "
    "ON r.seq = (SELECT max(seq) FROM runs WHERE runs.job_seq = j.seq)";
constexpr int kFirstRunColumn = mapping::kJobColumnCount;
// list_page_sql's count, after the run's columns
constexpr int kPageTotalColumn = mapping::kJobColumnCount + mapping::kRunColumnCount;

const char* filter_condition(JobStatusFilter filter) {
  switch (filter) {
    case JobStatusFilter::active:
      return " WHERE enabled = 1";
    case JobStatusFilter::disabled:
      return " WHERE enabled = 0";
    case JobStatusFilter::any:
      break;
  }
  return "";
}

const std::string& count_sql(JobStatusFilter filter) {
  static const std::array<std::string, 3> sql{
      std::string("SELECT count(*) FROM jobs") + filter_condition(JobStatusFilter::any),
      std::string("SELECT count(*) FROM jobs") + filter_condition(JobStatusFilter::active),
      std::string("SELECT count(*) FROM jobs") + filter_condition(JobStatusFilter::disabled)};
  return sql[static_cast<std::size_t>(filter)];
}

// A job (and its newest run) read from the row of a kJobWithLastRunColumns query.
JobWithLastRun job_with_last_run_from_row(const Row& row) {
  JobWithLastRun read{job_from_row(row), std::nullopt};
  if (!row.is_null(kFirstRunColumn)) {
    read.last_run = run_from_row(row, kFirstRunColumn);
  }
  return read;
}


}  // namespace

namespace rows {

Run run_from_row(const Row& row, int first) { return mapping::read_run(row, first); }

}  // namespace rows

const std::string SqliteJobStore::kJobWithLastRunBySeqSql =
    kJobWithLastRunColumns + kJobWithLastRunFrom + " WHERE j.seq = ?";
const std::string SqliteJobStore::kJobWithLastRunByNameSql =
    kJobWithLastRunColumns + kJobWithLastRunFrom + " WHERE j.name = ?";

// The filter's total is an uncorrelated subquery, computed once per statement: the page,
// its last runs and the total come from one statement and so from one snapshot.
const std::string& SqliteJobStore::list_page_sql(JobStatusFilter filter) {
  auto page_sql = [](JobStatusFilter f) {
    return kJobWithLastRunColumns + ", (SELECT count(*) FROM jobs" + filter_condition(f) + ")" +
           kJobWithLastRunFrom + filter_condition(f) + " ORDER BY j.seq LIMIT ?1 OFFSET ?2";
  };
  static const std::array<std::string, 3> sql{page_sql(JobStatusFilter::any),
                                              page_sql(JobStatusFilter::active),
                                              page_sql(JobStatusFilter::disabled)};
  return sql[static_cast<std::size_t>(filter)];
}

Result<Page<JobWithLastRun>> SqliteJobStore::list_jobs(JobStatusFilter filter, PageRequest page) {
  Page<JobWithLastRun> result{{}, page.page, page.limit, 0};
  auto ran = guarded([&] {
    {
      auto query = statements_->use(list_page_sql(filter));
      query->bind(1, page.limit);
      query->bind(2, offset_of(page));
      result.items.reserve(static_cast<std::size_t>(page.limit));
      while (query->executeStep()) {
        if (result.items.empty()) {
          result.total = query.row().int64(kPageTotalColumn);
        }
        result.items.push_back(job_with_last_run_from_row(query.row()));
      }
    }
    if (result.items.empty()) {
      // A page past the end has no row to carry the total.
      auto count = statements_->use(count_sql(filter));
      count->executeStep();
      result.total = count->getColumn(0).getInt64();
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return result;
}

Result<std::optional<JobWithLastRun>> SqliteJobStore::find_job_with_last_run(
    std::string_view id_or_name) {
  if (auto seq = parse_job_id(id_or_name)) {
    auto by_id = find_job_with_last_run_where(
        kJobWithLastRunBySeqSql, [&](SQLite::Statement& query) { query.bind(1, static_cast<std::int64_t>(*seq)); });
    if (!by_id || *by_id) {
      return by_id;
    }
  }
  return find_job_with_last_run_where(kJobWithLastRunByNameSql, [&](SQLite::Statement& query) {
    query.bind(1, std::string(id_or_name));  // text (the (pointer, size) overload binds a blob)
  });
}

Result<std::optional<JobWithLastRun>> SqliteJobStore::find_job_with_last_run_where(
    const std::string& sql, const std::function<void(SQLite::Statement&)>& bind) {
  std::optional<JobWithLastRun> found;
  auto ran = guarded([&] {
    auto query = statements_->use(sql);
    bind(*query);
    if (query->executeStep()) {
      found = job_with_last_run_from_row(query.row());
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return found;
}


Result<Run> SqliteJobStore::insert_run(const Run& run) {
  try {
    auto insert = statements_->use(
        "INSERT INTO runs (job_seq, trigger, scheduled_for, started_at, status, dry_run, pid, "
        "pid_start, owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, static_cast<std::int64_t>(run.job_seq));
    insert->bind(2, to_string(run.trigger));
    bind_optional_seconds(*insert, 3, run.scheduled_for);
    insert->bind(4, static_cast<std::int64_t>(from_seconds(run.started_at)));
    insert->bind(5, to_string(run.status));
    insert->bind(6, run.dry_run ? 1 : 0);
    insert->bind(7, static_cast<std::int64_t>(run.pid));
    insert->bind(8, static_cast<std::int64_t>(run.pid_start));
    insert->bind(9, run.owner);
    bind_optional_seconds(*insert, 10, run.lease_until);
    insert->exec();
  } catch (const SQLite::Exception& error) {
    if (!is_unique_violation(error)) {
      return fail(error_from_exception(error));
    }
    return fail(run_conflict(*this, run));
  }
  Run stored = run;
  stored.seq = db_.getLastInsertRowid();
  return stored;
}

Result<void> SqliteJobStore::update_run(const Run& run) {
  return guarded([&] {
    auto update = statements_->use(
        "UPDATE runs SET completed_at = ?, status = ?, mentors_checked = ?, "
        "certifications_checked = ?, reminders_sent = ?, errors = ?, error_message = ? "
        "WHERE seq = ?");
    bind_optional_seconds(*update, 1, run.completed_at);
    update->bind(2, to_string(run.status));
    if (run.result) {
      update->bind(3, static_cast<std::int64_t>(run.result->mentors_checked));
      update->bind(4, static_cast<std::int64_t>(run.result->certifications_checked));
      update->bind(5, static_cast<std::int64_t>(run.result->reminders_sent));
      update->bind(6, static_cast<std::int64_t>(run.result->errors));
    } else {
      for (int index = 3; index <= 6; ++index) {
        update->bind(index);
      }
    }
    update->bind(7, run.error_message);
    update->bind(8, static_cast<std::int64_t>(run.seq));
    update->exec();
  });
}

Result<std::optional<Run>> SqliteJobStore::find_run_where(const std::string& sql,
                                                          std::int64_t value) {
  std::optional<Run> run;
  auto ran = guarded([&] {
    auto query = statements_->use(sql);
    query->bind(1, static_cast<std::int64_t>(value));
    if (query->executeStep()) {
      run = run_from_row(query.row());
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return run;
}

Result<std::optional<Run>> SqliteJobStore::find_run(std::int64_t run_seq) {
  return find_run_where(kRunBySeq, run_seq);
}

Result<std::optional<Run>> SqliteJobStore::running_run(std::int64_t job_seq) {
  return find_run_where(kRunningRun, job_seq);
}

Result<std::optional<Run>> SqliteJobStore::last_run(std::int64_t job_seq) {
  return find_run_where(kLastRun, job_seq);
}

Result<bool> SqliteJobStore::has_run_for_slot(std::int64_t job_seq, Seconds slot) {
  bool found = false;
  auto ran = guarded([&] {
    auto query = statements_->use(
        "SELECT 1 FROM runs WHERE job_seq = ? AND scheduled_for = ? AND dry_run = 0");
    query->bind(1, static_cast<std::int64_t>(job_seq));
    query->bind(2, static_cast<std::int64_t>(from_seconds(slot)));
    found = query->executeStep();
  });
  if (!ran) {
    return fail(ran.error());
  }
  return found;
}

Result<bool> SqliteJobStore::renew_lease(std::int64_t run_seq, std::chrono::seconds lease,
                                         Seconds now) {
  bool running = false;
  auto ran = guarded([&] {
    auto query = statements_->use(
        "UPDATE runs SET lease_until = ? WHERE seq = ? AND status = 'running'");
    query->bind(1, static_cast<std::int64_t>(from_seconds(now + lease)));
    query->bind(2, static_cast<std::int64_t>(run_seq));
    running = query->exec() == 1;
  });
  if (!ran) {
    return fail(ran.error());
  }
  return running;
}

Result<Page<Run>> SqliteJobStore::list_runs(std::int64_t job_seq, std::optional<RunStatus> status,
                                            PageRequest page) {
  Page<Run> result{{}, page.page, page.limit, 0};
  auto ran = guarded([&] {
    {
      auto count = statements_->use(status ? "SELECT count(*) FROM runs WHERE job_seq = ? AND status = ?"
                                           : "SELECT count(*) FROM runs WHERE job_seq = ?");
      count->bind(1, static_cast<std::int64_t>(job_seq));
      if (status) {
        count->bind(2, to_string(*status));
      }
      count->executeStep();
      result.total = count->getColumn(0).getInt64();
    }
    auto query = statements_->use(status ? kRunsOfJobWithStatus : kRunsOfJob);
    query->bind(1, static_cast<std::int64_t>(job_seq));
    query->bind(2, page.limit);
    query->bind(3, offset_of(page));
    if (status) {
      query->bind(4, to_string(*status));
    }
    while (query->executeStep()) {
      result.items.push_back(run_from_row(query.row()));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return result;
}
}  // namespace certcron::store
