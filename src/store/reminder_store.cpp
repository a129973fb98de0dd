#include "store/reminder_store.hpp"

#include "store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

namespace certcron::store {
namespace {

using reminders::Certification;
using reminders::CertificationRow;
using reminders::LedgerEntry;
using reminders::LedgerOutcome;

// The same words as the job store's: a busy database tells what to do whichever store saw it.
Error database_error(const std::exception& e) { return error_from_exception(e); }

// Runs `body`, turning the SQLiteCpp exceptions that stay inside this adapter into errors.
template <class F>
auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return fail(database_error(e));
  }
}

Seconds to_seconds(std::int64_t value) {
  return Seconds{std::chrono::seconds{value}};
}
std::int64_t from_seconds(Seconds value) {
  return value.time_since_epoch().count();
}

// Binds the ledger's key (certification, expiry, threshold) to parameters 1 to 3.
void bind_key(SQLite::Statement& statement, std::int64_t certification_id,
              const std::string& expires_on, int threshold) {
  statement.bind(1, certification_id);
  statement.bind(2, expires_on);
  statement.bind(3, threshold);
}

const char* to_text(LedgerOutcome outcome) {
  return outcome == LedgerOutcome::sent ? "sent" : "superseded";
}

// Reads the due query's ledger column (see kDueCandidatesSql) into entries, threshold
// descending. False when an item is malformed.
bool parse_ledger_items(std::string_view text, const Certification& certification,
                        std::vector<LedgerEntry>& entries) {
  while (!text.empty()) {
    const auto end = std::min(text.find(','), text.size());
    std::string_view item = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    std::string_view fields[5];
    for (auto& field : fields) {
      const auto space = std::min(item.find(' '), item.size());
      field = item.substr(0, space);
      item.remove_prefix(std::min(space + 1, item.size()));
    }
    LedgerEntry entry;
    std::int64_t recorded_at = 0;
    const auto number = [](std::string_view field, auto& value) {
      const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
      return ec == std::errc() && ptr == field.data() + field.size() && !field.empty();
    };
    if (!number(fields[0], entry.threshold) || !number(fields[2], recorded_at) ||
        !number(fields[3], entry.run_seq) || (fields[1] != "sent" && fields[1] != "superseded")) {
      return false;
    }
    entry.certification_id = certification.id;
    entry.expires_on = certification.expires_on;
    entry.outcome = fields[1] == "sent" ? LedgerOutcome::sent : LedgerOutcome::superseded;
    entry.recorded_at = to_seconds(recorded_at);
    entry.message_id = std::string(fields[4]);
    entries.push_back(std::move(entry));
  }
  std::ranges::sort(entries, [](const LedgerEntry& a, const LedgerEntry& b) {
    return a.threshold > b.threshold;
  });
  return true;
}

}  // namespace

