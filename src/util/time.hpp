#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::util {

using Seconds = std::chrono::sys_seconds;

// "2026-03-25T02:00:00Z": the one format certcron prints instants in.
std::string format_rfc3339(Seconds instant);

// Accepts RFC 3339 with 'Z' or a numeric offset ("2026-03-25T03:00:00+01:00"), optional
// fractional seconds (dropped), 'T' or ' ' as separator. nullopt when malformed.
std::optional<Seconds> parse_rfc3339(std::string_view text);

// A calendar date "YYYY-MM-DD" as days since the epoch; nullopt when malformed or invalid
// (2026-02-30).
std::optional<std::chrono::sys_days> parse_date(std::string_view text);
std::string format_date(std::chrono::sys_days day);

}  // namespace certcron::util
