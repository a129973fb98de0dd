#pragma once

// A zone's UTC offsets as a flat table of periods, read once from its TZif file when the zone
// is located. Looking an instant up is a binary search (or a hint check) with no allocation,
// which is what keeps next-fire computation cheap.

#include "core/schedule/schedule.hpp"
#include "core/schedule/tzif.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace certcron::schedule {

class ZoneTable {
 public:
  // One stretch of constant UTC offset, with the offsets on either side of it (equal to
  // `offset` at the ends of the table). Adjacent periods always differ in offset.
  struct Period {
    Seconds begin;
    Seconds end;
    std::chrono::seconds offset;
    std::chrono::seconds prev_offset;
    std::chrono::seconds next_offset;
  };

  // Periods are appended in time order; the first one is taken to reach back to the
  // beginning of time. A period with the same offset as the last one extends it.
  void append(Seconds begin, std::chrono::seconds offset);

  std::size_t size() const { return begins_.size(); }
  // When the last period began (Seconds::min() for a single-period table).
  Seconds last_change() const { return begins_.back(); }
  // The index of the period containing `t`; `hint` (a previous answer) is tried first.
  std::size_t locate(Seconds t, std::size_t hint = 0) const;
  Period period(std::size_t index) const;
  std::chrono::seconds offset_at(Seconds t) const { return offsets_[locate(t)]; }

 private:
  std::vector<Seconds> begins_;
  std::vector<std::chrono::seconds> offsets_;
};

// The zone's listed changes, then its POSIX rule's changes up to the year 2400.
ZoneTable zone_table_from(const TzifHistory& history);

struct TimeZone::Impl {
  std::string name;
  ZoneTable table;
};

}  // namespace certcron::schedule
