#include "util/time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>

namespace certcron::util {
namespace {

bool read_int(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) {
    return false;
  }
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + width, out);
  return ec == std::errc{} && ptr == text.data() + pos + width;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to the proleptic Gregorian date (Howard Hinnant's civil_from_days):
// counted from 0000-03-01 so that the leap day ends a year, in 400-year eras of 146,097 days.
constexpr CivilDate civil_from_days(std::int64_t days) {
  days += 719468;  // 0000-03-01 to 1970-01-01
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);  // 0..146096
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned march_month = (5 * day_of_year + 2) / 153;  // 0 = March .. 11 = February
  const unsigned day = day_of_year - (153 * march_month + 2) / 5 + 1;
  const unsigned month = march_month < 10 ? march_month + 3 : march_month - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

char* write_two_digits(char* out, unsigned value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out + 2;
}

// What format_rfc3339 always did, for the years four digits do not hold.
char* write_rfc3339_general(char* out, Seconds instant) {
  auto day = std::chrono::floor<std::chrono::days>(instant);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{instant - day};
  const int written =
      std::snprintf(out, kRfc3339Capacity, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                    unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                    int(hms.minutes().count()), int(hms.seconds().count()));
  return out + std::min<std::size_t>(static_cast<std::size_t>(written), kRfc3339Capacity - 1);
}

}  // namespace

char* write_rfc3339(char* out, Seconds instant) {
  constexpr std::int64_t kFirst = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
  const std::int64_t seconds = instant.time_since_epoch().count();
  if (seconds < kFirst || seconds > kLast) {
    return write_rfc3339_general(out, instant);
  }
  const std::int64_t days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
  const CivilDate date = civil_from_days(days);
  const auto of_day = static_cast<unsigned>(seconds - days * 86400);  // 0..86399
  const auto year = static_cast<unsigned>(date.year);
  out = write_two_digits(out, year / 100);
  out = write_two_digits(out, year % 100);
  *out++ = '-';
  out = write_two_digits(out, date.month);
  *out++ = '-';
  out = write_two_digits(out, date.day);
  *out++ = 'T';
  out = write_two_digits(out, of_day / 3600);
  *out++ = ':';
  out = write_two_digits(out, of_day / 60 % 60);
  *out++ = ':';
  out = write_two_digits(out, of_day % 60);
  *out++ = 'Z';
  return out;
}

std::string format_rfc3339(Seconds instant) {
  char buffer[kRfc3339Capacity];
  return std::string(buffer, write_rfc3339(buffer, instant));
}

std::optional<std::chrono::sys_days> parse_date(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !read_int(text, 0, 4, y) ||
      !read_int(text, 5, 2, m) || !read_int(text, 8, 2, d)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{ymd};
}

std::string format_date(std::chrono::sys_days day) {
  const std::int64_t days = day.time_since_epoch().count();
  if (days >= -719528 && days <= 2932896) {  // 0000-01-01 .. 9999-12-31
    const CivilDate date = civil_from_days(days);
    char buffer[10];
    const auto year = static_cast<unsigned>(date.year);
    write_two_digits(buffer, year / 100);
    write_two_digits(buffer + 2, year % 100);
    buffer[4] = '-';
    write_two_digits(buffer + 5, date.month);
    buffer[7] = '-';
    write_two_digits(buffer + 8, date.day);
    return std::string(buffer, sizeof buffer);
  }
  std::chrono::year_month_day ymd{day};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buffer;
}

std::optional<Seconds> parse_rfc3339(std::string_view text) {
  if (text.size() < 20) {
    return std::nullopt;
  }
  auto day = parse_date(text.substr(0, 10));
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!day || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':' || !read_int(text, 11, 2, hh) || !read_int(text, 14, 2, mm) ||
      !read_int(text, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
      ++digits;
    }
    if (digits == 0) {
      return std::nullopt;
    }
  }
  std::chrono::seconds offset{0};
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    // UTC
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0;
    int om = 0;
    if (!read_int(zone, 1, 2, oh) || !read_int(zone, 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    if (zone[0] == '-') {
      offset = -offset;
    }
  } else {
    return std::nullopt;
  }
  // A leap second (:60) is read as the following second.
  return Seconds{*day} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
         std::chrono::seconds{ss} - offset;
}

}  // namespace certcron::util
