#include "crontab/entries.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

using namespace certcron;
using namespace certcron::crontab;

namespace {

const CommandPaths kPaths{"/usr/bin/certcron", "/home/ana/.local/share/certcron/certcron.db",
                          "/home/ana/.local/state/certcron/cron.log"};

Job job(std::int64_t seq, std::string expression, std::string zone, bool enabled = true) {
  Job result;
  result.seq = seq;
  result.definition.name = "job" + std::to_string(seq);
  result.definition.type = ScheduleType::cron;
  result.definition.cron_expression = std::move(expression);
  result.definition.server_timezone = std::move(zone);
  result.definition.enabled = enabled;
  return result;
}

Job every_job(std::int64_t seq, int minutes) {
  Job result = job(seq, "", "UTC");
  result.definition.type = ScheduleType::simple;
  result.definition.frequency_in_minutes = minutes;
  return result;
}

std::vector<ManagedEntry> entries(const std::vector<Job>& jobs, std::string_view host = "UTC") {
  auto now = util::parse_rfc3339("2026-01-01T00:00:00Z").value();
  auto result = entries_for_jobs(jobs, kPaths, host, now);
  REQUIRE(result.has_value());
  return *result;
}

}  // namespace

TEST_SUITE("crontab.entries") {
  TEST_CASE("the execute line quotes every path and appends its output to the log") {
    CHECK(execute_command(kPaths, "cron-001") ==
          "'/usr/bin/certcron' --db '/home/ana/.local/share/certcron/certcron.db' execute cron-001 "
          "--scheduled >> '/home/ana/.local/state/certcron/cron.log' 2>&1");
    CHECK(monitor_command({"/opt/it's here/certcron", "/d b/c.db", ""}) ==
          "'/opt/it'\\''s here/certcron' --db '/d b/c.db' check --quiet");
  }

  TEST_CASE("one line per enabled job in id order, then the monitor line") {
    auto lines = entries({job(3, "0 4 * * *", "UTC"), job(1, "0 2 * * *", "UTC"),
                          job(2, "0 3 * * *", "UTC", false)});
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == ManagedEntry{"cron-001", "0 2 * * *", execute_command(kPaths, "cron-001")});
    CHECK(lines[1].tag == "cron-003");
    CHECK(lines[1].schedule_fields == "0 4 * * *");
    CHECK(lines[2] == ManagedEntry{"monitor", "*/5 * * * *", monitor_command(kPaths)});
  }

  TEST_CASE("without an enabled job there are no lines, not even the monitor") {
    CHECK(entries({}).empty());
    CHECK(entries({job(1, "0 2 * * *", "UTC", false)}).empty());
  }

  TEST_CASE("a job in another zone and an every-N job get their computed fields") {
    auto lines = entries({job(1, "30 2 * * *", "Asia/Kolkata"), every_job(2, 15)}, "UTC");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].schedule_fields == "0 21 * * *");
    CHECK(lines[1].schedule_fields == "0,15,30,45 * * * *");
  }

  TEST_CASE("a stored schedule that no longer parses is an error naming the job") {
    auto now = util::parse_rfc3339("2026-01-01T00:00:00Z").value();
    auto result = entries_for_jobs({job(7, "61 2 * * *", "UTC")}, kPaths, "UTC", now);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("cron-007") != std::string::npos);
    CHECK(result.error().message.find("minute") != std::string::npos);
  }

}  // TEST_SUITE
