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
  if (auto folder = util::ensure_directory(folder_, 0700); !folder) {
    return fail(Error::failed("cannot create the outbox folder " + folder_.string() + ": " +
                              folder.error().message));
  }
  const auto path = folder_ / outbox_file_name(message.message_id);
  if (auto written = util::write_file_atomically(
          path, reminders::render_rfc5322(message, reminders::LineEnding::crlf), 0600);
      !written) {
    return fail(Error::failed("cannot write " + path.string() + ": " + written.error().message));
  }
  return {};
}

}  // namespace certcron::delivery
