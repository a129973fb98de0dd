#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/progress.hpp"
#include "json/shapes.hpp"

namespace certcron::cli {
namespace {

struct ExecuteOptions {
  std::string job;
  bool dry_run = false;
  bool scheduled = false;
};

std::string summary_line(const Run& run) {
  std::string text = run.id() + " " + run.job_id() + " " + to_string(run.status);
  if (run.result) {
    text += ": " + std::to_string(run.result->mentors_checked) + " mentors checked, " +
            std::to_string(run.result->reminders_sent) +
            (run.dry_run ? " reminders due (dry run, nothing sent)" : " reminders sent") + ", " +
            std::to_string(run.result->errors) + " errors";
  }
  if (!run.error_message.empty()) {
    text += " (" + run.error_message + ")";
  }
  return text;
}

void execute_job(Context& context, const ExecuteOptions& options) {
  ProgressLine progress(context.out().stderr_is_tty() && !context.options.quiet &&
                        !options.scheduled);
  reminders::CheckOptions hooks;
  hooks.progress = [&](const reminders::CheckProgress& p) {
    progress.show("read " + std::to_string(p.candidates) + " candidates, " +
                  std::to_string(p.reminders_sent) + " sent, " +
                  std::to_string(p.errors) + " errors");
  };
  if (context.options.verbose) {
    hooks.on_event = [&](const reminders::CheckEvent& event) {
      const char* what = event.kind == reminders::CheckEvent::Kind::sent     ? "sent"
                         : event.kind == reminders::CheckEvent::Kind::failed ? "FAILED"
                                                                             : "due";
      progress.clear();
      std::fprintf(stderr, "%s: %s <%s> %s: %s%s%s\n", what, event.certification.name.c_str(),
                   event.certification.email.c_str(), event.certification.certification.c_str(),
                   event.decision.reason.c_str(), event.error.empty() ? "" : " — ",
                   event.error.c_str());
    };
  }
  ExecuteRequest request{options.job, options.scheduled ? RunTrigger::schedule : RunTrigger::manual,
                         options.dry_run, options.scheduled};
  auto outcome = context.check(context.app().execute(request, hooks));
  progress.clear();
  if (!outcome.run) {
    if (context.options.verbose) {
      std::fprintf(stderr, "certcron: nothing to run: %s\n", outcome.skipped.c_str());
    }
    return;
  }
  context.out().warnings(outcome.warnings);
  const Run& run = *outcome.run;
  if (context.options.json) {
    context.out().print_json(json::run_to_json(run));
  } else if ((!context.options.quiet || run.status != RunStatus::success) &&
             !context.stdout_is_run_log()) {
    context.out().line(summary_line(run));
  }
  if (run.status != RunStatus::success) {
    throw CommandExit(kExitFailed);
  }
}

}  // namespace

void set_execute_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<ExecuteOptions>();
  command.add_option("job", options->job, "Job id (cron-001) or name")->required();
  command.add_flag("--dry-run", options->dry_run,
                   "Compute everything, send nothing, write no ledger entry");
  command.add_flag("--scheduled", options->scheduled,
                   "Run only if a slot of the job's schedule is due now and has no run yet "
                   "(what the crontab lines use); otherwise exit 0 quietly");
  command.footer(
      "Runs the certification expiry check now, records the run and prints it, and appends\n"
      "one line for it to the run log, cron.log in the state folder (with -v, the counts per\n"
      "threshold and the failed deliveries too).\n"
      "Exit 1 when the run failed (e.g. a reminder could not be delivered; the next run\n"
      "retries it), 4 when the job is already running.\n"
      "Examples:\n"
      "  certcron execute nightly_expiry_check --dry-run\n"
      "  certcron execute nightly_expiry_check");
  command.callback([&context, options] { execute_job(context, *options); });
}

}  // namespace certcron::cli
