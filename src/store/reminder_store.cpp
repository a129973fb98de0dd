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
      : find_mentor(db, "SELECT name, email FROM mentors WHERE mentor_id = ?"),
        insert_mentor(db, "INSERT INTO mentors (mentor_id, name, email) VALUES (?, ?, ?)"),
        update_mentor(db, "UPDATE mentors SET name = ?2, email = ?3 WHERE mentor_id = ?1"),
        find_certification(db,
                           "SELECT id, expires_on, expires_at, issued_at FROM certifications "
                           "WHERE mentor_id = ? AND certification = ?"),
        insert_certification(db,
                             "INSERT INTO certifications (mentor_id, certification, expires_on, "
                             "expires_at, issued_at) VALUES (?, ?, ?, ?, ?)"),
        update_certification(db,
                             "UPDATE certifications SET expires_on = ?2, expires_at = ?3, "
                             "issued_at = ?4 WHERE id = ?1"),
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

  SQLite::Statement find_mentor;
  SQLite::Statement insert_mentor;
  SQLite::Statement update_mentor;
  SQLite::Statement find_certification;
  SQLite::Statement insert_certification;
  SQLite::Statement update_certification;
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

Result<void> SqliteReminderStore::upsert_one(const CertificationRow& row,
                                             reminders::UpsertCounts& counts) {
  auto& s = statements();
  s.find_mentor.reset();
  s.find_mentor.bind(1, row.mentor_id);
  if (!s.find_mentor.executeStep()) {
    s.insert_mentor.reset();
    s.insert_mentor.bind(1, row.mentor_id);
    s.insert_mentor.bind(2, row.name);
    s.insert_mentor.bind(3, row.email);
    s.insert_mentor.exec();
    ++counts.mentors_inserted;
  } else if (s.find_mentor.getColumn(0).getString() != row.name ||
             s.find_mentor.getColumn(1).getString() != row.email) {
    s.update_mentor.reset();
    s.update_mentor.bind(1, row.mentor_id);
    s.update_mentor.bind(2, row.name);
    s.update_mentor.bind(3, row.email);
    s.update_mentor.exec();
    ++counts.mentors_updated;
  }
  s.find_mentor.reset();

  s.find_certification.reset();
  s.find_certification.bind(1, row.mentor_id);
  s.find_certification.bind(2, row.certification);
  const auto bind_issued = [&](SQLite::Statement& statement, int index) {
    if (row.issued_at.empty()) {
      statement.bind(index);
    } else {
      statement.bind(index, row.issued_at);
    }
  };
  if (!s.find_certification.executeStep()) {
    s.insert_certification.reset();
    s.insert_certification.bind(1, row.mentor_id);
    s.insert_certification.bind(2, row.certification);
    s.insert_certification.bind(3, row.expires_on);
    s.insert_certification.bind(4, from_seconds(row.expires_at));
    bind_issued(s.insert_certification, 5);
    s.insert_certification.exec();
    ++counts.certifications_inserted;
  } else {
    const auto id = s.find_certification.getColumn(0).getInt64();
    const bool same =
        s.find_certification.getColumn(1).getString() == row.expires_on &&
        s.find_certification.getColumn(2).getInt64() == from_seconds(row.expires_at) &&
        s.find_certification.getColumn(3).getString() == row.issued_at;
    s.find_certification.reset();
    if (!same) {
      s.update_certification.reset();
      s.update_certification.bind(1, id);
      s.update_certification.bind(2, row.expires_on);
      s.update_certification.bind(3, from_seconds(row.expires_at));
      bind_issued(s.update_certification, 4);
      s.update_certification.exec();
      ++counts.certifications_updated;
    }
  }
  s.find_certification.reset();
  return {};
}

Result<reminders::UpsertCounts> SqliteReminderStore::upsert(
    const std::vector<CertificationRow>& rows) {
  return guarded([&]() -> Result<reminders::UpsertCounts> {
    reminders::UpsertCounts counts;
    for (const auto& row : rows) {
      if (auto done = upsert_one(row, counts); !done) {
        return fail(done.error());
      }
    }
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

}  // namespace certcron::store
