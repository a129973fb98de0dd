#include "delivery/command.hpp"

#include "util/process.hpp"

namespace certcron::delivery {
namespace {

constexpr std::size_t kMaxQuotedStderr = 300;

std::string last_words(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.size() > kMaxQuotedStderr) {
    text = "..." + text.substr(text.size() - kMaxQuotedStderr);
  }
  return text;
}

}  // namespace

Result<void> CommandDelivery::deliver(const reminders::Message& message) {
  auto request = util::shell_command(command_);
  request.stdin_data = reminders::render_rfc5322(message, reminders::LineEnding::lf);
  request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
  request.extra_env = {{"CERTCRON_MESSAGE_ID", message.message_id},
                       {"CERTCRON_RECIPIENT", message.to_email}};
  auto result = util::run_process(request);
  if (!result) {
    return fail(
        Error::failed("the delivery command could not be started: " + result.error().message));
  }
  if (!result->succeeded()) {
    std::string text = "the delivery command `" + command_ + "` " + result->describe();
    if (auto err = last_words(result->err); !err.empty()) {
      text += ": " + err;
    }
    return fail(Error::failed(std::move(text)));
  }
  return {};
}

}  // namespace certcron::delivery
