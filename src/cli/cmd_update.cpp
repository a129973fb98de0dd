#include "cli/commands.hpp"
#include "cli/job_view.hpp"

namespace certcron::cli {
namespace {

struct UpdateOptions {
  std::string id;
  JobChanges changes;
  bool enable = false;
  bool disable = false;
  std::optional<int> max_runtime;
  bool no_max_runtime = false;
  bool catch_up = false;
  bool no_catch_up = false;
};

void update_job(Context& context, UpdateOptions options) {
  if (options.enable) {
    options.changes.enabled = true;
  } else if (options.disable) {
    options.changes.enabled = false;
  }
  if (options.max_runtime) {
    options.changes.max_runtime_in_minutes = options.max_runtime;
  } else if (options.no_max_runtime) {
    options.changes.max_runtime_in_minutes = std::optional<int>{};
  }
  if (options.catch_up || options.no_catch_up) {
    options.changes.catch_up = options.catch_up;
  }
  print_job(context, context.check(context.jobs().update(options.id, options.changes)));
}

}  // namespace

void set_update_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<UpdateOptions>();
  JobChanges& changes = options->changes;
  command.add_option("job", options->id, "Job id (cron-001) or name")->required();
  command.add_option("--name", changes.name, "New unique name");
  command.add_option("--cron", changes.cron_expression, "New cron expression");
  command.add_option("--every", changes.frequency_in_minutes,
                     "Run every N minutes instead (1 to 525600)");
  command.add_option("--tz", changes.server_timezone, "New IANA time zone");
  command.add_option("--grace", changes.grace_time_in_minutes, "New grace time in minutes");
  command.add_option("--description", changes.description, "New description");
  auto* enable = command.add_flag("--enable", options->enable, "Enable the job");
  auto* disable = command.add_flag("--disable", options->disable, "Disable the job");
  enable->excludes(disable);
  auto* max_runtime = command.add_option(
      "--max-runtime", options->max_runtime,
      "Minutes a run may take before it is reported as running too long (1 to 10080)");
  auto* no_max_runtime =
      command.add_flag("--no-max-runtime", options->no_max_runtime, "Remove the runtime limit");
  max_runtime->excludes(no_max_runtime);
  auto* catch_up = command.add_flag("--catch-up", options->catch_up,
                                    "Let check run the job when its latest slot was missed");
  auto* no_catch_up = command.add_flag("--no-catch-up", options->no_catch_up,
                                       "Don't let check run the job for a missed slot");
  catch_up->excludes(no_catch_up);
  command.footer(
      "Only the options given change; the crontab follows.\n"
      "Examples:\n"
      "  certcron update nightly_expiry_check --cron '30 2 * * *' --tz Europe/Brussels\n"
      "  certcron update cron-001 --disable");
  command.callback([&context, options] { update_job(context, *options); });
}

}  // namespace certcron::cli
