#pragma once

// Fire instants of a cron expression in a zone, with the cron daemon's DST behaviour:
// - a fixed-time job (neither minute nor hour starts with '*') whose local slot falls in a
//   gap (spring forward) fires once, at the first instant after the gap; in a repeated
//   stretch (fall back) it fires once, on the first pass;
// - a wildcard job follows the wall clock: slots in a gap are skipped, slots in a repeated
//   stretch fire on both passes.

#include "core/schedule/local_matcher.hpp"
#include "core/schedule/zone_table.hpp"

#include <cstddef>

namespace certcron::schedule {

// Instants this far out are beyond any schedule's horizon; computing past them would leave
// std::chrono's calendar range.
inline constexpr Seconds kEarliestSupported{std::chrono::sys_days{std::chrono::year{1} / 1 / 1}};
inline constexpr Seconds kLatestSupported{std::chrono::sys_days{std::chrono::year{9999} / 1 / 1}};

class CronFireFinder {
 public:
  CronFireFinder(const CronExpression& cron, const ZoneTable& zone)
      : matcher_(cron), fixed_time_(cron.fixed_time), zone_(zone) {}

  // The first fire instant strictly after `after`; Seconds::max() when there is none.
  // Remembers the zone period it ended in, so walking forward through successive fires
  // does not search the zone table again.
  Seconds next_after(Seconds after);

 private:
  LocalMatcher matcher_;
  bool fixed_time_;
  const ZoneTable& zone_;
  std::size_t period_hint_ = 0;
};

}  // namespace certcron::schedule
