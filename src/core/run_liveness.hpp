#pragma once

// Noticing runs whose process died (killed, power lost): such a run stays `running` in the
// database until someone looks; whoever looks first marks it abandoned.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/store.hpp"

#include <cstdint>
#include <functional>

namespace certcron {

// Whether the process that started a run is still alive: on the real system kill(pid, 0),
// and the same start time when one was recorded (pid_start 0: not compared).
using ProcessAlive = std::function<bool(std::int64_t pid, std::int64_t pid_start)>;

struct RunLiveness {
  ProcessAlive alive;
  std::int64_t own_pid = 0;  // this process: its own runs are alive by definition
  std::int64_t own_pid_start = 0;
};

// `run` as it really is: when it is running but its process is gone, it is marked abandoned
// (and the job's latest result checkFailed) in the store and returned so.
Result<Run> settle_run(JobStore& store, const Clock& clock, const RunLiveness& liveness, Run run);

}  // namespace certcron
