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
      either_day_(cron.day_of_month_restricted && cron.day_of_week_restricted) {
  for (unsigned first = 0; first < 7; ++first) {
    std::uint64_t days = 0;
    for (unsigned k = 0; k < 7; ++k) {
      if (cron.days_of_week[(first + k) % 7]) {
        days |= kEveryWeek << (k + 1);
      }
    }
    weekday_days_[first] = days;
  }
}

std::uint64_t LocalMatcher::day_mask(int year_number, unsigned month_number) const {
  const year_month ym{year{year_number}, month{month_number}};
  const unsigned length = unsigned((ym / last).day());
  const std::uint64_t valid = ((1ULL << length) - 1) << 1;
  const std::uint64_t by_weekday =
      weekday_days_[weekday{sys_days{ym / 1}}.c_encoding()];
  return valid & (either_day_ ? (days_of_month_ | by_weekday) : (days_of_month_ & by_weekday));
}

LocalMinute LocalMatcher::next_match(LocalMinute from) const {
  const std::int64_t day_number = floor_div(from, 1440);
  const auto minute_of_day = static_cast<int>(from - day_number * 1440);
  const year_month_day date{sys_days{days{day_number}}};
  int y = int(date.year());
  int m = static_cast<int>(unsigned(date.month()));
  int d = static_cast<int>(unsigned(date.day()));
  int h = minute_of_day / 60;
  int mi = minute_of_day % 60;
  const int last_year = y + 400;
  int mask_year = 0;
  int mask_month = 0;
  std::uint64_t days_here = 0;
  while (y <= last_year) {
    int next_month = next_bit(months_, m);
    if (next_month < 0) {
      ++y, m = 1, d = 1, h = 0, mi = 0;
      continue;
    }
    if (next_month != m) {
      m = next_month, d = 1, h = 0, mi = 0;
    }
    if (mask_year != y || mask_month != m) {
      days_here = day_mask(y, static_cast<unsigned>(m));
      mask_year = y, mask_month = m;
    }
    int next_day = next_bit(days_here, d);
    if (next_day < 0) {
      ++m, d = 1, h = 0, mi = 0;
      continue;
    }
    if (next_day != d) {
      d = next_day, h = 0, mi = 0;
    }
    int next_hour = next_bit(hours_, h);
    if (next_hour < 0) {
      ++d, h = 0, mi = 0;
      continue;
    }
    if (next_hour != h) {
      h = next_hour, mi = 0;
    }
    int next_minute = next_bit(minutes_, mi);
    if (next_minute < 0) {
      ++h, mi = 0;
      continue;
    }
    const auto day_count = sys_days{year{y} / month{static_cast<unsigned>(m)} /
                                    day{static_cast<unsigned>(d)}}
                               .time_since_epoch()
                               .count();
    return static_cast<LocalMinute>(day_count) * 1440 + h * 60 + next_minute;
  }
  return kNoMatch;
}

}  // namespace certcron::schedule
