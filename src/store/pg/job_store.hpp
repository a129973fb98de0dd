#pragma once

// JobStore and PingStore on PostgreSQL. Both work on one pg::Connection (shared with the
// reminder store), so a ping and the job's monitoring state, or a run's ledger entries and
// its end, are written in one transaction.

#include "core/ping_store.hpp"
#include "core/store.hpp"
#include "store/pg/connection.hpp"

namespace certcron::store::pg {

class PgJobStore final : public JobStore {
 public:
  explicit PgJobStore(Connection& connection) : connection_(connection) {}

  Result<void> in_transaction(const std::function<Result<void>()>& work) override;
  Result<void> in_read_transaction(const std::function<Result<void>()>& work) override;
  Result<std::string> identity() override;
  std::string path() const override { return connection_.target(); }
  Result<std::optional<Seconds>> database_time() override;

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

  Result<std::optional<Flip>> latest_flip(std::int64_t job_seq) override;
  Result<Flip> insert_flip(const Flip& flip) override;
  Result<std::vector<Flip>> recent_flips(std::int64_t job_seq, int count) override;
  Result<std::vector<Flip>> pending_alerts() override;
  Result<void> update_alert(const Flip& flip) override;

 private:
  Result<void> update_job_row(std::int64_t job_seq, const std::string& sql, const Params& params);
  Result<std::optional<Job>> find_job_where(const std::string& sql, const Params& params);
  Result<std::optional<Run>> find_run_where(const std::string& sql, std::int64_t value);
  Result<std::optional<JobWithLastRun>> find_with_last_run_where(const std::string& condition,
                                                                 const Params& params);
  Result<std::optional<Flip>> one_flip(const std::string& sql, const Params& params);
  Result<std::vector<Flip>> flips(const std::string& sql, const Params& params);

  Connection& connection_;
};

class PgPingStore final : public PingStore {
 public:
  explicit PgPingStore(Connection& connection) : connection_(connection) {}

  Result<std::optional<std::int64_t>> job_seq_for_uuid(std::string_view uuid) override;
  Result<Ping> insert_ping(const Ping& ping, int keep) override;
  Result<std::optional<Ping>> find_start(std::int64_t job_seq, std::string_view rid) override;
  Result<Page<Ping>> list_pings(std::int64_t job_seq, PageRequest page) override;

 private:
  Connection& connection_;
};

}  // namespace certcron::store::pg
