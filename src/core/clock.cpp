#include "core/clock.hpp"

#include "util/time.hpp"

#include <cstdlib>

namespace certcron {

Seconds SystemClock::now() const {
  // CERTCRON_NOW pins "now" for end-to-end tests and demos; malformed values are ignored
  // rather than failing every command.
  if (const char* pinned = std::getenv("CERTCRON_NOW"); pinned && *pinned) {
    if (auto instant = util::parse_rfc3339(pinned)) {
      return *instant;
    }
  }
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace certcron
