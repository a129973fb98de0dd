#pragma once

// Delivery into a folder: one RFC 5322 file per message, named after its Message-ID, so a
// repeated delivery replaces the file instead of adding a second one.

#include "core/reminders/delivery.hpp"

#include <filesystem>
#include <string>

namespace certcron::delivery {

class OutboxDelivery final : public reminders::Delivery {
 public:
  explicit OutboxDelivery(std::filesystem::path folder) : folder_(std::move(folder)) {}

  // Creates the folder when missing (mode 0700: the files carry names and addresses), writes
  // the message (CRLF line ends, mode 0600) to a temporary file in the folder and renames it
  // into place, so a reader never sees half a message.
  Result<void> deliver(const reminders::Message& message) override;

  // Many messages with one barrier for their names: each file is written and fdatasync'd,
  // renamed into place, and the folder is fsync'd once at the end. Rewriting a message after
  // a crash replaces its file, so a repeated batch leaves no duplicate behind.
  std::size_t batch_limit() const override { return kBatchLimit; }
  std::vector<Result<void>> deliver_batch(
      std::span<const reminders::Message* const> messages) override;

  static constexpr std::size_t kBatchLimit = 1024;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

// "<5f0c...@certcron>" -> "5f0c...@certcron.eml"; characters unsafe in a file name become '_'.
std::string outbox_file_name(const std::string& message_id);

}  // namespace certcron::delivery
