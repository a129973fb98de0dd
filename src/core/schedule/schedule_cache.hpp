#pragma once

// Schedules built from their definitions, kept for reuse: a page of jobs usually shares a few
// expressions and zones, and building one means parsing the expression, finding the zone and
// wording the description. One cache belongs to one thread (it is not locked).

#include "core/error.hpp"
#include "core/schedule/schedule.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace certcron::schedule {

// A schedule with its English description, or why it could not be built.
struct BuiltSchedule {
  Result<Schedule> schedule;
  std::string description;  // Schedule::describe(); empty when the schedule did not build
};

class ScheduleCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 64;

  explicit ScheduleCache(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Schedule::cron(expression, zone) and Schedule::every(minutes, zone), built on the first
  // ask. The reference stays valid until the next call. When full, the cache starts over, so
  // it never holds more than its capacity.
  const BuiltSchedule& cron(std::string_view expression, std::string_view zone);
  const BuiltSchedule& every(int minutes, std::string_view zone);

  std::size_t size() const { return entries_.size(); }

 private:
  template <class Build>
  const BuiltSchedule& find_or_build(Build build);

  std::size_t capacity_;
  std::string key_;  // reused, so a hit allocates nothing
  std::unordered_map<std::string, BuiltSchedule> entries_;
};

}  // namespace certcron::schedule
