#include "core/schedule/posix_tz.hpp"

#include <algorithm>
#include <cctype>

namespace certcron::schedule {
namespace {

using namespace std::chrono;

// A cursor over the TZ string; every reader returns false on malformed input.
struct Reader {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool take(char c) {
    if (peek() == c) {
      ++pos;
      return true;
    }
    return false;
  }

  bool number(int& out, int max) {
    std::size_t start = pos;
    long value = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek())) && pos - start < 4) {
      value = value * 10 + (text[pos++] - '0');
    }
    out = static_cast<int>(value);
    return pos > start && value <= max;
  }

  // "CET" or "<+1030>"
  bool name() {
    if (take('<')) {
      auto close = text.find('>', pos);
      if (close == std::string_view::npos) {
        return false;
      }
      pos = close + 1;
      return true;
    }
    std::size_t start = pos;
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) {
      ++pos;
    }
    return pos - start >= 3;
  }

  // [+-]hh[:mm[:ss]]: hours up to 24 in an offset, as POSIX says, and up to 167 in a rule's
  // time of day, as the TZif v3 extension allows (RFC 8536, 3.3.1).
  bool clock(seconds& out, int max_hours) {
    int sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    int hours = 0;
    int minutes = 0;
    int secs = 0;
    if (!number(hours, max_hours)) {
      return false;
    }
    if (take(':') && (!number(minutes, 59) || (take(':') && !number(secs, 59)))) {
      return false;
    }
    out = sign * (seconds{hours * 3600 + minutes * 60 + secs});
    return true;
  }
};

bool read_date_rule(Reader& in, PosixZoneRule::DateRule& rule) {
  using Kind = PosixZoneRule::DateRule::Kind;
  if (in.take('M')) {
    rule.kind = Kind::month_week_day;
    if (!in.number(rule.month, 12) || rule.month < 1 || !in.take('.') ||
        !in.number(rule.week, 5) || rule.week < 1 || !in.take('.') ||
        !in.number(rule.weekday, 6)) {
      return false;
    }
  } else if (in.take('J')) {
    rule.kind = Kind::julian_no_leap;
    if (!in.number(rule.day, 365) || rule.day < 1) {
      return false;
    }
  } else {
    rule.kind = Kind::zero_based;
    if (!in.number(rule.day, 365)) {
      return false;
    }
  }
  return !in.take('/') || in.clock(rule.time, 167);
}

}  // namespace

std::optional<PosixZoneRule> PosixZoneRule::parse(std::string_view text) {
  Reader in{text};
  PosixZoneRule rule;
  seconds west{0};
  if (!in.name() || !in.clock(west, 24)) {
    return std::nullopt;
  }
  // POSIX counts offsets westward: "CET-1" is UTC+1.
  rule.standard_offset_ = -west;
  if (in.done()) {
    return rule;
  }
  if (!in.name()) {
    return std::nullopt;
  }
  rule.has_dst_ = true;
  rule.dst_offset_ = rule.standard_offset_ + hours{1};
  if (in.peek() != ',' && !in.done()) {
    if (!in.clock(west, 24)) {
      return std::nullopt;
    }
    rule.dst_offset_ = -west;
  }
  if (!in.take(',') || !read_date_rule(in, rule.dst_start_) || !in.take(',') ||
      !read_date_rule(in, rule.dst_end_) || !in.done()) {
    return std::nullopt;
  }
  return rule;
}

sys_days PosixZoneRule::date_in(const DateRule& rule, int year_number) {
  const year y{year_number};
  switch (rule.kind) {
    case DateRule::Kind::month_week_day: {
      const weekday wd{static_cast<unsigned>(rule.weekday)};
      const month m{static_cast<unsigned>(rule.month)};
      if (rule.week == 5) {
        return sys_days{y / m / wd[last]};
      }
      return sys_days{y / m / wd[static_cast<unsigned>(rule.week)]};
    }
    case DateRule::Kind::julian_no_leap: {
      // Day 60 is always March 1st: Feb 29 is never counted.
      sys_days start{y / January / 1};
      int offset = rule.day - 1;
      if (y.is_leap() && rule.day >= 60) {
        offset += 1;
      }
      return start + days{offset};
    }
    case DateRule::Kind::zero_based:
      break;
  }
  return sys_days{y / January / 1} + days{rule.day};
}

std::vector<std::pair<sys_seconds, seconds>> PosixZoneRule::changes_in(int year_number) const {
  std::vector<std::pair<sys_seconds, seconds>> changes;
  if (!has_dst_) {
    return changes;
  }
  // Each change happens at a local time read on the clock in force before it.
  sys_seconds start = sys_seconds{date_in(dst_start_, year_number)} + dst_start_.time -
                      standard_offset_;
  sys_seconds end = sys_seconds{date_in(dst_end_, year_number)} + dst_end_.time - dst_offset_;
  changes.emplace_back(start, dst_offset_);
  changes.emplace_back(end, standard_offset_);
  std::ranges::sort(changes);
  return changes;
}

}  // namespace certcron::schedule
