#pragma once

// The monitoring pass (`certcron check`, run from the crontab every five minutes): notices
// runs whose process died and jobs whose latest slot passed its grace time without a run.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/run_liveness.hpp"
#include "core/store.hpp"

#include <string>
#include <vector>

namespace certcron {

struct LateJob {
  Job job;
  Seconds slot{};  // the slot that has no run
  bool newly_late = false;  // marked checkRanTooLate by this pass
};

struct MonitorReport {
  int jobs_checked = 0;
  std::vector<Run> abandoned;  // marked abandoned by this pass
  std::vector<LateJob> late;
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
  // Whether the job is late, decided and marked checkRanTooLate in one write transaction.
  Result<std::optional<LateJob>> confirm_late(std::int64_t job_seq);

  JobStore& store_;
  const Clock& clock_;
  RunLiveness liveness_;
};

}  // namespace certcron
