#pragma once

// Shared by the reminder and delivery tests: a scratch folder, a real SQLite database with the
// reminder schema (step 2) applied, CSV import from a string, and a delivery that records
// what it is given.

#include "core/reminders/delivery.hpp"
#include "core/reminders/import.hpp"
#include "store/database.hpp"
#include "store/migrations_reminders.hpp"
#include "store/reminder_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::reminders::testing {

// A fresh folder under the system temp folder, removed with everything in it at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "certcron-reminders-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view tail) const { return path_ / tail; }

  std::filesystem::path write(
      std::string_view name, std::string_view text,
      std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    std::filesystem::permissions(file, perms);
    return file;
  }

 private:
  std::filesystem::path path_;
};

// One line per item: a failed comparison then shows both lists.
inline std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The database as the job store opens it (WAL, foreign keys, busy timeout, every migration:
// claims on reminders name runs).
inline std::unique_ptr<SQLite::Database> open_reminder_database(const std::filesystem::path& file) {
  auto db = store::open_database(file.string());
  if (!db) {
    throw std::runtime_error(describe(db.error()));
  }
  return std::move(*db);
}

struct TestDatabase {
  ScratchDir dir;
  std::filesystem::path file = dir / "certcron.db";
  std::unique_ptr<SQLite::Database> db = open_reminder_database(file);
  store::SqliteReminderStore store{*db};

  std::int64_t count(const std::string& sql) const { return db->execAndGet(sql).getInt64(); }
};

// Writes rows in one transaction, as the import does.
inline Result<void> upsert_rows(ReminderStore& store, const std::vector<CertificationRow>& rows) {
  return store.in_transaction([&]() -> Result<void> {
    auto counts = store.upsert(rows);
    if (!counts) {
      return fail(counts.error());
    }
    return {};
  });
}

inline Result<ImportSummary> import_text(ReminderStore& store, std::string text,
                                         const ImportProgressFn& progress = {}) {
  auto open = [text]() -> Result<std::unique_ptr<std::istream>> {
    return std::unique_ptr<std::istream>(std::make_unique<std::istringstream>(text));
  };
  return import_certifications(store, open, progress);
}

// Keeps every message; fails the ones `should_fail` picks.
class RecordingDelivery final : public Delivery {
 public:
  std::vector<Message> delivered;
  std::vector<Message> failed;
  std::function<bool(const Message&)> should_fail;
  std::function<void(const Message&)> before_each;

  Result<void> deliver(const Message& message) override {
    if (before_each) {
      before_each(message);
    }
    if (should_fail && should_fail(message)) {
      failed.push_back(message);
      return fail(Error::failed("refused by the test"));
    }
    delivered.push_back(message);
    return {};
  }
};

}  // namespace certcron::reminders::testing
