#pragma once

// A job's monitoring state and its flips. Every change of the state is recorded as a flip, and
// alerts are sent from flips: a job that stays late, failed or running too long is reported
// once, and its recovery (the next success) once.

#include "core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certcron {

// up: no problem known (also a job that never ran); late: a slot passed its grace time with no
// run started; failed: a run ended failed or abandoned, or a `failed` ping came; running too
// long: a run (or a `starting` ping) had no end within max_runtime_in_minutes.
enum class MonitorState { up, late, failed, running_too_long };

// Where a flip's alert stands. pending: to be delivered (each check pass retries it until it
// goes out); sent; snoozed: the flip came while the job was snoozed, so nothing was sent (it
// is sent if the job is still in that state when the snooze ends); none: nothing to tell (a
// recovery from a state that was never reported).
enum class AlertStatus { pending, sent, snoozed, none };

struct Flip {
  std::int64_t seq = 0;
  std::int64_t job_seq = 0;
  Seconds at{};
  MonitorState from = MonitorState::up;
  MonitorState to = MonitorState::up;
  std::string reason;
  std::optional<Seconds> slot;          // late: the slot that had no run
  std::optional<std::int64_t> run_seq;  // the run that failed, ran too long or succeeded
  AlertStatus alert = AlertStatus::pending;
  int attempts = 0;         // deliveries tried
  std::string alert_error;  // why the last try failed
  std::optional<Seconds> alerted_at;
};

// What was observed about a job: it is now in state `to`, for `reason`.
struct FlipEvent {
  MonitorState to = MonitorState::up;
  std::string reason;
  std::optional<Seconds> slot;
  std::optional<std::int64_t> run_seq;
};

const char* to_string(MonitorState state);
const char* to_string(AlertStatus status);
std::optional<MonitorState> parse_monitor_state(std::string_view text);
std::optional<AlertStatus> parse_alert_status(std::string_view text);

// Whether `event` changes a job in `current` state. A late slot does not replace "running too
// long": the run that is still going is why the slot had no run of its own.
bool is_flip(MonitorState current, const FlipEvent& event);

}  // namespace certcron
