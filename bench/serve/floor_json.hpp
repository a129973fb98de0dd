#pragma once
// Hand-written JSON for the floor: appends to one reused string, no document tree.

#include <cstdint>
#include <string>
#include <string_view>

namespace floor_bench {

// A JSON string literal with the quotes, escaping what RFC 8259 requires.
void append_json_string(std::string& out, std::string_view text);
void append_int(std::string& out, std::int64_t value);
// "2026-03-30T02:00:00Z" with the quotes, from Unix seconds.
void append_rfc3339(std::string& out, std::int64_t seconds);

}  // namespace floor_bench
