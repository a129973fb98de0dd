#include "core/clock.hpp"

#include "util/time.hpp"

#include <cstdlib>
#include <string>

namespace certcron {

Result<std::optional<Seconds>> read_pinned_now(const char* value) {
  if (value == nullptr || *value == '\0') {
    return std::optional<Seconds>{};
  }
  if (auto instant = util::parse_rfc3339(value)) {
    return std::optional<Seconds>{*instant};
  }
  return fail(Error::usage("CERTCRON_NOW is '" + std::string(value) +
                           "', not an RFC 3339 instant; give one such as "
                           "2026-03-25T02:03:00Z, or unset it to use the system clock"));
}

Result<SystemClock> SystemClock::from_environment() {
  auto pinned = read_pinned_now(std::getenv("CERTCRON_NOW"));
  if (!pinned) {
    return fail(pinned.error());
  }
  return SystemClock(*pinned);
}

Seconds SystemClock::now() const {
  if (pinned_) {
    return *pinned_;
  }
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace certcron
