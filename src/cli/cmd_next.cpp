#include "cli/commands.hpp"
#include "core/schedule/schedule.hpp"
#include "json/shapes.hpp"
#include "util/time.hpp"

namespace certcron::cli {
namespace {

struct NextOptions {
  std::string expression;
  std::optional<std::string> timezone;
  std::optional<std::string> from;
  int count = 5;
};

std::string local_text(const schedule::TimeZone& zone, Seconds instant) {
  auto local = zone.to_local(instant);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::hh_mm_ss time{local - day};
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(zone.offset_at(instant)).count();
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s %02d:%02d %c%02lld:%02lld",
                util::format_date(std::chrono::sys_days{day.time_since_epoch()}).c_str(),
                int(time.hours().count()), int(time.minutes().count()), offset < 0 ? '-' : '+',
                static_cast<long long>(std::abs(offset) / 60),
                static_cast<long long>(std::abs(offset) % 60));
  return buffer;
}

void show_next(Context& context, const NextOptions& options) {
  if (options.count < 1 || options.count > 1000) {
    throw CommandFailure(Error::invalid("count", "The count must be between 1 and 1000."));
  }
  std::string zone_name = options.timezone.value_or(context.default_timezone());
  Seconds from = context.clock().now();
  if (options.from) {
    auto parsed = util::parse_rfc3339(*options.from);
    if (!parsed) {
      throw CommandFailure(Error::invalid(
          "from", "'" + *options.from + "' is not an RFC 3339 instant such as 2026-03-29T01:00:00Z"));
    }
    from = *parsed;
  }
  auto schedule = context.check(schedule::Schedule::cron(options.expression, zone_name));
  auto fires = schedule.next_fires_after(from, options.count);
  if (context.options.json) {
    json::Json next = json::Json::array();
    for (Seconds instant : fires) {
      next.push_back(util::format_rfc3339(instant));
    }
    context.out().print_json(json::Json{{"expression", options.expression},
                                        {"timezone", schedule.zone().name()},
                                        {"description", schedule.describe()},
                                        {"next", std::move(next)}});
    return;
  }
  context.out().line(schedule.describe() + " (" + schedule.zone().name() + ")");
  std::vector<std::vector<std::string>> rows;
  for (Seconds instant : fires) {
    rows.push_back({local_text(schedule.zone(), instant), util::format_rfc3339(instant)});
  }
  context.out().print_table({"LOCAL", "UTC"}, rows);
}

}  // namespace

void set_next_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<NextOptions>();
  command.add_option("expression", options->expression,
                     "Cron expression (five fields or @daily, @hourly, ...); quote it")
      ->required();
  command.add_option("--tz", options->timezone, "IANA time zone (default: the host's)");
  command.add_option("--from", options->from, "Start after this RFC 3339 instant (default: now)");
  command.add_option("--count", options->count, "How many fire times (default 5)");
  command.footer("Example:\n  certcron next '30 2 * * 0' --tz Europe/Brussels --count 3");
  command.callback([&context, options] { show_next(context, *options); });
}

}  // namespace certcron::cli
