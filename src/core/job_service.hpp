#pragma once

// The job lifecycle (create, update, delete, show, list) as one behaviour shared by the CLI
// and the HTTP API: validation in the seed's per-field shape, one transaction per change, and
// the crontab following every change.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/run_liveness.hpp"
#include "core/schedule/schedule_cache.hpp"
#include "core/store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace certcron {

// Installs the crontab lines for the given jobs (all of them; disabled ones get no line).
// Called inside the database transaction of a change: if it fails, the change is rolled back.
class CrontabSync {
 public:
  virtual ~CrontabSync() = default;
  virtual Result<void> install(const std::vector<Job>& jobs) = 0;
};

// A field-by-field change; unset fields stay as they are.
struct JobChanges {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> cron_expression;
  std::optional<int> frequency_in_minutes;
  std::optional<int> grace_time_in_minutes;
  std::optional<std::string> server_timezone;
  std::optional<bool> enabled;
  // Set to a value, or (an empty inner value) back to none.
  std::optional<std::optional<int>> max_runtime_in_minutes;
  std::optional<bool> catch_up;
};

// A job with what is derived from it and its runs, as `show` and the API present it.
struct JobDetails {
  Job job;
  std::optional<Run> last_run;
  std::optional<Seconds> next_run_at;  // none while disabled or unschedulable
  std::string human_readable_cron_expression;
  // Why the stored definition no longer gives a schedule (a zone removed by a tzdata
  // update); empty when it does. next_run_at is none then.
  std::string schedule_error;
};

constexpr int kMinGraceMinutes = 1;
constexpr int kMaxGraceMinutes = 10080;
constexpr int kDefaultGraceMinutes = 5;
constexpr int kMinMaxRuntimeMinutes = 1;
constexpr int kMaxMaxRuntimeMinutes = 10080;
constexpr int kMinSnoozeMinutes = 1;
constexpr int kMaxSnoozeMinutes = 144000;

// Whether a change of definition changes what is monitored (the schedule, the grace time, the
// zone, enabled, the runtime limit), so that the job is marked cronCheckChanged; its name,
// description and catch_up are not.
bool monitoring_changed(const JobDefinition& before, const JobDefinition& after);

// Rewrites the crontab lines of every job from the store, inside the caller's transaction so
// that a crontab failure rolls the change back; nothing when there is no crontab.
Result<void> install_crontab_lines(JobStore& store, CrontabSync* crontab);

// Runs `change`, which ends with install_crontab_lines, in one write transaction. When the
// commit itself fails after the crontab was written (a full disk), the crontab is written
// again from the jobs as they stayed, so that it holds no line of a change that was not made.
Result<void> change_jobs(JobStore& store, CrontabSync* crontab,
                         const std::function<Result<void>()>& change);

// The job with this id or name; ErrorKind::not_found saying how to list jobs otherwise.
Result<Job> require_job(JobStore& store, std::string_view id_or_name);

// Checks every field, collecting all problems (not just the first).
Result<void> validate_definition(const JobDefinition& definition);

class JobService {
 public:
  JobService(JobStore& store, const Clock& clock, CrontabSync* crontab, RunLiveness liveness)
      : store_(store), clock_(clock), crontab_(crontab), liveness_(std::move(liveness)) {}

  Result<JobDetails> create(const JobDefinition& definition);
  Result<JobDetails> update(std::string_view id_or_name, const JobChanges& changes);
  Result<Job> remove(std::string_view id_or_name);
  // Silences the job's alerts for `minutes` (1..144000) from now, replacing any snooze; the
  // snooze ends by itself. Not a definition change: updated_at and the crontab stay.
  Result<JobDetails> snooze(std::string_view id_or_name, int minutes);
  Result<JobDetails> unsnooze(std::string_view id_or_name);
  Result<JobDetails> show(std::string_view id_or_name);
  Result<Page<JobDetails>> list(JobStatusFilter filter, PageRequest page);
  Result<Job> find(std::string_view id_or_name);
  Result<JobDetails> details(const Job& job);
  // The same, with the job's last run already read.
  Result<JobDetails> details(Job job, std::optional<Run> last_run);

 private:
  Result<void> install_crontab();

  JobStore& store_;
  const Clock& clock_;
  CrontabSync* crontab_;
  RunLiveness liveness_;
  // A page's jobs mostly share their schedules: each is parsed and described once.
  schedule::ScheduleCache schedules_;
};

// "page must be at least 1", "limit must be between 1 and 100".
Result<PageRequest> validate_page(int page, int limit);

}  // namespace certcron
