#pragma once

#include <cstdint>
#include <optional>

namespace certcron::util {

// When the process started, in clock ticks after boot (/proc/PID/stat, field 22): with the
// pid, it names one process, since a pid is reused once its process has ended. nullopt when
// there is no such process or /proc cannot be read.
std::optional<std::int64_t> process_start_ticks(std::int64_t pid);

// Whether the process with this id and start time still exists on this machine (it may
// belong to another user). A start time of 0 (not recorded) is not compared.
bool process_alive(std::int64_t pid, std::int64_t start_ticks);

}  // namespace certcron::util
