#include "core/job.hpp"

#include <charconv>
#include <algorithm>

namespace certcron {
namespace {

// "cron-001": the prefix, a dash and the sequence zero-padded to `width` digits (more when it
// needs them; a negative sequence keeps its sign ahead of the padding, as printf's %0*lld).
std::string format_sequence(std::string_view prefix, int width, std::int64_t seq) {
  char digits[24];
  char* digits_end = std::to_chars(digits, digits + sizeof digits, seq).ptr;
  std::string_view number(digits, static_cast<std::size_t>(digits_end - digits));
  std::string id;
  id.reserve(prefix.size() + 1 + std::max<std::size_t>(number.size(), static_cast<std::size_t>(width)));
  id.append(prefix).push_back('-');
  if (number.front() == '-') {
    id.push_back('-');
    number.remove_prefix(1);
    --width;
  }
  if (static_cast<std::size_t>(width) > number.size()) {
    id.append(static_cast<std::size_t>(width) - number.size(), '0');
  }
  id.append(number);
  return id;
}

std::optional<std::int64_t> parse_sequence(std::string_view prefix, std::string_view id) {
  if (id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '-') {
    return std::nullopt;
  }
  std::string_view digits = id.substr(prefix.size() + 1);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string format_job_id(std::int64_t seq) { return format_sequence("cron", 3, seq); }
std::string format_run_id(std::int64_t seq) { return format_sequence("run", 4, seq); }
std::optional<std::int64_t> parse_job_id(std::string_view id) { return parse_sequence("cron", id); }
std::optional<std::int64_t> parse_run_id(std::string_view id) { return parse_sequence("run", id); }

std::string Job::id() const { return format_job_id(seq); }
std::string Run::id() const { return format_run_id(seq); }
std::string Run::job_id() const { return format_job_id(job_seq); }

const char* to_string(ScheduleType type) { return type == ScheduleType::cron ? "cron" : "simple"; }

const char* to_string(RunStatus status) {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::success: return "success";
    case RunStatus::failed: return "failed";
    case RunStatus::abandoned: return "abandoned";
  }
  return "unknown";
}

const char* to_string(RunTrigger trigger) {
  switch (trigger) {
    case RunTrigger::schedule: return "schedule";
    case RunTrigger::manual: return "manual";
    case RunTrigger::api: return "api";
    case RunTrigger::catch_up: return "catch_up";
  }
  return "unknown";
}

const char* to_string(LatestResult result) {
  switch (result) {
    case LatestResult::ping_starting: return "pingStarting";
    case LatestResult::ping_finished: return "pingFinished";
    case LatestResult::ping_failed: return "pingFailed";
    case LatestResult::check_ran_too_late: return "checkRanTooLate";
    case LatestResult::check_failed: return "checkFailed";
    case LatestResult::sent_not_on_time_notification: return "sentCronNotExutedOnTimeNotification";
    case LatestResult::sent_ping_failed_notification: return "sentPingFailedNotification";
    case LatestResult::cron_check_changed: return "cronCheckChanged";
  }
  return "unknown";
}

std::optional<RunStatus> parse_run_status(std::string_view text) {
  for (auto status : {RunStatus::running, RunStatus::success, RunStatus::failed, RunStatus::abandoned}) {
    if (text == to_string(status)) {
      return status;
    }
  }
  return std::nullopt;
}

std::optional<RunTrigger> parse_run_trigger(std::string_view text) {
  for (auto trigger : {RunTrigger::schedule, RunTrigger::manual, RunTrigger::api, RunTrigger::catch_up}) {
    if (text == to_string(trigger)) {
      return trigger;
    }
  }
  return std::nullopt;
}

std::optional<LatestResult> parse_latest_result(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(LatestResult::cron_check_changed); ++i) {
    auto result = static_cast<LatestResult>(i);
    if (text == to_string(result)) {
      return result;
    }
  }
  return std::nullopt;
}

ResultLabel label_for(std::optional<LatestResult> result) {
  if (!result) {
    return {"pending", "grey"};
  }
  switch (*result) {
    case LatestResult::ping_finished: return {"ok", "green"};
    case LatestResult::ping_starting: return {"running", "blue"};
    case LatestResult::ping_failed:
    case LatestResult::check_failed: return {"failed", "red"};
    case LatestResult::check_ran_too_late: return {"late", "orange"};
    case LatestResult::sent_not_on_time_notification: return {"notified", "orange"};
    case LatestResult::sent_ping_failed_notification: return {"notified", "red"};
    case LatestResult::cron_check_changed: return {"changed", "grey"};
  }
  return {"pending", "grey"};
}

}  // namespace certcron
