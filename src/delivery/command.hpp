#pragma once

// Delivery through a program: the message on the stdin of a shell command such as
// `sendmail -t -oi`.

#include "core/reminders/delivery.hpp"

#include <chrono>
#include <string>

namespace certcron::delivery {

class CommandDelivery final : public reminders::Delivery {
 public:
  CommandDelivery(std::string command, std::chrono::seconds timeout)
      : command_(std::move(command)), timeout_(timeout) {}

  // Runs the command through /bin/sh -c with the message (LF line ends, as local mail
  // programs expect) on stdin, and CERTCRON_MESSAGE_ID / CERTCRON_RECIPIENT in its
  // environment. It fails when the program exits non-zero, is killed, or outlives the timeout
  // (its process group is then killed); the message names the cause and the end of stderr.
  Result<void> deliver(const reminders::Message& message) override;

 private:
  std::string command_;
  std::chrono::seconds timeout_;
};

}  // namespace certcron::delivery
