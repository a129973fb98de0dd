#pragma once
// The floor's job rows: the query text both statements share, its column order, and the job
// object of the API written from one result row.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace floor_bench {

// The job, its newest run by seq (LEFT JOIN through runs_by_job), and for the list the total.
inline constexpr const char* kJobColumns = R"sql(
  j.seq, j.name, j.description, j.type, j.cron_expression, j.frequency_in_minutes,
  j.grace_time_in_minutes, j.server_timezone, j.enabled, j.uuid, j.created_at, j.updated_at,
  j.latest_result, j.latest_ping_at, j.snooze_ends_at, j.snooze_minutes,
  j.max_runtime_in_minutes, j.catch_up, r.started_at, r.status, r.mentors_checked, r.reminders_sent, r.errors,
  r.certifications_checked)sql";
inline constexpr const char* kJobFrom = R"sql(
  FROM jobs j
  LEFT JOIN runs r
    ON r.seq = (SELECT seq FROM runs WHERE job_seq = j.seq ORDER BY seq DESC LIMIT 1))sql";

enum Column : int {
  kSeq, kName, kDescription, kType, kCron, kFrequency, kGrace, kZone, kEnabled, kUuid,
  kCreated, kUpdated, kLatestResult, kLatestPing, kSnoozeEnds, kSnoozeMinutes,
  kMaxRuntime, kCatchUp, kRunStarted, kRunStatus, kRunMentors, kRunReminders, kRunErrors, kRunCertifications, kTotal
};

// Appends the job object of the current row of `s`, keys in the contract's order.
void append_job(std::string& out, sqlite3_stmt* s, std::string_view ping_base, std::int64_t now);

}  // namespace floor_bench
