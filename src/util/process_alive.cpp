#include "util/process_alive.hpp"

#include <cerrno>
#include <csignal>

namespace certcron::util {

bool process_alive(std::int64_t pid) {
  if (pid <= 0) {
    return false;
  }
  // Signal 0 checks existence without signalling; EPERM means it exists but is not ours.
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace certcron::util
