#include "floor_schedule.hpp"


#include <array>
#include <bit>
#include <string>
#include <charconv>

namespace floor_bench {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kWeekdayNames{"sun", "mon", "tue", "wed",
                                                        "thu", "fri", "sat"};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != b[i]) {
      return false;
    }
  }
  return true;
}

// A number or, in the month and weekday fields, a three-letter name.
bool parse_value(std::string_view text, int field, int& value) {
  if (text.empty()) {
    return false;
  }
  if (field == 3 || field == 4) {
    if (field == 3) {
      for (std::size_t i = 0; i < kMonthNames.size(); ++i) {
        if (equal_ignoring_case(text, kMonthNames[i])) {
          value = static_cast<int>(i) + 1;
          return true;
        }
      }
    } else {
      for (std::size_t i = 0; i < kWeekdayNames.size(); ++i) {
        if (equal_ignoring_case(text, kWeekdayNames[i])) {
          value = static_cast<int>(i);
          return true;
        }
      }
    }
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

// One field (a comma list of `*`, `a`, `a-b`, each with an optional `/step`) into a bit mask.
bool parse_field(std::string_view text, int field, std::uint64_t& mask) {
  static constexpr std::array<int, 5> kLow{0, 0, 1, 1, 0};
  static constexpr std::array<int, 5> kHigh{59, 23, 31, 12, 7};
  const int low = kLow[static_cast<std::size_t>(field)];
  const int high = kHigh[static_cast<std::size_t>(field)];
  mask = 0;
  while (true) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    int step = 1;
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
      if (!parse_value(item.substr(slash + 1), -1, step) || step <= 0) {
        return false;
      }
      item = item.substr(0, slash);
    }
    int first = low;
    int last = high;
    if (item == "*") {
      // the whole range
    } else if (const auto dash = item.find('-'); dash != std::string_view::npos) {
      if (!parse_value(item.substr(0, dash), field, first) ||
          !parse_value(item.substr(dash + 1), field, last)) {
        return false;
      }
    } else {
      if (!parse_value(item, field, first)) {
        return false;
      }
      // `5/15` means 5 to the end of the range, every 15; a plain `5` is just 5.
      last = step > 1 ? high : first;
    }
    if (first < low || last > high || first > last) {
      return false;
    }
    for (int v = first; v <= last; v += step) {
      mask |= std::uint64_t{1} << v;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    text = text.substr(comma + 1);
  }
  return true;
}

std::string_view macro_expansion(std::string_view expression) {
  if (expression == "@yearly" || expression == "@annually") {
    return "0 0 1 1 *";
  }
  if (expression == "@monthly") {
    return "0 0 1 * *";
  }
  if (expression == "@weekly") {
    return "0 0 * * 0";
  }
  if (expression == "@daily" || expression == "@midnight") {
    return "0 0 * * *";
  }
  if (expression == "@hourly") {
    return "0 * * * *";
  }
  return expression;
}

// Howard Hinnant's civil calendar algorithms.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
    return 29;
  }
  return kDays[m - 1];
}

// The lowest set bit of `mask` at or above `from`, or -1.
int next_bit(std::uint64_t mask, int from) {
  if (from >= 64) {
    return -1;
  }
  const std::uint64_t rest = mask >> from;
  return rest == 0 ? -1 : from + std::countr_zero(rest);
}

}  // namespace

std::optional<CronFields> parse_cron(std::string_view expression) {
  expression = macro_expansion(expression);
  std::array<std::string_view, 5> parts;
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < expression.size()) {
    while (i < expression.size() && (expression[i] == ' ' || expression[i] == '\t')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < expression.size() && expression[i] != ' ' && expression[i] != '\t') {
      ++i;
    }
    if (i > start) {
      if (count == parts.size()) {
        return std::nullopt;
      }
      parts[count++] = expression.substr(start, i - start);
    }
  }
  if (count != parts.size()) {
    return std::nullopt;
  }
  std::array<std::uint64_t, 5> masks{};
  for (std::size_t f = 0; f < parts.size(); ++f) {
    if (!parse_field(parts[f], static_cast<int>(f), masks[f])) {
      return std::nullopt;
    }
  }
  CronFields fields;
  fields.minutes = masks[0];
  fields.hours = static_cast<std::uint32_t>(masks[1]);
  fields.days = static_cast<std::uint32_t>(masks[2]);
  fields.months = static_cast<std::uint16_t>(masks[3]);
  // 7 is Sunday too.
  fields.weekdays = static_cast<std::uint8_t>((masks[4] | (masks[4] >> 7)) & 0x7f);
  fields.days_star = parts[2].front() == '*';
  fields.weekdays_star = parts[4].front() == '*';
  return fields;
}

