#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "crontab/install.hpp"
#include "json/reports.hpp"

namespace certcron::cli {
namespace {

void crontab_action(Context& context, const std::string& action) {
  if (action == "repair") {
    auto outcome = context.check(context.app().repair_crontab());
    if (context.options.json) {
      context.out().print_json(json::crontab_repair_to_json(outcome));
    } else if (!context.options.quiet) {
      context.out().line(outcome.changed
                             ? "Rewrote the certcron block (previous table kept in " +
                                   outcome.backup_path + ")."
                             : "The certcron block is already as it should be.");
    }
    return;
  }
  auto report = context.check(context.app().verify_crontab());
  if (context.options.json) {
    context.out().print_json(json::crontab_verify_to_json(report));
  } else if (action == "show") {
    std::string text = report.expected.empty() ? "(no block: no job is enabled)\n" : report.expected;
    std::fputs(text.c_str(), stdout);
    if (!report.in_sync && !context.options.quiet) {
      std::fputs("certcron: the installed block differs; `certcron crontab verify` shows how, "
                 "`certcron crontab repair` fixes it\n",
                 stderr);
    }
  } else if (report.in_sync) {
    if (!context.options.quiet) {
      context.out().line("The certcron block is installed as it should be.");
    }
  } else {
    std::fputs(report.diff.c_str(), stdout);
    std::fputs(report.installed ? "certcron: the installed block differs from the jobs; run "
                                  "`certcron crontab repair` to rewrite it\n"
                                : "certcron: the certcron block is missing from the crontab; "
                                  "run `certcron crontab repair` to install it\n",
               stderr);
  }
  if (action == "verify" && !report.in_sync) {
    throw CommandExit(kExitFailed);
  }
}

}  // namespace

void set_crontab_command(CLI::App& command, Context& context) {
  auto action = std::make_shared<std::string>("show");
  command.add_option("action", *action, "show (default), verify or repair")
      ->check(CLI::IsMember({"show", "verify", "repair"}));
  command.footer(
      "show    print the block as the jobs say it should be\n"
      "verify  exit 1 and print a diff when the installed block differs or is missing\n"
      "repair  rewrite the block (the previous table is kept in the state folder)\n"
      "Examples:\n"
      "  certcron crontab verify\n"
      "  certcron crontab repair");
  command.callback([&context, action] { crontab_action(context, *action); });
}

}  // namespace certcron::cli