// The due query through the C API: its columns are read straight into the page, and its
// virtual-machine steps can be counted (SQLiteCpp keeps the handle private).
class RawStatement {
 public:
  RawStatement(sqlite3* db, const char* sql) : db_(db) {
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
      throw SQLite::Exception(db, rc);
    }
  }
  ~RawStatement() { sqlite3_finalize(stmt_); }
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  void check(int rc) const {
    if (rc != SQLITE_OK) {
      throw SQLite::Exception(db_, rc);
    }
  }
  // True for a row, false when done; throws on an error.
  bool step() const {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc != SQLITE_DONE) {
      throw SQLite::Exception(db_, rc);
    }
    return false;
  }
  std::string text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data == nullptr ? std::string()
                           : std::string(data, static_cast<std::size_t>(
                                                   sqlite3_column_bytes(stmt_, column)));
  }
  // Ends the statement's read (and its transaction, outside one) whatever happened.
  class Use {
   public:
    explicit Use(const RawStatement& statement) : stmt_(statement.stmt_) {}
    ~Use() {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    sqlite3_stmt* stmt_;
  };

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Prepared once per store: the import and the check run them up to millions of times.
struct SqliteReminderStore::Statements {
  explicit Statements(SQLite::Database& db)
      : upsert_mentor(db,
                      "INSERT INTO mentors (mentor_id, name, email) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT (mentor_id) DO UPDATE SET name = excluded.name, "
                      "email = excluded.email WHERE mentors.name IS NOT excluded.name OR "
                      "mentors.email IS NOT excluded.email"),
        // A missing issued_at is NULL; an empty one compares equal to it, as it always has.
        upsert_certification(
            db,
            "INSERT INTO certifications (mentor_id, certification, expires_on, expires_at, "
            "issued_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (mentor_id, certification) "
            "DO UPDATE SET expires_on = excluded.expires_on, expires_at = excluded.expires_at, "
            "issued_at = excluded.issued_at WHERE certifications.expires_on IS NOT "
            "excluded.expires_on OR certifications.expires_at IS NOT excluded.expires_at OR "
            "coalesce(certifications.issued_at, '') IS NOT coalesce(excluded.issued_at, '')"),
        add_totals(db,
                   "UPDATE reminder_totals SET mentors = mentors + ?1, certifications = "
                   "certifications + ?2, data_version = data_version + 1"),
        due(db.getHandle(), kDueCandidatesSql),
        ledger(db,
               "SELECT threshold, outcome, recorded_at, run_seq, message_id FROM reminder_ledger "
               "WHERE certification_id = ? AND expires_on = ? ORDER BY threshold DESC"),
        insert_ledger(db,
                      "INSERT INTO reminder_ledger (certification_id, expires_on, threshold, "
                      "outcome, recorded_at, run_seq, message_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT DO NOTHING"),
        // A key in the ledger is never claimed, nor by a run that is not running (another
        // process ended it); a claim is taken over from a run that is not running any more,
        // or whose lease passed (?6: now), and renewed for its own run.
        claim(db,
              "INSERT INTO reminder_claims (certification_id, expires_on, threshold, run_seq, "
              "lease_until) SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM "
              "reminder_ledger WHERE certification_id = ?1 AND expires_on = ?2 AND threshold "
              "= ?3) AND (?4 = 0 OR EXISTS (SELECT 1 FROM runs WHERE seq = ?4 AND status = "
              "'running')) ON CONFLICT DO UPDATE SET run_seq = excluded.run_seq, lease_until = "
              "excluded.lease_until WHERE reminder_claims.run_seq = excluded.run_seq OR "
              "reminder_claims.lease_until < ?6 OR NOT EXISTS (SELECT 1 FROM runs WHERE "
              "runs.seq = reminder_claims.run_seq AND runs.status = 'running')"),
        release(db,
                "DELETE FROM reminder_claims WHERE certification_id = ? AND expires_on = ? AND "
                "threshold = ? AND run_seq = ?"),
        end_claim(db,
                  "DELETE FROM reminder_claims WHERE certification_id = ? AND expires_on = ? "
                  "AND threshold = ?") {}

  SQLite::Statement upsert_mentor;
  SQLite::Statement upsert_certification;
  SQLite::Statement add_totals;
  RawStatement due;
  SQLite::Statement ledger;
  SQLite::Statement insert_ledger;
  SQLite::Statement claim;
  SQLite::Statement release;
  SQLite::Statement end_claim;
};

// One band of the due query. The range on the covering (expires_at, expires_on) index is
// entered at the keyset cursor (so each page seeks, never rescans the range); the ledger
// anti-join reads only the index and the ledger's primary key; certification and mentor rows
// are read only for the candidates left. A date-only expires_on is 10 characters
// ("2026-04-10"); an instant is longer.
//
// Each candidate carries its ledger entries for its expiry (column 8) as "threshold outcome
// recorded_at run_seq message_id" items joined by ",", so deciding it needs no statement of
// its own. A message id holds neither a space nor a comma ("<hex@certcron>").
const char* const SqliteReminderStore::kDueCandidatesSql =
    "SELECT c.id, m.rowid, c.mentor_id, m.name, m.email, c.certification, c.expires_on, "
    "c.expires_at, (SELECT group_concat(e.threshold || ' ' || e.outcome || ' ' || "
    "e.recorded_at || ' ' || ifnull(e.run_seq, 0) || ' ' || ifnull(e.message_id, ''), ',') "
    "FROM reminder_ledger AS e WHERE e.certification_id = c.id AND e.expires_on = c.expires_on) "
    "FROM certifications AS c JOIN mentors AS m ON m.mentor_id = c.mentor_id "
    "WHERE (c.expires_at, c.expires_on, c.id) > (?1, ?2, ?3) AND c.expires_at < ?4 "
    "AND CASE WHEN length(c.expires_on) > 10 THEN c.expires_at >= ?9 AND c.expires_at < ?10 "
    "ELSE c.expires_at >= ?5 AND c.expires_at < ?6 END "
    "AND NOT EXISTS (SELECT 1 FROM reminder_ledger AS l WHERE l.certification_id = c.id "
    "AND l.expires_on = c.expires_on AND l.threshold = ?7) "
    "ORDER BY c.expires_at, c.expires_on, c.id LIMIT ?8";

SqliteReminderStore::SqliteReminderStore(SQLite::Database& db) : db_(db) {}

SqliteReminderStore::~SqliteReminderStore() = default;

// Prepared on first use, so that a store built before the migration ran still works.
SqliteReminderStore::Statements& SqliteReminderStore::statements() {
  if (!statements_) {
    statements_ = std::make_unique<Statements>(db_);
  }
  return *statements_;
}

Result<void> SqliteReminderStore::in_transaction(const std::function<Result<void>()>& work) {
  // Inside a transaction someone else opened on this connection, a savepoint gives the same
  // all-or-nothing without ending theirs.
  const bool nested = sqlite3_get_autocommit(db_.getHandle()) == 0;
  const char* const begin = nested ? "SAVEPOINT reminder_store" : "BEGIN IMMEDIATE";
  const char* const commit = nested ? "RELEASE reminder_store" : "COMMIT";
  const char* const rollback =
      nested ? "ROLLBACK TO reminder_store; RELEASE reminder_store" : "ROLLBACK";
  auto begun = guarded([&]() -> Result<void> {
    statements();
    db_.exec(begin);
    return {};
  });
  if (!begun) {
    return begun;
  }
  Result<void> outcome;
  try {
    outcome = work();
  } catch (const std::exception& e) {
    outcome = fail(database_error(e));
  }
  if (outcome) {
    auto committed = guarded([&]() -> Result<void> {
      db_.exec(commit);
      return {};
    });
    if (committed) {
      return {};
    }
    outcome = committed;
  }
  db_.tryExec(rollback);
  return outcome;
}

namespace {

enum class Upserted { inserted, updated, unchanged };

// Runs one INSERT ... ON CONFLICT DO UPDATE ... WHERE <something differs>. The UPDATE branch
// leaves the last insert rowid alone, so a rowid set by this statement means it inserted;
// otherwise one changed row means it updated, none that the row was already as given.
Upserted run_upsert(SQLite::Database& db, SQLite::Statement& statement) {
  sqlite3_set_last_insert_rowid(db.getHandle(), 0);
  const int changed = statement.exec();
  if (changed == 0) {
    return Upserted::unchanged;
  }
  return db.getLastInsertRowid() != 0 ? Upserted::inserted : Upserted::updated;
}

}  // namespace

// The certification of one row (its mentor is written first, by upsert). Strings are bound
// without copying (SQLITE_STATIC): they belong to `row`, which outlives the statement's step,
// and upsert clears the bindings before it returns.
Result<void> SqliteReminderStore::upsert_one(const CertificationRow& row,
                                             reminders::UpsertCounts& counts) {
  auto& s = statements();
  s.upsert_certification.reset();
  s.upsert_certification.bindNoCopy(1, row.mentor_id);
  s.upsert_certification.bindNoCopy(2, row.certification);
  s.upsert_certification.bindNoCopy(3, row.expires_on);
  s.upsert_certification.bind(4, from_seconds(row.expires_at));
  if (row.issued_at.empty()) {
    s.upsert_certification.bind(5);
  } else {
    s.upsert_certification.bindNoCopy(5, row.issued_at);
  }
  switch (run_upsert(db_, s.upsert_certification)) {
    case Upserted::inserted:
      ++counts.certifications_inserted;
      break;
    case Upserted::updated:
      ++counts.certifications_updated;
      break;
    case Upserted::unchanged:
      break;
  }
  return {};
}

Result<reminders::UpsertCounts> SqliteReminderStore::upsert(
    const std::vector<CertificationRow>& rows) {
  return guarded([&]() -> Result<reminders::UpsertCounts> {
    auto& s = statements();
    reminders::UpsertCounts counts;
    const CertificationRow* previous = nullptr;
    for (const auto& row : rows) {
      // A file lists a mentor's certifications together: the mentor written for the row
      // before, with the same name and email, is known to be unchanged.
      if (previous == nullptr || previous->mentor_id != row.mentor_id ||
          previous->name != row.name || previous->email != row.email) {
        s.upsert_mentor.reset();
        s.upsert_mentor.bindNoCopy(1, row.mentor_id);
        s.upsert_mentor.bindNoCopy(2, row.name);
        s.upsert_mentor.bindNoCopy(3, row.email);
        switch (run_upsert(db_, s.upsert_mentor)) {
          case Upserted::inserted:
            ++counts.mentors_inserted;
            break;
          case Upserted::updated:
            ++counts.mentors_updated;
            break;
          case Upserted::unchanged:
            break;
        }
      }
      // The certification after its mentor, whom its foreign key needs.
      if (auto done = upsert_one(row, counts); !done) {
        return fail(done.error());
      }
      previous = &row;
    }
    s.upsert_mentor.reset();
    s.upsert_mentor.clearBindings();
    s.upsert_certification.reset();
    s.upsert_certification.clearBindings();
    if (counts.mentors_inserted + counts.mentors_updated + counts.certifications_inserted +
            counts.certifications_updated >
        0) {
      auto& totals = statements().add_totals;
      totals.reset();
      totals.bind(1, counts.mentors_inserted);
      totals.bind(2, counts.certifications_inserted);
      totals.exec();
      totals.reset();
    }
    return counts;
  });
}

Result<std::vector<reminders::DueCandidate>> SqliteReminderStore::due_candidates(
    const reminders::DueBand& band, const reminders::CandidateCursor& after, int limit) {
  return guarded([&]() -> Result<std::vector<reminders::DueCandidate>> {
    const auto& q = statements().due;
    const RawStatement::Use use(q);
    sqlite3_stmt* const stmt = q.get();
    // A cursor with no id (the default) starts at the band's range.
    const bool from_start = after.id < 0;
    // The index range holds both kinds of expiry; each kind is then kept to its own range.
    const Seconds range_from = std::min(band.date_from, band.instant_from);
    const Seconds range_to = std::max(band.date_to, band.instant_to);
    q.check(sqlite3_bind_int64(stmt, 1, from_seconds(from_start ? range_from : after.expires_at)));
    // Never a null pointer: that would bind NULL, and no row compares greater than NULL.
    const std::string_view expires_on = from_start ? std::string_view("") : after.expires_on;
    q.check(sqlite3_bind_text(stmt, 2, expires_on.data(), static_cast<int>(expires_on.size()),
                              SQLITE_STATIC));
    q.check(sqlite3_bind_int64(stmt, 3, from_start ? -1 : after.id));
    q.check(sqlite3_bind_int64(stmt, 4, from_seconds(range_to)));
    q.check(sqlite3_bind_int64(stmt, 5, from_seconds(band.date_from)));
    q.check(sqlite3_bind_int64(stmt, 6, from_seconds(band.date_to)));
    q.check(sqlite3_bind_int(stmt, 7, band.threshold));
    q.check(sqlite3_bind_int(stmt, 8, limit));
    q.check(sqlite3_bind_int64(stmt, 9, from_seconds(band.instant_from)));
    q.check(sqlite3_bind_int64(stmt, 10, from_seconds(band.instant_to)));
    std::vector<reminders::DueCandidate> page;
    while (q.step()) {
      reminders::DueCandidate candidate{
          Certification{sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1), q.text(2),
                        q.text(3), q.text(4), q.text(5), q.text(6),
                        to_seconds(sqlite3_column_int64(stmt, 7))},
          {}};
      if (!parse_ledger_items(q.text(8), candidate.certification, candidate.ledger)) {
        throw SQLite::Exception("the ledger of certification " +
                                std::to_string(candidate.certification.id) +
                                " holds an entry certcron cannot read");
      }
      page.push_back(std::move(candidate));
    }
    due_vm_steps_ += sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
    return page;
  });
}

