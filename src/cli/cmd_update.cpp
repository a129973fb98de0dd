#include "cli/commands.hpp"
#include "cli/job_view.hpp"

namespace certcron::cli {
namespace {

struct UpdateOptions {
  std::string id;
  JobChanges changes;
  bool enable = false;
  bool disable = false;
};

void update_job(Context& context, UpdateOptions options) {
  if (options.enable) {
    options.changes.enabled = true;
  } else if (options.disable) {
    options.changes.enabled = false;
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
  command.footer("Only the options given change; the crontab follows.");
  command.callback([&context, options] { update_job(context, *options); });
}

}  // namespace certcron::cli
