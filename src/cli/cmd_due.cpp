#include "cli/commands.hpp"
#include "core/reminders/expiry_check.hpp"
#include "core/reminders/policy.hpp"
#include "core/schedule/schedule.hpp"
#include "core/requests.hpp"
#include "json/reports.hpp"
#include "util/time.hpp"

namespace certcron::cli {
namespace {

struct DueOptions {
  int days = 0;
  std::string job;
  std::optional<std::string> timezone;
};

std::string zone_for(Context& context, const DueOptions& options) {
  if (options.timezone) {
    return *options.timezone;
  }
  if (!options.job.empty()) {
    return context.check(context.jobs().find(options.job)).definition.server_timezone;
  }
  return context.default_timezone();
}

void show_due(Context& context, const DueOptions& options) {
  context.check(validate_due_days(options.days));
  auto zone = context.check(schedule::TimeZone::locate(zone_for(context, options)));
  Seconds at = context.clock().now() + std::chrono::days{options.days};
  json::Json items = json::Json::array();
  std::vector<std::vector<std::string>> rows;
  auto counts = context.check(reminders::list_due(
      context.reminder_store(), context.settings().reminders, zone, at,
      [&](const reminders::DueReminder& due) {
        const auto& cert = due.certification;
        if (context.options.json) {
          items.push_back(json::due_reminder_to_json(due));
        } else {
          rows.push_back({cert.mentor_id, cert.name, cert.certification, due.message.expires_on,
                          reminders::threshold_label(due.decision.threshold), due.decision.reason});
        }
      }));
  if (context.options.json) {
    context.out().print_json(json::due_report_to_json(at, zone.name(), std::move(items), counts));
    return;
  }
  if (context.options.quiet) {
    return;
  }
  if (rows.empty()) {
    context.out().line("No reminder is due as of " + util::format_rfc3339(at) + " (" +
                       std::to_string(counts.certifications_checked) +
                       " certifications checked).");
    return;
  }
  context.out().print_table({"MENTOR", "NAME", "CERTIFICATION", "EXPIRES", "THRESHOLD", "WHY"},
                            rows);
  context.out().line(std::to_string(rows.size()) + (rows.size() == 1 ? " reminder" : " reminders") +
                     " due as of " +
                     util::format_rfc3339(at) + " in " + zone.name() + "; nothing was sent.");
}

}  // namespace

void set_due_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<DueOptions>();
  command.add_option("--days", options->days,
                     "Look this many days ahead: what a run then would send (default 0)");
  command.add_option("--job", options->job, "Count days in this job's time zone");
  command.add_option("--tz", options->timezone, "Count days in this IANA time zone");
  command.footer(
      "Shows who would be reminded and why, without sending or recording anything.\n"
      "Examples:\n"
      "  certcron due\n"
      "  certcron due --days 7 --job nightly_expiry_check");
  command.callback([&context, options] { show_due(context, *options); });
}

}  // namespace certcron::cli
