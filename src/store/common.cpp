#include "store/common.hpp"

#include "util/time.hpp"

#include <array>
#include <cstdio>
#include <random>

namespace certcron::store {

Error duplicate_name_error() {
  return Error::invalid("name", "There already exist a cron check with this name.");
}

std::string random_uuid() {
  std::random_device device;
  std::array<unsigned, 4> words{device(), device(), device(), device()};
  words[1] = (words[1] & 0xffff0fffu) | 0x00004000u;  // version 4
  words[2] = (words[2] & 0x3fffffffu) | 0x80000000u;  // RFC 4122 variant
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08x-%04x-%04x-%04x-%04x%08x", words[0], words[1] >> 16,
                words[1] & 0xffffu, words[2] >> 16, words[2] & 0xffffu, words[3]);
  return buffer;
}

Error run_conflict(JobStore& store, const Run& refused) {
  auto holder = store.running_run(refused.job_seq);
  if (!holder) {
    // Not knowing which rule was broken, say nothing rather than guess one.
    return holder.error();
  }
  if (*holder) {
    const Run& other = **holder;
    return Error::conflict("job " + refused.job_id() + " is already running (" + other.id() +
                           ", started " + util::format_rfc3339(other.started_at) + ", pid " +
                           std::to_string(other.pid) + ")");
  }
  if (refused.scheduled_for) {
    return Error::conflict("job " + refused.job_id() + " already has a run for the slot " +
                           util::format_rfc3339(*refused.scheduled_for));
  }
  // Outside a transaction the running run may have finished since the insert was refused.
  return Error::conflict("job " + refused.job_id() + " was already running; try again");
}

}  // namespace certcron::store
