#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::util {

using Seconds = std::chrono::sys_seconds;

// "2026-03-25T02:00:00Z": the one format certcron prints instants in.
std::string format_rfc3339(Seconds instant);

// Room for anything write_rfc3339 writes: 20 bytes in years 0000-9999, a few more outside.
inline constexpr std::size_t kRfc3339Capacity = 32;
// Writes format_rfc3339(instant) into `out` (kRfc3339Capacity bytes, not NUL-terminated)
// and returns the end of what it wrote. In years 0000-9999 it is fixed-width arithmetic with
// no formatting library and no allocation: `certcron next --count 1000` prints through it.
char* write_rfc3339(char* out, Seconds instant);

// Accepts RFC 3339 with 'Z' or a numeric offset ("2026-03-25T03:00:00+01:00"), optional
// fractional seconds (dropped), 'T' or ' ' as separator. nullopt when malformed.
std::optional<Seconds> parse_rfc3339(std::string_view text);

// A calendar date "YYYY-MM-DD" as days since the epoch; nullopt when malformed or invalid
// (2026-02-30).
std::optional<std::chrono::sys_days> parse_date(std::string_view text);
std::string format_date(std::chrono::sys_days day);

}  // namespace certcron::util
