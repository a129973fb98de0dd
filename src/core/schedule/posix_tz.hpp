#pragma once

// The POSIX TZ rule at the end of a TZif file (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"), which
// gives a zone's offsets after its last listed transition. Debian's files list transitions up
// to 2037 only, so without this rule every zone would stop changing clocks in 2038.

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace certcron::schedule {

class PosixZoneRule {
 public:
  // nullopt for text that is not a POSIX TZ string.
  static std::optional<PosixZoneRule> parse(std::string_view text);

  bool has_dst() const { return has_dst_; }
  std::chrono::seconds standard_offset() const { return standard_offset_; }

  // The offset changes in a calendar year, in time order: (instant, offset from then on).
  std::vector<std::pair<std::chrono::sys_seconds, std::chrono::seconds>> changes_in(int year) const;

  // When in the year a change happens: Mm.w.d (week w of month m, 5 = last; weekday d),
  // Jn (day 1..365, never counting Feb 29) or n (day 0..365 counting it).
  struct DateRule {
    enum class Kind { month_week_day, julian_no_leap, zero_based };
    Kind kind = Kind::month_week_day;
    int month = 0;
    int week = 0;
    int weekday = 0;
    int day = 0;
    std::chrono::seconds time{7200};  // local time of day; may be negative or past 24h
  };

 private:
  static std::chrono::sys_days date_in(const DateRule& rule, int year);

  std::chrono::seconds standard_offset_{0};
  std::chrono::seconds dst_offset_{0};
  bool has_dst_ = false;
  DateRule dst_start_;
  DateRule dst_end_;
};

}  // namespace certcron::schedule
