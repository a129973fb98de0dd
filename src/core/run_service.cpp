#include "core/run_service.hpp"

#include "core/alerts.hpp"
#include "core/job_schedule.hpp"
#include "core/job_service.hpp"
#include "util/time.hpp"

namespace certcron {

std::string clock_skew_warning(Seconds host_now, std::optional<Seconds> database_now) {
  if (!database_now) {
    return "";
  }
  const auto off = host_now - *database_now;
  if (off <= kClockSkewWarning && -off <= kClockSkewWarning) {
    return "";
  }
  return "this host's clock is " + std::to_string(off.count() > 0 ? off.count() : -off.count()) +
         " s " + (off.count() > 0 ? "ahead of" : "behind") +
         " the database's: slots are chosen by this host's clock, so it may run a slot early or "
         "late; synchronise it (e.g. systemd-timesyncd or chrony)";
}

Result<std::optional<Seconds>> RunService::due_slot(const Job& job, std::string& why) {
  auto schedule = schedule_for(job.definition);
  if (!schedule) {
    return fail(schedule.error());
  }
  const Seconds now = clock_.now();
  // A slot is due when it is no older than the grace time (a slot exactly that old still
  // counts) and not before the job existed: latest_fire_between excludes its lower bound.
  Seconds not_before = now - std::chrono::minutes{job.definition.grace_time_in_minutes} -
                       std::chrono::seconds{1};
  not_before = std::max(not_before, job.created_at - std::chrono::seconds{1});
  // The latest slot at or before now, unless it has a run already; then a slot just ahead: a
  // process started a little before its slot (this host's clock behind the one that fired
  // it: another host's cron, Kubernetes' controller) still runs that slot. The slot ahead is
  // taken only when the latest slot is not due or has its run, so a late process never takes
  // the next slot in place of its own.
  const auto slot = schedule->latest_fire_between(not_before, now);
  const auto ahead =
      schedule->latest_fire_between(std::max(now, not_before), now + kEarlyStartTolerance);
  for (const auto& candidate : {slot, ahead}) {
    if (!candidate) {
      continue;
    }
    auto taken = jobs_.has_run_for_slot(job.seq, *candidate);
    if (!taken) {
      return fail(taken.error());
    }
    if (!*taken) {
      return candidate;
    }
  }
  const auto last = ahead ? ahead : slot;
  if (last) {
    why = "the slot " + util::format_rfc3339(*last) + " of " + job.id() + " already has a run";
  } else {
    why = "no slot of " + job.id() + " is due at " + util::format_rfc3339(now);
  }
  return std::optional<Seconds>{};
}

Result<int> RunService::reap_abandoned(const Job& job) {
  auto running = jobs_.running_run(job.seq);
  if (!running) {
    return fail(running.error());
  }
  if (!*running) {
    return 0;
  }
  auto settled = settle_run(jobs_, clock_, liveness_, **running);
  if (!settled) {
    return fail(settled.error());
  }
  return settled->status == RunStatus::abandoned ? 1 : 0;
}

Result<Run> RunService::start(const Job& job, RunTrigger trigger, std::optional<Seconds> slot,
                              bool dry_run) {
  // Settled before the transaction: marking a dead run abandoned is a change of its own.
  if (auto reaped = reap_abandoned(job); !reaped) {
    return fail(reaped.error());
  }
  // The lease is counted on the database's clock, which every host compares against.
  auto database_now = jobs_.database_time();
  if (!database_now) {
    return fail(database_now.error());
  }
  const Seconds lease_from = database_now->value_or(clock_.now());
  Run started;
  auto done = jobs_.in_transaction([&]() -> Result<void> {
    Run run;
    run.job_seq = job.seq;
    run.trigger = trigger;
    run.scheduled_for = slot;
    run.started_at = clock_.now();
    run.dry_run = dry_run;
    run.pid = liveness_.own_pid;
    run.pid_start = liveness_.own_pid_start;
    run.owner = liveness_.owner;
    run.lease_until = lease_from + liveness_.lease;
    auto inserted = jobs_.insert_run(run);
    if (!inserted) {
      return fail(inserted.error());
    }
    started = *inserted;
    if (dry_run) {
      return {};  // a rehearsal is not a ping
    }
    // Only the monitoring columns: `job` may be older than a concurrent update or snooze.
    return jobs_.record_monitoring(job.seq, LatestResult::ping_starting, started.started_at);
  });
  if (!done) {
    return fail(done.error());
  }
  return started;
}

Result<Run> RunService::finish(Run run, const Result<RunResult>& outcome) {
  run.completed_at = clock_.now();
  if (outcome) {
    run.result = *outcome;
    run.status = outcome->errors == 0 ? RunStatus::success : RunStatus::failed;
    if (outcome->errors > 0) {
      run.error_message = std::to_string(outcome->errors) +
                          " reminder(s) could not be delivered; the next run retries them";
      if (!outcome->first_error.empty()) {
        run.error_message += " (first: " + outcome->first_error + ")";
      }
    }
  } else {
    run.status = RunStatus::failed;
    run.error_message = describe(outcome.error());
  }
  auto done = jobs_.in_transaction([&]() -> Result<void> {
    if (auto updated = jobs_.update_run(run); !updated) {
      return fail(updated.error());
    }
    if (run.dry_run) {
      return {};
    }
    const LatestResult result =
        run.status == RunStatus::success ? LatestResult::ping_finished : LatestResult::ping_failed;
    auto marked = jobs_.record_monitoring(run.job_seq, result, *run.completed_at);
    if (!marked && marked.error().kind == ErrorKind::not_found) {
      return {};  // deleted while it ran: nothing left to mark
    }
    if (!marked) {
      return marked;
    }
    const bool ok = run.status == RunStatus::success;
    FlipEvent event{ok ? MonitorState::up : MonitorState::failed,
                    run.id() + (ok ? " succeeded" : " failed: " + run.error_message),
                    run.scheduled_for, run.seq};
    auto flipped = record_flip(jobs_, run.job_seq, event, *run.completed_at);
    return flipped ? Result<void>{} : fail(flipped.error());
  });
  if (!done && !outcome) {
    // The end of a run that stopped on an error could not be recorded either (a full disk):
    // the run's own error says what happened to the reminders, so it comes first.
    return fail(Error{outcome.error().kind,
                      outcome.error().message + "; the run's end could not be recorded (" +
                          done.error().message + ")",
                      {}});
  }
  if (!done) {
    return fail(done.error());
  }
  return run;
}

Result<ClaimOutcome> RunService::claim(const ExecuteRequest& request) {
  auto job = require_job(jobs_, request.job);
  if (!job) {
    return fail(job.error());
  }
  std::optional<Seconds> slot;
  if (request.scheduled) {
    if (!job->definition.enabled) {
      return ClaimOutcome{std::nullopt, job->id() + " is disabled"};
    }
    std::string why;
    auto due = due_slot(*job, why);
    if (!due) {
      return fail(due.error());
    }
    if (!*due) {
      return ClaimOutcome{std::nullopt, why};
    }
    slot = *due;
  } else if (request.trigger == RunTrigger::catch_up) {
    slot = request.catch_up_slot;
  }
  // A job whose zone is gone (a tzdata update) is refused before a run is started for it.
  if (auto zone = schedule::TimeZone::locate(job->definition.server_timezone); !zone) {
    return fail(zone.error());
  }
  auto run = start(*job, request.trigger, slot, request.dry_run);
  if (run) {
    return ClaimOutcome{*run, ""};
  }
  // Two cron lines firing for one slot: the second finds the slot taken and stays quiet.
  if (slot && run.error().kind == ErrorKind::conflict) {
    auto taken = jobs_.has_run_for_slot(job->seq, *slot);
    if (!taken) {
      return fail(taken.error());
    }
    if (*taken) {
      return ClaimOutcome{std::nullopt, "the slot " + util::format_rfc3339(*slot) + " of " +
                                            job->id() + " already has a run"};
    }
  }
  return fail(run.error());
}

Result<RunResult> RunService::run_check(const Run& started, reminders::Delivery& delivery,
                                        const reminders::ReminderConfig& config,
                                        const reminders::CheckOptions& hooks) {
  // Read again: the job may have changed (or gone) since the run was claimed.
  auto job = jobs_.find_job_by_seq(started.job_seq);
  if (!job) {
    return fail(job.error());
  }
  if (!*job) {
    return fail(Error::not_found("job " + started.job_id() + " was deleted before its run"));
  }
  auto zone = schedule::TimeZone::locate((*job)->definition.server_timezone);
  if (!zone) {
    return fail(zone.error());
  }
  reminders::CheckOptions options = hooks;
  // A run started a little before its slot (kEarlyStartTolerance) checks as of its slot: a
  // nightly run at midnight started at 23:59:45 reminds of the new day's crossings.
  options.now = started.scheduled_for ? std::max(started.started_at, *started.scheduled_for)
                                      : started.started_at;
  options.dry_run = started.dry_run;
  options.run_seq = started.seq;
  options.lease = liveness_.lease;
  options.clock = &clock_;
  // A long run renews its lease a quarter of the way through it, so that no other host
  // takes it over while it still delivers. A renewal that fails (the database unreachable
  // for a moment) is tried again after the next batch; a run that is no longer running was
  // taken over by another process, which may now claim its reminders: it stops.
  Seconds renewed = clock_.now();
  options.keep_alive = [this, &renewed, &started, hook = hooks.keep_alive]() -> Result<void> {
    if (clock_.now() - renewed >= liveness_.lease / 4) {
      auto held = jobs_.renew_lease(started.seq, liveness_.lease, clock_.now());
      if (held && !*held) {
        return fail(Error::failed("run " + started.id() +
                                  " was ended by another process while it ran (its lease of " +
                                  std::to_string(liveness_.lease.count()) +
                                  " s passed): it stops here; the next run delivers the rest"));
      }
      if (held) {
        renewed = clock_.now();
      }
    }
    return hook ? hook() : Result<void>{};
  };
  return reminders::run_expiry_check(reminders_, delivery, config, *zone, options);
}

Result<Run> RunService::complete(Run started, reminders::Delivery& delivery,
                                 const reminders::ReminderConfig& config,
                                 const reminders::CheckOptions& hooks) {
  auto result = run_check(started, delivery, config, hooks);
  return finish(std::move(started), result);
}

Result<Run> RunService::abort(Run started, std::string why) {
  return finish(std::move(started), fail(Error::failed(std::move(why))));
}

Result<ExecuteOutcome> RunService::execute(const ExecuteRequest& request,
                                           reminders::Delivery& delivery,
                                           const reminders::ReminderConfig& config,
                                           const reminders::CheckOptions& hooks) {
  auto claimed = claim(request);
  if (!claimed) {
    return fail(claimed.error());
  }
  if (!claimed->run) {
    return ExecuteOutcome{std::nullopt, claimed->skipped};
  }
  auto finished = complete(*claimed->run, delivery, config, hooks);
  if (!finished) {
    return fail(finished.error());
  }
  return ExecuteOutcome{*finished, ""};
}

Result<Page<Run>> RunService::runs(std::string_view job_name, std::optional<RunStatus> status,
                                   PageRequest page) {
  auto job = require_job(jobs_, job_name);
  if (!job) {
    return fail(job.error());
  }
  if (auto reaped = reap_abandoned(*job); !reaped) {
    return fail(reaped.error());
  }
  return jobs_.list_runs(job->seq, status, page);
}

}  // namespace certcron
