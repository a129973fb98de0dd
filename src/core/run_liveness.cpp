#include "core/run_liveness.hpp"

namespace certcron {

Result<Run> settle_run(JobStore& store, const Clock& clock, const RunLiveness& liveness, Run run) {
  const bool own = run.pid == liveness.own_pid &&
                   (run.pid_start == 0 || run.pid_start == liveness.own_pid_start);
  if (run.status != RunStatus::running || own ||
      (liveness.alive && liveness.alive(run.pid, run.pid_start))) {
    return run;
  }
  run.status = RunStatus::abandoned;
  run.completed_at = clock.now();
  run.error_message = "the process running it (pid " + std::to_string(run.pid) +
                      ") ended before the run finished; the next run delivers what it did not";
  auto done = store.in_transaction([&]() -> Result<void> {
    if (auto updated = store.update_run(run); !updated) {
      return updated;
    }
    auto job = store.find_job(run.job_id());
    if (!job) {
      return fail(job.error());
    }
    if (!*job || run.dry_run) {
      return {};
    }
    Job marked = **job;
    marked.latest_result = LatestResult::check_failed;
    return store.update_job(marked);
  });
  if (!done) {
    return fail(done.error());
  }
  return run;
}

}  // namespace certcron