Result<std::vector<LedgerEntry>> SqliteReminderStore::ledger_for(std::int64_t certification_id,
                                                                 std::string_view expires_on) {
  return guarded([&]() -> Result<std::vector<LedgerEntry>> {
    auto& q = statements().ledger;
    q.reset();
    q.bind(1, certification_id);
    q.bind(2, std::string(expires_on));
    std::vector<LedgerEntry> entries;
    while (q.executeStep()) {
      LedgerEntry entry;
      entry.certification_id = certification_id;
      entry.expires_on = std::string(expires_on);
      entry.threshold = q.getColumn(0).getInt();
      entry.outcome =
          q.getColumn(1).getString() == "sent" ? LedgerOutcome::sent : LedgerOutcome::superseded;
      entry.recorded_at = to_seconds(q.getColumn(2).getInt64());
      entry.run_seq = q.getColumn(3).isNull() ? 0 : q.getColumn(3).getInt64();
      entry.message_id = q.getColumn(4).isNull() ? "" : q.getColumn(4).getString();
      entries.push_back(std::move(entry));
    }
    q.reset();
    return entries;
  });
}

Result<void> SqliteReminderStore::record(const std::vector<LedgerEntry>& entries) {
  // In key order, so that a batch visits each ledger page (and each certification page its
  // foreign key reads) once, instead of at random; stable, so that of two entries with one
  // key the first given is the one kept, as when they are written one by one.
  std::vector<const LedgerEntry*> ordered;
  ordered.reserve(entries.size());
  for (const auto& entry : entries) {
    ordered.push_back(&entry);
  }
  std::ranges::stable_sort(ordered, [](const LedgerEntry* a, const LedgerEntry* b) {
    return std::tie(a->certification_id, a->expires_on, a->threshold) <
           std::tie(b->certification_id, b->expires_on, b->threshold);
  });
  auto write = [&]() -> Result<void> {
    return guarded([&]() -> Result<void> {
      auto& q = statements().insert_ledger;
      for (const LedgerEntry* next : ordered) {
        const LedgerEntry& entry = *next;
        q.reset();
        q.bind(1, entry.certification_id);
        q.bind(2, entry.expires_on);
        q.bind(3, entry.threshold);
        q.bind(4, to_text(entry.outcome));
        q.bind(5, from_seconds(entry.recorded_at));
        if (entry.run_seq == 0) {
          q.bind(6);
        } else {
          q.bind(6, entry.run_seq);
        }
        if (entry.message_id.empty()) {
          q.bind(7);
        } else {
          q.bind(7, entry.message_id);
        }
        q.exec();
      }
      q.reset();
      auto& ended = statements().end_claim;
      for (const LedgerEntry* next : ordered) {
        ended.reset();
        bind_key(ended, next->certification_id, next->expires_on, next->threshold);
        ended.exec();
      }
      ended.reset();
      return {};
    });
  };
  return writing(write);
}

