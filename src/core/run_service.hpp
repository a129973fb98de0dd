#pragma once

// Runs of the expiry check: starting one (at most one running per job, one per scheduled
// slot), finishing it, noticing runs whose process died, and listing them. Shared by
// `certcron execute`/`runs` and the HTTP API.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/reminders/config.hpp"
#include "core/reminders/delivery.hpp"
#include "core/reminders/expiry_check.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/run_liveness.hpp"
#include "core/store.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace certcron {

struct ExecuteRequest {
  std::string job;  // id or name
  RunTrigger trigger = RunTrigger::manual;
  bool dry_run = false;
  // Run only when a slot of the job's own schedule is due now (cron's entry point): the
  // latest slot at or before now, no older than the grace time, not before the job existed,
  // and with no run yet.
  bool scheduled = false;
  // For trigger catch_up: the missed slot the run stands in for. One run per slot holds for
  // it too, so two check passes never catch up the same slot twice.
  std::optional<Seconds> catch_up_slot{};
};

// How far before its slot a scheduled run may start and still run that slot (when the slot
// before it is done): hosts whose clocks are up to this far apart run the same slots.
inline constexpr std::chrono::seconds kEarlyStartTolerance{30};
// A host whose clock is further than this off the database's is told so.
inline constexpr std::chrono::seconds kClockSkewWarning{30};

// A warning when `host_now` is more than kClockSkewWarning off `database_now`; empty when it
// is not, or when the database has no clock of its own (nullopt).
std::string clock_skew_warning(Seconds host_now, std::optional<Seconds> database_now);

struct ExecuteOutcome {
  std::optional<Run> run;  // the finished run; none when a scheduled execute had nothing due
  std::string skipped;     // why nothing ran (scheduled only)
  // What went wrong beside the run, which is recorded all the same (its line in the run log).
  std::vector<std::string> warnings{};
};

struct ClaimOutcome {
  std::optional<Run> run;  // the started (running) run; none when nothing was due
  std::string skipped;     // why nothing was started (scheduled only)
};

class RunService {
 public:
  RunService(JobStore& jobs, reminders::ReminderStore& reminders, const Clock& clock,
             RunLiveness liveness)
      : jobs_(jobs), reminders_(reminders), clock_(clock), liveness_(std::move(liveness)) {}

  // Starts, runs and finishes the check for one job: claim() then complete(). A run that
  // fails (delivery errors, a database error mid-run) is recorded as failed and returned, not
  // as an error; errors are for what prevented a run: unknown job, already running
  // (conflict), database busy.
  Result<ExecuteOutcome> execute(const ExecuteRequest& request, reminders::Delivery& delivery,
                                 const reminders::ReminderConfig& config,
                                 const reminders::CheckOptions& hooks = {});

  // The first half of execute, quick enough to answer a request before the check runs:
  // resolves the job and, for a scheduled request, its due slot, then starts the run. The
  // started run must then be completed or aborted by this process (its pid holds the run).
  // ErrorKind::conflict when the job is already running; a scheduled request whose slot is
  // not due or already taken (a second cron line) is skipped, with the reason.
  Result<ClaimOutcome> claim(const ExecuteRequest& request);
  // The second half: runs the check for a claimed run and finishes it (see execute).
  Result<Run> complete(Run started, reminders::Delivery& delivery,
                       const reminders::ReminderConfig& config,
                       const reminders::CheckOptions& hooks = {});
  // Finishes a claimed run as failed with `why` as its error, without running the check
  // (the worker that was to complete it could not).
  Result<Run> abort(Run started, std::string why);

  // The slot a scheduled execute would run for now, if any (see ExecuteRequest::scheduled);
  // without one, `why` says why not.
  Result<std::optional<Seconds>> due_slot(const Job& job, std::string& why);

  // Marks the job's running runs whose process is gone as abandoned. Returns how many.
  Result<int> reap_abandoned(const Job& job);

  Result<Page<Run>> runs(std::string_view job, std::optional<RunStatus> status,
                         PageRequest page);

  // Starts a run (one transaction): reaps abandoned runs first, then inserts the run as
  // running and marks the job pingStarting. ErrorKind::conflict when one is running.
  Result<Run> start(const Job& job, RunTrigger trigger, std::optional<Seconds> slot,
                    bool dry_run);
  // Finishes a run (one transaction): its status and result, and the job's latest result.
  Result<Run> finish(Run run, const Result<RunResult>& outcome);

 private:
  // The expiry check for a claimed run, in its job's current zone.
  Result<RunResult> run_check(const Run& started, reminders::Delivery& delivery,
                              const reminders::ReminderConfig& config,
                              const reminders::CheckOptions& hooks);

  JobStore& jobs_;
  reminders::ReminderStore& reminders_;
  const Clock& clock_;
  RunLiveness liveness_;
};

}  // namespace certcron
