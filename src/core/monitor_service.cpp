#include "core/monitor_service.hpp"

#include "core/job_schedule.hpp"

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

Result<MonitorReport> MonitorService::check() {
  auto jobs = store_.all_jobs();
  if (!jobs) {
    return fail(jobs.error());
  }
  MonitorReport report;
  for (Job& job : *jobs) {
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
        job.latest_result = LatestResult::check_failed;
      }
    }
    auto late = late_slot(job);
    if (!late) {
      return fail(late.error());
    }
    if (!*late) {
      continue;
    }
    LateJob found = **late;
    if (job.latest_result != LatestResult::check_ran_too_late &&
        job.latest_result != LatestResult::sent_not_on_time_notification) {
      job.latest_result = LatestResult::check_ran_too_late;
      if (auto marked = store_.in_transaction([&] { return store_.update_job(job); }); !marked) {
        return fail(marked.error());
      }
      found.newly_late = true;
    }
    found.job = job;
    report.late.push_back(found);
  }
  return report;
}

}  // namespace certcron
