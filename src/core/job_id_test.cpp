// Job and run ids: "cron-" and "run-" with the sequence zero-padded to 3 and 4 digits, wider
// when the sequence needs it, and read back to the same sequence.

#include "core/job.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

namespace certcron {

TEST_SUITE("core.ids") {
  TEST_CASE("ids are padded to their width and grow past it") {
    CHECK(format_job_id(1) == "cron-001");
    CHECK(format_job_id(42) == "cron-042");
    CHECK(format_job_id(999) == "cron-999");
    CHECK(format_job_id(1000) == "cron-1000");
    CHECK(format_run_id(7) == "run-0007");
    CHECK(format_run_id(12345) == "run-12345");
    CHECK(format_job_id(std::numeric_limits<std::int64_t>::max()) == "cron-9223372036854775807");
  }

  TEST_CASE("an id reads back as its sequence") {
    for (std::int64_t seq : {std::int64_t{1}, std::int64_t{99}, std::int64_t{1000},
                             std::numeric_limits<std::int64_t>::max()}) {
      CAPTURE(seq);
      CHECK(parse_job_id(format_job_id(seq)) == seq);
      CHECK(parse_run_id(format_run_id(seq)) == seq);
    }
  }
}

}  // namespace certcron
