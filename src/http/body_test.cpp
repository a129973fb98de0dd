#include "http/body.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace certcron::http {

TEST_SUITE("http.body") {
  // JSON reads a whole number at or past 2^63 as unsigned; taken as int64 it would wrap to a
  // negative number and be judged as one ("must be at least 0") or, at 2^64 - 1, as -1.
  TEST_CASE("a whole number at or past 2^63 is out of range, not a negative number") {
    for (const std::string number : {"9223372036854775808", "18446744073709551615"}) {
      auto update = parse_update_body(R"({"grace_time_in_minutes": )" + number + "}");
      REQUIRE_FALSE(update);
      CHECK(update.error().kind == ErrorKind::validation);
      CHECK(update.error().fields.at("grace_time_in_minutes") ==
            std::vector<std::string>{"The grace_time_in_minutes is out of range."});
      auto snooze = parse_snooze_body(R"({"minutes": )" + number + "}");
      REQUIRE_FALSE(snooze);
      CHECK(snooze.error().fields.at("minutes") ==
            std::vector<std::string>{"The minutes is out of range."});
    }
    auto largest = parse_update_body(R"({"grace_time_in_minutes": 2147483647})");
    REQUIRE(largest);
    CHECK(largest->grace_time_in_minutes == 2147483647);
  }
}

}  // namespace certcron::http
