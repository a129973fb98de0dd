#include "util/constant_time.hpp"

#include <doctest/doctest.h>

namespace certcron::util {

TEST_SUITE("util.constant_time") {
  TEST_CASE("equal strings match; a different byte, a prefix or an extension does not") {
    CHECK(constant_time_equals("s3cret", "s3cret"));
    CHECK(constant_time_equals("", ""));
    CHECK_FALSE(constant_time_equals("s3creT", "s3cret"));
    CHECK_FALSE(constant_time_equals("s3cre", "s3cret"));
    CHECK_FALSE(constant_time_equals("s3crett", "s3cret"));
    CHECK_FALSE(constant_time_equals("", "s3cret"));
  }

  TEST_CASE("a NUL byte past the secret's end is not taken for its end") {
    using namespace std::string_view_literals;
    CHECK_FALSE(constant_time_equals("abc\0"sv, "abc"sv));
  }
}

}  // namespace certcron::util
