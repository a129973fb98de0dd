#include "cli/commands.hpp"
#include "cli/job_view.hpp"
#include "core/requests.hpp"
#include "json/shapes.hpp"

namespace certcron::cli {
namespace {

struct RunsOptions {
  std::string job;
  std::string status;
  int page = 1;
  int limit = 20;
};

void list_runs(Context& context, const RunsOptions& options) {
  auto request = context.check(validate_page(options.page, options.limit));
  const std::optional<RunStatus> status = context.check(parse_run_status_filter(options.status));
  auto page = context.check(context.runs().runs(options.job, status, request));
  if (context.options.json) {
    json::Json data = json::Json::array();
    for (const Run& run : page.items) {
      data.push_back(json::run_to_json(run));
    }
    context.out().print_json(json::page_to_json(std::move(data), page.page, page.limit, page.total));
    return;
  }
  if (context.options.quiet) {
    return;
  }
  if (page.items.empty()) {
    context.out().line(page.total == 0 ? "No runs yet." : "No runs on this page.");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Run& run : page.items) {
    std::string result = "-";
    if (run.result) {
      result = std::to_string(run.result->mentors_checked) + " / " +
               std::to_string(run.result->reminders_sent) + " / " +
               std::to_string(run.result->errors);
    }
    rows.push_back({run.id(), to_string(run.trigger) + std::string(run.dry_run ? " (dry)" : ""),
                    instant_text(run.started_at), instant_text(run.completed_at),
                    run_status_cell(context, run.status), result});
  }
  context.out().print_table(
      {"RUN", "TRIGGER", "STARTED", "COMPLETED", "STATUS", "MENTORS / SENT / ERRORS"}, rows);
  if (page.total > static_cast<std::int64_t>(page.items.size())) {
    context.out().line("(page " + std::to_string(page.page) + " of " + std::to_string(page.total) +
                       " runs; --page N for more)");
  }
}

}  // namespace

void set_runs_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<RunsOptions>();
  command.add_option("job", options->job, "Job id (cron-001) or name")->required();
  command.add_option("--status", options->status, "Only runs with this status")
      ->check(CLI::IsMember({"running", "success", "failed", "abandoned"}));
  command.add_option("--page", options->page, "Page number, from 1");
  command.add_option("--limit", options->limit, "Runs per page, 1 to 100");
  command.footer(
      "Newest first.\n"
      "Example:\n"
      "  certcron runs nightly_expiry_check --status failed --limit 5");
  command.callback([&context, options] { list_runs(context, *options); });
}

}  // namespace certcron::cli
