#pragma once

// The SQLite implementation of the reminder store (mentors, certifications, ledger; schema in
// migrations_reminders). It works on a connection opened and migrated by the job store, so
// both share the same WAL database, busy timeout and foreign-key setting.

#include "core/reminders/reminder_store.hpp"

#include <memory>

namespace SQLite {
class Database;
}

namespace certcron::store {

class SqliteReminderStore final : public reminders::ReminderStore {
 public:
  // `db` must outlive the store and have schema step 2 applied.
  explicit SqliteReminderStore(SQLite::Database& db);
  ~SqliteReminderStore() override;
  SqliteReminderStore(const SqliteReminderStore&) = delete;
  SqliteReminderStore& operator=(const SqliteReminderStore&) = delete;

  Result<void> in_transaction(const std::function<Result<void>()>& work) override;
  Result<reminders::UpsertCounts> upsert(
      const std::vector<reminders::CertificationRow>& rows) override;
  Result<void> for_each_expiring(
      Seconds from, Seconds to,
      const std::function<Result<void>(const reminders::Certification&)>& visit) override;
  Result<std::int64_t> count_expiring(Seconds from, Seconds to) override;
  Result<std::vector<reminders::LedgerEntry>> ledger_for(std::int64_t certification_id,
                                                         std::string_view expires_on) override;
  Result<void> record(const std::vector<reminders::LedgerEntry>& entries) override;
  Result<reminders::ReminderCounts> counts() override;

  // Rows read per page by for_each_expiring; small so memory stays flat.
  static constexpr int kPageRows = 256;
  // The page query (exposed so a test can check its plan uses the expires_at index).
  static const char* const kExpiringPageSql;

 private:
  struct Statements;
  Statements& statements();  // throws SQLite::Exception, like every statement call
  Result<void> upsert_one(const reminders::CertificationRow& row, reminders::UpsertCounts& counts);

  SQLite::Database& db_;
  std::unique_ptr<Statements> statements_;

 public:
  // Runs in_transaction with the page cache raised to kBulkCacheKiB, then puts it back.
  Result<void> in_bulk_transaction(const std::function<Result<void>()>& work) override;
  static constexpr int kBulkCacheKiB = 16 * 1024;
};

}  // namespace certcron::store
