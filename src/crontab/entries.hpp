#pragma once

// The block's lines for a set of jobs: one `execute <id> --scheduled` line per enabled job
// and, while any job is enabled, the `check --quiet` monitoring line every five minutes.

#include "core/error.hpp"
#include "core/job.hpp"
#include "crontab/block.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::crontab {

// Absolute paths written into the lines (shell-quoted there).
struct CommandPaths {
  std::string binary;    // the certcron executable
  std::string database;  // passed as --db
  std::string log;       // output appended here; empty = no redirection (cron mails it)
  // Passed as --config when not empty: a config file named by --config or CERTCRON_CONFIG,
  // which cron's environment would not name again.
  std::string config = {};
};

inline constexpr std::string_view kMonitorTag = "monitor";
inline constexpr std::string_view kMonitorSchedule = "*/5 * * * *";

// "'/usr/bin/certcron' --db '/x/certcron.db' execute cron-001 --scheduled >> '/x/cron.log' 2>&1"
std::string execute_command(const CommandPaths& paths, std::string_view job_id);
std::string monitor_command(const CommandPaths& paths);

// Lines in job order (by sequence). A job whose stored schedule no longer parses is an error
// naming it, since silently dropping its line would stop the job. `host_zone` and `now` as
// for cron_fields_for.
Result<std::vector<ManagedEntry>> entries_for_jobs(const std::vector<Job>& jobs,
                                                   const CommandPaths& paths,
                                                   std::string_view host_zone,
                                                   std::chrono::sys_seconds now);

}  // namespace certcron::crontab
