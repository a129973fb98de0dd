#pragma once

// Finds the next local wall-clock minute a cron expression matches, ignoring time zones.
// Works field by field (month, then day, hour, minute) with bit masks, so the cost does not
// depend on how far away the next match is.

#include "core/schedule/schedule.hpp"

#include <cstdint>

namespace certcron::schedule {

// Minutes since 1970-01-01 00:00 on the local wall clock.
using LocalMinute = std::int64_t;

inline constexpr LocalMinute kNoMatch = INT64_MAX;

class LocalMatcher {
 public:
  explicit LocalMatcher(const CronExpression& cron);

  // The first matching local minute at or after `from`; kNoMatch when none within 400 years
  // (one full cycle of the Gregorian calendar, so none ever).
  LocalMinute next_match(LocalMinute from) const;

 private:
  // Bit d (1..31) set when day d of that month matches the day fields.
  std::uint64_t day_mask(int year, unsigned month) const;

  std::uint64_t minutes_;
  std::uint64_t hours_;
  std::uint64_t days_of_month_;
  std::uint64_t months_;
  std::uint64_t days_of_week_;  // bits 0..6, 0 = Sunday
  bool either_day_;  // both day fields restricted: cron matches a day if either does
};

}  // namespace certcron::schedule
