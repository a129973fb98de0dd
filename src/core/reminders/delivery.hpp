#pragma once

// Where messages go. The adapters (src/delivery: outbox, command, webhook) implement it; the
// expiry check and the job alerts only see this.

#include "core/error.hpp"
#include "core/reminders/message.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace certcron::reminders {

class Delivery {
 public:
  virtual ~Delivery() = default;
  // Succeeds only once the message is handed over for good (file renamed into place and on
  // disk, program exited 0, HTTP 2xx). Delivering the same message again must be harmless
  // for the receiver: it carries the same Message-ID.
  virtual Result<void> deliver(const Message& message) = 0;

  // How many messages one deliver_batch may carry. 1 (the default): the check delivers one
  // message at a time and records it before the next, so a crash repeats at most one.
  // More: a crash repeats at most one batch, which only a receiver that replaces a repeated
  // message (the outbox: same file name) should accept.
  virtual std::size_t batch_limit() const { return 1; }

  // Delivers every message and returns each one's outcome, in order; the successes are all
  // handed over for good when it returns, with one disk barrier where the kind allows.
  virtual std::vector<Result<void>> deliver_batch(std::span<const Message* const> messages) {
    std::vector<Result<void>> outcomes;
    outcomes.reserve(messages.size());
    for (const Message* message : messages) {
      outcomes.push_back(deliver(*message));
    }
    return outcomes;
  }
};

}  // namespace certcron::reminders
