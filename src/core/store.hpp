#pragma once

// The job and run store as the core sees it. The SQLite adapter (store/) implements it; the
// CLI, the HTTP server and tests share this one behaviour.

#include "core/error.hpp"
#include "core/flip.hpp"
#include "core/job.hpp"

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace certcron {

struct PageRequest {
  int page = 1;    // from 1; any page past the end is simply empty
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

struct JobWithLastRun {
  Job job;
  std::optional<Run> last_run;  // none when the job never ran
};

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
  // What the database is, for messages: a path, or a URL without its password.
  virtual std::string path() const = 0;
  // The database's clock when several hosts share the database (PostgreSQL): leases are
  // compared against it, so hosts whose clocks disagree still agree on when a lease ends.
  // nullopt for a database on this host only (SQLite), where this host's clock is the one.
  virtual Result<std::optional<Seconds>> database_time() = 0;

  // A duplicate name is ErrorKind::validation on field "name".
  virtual Result<Job> insert_job(const JobDefinition& definition, Seconds now) = 0;

  // A job row is written by several parties at once (an administrator's update, a snooze,
  // runs started by cron and by the server, the monitoring pass), each from a copy of the
  // job it read earlier. So there is no whole-row write: each operation below writes only
  // its own columns, and a change made by another party to the other columns, even after
  // the caller read its copy, is kept. A decision that depends on the current value of a
  // column (is the job already marked late?) must read it inside the write transaction.
  // Each is ErrorKind::not_found when the job no longer exists.

  // The administrator's definition and updated_at; with `mark`, also latest_result (an
  // update that changes the schedule marks the job cronCheckChanged). latest_ping_at and
  // the snooze are left as they are. A duplicate name is ErrorKind::validation on "name".
  virtual Result<void> update_definition(std::int64_t job_seq, const JobDefinition& definition,
                                         Seconds updated_at, std::optional<LatestResult> mark) = 0;
  // The monitoring state: latest_result, and latest_ping_at when `ping_at` is given
  // (nullopt leaves it as it is). The definition, updated_at and the snooze are left alone.
  virtual Result<void> record_monitoring(std::int64_t job_seq, LatestResult result,
                                         std::optional<Seconds> ping_at) = 0;
  // Sets (or with nullopt, lifts) the snooze, and nothing else; not a definition change, so
  // updated_at stays.
  virtual Result<void> set_snooze(std::int64_t job_seq, std::optional<Snooze> snooze) = 0;

  virtual Result<void> delete_job(std::int64_t job_seq) = 0;  // runs go with it
  // By "cron-001" (or "cron-1") first, then by name.
  virtual Result<std::optional<Job>> find_job(std::string_view id_or_name) = 0;
  // find_job's job with what last_run gives for it, read by one query.
  virtual Result<std::optional<JobWithLastRun>> find_job_with_last_run(
      std::string_view id_or_name) = 0;
  // By sequence only: for re-reading a job inside a transaction, where a name must not stand
  // in for a job deleted meanwhile.
  virtual Result<std::optional<Job>> find_job_by_seq(std::int64_t job_seq) = 0;
  virtual Result<std::optional<Job>> find_job_by_name(std::string_view name) = 0;
  // A page of jobs in id order, each with what last_run gives for it, and the total the
  // filter matches: one snapshot (one query unless the page is past the end).
  virtual Result<Page<JobWithLastRun>> list_jobs(JobStatusFilter filter, PageRequest page) = 0;
  virtual Result<std::vector<Job>> all_jobs() = 0;

  // Starts a run. Refused with ErrorKind::conflict when the job already has a running run
  // (the message names it) or, for a scheduled run, when a run for that slot exists. When
  // the running run cannot be read to name it, that error is returned instead.
  virtual Result<Run> insert_run(const Run& run) = 0;
  virtual Result<void> update_run(const Run& run) = 0;
  virtual Result<std::optional<Run>> find_run(std::int64_t run_seq) = 0;
  virtual Result<std::optional<Run>> running_run(std::int64_t job_seq) = 0;
  virtual Result<std::optional<Run>> last_run(std::int64_t job_seq) = 0;
  virtual Result<bool> has_run_for_slot(std::int64_t job_seq, Seconds slot) = 0;
  // Moves the end of running run `run_seq`'s lease to `lease` after now: the database's clock
  // where it has one, else `now`. Gives false, changing nothing, when the run is not running
  // any more (it ended, or another host took it over).
  virtual Result<bool> renew_lease(std::int64_t run_seq, std::chrono::seconds lease,
                                   Seconds now) = 0;
  virtual Result<Page<Run>> list_runs(std::int64_t job_seq, std::optional<RunStatus> status,
                                      PageRequest page) = 0;

  // Flips of the monitoring state (core/flip.hpp). The newest flip's `to` is the job's state;
  // a job without flips is up.
  virtual Result<std::optional<Flip>> latest_flip(std::int64_t job_seq) = 0;
  // `flip` as given (its seq is ignored); returns it with its seq.
  virtual Result<Flip> insert_flip(const Flip& flip) = 0;
  // Newest first, at most `count`.
  virtual Result<std::vector<Flip>> recent_flips(std::int64_t job_seq, int count) = 0;
  // Every flip whose alert is pending, oldest first.
  virtual Result<std::vector<Flip>> pending_alerts() = 0;
  // The alert columns of one flip (alert, attempts, alert_error, alerted_at).
  virtual Result<void> update_alert(const Flip& flip) = 0;
};

}  // namespace certcron
