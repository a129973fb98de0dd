#include "config/sync_file.hpp"

#include <doctest/doctest.h>

#include <string>

using certcron::ErrorKind;
using certcron::ScheduleType;
using certcron::config::read_sync_toml;

namespace {

// The message of the error reading `text` as "jobs.toml".
std::string error_for(std::string_view text) {
  auto file = read_sync_toml(text, "jobs.toml");
  REQUIRE_FALSE(file);
  CHECK(file.error().kind == ErrorKind::usage);
  return file.error().message;
}

}  // namespace

TEST_SUITE("config.sync_file") {
  TEST_CASE("every field of the seed is read, in file order, with each table's line") {
    auto file = read_sync_toml(R"(# jobs
[[job]]
name = "nightly_expiry_check"
type = "cron"
cron_expression = "0 2 * * *"
server_timezone = "Europe/Brussels"
grace_time_in_minutes = 10
description = "Remind mentors"
enabled = false

[[job]]
name = "quarter_hour"
type = "simple"
frequency_in_minutes = 15
)",
                               "jobs.toml");
    REQUIRE(file);
    REQUIRE(file->jobs.size() == 2);
    const auto& first = file->jobs[0];
    CHECK(first.name == "nightly_expiry_check");
    CHECK(first.type == ScheduleType::cron);
    CHECK(first.cron_expression == "0 2 * * *");
    CHECK(first.server_timezone == "Europe/Brussels");
    CHECK(first.grace_time_in_minutes == 10);
    CHECK(first.description == "Remind mentors");
    CHECK_FALSE(first.enabled);
    const auto& second = file->jobs[1];
    CHECK(second.type == ScheduleType::simple);
    CHECK(second.frequency_in_minutes == 15);
    CHECK_FALSE(second.cron_expression.has_value());
    CHECK_FALSE(second.server_timezone.has_value());
    CHECK_FALSE(second.grace_time_in_minutes.has_value());
    CHECK(second.enabled);
    CHECK(file->lines == std::vector<std::size_t>{2, 11});
  }

  TEST_CASE("a file without jobs is an empty list") {
    auto file = read_sync_toml("# nothing yet\n", "jobs.toml");
    REQUIRE(file);
    CHECK(file->jobs.empty());
  }

  TEST_CASE("wrong types name the key and its line") {
    CHECK(error_for("[[job]]\nname = \"a\"\nenabled = \"yes\"\n") ==
          "jobs.toml:3: 'job[0].enabled' must be true or false");
    CHECK(error_for("[[job]]\nname = \"a\"\n\n[[job]]\nname = 5\n") ==
          "jobs.toml:5: 'job[1].name' must be a string");
    CHECK(error_for("[[job]]\nname = \"a\"\nfrequency_in_minutes = \"15\"\n") ==
          "jobs.toml:3: 'job[0].frequency_in_minutes' must be an integer");
    CHECK(error_for("[[job]]\nname = \"a\"\ntype = \"weekly\"\n") ==
          "jobs.toml:3: 'job[0].type' must be \"cron\" or \"simple\" (got 'weekly')");
  }

  TEST_CASE("unknown keys are refused with a suggestion") {
    CHECK(error_for("[[job]]\nname = \"a\"\ncron_expresion = \"0 2 * * *\"\n") ==
          "jobs.toml:3: unknown key 'job[0].cron_expresion' (did you mean 'cron_expression'?)");
    CHECK(error_for("[[jobs]]\nname = \"a\"\n") ==
          "jobs.toml:1: unknown key 'jobs' (did you mean 'job'?)");
  }

  TEST_CASE("job must be an array of tables") {
    CHECK(error_for("[job]\nname = \"a\"\n") ==
          "jobs.toml:1: 'job' must be an array of tables: write each job as [[job]]");
  }

  TEST_CASE("a syntax error names its line and column") {
    CHECK(error_for("[[job]]\nname = \"a\n").starts_with("jobs.toml:2:"));
  }

  // Found by the sync_toml fuzz target: toml++ 3.3.0 asserts on these table headers, so
  // builds without NDEBUG (the asan preset) aborted instead of reporting the error.
  TEST_CASE("a table header that starts with neither a key nor a quote is a syntax error") {
    for (const char* text : {"[!", "[[[1]]]", "[[=", "[[job]]\n[!x]\n"}) {
      CAPTURE(text);
      CHECK(error_for(text).starts_with("jobs.toml:"));
    }
  }

  TEST_CASE("the earliest problem is reported first") {
    CHECK(error_for("[[job]]\nname = 1\n\n[[job]]\nenabled = 2\n") ==
          "jobs.toml:2: 'job[0].name' must be a string");
  }
}
