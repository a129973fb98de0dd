#include "core/run_liveness.hpp"

#include "core/alerts.hpp"
#include "util/time.hpp"

namespace certcron {
namespace {

bool foreign(const RunLiveness& liveness, const Run& run) {
  return !run.owner.empty() && run.owner != liveness.owner;
}

// A run of another owner: alive until its lease ends by the database's clock (this host's
// when the database has none of its own). A run without a lease is never taken over.
Result<bool> lease_holds(JobStore& store, const Clock& clock, const Run& run) {
  if (!run.lease_until) {
    return true;
  }
  auto now = store.database_time();
  if (!now) {
    return fail(now.error());
  }
  return *run.lease_until >= now->value_or(clock.now());
}

bool still_alive(const RunLiveness& liveness, const Run& run) {
  const bool own = run.pid == liveness.own_pid &&
                   (run.pid_start == 0 || run.pid_start == liveness.own_pid_start);
  return own || (liveness.alive && liveness.alive(run.pid, run.pid_start));
}

}  // namespace

Result<Run> settle_run(JobStore& store, const Clock& clock, const RunLiveness& liveness, Run run) {
  if (run.status != RunStatus::running) {
    return run;
  }
  if (foreign(liveness, run)) {
    auto holds = lease_holds(store, clock, run);
    if (!holds) {
      return fail(holds.error());
    }
    if (*holds) {
      return run;
    }
  } else if (still_alive(liveness, run)) {
    return run;
  }
  auto done = store.in_transaction([&]() -> Result<void> {
    // The copy may be stale: the run may have finished (or been abandoned by another
    // process) since it was read, and that outcome must not be overwritten.
    auto current = store.find_run(run.seq);
    if (!current) {
      return fail(current.error());
    }
    if (!*current || (*current)->status != RunStatus::running) {
      run = current->value_or(run);
      return {};
    }
    run = **current;
    run.status = RunStatus::abandoned;
    run.completed_at = clock.now();
    run.error_message =
        foreign(liveness, run)
            ? "its owner " + run.owner + " stopped holding its claim (the lease ended " +
                  util::format_rfc3339(*run.lease_until) +
                  "); the next run delivers what it did not"
            : "the process running it (pid " + std::to_string(run.pid) +
                  ") ended before the run finished; the next run delivers what it did not";
    if (auto updated = store.update_run(run); !updated) {
      return updated;
    }
    if (run.dry_run) {
      return {};
    }
    auto marked = store.record_monitoring(run.job_seq, LatestResult::check_failed, std::nullopt);
    if (!marked && marked.error().kind == ErrorKind::not_found) {
      return {};  // the job was deleted meanwhile: nothing left to mark
    }
    if (!marked) {
      return marked;
    }
    FlipEvent event{MonitorState::failed, run.id() + " abandoned: " + run.error_message,
                    run.scheduled_for, run.seq};
    auto flipped = record_flip(store, run.job_seq, event, *run.completed_at);
    return flipped ? Result<void>{} : fail(flipped.error());
  });
  if (!done) {
    return fail(done.error());
  }
  return run;
}

}  // namespace certcron
