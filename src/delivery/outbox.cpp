#include "delivery/outbox.hpp"

#include "util/file.hpp"

namespace certcron::delivery {

std::string outbox_file_name(const std::string& message_id) {
  std::string name;
  for (char c : message_id) {
    if (c == '<' || c == '>') {
      continue;
    }
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_' || c == '@';
    name += safe ? c : '_';
  }
  if (name.empty() || name.front() == '.') {
    name.insert(0, "message");
  }
  return name + ".eml";
}

Result<void> OutboxDelivery::deliver(const reminders::Message& message) {
  const reminders::Message* const one[] = {&message};
  return deliver_batch(one).front();
}

std::vector<Result<void>> OutboxDelivery::deliver_batch(
    std::span<const reminders::Message* const> messages) {
  std::vector<Result<void>> outcomes;
  outcomes.reserve(messages.size());
  if (auto folder = util::ensure_directory(folder_, 0700); !folder) {
    const auto error = Error::failed("cannot create the outbox folder " + folder_.string() +
                                     ": " + folder.error().message);
    outcomes.assign(messages.size(), fail(error));
    return outcomes;
  }
  for (const reminders::Message* message : messages) {
    const auto path = folder_ / outbox_file_name(message->message_id);
    if (auto written = util::write_file_replacing(
            path, reminders::render_rfc5322(*message, reminders::LineEnding::crlf), 0600);
        !written) {
      outcomes.push_back(
          fail(Error::failed("cannot write " + path.string() + ": " + written.error().message)));
    } else {
      outcomes.emplace_back();
    }
  }
  util::sync_directory(folder_);
  return outcomes;
}

}  // namespace certcron::delivery
