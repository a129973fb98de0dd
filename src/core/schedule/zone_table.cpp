#include "core/schedule/zone_table.hpp"

#include <algorithm>

namespace certcron::schedule {

void ZoneTable::append(Seconds begin, std::chrono::seconds offset) {
  if (!offsets_.empty() && offsets_.back() == offset) {
    return;
  }
  begins_.push_back(begins_.empty() ? Seconds::min() : begin);
  offsets_.push_back(offset);
}

std::size_t ZoneTable::locate(Seconds t, std::size_t hint) const {
  auto contains = [&](std::size_t i) {
    return i < begins_.size() && begins_[i] <= t &&
           (i + 1 == begins_.size() || t < begins_[i + 1]);
  };
  if (contains(hint)) {
    return hint;
  }
  if (contains(hint + 1)) {
    return hint + 1;
  }
  auto after = std::upper_bound(begins_.begin(), begins_.end(), t);
  return after == begins_.begin() ? 0 : static_cast<std::size_t>(after - begins_.begin()) - 1;
}

ZoneTable::Period ZoneTable::period(std::size_t index) const {
  Period out{};
  out.begin = begins_[index];
  out.offset = offsets_[index];
  bool last = index + 1 == begins_.size();
  out.end = last ? Seconds::max() : begins_[index + 1];
  out.prev_offset = index == 0 ? out.offset : offsets_[index - 1];
  out.next_offset = last ? out.offset : offsets_[index + 1];
  return out;
}

}  // namespace certcron::schedule
