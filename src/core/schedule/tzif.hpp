#pragma once

// A zone's UTC offset history read from its TZif file (RFC 8536), the format of every file
// under /usr/share/zoneinfo. Only what the schedule needs is kept: when the offset changed,
// to what, and the POSIX rule that continues the history past the last listed change.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certcron::schedule {

struct TzifHistory {
  // The offset before the first change: the file's time type 0, as RFC 8536 says, or that of
  // a change listed before -2^59 (older files mark the start of time at -2^63), which is not
  // kept among the changes.
  std::chrono::seconds initial_offset{0};
  // (instant, offset from then on), strictly ascending in time.
  std::vector<std::pair<std::chrono::sys_seconds, std::chrono::seconds>> changes;
  // The footer's POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"); empty in a version 1 file.
  std::string footer;
};

// nullopt for anything that is not a well-formed TZif file: a wrong magic, counts that run
// past the end, a type index out of range, times out of order, an offset beyond a day.
std::optional<TzifHistory> parse_tzif(std::string_view file);

}  // namespace certcron::schedule
