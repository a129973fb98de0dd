// The cron parser, describe() and the next-fire computation behind `certcron next`.
//
// Input: byte 0 picks a zone, byte 1 an instant to count from, the rest is the expression.
// In UTC every fire must match the expression, and no minute between the start and the
// first fire may match; in every zone the fires ascend strictly from the start.

#include "core/schedule/fire_times.hpp"
#include "core/schedule/schedule.hpp"
#include "fuzz_check.hpp"

#include <array>
#include <chrono>

namespace {

using namespace std::chrono;
using certcron::fuzz::check;
using certcron::schedule::CronExpression;
using certcron::schedule::kEarliestSupported;
using certcron::schedule::kLatestSupported;
using certcron::schedule::Schedule;
using certcron::schedule::Seconds;

// Zones with an offset that is not whole hours, DST at midnight, a 30-minute DST shift, a
// skipped calendar day (Apia, 2011-12-30), and none at all.
constexpr std::array<const char*, 8> kZones{
    "UTC",           "Europe/Brussels", "America/New_York", "Australia/Lord_Howe",
    "Asia/Kathmandu", "America/Santiago", "Pacific/Apia",     "America/St_Johns"};

constexpr Seconds utc(year_month_day date, seconds time_of_day = seconds{0}) {
  return sys_days{date} + time_of_day;
}

// Around DST changes, leap days, the end of Debian's listed transitions (2037), the end of
// the POSIX-rule years (2400) and both ends of the supported range.
constexpr std::array<Seconds, 16> kStarts{
    utc(2026y / March / 16, hours{18} + minutes{24}),
    utc(2024y / March / 31, hours{0} + minutes{59} + seconds{59}),
    utc(2024y / October / 27, hours{0} + minutes{30}),
    utc(2024y / March / 10, hours{6} + minutes{59}),
    utc(2024y / November / 3, hours{5} + minutes{30}),
    utc(2011y / December / 29, hours{9} + minutes{59}),
    utc(2038y / March / 28),
    utc(1970y / January / 1),
    utc(1900y / January / 1),
    kEarliestSupported - seconds{1},
    kEarliestSupported,
    utc(9998y / December / 31, hours{23} + minutes{59}),
    utc(2024y / February / 28, hours{23} + minutes{59} + seconds{30}),
    utc(2400y / December / 31, hours{23}),
    kLatestSupported,
    utc(2026y / January / 1) + seconds{1},
};

bool matches_in_utc(const CronExpression& cron, Seconds instant) {
  const auto day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss time{instant - day};
  const bool day_of_month = cron.days_of_month[unsigned(date.day())];
  const bool day_of_week = cron.days_of_week[weekday{day}.c_encoding()];
  const bool either = cron.day_of_month_restricted && cron.day_of_week_restricted;
  return time.seconds().count() == 0 && cron.minutes[std::size_t(time.minutes().count())] &&
         cron.hours[std::size_t(time.hours().count())] && cron.months[unsigned(date.month())] &&
         (either ? (day_of_month || day_of_week) : (day_of_month && day_of_week));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  const std::string_view zone = kZones[data[0] % kZones.size()];
  const Seconds start = kStarts[data[1] % kStarts.size()];
  const std::string_view text = certcron::fuzz::as_text(data + 2, size - 2);

  auto parsed = CronExpression::parse(text);
  auto schedule = Schedule::cron(text, zone);
  check(parsed.has_value() == schedule.has_value(), "Schedule::cron agrees with parse");
  if (!parsed) {
    check(parsed.error().fields.contains("cron_expression"), "errors name cron_expression");
    return 0;
  }
  check(!parsed->describe().empty(), "describe() says something");
  check(schedule->describe() == parsed->describe(), "the schedule describes its expression");

  const auto fires = schedule->next_fires_after(start, 4);
  const Seconds next = schedule->next_fire_after(start);
  check(fires.empty() ? next == Seconds::max() : next == fires.front(),
        "next_fire_after is the first of next_fires_after");
  Seconds previous = start;
  for (Seconds fire : fires) {
    check(fire > previous, "fires ascend strictly from the start");
    check(fire <= kLatestSupported, "fires stay in the supported range");
    previous = fire;
  }
  if (fires.empty()) {
    return 0;
  }
  check(schedule->latest_fire_between(start, next) == next,
        "the latest fire up to the next one is the next one");
  if (zone == "UTC") {
    for (Seconds fire : fires) {
      check(matches_in_utc(*parsed, fire), "in UTC a fire matches the expression");
    }
    // No minute between the start and the first fire may match (checked over two days).
    const Seconds first_minute = ceil<minutes>(start + seconds{1});
    for (Seconds minute = first_minute; minute < next && minute < first_minute + days{2};
         minute += minutes{1}) {
      check(!matches_in_utc(*parsed, minute), "no match is skipped before the first fire");
    }
  }
  return 0;
}
