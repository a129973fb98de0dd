#pragma once

#include <cstdint>

namespace certcron::util {

// Whether a process with this id exists on this machine (it may belong to another user).
bool process_alive(std::int64_t pid);

}  // namespace certcron::util
