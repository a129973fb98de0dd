#pragma once
// The floor's own cron schedule, written from the cron(5) rules, not from certcron: five
// fields with lists, ranges, steps, names, 0/7 for Sunday and the @ macros, and Vixie cron's
// rule that a day matches either day field when both are restricted. Next fire times are
// computed in UTC only (see bench/README.md: the floor does not do time zones).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace floor_bench {

struct CronFields {
  std::uint64_t minutes = 0;  // bit n: minute n
  std::uint32_t hours = 0;
  std::uint32_t days = 0;  // bit n: day of month n (1..31)
  std::uint16_t months = 0;  // bit n: month n (1..12)
  std::uint8_t weekdays = 0;  // bit n: day n of the week, 0 = Sunday
  bool days_star = false;  // the day-of-month field starts with '*'
  bool weekdays_star = false;
};

std::optional<CronFields> parse_cron(std::string_view expression);

// The first fire strictly after `after` (Unix seconds), in UTC; nullopt if none within
// eight years (an expression such as `0 0 30 2 *` never fires).
std::optional<std::int64_t> next_fire_utc(const CronFields& fields, std::int64_t after);

// "every N minutes counted from the Unix epoch": the first slot strictly after `after`.
std::int64_t next_slot_every(std::int64_t minutes, std::int64_t after);

// An English description of the expression, appended to `out`.
void describe_cron(const CronFields& fields, std::string& out);

}  // namespace floor_bench
