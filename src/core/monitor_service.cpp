#include "core/monitor_service.hpp"

#include "core/alerts.hpp"
#include "core/job_schedule.hpp"
#include "util/time.hpp"

namespace certcron {

Result<std::optional<LateJob>> MonitorService::late_slot(const Job& job) {
  auto schedule = schedule_for(job.definition);
  if (!schedule) {
    return fail(schedule.error());
  }
  const Seconds now = clock_.now();
  // The latest slot whose grace time is over, not before the job existed.
  const Seconds deadline = now - std::chrono::minutes{job.definition.grace_time_in_minutes};
  const Seconds not_before = std::max(now - kLateLookback, job.created_at - std::chrono::seconds{1});
  auto slot = schedule->latest_fire_between(not_before, deadline);
  if (!slot) {
    return std::optional<LateJob>{};
  }
  auto ran = store_.has_run_for_slot(job.seq, *slot);
  if (!ran) {
    return fail(ran.error());
  }
  // A run started since the slot (by hand, or by the API) also counts as the job running.
  if (*ran || (job.latest_ping_at && *job.latest_ping_at >= *slot)) {
    return std::optional<LateJob>{};
  }
  return std::optional<LateJob>{LateJob{job, *slot, false}};
}

Result<std::optional<LateJob>> MonitorService::confirm_late(std::int64_t job_seq,
                                                            MonitorReport& report) {
  std::optional<LateJob> confirmed;
  auto done = store_.in_transaction([&]() -> Result<void> {
    // Decided again on the job as it is now, under the write lock: since the pass read it, a
    // run may have started, the schedule may have changed, or another pass may have marked it.
    auto current = store_.find_job_by_seq(job_seq);
    if (!current) {
      return fail(current.error());
    }
    if (!*current || !(*current)->definition.enabled) {
      return {};
    }
    auto late = late_slot(**current);
    if (!late) {
      return fail(late.error());
    }
    if (!*late) {
      return {};
    }
    confirmed = **late;
    Job& job = confirmed->job;
    FlipEvent event{MonitorState::late,
                    "no run started for the slot " + util::format_rfc3339(confirmed->slot) +
                        " within its grace time of " +
                        std::to_string(job.definition.grace_time_in_minutes) + " min",
                    confirmed->slot, std::nullopt};
    auto flipped = record_flip(store_, job.seq, event, clock_.now());
    if (!flipped) {
      return fail(flipped.error());
    }
    if (!*flipped) {
      return {};  // already reported: a job that stays late is told once
    }
    report.flips.push_back(**flipped);
    job.latest_result = LatestResult::check_ran_too_late;
    confirmed->newly_late = true;
    return store_.record_monitoring(job.seq, LatestResult::check_ran_too_late, std::nullopt);
  });
  if (!done) {
    return fail(done.error());
  }
  return confirmed;
}

Result<void> MonitorService::check_runtime(const Job& job, const std::optional<Run>& running,
                                           MonitorReport& report) {
  if (!job.definition.max_runtime_in_minutes) {
    return {};
  }
  const auto limit = std::chrono::minutes{*job.definition.max_runtime_in_minutes};
  const Seconds now = clock_.now();
  LongRunningJob item{job, std::nullopt, {}, false};
  if (running && !running->dry_run) {
    item.run = running;
    item.since = running->started_at;
  } else if (job.latest_result == LatestResult::ping_starting && job.latest_ping_at) {
    item.since = *job.latest_ping_at;  // a `starting` ping with no end since
  } else {
    return {};
  }
  if (now - item.since < limit) {
    return {};
  }
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - item.since).count();
  const std::string what = item.run ? item.run->id() : std::string("the run pinged as starting");
  FlipEvent event{MonitorState::running_too_long,
                  what + " started " + util::format_rfc3339(item.since) + " and has run " +
                      std::to_string(minutes) + " min, longer than its max_runtime_in_minutes of " +
                      std::to_string(*job.definition.max_runtime_in_minutes),
                  std::nullopt, item.run ? std::optional<std::int64_t>{item.run->seq} : std::nullopt};
  std::optional<Flip> flip;
  auto done = store_.in_transaction([&]() -> Result<void> {
    auto flipped = record_flip(store_, job.seq, event, now);
    if (!flipped) {
      return fail(flipped.error());
    }
    flip = *flipped;
    return {};
  });
  if (!done) {
    return fail(done.error());
  }
  if (flip) {
    report.flips.push_back(*flip);
    item.newly_flagged = true;
  }
  report.running_too_long.push_back(std::move(item));
  return {};
}

Result<MonitorReport> MonitorService::check() {
  auto jobs = store_.all_jobs();
  if (!jobs) {
    return fail(jobs.error());
  }
  MonitorReport report;
  for (const Job& job : *jobs) {
    if (!job.definition.enabled) {
      continue;
    }
    ++report.jobs_checked;
    auto running = store_.running_run(job.seq);
    if (!running) {
      return fail(running.error());
    }
    if (*running) {
      auto settled = settle_run(store_, clock_, liveness_, **running);
      if (!settled) {
        return fail(settled.error());
      }
      if (settled->status == RunStatus::abandoned) {
        report.abandoned.push_back(*settled);
      }
    }
    // A run abandoned just now has ended (as failed): it is not running too long.
    const bool ended_now = *running && !report.abandoned.empty() &&
                           report.abandoned.back().seq == (*running)->seq;
    if (!ended_now) {
      if (auto checked = check_runtime(job, *running, report); !checked) {
        return fail(checked.error());
      }
    }
    // A first look on the snapshot read above, so that only a job that looks late costs a
    // write transaction.
    auto candidate = late_slot(job);
    if (!candidate) {
      return fail(candidate.error());
    }
    if (!*candidate) {
      continue;
    }
    auto late = confirm_late(job.seq, report);
    if (!late) {
      return fail(late.error());
    }
    if (*late) {
      report.late.push_back(std::move(**late));
    }
  }
  return report;
}

}  // namespace certcron
