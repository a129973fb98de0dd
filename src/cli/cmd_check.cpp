#include "cli/commands.hpp"
#include "json/reports.hpp"
#include "util/time.hpp"

#include <iostream>

namespace certcron::cli {
namespace {

void print_alerts(Context& context, const AlertReport& alerts) {
  for (const Flip& flip : alerts.sent) {
    context.out().line(format_job_id(flip.job_seq) + ": alert sent (" + to_string(flip.from) +
                       " -> " + to_string(flip.to) + ")");
  }
  for (const Flip& flip : alerts.held) {
    context.out().line(format_job_id(flip.job_seq) + ": alert held: the job is snoozed");
  }
}

void run_check(Context& context) {
  const CheckOutcome outcome = context.check(context.app().check());
  context.out().warnings(outcome.warnings);
  for (const Flip& flip : outcome.alerts.failed) {
    std::cerr << "certcron: " << format_job_id(flip.job_seq)
              << ": alert not delivered (the next check retries it): " << flip.alert_error << "\n";
  }
  const MonitorReport& report = outcome.monitor;
  if (context.options.json) {
    context.out().print_json(json::check_outcome_to_json(outcome));
  } else {
    for (const Run& run : report.abandoned) {
      context.out().line(run.job_id() + ": " + run.id() + " abandoned: " + run.error_message);
    }
    for (const LateJob& item : report.late) {
      // From cron (--quiet) only what is new, so the log gets one line per job going late.
      if (context.options.quiet && !item.newly_late) {
        continue;
      }
      context.out().line(item.job.id() + " (" + item.job.definition.name +
                         "): late: no run started for the slot " +
                         util::format_rfc3339(item.slot) + " within its grace time of " +
                         std::to_string(item.job.definition.grace_time_in_minutes) + " min");
    }
    for (const LongRunningJob& item : report.running_too_long) {
      if (context.options.quiet && !item.newly_flagged) {
        continue;
      }
      context.out().line(item.job.id() + " (" + item.job.definition.name +
                         "): running too long: " +
                         (item.run ? item.run->id() : std::string("pinged as starting")) +
                         " since " + util::format_rfc3339(item.since) + ", max " +
                         std::to_string(item.job.definition.max_runtime_in_minutes.value_or(0)) +
                         " min");
    }
    // Each catch-up run has its line in the run log already; from cron, that is stdout.
    if (!outcome.caught_up.empty() && !context.stdout_is_run_log()) {
      for (const Run& run : outcome.caught_up) {
        context.out().line(run.job_id() + ": caught up the missed slot " +
                           (run.scheduled_for ? util::format_rfc3339(*run.scheduled_for) : "") +
                           " with " + run.id() + ": " + to_string(run.status));
      }
    }
    if (!context.options.quiet) {
      print_alerts(context, outcome.alerts);  // cron's log has the late and failed lines
    }
    if (!context.options.quiet && report.abandoned.empty() && report.late.empty() &&
        report.running_too_long.empty()) {
      context.out().line("All " + std::to_string(report.jobs_checked) +
                         " enabled jobs ran on time.");
    }
  }
  if (outcome.alerts_failed) {
    throw CommandFailure(Error::failed(std::to_string(outcome.alerts.failed.size()) +
                                       " alert(s) could not be delivered; see [alerts] in "
                                       "certcron.toml(5)"));
  }
}

}  // namespace

void set_check_command(CLI::App& command, Context& context) {
  command.footer(
      "Marks runs whose process died as abandoned; finds jobs whose latest slot passed its\n"
      "grace time without a run (late) and runs longer than the job's max runtime; records\n"
      "each change of a job's state as a flip and alerts on it once through [alerts] (not\n"
      "while the job is snoozed); runs a job with catch_up once for its missed slot; then\n"
      "requests [monitoring] heartbeat_url. Exit status 1 when an alert could not be\n"
      "delivered (the next check retries it). The crontab block runs\n"
      "`certcron check --quiet` every five minutes while any job is enabled.\n"
      "Example:\n"
      "  certcron check");
  command.callback([&context] { run_check(context); });
}

}  // namespace certcron::cli
