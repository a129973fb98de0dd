#include "core/run_service.hpp"

#include "core/job_schedule.hpp"
#include "core/job_service.hpp"
#include "util/time.hpp"

namespace certcron {

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
  auto slot = schedule->latest_fire_between(not_before, now);
  if (!slot) {
    why = "no slot of " + job.id() + " is due at " + util::format_rfc3339(now);
    return std::optional<Seconds>{};
  }
  auto taken = jobs_.has_run_for_slot(job.seq, *slot);
  if (!taken) {
    return fail(taken.error());
  }
  if (*taken) {
    why = "the slot " + util::format_rfc3339(*slot) + " of " + job.id() + " already has a run";
    return std::optional<Seconds>{};
  }
  return slot;
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
    auto inserted = jobs_.insert_run(run);
    if (!inserted) {
      return fail(inserted.error());
    }
    started = *inserted;
    if (dry_run) {
      return {};  // a rehearsal is not a ping
    }
    Job pinged = job;
    pinged.latest_result = LatestResult::ping_starting;
    pinged.latest_ping_at = started.started_at;
    return jobs_.update_job(pinged);
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
    auto job = jobs_.find_job(run.job_id());
    if (!job) {
      return fail(job.error());
    }
    if (!*job) {
      return {};  // deleted while it ran: nothing left to mark
    }
    Job pinged = **job;
    pinged.latest_result =
        run.status == RunStatus::success ? LatestResult::ping_finished : LatestResult::ping_failed;
    pinged.latest_ping_at = *run.completed_at;
    return jobs_.update_job(pinged);
  });
  if (!done) {
    return fail(done.error());
  }
  return run;
}

Result<ExecuteOutcome> RunService::execute(const ExecuteRequest& request,
                                           reminders::Delivery& delivery,
                                           const reminders::ReminderConfig& config,
                                           const reminders::CheckOptions& hooks) {
  auto job = require_job(jobs_, request.job);
  if (!job) {
    return fail(job.error());
  }
  std::optional<Seconds> slot;
  if (request.scheduled) {
    if (!job->definition.enabled) {
      return ExecuteOutcome{std::nullopt, job->id() + " is disabled"};
    }
    std::string why;
    auto due = due_slot(*job, why);
    if (!due) {
      return fail(due.error());
    }
    if (!*due) {
      return ExecuteOutcome{std::nullopt, why};
    }
    slot = *due;
  }
  auto zone = schedule::TimeZone::locate(job->definition.server_timezone);
  if (!zone) {
    return fail(zone.error());
  }
  auto run = start(*job, request.trigger, slot, request.dry_run);
  if (!run) {
    // Two cron lines firing for one slot: the second finds the slot taken and stays quiet.
    if (slot && run.error().kind == ErrorKind::conflict) {
      auto taken = jobs_.has_run_for_slot(job->seq, *slot);
      if (taken && *taken) {
        return ExecuteOutcome{std::nullopt, "the slot " + util::format_rfc3339(*slot) +
                                                " of " + job->id() + " already has a run"};
      }
    }
    return fail(run.error());
  }
  reminders::CheckOptions options = hooks;
  options.now = run->started_at;
  options.dry_run = request.dry_run;
  options.run_seq = run->seq;
  auto result = reminders::run_expiry_check(reminders_, delivery, config, *zone, options);
  auto finished = finish(*run, result);
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
