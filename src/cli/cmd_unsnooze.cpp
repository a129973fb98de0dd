#include "cli/commands.hpp"
#include "cli/job_view.hpp"

namespace certcron::cli {

void set_unsnooze_command(CLI::App& command, Context& context) {
  auto id = std::make_shared<std::string>();
  command.add_option("job", *id, "Job id (cron-001) or name")->required();
  command.footer("Example:\n  certcron unsnooze nightly_expiry_check");
  command.callback([&context, id] { print_job(context, context.check(context.jobs().unsnooze(*id))); });
}

}  // namespace certcron::cli
