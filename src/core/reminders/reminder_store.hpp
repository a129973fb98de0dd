#pragma once

// Mentors, certifications and the reminder ledger as the expiry check sees them. The SQLite
// adapter (store/reminder_store) implements it on the connection the job store opened.

#include "core/clock.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::reminders {

// The ledger's threshold value for the one reminder sent after expiry. Configured thresholds
// are >= 0 (a 0-day threshold means "on the expiry date"), so -1 cannot collide with one.
inline constexpr int kExpiredThreshold = -1;

// One validated CSV row, ready to be written.
struct CertificationRow {
  std::string mentor_id;
  std::string name;
  std::string email;
  std::string certification;
  // The ledger key and what the Message-ID derives from: a date-only expiry as given
  // ("2026-04-10"); an RFC 3339 instant normalised to UTC ("2026-04-09T21:00:00Z") so that a
  // re-export writing the same instant with another offset is not mistaken for a renewal.
  std::string expires_on;
  Seconds expires_at{};   // the instant (UTC midnight for a date-only expiry), for range scans
  std::string issued_at;  // as given; empty when absent
};

// A certification joined with its mentor, as scanned by the check.
struct Certification {
  std::int64_t id = 0;
  std::int64_t mentor_key = 0;  // the mentor's row id: cheap to count distinct mentors
  std::string mentor_id;
  std::string name;
  std::string email;
  std::string certification;
  std::string expires_on;
  Seconds expires_at{};
};

enum class LedgerOutcome { sent, superseded };

struct LedgerEntry {
  std::int64_t certification_id = 0;
  std::string expires_on;
  int threshold = 0;  // days before expiry, or kExpiredThreshold
  LedgerOutcome outcome = LedgerOutcome::sent;
  Seconds recorded_at{};     // when delivered (sent) or passed over (superseded)
  std::int64_t run_seq = 0;  // 0 = not recorded by a run (e.g. tests)
  std::string message_id;    // empty for superseded entries
};

// What one upsert changed; counts add up into the import summary.
struct UpsertCounts {
  std::int64_t mentors_inserted = 0;
  std::int64_t mentors_updated = 0;
  std::int64_t certifications_inserted = 0;
  std::int64_t certifications_updated = 0;
};

struct ReminderCounts {
  std::int64_t mentors = 0;
  std::int64_t certifications = 0;
  std::int64_t ledger_entries = 0;
};

class ReminderStore {
 public:
  virtual ~ReminderStore() = default;

  // Runs `work` in one write transaction (taken immediately); commits when it returns a value,
  // rolls back when it returns an error.
  virtual Result<void> in_transaction(const std::function<Result<void>()>& work) = 0;

  // Inserts or updates rows keyed by mentor_id and by (mentor_id, certification); the mentor's
  // name and email come from the latest row. Call inside in_transaction for all-or-nothing.
  // The counts are exact: a row identical to what is stored counts as neither.
  virtual Result<UpsertCounts> upsert(const std::vector<CertificationRow>& rows) = 0;

  // Calls `visit` for each certification with from <= expires_at < to, ordered by
  // (expires_at, id), reading the database in small pages: no read statement is open while
  // `visit` runs, so it may write (ledger entries) and everything it writes is committed when
  // it returns. An error from `visit` stops the scan and is returned.
  virtual Result<void> for_each_expiring(
      Seconds from, Seconds to, const std::function<Result<void>(const Certification&)>& visit) = 0;
  virtual Result<std::int64_t> count_expiring(Seconds from, Seconds to) = 0;

  // The ledger entries of one certification for one expiry, ordered by threshold descending.
  virtual Result<std::vector<LedgerEntry>> ledger_for(std::int64_t certification_id,
                                                      std::string_view expires_on) = 0;
  // Writes the entries in one small transaction of its own (committed on return).
  virtual Result<void> record(const std::vector<LedgerEntry>& entries) = 0;

  virtual Result<ReminderCounts> counts() = 0;

  // in_transaction for writing many rows at once (the import): the store may give that one
  // transaction more memory, within a fixed bound, to write them faster.
  virtual Result<void> in_bulk_transaction(const std::function<Result<void>()>& work) {
    return in_transaction(work);
  }
};

}  // namespace certcron::reminders
