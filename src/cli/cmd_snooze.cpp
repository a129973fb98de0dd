#include "cli/commands.hpp"
#include "cli/job_view.hpp"

namespace certcron::cli {
namespace {

struct SnoozeOptions {
  std::string id;
  int minutes = 0;
};

}  // namespace

void set_snooze_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<SnoozeOptions>();
  command.add_option("job", options->id, "Job id (cron-001) or name")->required();
  command.add_option("--minutes", options->minutes, "How long to silence alerts, 1 to 144000")
      ->required();
  command.footer(
      "A new snooze replaces the old one; it ends by itself. `certcron unsnooze` lifts it.\n"
      "Example:\n"
      "  certcron snooze nightly_expiry_check --minutes 120");
  command.callback([&context, options] {
    print_job(context, context.check(context.jobs().snooze(options->id, options->minutes)));
  });
}

}  // namespace certcron::cli
