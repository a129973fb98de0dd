#pragma once

// The job and run store as the core sees it. The SQLite adapter (store/) implements it; the
// CLI, the HTTP server and tests share this one behaviour.

#include "core/error.hpp"
#include "core/job.hpp"

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace certcron {

struct PageRequest {
  int page = 1;    // from 1
  int limit = 20;  // 1..100
};

template <class T>
struct Page {
  std::vector<T> items;
  int page = 1;
  int limit = 20;
  std::int64_t total = 0;
};

enum class JobStatusFilter { any, active, disabled };

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Runs `work` inside one write transaction (taken immediately, so concurrent writers queue
  // on the busy timeout instead of failing half-way); commits when it returns a value, rolls
  // back when it returns an error or throws.
  virtual Result<void> in_transaction(const std::function<Result<void>()>& work) = 0;
  // Runs `work` inside one read transaction: its queries see one snapshot, and the database
  // locks are taken once rather than once per query. `work` must not write.
  virtual Result<void> in_read_transaction(const std::function<Result<void>()>& work) = 0;

  // The database's identity: a random id created with the database, used in the crontab
  // block markers so two databases never share a block.
  virtual Result<std::string> identity() = 0;
  virtual std::string path() const = 0;

  // A duplicate name is ErrorKind::validation on field "name".
  virtual Result<Job> insert_job(const JobDefinition& definition, Seconds now) = 0;
  virtual Result<void> update_job(const Job& job) = 0;
  virtual Result<void> delete_job(std::int64_t job_seq) = 0;  // runs go with it
  // By "cron-001" (or "cron-1") first, then by name.
  virtual Result<std::optional<Job>> find_job(std::string_view id_or_name) = 0;
  virtual Result<std::optional<Job>> find_job_by_name(std::string_view name) = 0;
  virtual Result<Page<Job>> list_jobs(JobStatusFilter filter, PageRequest page) = 0;
  virtual Result<std::vector<Job>> all_jobs() = 0;

  // Starts a run. Refused with ErrorKind::conflict when the job already has a running run
  // (the message names it) or, for a scheduled run, when a run for that slot exists.
  virtual Result<Run> insert_run(const Run& run) = 0;
  virtual Result<void> update_run(const Run& run) = 0;
  virtual Result<std::optional<Run>> find_run(std::int64_t run_seq) = 0;
  virtual Result<std::optional<Run>> running_run(std::int64_t job_seq) = 0;
  virtual Result<std::optional<Run>> last_run(std::int64_t job_seq) = 0;
  // The latest run of each of these jobs, by job seq, in one query; jobs that never ran are
  // absent.
  virtual Result<std::map<std::int64_t, Run>> last_runs(std::span<const std::int64_t> job_seqs) = 0;
  virtual Result<bool> has_run_for_slot(std::int64_t job_seq, Seconds slot) = 0;
  virtual Result<Page<Run>> list_runs(std::int64_t job_seq, std::optional<RunStatus> status,
                                      PageRequest page) = 0;
};

}  // namespace certcron
