#include "cli/commands.hpp"
#include "core/schedule/schedule.hpp"
#include "json/writer.hpp"
#include "util/time.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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

// The JSON that print_json gives for {expression, timezone, description, next} (two-space
// indent, nlohmann's escaping), written directly: up to 1,000 instants, each in a fixed-width
// writer, instead of a string per instant in a JSON tree that is then serialised.
std::string next_json(std::string_view expression, std::string_view zone,
                      std::string_view description, const std::vector<Seconds>& fires) {
  std::string out;
  out.reserve(128 + expression.size() + zone.size() + description.size() + 28 * fires.size());
  const auto member = [&](std::string_view key, std::string_view value) {
    out += "  \"";
    out += key;
    out += "\": \"";
    json::append_escaped(out, value);
    out += "\",\n";
  };
  out += "{\n";
  member("expression", expression);
  member("timezone", zone);
  member("description", description);
  if (fires.empty()) {
    out += "  \"next\": []\n}\n";
    return out;
  }
  out += "  \"next\": [";
  char instant[util::kRfc3339Capacity];
  for (std::size_t i = 0; i < fires.size(); ++i) {
    out += i == 0 ? "\n    \"" : ",\n    \"";
    out.append(instant, util::write_rfc3339(instant, fires[i]));
    out += '"';
  }
  out += "\n  ]\n}\n";
  return out;
}

void show_next(Context& context, const NextOptions& options) {
  if (options.count < 1 || options.count > 1000) {
    throw CommandFailure(Error::invalid("count", "The count must be between 1 and 1000."));
  }
  std::string zone_name = options.timezone.value_or(context.default_timezone());
  Seconds from{};
  if (options.from) {
    auto parsed = util::parse_rfc3339(*options.from);
    if (!parsed) {
      throw CommandFailure(Error::invalid(
          "from", "'" + *options.from + "' is not an RFC 3339 instant such as 2026-03-29T01:00:00Z"));
    }
    from = *parsed;
  } else {
    from = context.clock().now();
  }
  auto schedule = context.check(schedule::Schedule::cron(options.expression, zone_name));
  auto fires = schedule.next_fires_after(from, options.count);
  if (context.options.json) {
    const std::string text =
        next_json(options.expression, schedule.zone().name(), schedule.describe(), fires);
    std::fwrite(text.data(), 1, text.size(), stdout);
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
