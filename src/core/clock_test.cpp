#include "core/clock.hpp"

#include <doctest/doctest.h>

namespace certcron {

TEST_SUITE("core.clock") {
  TEST_CASE("CERTCRON_NOW unset or empty leaves the system clock") {
    auto unset = read_pinned_now(nullptr);
    REQUIRE(unset);
    CHECK_FALSE(*unset);
    auto empty = read_pinned_now("");
    REQUIRE(empty);
    CHECK_FALSE(*empty);
  }

  TEST_CASE("CERTCRON_NOW as an RFC 3339 instant pins now, whatever the offset") {
    auto pinned = read_pinned_now("2026-03-25T03:03:00+01:00");
    REQUIRE(pinned);
    REQUIRE(*pinned);
    CHECK(SystemClock(*pinned).now().time_since_epoch() ==
          std::chrono::seconds{1774404180});  // 2026-03-25T02:03:00Z
  }

  TEST_CASE("a malformed CERTCRON_NOW is a usage error naming the variable and the format") {
    for (const char* value : {"yesterday", "2026-03-25", "2026-03-25 02:03:00", "2026-02-30T00:00:00Z",
                              "2026-03-25T02:03:00Zjunk", " "}) {
      auto pinned = read_pinned_now(value);
      REQUIRE_FALSE(pinned);
      CHECK(pinned.error().kind == ErrorKind::usage);
      CHECK(pinned.error().message.find("CERTCRON_NOW") != std::string::npos);
      CHECK(pinned.error().message.find("RFC 3339") != std::string::npos);
      CHECK(pinned.error().message.find(std::string("'") + value + "'") != std::string::npos);
    }
  }

  TEST_CASE("the system clock without a pin follows the wall clock") {
    const auto before = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());
    const Seconds now = SystemClock().now();
    CHECK(now >= before);
    CHECK(now - before < std::chrono::minutes{1});
  }
}

}  // namespace certcron
