#pragma once

// Values the conformance cases build (jobs, runs, flips, pings, certification rows) and the
// checks on results that name the caller's line when they fail.

#include "core/flip.hpp"
#include "core/job.hpp"
#include "core/ping_store.hpp"
#include "core/reminders/reminder_store.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <source_location>
#include <string>
#include <utility>

namespace certcron::conformance {

inline constexpr std::int64_t kDay = 86400;

inline Seconds at(std::int64_t seconds) { return Seconds{std::chrono::seconds{seconds}}; }

// The value of `result`; fails the case (at the caller's line) when it is an error.
template <class T>
T take(Result<T> result, std::source_location where = std::source_location::current()) {
  if (!result) {
    ADD_FAIL_AT(where.file_name(), static_cast<int>(where.line()),
                "unexpected error: " << describe(result.error()));
  }
  return std::move(*result);
}

inline void ok(const Result<void>& result,
               std::source_location where = std::source_location::current()) {
  if (!result) {
    ADD_FAIL_AT(where.file_name(), static_cast<int>(where.line()),
                "unexpected error: " << describe(result.error()));
  }
}

// The error of `result`; fails the case when it succeeded.
template <class T>
Error error_of(const Result<T>& result,
               std::source_location where = std::source_location::current()) {
  if (result) {
    ADD_FAIL_AT(where.file_name(), static_cast<int>(where.line()), "expected an error");
  }
  return result.error();
}

inline JobDefinition daily(const std::string& name) {
  JobDefinition definition;
  definition.name = name;
  definition.cron_expression = "0 2 * * *";
  definition.server_timezone = "UTC";
  return definition;
}

// A manual run of `job_seq` started at `started`, still running.
inline Run running_run_of(std::int64_t job_seq, std::int64_t started) {
  Run run;
  run.job_seq = job_seq;
  run.trigger = RunTrigger::manual;
  run.started_at = at(started);
  run.status = RunStatus::running;
  run.pid = 4242;
  return run;
}

// A run of `job_seq` that has ended with `status`.
inline Run finished_run_of(std::int64_t job_seq, std::int64_t started, RunStatus status) {
  Run run = running_run_of(job_seq, started);
  run.status = status;
  run.completed_at = at(started + 60);
  return run;
}

// A scheduled run for `slot`, ended successfully (so that only the slot rule can refuse
// another).
inline Run slot_run_of(std::int64_t job_seq, std::int64_t slot) {
  Run run = finished_run_of(job_seq, slot + 1, RunStatus::success);
  run.trigger = RunTrigger::schedule;
  run.scheduled_for = at(slot);
  return run;
}

inline Flip flip_of(std::int64_t job_seq, std::int64_t when, MonitorState from,
                    MonitorState to) {
  Flip flip;
  flip.job_seq = job_seq;
  flip.at = at(when);
  flip.from = from;
  flip.to = to;
  flip.reason = std::string(to_string(from)) + " to " + to_string(to);
  return flip;
}

inline Ping ping_of(std::int64_t job_seq, std::int64_t when, PingKind kind) {
  Ping ping;
  ping.job_seq = job_seq;
  ping.at = at(when);
  ping.kind = kind;
  ping.source = PingSource::http;
  return ping;
}

// A date-only expiry `day` days after 1970-01-01, as the import stores it: the date as given,
// at UTC midnight.
inline reminders::CertificationRow date_row(const std::string& mentor,
                                            const std::string& certification, int day) {
  const std::chrono::sys_days date{std::chrono::days{day}};
  return reminders::CertificationRow{mentor,
                                     "Name " + mentor,
                                     mentor + "@example.org",
                                     certification,
                                     util::format_date(date),
                                     Seconds{date},
                                     ""};
}

// An RFC 3339 expiry at `seconds`, normalised to UTC as the import stores it.
inline reminders::CertificationRow instant_row(const std::string& mentor,
                                               const std::string& certification,
                                               std::int64_t seconds) {
  return reminders::CertificationRow{mentor,
                                     "Name " + mentor,
                                     mentor + "@example.org",
                                     certification,
                                     util::format_rfc3339(at(seconds)),
                                     at(seconds),
                                     ""};
}

// The band of dates [first, last] (days since 1970) for `threshold`, with instants a day
// either side, as the check asks for it.
inline reminders::DueBand band(int threshold, std::int64_t first, std::int64_t last) {
  return reminders::DueBand{threshold, at(first * kDay), at((last + 1) * kDay),
                            at((first - 1) * kDay), at((last + 2) * kDay)};
}

}  // namespace certcron::conformance
