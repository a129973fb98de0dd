#include "cli/commands.hpp"
#include "cli/job_view.hpp"
#include "core/requests.hpp"

namespace certcron::cli {
namespace {

struct CreateOptions {
  std::string name;
  std::optional<std::string> cron;
  std::optional<int> every;
  std::optional<std::string> timezone;
  std::optional<int> grace;
  std::string description;
  bool disabled = false;
  std::optional<int> max_runtime;
  bool no_catch_up = false;
};

void create_job(Context& context, const CreateOptions& options) {
  CreateJobRequest request;
  request.name = options.name;
  request.description = options.description;
  request.cron_expression = options.cron;
  request.frequency_in_minutes = options.every;
  request.server_timezone = options.timezone;
  request.grace_time_in_minutes = options.grace;
  request.enabled = !options.disabled;
  request.max_runtime_in_minutes = options.max_runtime;
  request.catch_up = !options.no_catch_up;
  print_job(context, context.check(context.app().create_job(request)));
}

}  // namespace

void set_create_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<CreateOptions>();
  command.add_option("--name", options->name, "Unique name of the job")->required();
  command.add_option("--cron", options->cron, "Cron expression, e.g. '0 2 * * *' or @daily");
  command.add_option("--every", options->every, "Run every N minutes (1 to 525600)");
  command.add_option("--tz", options->timezone,
                     "IANA time zone the schedule is read in (default: the host's)");
  command.add_option("--grace", options->grace,
                     "Minutes after a slot before a missing run counts as late (default 5)");
  command.add_option("--description", options->description, "Free text");
  command.add_flag("--disabled", options->disabled, "Create the job disabled (no crontab line)");
  command.add_option("--max-runtime", options->max_runtime,
                     "Minutes a run may take before it is reported as running too long "
                     "(1 to 10080; default: no limit)");
  command.add_flag("--no-catch-up", options->no_catch_up,
                   "Don't run the job when check finds its latest slot missed");
  command.footer(
      "Examples:\n"
      "  certcron create --name nightly_expiry_check --cron '0 2 * * *' --tz Europe/Brussels\n"
      "  certcron create --name frequent_check --every 15 --grace 10");
  command.callback([&context, options] { create_job(context, *options); });
}

}  // namespace certcron::cli
