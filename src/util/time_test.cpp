#include "util/time.hpp"

#include <date/date.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>

using certcron::util::format_date;
using certcron::util::format_rfc3339;
using certcron::util::kRfc3339Capacity;
using certcron::util::Seconds;
using certcron::util::write_rfc3339;

namespace {

// How instants were printed before write_rfc3339: the standard library's calendar and printf.
std::string reference_rfc3339(Seconds instant) {
  auto day = std::chrono::floor<std::chrono::days>(instant);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{instant - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buffer;
}

std::string written(Seconds instant) {
  char buffer[kRfc3339Capacity];
  return std::string(buffer, write_rfc3339(buffer, instant));
}

Seconds at(std::int64_t seconds) {
  return Seconds{std::chrono::seconds{seconds}};
}

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kYear0 = -62167219200;      // 0000-01-01T00:00:00Z
constexpr std::int64_t kYear10000 = 253402300800;  // 10000-01-01T00:00:00Z

}  // namespace

TEST_SUITE("util.time") {
  TEST_CASE("write_rfc3339 writes the fixed-width form at known instants") {
    CHECK(written(at(0)) == "1970-01-01T00:00:00Z");
    CHECK(written(at(-1)) == "1969-12-31T23:59:59Z");
    CHECK(written(at(951782400)) == "2000-02-29T00:00:00Z");    // 2000 is a leap year
    CHECK(written(at(-2203891200)) == "1900-03-01T00:00:00Z");  // 1900 is not
    CHECK(written(at(1709208000)) == "2024-02-29T12:00:00Z");
    CHECK(written(at(2147483647)) == "2038-01-19T03:14:07Z");
    CHECK(written(at(2147483648)) == "2038-01-19T03:14:08Z");
    CHECK(written(at(kYear0)) == "0000-01-01T00:00:00Z");
    CHECK(written(at(kYear10000 - 1)) == "9999-12-31T23:59:59Z");
  }

  TEST_CASE("write_rfc3339 agrees with the calendar libraries on every day from 1900 to 2500") {
    const std::int64_t first = -2208988800;  // 1900-01-01
    const std::int64_t last = 16725225600;   // 2500-01-01
    std::int64_t seconds_of_day = 0;
    for (std::int64_t t = first; t < last; t += kDay) {
      // A different time of day each day, walking through all of them.
      seconds_of_day = (seconds_of_day + 7919) % kDay;
      const Seconds instant = at(t + seconds_of_day);
      const std::string got = written(instant);
      if (got != reference_rfc3339(instant) || got != date::format("%FT%TZ", instant)) {
        FAIL_CHECK("differs at " << t + seconds_of_day << ": " << got << " / "
                                 << reference_rfc3339(instant));
        break;
      }
    }
  }

  TEST_CASE("write_rfc3339 agrees with the reference across years 0 to 9999 and past them") {
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    int checked = 0;
    for (std::int64_t t = kYear0 - 40 * kDay; t < kYear10000 + 40 * kDay;) {
      const Seconds instant = at(t);
      REQUIRE(written(instant) == reference_rfc3339(instant));
      REQUIRE(format_rfc3339(instant) == reference_rfc3339(instant));
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      t += 1 + static_cast<std::int64_t>(state % (9 * kDay));  // under nine days a step
      ++checked;
    }
    CHECK(checked > 700000);
    CHECK(written(at(kYear10000)) == "10000-01-01T00:00:00Z");  // past four digits: as before
    CHECK(written(at(kYear0 - 1)) == reference_rfc3339(at(kYear0 - 1)));
  }

  TEST_CASE("format_date agrees with the reference in and out of four-digit years") {
    for (std::int64_t day = -719528 - 400; day <= 2932896 + 400; day += 97) {
      const std::chrono::sys_days d{std::chrono::days{day}};
      REQUIRE(format_date(d) == reference_rfc3339(d).substr(0, reference_rfc3339(d).find('T')));
    }
    CHECK(format_date(std::chrono::sys_days{std::chrono::days{0}}) == "1970-01-01");
  }
}
