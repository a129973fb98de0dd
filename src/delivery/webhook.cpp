#include "delivery/webhook.hpp"

#include "delivery/http_client.hpp"

#include <nlohmann/json.hpp>

namespace certcron::delivery {
namespace {

// An alert: certcron's JSON, or Slack's {"text": ...} (which Slack, Mattermost and
// Rocket.Chat incoming webhooks take).
nlohmann::json alert_payload(const reminders::Message& message, const reminders::AlertFields& alert) {
  if (alert.format == reminders::AlertFormat::slack) {
    return {{"text", message.subject + "\n" + alert.reason + "\n" + alert.job_url}};
  }
  auto optional = [](const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
  };
  return {
      {"message_id", message.message_id},
      {"event", alert.event},
      {"job", {{"id", alert.job_id}, {"name", alert.job_name}, {"uuid", alert.job_uuid}}},
      {"state", alert.state},
      {"previous_state", alert.previous_state},
      {"reason", alert.reason},
      {"slot", optional(alert.slot)},
      {"run_id", optional(alert.run_id)},
      {"at", alert.at},
      {"urls", {{"ping", alert.ping_url}, {"job", alert.job_url}}},
      {"subject", message.subject},
      {"body", message.body},
  };
}

nlohmann::json reminder_payload(const reminders::Message& message) {
  return {
      {"message_id", message.message_id},
      {"to", reminders::format_mailbox(message.to_name, message.to_email)},
      {"name", message.to_name},
      {"email", message.to_email},
      {"mentor_id", message.mentor_id},
      {"certification", message.certification},
      {"expires_on", message.expires_on},
      {"days_left", message.days_left},
      {"threshold", message.threshold},
      {"expired", message.threshold == reminders::kExpiredThreshold},
      {"subject", message.subject},
      {"body", message.body},
  };
}

}  // namespace

std::string webhook_payload(const reminders::Message& message) {
  const nlohmann::json payload =
      message.alert ? alert_payload(message, *message.alert) : reminder_payload(message);
  // Replace invalid UTF-8 rather than throw: the import only lets valid UTF-8 in, but alerts
  // may carry program output.
  return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<void> WebhookDelivery::deliver(const reminders::Message& message) {
  HttpCall call;
  call.what = "webhook";
  call.url = url_;
  call.timeout = timeout_;
  call.post = true;
  call.body = webhook_payload(message);
  call.headers = {"Content-Type: application/json", "Idempotency-Key: " + message.message_id};
  return send_http(call, curl_library_.c_str());
}

}  // namespace certcron::delivery
