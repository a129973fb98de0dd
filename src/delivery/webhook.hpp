#pragma once

// Delivery as an HTTP(S) POST of JSON:
//   {"message_id", "to", "name", "email", "mentor_id", "certification", "expires_on",
//    "days_left", "threshold", "expired", "subject", "body"}
// threshold is the number of days of the crossed threshold, -1 for the reminder after expiry
// (then "expired" is true). An alert about a job (Message::alert) posts instead
//   {"message_id", "event", "job": {"id", "name", "uuid"}, "state", "previous_state", "reason",
//    "slot", "run_id", "at", "urls": {"ping", "job"}, "subject", "body"}
// or, in the slack format, {"text": "..."}. The Message-ID is also sent as the
// Idempotency-Key header.

#include "core/reminders/delivery.hpp"

#include <chrono>
#include <string>

namespace certcron::delivery {

class WebhookDelivery final : public reminders::Delivery {
 public:
  WebhookDelivery(std::string url, std::chrono::seconds timeout,
                  std::string curl_library = "libcurl.so.4")
      : url_(std::move(url)), timeout_(timeout), curl_library_(std::move(curl_library)) {}

  // A 2xx answer is success; any other status, a connection error or the timeout is a
  // failure whose message gives the status (and the start of the answer) or curl's reason.
  Result<void> deliver(const reminders::Message& message) override;

 private:
  std::string url_;
  std::chrono::seconds timeout_;
  std::string curl_library_;
};

// The JSON body posted for `message`.
std::string webhook_payload(const reminders::Message& message);

}  // namespace certcron::delivery
