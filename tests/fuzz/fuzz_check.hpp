#pragma once

// What every fuzz target shares: the input as text, and a failed invariant that aborts so
// that libFuzzer reports it as a crash and keeps the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <source_location>
#include <string_view>

namespace certcron::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void check(bool holds, const char* what,
                  std::source_location where = std::source_location::current()) {
  if (!holds) {
    std::fprintf(stderr, "%s:%u: invariant failed: %s\n", where.file_name(),
                 static_cast<unsigned>(where.line()), what);
    std::abort();
  }
}

}  // namespace certcron::fuzz