Result<void> SqliteReminderStore::writing(const std::function<Result<void>()>& work) {
  if (sqlite3_get_autocommit(db_.getHandle()) == 0) {
    return work();  // already inside the caller's transaction
  }
  return in_transaction(work);
}

Result<std::vector<bool>> SqliteReminderStore::claim(
    const std::vector<reminders::ReminderKey>& keys, const reminders::ClaimHolder& holder) {
  std::vector<bool> held;
  auto done = writing([&]() -> Result<void> {
    return guarded([&]() -> Result<void> {
      held.clear();
      auto& q = statements().claim;
      for (const auto& key : keys) {
        q.reset();
        bind_key(q, key.certification_id, key.expires_on, key.threshold);
        q.bind(4, holder.run_seq);
        q.bind(5, from_seconds(holder.now + holder.lease));
        q.bind(6, from_seconds(holder.now));
        held.push_back(q.exec() == 1);
      }
      q.reset();
      return {};
    });
  });
  if (!done) {
    return fail(done.error());
  }
  return held;
}

Result<void> SqliteReminderStore::release(const std::vector<reminders::ReminderKey>& keys,
                                          std::int64_t run_seq) {
  return writing([&]() -> Result<void> {
    return guarded([&]() -> Result<void> {
      auto& q = statements().release;
      for (const auto& key : keys) {
        q.reset();
        bind_key(q, key.certification_id, key.expires_on, key.threshold);
        q.bind(4, run_seq);
        q.exec();
      }
      q.reset();
      return {};
    });
  });
}

