#pragma once

#include "core/store.hpp"

#include <memory>
#include <string>

namespace SQLite {
class Database;
class Statement;
}

namespace certcron::store {

class StatementCache;

// JobStore on a SQLite database opened by open_database(). It keeps its statements prepared
// (StatementCache): one store per connection, used by one thread at a time, destroyed before
// the database is closed.
class SqliteJobStore final : public JobStore {
 public:
  SqliteJobStore(SQLite::Database& db, std::string path);
  ~SqliteJobStore() override;
  SqliteJobStore(const SqliteJobStore&) = delete;
  SqliteJobStore& operator=(const SqliteJobStore&) = delete;

  Result<void> in_transaction(const std::function<Result<void>()>& work) override;
  Result<void> in_read_transaction(const std::function<Result<void>()>& work) override;
  Result<std::string> identity() override;
  std::string path() const override { return path_; }
  Result<std::optional<Seconds>> database_time() override { return std::optional<Seconds>{}; }

  Result<Job> insert_job(const JobDefinition& definition, Seconds now) override;
  Result<void> update_definition(std::int64_t job_seq, const JobDefinition& definition,
                                 Seconds updated_at, std::optional<LatestResult> mark) override;
  Result<void> record_monitoring(std::int64_t job_seq, LatestResult result,
                                 std::optional<Seconds> ping_at) override;
  Result<void> set_snooze(std::int64_t job_seq, std::optional<Snooze> snooze) override;
  Result<void> delete_job(std::int64_t job_seq) override;
  Result<std::optional<Job>> find_job(std::string_view id_or_name) override;
  Result<std::optional<JobWithLastRun>> find_job_with_last_run(
      std::string_view id_or_name) override;
  Result<std::optional<Job>> find_job_by_name(std::string_view name) override;
  Result<std::optional<Job>> find_job_by_seq(std::int64_t job_seq) override;
  Result<Page<JobWithLastRun>> list_jobs(JobStatusFilter filter, PageRequest page) override;
  Result<std::vector<Job>> all_jobs() override;

  Result<Run> insert_run(const Run& run) override;
  Result<void> update_run(const Run& run) override;
  Result<std::optional<Run>> find_run(std::int64_t run_seq) override;
  Result<std::optional<Run>> running_run(std::int64_t job_seq) override;
  Result<std::optional<Run>> last_run(std::int64_t job_seq) override;
  Result<bool> has_run_for_slot(std::int64_t job_seq, Seconds slot) override;
  Result<bool> renew_lease(std::int64_t run_seq, std::chrono::seconds lease,
                           Seconds now) override;
  Result<Page<Run>> list_runs(std::int64_t job_seq, std::optional<RunStatus> status,
                              PageRequest page) override;

  // In flip_store.cpp.
  Result<std::optional<Flip>> latest_flip(std::int64_t job_seq) override;
  Result<Flip> insert_flip(const Flip& flip) override;
  Result<std::vector<Flip>> recent_flips(std::int64_t job_seq, int count) override;
  Result<std::vector<Flip>> pending_alerts() override;
  Result<void> update_alert(const Flip& flip) override;

  // A job (by seq or by name, ?) with its newest run found through runs_by_job: exposed so
  // a test can check its plan (no temporary table, no scan).
  static const std::string kJobWithLastRunBySeqSql;
  static const std::string kJobWithLastRunByNameSql;
  // The page of list_jobs for each filter (limit ?1, offset ?2; the filter's total in the
  // last column), exposed for the same kind of test.
  static const std::string& list_page_sql(JobStatusFilter filter);

 private:
  Result<void> transact(const char* begin, const std::function<Result<void>()>& work);
  Result<std::optional<JobWithLastRun>> find_job_with_last_run_where(
      const std::string& sql, const std::function<void(SQLite::Statement&)>& bind);
  Result<std::optional<Job>> find_job_where(const std::string& sql,
                                            const std::function<void(SQLite::Statement&)>& bind);
  Result<std::optional<Run>> find_run_where(const std::string& sql, std::int64_t value);
  // Runs a prepared UPDATE of one job's row; not_found when no row matched.
  Result<void> update_job_row(std::int64_t job_seq, const char* sql,
                              const std::function<void(SQLite::Statement&)>& bind);

  SQLite::Database& db_;
  std::string path_;
  std::unique_ptr<StatementCache> statements_;
};

}  // namespace certcron::store
