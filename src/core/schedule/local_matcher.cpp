#include "core/schedule/local_matcher.hpp"

#include <bit>
#include <chrono>

namespace certcron::schedule {
namespace {

using namespace std::chrono;

// The lowest set bit at or above `from`, or -1.
int next_bit(std::uint64_t mask, int from) {
  if (from >= 64) {
    return -1;
  }
  std::uint64_t rest = mask >> from;
  return rest == 0 ? -1 : from + std::countr_zero(rest);
}

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

constexpr std::uint64_t kEveryWeek = (1ULL << 0) | (1ULL << 7) | (1ULL << 14) | (1ULL << 21) |
                                     (1ULL << 28);

}  // namespace

LocalMatcher::LocalMatcher(const CronExpression& cron)
    : minutes_(cron.minutes.to_ullong()),
      hours_(cron.hours.to_ullong()),
      days_of_month_(cron.days_of_month.to_ullong()),
      months_(cron.months.to_ullong()),
      days_of_week_(cron.days_of_week.to_ullong()),
      either_day_(cron.day_of_month_restricted && cron.day_of_week_restricted) {}

std::uint64_t LocalMatcher::day_mask(int year_number, unsigned month_number) const {
  const year_month ym{year{year_number}, month{month_number}};
  const unsigned length = unsigned((ym / last).day());
  const std::uint64_t valid = ((1ULL << length) - 1) << 1;
  // Day k+1 of the month falls on weekday (first + k) % 7, as do days k+8, k+15...
  const unsigned first = weekday{sys_days{ym / 1}}.c_encoding();
  std::uint64_t by_weekday = 0;
  for (unsigned k = 0; k < 7; ++k) {
    if ((days_of_week_ >> ((first + k) % 7)) & 1U) {
      by_weekday |= kEveryWeek << (k + 1);
    }
  }
  return valid & (either_day_ ? (days_of_month_ | by_weekday) : (days_of_month_ & by_weekday));
}

namespace {

// A local calendar position; moving to a later unit starts it at its first minute.
struct Position {
  int year;
  int month;
  int day;
  int hour;
  int minute;

  void start_year(int y) {
    year = y;
    start_month(1);
  }
  void start_month(int m) {
    month = m;
    start_day(1);
  }
  void start_day(int d) {
    day = d;
    start_hour(0);
  }
  void start_hour(int h) {
    hour = h;
    minute = 0;
  }
};

}  // namespace

LocalMinute LocalMatcher::next_match(LocalMinute from) const {
  const std::int64_t day_number = floor_div(from, 1440);
  const auto minute_of_day = static_cast<int>(from - day_number * 1440);
  const year_month_day date{sys_days{days{day_number}}};
  Position at{int(date.year()), static_cast<int>(unsigned(date.month())),
              static_cast<int>(unsigned(date.day())), minute_of_day / 60, minute_of_day % 60};
  const int last_year = at.year + 400;
  int mask_year = 0;
  int mask_month = 0;
  std::uint64_t days_here = 0;
  // Each step either settles a unit on a match or moves to the start of the next one.
  while (at.year <= last_year) {
    if (int m = next_bit(months_, at.month); m < 0) {
      at.start_year(at.year + 1);
      continue;
    } else if (m != at.month) {
      at.start_month(m);
    }
    if (mask_year != at.year || mask_month != at.month) {
      days_here = day_mask(at.year, static_cast<unsigned>(at.month));
      mask_year = at.year;
      mask_month = at.month;
    }
    if (int d = next_bit(days_here, at.day); d < 0) {
      at.start_month(at.month + 1);
      continue;
    } else if (d != at.day) {
      at.start_day(d);
    }
    if (int h = next_bit(hours_, at.hour); h < 0) {
      at.start_day(at.day + 1);
      continue;
    } else if (h != at.hour) {
      at.start_hour(h);
    }
    int minute = next_bit(minutes_, at.minute);
    if (minute < 0) {
      at.start_hour(at.hour + 1);
      continue;
    }
    const sys_days matched{year{at.year} / month{static_cast<unsigned>(at.month)} /
                           day{static_cast<unsigned>(at.day)}};
    return static_cast<LocalMinute>(matched.time_since_epoch().count()) * 1440 + at.hour * 60 +
           minute;
  }
  return kNoMatch;
}

}  // namespace certcron::schedule