Result<reminders::ReminderCounts> SqliteReminderStore::counts() {
  return guarded([&]() -> Result<reminders::ReminderCounts> {
    SQLite::Statement q(db_,
                        "SELECT mentors, certifications, data_version FROM reminder_totals");
    if (!q.executeStep()) {
      return fail(Error::failed("database error: reminder_totals has no row"));
    }
    return reminders::ReminderCounts{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                                     q.getColumn(2).getInt64()};
  });
}

Result<std::optional<reminders::Watermark>> SqliteReminderStore::watermark(
    std::string_view policy) {
  return guarded([&]() -> Result<std::optional<reminders::Watermark>> {
    SQLite::Statement q(db_,
                        "SELECT through_day, data_version FROM reminder_watermarks "
                        "WHERE policy = ?");
    q.bind(1, std::string(policy));
    if (!q.executeStep()) {
      return std::optional<reminders::Watermark>{};
    }
    return std::optional<reminders::Watermark>{
        reminders::Watermark{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()}};
  });
}

Result<void> SqliteReminderStore::save_watermark(std::string_view policy,
                                                 const reminders::Watermark& mark) {
  return guarded([&]() -> Result<void> {
    SQLite::Statement q(db_,
                        "INSERT INTO reminder_watermarks (policy, through_day, data_version) "
                        "VALUES (?1, ?2, ?3) ON CONFLICT (policy) DO UPDATE SET "
                        "through_day = excluded.through_day, data_version = excluded.data_version");
    q.bind(1, std::string(policy));
    q.bind(2, mark.through_day);
    q.bind(3, mark.data_version);
    q.exec();
    return {};
  });
}

// The import inserts into the certifications' expiry index at random places, and a run that
// delivers reads certification, mentor and ledger pages at random and writes the ledger
// after them: with SQLite's default 2 MiB cache most of those pages are read (or written to
// the WAL) again and again. The cache is a bound, not an allocation: it stays flat however
// large the data.
Result<void> SqliteReminderStore::with_large_cache(const std::function<Result<void>()>& work) {
  std::int64_t previous = 0;
  auto raised = guarded([&]() -> Result<void> {
    previous = db_.execAndGet("PRAGMA cache_size").getInt64();
    db_.exec("PRAGMA cache_size = -" + std::to_string(kBulkCacheKiB));
    return {};
  });
  if (!raised) {
    return raised;
  }
  Result<void> outcome;
  try {
    outcome = work();
  } catch (const std::exception& e) {
    outcome = fail(database_error(e));
  }
  db_.tryExec("PRAGMA cache_size = " + std::to_string(previous));
  return outcome;
}

}  // namespace certcron::store
