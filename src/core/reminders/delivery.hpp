#pragma once

// Where messages go. The adapters (src/delivery: outbox, command, webhook) implement it; the
// expiry check and the job alerts only see this.

#include "core/error.hpp"
#include "core/reminders/message.hpp"

namespace certcron::reminders {

class Delivery {
 public:
  virtual ~Delivery() = default;
  // Succeeds only once the message is handed over for good (file renamed into place, program
  // exited 0, HTTP 2xx). Delivering the same message again must be harmless for the
  // receiver: it carries the same Message-ID.
  virtual Result<void> deliver(const Message& message) = 0;
};

}  // namespace certcron::reminders
