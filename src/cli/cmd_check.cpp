#include "cli/commands.hpp"
#include "json/reports.hpp"
#include "util/time.hpp"

namespace certcron::cli {
namespace {

void run_check(Context& context) {
  auto report = context.check(context.app().monitor().check());
  if (context.options.json) {
    context.out().print_json(json::monitor_report_to_json(report));
    return;
  }
  for (const Run& run : report.abandoned) {
    context.out().line(run.job_id() + ": " + run.id() + " abandoned: " + run.error_message);
  }
  for (const LateJob& item : report.late) {
    // From cron (--quiet) only what is new, so the log gets one line per missed slot.
    if (context.options.quiet && !item.newly_late) {
      continue;
    }
    context.out().line(item.job.id() + " (" + item.job.definition.name +
                       "): late: no run started for the slot " +
                       util::format_rfc3339(item.slot) + " within its grace time of " +
                       std::to_string(item.job.definition.grace_time_in_minutes) + " min");
  }
  if (!context.options.quiet && report.abandoned.empty() && report.late.empty()) {
    context.out().line("All " + std::to_string(report.jobs_checked) +
                       " enabled jobs ran on time.");
  }
}

}  // namespace

void set_check_command(CLI::App& command, Context& context) {
  command.footer(
      "Marks runs whose process died as abandoned, and jobs whose latest slot passed its\n"
      "grace time without a run as late (latest_result checkRanTooLate). The crontab block\n"
      "runs `certcron check --quiet` every five minutes while any job is enabled.");
  command.callback([&context] { run_check(context); });
}

}  // namespace certcron::cli
