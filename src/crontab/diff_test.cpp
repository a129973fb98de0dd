#include "crontab/diff.hpp"

#include <doctest/doctest.h>

using certcron::crontab::line_diff;

TEST_SUITE("crontab.diff") {
  TEST_CASE("equal texts have no diff") {
    CHECK(line_diff("a\nb\n", "a\nb\n").empty());
  }

  TEST_CASE("a changed line shows as removed then added, with the rest as context") {
    CHECK(line_diff("# BEGIN\n0 3 * * * x\n# END\n", "# BEGIN\n0 2 * * * x\n# END\n") ==
          "--- installed\n+++ expected\n"
          " # BEGIN\n"
          "-0 3 * * * x\n"
          "+0 2 * * * x\n"
          " # END\n");
  }

  TEST_CASE("a missing block diffs as all lines added, and an extra one as all removed") {
    CHECK(line_diff("", "a\nb\n") == "--- installed\n+++ expected\n+a\n+b\n");
    CHECK(line_diff("a\n", "", "x", "y") == "--- x\n+++ y\n-a\n");
  }

  TEST_CASE("inserted and deleted lines keep the common lines as context") {
    CHECK(line_diff("a\nb\nc\n", "a\nc\nd\n") == "--- installed\n+++ expected\n a\n-b\n c\n+d\n");
  }

  TEST_CASE("a missing final newline is a difference and is shown") {
    CHECK(line_diff("a\nb", "a\nb\n") ==
          "--- installed\n+++ expected\n a\n-b\n\\ No newline at end of file\n+b\n");
  }

}  // TEST_SUITE
