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
  Result<std::vector<reminders::DueCandidate>> due_candidates(
      const reminders::DueBand& band, const reminders::CandidateCursor& after,
      int limit) override;
  Result<std::vector<reminders::LedgerEntry>> ledger_for(std::int64_t certification_id,
                                                         std::string_view expires_on) override;
  Result<std::vector<bool>> claim(const std::vector<reminders::ReminderKey>& keys,
                                  const reminders::ClaimHolder& holder) override;
  Result<void> release(const std::vector<reminders::ReminderKey>& keys,
                       std::int64_t run_seq) override;
  Result<void> record(const std::vector<reminders::LedgerEntry>& entries) override;
  Result<reminders::ReminderCounts> counts() override;
  Result<std::optional<reminders::Watermark>> watermark(std::string_view policy) override;
  Result<void> save_watermark(std::string_view policy, const reminders::Watermark& mark) override;

  // The due query's SQLite virtual-machine steps so far: what the plan test measures.
  std::int64_t due_vm_steps() const { return due_vm_steps_; }
  static const char* const kDueCandidatesSql;

 private:
  struct Statements;
  Statements& statements();  // throws SQLite::Exception, like every statement call
  Result<void> upsert_one(const reminders::CertificationRow& row, reminders::UpsertCounts& counts);
  // Runs `work` in this store's transaction, or in the caller's when one is open.
  Result<void> writing(const std::function<Result<void>()>& work);

  SQLite::Database& db_;
  std::unique_ptr<Statements> statements_;
  std::int64_t due_vm_steps_ = 0;

 public:
  // Runs `work` with the page cache raised to kBulkCacheKiB, then puts it back. Not for
  // small work: every cached page is a page fault when first filled.
  Result<void> with_large_cache(const std::function<Result<void>()>& work) override;
  static constexpr int kBulkCacheKiB = 16 * 1024;
};

}  // namespace certcron::store