std::optional<std::int64_t> next_fire_utc(const CronFields& f, std::int64_t after) {
  // Start at the next whole minute and move forward a field at a time.
  const std::int64_t start = (after >= 0 ? after / 60 : (after - 59) / 60) + 1;
  std::int64_t day_number = start >= 0 ? start / 1440 : (start - 1439) / 1440;
  int minute_of_day = static_cast<int>(start - day_number * 1440);
  int hour = minute_of_day / 60;
  int minute = minute_of_day % 60;
  // Civil date of day_number.
  std::int64_t z = day_number + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  unsigned day = doy - (153 * mp + 2) / 5 + 1;
  unsigned month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);

  const std::int64_t last_year = year + 8;
  while (year <= last_year) {
    if ((f.months >> month & 1U) == 0) {
      day = 1;
      hour = 0;
      minute = 0;
      if (++month > 12) {
        month = 1;
        ++year;
      }
      continue;
    }
    const auto weekday = static_cast<unsigned>(((days_from_civil(year, month, day) % 7) + 11) % 7);
    const bool dom = (f.days >> day & 1U) != 0;
    const bool dow = (f.weekdays >> weekday & 1U) != 0;
    const bool day_matches = (f.days_star || f.weekdays_star) ? (dom && dow) : (dom || dow);
    if (!day_matches) {
      hour = 0;
      minute = 0;
      if (++day > days_in_month(year, month)) {
        day = 1;
        if (++month > 12) {
          month = 1;
          ++year;
        }
      }
      continue;
    }
    const int h = next_bit(f.hours, hour);
    if (h < 0) {
      hour = 24;  // no hour left today: next day
    } else {
      if (h != hour) {
        hour = h;
        minute = 0;
      }
      const int m = next_bit(f.minutes, minute);
      if (m >= 0) {
        return (days_from_civil(year, month, day) * 1440 + hour * 60 + m) * 60;
      }
      ++hour;
      minute = 0;
      if (hour < 24) {
        continue;
      }
    }
    hour = 0;
    minute = 0;
    if (++day > days_in_month(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
  return std::nullopt;
}

std::int64_t next_slot_every(std::int64_t minutes, std::int64_t after) {
  const std::int64_t period = minutes * 60;
  const std::int64_t slot = after >= 0 ? after / period : (after - period + 1) / period;
  return (slot + 1) * period;
}

}  // namespace floor_bench

namespace floor_bench {
namespace {

constexpr std::array<std::string_view, 7> kWeekdayWords{
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthWords{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

void append_two_digits(std::string& out, int value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

void append_number(std::string& out, int value) {
  char text[12];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  out.append(text, end);
}

// The step N when `mask` is exactly {low, low+N, low+2N, ...} up to `high`; else 0.
int even_step(std::uint64_t mask, int low, int high) {
  if ((mask & 1ULL << low) == 0) {
    return 0;
  }
  const int second = next_bit(mask, low + 1);
  if (second < 0) {
    return 0;
  }
  const int step = second - low;
  std::uint64_t expected = 0;
  for (int v = low; v <= high; v += step) {
    expected |= 1ULL << v;
  }
  return expected == mask ? step : 0;
}

// {first..last} when the set bits of `mask` are one run, else false.
bool one_range(std::uint64_t mask, int& first, int& last) {
  first = std::countr_zero(mask);
  last = 63 - std::countl_zero(mask);
  return last > first && std::popcount(mask) == last - first + 1;
}

// "a, b and c" of the set bits, each written by `word`.
template <typename Word>
void append_list(std::string& out, std::uint64_t mask, Word word) {
  int remaining = std::popcount(mask);
  for (int v = next_bit(mask, 0); v >= 0; v = next_bit(mask, v + 1)) {
    word(v);
    --remaining;
    out.append(remaining > 1 ? ", " : remaining == 1 ? " and " : "");
  }
}

}  // namespace

// English in the manner of certcron's text ("At 02:00", "Every 5 minutes, between 09:00 and
// 17:59, Monday through Friday"), built from the masks on every call; checked word for word
// against certcron only for the benchmark's expression.
void describe_cron(const CronFields& f, std::string& out) {
  constexpr std::uint64_t kAllMinutes = (1ULL << 60) - 1;
  constexpr std::uint32_t kAllHours = (1U << 24) - 1;
  const bool one_minute = std::popcount(f.minutes) == 1;
  const bool one_hour = std::popcount(f.hours) == 1;
  if (one_minute && one_hour) {
    out.append("At ");
    append_two_digits(out, std::countr_zero(f.hours));
    out.push_back(':');
    append_two_digits(out, std::countr_zero(f.minutes));
  } else if (f.minutes == 1 && even_step(f.hours, 0, 23) > 1) {
    out.append("Every ");
    append_number(out, even_step(f.hours, 0, 23));
    out.append(" hours");
  } else {
    if (f.minutes == kAllMinutes) {
      out.append("Every minute");
    } else if (const int step = even_step(f.minutes, 0, 59); step > 0) {
      out.append("Every ");
      append_number(out, step);
      out.append(" minutes");
    } else {
      out.append(one_minute ? "At minute " : "At minutes ");
      append_list(out, f.minutes, [&](int v) { append_number(out, v); });
      out.append(" past the hour");
    }
    int first = 0;
    int last = 0;
    if (f.hours == kAllHours) {
      // every hour
    } else if (one_range(f.hours, first, last)) {
      out.append(", between ");
      append_two_digits(out, first);
      out.append(":00 and ");
      append_two_digits(out, last);
      out.append(":59");
    } else if (const int step = even_step(f.hours, 0, 23); step > 0) {
      out.append(", every ");
      append_number(out, step);
      out.append(" hours");
    } else {
      out.append(", at ");
      append_list(out, f.hours, [&](int v) {
        append_two_digits(out, v);
        out.append(":00");
      });
    }
  }
  if (!f.days_star) {
    out.append(", on day ");
    append_list(out, f.days, [&](int v) { append_number(out, v); });
    out.append(" of the month");
  }
  if (!f.weekdays_star) {
    int first = 0;
    int last = 0;
    if (one_range(f.weekdays, first, last)) {
      out.append(", ").append(kWeekdayWords[static_cast<std::size_t>(first)]).append(" through ");
      out.append(kWeekdayWords[static_cast<std::size_t>(last)]);
    } else {
      out.append(", only on ");
      append_list(out, f.weekdays,
                   [&](int v) { out.append(kWeekdayWords[static_cast<std::size_t>(v)]); });
    }
  }
  if (f.months != 0x1ffe) {
    out.append(", only in ");
    append_list(out, f.months,
                [&](int v) { out.append(kMonthWords[static_cast<std::size_t>(v - 1)]); });
  }
}

}  // namespace floor_bench
