#pragma once

// The PostgreSQL implementation of the reminder store (mentors, certifications, ledger; schema
// in pg/schema.cpp). It works on the connection the job store opened, so its writes share the
// job store's transactions and its writer lock.
//
// Instants cross the wire as epoch seconds (to_timestamp, extract(epoch ...)); rows travel in
// batches as array parameters, so an import costs a few round trips per thousand rows.

#include "core/reminders/reminder_store.hpp"

namespace certcron::store::pg {

class Connection;

class PgReminderStore final : public reminders::ReminderStore {
 public:
  // `connection` must outlive the store and be migrated (pg::migrate) before the first call.
  explicit PgReminderStore(Connection& connection) : connection_(connection) {}
  PgReminderStore(const PgReminderStore&) = delete;
  PgReminderStore& operator=(const PgReminderStore&) = delete;

  // Begins with kBeginWrite when outermost (every certcron writer queues on the same lock);
  // nested, a savepoint.
  Result<void> in_transaction(const std::function<Result<void>()>& work) override;
  Result<reminders::UpsertCounts> upsert(
      const std::vector<reminders::CertificationRow>& rows) override;
  // One statement: the page of certifications from the expiry index, then each one's mentor
  // and ledger entries joined to it.
  Result<std::vector<reminders::DueCandidate>> due_candidates(
      const reminders::DueBand& band, const reminders::CandidateCursor& after,
      int limit) override;
  Result<std::vector<reminders::LedgerEntry>> ledger_for(std::int64_t certification_id,
                                                         std::string_view expires_on) override;
  // Committed with synchronous_commit off when it is its own transaction (see the interface).
  Result<std::vector<bool>> claim(const std::vector<reminders::ReminderKey>& keys,
                                  const reminders::ClaimHolder& holder) override;
  Result<void> release(const std::vector<reminders::ReminderKey>& keys,
                       std::int64_t run_seq) override;
  Result<void> record(const std::vector<reminders::LedgerEntry>& entries) override;
  Result<reminders::ReminderCounts> counts() override;
  Result<std::optional<reminders::Watermark>> watermark(std::string_view policy) override;
  Result<void> save_watermark(std::string_view policy, const reminders::Watermark& mark) override;

  // Rows per statement in upsert and record: bounds one statement's parameters to a few MiB.
  static constexpr std::size_t kBatchRows = 5000;
  // The due query ($1..$10 as SqliteReminderStore::kDueCandidatesSql): what the plan test
  // explains.
  static const char* const kDueCandidatesSql;

 private:
  Connection& connection_;
};

}  // namespace certcron::store::pg
