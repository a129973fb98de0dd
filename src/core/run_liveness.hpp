#pragma once

// Noticing runs whose process died (killed, power lost): such a run stays `running` in the
// database until someone looks; whoever looks first marks it abandoned.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/store.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

namespace certcron {

// Whether the process that started a run is still alive: on the real system kill(pid, 0),
// and the same start time when one was recorded (pid_start 0: not compared).
using ProcessAlive = std::function<bool(std::int64_t pid, std::int64_t pid_start)>;

struct RunLiveness {
  RunLiveness() = default;
  RunLiveness(ProcessAlive alive_, std::int64_t own_pid_ = 0, std::int64_t own_pid_start_ = 0,
              std::string owner_ = {}, std::chrono::seconds lease_ = std::chrono::seconds{900})
      : alive(std::move(alive_)),
        own_pid(own_pid_),
        own_pid_start(own_pid_start_),
        owner(std::move(owner_)),
        lease(lease_) {}

  ProcessAlive alive;
  std::int64_t own_pid = 0;  // this process: its own runs are alive by definition
  std::int64_t own_pid_start = 0;
  // Runs of another owner (another host) cannot be asked about: they are alive while their
  // lease holds by the database's clock. The runs this process starts get this owner and a
  // lease this long.
  std::string owner;
  std::chrono::seconds lease{900};
};

// `run` as it really is: when it is running but its process is gone (on this host), or its
// lease passed (another owner's), it is marked abandoned (and the job's latest result
// checkFailed) in the store and returned so.
Result<Run> settle_run(JobStore& store, const Clock& clock, const RunLiveness& liveness, Run run);

}  // namespace certcron
