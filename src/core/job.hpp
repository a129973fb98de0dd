#pragma once

#include "core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace certcron {

enum class ScheduleType { cron, simple };

// The monitoring model's result values (spelling as in the monitoring seed, including
// "Exuted").
enum class LatestResult {
  ping_starting,
  ping_finished,
  ping_failed,
  check_ran_too_late,
  check_failed,
  sent_not_on_time_notification,
  sent_ping_failed_notification,
  cron_check_changed,
};

// What an administrator defines; everything else about a job is derived or recorded.
struct JobDefinition {
  std::string name;
  std::string description;
  ScheduleType type = ScheduleType::cron;
  std::string cron_expression;      // type cron
  int frequency_in_minutes = 0;     // type simple
  int grace_time_in_minutes = 5;
  std::string server_timezone;      // IANA name
  bool enabled = true;
  // A run (or a `starting` ping) with no end this long after it began is "running too long";
  // none: never.
  std::optional<int> max_runtime_in_minutes;
  // Whether `check` runs the job once when it finds its latest slot missed.
  bool catch_up = true;
};

struct RunResult {
  std::int64_t mentors_checked = 0;
  std::int64_t certifications_checked = 0;
  std::int64_t reminders_sent = 0;
  std::int64_t errors = 0;
  // Why the first failed delivery failed ("webhook URL answered HTTP 500: ..."), so the run's
  // error says more than a count. Kept only in the run's error message.
  std::string first_error;
};

enum class RunStatus { running, success, failed, abandoned };
enum class RunTrigger { schedule, manual, api, catch_up };

struct Run {
  std::int64_t seq = 0;  // run-0089
  std::int64_t job_seq = 0;
  RunTrigger trigger = RunTrigger::manual;
  std::optional<Seconds> scheduled_for;
  Seconds started_at{};
  std::optional<Seconds> completed_at;
  RunStatus status = RunStatus::running;
  bool dry_run = false;
  std::optional<RunResult> result;
  std::int64_t pid = 0;  // of the process executing it, to detect abandoned runs
  std::int64_t pid_start = 0;  // when that process started (0: not recorded), so a reused pid
                               // is not taken for it
  std::string error_message;
  // Who runs it (a host's name, or a Kubernetes Job's) and until when its claim holds by the
  // database's clock: a running run of another owner whose lease passed is taken to be dead,
  // since no host can ask whether a process on another host is alive.
  std::string owner;
  std::optional<Seconds> lease_until;

  std::string id() const;  // "run-0089"
  std::string job_id() const;
};

struct Snooze {
  Seconds ends_at{};
  int minutes = 0;
};

struct Job {
  std::int64_t seq = 0;  // cron-001
  std::string uuid;
  JobDefinition definition;
  Seconds created_at{};
  Seconds updated_at{};
  std::optional<LatestResult> latest_result;
  std::optional<Seconds> latest_ping_at;
  std::optional<Snooze> snooze;

  std::string id() const;  // "cron-001"
  // Whether a snooze is in force at `now` (a snooze ends by itself).
  bool snoozed_at(Seconds now) const { return snooze && snooze->ends_at > now; }
};

std::string format_job_id(std::int64_t seq);
std::string format_run_id(std::int64_t seq);
// "cron-001" -> 1; also "cron-1"; nullopt otherwise.
std::optional<std::int64_t> parse_job_id(std::string_view id);
std::optional<std::int64_t> parse_run_id(std::string_view id);

const char* to_string(ScheduleType type);
const char* to_string(RunStatus status);
const char* to_string(RunTrigger trigger);
const char* to_string(LatestResult result);
std::optional<RunStatus> parse_run_status(std::string_view text);
std::optional<RunTrigger> parse_run_trigger(std::string_view text);
std::optional<LatestResult> parse_latest_result(std::string_view text);

struct ResultLabel {
  const char* label;
  const char* color;
};
// pingFinished ok/green, pingStarting running/blue, ... never-pinged grey (SPEC section 2).
ResultLabel label_for(std::optional<LatestResult> result);

}  // namespace certcron
