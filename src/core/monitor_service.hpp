#pragma once

// The monitoring pass (`certcron check`, run from the crontab every five minutes): notices
// runs whose process died, jobs whose latest slot passed its grace time without a run, and
// runs going on longer than their job's max_runtime_in_minutes. Each change of a job's state
// is recorded as a flip (core/alerts.hpp), which is what alerts are sent from.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/flip.hpp"
#include "core/job.hpp"
#include "core/run_liveness.hpp"
#include "core/store.hpp"

#include <string>
#include <vector>

namespace certcron {

struct LateJob {
  Job job;
  Seconds slot{};           // the latest slot that has no run
  bool newly_late = false;  // this pass flipped the job to late
};

struct LongRunningJob {
  Job job;
  std::optional<Run> run;  // none when only a `starting` ping says it runs
  Seconds since{};
  bool newly_flagged = false;  // this pass flipped the job to running too long
};

struct MonitorReport {
  int jobs_checked = 0;
  std::vector<Run> abandoned;  // marked abandoned by this pass
  std::vector<LateJob> late;
  std::vector<LongRunningJob> running_too_long;
  std::vector<Flip> flips;  // recorded by this pass
};

// How far back a missed slot is still reported.
inline constexpr std::chrono::days kLateLookback{7};

class MonitorService {
 public:
  MonitorService(JobStore& store, const Clock& clock, RunLiveness liveness)
      : store_(store), clock_(clock), liveness_(std::move(liveness)) {}

  Result<MonitorReport> check();

 private:
  Result<std::optional<LateJob>> late_slot(const Job& job);
  // Whether the job is late, decided and recorded (flip, latest_result) in one write
  // transaction.
  Result<std::optional<LateJob>> confirm_late(std::int64_t job_seq, MonitorReport& report);
  Result<void> check_runtime(const Job& job, const std::optional<Run>& running,
                             MonitorReport& report);

  JobStore& store_;
  const Clock& clock_;
  RunLiveness liveness_;
};

}  // namespace certcron
