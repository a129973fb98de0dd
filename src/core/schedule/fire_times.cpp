#include "core/schedule/fire_times.hpp"

#include <algorithm>

namespace certcron::schedule {
namespace {

using std::chrono::seconds;

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

std::int64_t ceil_div(std::int64_t value, std::int64_t divisor) {
  return -floor_div(-value, divisor);
}

// Local wall-clock seconds of an instant seen with `offset`.
std::int64_t local_seconds(Seconds instant, seconds offset) {
  return (instant.time_since_epoch() + offset).count();
}

}  // namespace

Seconds CronFireFinder::next_after(Seconds after) {
  if (after >= kLatestSupported) {
    return Seconds::max();
  }
  // Just before the range, so that a fire at its very start still comes strictly after.
  after = std::max(after, kEarliestSupported - seconds{1});
  std::size_t index = zone_.locate(after, period_hint_);
  ZoneTable::Period period = zone_.period(index);
  // The first whole local minute strictly after `after`.
  LocalMinute from = floor_div(local_seconds(after, period.offset), 60) + 1;
  while (true) {
    if (fixed_time_ && period.prev_offset > period.offset) {
      // The clock went back at period.begin: local times before the old offset's end were
      // already seen, and a fixed-time job fired on that first pass.
      from = std::max(from, ceil_div(local_seconds(period.begin, period.prev_offset), 60));
    }
    LocalMinute slot = matcher_.next_match(from);
    if (slot == kNoMatch) {
      return Seconds::max();
    }
    Seconds instant{seconds{slot * 60} - period.offset};
    if (instant < period.end) {
      period_hint_ = index;
      return instant <= kLatestSupported ? instant : Seconds::max();
    }
    // The slot lies past this period's end, where the offset changes.
    std::int64_t next_local_start = local_seconds(period.end, period.next_offset);
    if (period.next_offset > period.offset && fixed_time_ && slot * 60 < next_local_start) {
      // The slot's local time is skipped by the gap: fire as the clock lands after it.
      period_hint_ = index + 1;
      return period.end <= kLatestSupported ? period.end : Seconds::max();
    }
    from = ceil_div(next_local_start, 60);
    index += 1;
    period = zone_.period(index);
  }
}

}  // namespace certcron::schedule
