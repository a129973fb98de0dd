#include "cli/commands.hpp"
#include "json/shapes.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace certcron::cli {
namespace {

struct DeleteOptions {
  std::string id;
  bool yes = false;
};

bool confirmed(const Job& job) {
  std::fprintf(stderr, "Delete %s (%s) and all its runs? [y/N] ", job.id().c_str(),
               job.definition.name.c_str());
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    return false;
  }
  return answer == "y" || answer == "Y" || answer == "yes";
}

void delete_job(Context& context, const DeleteOptions& options) {
  if (!options.yes) {
    if (isatty(STDIN_FILENO) != 1) {
      throw CommandFailure(
          Error::usage("deleting needs confirmation: pass --yes when not on a terminal"));
    }
    Job job = context.check(context.jobs().find(options.id));
    if (!confirmed(job)) {
      throw CommandFailure(Error::usage("not deleted"));
    }
  }
  Job removed = context.check(context.jobs().remove(options.id));
  if (context.options.json) {
    context.out().print_json(json::deleted_to_json(removed));
  } else if (!context.options.quiet) {
    context.out().line("Deleted " + removed.id() + " (" + removed.definition.name + ").");
  }
}

}  // namespace

void set_delete_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<DeleteOptions>();
  command.add_option("job", options->id, "Job id (cron-001) or name")->required();
  command.add_flag("-y,--yes", options->yes, "Do not ask for confirmation");
  command.footer("Example:\n  certcron delete cron-001 --yes");
  command.callback([&context, options] { delete_job(context, *options); });
}

}  // namespace certcron::cli
