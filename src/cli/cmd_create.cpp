#include "cli/commands.hpp"
#include "cli/job_view.hpp"

namespace certcron::cli {
namespace {

struct CreateOptions {
  std::string name;
  std::optional<std::string> cron;
  std::optional<int> every;
  std::optional<std::string> timezone;
  int grace = kDefaultGraceMinutes;
  std::string description;
  bool disabled = false;
};

void create_job(Context& context, const CreateOptions& options) {
  if (options.cron.has_value() == options.every.has_value()) {
    throw CommandFailure(Error::invalid(
        "cron_expression", "Give exactly one of --cron EXPRESSION or --every MINUTES."));
  }
  JobDefinition definition;
  definition.name = options.name;
  definition.description = options.description;
  if (options.cron) {
    definition.type = ScheduleType::cron;
    definition.cron_expression = *options.cron;
  } else {
    definition.type = ScheduleType::simple;
    definition.frequency_in_minutes = *options.every;
  }
  definition.server_timezone = options.timezone.value_or(context.default_timezone());
  definition.grace_time_in_minutes = options.grace;
  definition.enabled = !options.disabled;
  print_job(context, context.check(context.jobs().create(definition)));
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
  command.footer(
      "Examples:\n"
      "  certcron create --name nightly_expiry_check --cron '0 2 * * *' --tz Europe/Brussels\n"
      "  certcron create --name frequent_check --every 15 --grace 10");
  command.callback([&context, options] { create_job(context, *options); });
}

}  // namespace certcron::cli
