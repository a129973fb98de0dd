#include "store/reminder_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <optional>
#include <utility>

namespace certcron::store {
namespace {

using reminders::Certification;
using reminders::CertificationRow;
using reminders::LedgerEntry;
using reminders::LedgerOutcome;

Error database_error(const std::exception& e) {
  if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
    const int code = sqlite->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return Error::busy(std::string("the database is busy: ") + e.what());
    }
  }
  return Error::failed(std::string("database error: ") + e.what());
}

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

const char* to_text(LedgerOutcome outcome) {
  return outcome == LedgerOutcome::sent ? "sent" : "superseded";
}

}  // namespace

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
        page(db, kExpiringPageSql),
        count_range(db,
                    "SELECT count(*) FROM certifications WHERE expires_at >= ? AND "
                    "expires_at < ?"),
        ledger(db,
               "SELECT threshold, outcome, recorded_at, run_seq, message_id FROM reminder_ledger "
               "WHERE certification_id = ? AND expires_on = ? ORDER BY threshold DESC"),
        insert_ledger(db,
                      "INSERT INTO reminder_ledger (certification_id, expires_on, threshold, "
                      "outcome, recorded_at, run_seq, message_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT DO NOTHING") {}

  SQLite::Statement upsert_mentor;
  SQLite::Statement upsert_certification;
  SQLite::Statement page;
  SQLite::Statement count_range;
  SQLite::Statement ledger;
  SQLite::Statement insert_ledger;
};

// Keyset paging on the expires_at index (which carries the row id): each page starts after
// the last (expires_at, id) seen, so no statement stays open between pages.
const char* const SqliteReminderStore::kExpiringPageSql =
    "SELECT c.id, m.rowid, c.mentor_id, m.name, m.email, c.certification, c.expires_on, "
    "c.expires_at FROM certifications AS c JOIN mentors AS m ON m.mentor_id = c.mentor_id "
    "WHERE c.expires_at >= ?1 AND c.expires_at < ?2 AND (c.expires_at, c.id) > (?3, ?4) "
    "ORDER BY c.expires_at, c.id LIMIT ?5";

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
    return counts;
  });
}

Result<void> SqliteReminderStore::for_each_expiring(
    Seconds from, Seconds to, const std::function<Result<void>(const Certification&)>& visit) {
  std::int64_t after_at = from_seconds(from);
  std::int64_t after_id = -1;
  std::vector<Certification> page;
  page.reserve(kPageRows);
  for (;;) {
    auto read = guarded([&]() -> Result<void> {
      auto& q = statements().page;
      q.reset();
      q.bind(1, from_seconds(from));
      q.bind(2, from_seconds(to));
      q.bind(3, after_at);
      q.bind(4, after_id);
      q.bind(5, kPageRows);
      page.clear();
      while (q.executeStep()) {
        page.push_back(Certification{
            q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
            q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
            q.getColumn(6).getString(), to_seconds(q.getColumn(7).getInt64())});
      }
      q.reset();  // ends the read before `visit` writes
      return {};
    });
    if (!read) {
      return read;
    }
    for (const auto& certification : page) {
      if (auto visited = visit(certification); !visited) {
        return visited;
      }
    }
    if (page.size() < static_cast<std::size_t>(kPageRows)) {
      return {};
    }
    after_at = from_seconds(page.back().expires_at);
    after_id = page.back().id;
  }
}

Result<std::int64_t> SqliteReminderStore::count_expiring(Seconds from, Seconds to) {
  return guarded([&]() -> Result<std::int64_t> {
    auto& q = statements().count_range;
    q.reset();
    q.bind(1, from_seconds(from));
    q.bind(2, from_seconds(to));
    q.executeStep();
    const auto count = q.getColumn(0).getInt64();
    q.reset();
    return count;
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
  auto write = [&]() -> Result<void> {
    return guarded([&]() -> Result<void> {
      auto& q = statements().insert_ledger;
      for (const auto& entry : entries) {
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
      return {};
    });
  };
  if (sqlite3_get_autocommit(db_.getHandle()) == 0) {
    return write();  // already inside the caller's transaction
  }
  return in_transaction(write);
}

Result<reminders::ReminderCounts> SqliteReminderStore::counts() {
  return guarded([&]() -> Result<reminders::ReminderCounts> {
    SQLite::Statement q(db_,
                        "SELECT (SELECT count(*) FROM mentors), (SELECT count(*) FROM "
                        "certifications), (SELECT count(*) FROM reminder_ledger)");
    q.executeStep();
    return reminders::ReminderCounts{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(),
                                     q.getColumn(2).getInt64()};
  });
}

// The import inserts into the certifications' expiry index at random places: with SQLite's
// default 2 MiB cache most of those pages are written out to the WAL and read back again
// within the same transaction. The cache is a bound, not an allocation: it stays flat
// however large the file.
Result<void> SqliteReminderStore::in_bulk_transaction(const std::function<Result<void>()>& work) {
  std::int64_t previous = 0;
  auto raised = guarded([&]() -> Result<void> {
    previous = db_.execAndGet("PRAGMA cache_size").getInt64();
    db_.exec("PRAGMA cache_size = -" + std::to_string(kBulkCacheKiB));
    return {};
  });
  if (!raised) {
    return raised;
  }
  auto outcome = in_transaction(work);
  db_.tryExec("PRAGMA cache_size = " + std::to_string(previous));
  return outcome;
}

}  // namespace certcron::store
