#pragma once

// Mentors, certifications and the reminder ledger as the expiry check sees them. The SQLite
// adapter (store/reminder_store) implements it on the connection the job store opened.

#include "core/clock.hpp"
#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
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

// The ledger's key: one reminder of one certification at one expiry. A run claims the keys
// it is about to deliver (ReminderStore::claim) so that no other run delivers them too.
struct ReminderKey {
  std::int64_t certification_id = 0;
  std::string expires_on;
  int threshold = 0;
};

// Who claims: a run (its sequence number; 0 = no run, whose claims hold nobody off), its
// "now" and how long its claims hold. PostgreSQL counts the lease on the database's clock,
// which every host shares; SQLite, which one host serves, on `now`.
struct ClaimHolder {
  std::int64_t run_seq = 0;
  Seconds now{};
  std::chrono::seconds lease{900};
};

// What one upsert changed; counts add up into the import summary.
struct UpsertCounts {
  std::int64_t mentors_inserted = 0;
  std::int64_t mentors_updated = 0;
  std::int64_t certifications_inserted = 0;
  std::int64_t certifications_updated = 0;
};

// What every run reports: all mentors and certifications on record were checked.
struct ReminderCounts {
  std::int64_t mentors = 0;
  std::int64_t certifications = 0;
  // Changes whenever a certification or mentor is inserted, changed or removed: a watermark
  // taken at another version says nothing about today's rows.
  std::int64_t data_version = 0;
};

// One threshold's share of the due query: the certifications whose expiry date lies in
// [first_day, last_day] in the job's zone and whose ledger has no entry for `threshold` at
// their current expiry. A date-only expiry is stored at UTC midnight of its date, so the
// store selects those exactly by [date_from, date_to); an RFC 3339 expiry's local date depends
// on the zone, so the store returns those in [instant_from, instant_to), a range that holds
// every instant whose local date is in the band (and may hold a few more), and the check keeps
// those whose local date is in the band.
struct DueBand {
  int threshold = 0;
  Seconds date_from{};
  Seconds date_to{};  // exclusive
  Seconds instant_from{};
  Seconds instant_to{};  // exclusive
};

// A certification the due query found, with its ledger entries for its current expiry
// (threshold descending, as ledger_for gives them), so deciding it needs no further read.
struct DueCandidate {
  Certification certification;
  std::vector<LedgerEntry> ledger;
};

// Where a page of candidates ends: the next page starts after it in (expires_at, expires_on,
// id) order. The default (id -1) is the start of the band.
struct CandidateCursor {
  Seconds expires_at{};
  std::string expires_on;
  std::int64_t id = -1;
};

// The last day a run of a policy (zone, thresholds, expired window) covered completely: every
// certification then in the window had its most urgent crossed reminder in the ledger, at
// `data_version`. While the version is unchanged, the next run need only read the thresholds
// crossed since.
struct Watermark {
  std::int64_t through_day = 0;  // days since 1970-01-01 in the policy's zone
  std::int64_t data_version = 0;
};

// Every operation is atomic on its own and commits before it returns unless it runs inside
// in_transaction. Reads never hold anything open between calls, so a caller may write (or
// deliver) between two pages.
class ReminderStore {
 public:
  virtual ~ReminderStore() = default;

  // Runs `work` in one write transaction that excludes other writers from its start;
  // commits when it returns a value, rolls back when it returns an error. Inside another
  // in_transaction it nests (all or nothing within the outer one).
  virtual Result<void> in_transaction(const std::function<Result<void>()>& work) = 0;

  // Inserts or updates rows keyed by mentor_id and by (mentor_id, certification); the mentor's
  // name and email come from the latest row. Call inside in_transaction for all-or-nothing.
  // The counts are exact: a row identical to what is stored counts as neither. Keeps the
  // totals and bumps the data version when anything changed.
  virtual Result<UpsertCounts> upsert(const std::vector<CertificationRow>& rows) = 0;

  // Up to `limit` certifications of `band` (see DueBand) after `after`, ordered by
  // (expires_at, expires_on, id), each joined with its mentor and carrying its ledger entries.
  // Served by an index: the cost grows with the rows in the band's range, never with the
  // table.
  virtual Result<std::vector<DueCandidate>> due_candidates(const DueBand& band,
                                                           const CandidateCursor& after,
                                                           int limit) = 0;

  // The ledger entries of one certification for one expiry, ordered by threshold descending.
  virtual Result<std::vector<LedgerEntry>> ledger_for(std::int64_t certification_id,
                                                      std::string_view expires_on) = 0;
  // Claims `keys` for `holder`, in one transaction, before their delivery. A key is claimed
  // when the ledger does not hold it yet and no other run's claim on it still holds; a claim
  // holds while its run is running and its lease (from the claim's `now`) has not passed, so
  // the claims of a run that died are taken over when it is seen dead or its lease ends. A
  // run that is not running (ended by another process that saw its lease pass) claims
  // nothing. Gives, for each key in order, whether `holder` now holds it (a key it held
  // already stays held, its lease renewed).
  virtual Result<std::vector<bool>> claim(const std::vector<ReminderKey>& keys,
                                          const ClaimHolder& holder) = 0;
  // Gives up the claims of run `run_seq` on `keys` (their delivery failed: the next run
  // retries them). Another run's claim on a key stays.
  virtual Result<void> release(const std::vector<ReminderKey>& keys, std::int64_t run_seq) = 0;

  // Writes the entries in one transaction (or within the caller's in_transaction), and ends
  // every claim on their keys: once in the ledger, a reminder needs none. An entry
  // already there is left as it is. Written without waiting for the disk: a power loss can
  // lose the last entries, and the reminders they stand for are then delivered again, with
  // the same Message-ID.
  virtual Result<void> record(const std::vector<LedgerEntry>& entries) = 0;

  virtual Result<ReminderCounts> counts() = 0;

  // The watermark of `policy` (an opaque key naming zone, thresholds and window), if any.
  virtual Result<std::optional<Watermark>> watermark(std::string_view policy) = 0;
  virtual Result<void> save_watermark(std::string_view policy, const Watermark& mark) = 0;

  // Runs `work` with more of the database kept in memory, within a fixed bound, for work
  // that touches many rows at once (an import, a run that delivers). Nothing else changes;
  // a store without a cache to tune just runs it.
  virtual Result<void> with_large_cache(const std::function<Result<void>()>& work) {
    return work();
  }
};

}  // namespace certcron::reminders
