#pragma once

// Reminder and alert policy as configured in config.toml ([reminders], [reminders.delivery],
// [alerts], [alerts.delivery]). The config adapter fills these; the core only reads them.

#include <string>
#include <vector>

namespace certcron::reminders {

enum class DeliveryKind { outbox, command, webhook };

struct DeliveryConfig {
  DeliveryKind kind = DeliveryKind::outbox;
  std::string outbox;   // folder; empty = "<state dir>/outbox"
  std::string command;  // kind command: run through /bin/sh -c, message on stdin
  std::string url;      // kind webhook: HTTP(S) POST of JSON
  int timeout_seconds = 30;
};

struct ReminderConfig {
  std::vector<int> thresholds_days{30, 7, 1};
  int expired_window_days = 30;
  std::string from;  // empty = "certcron@<host name>"
  std::string subject = "Your {certification} certification expires on {expires_on}";
  std::string body;  // empty = the built-in body template
  DeliveryConfig delivery;
};

// What a webhook alert posts: certcron's JSON, or Slack's {"text": ...}.
enum class AlertFormat { json, slack };

struct AlertConfig {
  std::string to;  // empty = the local user
  AlertFormat format = AlertFormat::json;
  DeliveryConfig delivery;
};

}  // namespace certcron::reminders
