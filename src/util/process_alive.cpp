#include "util/process_alive.hpp"

#include "util/file.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <string>

namespace certcron::util {

std::optional<std::int64_t> process_start_ticks(std::int64_t pid) {
  if (pid <= 0) {
    return std::nullopt;
  }
  auto read = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!read) {
    return std::nullopt;
  }
  const std::string& stat = *read;
  // The command name (field 2) is in parentheses and may hold spaces and ')': count fields
  // from the last ')', which is followed by field 3.
  auto close = stat.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::size_t at = close + 1;
  for (int field = 3; field <= 22; ++field) {
    at = stat.find_first_not_of(' ', at);
    if (at == std::string::npos) {
      return std::nullopt;
    }
    auto end = stat.find(' ', at);
    if (field == 22) {
      std::int64_t ticks = 0;
      auto last = end == std::string::npos ? stat.size() : end;
      auto [ptr, error] = std::from_chars(stat.data() + at, stat.data() + last, ticks);
      if (error != std::errc{} || ptr != stat.data() + last) {
        return std::nullopt;
      }
      return ticks;
    }
    if (end == std::string::npos) {
      return std::nullopt;
    }
    at = end;
  }
  return std::nullopt;
}

bool process_alive(std::int64_t pid, std::int64_t start_ticks) {
  if (pid <= 0) {
    return false;
  }
  // Signal 0 checks existence without signalling; EPERM means it exists but is not ours.
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) {
    return false;
  }
  if (start_ticks == 0) {
    return true;
  }
  // A process with this pid exists: it is the run's only if it started when the run's did.
  auto started = process_start_ticks(pid);
  return !started || *started == start_ticks;
}

}  // namespace certcron::util
