#pragma once

// Shorthands for the schedule tests: instants written as RFC 3339 text, fire lists as text.

#include "core/schedule/schedule.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace certcron::schedule::testing {

inline Seconds instant(std::string_view text) {
  auto parsed = util::parse_rfc3339(text);
  REQUIRE_MESSAGE(parsed.has_value(), "bad instant in test: ", std::string(text));
  return *parsed;
}

inline Schedule cron_in(std::string_view expression, std::string_view zone) {
  auto schedule = Schedule::cron(expression, zone);
  REQUIRE_MESSAGE(schedule.has_value(), "expected a valid schedule: ", std::string(expression));
  return *schedule;
}

// The next `count` fires after `from`, as UTC RFC 3339 text.
inline std::vector<std::string> fires(const Schedule& schedule, std::string_view from, int count) {
  std::vector<std::string> out;
  for (Seconds fire : schedule.next_fires_after(instant(from), count)) {
    out.push_back(util::format_rfc3339(fire));
  }
  return out;
}

inline std::vector<std::string> fires(std::string_view expression, std::string_view zone,
                                      std::string_view from, int count) {
  return fires(cron_in(expression, zone), from, count);
}

// The single message of a rejected expression (field "cron_expression").
inline std::string rejection(std::string_view expression) {
  auto parsed = CronExpression::parse(expression);
  REQUIRE_MESSAGE(!parsed.has_value(), "expected a rejection: ", std::string(expression));
  CHECK(parsed.error().kind == ErrorKind::validation);
  const auto& fields = parsed.error().fields;
  REQUIRE(fields.count("cron_expression") == 1);
  REQUIRE(fields.at("cron_expression").size() == 1);
  return fields.at("cron_expression").front();
}

}  // namespace certcron::schedule::testing
