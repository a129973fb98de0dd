#include "core/schedule/schedule_cache.hpp"

#include <charconv>
#include <string>

namespace certcron::schedule {

template <class Build>
const BuiltSchedule& ScheduleCache::find_or_build(Build build) {
  if (auto found = entries_.find(key_); found != entries_.end()) {
    return found->second;
  }
  if (entries_.size() >= capacity_) {
    entries_.clear();
  }
  Result<Schedule> schedule = build();
  std::string description = schedule ? schedule->describe() : std::string();
  return entries_.try_emplace(key_, BuiltSchedule{std::move(schedule), std::move(description)})
      .first->second;
}

namespace {

// The kind, the zone's length, the zone, then the rest: no two inputs give one key.
void make_key(std::string& key, char kind, std::string_view zone, std::string_view rest) {
  char length[24];
  const auto end = std::to_chars(length, length + sizeof length, zone.size()).ptr;
  key.assign(1, kind);
  key.append(length, end).push_back(':');
  key.append(zone);
  key.append(rest);
}

}  // namespace

const BuiltSchedule& ScheduleCache::cron(std::string_view expression, std::string_view zone) {
  make_key(key_, 'c', zone, expression);
  return find_or_build([&] { return Schedule::cron(expression, zone); });
}

const BuiltSchedule& ScheduleCache::every(int minutes, std::string_view zone) {
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, minutes).ptr;
  make_key(key_, 'e', zone, std::string_view(digits, static_cast<std::size_t>(end - digits)));
  return find_or_build([&] { return Schedule::every(minutes, zone); });
}

}  // namespace certcron::schedule
