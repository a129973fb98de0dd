#include "core/flip.hpp"

#include <array>
#include <utility>

namespace certcron {
namespace {

constexpr std::array<std::pair<MonitorState, const char*>, 4> kStates{{
    {MonitorState::up, "up"},
    {MonitorState::late, "late"},
    {MonitorState::failed, "failed"},
    {MonitorState::running_too_long, "running_too_long"},
}};

constexpr std::array<std::pair<AlertStatus, const char*>, 4> kAlertStatuses{{
    {AlertStatus::pending, "pending"},
    {AlertStatus::sent, "sent"},
    {AlertStatus::snoozed, "snoozed"},
    {AlertStatus::none, "none"},
}};

template <class Enum, std::size_t N>
const char* name_of(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [known, name] : names) {
    if (known == value) {
      return name;
    }
  }
  return names.front().second;
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, const char*>, N>& names,
                             std::string_view text) {
  for (const auto& [value, name] : names) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(MonitorState state) { return name_of(kStates, state); }
const char* to_string(AlertStatus status) { return name_of(kAlertStatuses, status); }
std::optional<MonitorState> parse_monitor_state(std::string_view text) {
  return value_of(kStates, text);
}
std::optional<AlertStatus> parse_alert_status(std::string_view text) {
  return value_of(kAlertStatuses, text);
}

bool is_flip(MonitorState current, const FlipEvent& event) {
  if (current == MonitorState::running_too_long && event.to == MonitorState::late) {
    return false;
  }
  return current != event.to;
}

}  // namespace certcron
