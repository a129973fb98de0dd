#include "cli/commands.hpp"
#include "cli/job_view.hpp"
#include "core/requests.hpp"
#include "json/shapes.hpp"

namespace certcron::cli {
namespace {

struct ListOptions {
  std::string status;
  int page = 1;
  int limit = 20;
};

void list_jobs(Context& context, const ListOptions& options) {
  const JobStatusFilter filter = context.check(parse_status_filter(options.status));
  auto request = context.check(validate_page(options.page, options.limit));
  auto page = context.check(context.jobs().list(filter, request));
  if (context.options.json) {
    context.out().print_json(
        json::job_page_to_json(page, context.clock().now(), context.ping_base_url()));
    return;
  }
  if (context.options.quiet) {
    return;
  }
  if (page.items.empty()) {
    context.out().line(page.total == 0 ? "No jobs yet. Create one with `certcron create --name "
                                         "NAME --cron '0 2 * * *'`."
                                       : "No jobs on page " + std::to_string(page.page) + " (" +
                                             std::to_string(page.total) + " in all).");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& details : page.items) {
    const Job& job = details.job;
    std::string last = details.last_run ? run_status_cell(context, details.last_run->status) : "-";
    rows.push_back({job.id(), job.definition.name, schedule_text(job.definition),
                    job.definition.server_timezone, status_cell(context, job),
                    monitoring_cell(context, job), last, instant_text(details.next_run_at)});
  }
  context.out().print_table(
      {"ID", "NAME", "SCHEDULE", "TIMEZONE", "STATUS", "MONITOR", "LAST RUN", "NEXT RUN"}, rows);
  if (page.total > static_cast<std::int64_t>(page.items.size())) {
    context.out().line("(page " + std::to_string(page.page) + ", " +
                       std::to_string(page.items.size()) + " of " + std::to_string(page.total) +
                       " jobs; --page N for more)");
  }
}

}  // namespace

void set_list_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<ListOptions>();
  command.add_option("--status", options->status, "Only jobs with this status")
      ->check(CLI::IsMember({"active", "disabled"}));
  command.add_option("--page", options->page, "Page number, from 1");
  command.add_option("--limit", options->limit, "Jobs per page, 1 to 100");
  command.footer(
      "Examples:\n"
      "  certcron list\n"
      "  certcron list --status disabled --page 2");
  command.callback([&context, options] { list_jobs(context, *options); });
}

}  // namespace certcron::cli
