#include "crontab/entries.hpp"

#include "core/job_schedule.hpp"
#include "crontab/schedule_fields.hpp"
#include "util/file.hpp"

#include <algorithm>

namespace certcron::crontab {
namespace {

std::string with_paths(const CommandPaths& paths, std::string_view arguments) {
  std::string command = util::shell_quote(paths.binary) + " --db " + util::shell_quote(paths.database);
  if (!paths.config.empty()) {
    command += " --config " + util::shell_quote(paths.config);
  }
  command += " " + std::string(arguments);
  if (!paths.log.empty()) {
    command += " >> " + util::shell_quote(paths.log) + " 2>&1";
  }
  return command;
}

// A validation error carries its detail in the per-field messages.
std::string error_text(const Error& error) {
  std::string text = error.message;
  for (const auto& [field, messages] : error.fields) {
    for (const auto& message : messages) {
      text += " " + field + ": " + message;
    }
  }
  return text;
}

}  // namespace

std::string execute_command(const CommandPaths& paths, std::string_view job_id) {
  return with_paths(paths, "execute " + std::string(job_id) + " --scheduled");
}

std::string monitor_command(const CommandPaths& paths) {
  return with_paths(paths, "check --quiet");
}

Result<std::vector<ManagedEntry>> entries_for_jobs(const std::vector<Job>& jobs,
                                                   const CommandPaths& paths,
                                                   std::string_view host_zone,
                                                   std::chrono::sys_seconds now) {
  std::vector<const Job*> enabled;
  for (const auto& job : jobs) {
    if (job.definition.enabled) {
      enabled.push_back(&job);
    }
  }
  std::sort(enabled.begin(), enabled.end(),
            [](const Job* a, const Job* b) { return a->seq < b->seq; });
  auto planner = CronFieldsPlanner::create(host_zone, now);
  if (!planner) {
    return fail(planner.error());
  }
  std::vector<ManagedEntry> entries;
  for (const Job* job : enabled) {
    auto schedule = schedule_for(job->definition);
    if (!schedule) {
      return fail(Error::failed(
          "job " + job->id() + " has a schedule cron cannot use: " + error_text(schedule.error())));
    }
    CronFields fields = planner->fields_for(*schedule);
    entries.push_back({job->id(), fields.fields, execute_command(paths, job->id())});
  }
  if (!entries.empty()) {
    entries.push_back(
        {std::string(kMonitorTag), std::string(kMonitorSchedule), monitor_command(paths)});
  }
  return entries;
}

}  // namespace certcron::crontab
